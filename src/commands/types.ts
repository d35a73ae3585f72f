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
 * Seconds or milliseconds: a number, or a numeric string sent as given (redis-py's
 * `extract_expire_flags` accepts `ex="10"`; the server judges the value).
 */
export type ExpiryT = number | string;
/**
 * An integer reply that can exceed 2^53 (counters, TTLs, BITFIELD's 64-bit fields): a
 * `number` when it fits exactly, a `bigint` beyond (never a rounded number).
 */
export type IntReply = number | bigint;
/**
 * `Omit` that keeps unions apart (`Without<A | B, K>` is `Omit<A, K> | Omit<B, K>`): the
 * keyword object after a parameter given positionally.
 */
export type Without<O, K extends PropertyKey> = O extends unknown ? Omit<O, K> : never;
