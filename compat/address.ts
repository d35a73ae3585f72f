/**
 * v1 addresses (`util.parse_url` and the checks of `create_connection`), and the v2
 * options they become.
 */
import type { ConnectionOptions, PoolOptions } from "../src/index.js";
import { checkEncoding } from "./util.js";
import { describeValue } from "../src/index.js";

/** A `redis://`, `rediss://` or `unix://` URL, a `[host, port]` pair, or a unix socket path. */
export type Address = string | readonly [string, number];

/** The TLS settings v1 took as an `ssl.SSLContext`: the v2 client's `ssl*` options. */
export type SslOptions = Pick<
  ConnectionOptions,
  | "sslKeyfile"
  | "sslCertfile"
  | "sslPassword"
  | "sslCertReqs"
  | "sslCaCerts"
  | "sslCaData"
  | "sslCaPath"
  | "sslCheckHostname"
  | "sslMinVersion"
  | "sslCiphers"
  | "sslServerName"
>;

/** The connection options every factory takes (v1's keyword arguments, camelCased). */
export interface ConnectOptions {
  /** SELECT this db after connecting; `null` (the default) sends no SELECT and reports db 0. */
  db?: number | null;
  /** AUTH with this password after connecting. */
  password?: string | null;
  /** `true` for TLS with the default checks, or the v2 `ssl*` options. */
  ssl?: boolean | SslOptions | null;
  /** Decode replies with this codec (`"utf-8"`); `null` gives Buffers. */
  encoding?: string | null;
  /** Connect timeout in seconds (v1 had no read timeout). */
  timeout?: number | null;
  /** CLIENT SETNAME after connecting (from the unreleased 1.x line). */
  name?: string | null;
  /** Accepted and ignored, as v1 deprecated it. */
  loop?: unknown;
  /** Accepted and ignored: the v2 client has one parser. */
  parser?: unknown;
}

/** An address with its URL options applied: what every connection of a client is made with. */
export interface ResolvedAddress {
  /** `[host, port]` or a unix socket path, as v1's `address` property. */
  address: [string, number] | string;
  db: number | null;
  password: string | null;
  ssl: boolean | SslOptions;
  encoding: string | null;
  timeout: number | null;
  name: string | null;
}

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new TypeError(message);
}

function parseDb(value: string | undefined | null): number | null {
  if (!value) return null;
  assert(/^[0-9]+$/.test(value), `Invalid decimal integer in the URL's db: '${value}'`);
  assert(value === "0" || !value.startsWith("0"), `Expected an integer without leading zeroes in the URL's db: '${value}'`);
  return Number(value);
}

interface UrlOptions {
  db?: number;
  password?: string;
  encoding?: string;
  ssl?: boolean;
  timeout?: number;
}

/** v1's `parse_url`: `[address, options]`; bad URLs are a TypeError (v1's AssertionError). */
export function parseV1Url(url: string): [[string, number] | string, UrlOptions] {
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url);
  if (!match) return [url, {}]; // no scheme: a unix socket path
  const scheme = match[1]!.toLowerCase();
  assert(scheme === "redis" || scheme === "rediss" || scheme === "unix", `Unsupported URI scheme: '${scheme}'`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError("Malformed Redis URL");
  }
  const query: Record<string, string> = {};
  for (const [key, value] of parsed.searchParams) {
    assert(!(key in query), `Multiple parameters are not allowed: '${key}'`);
    assert(value, `Empty parameters are not allowed: '${key}'`);
    query[key] = value;
  }
  // The userinfo password is taken as written, as urllib's `.password` does.
  const netlocPassword = parsed.password || null;
  if (scheme === "unix") {
    const path = parsed.pathname;
    assert(path, "Empty path is not allowed");
    assert(!parsed.host, "Netlocation is not allowed for unix scheme");
    return [decodeURIComponent(path), uriOptions(query, "", netlocPassword)];
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, "") || "localhost";
  const port = parsed.port ? Number(parsed.port) : 6379;
  const path = parsed.pathname.startsWith("/") ? parsed.pathname.slice(1) : parsed.pathname;
  const options = uriOptions(query, path, netlocPassword);
  if (scheme === "rediss") options.ssl = true;
  return [[host, port], options];
}

