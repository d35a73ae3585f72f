import { isPlainObject } from "./commands/spec.js";
import { DataError, WatchError } from "./errors.js";
import { sleep } from "./retry.js";
import { abortError, checkCallOptions } from "./connection/cancel.js";

export interface TransactionOptions {
  /** Resolve with `fn`'s return value instead of `execute()`'s results. */
  valueFromCallable?: boolean;
  /** Seconds to wait before retrying after a `WatchError`. */
  watchDelay?: number;
  /** Attempts before the `WatchError` is thrown. Default: no limit (redis-py retries until it succeeds). */
  maxAttempts?: number;
  /** Accepted for redis-py compatibility; unused. */
  shardHint?: string;
  /** Cancels the transaction: no new attempt starts, and `execute()` is cancelled (docs/cancellation.md). */
  signal?: AbortSignal | null;
  /** Seconds each attempt's `execute()` may take (docs/cancellation.md). */
  timeout?: number | null;
}

/** What `runTransaction` needs of a pipeline. */
export interface TransactionPipeline {
  watch(...names: (string | Buffer)[]): Promise<unknown>;
  execute(options?: { signal?: AbortSignal | null; timeout?: number | null }): Promise<any[]>;
  reset(): Promise<void>;
}

/**
 * redis-py's `transaction()`: WATCH the keys, run `fn(pipe)` (which reads, then calls
 * `multi()` and queues the writes), EXEC; on `WatchError` start again with a new pipeline.
 * `watches` may end with a `TransactionOptions` object.
 */
export async function runTransaction<P extends TransactionPipeline, R>(
  newPipeline: () => P,
  fn: (pipe: P) => R | Promise<R>,
  watches: (string | Buffer | TransactionOptions)[],
): Promise<any> {
  const last = watches[watches.length - 1];
  const options: TransactionOptions = last !== undefined && isPlainObject(last) ? (last as TransactionOptions) : {};
  const keys = (options === last ? watches.slice(0, -1) : watches) as (string | Buffer)[];
  for (const key of Object.keys(options)) {
    if (!["valueFromCallable", "watchDelay", "maxAttempts", "shardHint", "signal", "timeout"].includes(key)) {
      throw new DataError(`transaction: unknown option '${key}'`);
    }
  }
  const maxAttempts = options.maxAttempts ?? Number.POSITIVE_INFINITY;
  if (typeof maxAttempts !== "number" || !(maxAttempts >= 1)) {
    throw new DataError("transaction: 'maxAttempts' must be a number of attempts, 1 or more");
  }
  const watchDelay = options.watchDelay ?? 0;
  if (typeof watchDelay !== "number" || !Number.isFinite(watchDelay) || watchDelay < 0) {
    throw new DataError("transaction: 'watchDelay' must be a non-negative number of seconds");
  }
  checkCallOptions("transaction", options.signal, options.timeout);
  const call = options.signal || options.timeout ? { signal: options.signal, timeout: options.timeout } : undefined;
  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted) throw abortError("transaction", options.signal, false);
    const pipe = newPipeline();
    try {
      if (keys.length > 0) await pipe.watch(...keys);
      const value = await fn(pipe);
      const results = await (call ? pipe.execute(call) : pipe.execute());
      return options.valueFromCallable ? value : results;
    } catch (err) {
      if (!(err instanceof WatchError) || attempt >= maxAttempts) throw err;
      if (watchDelay > 0) await sleep(watchDelay);
    } finally {
      await pipe.reset();
    }
  }
}
