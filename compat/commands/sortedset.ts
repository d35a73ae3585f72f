/**
 * v1's `SortedSetCommandsMixin`: scores come back through `int_or_float` (an integral
 * score is an integer), `withscores` is the 4th positional argument, `exclude` makes
 * bounds exclusive, and the lex commands add the `[`/`(` prefixes themselves.
 */
import { encodingOf, signatures, type Bound } from "../calling.js";
import {
  formatNumber,
  isInt,
  isNumber,
  NOTSET,
  optionalIntOrFloat,
  intOrFloat,
  pairsIntOrFloat,
  toInt,
  type Arg,
  type Dec,
  type EncodingOption,
  type RedisString,
} from "../util.js";
import { RedisBase, CONSTANTS, type ZsetAggregate, type ZsetExclude, type ZsetExist } from "./base.js";
import { scanArgs, scanIter, type ScanOptions } from "./generic.js";

export interface ZaddOptions {
  exist?: ZsetExist | null;
  changed?: boolean;
  incr?: boolean;
}

export interface ZstoreOptions {
  /** Every key is a `[key, weight]` pair. */
  withWeights?: boolean;
  aggregate?: ZsetAggregate | null;
}

export interface ExcludeOption {
  exclude?: ZsetExclude | null;
}

export interface RangeOptions extends EncodingOption {
  withscores?: boolean;
}

export interface ScoreRangeOptions extends EncodingOption, ExcludeOption {
  withscores?: boolean;
  offset?: number | null;
  count?: number | null;
}

export interface LexRangeOptions extends EncodingOption {
  includeMin?: boolean;
  includeMax?: boolean;
  offset?: number | null;
  count?: number | null;
}

export interface LexOptions {
  includeMin?: boolean;
  includeMax?: boolean;
}

export interface BlockingPopOptions extends EncodingOption {
  timeout?: number;
}

/** v1's `_encode_min_max`: `(` before the excluded bound(s). */
function encodeMinMax(flag: unknown, min: number, max: number): [unknown, unknown] {
  const lo = formatNumber(min);
  const hi = formatNumber(max);
  if (flag === CONSTANTS.ZSET_EXCLUDE_MIN) return [`(${lo}`, max];
  if (flag === CONSTANTS.ZSET_EXCLUDE_MAX) return [min, `(${hi}`];
  if (flag === CONSTANTS.ZSET_EXCLUDE_BOTH) return [`(${lo}`, `(${hi}`];
  return [min, max];
}

/** A lex bound: `-`/`+` as they are, others prefixed with `[` (inclusive) or `(`. Bounds must be Buffers, as in v1. */
function lexBound(value: unknown, what: "min" | "max", include: boolean, infinite: string): Buffer {
  if (!Buffer.isBuffer(value)) throw new TypeError(`${what} argument must be bytes`);
  if (value.equals(Buffer.from(infinite))) return value;
  return Buffer.concat([Buffer.from(include ? "[" : "("), value]);
}

function limitArgs(offset: unknown, count: unknown): unknown[] {
  const hasOffset = offset !== undefined && offset !== null;
  const hasCount = count !== undefined && count !== null;
  if (hasOffset !== hasCount) throw new TypeError("offset and count must both be specified");
  if (hasOffset && !isInt(offset)) throw new TypeError("offset argument must be int");
  if (hasCount && !isInt(count)) throw new TypeError("count argument must be int");
  return hasOffset ? ["LIMIT", offset, count] : [];
}

/** ZRANGEBYLEX/ZREVRANGEBYLEX: the prefixed `min` and `max` bounds and the LIMIT words of a bound call. */
function lexRange(a: Bound): [Buffer, Buffer, unknown[]] {
  const min = lexBound(a.min ?? MINUS, "min", a.includeMin ?? true, "-");
  const max = lexBound(a.max ?? PLUS, "max", a.includeMax ?? true, "+");
  return [min, max, limitArgs(a.offset, a.count)];
}

function checkBlockingTimeout(timeout: unknown): number {
  if (!isInt(timeout)) throw new TypeError("timeout argument must be int");
  if (timeout < 0) throw new RangeError("timeout must be greater equal 0");
  return timeout;
}

const NEG_INF = -Infinity;
const POS_INF = Infinity;
const MINUS = Buffer.from("-");
const PLUS = Buffer.from("+");

