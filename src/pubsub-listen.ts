/**
 * The pieces of PubSub's message path kept out of src/pubsub.ts: `listen()`'s iterator, which
 * hands out queued messages without resuming its async generator, the cache of handlers by
 * received channel name, and `run()`'s dispatch loop (shared with ClusterPubSub).
 */
import { DataError, PubSubError } from "./errors.js";
import type { Kind } from "./pubsub-frames.js";
import type { GetMessageOptions } from "./pubsub-queue.js";

/** The prototype of async iterators (`[Symbol.asyncIterator]() { return this }`). */
const ASYNC_ITERATOR_PROTOTYPE: object = Object.getPrototypeOf(Object.getPrototypeOf(async function* () {}).prototype);

/**
 * `inner` as an iterator that, while `inner` rests at a `yield` with no call pending, takes
 * the next item from `ready()` (undefined: none that `inner` would yield as is) without
 * resuming it: an async generator costs two promise hops per item. Everything else (the
 * first call, waits, errors, return/throw) goes through `inner`.
 */
export function restingIterator<M>(inner: AsyncGenerator<M, void, undefined>, ready: () => M | undefined): AsyncGenerator<M, void, undefined> {
  let resting = false;
  let pending = 0;
  let ended = false;
  const settled = (result: IteratorResult<M, void>) => {
    pending--;
    if (result.done) ended = true;
    resting = !ended && pending === 0;
    return result;
  };
  const failed = (err: unknown): never => {
    pending--;
    ended = true;
    resting = false;
    throw err;
  };
  const through = (call: Promise<IteratorResult<M, void>>) => {
    pending++;
    resting = false;
    return call.then(settled, failed);
  };
  const iterator = Object.create(ASYNC_ITERATOR_PROTOTYPE) as AsyncGenerator<M, void, undefined>;
  iterator.next = () => {
    if (resting) {
      const item = ready();
      if (item !== undefined) return Promise.resolve({ value: item, done: false });
    }
    return through(inner.next());
  };
  iterator.return = (value) => {
    ended = true;
    return through(inner.return(value));
  };
  iterator.throw = (err) => {
    ended = true;
    return through(inner.throw(err));
  };
  iterator[Symbol.asyncDispose] = async () => {
    await iterator.return();
  };
  return iterator;
}

/** Whether two Buffers hold the same bytes (a loop for short ones: cheaper than a native call). */
function sameBytes(a: Buffer, b: Buffer): boolean {
  const n = a.length;
  if (n !== b.length) return false;
  if (n > 64) return a.equals(b);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The handler (or null) of each channel or pattern name seen in a message, so that a busy
 * channel's name is not encoded again for every message. Names received as text are kept in
 * a map (at most 1,024 per kind, then it starts again); for names received as Buffers, the
 * last one of each kind (its bytes copied: the message's Buffer is the caller's to change).
 * `clear()` whenever a subscription changes.
 */
export class HandlerCache<H> {
  private readonly byText: Record<Kind, Map<string, H | null>> = { channel: new Map(), pattern: new Map(), shard: new Map() };
  private readonly lastBytes: Record<Kind, { bytes: Buffer; handler: H | null } | null> = { channel: null, pattern: null, shard: null };

  constructor(private readonly lookup: (kind: Kind, name: string | Buffer) => H | null) {}

  get(kind: Kind, name: string | Buffer): H | null {
    if (typeof name !== "string") {
      const last = this.lastBytes[kind];
      if (last !== null && sameBytes(last.bytes, name)) return last.handler;
      const handler = this.lookup(kind, name);
      this.lastBytes[kind] = { bytes: Buffer.from(name), handler };
      return handler;
    }
    const cache = this.byText[kind];
    let handler = cache.get(name);
    if (handler === undefined) {
      handler = this.lookup(kind, name);
      if (cache.size >= 1024) cache.clear();
      cache.set(name, handler);
    }
    return handler;
  }

  clear(): void {
    for (const kind of ["channel", "pattern", "shard"] as const) {
      this.byText[kind].clear();
      this.lastBytes[kind] = null;
    }
  }
}

/**
 * redis-py's `run()`, shared by `PubSub` and `ClusterPubSub`: every subscription must have a
 * handler; then messages are dispatched (by `getMessage`) until `done()`, errors going to the
 * `exceptionHandler` when there is one.
 */
export async function runDispatchLoop<P extends { getMessage(options: GetMessageOptions): Promise<unknown> }>(
  pubsub: P,
  subscriptions: Iterable<{ name: string | Buffer; handler: unknown; kind: string }>,
  done: () => boolean,
  options: { exceptionHandler?: (error: unknown, pubsub: P) => unknown; pollTimeout?: number } = {},
  connect?: () => Promise<void>,
): Promise<void> {
  if (options === null || typeof options !== "object") throw new DataError("run: options must be an object");
  for (const key of Object.keys(options)) {
    if (key !== "exceptionHandler" && key !== "pollTimeout") throw new DataError(`run: unknown option '${key}'`);
  }
  const { exceptionHandler, pollTimeout = 1 } = options;
  for (const sub of subscriptions) {
    if (!sub.handler) throw new PubSubError(`${sub.kind}: '${String(sub.name)}' has no handler registered`);
  }
  if (connect) await connect();
  while (!done()) {
    try {
      await pubsub.getMessage({ timeout: pollTimeout, ignoreSubscribeMessages: true });
    } catch (err) {
      if (!exceptionHandler) throw err;
      await exceptionHandler(err, pubsub);
    }
  }
}
