import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import * as tls from "node:tls";
import { ConnectionError, DataError, TimeoutError } from "../errors.js";
import type { ResolvedConnectionOptions } from "./resolve.js";

/** Where a connection goes, for messages: `127.0.0.1:6379` or `unix:/tmp/redis.sock`. Never secrets. */
export function describeAddress(options: ResolvedConnectionOptions): string {
  if (options.unixSocketPath) return `unix:${options.unixSocketPath}`;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  return `${host}:${options.port}`;
}

const caDirCache = new Map<string, Buffer[]>();

function readCaPath(dir: string): Buffer[] {
  let certs = caDirCache.get(dir);
  if (!certs) {
    certs = fs
      .readdirSync(dir)
      .filter((name) => /\.(pem|crt|cer)$/i.test(name))
      .map((name) => fs.readFileSync(path.join(dir, name)));
    caDirCache.set(dir, certs);
  }
  return certs;
}

function readFileOption(option: string, file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new DataError(`Cannot read ${option} '${file}': ${(err as NodeJS.ErrnoException).code ?? "error"}`);
  }
}

/** Node TLS options from redis-py's `ssl_*` options. Certificate verification is on unless `sslCertReqs` is "none". */
export function tlsOptions(options: ResolvedConnectionOptions): tls.ConnectionOptions {
  const verify = options.sslCertReqs !== "none";
  const result: tls.ConnectionOptions = {
    host: options.host,
    port: options.port,
    rejectUnauthorized: verify,
  };
  const serverName = options.sslServerName ?? options.host;
  if (!net.isIP(serverName)) result.servername = serverName;
  const ca: (string | Buffer)[] = [];
  if (options.sslCaCerts) ca.push(readFileOption("sslCaCerts", options.sslCaCerts));
  if (options.sslCaData) ca.push(options.sslCaData);
  if (options.sslCaPath) ca.push(...readCaPath(options.sslCaPath));
  if (ca.length > 0) result.ca = ca;
  if (options.sslCertfile) result.cert = readFileOption("sslCertfile", options.sslCertfile);
  if (options.sslKeyfile) result.key = readFileOption("sslKeyfile", options.sslKeyfile);
  if (options.sslPassword) result.passphrase = options.sslPassword;
  if (options.sslMinVersion) result.minVersion = options.sslMinVersion;
  if (options.sslCiphers) result.ciphers = options.sslCiphers;
  if (!verify || options.sslCheckHostname === false) {
    result.checkServerIdentity = () => undefined;
  } else if (options.sslServerName) {
    const name = options.sslServerName;
    result.checkServerIdentity = (_host, cert) => tls.checkServerIdentity(name, cert);
  }
  return result;
}

/**
 * Opens the socket (TCP, TLS or unix) and resolves once it can carry bytes (after the TLS
 * handshake). Rejects with `TimeoutError` after `socketConnectTimeout` and with
 * `ConnectionError` for every socket failure.
 */
export function openSocket(options: ResolvedConnectionOptions): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const address = describeAddress(options);
    let socket: net.Socket;
    try {
      if (options.unixSocketPath) {
        socket = net.connect({ path: options.unixSocketPath });
      } else if (options.ssl) {
        socket = tls.connect(tlsOptions(options));
      } else {
        socket = net.connect({ host: options.host, port: options.port });
      }
    } catch (err) {
      reject(err instanceof DataError ? err : new ConnectionError(`Error connecting to ${address}: ${(err as Error).message}`, { cause: err }));
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const cleanup = () => {
      if (timer) clearTimeout(timer);
      socket.removeListener("error", onError);
      socket.removeListener(options.ssl && !options.unixSocketPath ? "secureConnect" : "connect", onConnect);
    };
    const onError = (err: NodeJS.ErrnoException) => {
      cleanup();
      socket.destroy();
      const detail = err.code && !err.message.includes(err.code) ? `${err.code}: ${err.message}` : err.message;
      reject(new ConnectionError(`Error connecting to ${address}: ${detail}`, { cause: err }));
    };
    const onConnect = () => {
      cleanup();
      socket.setNoDelay(true);
      if (options.socketKeepalive) socket.setKeepAlive(true, Math.round(options.socketKeepaliveDelay * 1000));
      resolve(socket);
    };
    socket.once("error", onError);
    socket.once(options.ssl && !options.unixSocketPath ? "secureConnect" : "connect", onConnect);
    const connectTimeout = options.socketConnectTimeout ?? options.socketTimeout;
    if (connectTimeout != null) {
      timer = setTimeout(() => {
        cleanup();
        socket.destroy();
        reject(new TimeoutError(`Timeout connecting to ${address} after ${connectTimeout}s`));
      }, connectTimeout * 1000);
    }
  });
}
