import { resolveClientSideCacheOptions, type ResolvedClientSideCacheOptions } from "../cache-options.js";
import { describeValue } from "../describe.js";
import { DataError } from "../errors.js";
import type { ConnectionOptions, CredentialProvider, PoolOptions, SslCertReqs } from "../options.js";
import { defaultRetry, Retry } from "../retry.js";
import { hideSecrets } from "./secrets.js";

/** Connection options with every default filled in and every value checked. */
export interface ResolvedConnectionOptions {
  host: string;
  port: number;
  unixSocketPath: string | null;
  db: number;
  username: string | null;
  password: string | null;
  credentialProvider: CredentialProvider | null;
  socketTimeout: number | null;
  socketConnectTimeout: number | null;
  socketKeepalive: boolean;
  socketKeepaliveDelay: number;
  encoding: BufferEncoding;
  encodingErrors: "strict" | "replace" | "ignore";
  decodeResponses: boolean;
  maxQueuedCommands: number;
  retry: Retry;
  healthCheckInterval: number;
  clientName: string | null;
  protocol: 2 | 3;
  readOnly: boolean;
  ssl: boolean;
  sslKeyfile: string | null;
  sslCertfile: string | null;
  sslPassword: string | null;
  sslCertReqs: SslCertReqs;
  sslCaCerts: string | null;
  sslCaData: string | Buffer | null;
  sslCaPath: string | null;
  sslCheckHostname: boolean;
  sslMinVersion: "TLSv1" | "TLSv1.1" | "TLSv1.2" | "TLSv1.3" | null;
  sslCiphers: string | null;
  sslServerName: string | null;
  /** The pool's client-side cache options, checked (see src/cache.ts); null when off. */
  clientSideCache: ResolvedClientSideCacheOptions | null;
}

type Check = (value: unknown) => boolean;
const isString: Check = (v) => typeof v === "string";
const isBool: Check = (v) => typeof v === "boolean";
const isSeconds: Check = (v) => typeof v === "number" && Number.isFinite(v) && v >= 0;
const orNull =
  (check: Check): Check =>
  (v) =>
    v === null || check(v);