/** The v1 signatures of the SortedSet commands (see calling.ts). */
export const sortedSetSignatures = signatures({
  bzpopmax: "key, *keys, timeout?, encoding?",
  bzpopmin: "key, *keys, timeout?, encoding?",
  zadd: "key, score, member, *pairs, exist?, changed?, incr?",
  zcard: "key",
  zcount: "key, min?, max?, *, exclude?",
  zincrby: "key, increment, member",
  zinterstore: "destkey, key, *keys, withWeights?, aggregate?",
  zunionstore: "destkey, key, *keys, withWeights?, aggregate?",
  zlexcount: "key, min?, max?, includeMin?, includeMax?",
  zrange: "key, start?, stop?, withscores?, encoding?",
  zrangebylex: "key, min?, max?, includeMin?, includeMax?, offset?, count?, encoding?",
  zrangebyscore: "key, min?, max?, withscores?, offset?, count?, *, exclude?, encoding?",
  zrank: "key, member",
  zrem: "key, member, *members",
  zremrangebylex: "key, min?, max?, includeMin?, includeMax?",
  zremrangebyrank: "key, start, stop",
  zremrangebyscore: "key, min?, max?, *, exclude?",
  zrevrange: "key, start, stop, withscores?, encoding?",
  zrevrangebylex: "key, min?, max?, includeMin?, includeMax?, offset?, count?, encoding?",
  zrevrangebyscore: "key, max?, min?, *, exclude?, withscores?, offset?, count?, encoding?",
  zrevrank: "key, member",
  zscore: "key, member",
  zscan: "key, cursor?, match?, count?",
  izscan: "key, *, match?, count?",
  zpopmin: "key, count?, *, encoding?",
  zpopmax: "key, count?, *, encoding?",
});

export class SortedSetCommands<T extends RedisString = Buffer> extends RedisBase<T> {
  /** BZPOPMAX: `[key, member, score]` (raw) or null on timeout. */
  bzpopmax<O extends BlockingPopOptions = {}>(key: Arg, ...keys: (Arg | O)[]): Promise<Dec<T, O>[] | null> {
    const a = sortedSetSignatures.bind("bzpopmax", arguments);
    const timeout = checkBlockingTimeout(a.timeout ?? 0);
    return this._exec("BZPOPMAX", [a.key, ...a.rest, timeout], encodingOf(a));
  }

  bzpopmin<O extends BlockingPopOptions = {}>(key: Arg, ...keys: (Arg | O)[]): Promise<Dec<T, O>[] | null> {
    const a = sortedSetSignatures.bind("bzpopmin", arguments);
    const timeout = checkBlockingTimeout(a.timeout ?? 0);
    return this._exec("BZPOPMIN", [a.key, ...a.rest, timeout], encodingOf(a));
  }

  /**
   * ZADD with v1's score-first pairs: `zadd(key, 1, "one", 2, "two", { exist, changed, incr })`.
   * Resolves with the count, or with `incr` the new score as the raw reply.
   */
  zadd(key: Arg, score: number, member: Arg, ...pairs: (Arg | ZaddOptions)[]): Promise<any> {
    const a = sortedSetSignatures.bind("zadd", arguments);
    if (!isNumber(a.score)) throw new TypeError("score argument must be int or float");
    if (a.rest.length % 2 !== 0) throw new TypeError("length of pairs must be even number");
    for (let i = 0; i < a.rest.length; i += 2) {
      if (!isNumber(a.rest[i])) throw new TypeError("all scores must be int or float");
    }
    const args: unknown[] = [];
    if (a.exist === CONSTANTS.ZSET_IF_EXIST) args.push("XX");
    else if (a.exist === CONSTANTS.ZSET_IF_NOT_EXIST) args.push("NX");
    if (a.changed) args.push("CH");
    if (a.incr) {
      if (a.rest.length > 0) throw new RangeError("only one score-element pair can be specified in this mode");
      args.push("INCR");
    }
    args.push(a.score, a.member, ...a.rest);
    return this._exec("ZADD", [a.key, ...args]);
  }

  zcard(key: Arg): Promise<number> {
    const a = sortedSetSignatures.bind("zcard", arguments);
    return this._exec("ZCARD", [a.key]);
  }

