/**
 * Connection URLs: redis-py's `parse_url` grammar, with every known query option parsed
 * to its real type (redis-py passes most of them through as raw strings, so
 * `?decode_responses=False` turns decoding *on* there; here it is `false`).
 *
 *   redis://[[username]:[password]@]host[:port][/db][?option=value&...]
 *   rediss://...                                   (TLS: sets `ssl: true`)
 *   unix://[[username]:[password]@]/path/to/socket.sock[?db=0&password=...]
 *
 * - The scheme is case-insensitive; surrounding whitespace is ignored.
 * - IPv6 hosts go in brackets: `redis://[::1]:6380` gives host `::1`.
 * - The user name, password, host and path are percent-decoded once. Query names and values
 *   are form-decoded once (`+` is a space, as with redis-py's `parse_qs`).
 * - The user info ends at the last `@` before the first `/`, `?` or `#`; the password is
 *   what follows the first `:` in it. A password holding `/`, `?`, `#` or `&` must be
 *   percent-encoded; `@` and `:` may be, and need not be.
 * - db: `?db=N` wins over the path `/N`; a path that is not `/N` is an error.
 * - A password given both in the user info and as `?password=` is an error (as is the same
 *   for the user name), as is any query option given twice or unknown.
 *
 * Errors are `DataError` (the client-side "bad input" class; redis-py raises `ValueError`),
 * so callers catch a single `RedisError` subclass for every bad argument. No message ever
 * contains a password or a value of a query option: a URL is only shown through
 * `redactUrl()`.
 */

import { isIPv6 } from "node:net";

import { DataError } from "./errors.js";
import type { PoolOptions } from "./options.js";

/** What a connection URL can set: a subset of `PoolOptions`, plus `socketReadSize`. */
export type ParsedUrl = Pick<
  PoolOptions,
  | "host"
  | "port"
  | "db"
  | "username"
  | "password"
  | "unixSocketPath"
  | "ssl"
  | "socketTimeout"
  | "socketConnectTimeout"
  | "socketKeepalive"
  | "encoding"
  | "encodingErrors"
  | "decodeResponses"
  | "retryOnTimeout"
  | "healthCheckInterval"
  | "clientName"
  | "protocol"
  | "maxConnections"
  | "timeout"
  | "sslKeyfile"
  | "sslCertfile"
  | "sslPassword"
  | "sslCertReqs"
  | "sslCaCerts"
  | "sslCaPath"
  | "sslCheckHostname"
  | "sslMinVersion"
  | "sslCiphers"
> & {
  /** redis-py's `socket_read_size`: bytes read from the socket at a time. */
  socketReadSize?: number;
};

// ---- value parsers --------------------------------------------------------------------

/** Thrown by a value parser; its message completes "expected ...". */
class Expected extends Error {}

function expected(what: string): never {
  throw new Expected(what);
}

const INTEGER_RE = /^\d+$/;
const NUMBER_RE = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function nonNegativeInteger(raw: string): number {
  const value = Number(raw);
  return INTEGER_RE.test(raw) && Number.isSafeInteger(value) ? value : expected("a non-negative integer");
}

function positiveInteger(raw: string): number {
  const value = Number(raw);
  return INTEGER_RE.test(raw) && Number.isSafeInteger(value) && value > 0 ? value : expected("a positive integer");
}

function seconds(raw: string): number {
  const value = Number(raw);
  return NUMBER_RE.test(raw) && Number.isFinite(value) ? value : expected("a number of seconds");
}

/**
 * Timeouts: a number of seconds, or `none` (any case) / the empty string for `null`, which
 * means "no timeout" (`timeout`: wait forever for a free connection; `socket_connect_timeout`:
 * fall back to `socket_timeout`). Python users write `socket_timeout=None`, hence `none`.
 * A socket timeout of 0 would time out every command at once, so it is refused.
 */
function timeoutOrNone(allowZero: boolean): (raw: string) => number | null {
  const what = allowZero ? "a number of seconds, or 'none'" : "a number of seconds greater than 0, or 'none'";
  return (raw) => {
    if (raw === "" || raw.toLowerCase() === "none") return null;
    const value = Number(raw);
    if (!NUMBER_RE.test(raw) || !Number.isFinite(value) || (!allowZero && value === 0)) expected(what);
    return value;
  };
}

const FALSE_WORDS = new Set(["0", "f", "false", "n", "no", "off"]);
const TRUE_WORDS = new Set(["1", "t", "true", "y", "yes", "on"]);

