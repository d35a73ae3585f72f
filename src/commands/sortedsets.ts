import { DataError } from "../errors.js";
import type { CommandArg, RespValue } from "../protocol/index.js";
import { arg, exclusive, nonEmpty, numkeysMatch, rest, scanArgs, timeoutOf } from "./args.js";
import { parseScan, toArray, toNumber, toNumberOrNull } from "./replies.js";
import { badArg, defineCommands, entriesOf, isArgValue, isPlainObject, type CommandSpec } from "./spec.js";
import type { EncodableT, KeyT, Ret, Without } from "./types.js";
import { bound, castFunc, rangeReply, scorePairs, type ScoreCastFunc, type SortedSetRangeCommands, type ZScorePair } from "./sortedsets-ranges.js";

export type { ScoreCastFunc, ZRangeByScoreOptions, ZRangeOptions, ZRangeStoreOptions, ZScoreBoundT, ZScorePair } from "./sortedsets-ranges.js";

/** Member -> score pairs: a plain object, or a Map (whose members may also be Buffers). */
export type ZScoreMapping = Record<string, number | string> | Map<EncodableT, number | string>;
/** The keys of ZINTER/ZUNION(STORE): a list, one key, or a `{ key: weight }` mapping (WEIGHTS). */
export type ZAggregateKeys = KeyT | KeyT[] | Record<string, number> | Map<KeyT, number>;
/** SUM (default), MIN or MAX, in any case. */
export type ZAggregate = "SUM" | "MIN" | "MAX" | "sum" | "min" | "max";

export interface ZaddOptions {
  /** Only add new members, never update scores. */
  nx?: boolean;
  /** Only update existing members, never add. */
  xx?: boolean;
  /** Return the number of members changed (added or updated) instead of added. */
  ch?: boolean;
  /** Increment the score of the single member (ZINCRBY); the new score is returned (`null` if NX/XX/GT/LT prevented it). */
  incr?: boolean;
  /** Only update when the new score is greater. */
  gt?: boolean;
  /** Only update when the new score is less. */
  lt?: boolean;
}

export interface ZMpopOptions {
  /** Pop the lowest scores (exactly one of `min`, `max`). */
  min?: boolean;
  /** Pop the highest scores. */
  max?: boolean;
  /** How many members to pop (default 1). */
  count?: number | null;
}

export interface ZscanOptions<S = number> {
  cursor?: number | string;
  match?: EncodableT | null;
  count?: number | null;
  scoreCastFunc?: ScoreCastFunc<S> | null;
}

/**
 * SORTED SET commands (redis-py's `SortedSetCommands` and `zscan`). Scores are numbers;
 * WITHSCORES replies are `[member, score][]` under both protocols.
 */