  /** ZCOUNT between numeric bounds (default -inf..inf); `{ exclude }` for exclusive bounds. */
  zcount(key: Arg, min?: number | ExcludeOption, max?: number | ExcludeOption, options?: ExcludeOption): Promise<number> {
    const a = sortedSetSignatures.bind("zcount", arguments);
    const min_ = a.min ?? NEG_INF;
    const max_ = a.max ?? POS_INF;
    if (!isNumber(min_)) throw new TypeError("min argument must be int or float");
    if (!isNumber(max_)) throw new TypeError("max argument must be int or float");
    if (min_ > max_) throw new RangeError("min could not be greater than max");
    return this._exec("ZCOUNT", [a.key, ...encodeMinMax(a.exclude, min_, max_)]);
  }

  /** ZINCRBY: the new score (an integer when integral). */
  zincrby(key: Arg, increment: number, member: Arg): Promise<number> {
    const a = sortedSetSignatures.bind("zincrby", arguments);
    if (!isNumber(a.increment)) throw new TypeError("increment argument must be int or float");
    return this._exec("ZINCRBY", [a.key, a.increment, a.member], NOTSET, intOrFloat);
  }

  /** ZINTERSTORE; with `withWeights` every key is a `[key, weight]` pair. */
  zinterstore(destkey: Arg, key: Arg | [Arg, number], ...keys: (Arg | [Arg, number] | ZstoreOptions)[]): Promise<number> {
    const a = sortedSetSignatures.bind("zinterstore", arguments);
    return this._exec("ZINTERSTORE", [a.destkey, ...storeArgs([a.key, ...a.rest], a.withWeights, a.aggregate)]);
  }

  zunionstore(destkey: Arg, key: Arg | [Arg, number], ...keys: (Arg | [Arg, number] | ZstoreOptions)[]): Promise<number> {
    const a = sortedSetSignatures.bind("zunionstore", arguments);
    return this._exec("ZUNIONSTORE", [a.destkey, ...storeArgs([a.key, ...a.rest], a.withWeights, a.aggregate)]);
  }

  /** ZLEXCOUNT; bounds are Buffers (`-`/`+` by default), prefixed for you. */
  zlexcount(
    key: Arg,
    min?: Buffer | LexOptions,
    max?: Buffer | LexOptions,
    includeMin?: boolean | LexOptions,
    includeMax?: boolean | LexOptions,
    options?: LexOptions,
  ): Promise<number> {
    const a = sortedSetSignatures.bind("zlexcount", arguments);
    const min_ = lexBound(a.min ?? MINUS, "min", a.includeMin ?? true, "-");
    const max_ = lexBound(a.max ?? PLUS, "max", a.includeMax ?? true, "+");
    return this._exec("ZLEXCOUNT", [a.key, min_, max_]);
  }

  /**
   * ZRANGE by rank; `withscores` (the 4th positional, as in v1) gives `[member, score]`
   * pairs with integral scores as integers.
   */
  zrange<O extends RangeOptions = {}>(key: Arg, start?: number | O, stop?: number | O, withscores?: boolean | O, options?: O): Promise<any[]> {
    const a = sortedSetSignatures.bind("zrange", arguments);
    const start_ = a.start ?? 0;
    const stop_ = a.stop ?? -1;
    if (!isInt(start_)) throw new TypeError("start argument must be int");
    if (!isInt(stop_)) throw new TypeError("stop argument must be int");
    const args = a.withscores ? ["WITHSCORES"] : [];
    return this._exec("ZRANGE", [a.key, start_, stop_, ...args], encodingOf(a), a.withscores ? pairsIntOrFloat : undefined);
  }

  /** ZRANGEBYLEX; bounds are Buffers, prefixed for you; `offset` and `count` together. */
  zrangebylex<O extends LexRangeOptions = {}>(
    key: Arg,
    min?: Buffer | O,
    max?: Buffer | O,
    includeMin?: boolean | O,
    includeMax?: boolean | O,
    offset?: number | null | O,
    count?: number | null | O,
    options?: O,
  ): Promise<Dec<T, O>[]> {
    const a = sortedSetSignatures.bind("zrangebylex", arguments);
    const [min_, max_, limit] = lexRange(a);
    return this._exec("ZRANGEBYLEX", [a.key, min_, max_, ...limit], encodingOf(a));
  }