/** redis-py's `to_bool` made strict: anything but a known word is an error, never "true". */
function bool(raw: string): boolean {
  const word = raw.toLowerCase();
  if (FALSE_WORDS.has(word)) return false;
  if (TRUE_WORDS.has(word)) return true;
  return expected("a boolean (true/false, 1/0, yes/no, on/off)");
}

function nonEmptyString(raw: string): string {
  return raw.length > 0 ? raw : expected("a non-empty string");
}

/** Redis accepts client names made of the characters '!' to '~' only. */
function clientName(raw: string): string {
  return /^[!-~]+$/.test(raw) ? raw : expected("a non-empty name without spaces or control characters");
}

function protocol(raw: string): 2 | 3 {
  return raw === "2" ? 2 : raw === "3" ? 3 : expected("2 or 3");
}

/** Python codec names users may carry over, mapped to Node's. */
const ENCODING_ALIASES: Readonly<Record<string, BufferEncoding>> = {
  utf_8: "utf-8",
  utf8: "utf8",
  "latin-1": "latin1",
  latin_1: "latin1",
  "iso-8859-1": "latin1",
  "iso8859-1": "latin1",
  iso_8859_1: "latin1",
  "us-ascii": "ascii",
  utf_16_le: "utf16le",
};

function encoding(raw: string): BufferEncoding {
  const lower = raw.toLowerCase();
  const alias = Object.hasOwn(ENCODING_ALIASES, lower) ? ENCODING_ALIASES[lower] : undefined;
  if (alias) return alias;
  return Buffer.isEncoding(lower) ? (lower as BufferEncoding) : expected("a Node.js Buffer encoding such as 'utf-8'");
}

function encodingErrors(raw: string): "strict" | "replace" | "ignore" {
  const lower = raw.toLowerCase();
  return lower === "strict" || lower === "replace" || lower === "ignore" ? lower : expected("'strict', 'replace' or 'ignore'");
}

function sslCertReqs(raw: string): "none" | "optional" | "required" {
  const lower = raw.toLowerCase().replace(/^cert_/, "");
  return lower === "none" || lower === "optional" || lower === "required" ? lower : expected("'none', 'optional' or 'required'");
}

type TlsVersion = "TLSv1" | "TLSv1.1" | "TLSv1.2" | "TLSv1.3";
const TLS_VERSIONS: readonly TlsVersion[] = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"];

/** "TLSv1.2", "tlsv1_2" (Python's enum name) or 771 (Python's `ssl.TLSVersion` value). */
function sslMinVersion(raw: string): TlsVersion {
  const named = /^tlsv?1(?:[._]([0-3]))?$/i.exec(raw);
  if (named) return TLS_VERSIONS[Number(named[1] ?? 0)]!;
  const numbered = /^77[0-2]$|^769$/.test(raw) ? TLS_VERSIONS[Number(raw) - 769] : undefined;
  return numbered ?? expected("'TLSv1', 'TLSv1.1', 'TLSv1.2' or 'TLSv1.3'");
}

// ---- the option table -----------------------------------------------------------------

interface QueryOption {
  /** The camelCase key of the parsed result. */
  key: keyof ParsedUrl;
  parse: (raw: string) => ParsedUrl[keyof ParsedUrl];
  /** The value is a secret: never shown, redacted by `redactUrl`. */
  secret?: true;
}

