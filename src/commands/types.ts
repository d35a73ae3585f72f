/** The return mode of generated command methods: a Promise on `Redis`, the pipeline itself on `Pipeline`. */
export interface AsyncMode {
  readonly __mode: "async";
}

/** `Promise<X>` for a client, `M` (the chainable pipeline) otherwise. */
export type Ret<M, X> = M extends AsyncMode ? Promise<X> : M;

/** A key or a name: sent as is (strings encoded with the client's `encoding`). */
export type KeyT = string | Buffer;
/** Anything that can be sent as an argument. Numbers and bigints are sent as decimal text. */
export type EncodableT = string | Buffer | number | bigint;
/**
 * An integer reply that can exceed 2^53 (counters, TTLs, BITFIELD's 64-bit fields): a
 * `number` when it fits exactly, a `bigint` beyond (never a rounded number).
 */
export type IntReply = number | bigint;
/** Seconds or milliseconds as a number. */
export type ExpiryT = number;