  /**
   * ZRANGEBYSCORE between numeric bounds; the 4th positional is `withscores` (as in v1);
   * `{ exclude, offset, count, encoding }`.
   */
  zrangebyscore<O extends ScoreRangeOptions = {}>(
    key: Arg,
    min?: number | O,
    max?: number | O,
    withscores?: boolean | O,
    offset?: number | null | O,
    count?: number | null | O,
    options?: O,
  ): Promise<any[]> {
    const a = sortedSetSignatures.bind("zrangebyscore", arguments);
    const min_ = a.min ?? NEG_INF;
    const max_ = a.max ?? POS_INF;
    if (!isNumber(min_)) throw new TypeError("min argument must be int or float");
    if (!isNumber(max_)) throw new TypeError("max argument must be int or float");
    const limit = limitArgs(a.offset, a.count);
    const [lo, hi] = encodeMinMax(a.exclude, min_, max_);
    const args = [...(a.withscores ? ["WITHSCORES"] : []), ...limit];
    return this._exec("ZRANGEBYSCORE", [a.key, lo, hi, ...args], encodingOf(a), a.withscores ? pairsIntOrFloat : undefined);
  }

  zrank(key: Arg, member: Arg): Promise<number | null> {
    const a = sortedSetSignatures.bind("zrank", arguments);
    return this._exec("ZRANK", [a.key, a.member]);
  }

  zrem(key: Arg, member: Arg, ...members: Arg[]): Promise<number> {
    const a = sortedSetSignatures.bind("zrem", arguments);
    return this._exec("ZREM", [a.key, a.member, ...a.rest]);
  }

  zremrangebylex(
    key: Arg,
    min?: Buffer | LexOptions,
    max?: Buffer | LexOptions,
    includeMin?: boolean | LexOptions,
    includeMax?: boolean | LexOptions,
    options?: LexOptions,
  ): Promise<number> {
    const a = sortedSetSignatures.bind("zremrangebylex", arguments);
    const min_ = lexBound(a.min ?? MINUS, "min", a.includeMin ?? true, "-");
    const max_ = lexBound(a.max ?? PLUS, "max", a.includeMax ?? true, "+");
    return this._exec("ZREMRANGEBYLEX", [a.key, min_, max_]);
  }

  zremrangebyrank(key: Arg, start: number, stop: number): Promise<number> {
    const a = sortedSetSignatures.bind("zremrangebyrank", arguments);
    if (!isInt(a.start)) throw new TypeError("start argument must be int");
    if (!isInt(a.stop)) throw new TypeError("stop argument must be int");
    return this._exec("ZREMRANGEBYRANK", [a.key, a.start, a.stop]);
  }

  zremrangebyscore(key: Arg, min?: number | ExcludeOption, max?: number | ExcludeOption, options?: ExcludeOption): Promise<number> {
    const a = sortedSetSignatures.bind("zremrangebyscore", arguments);
    const min_ = a.min ?? NEG_INF;
    const max_ = a.max ?? POS_INF;
    if (!isNumber(min_)) throw new TypeError("min argument must be int or float");
    if (!isNumber(max_)) throw new TypeError("max argument must be int or float");
    return this._exec("ZREMRANGEBYSCORE", [a.key, ...encodeMinMax(a.exclude, min_, max_)]);
  }

  /** ZREVRANGE by rank; `withscores` as the 4th positional gives pairs. */
  zrevrange<O extends RangeOptions = {}>(key: Arg, start: number, stop: number, withscores?: boolean | O, options?: O): Promise<any[]> {
    const a = sortedSetSignatures.bind("zrevrange", arguments);
    if (!isInt(a.start)) throw new TypeError("start argument must be int");
    if (!isInt(a.stop)) throw new TypeError("stop argument must be int");
    const args = a.withscores ? ["WITHSCORES"] : [];
    return this._exec("ZREVRANGE", [a.key, a.start, a.stop, ...args], encodingOf(a), a.withscores ? pairsIntOrFloat : undefined);
  }

  /** ZREVRANGEBYLEX: parameters named `min`, `max` as in v1; `max` is sent first. */
  zrevrangebylex<O extends LexRangeOptions = {}>(
    key: Arg,
    min?: Buffer | O,
    max?: Buffer | O,
    includeMin?: boolean | O,
    includeMax?: boolean | O,
    offset?: number | null | O,
    count?: number | null | O,
    options?: O,
  ): Promise<Dec<T, O>[]> {
    const a = sortedSetSignatures.bind("zrevrangebylex", arguments);
    const [min_, max_, limit] = lexRange(a);
    return this._exec("ZREVRANGEBYLEX", [a.key, max_, min_, ...limit], encodingOf(a));
  }

