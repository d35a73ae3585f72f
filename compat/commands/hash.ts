/** The Hash command group (aioredis 1.x's `HashCommandsMixin`), installed on `Redis` by commands/index.ts. */
import { encodingOf, signatures } from "../calling.js";
import { RedisBase } from "./base.js";
import { isPlainObject, makeDict, NOTSET, toFloat, toInt, type Arg, type Dec, type EncodingOption, type RedisString } from "../util.js";
import { scanArgs, scanIter, toBool, waitOkReply, type ScanOptions } from "./generic.js";

/** HSCAN's reply in v1's shape: `[cursor, [[field, value], ...]]`. */
function makePairs(reply: any): [number, [unknown, unknown][]] {
  const flat = reply[1] as unknown[];
  const pairs: [unknown, unknown][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([flat[i], flat[i + 1]]);
  return [toInt(reply[0]), pairs];
}

/** The v1 signatures of the Hash commands (see calling.ts). */
export const hashSignatures = signatures({
  hdel: "key, field, *fields",
  hexists: "key, field",
  hget: "key, field, *, encoding?",
  hgetall: "key, *, encoding?",
  hincrby: "key, field, increment?",
  hincrbyfloat: "key, field, increment?",
  hkeys: "key, *, encoding?",
  hlen: "key",
  hmget: "key, field, *fields, encoding?",
  hmset: "key, field, value, *pairs",
  hset: "key, field, value",
  hsetnx: "key, field, value",
  hvals: "key, *, encoding?",
  hscan: "key, cursor?, match?, count?",
  ihscan: "key, *, match?, count?",
  hstrlen: "key, field",
});

export class HashCommands<T extends RedisString = Buffer> extends RedisBase<T> {
  hdel(key: Arg, field: Arg, ...fields: Arg[]): Promise<number> {
    const a = hashSignatures.bind("hdel", arguments);
    return this._exec("HDEL", [a.key, a.field, ...a.rest]);
  }

  hexists(key: Arg, field: Arg): Promise<boolean> {
    const a = hashSignatures.bind("hexists", arguments);
    return this._exec("HEXISTS", [a.key, a.field], NOTSET, toBool);
  }

  hget<O extends EncodingOption = {}>(key: Arg, field: Arg, options?: O): Promise<Dec<T, O> | null> {
    const a = hashSignatures.bind("hget", arguments);
    return this._exec("HGET", [a.key, a.field], encodingOf(a));
  }

  /** HGETALL as a plain object (`{}` for a missing key); field names are strings. */
  hgetall<O extends EncodingOption = {}>(key: Arg, options?: O): Promise<Record<string, Dec<T, O>>> {
    const a = hashSignatures.bind("hgetall", arguments);
    return this._exec("HGETALL", [a.key], encodingOf(a), makeDict);
  }

  hincrby(key: Arg, field: Arg, increment?: number | { increment?: number }): Promise<number> {
    const a = hashSignatures.bind("hincrby", arguments);
    return this._exec("HINCRBY", [a.key, a.field, a.increment ?? 1]);
  }

  hincrbyfloat(key: Arg, field: Arg, increment?: number | { increment?: number }): Promise<number> {
    const a = hashSignatures.bind("hincrbyfloat", arguments);
    return this._exec("HINCRBYFLOAT", [a.key, a.field, a.increment ?? 1.0], NOTSET, toFloat);
  }

  hkeys<O extends EncodingOption = {}>(key: Arg, options?: O): Promise<Dec<T, O>[]> {
    const a = hashSignatures.bind("hkeys", arguments);
    return this._exec("HKEYS", [a.key], encodingOf(a));
  }

  hlen(key: Arg): Promise<number> {
    const a = hashSignatures.bind("hlen", arguments);
    return this._exec("HLEN", [a.key]);
  }

  hmget<O extends EncodingOption = {}>(key: Arg, field: Arg, ...fields: (Arg | O)[]): Promise<(Dec<T, O> | null)[]> {
    const a = hashSignatures.bind("hmget", arguments);
    return this._exec("HMGET", [a.key, a.field, ...a.rest], encodingOf(a));
  }

  /** HMSET from `field, value, ...pairs`; resolves with true. */
  hmset(key: Arg, field: Arg, value: Arg, ...pairs: Arg[]): Promise<boolean> {
    const a = hashSignatures.bind("hmset", arguments);
    if (a.rest.length % 2 !== 0) throw new TypeError("length of pairs must be even number");
    return this._exec("HMSET", [a.key, a.field, a.value, ...a.rest], NOTSET, waitOkReply);
  }

  /**
   * HMSET from an object (v1's `hmset_dict(key, dict, **kwargs)`): `hmsetDict(key, dict)`
   * or `hmsetDict(key, dict, kwargs)`, the second object's fields winning.
   */
  hmsetDict(key: Arg, ...dicts: Record<string, Arg>[]): Promise<boolean> {
    if (dicts.length === 0) throw new TypeError("args or kwargs must be specified");
    if (dicts.length > 2) throw new TypeError("single positional argument allowed");
    const [first, kwargs = {}] = dicts;
    if (!isPlainObject(first)) throw new TypeError("args[0] must be dict");
    if (!isPlainObject(kwargs)) throw new TypeError("kwargs must be dict");
    if (Object.keys(first).length === 0 && Object.keys(kwargs).length === 0) throw new RangeError("args[0] is empty dict");
    const data = [...Object.entries(first).flat(), ...Object.entries(kwargs).flat()];
    return this._exec("HMSET", [key, ...data], NOTSET, waitOkReply);
  }

  /** HSET of one field: 1 when the field is new, 0 when updated. */
  hset(key: Arg, field: Arg, value: Arg): Promise<number> {
    const a = hashSignatures.bind("hset", arguments);
    return this._exec("HSET", [a.key, a.field, a.value]);
  }

  /** HSETNX: 1 or 0. */
  hsetnx(key: Arg, field: Arg, value: Arg): Promise<number> {
    const a = hashSignatures.bind("hsetnx", arguments);
    return this._exec("HSETNX", [a.key, a.field, a.value]);
  }

  hvals<O extends EncodingOption = {}>(key: Arg, options?: O): Promise<Dec<T, O>[]> {
    const a = hashSignatures.bind("hvals", arguments);
    return this._exec("HVALS", [a.key], encodingOf(a));
  }

  /** HSCAN: `[cursor, [[field, value], ...]]` (pairs, not an object). */
  hscan(key: Arg, cursor?: Arg | ScanOptions, match?: Arg | null | ScanOptions, count?: number | null | ScanOptions): Promise<[number, [T, T][]]> {
    const a = hashSignatures.bind("hscan", arguments);
    return this._exec("HSCAN", [a.key, a.cursor ?? 0, ...scanArgs(a.match, a.count)], NOTSET, makePairs);
  }

  /** Every `[field, value]`, by HSCAN, as an async iterator. */
  ihscan(key: Arg, options?: ScanOptions): AsyncGenerator<[T, T], void, undefined> {
    const a = hashSignatures.bind("ihscan", arguments);
    return scanIter((cursor) => this.hscan(a.key, cursor, { match: a.match, count: a.count }));
  }

  hstrlen(key: Arg, field: Arg): Promise<number> {
    const a = hashSignatures.bind("hstrlen", arguments);
    return this._exec("HSTRLEN", [a.key, a.field]);
  }
}
