import { isPlainObject } from "./commands/spec.js";
import { DataError, WatchError } from "./errors.js";
import { sleep } from "./retry.js";

export interface TransactionOptions {
  /** Resolve with `fn`'s return value instead of `execute()`'s results. */
  valueFromCallable?: boolean;
  /** Seconds to wait before retrying after a `WatchError`. */
  watchDelay?: number;
  /** Attempts before the `WatchError` is thrown. Default: no limit (redis-py retries until it succeeds). */
  maxAttempts?: number;
  /** Accepted for redis-py compatibility; unused. */
  shardHint?: string;
}

/** What `runTransaction` needs of a pipeline. */
export interface TransactionPipeline {
  watch(...names: (string | Buffer)[]): Promise<unknown>;
  execute(): Promise<any[]>;
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
    if (key !== "valueFromCallable" && key !== "watchDelay" && key !== "maxAttempts" && key !== "shardHint") {
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
  for (let attempt = 1; ; attempt++) {
    const pipe = newPipeline();
    try {
      if (keys.length > 0) await pipe.watch(...keys);
      const value = await fn(pipe);
      const results = await pipe.execute();
      return options.valueFromCallable ? value : results;
    } catch (err) {
      if (!(err instanceof WatchError) || attempt >= maxAttempts) throw err;
      if (watchDelay > 0) await sleep(watchDelay);
    } finally {
      await pipe.reset();
    }
  }
}