function uriOptions(query: Record<string, string>, path: string, password: string | null): UrlOptions {
  const options: UrlOptions = {};
  const db1 = parseDb(path);
  const db2 = parseDb(query.db);
  assert(db1 === null || db2 === null, "Single DB value expected, got path and query");
  if (db1 !== null) options.db = db1;
  else if (db2 !== null) options.db = db2;
  assert(!password || !query.password, "Single password value is expected, got in net location and query");
  if (password) options.password = password;
  else if (query.password) options.password = query.password;
  if ("encoding" in query) options.encoding = query.encoding!;
  if ("ssl" in query) {
    assert(query.ssl === "true" || query.ssl === "false", "Expected 'ssl' param to be 'true' or 'false' only");
    options.ssl = query.ssl === "true";
  }
  if ("timeout" in query) {
    const timeout = Number(query.timeout);
    assert(Number.isFinite(timeout), `Invalid 'timeout' in the URL: '${query.timeout}'`);
    options.timeout = timeout;
  }
  return options;
}

/**
 * v1's `create_connection` preamble: the address forms, URL options winning over the
 * keyword arguments, and the checks of `timeout`, `db` and `ssl`.
 */
export function resolveAddress(address: unknown, options: ConnectOptions): ResolvedAddress {
  let resolved: [string, number] | string;
  let db = options.db ?? null;
  let password = options.password ?? null;
  let encoding = options.encoding ?? null;
  let timeout = options.timeout ?? null;
  let ssl: boolean | SslOptions = options.ssl ?? false;
  if (Array.isArray(address)) {
    assert(address.length === 2, "address must be [host, port]");
    const [host, port] = address as unknown[];
    assert(typeof host === "string" && host.length > 0, "address host must be a non-empty string");
    assert(Number.isInteger(port) && (port as number) >= 0 && (port as number) <= 65535, "address port must be an integer from 0 to 65535");
    resolved = [host, port as number];
  } else if (typeof address === "string") {
    const [where, urlOptions] = parseV1Url(address);
    resolved = where;
    // URL options win over keyword arguments (v1's `options.setdefault(k, kwarg)`).
    if (urlOptions.db !== undefined) db = urlOptions.db;
    if (urlOptions.password !== undefined) password = urlOptions.password;
    if (urlOptions.encoding !== undefined) encoding = urlOptions.encoding;
    if (urlOptions.timeout !== undefined) timeout = urlOptions.timeout;
    if (urlOptions.ssl !== undefined) {
      assert(urlOptions.ssl || !ssl, "Conflicting ssl options are set");
      ssl = ssl || urlOptions.ssl;
    }
  } else {
    throw new TypeError(`tuple or str expected: address must be a URL, a [host, port] pair or a socket path, got ${describeValue(address)}`);
  }
  if (timeout !== null && !(typeof timeout === "number" && timeout > 0)) {
    throw new RangeError("Timeout has to be None or a number greater than 0");
  }
  if (db !== null) {
    if (!Number.isInteger(db)) throw new TypeError(`DB must be of int type, not ${describeValue(db)}`);
    if (db < 0) throw new RangeError(`DB must be greater or equal 0, got ${db}`);
  }
  if (password !== null && typeof password !== "string") throw new TypeError("password must be a string");
  checkEncoding(encoding);
  if (ssl !== true && ssl !== false && (ssl === null || typeof ssl !== "object")) {
    throw new TypeError("ssl must be true, false or an object of ssl* options");
  }
  const name = options.name ?? null;
  return { address: resolved, db, password, ssl, encoding, timeout, name };
}

/** The v2 pool options for a resolved v1 address. */
export function v2Options(where: ResolvedAddress, maxConnections: number): PoolOptions {
  const options: PoolOptions = {
    // Decoding is compat's job (per call); RESP2 gives v1's reply shapes.
    decodeResponses: false,
    protocol: 2,
    // v1 had a connect timeout only, and never retried.
    socketTimeout: null,
    socketConnectTimeout: where.timeout,
    retry: null,
    maxConnections,
  };
  if (typeof where.address === "string") options.unixSocketPath = where.address;
  else [options.host, options.port] = where.address;
  if (where.db !== null) options.db = where.db;
  if (where.password !== null) options.password = where.password;
  if (where.name !== null) options.clientName = where.name;
  if (where.ssl === true) options.ssl = true;
  else if (where.ssl) Object.assign(options, where.ssl, { ssl: true });
  return options;
}

export function describeAddress(address: [string, number] | string): string {
  return typeof address === "string" ? address : `${address[0]}:${address[1]}`;
}
