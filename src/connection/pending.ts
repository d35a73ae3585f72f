import type { CommandArg, RespValue } from "../protocol/index.js";
import type { Cancellation } from "./cancel.js";

/* What a connection's callers give it and what it keeps for each command (connection.ts, queue.ts). */

/** Turns a raw reply into the value a command method returns; `context` is the call's `SendOptions.context`. */
export type ReplyTransform = (reply: RespValue, context: any) => unknown;

/** Replies of a batch of commands (a pipeline), gathered into one array and one promise. */
export interface BatchCollector {
  replies: RespValue[];
  remaining: number;
  settled: boolean;
  resolve: (replies: RespValue[]) => void;
  reject: (error: Error) => void;
}

/** One command on its way: queued to be written, then awaiting its reply. */
export interface PendingCommand {
  args: readonly CommandArg[];
  /** Set for a batch (a pipeline): its replies go to `collector.replies`. */
  collector: BatchCollector | null;
  /** The next reply's position in `collector.replies`. */
  index: number;
  /**
   * A whole batch as one entry (one object for a 100,000-command pipeline, not 100,000):
   * it stays at the head of the queue until `many.length` replies came.
   */
  many: readonly (readonly CommandArg[])[] | null;
  /** False for commands the server answers only with push messages (SUBSCRIBE...). */
  expectsReply: boolean;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  transform: ReplyTransform | undefined;
  context: unknown;
  decode: boolean;
  /** With Buffer replies, the reply's field names come as text (`RespReader.textKeys`). */
  textKeys: boolean;
  /** Seconds the server may legitimately block before replying (BLPOP's timeout); -1 = forever. */
  blockFor: number;
  /** When the reply is overdue (ms since the epoch); 0 = never. Set when written. */
  deadline: number;
  /**
   * When the command gives up if it is still not written (ms since the epoch; 0 = never):
   * `socketConnectTimeout + socketTimeout` after it was sent. Also caps `deadline`.
   */
  expires: number;
  /** Set for a call with an `AbortSignal` or a per-call `timeout` (shared by a batch's entries); else null. */
  cancel: Cancellation | null;
}

/** Client-side caching: what a tracking connection calls (the cache, src/cache.ts). */
export interface TrackingTarget {
  /** The `CLIENT TRACKING` command its handshake sends. */
  trackingCommand(): CommandArg[];
  /** An `invalidate` push frame's payload: an array of keys, or null for FLUSHALL/FLUSHDB. */
  invalidate(keys: RespValue): void;
  /** The connection was lost or is being re-made: nothing cached can be trusted. */
  reset(): void;
}

export interface SendOptions {
  transform?: ReplyTransform;
  /** Passed to `transform` with the reply (the call's arguments), so no closure is made per command. */
  context?: unknown;
  /** Override `decodeResponses` for this reply. */
  decode?: boolean;
  /** With Buffer replies, decode the reply's field names (even elements of an array, keys of a map) to text: its `transform` makes an object of it. */
  textKeys?: boolean;
  /** The server may hold the reply this many seconds (0 = not blocking, -1 = forever). */
  blockFor?: number;
  /** False for SUBSCRIBE and friends, answered only by push messages: resolves once written. */
  expectsReply?: boolean;
  /** Cancels the call (docs/cancellation.md): before it is written it never is; after, it rejects and its reply is discarded. */
  signal?: AbortSignal | null;
  /** Seconds the call may take from `send()` to its reply, else it rejects like an abort with `TimeoutError`. */
  timeout?: number | null;
  /** When the call began (ms since the epoch), when before `send()` (it waited for a connection): `timeout` counts from then. */
  startedAt?: number;
}

/**
 * Send options as the command paths make them: every field present, in one order. The
 * connection reads them for every command, and one object shape keeps those reads
 * monomorphic (a shape per call site, `{ ...options, blockFor }` and the like, made them
 * megamorphic on the blocking path).
 */
export function sendOptions(
  transform: ReplyTransform | undefined,
  context: unknown,
  decode: boolean | undefined,
  textKeys = false,
  blockFor = 0,
  expectsReply = true,
  signal: AbortSignal | null = null,
  timeout: number | null = null,
  startedAt: number | undefined = undefined,
): SendOptions {
  return { transform, context, decode, textKeys, blockFor, expectsReply, signal, timeout, startedAt };
}

/** A copy of `base` (if any) in the shape of `sendOptions`, with `blockFor`, `signal` and `timeout` as given. */
export function sendOptionsFrom(base: SendOptions | undefined, blockFor: number, signal: AbortSignal | null, timeout: number | null): SendOptions {
  return sendOptions(
    base?.transform,
    base?.context,
    base?.decode,
    base?.textKeys ?? false,
    blockFor,
    base?.expectsReply ?? true,
    signal,
    timeout,
    base?.startedAt,
  );
}

/** `options` with `blockFor` (seconds the server may hold the reply), in the shape of `sendOptions`. */
export function withBlockFor(options: SendOptions | undefined, blockFor: number): SendOptions {
  return sendOptionsFrom(options, blockFor, options?.signal ?? null, options?.timeout ?? null);
}

/** The command name of `args`, upper-cased, for messages. */
export function commandName(args: readonly CommandArg[] | undefined): string {
  const name = args?.[0];
  return typeof name === "string" ? name.toUpperCase() : Buffer.isBuffer(name) ? name.toString("latin1").toUpperCase() : "command";
}