  /** ZREVRANGEBYSCORE(key, max, min); everything after `min` by keyword. */
  zrevrangebyscore<O extends ScoreRangeOptions = {}>(key: Arg, max?: number | O, min?: number | O, options?: O): Promise<any[]> {
    const a = sortedSetSignatures.bind("zrevrangebyscore", arguments);
    const min_ = a.min ?? NEG_INF;
    const max_ = a.max ?? POS_INF;
    if (!isNumber(min_)) throw new TypeError("min argument must be int or float");
    if (!isNumber(max_)) throw new TypeError("max argument must be int or float");
    const limit = limitArgs(a.offset, a.count);
    const [lo, hi] = encodeMinMax(a.exclude, min_, max_);
    const args = [...(a.withscores ? ["WITHSCORES"] : []), ...limit];
    return this._exec("ZREVRANGEBYSCORE", [a.key, hi, lo, ...args], encodingOf(a), a.withscores ? pairsIntOrFloat : undefined);
  }

  zrevrank(key: Arg, member: Arg): Promise<number | null> {
    const a = sortedSetSignatures.bind("zrevrank", arguments);
    return this._exec("ZREVRANK", [a.key, a.member]);
  }

  /** ZSCORE: an integer for an integral score, a float otherwise, null for no member. */
  zscore(key: Arg, member: Arg): Promise<number | null> {
    const a = sortedSetSignatures.bind("zscore", arguments);
    return this._exec("ZSCORE", [a.key, a.member], NOTSET, optionalIntOrFloat);
  }

  /** ZSCAN: `[cursor, [[member, score], ...]]`. */
  zscan(key: Arg, cursor?: Arg | ScanOptions, match?: Arg | null | ScanOptions, count?: number | null | ScanOptions): Promise<[number, [T, number][]]> {
    const a = sortedSetSignatures.bind("zscan", arguments);
    return this._exec("ZSCAN", [a.key, a.cursor ?? 0, ...scanArgs(a.match, a.count)], NOTSET, (reply: any) => [toInt(reply[0]), pairsIntOrFloat(reply[1])]);
  }

  /** Every `[member, score]`, by ZSCAN, as an async iterator. */
  izscan(key: Arg, options?: ScanOptions): AsyncGenerator<[T, number], void, undefined> {
    const a = sortedSetSignatures.bind("izscan", arguments);
    return scanIter((cursor) => this.zscan(a.key, cursor, { match: a.match, count: a.count }));
  }

  /** ZPOPMIN: the raw flat reply `[member, score, ...]`. */
  zpopmin<O extends EncodingOption = {}>(key: Arg, count?: number | null | O, options?: O): Promise<Dec<T, O>[]> {
    const a = sortedSetSignatures.bind("zpopmin", arguments);
    if (a.count !== undefined && a.count !== null && !isInt(a.count)) throw new TypeError("count argument must be int");
    const args = a.count !== undefined && a.count !== null ? [a.count] : [];
    return this._exec("ZPOPMIN", [a.key, ...args], encodingOf(a));
  }

  zpopmax<O extends EncodingOption = {}>(key: Arg, count?: number | null | O, options?: O): Promise<Dec<T, O>[]> {
    const a = sortedSetSignatures.bind("zpopmax", arguments);
    if (a.count !== undefined && a.count !== null && !isInt(a.count)) throw new TypeError("count argument must be int");
    const args = a.count !== undefined && a.count !== null ? [a.count] : [];
    return this._exec("ZPOPMAX", [a.key, ...args], encodingOf(a));
  }
}

/** ZINTERSTORE/ZUNIONSTORE's arguments after the destination: numkeys, keys, WEIGHTS, AGGREGATE. */
function storeArgs(keys: unknown[], withWeights: unknown, aggregate: unknown): unknown[] {
  const args: unknown[] = [keys.length];
  if (withWeights) {
    if (!keys.every((k) => Array.isArray(k) && k.length === 2)) throw new TypeError("All key arguments must be (key, weight) tuples");
    const weights: unknown[] = ["WEIGHTS"];
    for (const [k, w] of keys as [unknown, unknown][]) {
      args.push(k);
      weights.push(w);
    }
    args.push(...weights);
  } else {
    args.push(...keys);
  }
  if (aggregate === CONSTANTS.ZSET_AGGREGATE_SUM) args.push("AGGREGATE", "SUM");
  else if (aggregate === CONSTANTS.ZSET_AGGREGATE_MAX) args.push("AGGREGATE", "MAX");
  else if (aggregate === CONSTANTS.ZSET_AGGREGATE_MIN) args.push("AGGREGATE", "MIN");
  return args;
}