export interface SortedSetCommands<T, M> extends SortedSetRangeCommands<T, M> {
  /**
   * BZMPOP timeout numkeys key... MIN|MAX COUNT count: `[key, [member, score][]]`, or `null` on
   * timeout. Exactly one of `min` and `max`; `numkeys` must equal the number of keys.
   */
  bzmpop(timeout: number, numkeys: number | string, keys: KeyT | KeyT[], options: ZMpopOptions): Ret<M, [T, ZScorePair<T>[]] | null>;
  bzmpop(
    timeout: number,
    numkeys: number | string,
    keys: KeyT | KeyT[],
    min: boolean,
    options: Without<ZMpopOptions, "min">,
  ): Ret<M, [T, ZScorePair<T>[]] | null>;
  bzmpop(
    timeout: number,
    numkeys: number | string,
    keys: KeyT | KeyT[],
    min?: boolean,
    max?: boolean,
    count?: number | null,
  ): Ret<M, [T, ZScorePair<T>[]] | null>;
  /** BZPOPMAX: `[key, member, score]` from the first non-empty sorted set, or `null` after `timeout` seconds. */
  bzpopmax(keys: KeyT | KeyT[], timeout?: number | null): Ret<M, [T, T, number] | null>;
  bzpopmax(keys: KeyT | KeyT[], options: { timeout?: number | null }): Ret<M, [T, T, number] | null>;
  /** BZPOPMIN: `[key, member, score]` from the first non-empty sorted set, or `null` after `timeout` seconds. */
  bzpopmin(keys: KeyT | KeyT[], timeout?: number | null): Ret<M, [T, T, number] | null>;
  bzpopmin(keys: KeyT | KeyT[], options: { timeout?: number | null }): Ret<M, [T, T, number] | null>;
  /**
   * ZADD with `{ member: score }`: the number of members added (changed with `ch`); with
   * `incr`, the new score or `null`.
   */
  zadd(name: KeyT, mapping: ZScoreMapping, options: ZaddOptions & { incr: true }): Ret<M, number | null>;
  zadd(name: KeyT, mapping: ZScoreMapping, nx: boolean | undefined, options: Without<ZaddOptions & { incr: true }, "nx">): Ret<M, number | null>;
  zadd(name: KeyT, mapping: ZScoreMapping, options?: ZaddOptions & { incr?: false }): Ret<M, number>;
  zadd(name: KeyT, mapping: ZScoreMapping, nx: boolean | undefined, options: Without<ZaddOptions & { incr?: false }, "nx">): Ret<M, number>;
  zadd(
    name: KeyT,
    mapping: ZScoreMapping,
    nx: boolean | undefined,
    xx: boolean | undefined,
    ch: boolean | undefined,
    incr: true,
    gt?: boolean,
    lt?: boolean,
  ): Ret<M, number | null>;
  zadd(name: KeyT, mapping: ZScoreMapping, nx?: boolean, xx?: boolean, ch?: boolean, incr?: false, gt?: boolean, lt?: boolean): Ret<M, number>;
  zadd(name: KeyT, mapping: ZScoreMapping, options?: ZaddOptions): Ret<M, number | null>;
  zadd(name: KeyT, mapping: ZScoreMapping, nx: boolean | undefined, options: Without<ZaddOptions, "nx">): Ret<M, number | null>;
  zcard(name: KeyT): Ret<M, number>;
  /** ZDIFF: the members of the first set not in the others (with scores: pairs). */
  zdiff(keys: KeyT | KeyT[], withscores: true): Ret<M, ZScorePair<T>[]>;
  zdiff(keys: KeyT | KeyT[], options: { withscores: true }): Ret<M, ZScorePair<T>[]>;
  zdiff(keys: KeyT | KeyT[], withscores?: false): Ret<M, T[]>;
  zdiff(keys: KeyT | KeyT[], options: { withscores?: boolean }): Ret<M, T[] | ZScorePair<T>[]>;
  zdiffstore(dest: KeyT, keys: KeyT | KeyT[]): Ret<M, number>;
  /** ZINCRBY: the new score. */
  zincrby(name: KeyT, amount: number, value: EncodableT): Ret<M, number>;
  /** ZINTER: `keys` may be a `{ key: weight }` mapping. */
  zinter(keys: ZAggregateKeys, aggregate: ZAggregate | null | undefined, withscores: true): Ret<M, ZScorePair<T>[]>;
  zinter(keys: ZAggregateKeys, options: { aggregate?: ZAggregate | null; withscores: true }): Ret<M, ZScorePair<T>[]>;
  zinter(
    keys: ZAggregateKeys,
    aggregate: ZAggregate | null | undefined,
    options: Without<{ aggregate?: ZAggregate | null; withscores: true }, "aggregate">,
  ): Ret<M, ZScorePair<T>[]>;
  zinter(keys: ZAggregateKeys, aggregate?: ZAggregate | null, withscores?: false): Ret<M, T[]>;
  zinter(keys: ZAggregateKeys, options: { aggregate?: ZAggregate | null; withscores?: false }): Ret<M, T[]>;
  zinter(
    keys: ZAggregateKeys,
    aggregate: ZAggregate | null | undefined,
    options: Without<{ aggregate?: ZAggregate | null; withscores?: false }, "aggregate">,
  ): Ret<M, T[]>;
  zinter(keys: ZAggregateKeys, options: { aggregate?: ZAggregate | null; withscores?: boolean }): Ret<M, T[] | ZScorePair<T>[]>;
  zinter(
    keys: ZAggregateKeys,
    aggregate: ZAggregate | null | undefined,
    options: Without<{ aggregate?: ZAggregate | null; withscores?: boolean }, "aggregate">,
  ): Ret<M, T[] | ZScorePair<T>[]>;
  /** ZINTERCARD numkeys key... LIMIT limit (0: no limit). `numkeys` must equal the number of keys. */
  zintercard(numkeys: number | string, keys: KeyT | KeyT[], limit?: number): Ret<M, number>;
  zintercard(numkeys: number | string, keys: KeyT | KeyT[], options: { limit?: number }): Ret<M, number>;
  /** ZINTERSTORE: the size of the stored set. `keys` may be a `{ key: weight }` mapping. */
  zinterstore(dest: KeyT, keys: ZAggregateKeys, aggregate?: ZAggregate | null): Ret<M, number>;
  zinterstore(dest: KeyT, keys: ZAggregateKeys, options: { aggregate?: ZAggregate | null }): Ret<M, number>;
  /**
   * ZMPOP numkeys key... MIN|MAX [COUNT count]: `[key, [member, score][]]`, or `null` when all
   * are empty. Exactly one of `min` and `max`; `numKeys` must equal the number of keys.
   */
  zmpop(numKeys: number | string, keys: KeyT | KeyT[], options: ZMpopOptions): Ret<M, [T, ZScorePair<T>[]] | null>;
  zmpop(numKeys: number | string, keys: KeyT | KeyT[], min: boolean, options: Without<ZMpopOptions, "min">): Ret<M, [T, ZScorePair<T>[]] | null>;
  zmpop(numKeys: number | string, keys: KeyT | KeyT[], min?: boolean, max?: boolean, count?: number | null): Ret<M, [T, ZScorePair<T>[]] | null>;
  /** ZMSCORE: the score of each member, `null` for missing ones. */
  zmscore(key: KeyT, members: EncodableT | EncodableT[]): Ret<M, (number | null)[]>;
  /** ZPOPMAX: up to `count` (default 1) `[member, score]` pairs, highest first. */
  zpopmax(name: KeyT, count?: number | null): Ret<M, ZScorePair<T>[]>;
  zpopmax(name: KeyT, options: { count?: number | null }): Ret<M, ZScorePair<T>[]>;
  /** ZPOPMIN: up to `count` (default 1) `[member, score]` pairs, lowest first. */
  zpopmin(name: KeyT, count?: number | null): Ret<M, ZScorePair<T>[]>;
  zpopmin(name: KeyT, options: { count?: number | null }): Ret<M, ZScorePair<T>[]>;
  /**
   * ZRANDMEMBER: one random member (or `null`); with `count` a list (negative: may repeat);
   * with `withscores` a list of `[member, score]` pairs.
   */
  zrandmember(key: KeyT): Ret<M, T | null>;
  zrandmember(key: KeyT, count: number, withscores?: false): Ret<M, T[]>;
  zrandmember(key: KeyT, count: number, withscores: true): Ret<M, ZScorePair<T>[]>;
  zrandmember(key: KeyT, options: { count: number; withscores: true }): Ret<M, ZScorePair<T>[]>;
  zrandmember(key: KeyT, count: number, options: Without<{ count: number; withscores: true }, "count">): Ret<M, ZScorePair<T>[]>;
  zrandmember(key: KeyT, options: { count: number; withscores?: false }): Ret<M, T[]>;
  zrandmember(key: KeyT, count: number, options: Without<{ count: number; withscores?: false }, "count">): Ret<M, T[]>;
  zrandmember(key: KeyT, options: { count?: number | null; withscores?: boolean }): Ret<M, T | T[] | ZScorePair<T>[] | null>;
  zrandmember(key: KeyT, count: number, options: Without<{ count?: number | null; withscores?: boolean }, "count">): Ret<M, T | T[] | ZScorePair<T>[] | null>;
  /** ZRANK: the 0-based rank, or `null` when the member is missing. */
  zrank(name: KeyT, value: EncodableT): Ret<M, number | null>;
  /** ZREM: the number of members removed. */
  zrem(name: KeyT, ...values: EncodableT[]): Ret<M, number>;
  /** ZREVRANK: the 0-based rank from the highest score, or `null` when the member is missing. */
  zrevrank(name: KeyT, value: EncodableT): Ret<M, number | null>;
  /** ZSCAN: `[nextCursor, [member, score][]]`; iteration is over when the cursor is 0. */
  zscan<S = number>(
    name: KeyT,
    cursor?: number | string,
    match?: EncodableT | null,
    count?: number | null,
    scoreCastFunc?: ScoreCastFunc<S> | null,
  ): Ret<M, [number, ZScorePair<T, S>[]]>;
  zscan<S = number>(name: KeyT, options: ZscanOptions<S>): Ret<M, [number, ZScorePair<T, S>[]]>;
  zscan<S = number>(name: KeyT, cursor: number | string, options: Without<ZscanOptions<S>, "cursor">): Ret<M, [number, ZScorePair<T, S>[]]>;
  /** ZSCORE: the score, or `null` when the member is missing. */
  zscore(name: KeyT, value: EncodableT): Ret<M, number | null>;
  /** ZUNION: `keys` may be a `{ key: weight }` mapping. */
  zunion<S = number>(
    keys: ZAggregateKeys,
    aggregate: ZAggregate | null | undefined,
    withscores: true,
    scoreCastFunc?: ScoreCastFunc<S> | null,
  ): Ret<M, ZScorePair<T, S>[]>;
  zunion<S = number>(
    keys: ZAggregateKeys,
    options: { aggregate?: ZAggregate | null; withscores: true; scoreCastFunc?: ScoreCastFunc<S> | null },
  ): Ret<M, ZScorePair<T, S>[]>;
  zunion<S = number>(
    keys: ZAggregateKeys,
    aggregate: ZAggregate | null | undefined,
    options: Without<{ aggregate?: ZAggregate | null; withscores: true; scoreCastFunc?: ScoreCastFunc<S> | null }, "aggregate">,
  ): Ret<M, ZScorePair<T, S>[]>;
  zunion(keys: ZAggregateKeys, aggregate?: ZAggregate | null, withscores?: false | null): Ret<M, T[]>;
  zunion(keys: ZAggregateKeys, options: { aggregate?: ZAggregate | null; withscores?: false }): Ret<M, T[]>;
  zunion(
    keys: ZAggregateKeys,
    aggregate: ZAggregate | null | undefined,
    options: Without<{ aggregate?: ZAggregate | null; withscores?: false }, "aggregate">,
  ): Ret<M, T[]>;
  zunion<S = number>(
    keys: ZAggregateKeys,
    options: { aggregate?: ZAggregate | null; withscores?: boolean; scoreCastFunc?: ScoreCastFunc<S> | null },
  ): Ret<M, T[] | ZScorePair<T, S>[]>;
  zunion<S = number>(
    keys: ZAggregateKeys,
    aggregate: ZAggregate | null | undefined,
    options: Without<{ aggregate?: ZAggregate | null; withscores?: boolean; scoreCastFunc?: ScoreCastFunc<S> | null }, "aggregate">,
  ): Ret<M, T[] | ZScorePair<T, S>[]>;
  /** ZUNIONSTORE: the size of the stored set. `keys` may be a `{ key: weight }` mapping. */
  zunionstore(dest: KeyT, keys: ZAggregateKeys, aggregate?: ZAggregate | null): Ret<M, number>;
  zunionstore(dest: KeyT, keys: ZAggregateKeys, options: { aggregate?: ZAggregate | null }): Ret<M, number>;
}

