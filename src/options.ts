import type { ClientSideCacheOptions } from "./cache-options.js";
import type { Retry } from "./retry.js";

/** Credentials resolved at connect time, e.g. short-lived tokens (redis-py `CredentialProvider`). */
export interface Credentials {
  username?: string | null;
  /** May be left out with a `username`: that user is then authenticated with an empty password (as redis-py). */
  password?: string | null;
}

export interface CredentialProvider {
  /** Called before each connection's handshake. */
  getCredentials(): Credentials | Promise<Credentials>;
}

/** `sslCertReqs`: how strictly the server certificate is checked. */
export type SslCertReqs = "none" | "optional" | "required";

/**
 * Options of one connection: redis-py's connection keyword arguments in camelCase.
 * Durations are in seconds and may be fractional.
 */
export interface ConnectionOptions {
  host?: string;
  port?: number;
  /** Connect over a unix socket instead of TCP. */
  unixSocketPath?: string | null;
  db?: number;
  username?: string | null;
  password?: string | null;
  credentialProvider?: CredentialProvider | null;
  /** Read/write timeout in seconds; `null` waits forever. Default 5. */
  socketTimeout?: number | null;
  /** Connect timeout in seconds; `null` falls back to `socketTimeout`. Default 5. */
  socketConnectTimeout?: number | null;
  /** TCP keepalive. Default true. */
  socketKeepalive?: boolean;
  /** Initial delay of TCP keepalive probes in seconds. Default 30. */
  socketKeepaliveDelay?: number;
  /** Accepted for redis-py compatibility (URLs may carry `socket_read_size`); Node reads what the kernel delivers. */
  socketReadSize?: number;
  /** Text encoding of strings sent and, with `decodeResponses`, received. Default "utf-8". */
  encoding?: BufferEncoding;
  /**
   * With `decodeResponses`, what text that is not valid UTF-8 does: `"strict"` (default) makes
   * the reply a `DecodeError` naming the command, `"replace"` gives U+FFFD, `"ignore"` drops the bytes.
   */
  encodingErrors?: "strict" | "replace" | "ignore";
  /** Decode string replies into `string` instead of `Buffer`. Default false. */
  decodeResponses?: boolean;
  /**
   * Most commands that may wait for a connection that is down (after a loss or a failed
   * connect attempt); beyond it new commands reject at once with `ConnectionError`. Default 10,000.
   */
  maxQueuedCommands?: number;
  /** Retry policy for connecting and for commands that never reached the server. */
  retry?: Retry | null;
  /** Also retry on `TimeoutError` (redis-py's deprecated flag; kept for URL compatibility). */
  retryOnTimeout?: boolean;
  /** Extra error classes to retry on. */
  retryOnError?: ReadonlyArray<new (...args: never[]) => Error> | null;
  /** Seconds a connection may stay idle before the next command is preceded by a PING. 0 = off. */
  healthCheckInterval?: number;
  /** Sent with CLIENT SETNAME during the handshake. */
  clientName?: string | null;
  /** Send READONLY in the handshake, so a cluster replica serves reads on this connection. */
  readOnly?: boolean;
  /** RESP version: 3 (default; falls back to 2 when the server has no HELLO) or 2. */
  protocol?: 2 | 3;
  /** Use TLS. Implied by `rediss://`. */
  ssl?: boolean;
  sslKeyfile?: string | null;
  sslCertfile?: string | null;
  /** Passphrase of `sslKeyfile`. */
  sslPassword?: string | null;
  /** "required" (default) verifies the server certificate. */
  sslCertReqs?: SslCertReqs;
  /** Path of a CA bundle file. */
  sslCaCerts?: string | null;
  /** PEM text of CA certificates. */
  sslCaData?: string | Buffer | null;
  /** Directory of CA certificates (every *.pem / *.crt file in it is loaded). */
  sslCaPath?: string | null;
  /** Check that the certificate matches the host name. Default true (false when `sslCertReqs` is "none"). */
  sslCheckHostname?: boolean;
  /** Minimum TLS version, e.g. "TLSv1.2". */
  sslMinVersion?: "TLSv1" | "TLSv1.1" | "TLSv1.2" | "TLSv1.3" | null;
  sslCiphers?: string | null;
  /** Server name for SNI and hostname checks, when it differs from `host`. */
  sslServerName?: string | null;
}

/** Options of a pool: the connection options plus the pool's own. */
export interface PoolOptions extends ConnectionOptions {
  /** Most connections the pool opens. Default 100 (`BlockingConnectionPool`: 50). */
  maxConnections?: number;
  /** `BlockingConnectionPool` only: seconds to wait for a free connection; `null` waits forever. Default 20. */
  timeout?: number | null;
  /**
   * Client-side caching (RESP3 only; off by default): replies of read-only single-key
   * commands are served from memory until the server invalidates their key. See docs/caching.md.
   */
  clientSideCache?: ClientSideCacheOptions | null;
}
