/**
 * Shared helpers of the v1 layer: argument encoding, reply decoding, v1's result
 * converters (`wait_ok`, `int_or_float`, ...) and Python's calling convention.
 */
import { describeValue } from "../src/index.js";

/** What a v1 command accepts as an argument (Python's bytes, str, int, float). */
export type Arg = string | Buffer | number;

/** A string reply: `Buffer` without an encoding, `string` with one. */
export type RedisString = string | Buffer;

/** A v1 codec name (`"utf-8"`, `"latin-1"`, ...) or `null` for raw Buffers. */
export type Encoding = string | null;

/** The per-call `encoding` keyword of the methods that take it. */
export interface EncodingOption {
  encoding?: Encoding;
}

/** The reply type a call gives: the client's `T`, or what the call's `encoding` says. */
export type Dec<T, O> = O extends { encoding: null }
  ? Buffer
  : O extends { encoding: string }
    ? string
    : O extends { encoding: string | null }
      ? RedisString
      : T;

/** The reply type of a factory's options: `string` when an encoding is given. */
export type EncodingOf<O> = O extends { encoding: string } ? string : O extends { encoding: string | null } ? RedisString : Buffer;

/** "Not given" for `encoding` (v1's `_NOTSET`): use the connection's encoding. */
export const NOTSET: unique symbol = Symbol("NOTSET");
export type NotSet = typeof NOTSET;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

const ENCODING_ALIASES: Record<string, BufferEncoding> = {
  "utf-8": "utf8",
  utf8: "utf8",
  u8: "utf8",
  "utf-16-le": "utf16le",
  "utf-16le": "utf16le",
  utf16le: "utf16le",
  "latin-1": "latin1",
  latin1: "latin1",
  "iso-8859-1": "latin1",
  "iso8859-1": "latin1",
  l1: "latin1",
  ascii: "ascii",
  "us-ascii": "ascii",
};

/** Python's codec name -> Node's Buffer encoding; a `RangeError` for an unknown codec. */
export function nodeEncoding(name: string): BufferEncoding {
  if (typeof name !== "string") throw new TypeError(`encoding must be a codec name or null, got ${describeValue(name)}`);
  const key = name.trim().toLowerCase().replace(/_/g, "-");
  const alias = ENCODING_ALIASES[key];
  if (alias) return alias;
  if (Buffer.isEncoding(key)) return key as BufferEncoding;
  throw new RangeError(`unknown encoding: ${name}`);
}

/** Checks an `encoding` option value (a codec name or null). */
export function checkEncoding(value: unknown): Encoding {
  if (value === null || value === undefined) return null;
  nodeEncoding(value as string);
  return value as string;
}

const utf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** bytes.decode(encoding) with Python's 'strict' error handling for UTF-8 and ASCII. */
export function decodeBytes(buf: Buffer, encoding: string): string {
  const enc = nodeEncoding(encoding);
  if (enc === "utf8") {
    try {
      return utf8Decoder.decode(buf);
    } catch {
      throw new RangeError(`'${encoding}' codec can't decode the reply (invalid byte sequence)`);
    }
  }
  if (enc === "ascii") {
    for (let i = 0; i < buf.length; i++) {
      if (buf[i]! > 0x7f) throw new RangeError(`'${encoding}' codec can't decode byte 0x${buf[i]!.toString(16)} in position ${i}`);
    }
  }
  return buf.toString(enc);
}

/** v1's `decode()`: Buffers become strings, recursively through arrays; errors stay. */
export function decodeReply(value: unknown, encoding: string): unknown {
  if (Buffer.isBuffer(value)) return decodeBytes(value, encoding);
  if (Array.isArray(value)) return value.map((v) => decodeReply(v, encoding));
  return value;
}

/** Python's `repr(float)` as Redis reads it: `inf`, `-inf`, `1.5`, `1e+20`. */
export function formatNumber(n: number): string {
  if (n === Infinity) return "inf";
  if (n === -Infinity) return "-inf";
  if (Number.isNaN(n)) return "nan";
  return String(n);
}

/**
 * v1's `encode_command` check: only Buffers, strings and numbers may be sent (strings as
 * UTF-8 whatever the connection's encoding); `null`, booleans and objects are a TypeError.
 */
export function encodeArg(arg: unknown, index: number): string | Buffer {
  if (typeof arg === "string" || Buffer.isBuffer(arg)) return arg;
  if (typeof arg === "number") return formatNumber(arg);
  if (typeof arg === "bigint") return arg.toString();
  if (arg === null || arg === undefined) throw new TypeError("args must not contain None");
  throw new TypeError(`Argument #${index + 1} of type ${describeValue(arg)} is not supported: use a string, Buffer or number`);
}

