/**
 * The v1 error hierarchy (aioredis 1.3.1 `aioredis/errors.py`), on top of the v2 root
 * `RedisError` so that `instanceof RedisError` holds for every error compat lets through.
 *
 * ```
 * RedisError
 * ├─ ProtocolError
 * ├─ ReplyError            (server error replies; dispatches to a subclass by message)
 * │  ├─ MaxClientsError
 * │  ├─ AuthError
 * │  └─ BusyGroupError
 * ├─ PipelineError         (errors: every error of the pipeline)
 * │  └─ MultiExecError
 * │     └─ WatchVariableError
 * ├─ ChannelClosedError
 * ├─ ReadOnlyError         (NOT a ReplyError, as in v1)
 * ├─ MasterNotFoundError, SlaveNotFoundError, MasterReplyError, SlaveReplyError
 * ├─ ConnectionClosedError
 * │  └─ ConnectionForcedCloseError
 * └─ PoolClosedError
 * ```
 */
import {
  AuthenticationError as V2AuthenticationError,
  ConnectionError as V2ConnectionError,
  DataError as V2DataError,
  ProtocolError,
  ReadOnlyError as V2ReadOnlyError,
  RedisError,
  ResponseError as V2ResponseError,
  BusyLoadingError as V2BusyLoadingError,
} from "../src/index.js";

export { RedisError, ProtocolError };

/** A `ReplyError` class and the reply prefixes it stands for. */
type ReplyErrorClass = (new (message?: string) => ReplyError) & { readonly MATCH_REPLY: readonly string[] };

/**
 * An error reply from the server, with the server's full text as its message
 * (`"ERR value is not an integer or out of range"`). As in v1, `new ReplyError(message)`
 * gives the matching subclass (`AuthError`, `MaxClientsError`, `BusyGroupError`).
 */
export class ReplyError extends RedisError {
  /** The messages (by prefix) this class stands for; used to pick the subclass. */
  static readonly MATCH_REPLY: readonly string[] = [];

  constructor(message?: string) {
    const cls = new.target === ReplyError && message ? replyClassFor(message) : undefined;
    if (cls) return new cls(message);
    super(message);
  }
}

export class MaxClientsError extends ReplyError {
  static override readonly MATCH_REPLY = ["ERR max number of clients reached"];
}

export class AuthError extends ReplyError {
  static override readonly MATCH_REPLY = [
    "NOAUTH ",
    "ERR invalid password",
    "ERR Client sent AUTH, but no password is set",
    // Redis 6+ words for the same failures (v1 predates them)
    "WRONGPASS ",
    "ERR AUTH <password> called without any password configured",
  ];
}

export class BusyGroupError extends ReplyError {
  static override readonly MATCH_REPLY = ["BUSYGROUP Consumer Group name already exists"];
}

const REPLY_SUBCLASSES: ReplyErrorClass[] = [MaxClientsError, AuthError, BusyGroupError];

function replyClassFor(message: string): ReplyErrorClass | undefined {
  for (const cls of REPLY_SUBCLASSES) {
    if (cls.MATCH_REPLY.some((prefix) => message.startsWith(prefix))) return cls;
  }
  return undefined;
}

/**
 * Errors of a pipeline (`PipelineError`) or a transaction (`MultiExecError`): `errors`
 * holds every error, in command order. `args` is v1's `('<Name> errors:', errors)`.
 */
export class PipelineError extends RedisError {
  readonly errors: unknown[];
  readonly args: [string, unknown[] | string];

  constructor(errors: readonly unknown[] | string = []) {
    const name = new.target.name;
    const list = typeof errors === "string" ? [] : [...errors];
    const detail = typeof errors === "string" ? errors : list.map((e) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e))).join("; ");
    super(detail ? `${name} errors: ${detail}` : `${name} errors`);
    this.errors = list;
    this.args = [`${name} errors:`, typeof errors === "string" ? errors : list];
  }
}

export class MultiExecError extends PipelineError {}

/** A watched key changed: every command of the transaction rejects with this. */
export class WatchVariableError extends MultiExecError {}

/** `get()` on a channel that is closed and drained. */
export class ChannelClosedError extends RedisError {}

/** A READONLY reply (a write sent to a replica). Not a `ReplyError`, as in v1. */
export class ReadOnlyError extends RedisError {}

export class MasterNotFoundError extends RedisError {}
export class SlaveNotFoundError extends RedisError {}
export class MasterReplyError extends RedisError {}
export class SlaveReplyError extends RedisError {}

/** The connection is closed, or was lost while the command waited for its reply. */
export class ConnectionClosedError extends RedisError {}

/** The connection was closed by `close()` while the command waited for its reply. */
export class ConnectionForcedCloseError extends ConnectionClosedError {}

/** The pool is closed. */
export class PoolClosedError extends RedisError {}

/**
 * Maps an error of the v2 client to its v1 counterpart. Errors without a v1 counterpart
 * (`TimeoutError` of a connect timeout, say) pass through unchanged; they are all
 * `RedisError`s. The v2 error stays reachable as `cause`.
 */
export function toV1Error(err: unknown, forcedClose = false): unknown {
  if (!(err instanceof Error)) return err;
  if (
    err instanceof ReplyError ||
    err instanceof PipelineError ||
    err instanceof ConnectionClosedError ||
    err instanceof ReadOnlyError ||
    err instanceof ChannelClosedError ||
    err instanceof PoolClosedError
  ) {
    return err;
  }
  let mapped: Error | null = null;
  if (err instanceof V2ReadOnlyError) {
    mapped = new ReadOnlyError(err.message);
  } else if (err instanceof V2ResponseError || err instanceof V2BusyLoadingError) {
    mapped = new ReplyError(err.message);
  } else if (err instanceof V2AuthenticationError) {
    mapped = new AuthError(err.message);
  } else if (err instanceof V2ConnectionError) {
    if (err.message.startsWith("ERR max number of clients reached")) mapped = new MaxClientsError(err.message);
    else if (isConnectFailure(err)) return err;
    else mapped = forcedClose ? new ConnectionForcedCloseError(err.message) : new ConnectionClosedError(err.message);
  } else if (err instanceof V2DataError) {
    mapped = new TypeError(err.message);
  }
  if (!mapped) return err;
  (mapped as { cause?: unknown }).cause = err;
  if (err.stack && mapped.stack) mapped.stack = `${mapped.stack}\nCaused by: ${err.stack}`;
  return mapped;
}

/** A failure to open the socket: v1 raised the OS error there, not ConnectionClosedError. */
function isConnectFailure(err: Error): boolean {
  return err.message.startsWith("Error connecting to");
}
