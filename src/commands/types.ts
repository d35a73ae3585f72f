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
