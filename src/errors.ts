/**
 * The error hierarchy (docs/api.md, "Errors"), shaped after redis-py's `redis/exceptions.py`.
 * Every class sets its own `name` so that `err.name`, `instanceof` and stack traces agree.
 * No message built here ever contains a password: callers pass messages, never arguments.
 */

export class RedisError extends Error {
  constructor(message?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A network-level failure: the connection could not be made, was lost, or was closed. */
export class ConnectionError extends RedisError {}
/** The server rejected the credentials (WRONGPASS, NOAUTH, invalid password). */
export class AuthenticationError extends ConnectionError {}
/** The server refused the connection for this user (e.g. a disabled user at HELLO time). */
export class AuthorizationError extends ConnectionError {}
/** The server is loading its dataset into memory (LOADING). */
export class BusyLoadingError extends ConnectionError {}
/** A non-blocking pool has no connection left to hand out. */
export class MaxConnectionsError extends ConnectionError {}
/** Sentinel knows no master for the service name. */
export class MasterNotFoundError extends ConnectionError {}
/** Sentinel knows no replica for the service name. */
export class SlaveNotFoundError extends ConnectionError {}

/** A socket read, write or connect took longer than its timeout. */
export class TimeoutError extends RedisError {}

/**
 * A call was cancelled by its `AbortSignal` (see docs/cancellation.md). `cause` is the
 * signal's reason. `mayHaveRun` is false when the command was never written to the socket
 * (it did not run), true when it was written (it may have run; its reply is discarded).
 */
export class AbortError extends RedisError {
  readonly mayHaveRun: boolean;
  constructor(message = "The operation was aborted", options?: { cause?: unknown; mayHaveRun?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.mayHaveRun = options?.mayHaveRun ?? false;
  }
}

/** The bytes from the server do not form valid RESP. The connection is destroyed. */
export class ProtocolError extends RedisError {}
/** redis-py's name for a protocol error. */
export { ProtocolError as InvalidResponse };

/** An error reply from the server. `code` is its first word (`ERR`, `WRONGTYPE`, ...). */
export class ResponseError extends RedisError {
  /** The error prefix sent by the server, e.g. `ERR`, `WRONGTYPE`, `NOPERM`. */
  code: string;
  constructor(message: string, code?: string) {
    super(message);
    this.code = code ?? firstWord(message);
  }
}
export class NoScriptError extends ResponseError {}
export class OutOfMemoryError extends ResponseError {}
export class ExecAbortError extends ResponseError {}
export class ReadOnlyError extends ResponseError {}
/** The authenticated user lacks a permission (NOPERM). */
export class NoPermissionError extends ResponseError {}
export class ModuleError extends ResponseError {}
export class AuthenticationWrongNumberOfArgsError extends ResponseError {}

/** Cluster: the client gave up after too many redirections or a cluster-level failure. */
export class ClusterError extends RedisError {}

/** ASK redirection: the slot is being migrated; ask `host:port` once. */
export class AskError extends ResponseError {
  slotId: number;
  host: string;
  port: number;
  constructor(message: string, code?: string) {
    super(message, code);
    // "ASK 3999 127.0.0.1:6381" / "MOVED 3999 [::1]:6381"
    const [, slot = "", node = ""] = message.split(" ");
    this.slotId = Number(slot);
    const colon = node.lastIndexOf(":");
    this.host = node.slice(0, colon).replace(/^\[|\]$/g, "");
    this.port = Number(node.slice(colon + 1));
  }
}
/** MOVED redirection: the slot now lives at `host:port`. */
export class MovedError extends AskError {}
export class TryAgainError extends ResponseError {}
export class ClusterCrossSlotError extends ResponseError {}
/** CLUSTERDOWN. A `ResponseError` that also counts as a cluster error. */
export class ClusterDownError extends ResponseError {}
export class MasterDownError extends ClusterDownError {}

/** Bad input detected on the client side before anything was sent. */
export class DataError extends RedisError {}
/**
 * A reply's text is not valid in the connection's encoding and `encodingErrors` is "strict"
 * (the default). The command ran; read the reply as bytes (`decodeResponses: false`) or
 * choose `encodingErrors: "replace"`.
 */
export class DecodeError extends RedisError {}
export class PubSubError extends RedisError {}
/** A watched key changed before EXEC. */
export class WatchError extends RedisError {}
export class LockError extends RedisError {}
export class LockNotOwnedError extends LockError {}

function firstWord(message: string): string {
  const space = message.indexOf(" ");
  return space === -1 ? message : message.slice(0, space);
}

type ResponseErrorClass = new (message: string, code?: string) => ResponseError | ConnectionError;

/** Server error prefixes that map to a specific class (redis-py `_parsers/base.py` EXCEPTION_CLASSES). */
const ERROR_CLASSES: Record<string, ResponseErrorClass> = {
  NOSCRIPT: NoScriptError,
  OOM: OutOfMemoryError,
  EXECABORT: ExecAbortError,
  READONLY: ReadOnlyError,
  NOPERM: NoPermissionError,
  ASK: AskError,
  MOVED: MovedError,
  TRYAGAIN: TryAgainError,
  CROSSSLOT: ClusterCrossSlotError,
  CLUSTERDOWN: ClusterDownError,
  MASTERDOWN: MasterDownError,
};

/**
 * Builds the error object for an error reply. Errors that mean the connection itself is
 * unusable (bad credentials, LOADING) are `ConnectionError` subclasses, as in redis-py.
 */
export function errorFromReply(reply: string): ResponseError | ConnectionError {
  // ACL SETUSER quotes the rule it refused, and a rule may carry a password (">secret").
  let message = reply.includes("modifier '") ? reply.replace(/modifier '[<>#!][^']*'/g, "modifier '<redacted>'") : reply;
  // "unknown command 'X', with args beginning with: ..." echoes the arguments, which may be
  // secrets (SENTINEL SET ... auth-pass on a server that is not a sentinel).
  const echoed = message.indexOf(", with args beginning with:");
  if (echoed !== -1) message = `${message.slice(0, echoed)}, with args beginning with: (not shown)`;
  const code = firstWord(message);
  switch (code) {
    case "WRONGPASS":
    case "NOAUTH":
      return new AuthenticationError(message);
    case "LOADING":
      return new BusyLoadingError(message);
    case "ERR":
      if (
        message.startsWith("ERR invalid password") ||
        message.startsWith("ERR invalid username-password pair") ||
        message.startsWith("ERR Client sent AUTH, but no password is set") ||
        message.startsWith("ERR AUTH <password> called without any password configured")
      ) {
        return new AuthenticationError(message);
      }
      if (message.startsWith("ERR max number of clients reached")) {
        return new ConnectionError(message);
      }
      if (message.startsWith("ERR wrong number of arguments for 'auth' command") || message.startsWith("ERR wrong number of arguments for 'AUTH' command")) {
        return new AuthenticationWrongNumberOfArgsError(message, code);
      }
      if (message.startsWith("ERR Error unloading module") || message.startsWith("ERR Error loading the extension")) {
        return new ModuleError(message, code);
      }
      return new ResponseError(message, code);
    default: {
      const cls = ERROR_CLASSES[code];
      return cls ? new cls(message, code) : new ResponseError(message, code);
    }
  }
}