/** A QUEUED reply (inside MULTI) passes through v1's converters untouched. */
export function isQueued(value: unknown): boolean {
  return value === "QUEUED" || (Buffer.isBuffer(value) && value.length === 6 && value.toString("latin1") === "QUEUED");
}

/** v1's `wait_ok`: true for an OK reply, false for anything else (nil included). */
export function waitOk(value: unknown): boolean {
  return value === "OK" || (Buffer.isBuffer(value) && value.length === 2 && value.toString("latin1") === "OK");
}

/** Python's `int(x)` for a reply. */
export function toInt(value: unknown): number {
  if (typeof value === "number") return Math.trunc(value);
  const text = Buffer.isBuffer(value) ? value.toString("latin1") : String(value);
  if (!/^\s*[+-]?\d+\s*$/.test(text)) throw new RangeError(`invalid literal for int(): '${text}'`);
  return Number.parseInt(text, 10);
}

/** Python's `float(x)` for a reply (`inf`, `-inf`, `nan` included). */
export function toFloat(value: unknown): number {
  if (typeof value === "number") return value;
  const text = (Buffer.isBuffer(value) ? value.toString("latin1") : String(value)).trim().toLowerCase();
  if (text === "inf" || text === "+inf" || text === "infinity" || text === "+infinity") return Infinity;
  if (text === "-inf" || text === "-infinity") return -Infinity;
  if (text === "nan") return NaN;
  const n = Number(text);
  if (text === "" || Number.isNaN(n)) throw new RangeError(`could not convert string to float: '${text}'`);
  return n;
}

/** v1's `int_or_float`: an integral score comes back as an integer. */
export function intOrFloat(value: unknown): number {
  const text = Buffer.isBuffer(value) ? value.toString("latin1") : String(value);
  return /^\s*[+-]?\d+\s*$/.test(text) ? Number.parseInt(text, 10) : toFloat(text);
}

export function optionalIntOrFloat(value: unknown): number | null {
  return value === null || value === undefined ? null : intOrFloat(value);
}

/** v1's `pairs_int_or_float`: `[m1, s1, m2, s2]` -> `[[m1, s1], [m2, s2]]` with numeric scores. */
export function pairsIntOrFloat<M>(value: unknown): [M, number][] {
  const flat = value as unknown[];
  const out: [M, number][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i] as M, intOrFloat(flat[i + 1])]);
  return out;
}

/** A reply key as an object key: strings as they are, Buffers decoded as UTF-8. */
export function keyOf(key: unknown): string {
  if (typeof key === "string") return key;
  if (Buffer.isBuffer(key)) return key.toString("utf8");
  return String(key);
}

/** Sets `obj[key] = value` without ever touching a prototype (a key may be `__proto__`). */
export function setKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/** v1's `wait_make_dict`: a flat `[k1, v1, k2, v2]` reply as a plain object. */
export function makeDict<V = unknown>(value: unknown): Record<string, V> {
  const flat = (value ?? []) as unknown[];
  const out: Record<string, V> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) setKey(out, keyOf(flat[i]), flat[i + 1]);
  return out;
}

/**
 * A Python namedtuple as an array that also has its fields by name (non-enumerable, so
 * the array prints and compares as the tuple it is).
 */
export function namedTuple<R extends unknown[] = unknown[]>(fields: readonly string[], values: unknown[]): R {
  fields.forEach((name, i) => Object.defineProperty(values, name, { value: values[i], enumerable: false }));
  return values as R;
}

/** A Promise with its settle functions (asyncio's Future). */
export interface Deferred<T = unknown> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
  settled: boolean;
}

export function deferred<T = unknown>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const d = { settled: false } as Deferred<T>;
  d.promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  d.resolve = (value) => {
    if (d.settled) return;
    d.settled = true;
    resolve(value);
  };
  d.reject = (error) => {
    if (d.settled) return;
    d.settled = true;
    reject(error);
  };
  return d;
}

/** Marks a Promise as handled: a call nobody awaits must not crash the process (v1 only logged it). */
export function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

// ---- v1's argument checks ---------------------------------------------------------------

export function isInt(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value);
}

export function isNumber(value: unknown): value is number {
  return typeof value === "number" && !Number.isNaN(value);
}

export function requireInt(value: unknown, what: string): number {
  if (!isInt(value)) throw new TypeError(`${what} argument must be int`);
  return value;
}

export function requireNumber(value: unknown, what: string): number {
  if (!isNumber(value)) throw new TypeError(`${what} argument must be int or float`);
  return value;
}