/** `[key, [member, score][]]` of ZMPOP/BZMPOP, or `null`. */
function keyAndPairs(reply: RespValue): unknown {
  if (reply === null) return null;
  const [key, pairs] = toArray(reply);
  return [key ?? null, scorePairs(pairs ?? null)];
}

/** `[key, member, score]` of BZPOPMIN/BZPOPMAX, or `null`. */
function keyMemberScore(reply: RespValue): unknown {
  if (reply === null) return null;
  const [key, member, score] = toArray(reply);
  return [key ?? null, member ?? null, toNumber(score ?? null)];
}

/** ZINTER/ZUNION(STORE) numkeys key... [WEIGHTS w...] [AGGREGATE x]. */
function aggregateArgs(argv: CommandArg[], command: string, keys: unknown, aggregate: unknown): CommandArg[] {
  const names: CommandArg[] = [];
  const weights: CommandArg[] = [];
  if (Array.isArray(keys)) {
    for (const key of keys) {
      if (!isArgValue(key)) throw badArg({ command }, "keys", "a list of keys or a mapping of keys to weights", key);
      names.push(key);
    }
  } else if (isPlainObject(keys) || keys instanceof Map) {
    for (const [key, weight] of entriesOf(keys)) {
      if (!isArgValue(key)) throw badArg({ command }, "keys", "a list of keys or a mapping of keys to weights", key);
      names.push(key);
      if ((typeof weight !== "number" || Number.isNaN(weight)) && typeof weight !== "bigint") {
        throw badArg({ command }, "keys", "a mapping of keys to numeric weights", weight);
      }
      weights.push(bound(command, "keys", weight));
    }
  } else if (isArgValue(keys)) {
    names.push(keys);
  } else {
    throw badArg({ command }, "keys", "a list of keys or a mapping of keys to weights", keys);
  }
  if (names.length === 0) throw new DataError(`${command}: 'keys' must not be empty`);
  argv.push(names.length, ...names);
  if (weights.length > 0) argv.push("WEIGHTS", ...weights);
  if (aggregate !== undefined) {
    const word = Buffer.isBuffer(aggregate) ? aggregate.toString() : String(aggregate);
    if (!["SUM", "MIN", "MAX"].includes(word.toUpperCase())) throw new DataError(`${command}: 'aggregate' must be SUM, MIN or MAX`);
    argv.push("AGGREGATE", arg(aggregate));
  }
  return argv;
}