/** Every query option a URL may carry: redis-py's snake_case name -> camelCase key and parser. */
const QUERY_OPTIONS: Readonly<Record<string, QueryOption>> = {
  db: { key: "db", parse: nonNegativeInteger },
  username: { key: "username", parse: nonEmptyString },
  password: { key: "password", parse: nonEmptyString, secret: true },
  client_name: { key: "clientName", parse: clientName },
  protocol: { key: "protocol", parse: protocol },
  socket_timeout: { key: "socketTimeout", parse: timeoutOrNone(false) },
  socket_connect_timeout: { key: "socketConnectTimeout", parse: timeoutOrNone(false) },
  socket_keepalive: { key: "socketKeepalive", parse: bool },
  socket_read_size: { key: "socketReadSize", parse: positiveInteger },
  encoding: { key: "encoding", parse: encoding },
  encoding_errors: { key: "encodingErrors", parse: encodingErrors },
  decode_responses: { key: "decodeResponses", parse: bool },
  retry_on_timeout: { key: "retryOnTimeout", parse: bool },
  health_check_interval: { key: "healthCheckInterval", parse: seconds },
  max_connections: { key: "maxConnections", parse: positiveInteger },
  timeout: { key: "timeout", parse: timeoutOrNone(true) },
  ssl: { key: "ssl", parse: bool },
  ssl_cert_reqs: { key: "sslCertReqs", parse: sslCertReqs },
  ssl_check_hostname: { key: "sslCheckHostname", parse: bool },
  ssl_ca_certs: { key: "sslCaCerts", parse: nonEmptyString },
  ssl_ca_path: { key: "sslCaPath", parse: nonEmptyString },
  ssl_certfile: { key: "sslCertfile", parse: nonEmptyString },
  ssl_keyfile: { key: "sslKeyfile", parse: nonEmptyString },
  ssl_password: { key: "sslPassword", parse: nonEmptyString, secret: true },
  ssl_min_version: { key: "sslMinVersion", parse: sslMinVersion },
  ssl_ciphers: { key: "sslCiphers", parse: nonEmptyString },
};

function queryOption(name: string): QueryOption | undefined {
  return Object.hasOwn(QUERY_OPTIONS, name) ? QUERY_OPTIONS[name] : undefined;
}

/** The known option a mistyped name probably meant (`decodeResponses`, `DB`). */
function suggestion(name: string): string | undefined {
  const snake = name
    .replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
    .replace(/-/g, "_")
    .toLowerCase();
  if (queryOption(snake)) return snake;
  const lower = name.toLowerCase();
  return Object.keys(QUERY_OPTIONS).find((known) => known === lower);
}

// ---- decoding -------------------------------------------------------------------------

