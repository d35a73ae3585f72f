/**
 * Per-call cancellation (docs/cancellation.md): the state a command carries when it was sent
 * with an `AbortSignal` or a per-call `timeout`, one abort listener per signal (however many
 * commands use it), and the per-connection heap of per-call deadlines that the connection's
 * one timer watches. Nothing here is touched by a command sent without either.
 */
import { AbortError, DataError, TimeoutError } from "../errors.js";

/** What a connection does when a call is cancelled (by its signal or its per-call timeout). */
export interface CancelTarget {
  cancelCall(cancel: Cancellation, error: Error): void;
}

/** The cancellation state of one call (one command, or one batch). */
export interface Cancellation {
  readonly target: CancelTarget;
  readonly signal: AbortSignal | null;
  /** The per-call timeout in seconds (for messages), or null. */
  readonly timeout: number | null;
  /** When the per-call timeout expires (ms since the epoch), 0 = none. */
  readonly callDeadline: number;
  /** The command's name (or "pipeline of N commands"), for messages. */
  readonly what: string;
  /** Its bytes went to the socket: from now on it may run. */
  written: boolean;
  /** Settled (replied, failed or cancelled): nothing more may happen to the caller. */
  done: boolean;
  /** The caller's promise's own reject (not the wrapped one). */
  reject: (error: Error) => void;
  /** A blocking command (BLPOP...): cancelled after its write, its connection is closed. */
  blocking: boolean;
}

/** Checks a per-call `signal` and `timeout`; throws `DataError` naming the problem. */
export function checkCallOptions(where: string, signal: unknown, timeout: unknown): void {
  if (signal !== undefined && signal !== null && !(signal instanceof AbortSignal)) {
    throw new DataError(`${where}: 'signal' must be an AbortSignal`);
  }
  if (timeout !== undefined && timeout !== null && !(typeof timeout === "number" && Number.isFinite(timeout) && timeout > 0)) {
    throw new DataError(`${where}: 'timeout' must be a positive number of seconds or null`);
  }
}

/** The abort reason, for a message: " (reason)". */
function reasonText(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  const text = reason instanceof Error ? reason.message : typeof reason === "string" ? reason : "";
  return text ? ` (${text})` : "";
}

/** The error of a call aborted by its signal. */
export function abortError(what: string, signal: AbortSignal, written: boolean): AbortError {
  const message = written
    ? `${what} was aborted after it was sent: it may have run (its reply is discarded)`
    : `${what} was aborted before it was sent: it did not run`;
  return new AbortError(message + reasonText(signal), { cause: signal.reason, mayHaveRun: written });
}

/** The error of a wait (a pub/sub read, a lock's sleep, between scan pages) ended by its signal. */
export function waitAbortedError(what: string, signal: AbortSignal): AbortError {
  return new AbortError(`${what} was aborted${reasonText(signal)}`, { cause: signal.reason, mayHaveRun: false });
}

const callTimeouts = new WeakSet<Error>();

/**
 * True for the error of a call cancelled by its caller (its signal or its per-call timeout):
 * not a sign that the server failed (a cluster does not mark the node failed for it).
 */
export function isCancellation(err: unknown): boolean {
  return err instanceof AbortError || (err instanceof TimeoutError && callTimeouts.has(err));
}

/** The error of a call whose per-call timeout expired. */
export function callTimeoutError(cancel: Cancellation): TimeoutError {
  const error = new TimeoutError(
    cancel.written
      ? `Timeout: ${cancel.what} got no reply within its ${cancel.timeout}s timeout; it was sent and may have run (its reply is discarded)`
      : `Timeout: ${cancel.what} could not be sent within its ${cancel.timeout}s timeout; it did not run`,
  );
  callTimeouts.add(error);
  return error;
}

interface Watch {
  calls: Set<Cancellation>;
  listener: () => void;
}

/** One abort listener per signal, removed once no call uses it (node-redis #2465). */
const watches = new WeakMap<AbortSignal, Watch>();

/** Cancels `cancel` when its signal aborts (until `unwatchSignal`). */
export function watchSignal(cancel: Cancellation): void {
  const signal = cancel.signal!;
  let watch = watches.get(signal);
  if (!watch) {
    const calls = new Set<Cancellation>();
    const listener = (): void => {
      watches.delete(signal);
      for (const call of [...calls]) {
        calls.delete(call);
        if (!call.done) call.target.cancelCall(call, abortError(call.what, signal, call.written));
      }
    };
    watch = { calls, listener };
    watches.set(signal, watch);
    signal.addEventListener("abort", listener, { once: true });
  }
  watch.calls.add(cancel);
}

/** The call settled: its signal no longer concerns it. */
export function unwatchSignal(cancel: Cancellation): void {
  const signal = cancel.signal;
  if (!signal) return;
  const watch = watches.get(signal);
  if (!watch) return;
  watch.calls.delete(cancel);
  if (watch.calls.size === 0) {
    watches.delete(signal);
    signal.removeEventListener("abort", watch.listener);
  }
}

/**
 * The per-call deadlines of one connection, earliest first (a binary heap). Settled calls
 * are dropped lazily, when they reach the top, or all at once when they outnumber the live
 * ones (so a long timeout on many fast calls does not hold them all).
 */
export class DeadlineHeap {
  private items: Cancellation[] = [];
  private live = 0;

  get size(): number {
    return this.items.length;
  }

  push(cancel: Cancellation): void {
    this.live++;
    if (this.items.length >= 64 && this.items.length > 2 * this.live) this.compact();
    const items = this.items;
    let i = items.length;
    items.push(cancel);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent]!.callDeadline <= cancel.callDeadline) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = cancel;
  }

  /** A call in the heap settled. */
  settled(): void {
    this.live--;
  }

  /** The earliest deadline of a call not yet settled, or 0. */
  next(): number {
    const items = this.items;
    while (items.length > 0 && items[0]!.done) this.pop();
    return items.length > 0 ? items[0]!.callDeadline : 0;
  }

  /** Removes and returns the calls whose deadline passed and that are not settled. */
  takeExpired(now: number): Cancellation[] {
    const out: Cancellation[] = [];
    const items = this.items;
    while (items.length > 0 && (items[0]!.done || items[0]!.callDeadline <= now)) {
      const top = this.pop();
      if (!top.done) out.push(top);
    }
    return out;
  }

  private pop(): Cancellation {
    const items = this.items;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length > 0) {
      let i = 0;
      const n = items.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && items[r]!.callDeadline < items[l]!.callDeadline ? r : l;
        if (items[c]!.callDeadline >= last.callDeadline) break;
        items[i] = items[c]!;
        i = c;
      }
      items[i] = last;
    }
    return top;
  }

  private compact(): void {
    const alive = this.items.filter((c) => !c.done);
    alive.sort((a, b) => a.callDeadline - b.callDeadline); // a sorted array is a valid heap
    this.items = alive;
  }
}