/** Every connection option, with the check its value must pass and the words used when it fails. */
const CONNECTION_OPTION_CHECKS: Record<keyof ConnectionOptions | "clientSideCache", [Check, string]> = {
  host: [(v) => typeof v === "string" && v.length > 0, "a non-empty string"],
  port: [(v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 65535, "an integer from 0 to 65535"],
  unixSocketPath: [orNull(isString), "a string"],
  db: [(v) => Number.isInteger(v) && (v as number) >= 0, "a non-negative integer"],
  username: [orNull(isString), "a string"],
  password: [orNull(isString), "a string"],
  credentialProvider: [
    (v) => v === null || (typeof v === "object" && typeof (v as CredentialProvider).getCredentials === "function"),
    "an object with a getCredentials() method",
  ],
  socketTimeout: [orNull(isSeconds), "a number of seconds or null"],
  socketConnectTimeout: [orNull(isSeconds), "a number of seconds or null"],
  socketKeepalive: [isBool, "a boolean"],
  socketKeepaliveDelay: [isSeconds, "a number of seconds"],
  socketReadSize: [(v) => Number.isInteger(v) && (v as number) > 0, "a positive integer"],
  encoding: [(v) => typeof v === "string" && Buffer.isEncoding(v), "a Node.js Buffer encoding such as 'utf-8'"],
  encodingErrors: [(v) => v === "strict" || v === "replace" || v === "ignore", "'strict', 'replace' or 'ignore'"],
  decodeResponses: [isBool, "a boolean"],
  maxQueuedCommands: [(v) => Number.isInteger(v) && (v as number) >= 0, "a non-negative integer"],
  retry: [(v) => v === null || v instanceof Retry, "a Retry or null"],
  retryOnTimeout: [isBool, "a boolean"],
  retryOnError: [(v) => v === null || (Array.isArray(v) && v.every((e) => typeof e === "function")), "an array of error classes"],
  healthCheckInterval: [isSeconds, "a number of seconds"],
  clientName: [orNull(isString), "a string"],
  protocol: [(v) => v === 2 || v === 3, "2 or 3"],
  readOnly: [isBool, "a boolean"],
  ssl: [isBool, "a boolean"],
  sslKeyfile: [orNull(isString), "a file path"],
  sslCertfile: [orNull(isString), "a file path"],
  sslPassword: [orNull(isString), "a string"],
  sslCertReqs: [(v) => v === "none" || v === "optional" || v === "required", "'none', 'optional' or 'required'"],
  sslCaCerts: [orNull(isString), "a file path"],
  sslCaData: [(v) => v === null || typeof v === "string" || Buffer.isBuffer(v), "PEM text"],
  sslCaPath: [orNull(isString), "a directory path"],
  sslCheckHostname: [isBool, "a boolean"],
  sslMinVersion: [(v) => v === null || v === "TLSv1" || v === "TLSv1.1" || v === "TLSv1.2" || v === "TLSv1.3", "'TLSv1.2' or 'TLSv1.3'"],
  sslCiphers: [orNull(isString), "a cipher list string"],
  sslServerName: [orNull(isString), "a host name"],
  // its fields are checked by resolveClientSideCacheOptions, with messages naming each one
  clientSideCache: [(v) => v === null || (typeof v === "object" && !Array.isArray(v) && !Buffer.isBuffer(v)), "an object of cache options or null"],
};

export const CONNECTION_OPTION_NAMES: ReadonlySet<string> = new Set(Object.keys(CONNECTION_OPTION_CHECKS));

/**
 * Checks `options` against the known names and types. `extra` names options the caller
 * handles itself (pool and client options). Unknown names and bad values throw `DataError`
 * naming the option; values are never echoed (one of them may be a password).
 */
export function checkOptions(where: string, options: object, extra: Record<string, [Check, string]> = {}): void {
  for (const [name, value] of Object.entries(options)) {
    if (value === undefined) continue;
    const rule = (CONNECTION_OPTION_CHECKS as Record<string, [Check, string]>)[name] ?? extra[name];
    if (!rule) {
      throw new DataError(`${where}: unknown option '${name}'`);
    }
    if (!rule[0](value)) {
      throw new DataError(`${where}: option '${name}' must be ${rule[1]}, got ${describeValue(value)}`);
    }
  }
}

export function resolveConnectionOptions(options: ConnectionOptions & Pick<PoolOptions, "clientSideCache">): ResolvedConnectionOptions {
  if (options.credentialProvider && (options.username || options.password)) {
    throw new DataError("'username' and 'password' cannot be passed along with 'credentialProvider'");
  }
  const retry = options.retry ? options.retry.clone() : options.retry === null ? new Retry(defaultRetry().backoff, 0) : defaultRetry();
  const extraErrors = [...(options.retryOnError ?? [])];
  if (extraErrors.length > 0) retry.updateSupportedErrors(extraErrors);
  const certReqs = options.sslCertReqs ?? "required";
  // Passwords are kept out of util.inspect, JSON and spreads of the options (and of every
  // pool, connection and client holding them).
  return hideSecrets<ResolvedConnectionOptions>({
    host: options.host ?? "localhost",
    port: options.port ?? 6379,
    unixSocketPath: options.unixSocketPath ?? null,
    db: options.db ?? 0,
    username: options.username ?? null,
    password: options.password ?? null,
    credentialProvider: options.credentialProvider ?? null,
    socketTimeout: options.socketTimeout === undefined ? 5 : options.socketTimeout,
    socketConnectTimeout: options.socketConnectTimeout === undefined ? 5 : options.socketConnectTimeout,
    socketKeepalive: options.socketKeepalive ?? true,
    socketKeepaliveDelay: options.socketKeepaliveDelay ?? 30,
    encoding: normalizeEncoding(options.encoding ?? "utf8"),
    encodingErrors: options.encodingErrors ?? "strict",
    decodeResponses: options.decodeResponses ?? false,
    maxQueuedCommands: options.maxQueuedCommands ?? 10_000,
    retry,
    healthCheckInterval: options.healthCheckInterval ?? 0,
    clientName: options.clientName ?? null,
    protocol: options.protocol ?? 3,
    readOnly: options.readOnly ?? false,
    ssl: options.ssl ?? false,
    sslKeyfile: options.sslKeyfile ?? null,
    sslCertfile: options.sslCertfile ?? null,
    sslPassword: options.sslPassword ?? null,
    sslCertReqs: certReqs,
    sslCaCerts: options.sslCaCerts ?? null,
    sslCaData: options.sslCaData ?? null,
    sslCaPath: options.sslCaPath ?? null,
    sslCheckHostname: certReqs === "none" ? false : (options.sslCheckHostname ?? true),
    sslMinVersion: options.sslMinVersion ?? null,
    sslCiphers: options.sslCiphers ?? null,
    sslServerName: options.sslServerName ?? null,
    clientSideCache: resolveClientSideCacheOptions(options.clientSideCache, options.protocol ?? 3, {
      decodeResponses: options.decodeResponses ?? false,
      encodingErrors: options.encodingErrors ?? "strict",
    }),
  });
}

function normalizeEncoding(encoding: BufferEncoding): BufferEncoding {
  const lower = encoding.toLowerCase();
  return (lower === "utf-8" ? "utf8" : lower) as BufferEncoding;
}