function percentDecode(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/** application/x-www-form-urlencoded decoding: `+` is a space. */
function formDecode(raw: string): string | undefined {
  return percentDecode(raw.replace(/\+/g, " "));
}

// ---- redaction ------------------------------------------------------------------------

const SCHEME_RE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
/** Query names whose values `redactUrl` hides, beyond the table's secret options. */
const SECRET_NAME_RE = /pass|secret|token|auth|key$/i;

function redactQuery(text: string): string {
  const q = text.indexOf("?");
  if (q < 0) return text;
  const pieces: string[] = [];
  let inSecret = false;
  for (const piece of text.slice(q + 1).split("&")) {
    const eq = piece.indexOf("=");
    const rawName = eq < 0 ? piece : piece.slice(0, eq);
    const name = formDecode(rawName) ?? rawName;
    const known = queryOption(name);
    if (known?.secret || (!known && SECRET_NAME_RE.test(name))) {
      pieces.push(eq < 0 ? piece : `${rawName}=***`);
      inSecret = true;
    } else if (inSecret && !known) {
      // Most likely the rest of a password holding an unencoded '&': drop it.
    } else {
      pieces.push(piece);
      inSecret = false;
    }
  }
  return `${text.slice(0, q)}?${pieces.join("&")}`;
}

/**
 * The URL with its password replaced by `***`: `redis://user:***@host:6379/0`. Passwords in
 * the query (`password`, `ssl_password`, and names that look secret) are hidden too. Works
 * on malformed URLs as well, erring towards hiding too much: when the user info cannot be
 * told apart from what follows it (an `@` after a `/`, `?` or `#`, or no scheme), all of it
 * becomes `***`.
 */
export function redactUrl(url: string): string {
  const text = String(url).trim();
  const scheme = SCHEME_RE.exec(text);
  const prefix = scheme ? scheme[0] : "";
  let rest = text.slice(prefix.length);
  let userinfo = "";
  const at = rest.lastIndexOf("@");
  if (at >= 0) {
    const raw = rest.slice(0, at);
    const colon = raw.indexOf(":");
    // Without ':' the user info is a user name, unless there is no scheme to say it is a URL.
    userinfo = /[/?#]/.test(raw) || (colon < 0 && !scheme) ? "***@" : colon < 0 ? `${raw}@` : `${raw.slice(0, colon)}:***@`;
    rest = rest.slice(at + 1);
  }
  return prefix + userinfo + redactQuery(rest);
}

// ---- the parser -----------------------------------------------------------------------

const SCHEMES = new Set(["redis", "rediss", "unix"]);
const EXPECTED_SCHEMES = "redis://, rediss:// or unix://";
/** Characters a host name may not hold once decoded (WHATWG's forbidden host code points, plus whitespace). */
const BAD_HOST_CHAR_RE = /[\s\x00-\x1f\x7f#%/:<>?@[\\\]^|"`{}]/;

class UrlErrors {
  constructor(
    private readonly url: string,
    /** An `@` follows the user info's end: likely a password with an unencoded `/`, `?` or `#`. */
    readonly ambiguous: boolean,
  ) {}

  /** `${what} in connection URL '<redacted>'${detail}`, plus a hint when the URL looks mangled by its password. */
  at(what: string, detail = ""): DataError {
    const hint = this.ambiguous ? " (if the password holds '/', '?', '#' or '&', percent-encode them as %2F, %3F, %23 and %26)" : "";
    return new DataError(`${what} in connection URL '${redactUrl(this.url)}'${detail}${hint}`);
  }
}

/**
 * Parses a connection URL into options. Only what the URL states is set: no defaults are
 * filled in (no port means the client's default 6379). Throws `DataError`.
 */
export function parseUrl(url: string): ParsedUrl {
  if (typeof url !== "string") {
    throw new DataError(`A connection URL must be a string, got ${url === null ? "null" : typeof url}`);
  }
  const text = url.trim();
  const schemeMatch = SCHEME_RE.exec(text);
  const afterScheme = schemeMatch ? text.slice(schemeMatch[0].length) : text;
  const authorityEnd = afterScheme.search(/[/?#]/);
  const errors = new UrlErrors(text, authorityEnd >= 0 && afterScheme.includes("@", authorityEnd));

  if (/[\x00-\x1f\x7f]/.test(text)) {
    throw new DataError("Invalid connection URL: it holds a control character");
  }
  if (!schemeMatch) {
    throw errors.at("Missing scheme", `: a connection URL starts with ${EXPECTED_SCHEMES}`);
  }
  const scheme = schemeMatch[1]!.toLowerCase();
  if (!SCHEMES.has(scheme)) {
    throw errors.at(`Unsupported scheme '${schemeMatch[1]}'`, `: expected ${EXPECTED_SCHEMES}`);
  }
  if (afterScheme.includes("#")) {
    throw errors.at("Unexpected '#'", ": a connection URL has no fragment (write '#' in a password as %23)");
  }

  const rest = afterScheme;
  const authority = authorityEnd < 0 ? rest : rest.slice(0, authorityEnd);
  const tail = authorityEnd < 0 ? "" : rest.slice(authorityEnd);
  const queryStart = tail.indexOf("?");
  const path = queryStart < 0 ? tail : tail.slice(0, queryStart);
  const query = queryStart < 0 ? "" : tail.slice(queryStart + 1);

  const out: Record<string, unknown> = {};

  // user info
  const at = authority.lastIndexOf("@");
  const hostPort = authority.slice(at + 1);
  if (at >= 0) {
    const userinfo = authority.slice(0, at);
    const colon = userinfo.indexOf(":");
    const rawUser = colon < 0 ? userinfo : userinfo.slice(0, colon);
    const rawPassword = colon < 0 ? "" : userinfo.slice(colon + 1);
    const username = percentDecode(rawUser);
    if (username === undefined) throw errors.at("Invalid percent-encoding in the user name");
    const password = percentDecode(rawPassword);
    if (password === undefined) throw errors.at("Invalid percent-encoding in the password");
    if (username) out.username = username;
    if (password) out.password = password;
  }

  // host, port, path
  if (scheme === "unix") {
    if (hostPort !== "") {
      throw errors.at("Unexpected host or port", ": a unix socket URL has the form unix:///path/to/socket.sock");
    }
    const socketPath = percentDecode(path);
    if (socketPath === undefined) throw errors.at("Invalid percent-encoding in the socket path");
    if (socketPath === "" || socketPath === "/") throw errors.at("Missing socket path", ": expected unix:///path/to/socket.sock");
    out.unixSocketPath = socketPath;
  } else {
    let rawHost: string;
    let rawPort: string | undefined;
    if (hostPort.startsWith("[")) {
      const close = hostPort.indexOf("]");
      if (close < 0) throw errors.at("Unterminated IPv6 address", ": expected [address]");
      rawHost = hostPort.slice(1, close);
      const after = hostPort.slice(close + 1);
      if (after !== "" && !after.startsWith(":")) throw errors.at("Invalid host", ": expected [IPv6 address]:port");
      if (after !== "") rawPort = after.slice(1);
      const host = percentDecode(rawHost);
      if (host === undefined || !isIPv6(host)) throw errors.at("Invalid IPv6 address");
      out.host = host;
    } else {
      const colon = hostPort.indexOf(":");
      rawHost = colon < 0 ? hostPort : hostPort.slice(0, colon);
      if (colon >= 0) rawPort = hostPort.slice(colon + 1);
      if (rawPort?.includes(":")) {
        throw errors.at("Invalid host", ": IPv6 addresses go in brackets, as in redis://[::1]:6379");
      }
      if (rawHost === "") throw errors.at("Missing host", `: expected ${scheme}://host[:port]`);
      const host = percentDecode(rawHost);
      if (host === undefined) throw errors.at("Invalid percent-encoding in the host");
      if (BAD_HOST_CHAR_RE.test(host)) throw errors.at("Invalid host", ": it holds a character not allowed in a host name");
      out.host = host;
    }
    if (rawPort !== undefined) {
      const port = Number(rawPort);
      if (!INTEGER_RE.test(rawPort) || port < 1 || port > 65535) {
        throw errors.at("Invalid port", ": expected an integer from 1 to 65535");
      }
      out.port = port;
    }
    if (path !== "" && path !== "/") {
      const decoded = percentDecode(path.slice(1));
      const db = Number(decoded);
      if (decoded === undefined || !INTEGER_RE.test(decoded) || !Number.isSafeInteger(db)) {
        throw errors.at("Invalid database number in the path", ": expected /N with N a non-negative integer");
      }
      out.db = db;
    }
    if (scheme === "rediss") out.ssl = true;
  }

  // query options
  const seen = new Set<string>();
  let afterSecret = false;
  for (const piece of query === "" ? [] : query.split("&")) {
    if (piece === "") continue;
    const eq = piece.indexOf("=");
    const name = formDecode(eq < 0 ? piece : piece.slice(0, eq));
    const option = name === undefined ? undefined : queryOption(name);
    if (name === undefined || !option) {
      // Name the option only when it cannot be a piece of a password with an unencoded '&'.
      const showable = name !== undefined && /^[A-Za-z0-9_.-]{1,64}$/.test(name) && !afterSecret && !errors.ambiguous;
      if (!showable) {
        throw new DataError(
          "Unknown or malformed option in connection URL (its name is not shown, as it may be part of a password: " + "percent-encode '&' in passwords as %26)",
        );
      }
      const hint = suggestion(name);
      throw new DataError(`Unknown option '${name}' in connection URL${hint ? ` (did you mean '${hint}'?)` : ""}`);
    }
    afterSecret = option.secret === true;
    if (eq < 0) throw new DataError(`Invalid value for '${name}' in connection URL: expected ${name}=value`);
    if (seen.has(name)) throw new DataError(`Option '${name}' is given more than once in connection URL`);
    seen.add(name);
    const raw = formDecode(piece.slice(eq + 1));
    if (raw === undefined) throw new DataError(`Invalid percent-encoding in the value of '${name}' in connection URL`);
    let value: unknown;
    try {
      value = option.parse(raw);
    } catch (err) {
      if (err instanceof Expected) {
        throw new DataError(`Invalid value for '${name}' in connection URL: expected ${err.message}`);
      }
      throw err;
    }
    if ((option.key === "username" || option.key === "password") && out[option.key] !== undefined) {
      throw new DataError(`The ${option.key === "username" ? "user name" : "password"} is given both before '@' and as '?${name}=' in connection URL`);
    }
    if (option.key === "ssl" && value === false && scheme === "rediss") {
      throw new DataError("Invalid value for 'ssl' in connection URL: 'ssl=false' contradicts the rediss:// scheme");
    }
    out[option.key] = value;
  }
  return out as ParsedUrl;
}

/**
 * `{ ...options, ...parseUrl(url) }`: what the URL states wins over `options`, as in redis-py
 * (where query-string arguments override keyword arguments). A redis:// or rediss:// URL
 * also clears an `unixSocketPath` from `options` (set to `null`), since the URL chose TCP.
 * Unknown keys in `options` are left for the client to check.
 */
export function mergeUrlOptions<T extends object>(url: string, options?: T | null): T & ParsedUrl {
  const parsed = parseUrl(url);
  const merged: Record<string, unknown> = { ...(options ?? {}), ...parsed };
  if (parsed.unixSocketPath === undefined && merged.unixSocketPath != null) merged.unixSocketPath = null;
  return merged as T & ParsedUrl;
}