function minOrMax(command: string, min: unknown, max: unknown): string {
  if ((min && max) || (!min && !max)) throw new DataError(`${command}: exactly one of 'min' and 'max' must be set`);
  return min ? "MIN" : "MAX";
}

export const SORTED_SET_COMMANDS: Record<string, CommandSpec> = defineCommands({
  bzmpop: {
    command: "BZMPOP",
    params: ["timeout:num", "numkeys:int", "keys:list", "min?:bool", "max?:bool", "count?:int"],
    keys: ["keys"],
    blocking: { at: 1, unit: "s" },
    build(p) {
      const keys = nonEmpty("BZMPOP", "keys", p.keys);
      numkeysMatch("BZMPOP", "numkeys", p.numkeys, keys);
      const side = minOrMax("BZMPOP", p.min, p.max);
      return ["BZMPOP", arg(p.timeout), arg(p.numkeys), ...keys, side, "COUNT", (p.count as number | undefined) ?? 1];
    },
    reply: keyAndPairs,
  },
  bzpopmax: {
    command: "BZPOPMAX",
    params: ["keys:list", "timeout?:num"],
    keys: ["keys"],
    blocking: { at: -1, unit: "s" },
    build: ({ keys, timeout }) => ["BZPOPMAX", ...nonEmpty("BZPOPMAX", "keys", keys), timeoutOf(timeout)],
    reply: keyMemberScore,
  },
  bzpopmin: {
    command: "BZPOPMIN",
    params: ["keys:list", "timeout?:num"],
    keys: ["keys"],
    blocking: { at: -1, unit: "s" },
    build: ({ keys, timeout }) => ["BZPOPMIN", ...nonEmpty("BZPOPMIN", "keys", keys), timeoutOf(timeout)],
    reply: keyMemberScore,
  },
  zadd: {
    command: "ZADD",
    params: ["name", "mapping:map", "nx?:bool", "xx?:bool", "ch?:bool", "incr?:bool", "gt?:bool", "lt?:bool"],
    keys: ["name"],
    build(p) {
      const { name, mapping, nx, xx, ch, incr, gt, lt } = p;
      const entries = entriesOf(mapping);
      if (entries.length === 0) throw new DataError("ZADD: 'mapping' must hold at least one member/score pair");
      exclusive("ZADD", { nx, xx });
      exclusive("ZADD", { gt, lt });
      exclusive("ZADD", { nx, gt });
      exclusive("ZADD", { nx, lt });
      if (incr && entries.length !== 1) throw new DataError("ZADD: 'incr' works with a single member/score pair only");
      const argv: CommandArg[] = ["ZADD", arg(name)];
      if (nx) argv.push("NX");
      if (xx) argv.push("XX");
      if (ch) argv.push("CH");
      if (incr) argv.push("INCR");
      if (gt) argv.push("GT");
      if (lt) argv.push("LT");
      for (const [member, score] of entries) {
        if (!isArgValue(member)) throw badArg({ command: "ZADD" }, "mapping", "a mapping of members to scores", member);
        argv.push(bound("ZADD", "mapping", score), member);
      }
      return argv;
    },
    reply: (r, { incr }) => (incr ? toNumberOrNull(r) : r),
  },
  zcard: { command: "ZCARD", params: ["name"], build: ({ name }) => ["ZCARD", arg(name)], readonly: true, keys: ["name"] },
  zdiff: {
    command: "ZDIFF",
    params: ["keys:list", "withscores?:bool"],
    keys: ["keys"],
    build(p) {
      const keys = nonEmpty("ZDIFF", "keys", p.keys);
      const argv: CommandArg[] = ["ZDIFF", keys.length, ...keys];
      if (p.withscores) argv.push("WITHSCORES");
      return argv;
    },
    reply: rangeReply,
    readonly: true,
  },
  zdiffstore: {
    command: "ZDIFFSTORE",
    params: ["dest", "keys:list"],
    keys: ["dest", "keys"],
    build(p) {
      const keys = nonEmpty("ZDIFFSTORE", "keys", p.keys);
      return ["ZDIFFSTORE", arg(p.dest), keys.length, ...keys];
    },
  },
  zincrby: {
    command: "ZINCRBY",
    params: ["name", "amount:num", "value"],
    keys: ["name"],
    build: ({ name, amount, value }) => ["ZINCRBY", arg(name), arg(amount), arg(value)],
    reply: toNumber,
  },
  zinter: {
    command: "ZINTER",
    params: ["keys:any", "aggregate?", "withscores?:bool"],
    keys: ["keys"],
    build({ keys, aggregate, withscores }) {
      const argv = aggregateArgs(["ZINTER"], "ZINTER", keys, aggregate);
      if (withscores) argv.push("WITHSCORES");
      return argv;
    },
    reply: rangeReply,
    readonly: true,
  },
  zintercard: {
    command: "ZINTERCARD",
    params: ["numkeys:int", "keys:list", "limit?:int"],
    keys: ["keys"],
    build(p) {
      const keys = nonEmpty("ZINTERCARD", "keys", p.keys);
      numkeysMatch("ZINTERCARD", "numkeys", p.numkeys, keys);
      return ["ZINTERCARD", arg(p.numkeys), ...keys, "LIMIT", (p.limit as number | undefined) ?? 0];
    },
    readonly: true,
  },
  zinterstore: {
    command: "ZINTERSTORE",
    params: ["dest", "keys:any", "aggregate?"],
    keys: ["dest", "keys"],
    build: ({ dest, keys, aggregate }) => aggregateArgs(["ZINTERSTORE", arg(dest)], "ZINTERSTORE", keys, aggregate),
  },
  zmpop: {
    command: "ZMPOP",
    params: ["numKeys:int", "keys:list", "min?:bool", "max?:bool", "count?:int"],
    keys: ["keys"],
    build(p) {
      const keys = nonEmpty("ZMPOP", "keys", p.keys);
      numkeysMatch("ZMPOP", "numKeys", p.numKeys, keys);
      const argv: CommandArg[] = ["ZMPOP", arg(p.numKeys), ...keys, minOrMax("ZMPOP", p.min, p.max)];
      if (p.count !== undefined && p.count !== 1) argv.push("COUNT", arg(p.count));
      return argv;
    },
    reply: keyAndPairs,
  },
  zmscore: {
    command: "ZMSCORE",
    params: ["key", "members:list"],
    keys: ["key"],
    build: ({ key, members }) => ["ZMSCORE", arg(key), ...nonEmpty("ZMSCORE", "members", members)],
    reply: (r) => toArray(r).map(toNumberOrNull),
    readonly: true,
  },
  zpopmax: {
    command: "ZPOPMAX",
    params: ["name", "count?:int"],
    keys: ["name"],
    build: ({ name, count }) => (count === undefined ? ["ZPOPMAX", arg(name)] : ["ZPOPMAX", arg(name), arg(count)]),
    reply: (r) => scorePairs(r),
  },
  zpopmin: {
    command: "ZPOPMIN",
    params: ["name", "count?:int"],
    keys: ["name"],
    build: ({ name, count }) => (count === undefined ? ["ZPOPMIN", arg(name)] : ["ZPOPMIN", arg(name), arg(count)]),
    reply: (r) => scorePairs(r),
  },
  zrandmember: {
    command: "ZRANDMEMBER",
    params: ["key", "count?:int", "withscores?:bool"],
    keys: ["key"],
    build({ key, count, withscores }) {
      const argv: CommandArg[] = ["ZRANDMEMBER", arg(key)];
      if (count !== undefined) argv.push(arg(count));
      if (withscores) {
        if (count === undefined) throw new DataError("ZRANDMEMBER: 'withscores' needs 'count'");
        argv.push("WITHSCORES");
      }
      return argv;
    },
    reply: (r, { count, withscores }) => (count === undefined ? r : withscores ? scorePairs(r) : toArray(r)),
    readonly: true,
  },
  zrank: { command: "ZRANK", params: ["name", "value"], build: ({ name, value }) => ["ZRANK", arg(name), arg(value)], readonly: true, keys: ["name"] },
  zrem: { command: "ZREM", params: ["name", "...values"], build: ({ name, values }) => ["ZREM", arg(name), ...rest(values)], keys: ["name"] },
  zrevrank: { command: "ZREVRANK", params: ["name", "value"], build: ({ name, value }) => ["ZREVRANK", arg(name), arg(value)], readonly: true, keys: ["name"] },
  zscan: {
    command: "ZSCAN",
    params: ["name", "cursor?", "match?", "count?:int", "scoreCastFunc?:any"],
    keys: ["name"],
    build({ name, cursor, match, count, scoreCastFunc }) {
      castFunc("ZSCAN", scoreCastFunc);
      return scanArgs(["ZSCAN", arg(name)], cursor, match, count);
    },
    reply: (r, { scoreCastFunc }) => parseScan(r, (items) => scorePairs(items, scoreCastFunc as ScoreCastFunc<unknown> | undefined)),
    readonly: true,
  },
  zscore: {
    command: "ZSCORE",
    params: ["name", "value"],
    keys: ["name"],
    build: ({ name, value }) => ["ZSCORE", arg(name), arg(value)],
    reply: toNumberOrNull,
    readonly: true,
  },
  zunion: {
    command: "ZUNION",
    params: ["keys:any", "aggregate?", "withscores?:bool", "scoreCastFunc?:any"],
    keys: ["keys"],
    build({ keys, aggregate, withscores, scoreCastFunc }) {
      castFunc("ZUNION", scoreCastFunc);
      const argv = aggregateArgs(["ZUNION"], "ZUNION", keys, aggregate);
      if (withscores) argv.push("WITHSCORES");
      return argv;
    },
    reply: rangeReply,
    readonly: true,
  },
  zunionstore: {
    command: "ZUNIONSTORE",
    params: ["dest", "keys:any", "aggregate?"],
    keys: ["dest", "keys"],
    build: ({ dest, keys, aggregate }) => aggregateArgs(["ZUNIONSTORE", arg(dest)], "ZUNIONSTORE", keys, aggregate),
  },
});

/*
 * `keys` of ZINTER/ZUNION/ZINTERSTORE/ZUNIONSTORE takes a list or a `{ key: weight }` mapping
 * (redis-py's `_zaggregate`). Its kind is `any` (no kind takes both), so its position is marked
 * as a mapping position by hand: a plain object there is the weights, not the keyword object.
 */
for (const [method, position] of [
  ["zinter", 0],
  ["zunion", 0],
  ["zinterstore", 1],
  ["zunionstore", 1],
] as const) {
  SORTED_SET_COMMANDS[method]!.mappingPositions.add(position);
}
