/**
 * Test harness: real redis-server processes, TLS material, fault-injecting proxy,
 * scripted fake servers and RESP helpers.
 */
import * as net from "node:net";
import * as tls from "node:tls";
import { afterAll, beforeAll } from "vitest";
import { startRedisServer, type RedisServer, type ServerOptions } from "./redis-server.js";

export {
  startRedisServer,
  stopAllServers,
  runRedisCli,
  cliBin,
  type AclUser,
  type CliResult,
  type RedisServer,
  type ServerOptions,
  type TlsCerts,
} from "./redis-server.js";
export { getTlsCerts, readTlsMaterial } from "./certs.js";
export {
  startProxy,
  startFakeServer,
  startCommandServer,
  type FakeServer,
  type FaultProxy,
} from "./proxy.js";
export { resp, RespCommandParser } from "./resp.js";
export { freePort, sleep } from "./util.js";

/** Starts one server per options object, runs `fn`, and always stops them afterwards. */
export async function withServers<T>(optsList: ServerOptions[], fn: (servers: RedisServer[]) => Promise<T>): Promise<T> {
  const results = await Promise.allSettled(optsList.map((o) => startRedisServer(o)));
  const servers = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  try {
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
    return await fn(servers);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

/** Starts a server, runs `fn`, and always stops it afterwards. */
export async function withServer<T>(opts: ServerOptions, fn: (server: RedisServer) => Promise<T>): Promise<T> {
  return withServers([opts], ([server]) => fn(server!));
}

/**
 * Vitest helper: starts a server in beforeAll and stops it in afterAll of the enclosing
 * describe/file. Call at collection time; use the returned getter inside tests.
 *
 *   const server = useRedisServer({ password: "pw" });
 *   test("x", async () => { expect(await server().cli("PING")).toBe("PONG"); });
 */
export function useRedisServer(opts: ServerOptions = {}): () => RedisServer {
  let server: RedisServer | undefined;
  beforeAll(async () => {
    server = await startRedisServer(opts);
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error("useRedisServer: server not started (only use it inside tests/hooks)");
    return server;
  };
}

export interface RawExchange {
  /** Everything received before the predicate matched or the connection closed/timeout. */
  data: Buffer;
  /** True if the peer closed (or errored) the connection. */
  closed: boolean;
  error?: Error;
}

/**
 * Opens a raw TCP (or, with `tls` options, TLS) connection, writes `payload`, and collects the
 * reply until `until(received)` returns true, the peer closes, or `timeoutMs` elapses.
 * Default `until`: at least one CRLF-terminated line received.
 */
export function rawExchange(
  target: { host?: string; port?: number; path?: string; tls?: tls.ConnectionOptions },
  payload: string | Buffer,
  options: { until?: (received: Buffer) => boolean; timeoutMs?: number } = {},
): Promise<RawExchange> {
  const until = options.until ?? ((b: Buffer) => b.includes("\r\n"));
  const timeoutMs = options.timeoutMs ?? 2_000;
  return new Promise<RawExchange>((resolve) => {
    const chunks: Buffer[] = [];
    let done = false;
    let socket: net.Socket;
    const finish = (closed: boolean, error?: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ data: Buffer.concat(chunks), closed, ...(error ? { error } : {}) });
    };
    const host = target.host ?? "127.0.0.1";
    if (target.tls) {
      socket = tls.connect({ host, port: target.port, servername: net.isIP(host) ? undefined : host, ...target.tls }, () => socket.write(payload));
    } else if (target.path !== undefined) {
      socket = net.connect({ path: target.path }, () => socket.write(payload));
    } else {
      socket = net.connect({ host, port: target.port! }, () => socket.write(payload));
    }
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on("data", (d: Buffer) => {
      chunks.push(d);
      if (until(Buffer.concat(chunks))) finish(false);
    });
    socket.on("error", (err) => finish(true, err));
    socket.on("close", () => finish(true));
  });
}

/** `*1\r\n$4\r\nPING\r\n` */
export const PING = "*1\r\n$4\r\nPING\r\n";
