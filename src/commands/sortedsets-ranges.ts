import { DataError } from "../errors.js";
import type { CommandArg, RespValue } from "../protocol/index.js";
import { arg, exclusive } from "./args.js";
import { toArray, toNumber, toPairs } from "./replies.js";
import { badArg, defineCommands, isArgValue, type CommandSpec } from "./spec.js";
import type { EncodableT, KeyT, Ret, Without } from "./types.js";

/*
 * Sorted sets, the range family: ZRANGE and its older forms (BYSCORE, BYLEX, REV), ZRANGESTORE,
 * ZREMRANGEBY*, ZCOUNT and ZLEXCOUNT; and what every sorted-set command shares (scores, bounds,
 * `[member, score]` pairs). The other sorted-set commands are in sortedsets.ts.
 */

/**
 * A score or a score-range bound: a number (`Infinity`/`-Infinity` are sent as `+inf`/`-inf`),
 * or the server's syntax as text (`"(1.5"`, `"-inf"`, `"[a"` for lexicographic ranges).
 */
export type ZScoreBoundT = number | string | Buffer | bigint;
/** Turns a score (a number under both protocols) into the value returned for it. */
export type ScoreCastFunc<S> = (score: number) => S;
/** A member and its score. */
export type ZScorePair<T, S = number> = [member: T, score: S];

export interface ZRangeOptions<S = number> {
  /** Reverse order (REV). */
  desc?: boolean;
  /** Return `[member, score]` pairs. */
  withscores?: boolean;
  /** Applied to each score (a number) when `withscores` is set. */
  scoreCastFunc?: ScoreCastFunc<S> | null;
  /** `start`/`end` are scores (BYSCORE). */
  byscore?: boolean;
  /** `start`/`end` are lexicographic bounds such as `"[a"` (BYLEX). */
  bylex?: boolean;
  /** LIMIT offset num (with `byscore` or `bylex`); give both or neither. */
  offset?: number | null;
  num?: number | null;
}

export interface ZRangeStoreOptions {
  byscore?: boolean;
  bylex?: boolean;
  desc?: boolean;
  offset?: number | null;
  num?: number | null;
}

export interface ZRangeByScoreOptions<S = number> {
  /** LIMIT start num; give both or neither. */
  start?: number | null;
  num?: number | null;
  withscores?: boolean;
  scoreCastFunc?: ScoreCastFunc<S> | null;
}

type WithScores<O> = O & { withscores: true };
type NoScores<O> = O & { withscores?: false };

/** The sorted-set commands that read or remove a range (part of `SortedSetCommands`). */
export interface SortedSetRangeCommands<T, M> {
  zcount(name: KeyT, min: ZScoreBoundT, max: ZScoreBoundT): Ret<M, number>;
  zlexcount(name: KeyT, min: EncodableT, max: EncodableT): Ret<M, number>;
  /**
   * ZRANGE (redis-py 4+): by index, or by score (`byscore`) or lexicographically (`bylex`),
   * `desc` for REV, LIMIT with `offset` and `num`.
   */
  zrange<S = number>(name: KeyT, start: ZScoreBoundT, end: ZScoreBoundT, options: WithScores<ZRangeOptions<S>>): Ret<M, ZScorePair<T, S>[]>;
  zrange<S = number>(
    name: KeyT,
    start: ZScoreBoundT,
    end: ZScoreBoundT,
    desc: boolean | null | undefined,
    options: Without<WithScores<ZRangeOptions<S>>, "desc">,
  ): Ret<M, ZScorePair<T, S>[]>;
  zrange(name: KeyT, start: ZScoreBoundT, end: ZScoreBoundT, options?: NoScores<ZRangeOptions<unknown>>): Ret<M, T[]>;
  zrange(
    name: KeyT,
    start: ZScoreBoundT,
    end: ZScoreBoundT,
    desc: boolean | null | undefined,
    options: Without<NoScores<ZRangeOptions<unknown>>, "desc">,
  ): Ret<M, T[]>;
  zrange<S = number>(
    name: KeyT,
    start: ZScoreBoundT,
    end: ZScoreBoundT,
    desc: boolean | null | undefined,
    withscores: true,
    scoreCastFunc?: ScoreCastFunc<S> | null,
    byscore?: boolean,
    bylex?: boolean,
    offset?: number | null,
    num?: number | null,
  ): Ret<M, ZScorePair<T, S>[]>;
  zrange(
    name: KeyT,
    start: ZScoreBoundT,
    end: ZScoreBoundT,
    desc?: boolean | null,
    withscores?: false | null,
    scoreCastFunc?: ScoreCastFunc<unknown> | null,
    byscore?: boolean,
    bylex?: boolean,
    offset?: number | null,
    num?: number | null,
  ): Ret<M, T[]>;
  zrange<S = number>(name: KeyT, start: ZScoreBoundT, end: ZScoreBoundT, options?: ZRangeOptions<S>): Ret<M, T[] | ZScorePair<T, S>[]>;
  zrange<S = number>(
    name: KeyT,
    start: ZScoreBoundT,
    end: ZScoreBoundT,
    desc: boolean | null | undefined,
    options: Without<ZRangeOptions<S>, "desc">,
  ): Ret<M, T[] | ZScorePair<T, S>[]>;
  /** ZRANGEBYLEX name min max [LIMIT start num]. */
  zrangebylex(name: KeyT, min: EncodableT, max: EncodableT, start?: number | null, num?: number | null): Ret<M, T[]>;
  zrangebylex(name: KeyT, min: EncodableT, max: EncodableT, options: { start?: number | null; num?: number | null }): Ret<M, T[]>;
  zrangebylex(
    name: KeyT,
    min: EncodableT,
    max: EncodableT,
    start: number | null,
    options: Without<{ start?: number | null; num?: number | null }, "start">,
  ): Ret<M, T[]>;
  /** ZRANGEBYSCORE name min max [LIMIT start num] [WITHSCORES]. */
  zrangebyscore<S = number>(name: KeyT, min: ZScoreBoundT, max: ZScoreBoundT, options: WithScores<ZRangeByScoreOptions<S>>): Ret<M, ZScorePair<T, S>[]>;
  zrangebyscore<S = number>(
    name: KeyT,
    min: ZScoreBoundT,
    max: ZScoreBoundT,
    start: number | null | undefined,
    options: Without<WithScores<ZRangeByScoreOptions<S>>, "start">,
  ): Ret<M, ZScorePair<T, S>[]>;
  zrangebyscore(name: KeyT, min: ZScoreBoundT, max: ZScoreBoundT, options?: NoScores<ZRangeByScoreOptions<unknown>>): Ret<M, T[]>;
  zrangebyscore(
    name: KeyT,
    min: ZScoreBoundT,
    max: ZScoreBoundT,
    start: number | null | undefined,
    options: Without<NoScores<ZRangeByScoreOptions<unknown>>, "start">,
  ): Ret<M, T[]>;
  zrangebyscore<S = number>(
    name: KeyT,
    min: ZScoreBoundT,
    max: ZScoreBoundT,
    start: number | null | undefined,
    num: number | null | undefined,
    withscores: true,
    scoreCastFunc?: ScoreCastFunc<S> | null,
  ): Ret<M, ZScorePair<T, S>[]>;
  zrangebyscore(
    name: KeyT,
    min: ZScoreBoundT,
    max: ZScoreBoundT,
    start?: number | null,
    num?: number | null,
    withscores?: false | null,
    scoreCastFunc?: ScoreCastFunc<unknown> | null,
  ): Ret<M, T[]>;
  zrangebyscore<S = number>(name: KeyT, min: ZScoreBoundT, max: ZScoreBoundT, options?: ZRangeByScoreOptions<S>): Ret<M, T[] | ZScorePair<T, S>[]>;
  zrangebyscore<S = number>(
    name: KeyT,
    min: ZScoreBoundT,
    max: ZScoreBoundT,
    start: number | null | undefined,
    options: Without<ZRangeByScoreOptions<S>, "start">,
  ): Ret<M, T[] | ZScorePair<T, S>[]>;
  /** ZRANGESTORE: the size of the stored range. */
  zrangestore(dest: KeyT, name: KeyT, start: ZScoreBoundT, end: ZScoreBoundT, options?: ZRangeStoreOptions): Ret<M, number>;
  zrangestore(
    dest: KeyT,
    name: KeyT,
    start: ZScoreBoundT,
    end: ZScoreBoundT,
    byscore: boolean,
    options: Without<ZRangeStoreOptions, "byscore">,
  ): Ret<M, number>;
  zrangestore(
    dest: KeyT,
    name: KeyT,
    start: ZScoreBoundT,
    end: ZScoreBoundT,
    byscore?: boolean,
    bylex?: boolean,
    desc?: boolean,
    offset?: number | null,
    num?: number | null,
  ): Ret<M, number>;
  zremrangebylex(name: KeyT, min: EncodableT, max: EncodableT): Ret<M, number>;
  zremrangebyrank(name: KeyT, min: number, max: number): Ret<M, number>;
  zremrangebyscore(name: KeyT, min: ZScoreBoundT, max: ZScoreBoundT): Ret<M, number>;
  /** ZREVRANGE name start end [WITHSCORES]. */
  zrevrange<S = number>(
    name: KeyT,
    start: number,
    end: number,
    options: { withscores: true; scoreCastFunc?: ScoreCastFunc<S> | null },
  ): Ret<M, ZScorePair<T, S>[]>;
  zrevrange<S = number>(
    name: KeyT,
    start: number,
    end: number,
    withscores: true,
    options: Without<{ withscores: true; scoreCastFunc?: ScoreCastFunc<S> | null }, "withscores">,
  ): Ret<M, ZScorePair<T, S>[]>;
  zrevrange<S = number>(name: KeyT, start: number, end: number, withscores: true, scoreCastFunc?: ScoreCastFunc<S> | null): Ret<M, ZScorePair<T, S>[]>;
  zrevrange(name: KeyT, start: number, end: number, withscores?: false | null, scoreCastFunc?: ScoreCastFunc<unknown> | null): Ret<M, T[]>;
  zrevrange<S = number>(
    name: KeyT,
    start: number,
    end: number,
    options?: { withscores?: boolean; scoreCastFunc?: ScoreCastFunc<S> | null },
  ): Ret<M, T[] | ZScorePair<T, S>[]>;
  zrevrange<S = number>(
    name: KeyT,
    start: number,
    end: number,
    withscores: true,
    options: Without<{ withscores?: boolean; scoreCastFunc?: ScoreCastFunc<S> | null }, "withscores">,
  ): Ret<M, T[] | ZScorePair<T, S>[]>;
  /** ZREVRANGEBYLEX name max min [LIMIT start num]. */
  zrevrangebylex(name: KeyT, max: EncodableT, min: EncodableT, start?: number | null, num?: number | null): Ret<M, T[]>;
  zrevrangebylex(name: KeyT, max: EncodableT, min: EncodableT, options: { start?: number | null; num?: number | null }): Ret<M, T[]>;
  zrevrangebylex(
    name: KeyT,
    max: EncodableT,
    min: EncodableT,
    start: number | null,
    options: Without<{ start?: number | null; num?: number | null }, "start">,
  ): Ret<M, T[]>;
  /** ZREVRANGEBYSCORE name max min [LIMIT start num] [WITHSCORES]. */
  zrevrangebyscore<S = number>(name: KeyT, max: ZScoreBoundT, min: ZScoreBoundT, options: WithScores<ZRangeByScoreOptions<S>>): Ret<M, ZScorePair<T, S>[]>;
  zrevrangebyscore<S = number>(
    name: KeyT,
    max: ZScoreBoundT,
    min: ZScoreBoundT,
    start: number | null | undefined,
    options: Without<WithScores<ZRangeByScoreOptions<S>>, "start">,
  ): Ret<M, ZScorePair<T, S>[]>;
  zrevrangebyscore(name: KeyT, max: ZScoreBoundT, min: ZScoreBoundT, options?: NoScores<ZRangeByScoreOptions<unknown>>): Ret<M, T[]>;
  zrevrangebyscore(
    name: KeyT,
    max: ZScoreBoundT,
    min: ZScoreBoundT,
    start: number | null | undefined,
    options: Without<NoScores<ZRangeByScoreOptions<unknown>>, "start">,
  ): Ret<M, T[]>;
  zrevrangebyscore<S = number>(
    name: KeyT,
    max: ZScoreBoundT,
    min: ZScoreBoundT,
    start: number | null | undefined,
    num: number | null | undefined,
    withscores: true,
    scoreCastFunc?: ScoreCastFunc<S> | null,
  ): Ret<M, ZScorePair<T, S>[]>;
  zrevrangebyscore(
    name: KeyT,
    max: ZScoreBoundT,
    min: ZScoreBoundT,
    start?: number | null,
    num?: number | null,
    withscores?: false | null,
    scoreCastFunc?: ScoreCastFunc<unknown> | null,
  ): Ret<M, T[]>;
  zrevrangebyscore<S = number>(name: KeyT, max: ZScoreBoundT, min: ZScoreBoundT, options?: ZRangeByScoreOptions<S>): Ret<M, T[] | ZScorePair<T, S>[]>;
  zrevrangebyscore<S = number>(
    name: KeyT,
    max: ZScoreBoundT,
    min: ZScoreBoundT,
    start: number | null | undefined,
    options: Without<ZRangeByScoreOptions<S>, "start">,
  ): Ret<M, T[] | ZScorePair<T, S>[]>;
}

/** A score or a bound: `Infinity`/`-Infinity` become `+inf`/`-inf`; other values are checked. */
export function bound(command: string, name: string, value: unknown): CommandArg {
  if (value === Infinity) return "+inf";
  if (value === -Infinity) return "-inf";
  if (isArgValue(value)) return value;
  throw badArg({ command }, name, "a number or a string", value);
}

export function castFunc(command: string, value: unknown): ScoreCastFunc<unknown> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "function") throw badArg({ command }, "scoreCastFunc", "a function", value);
  return value as ScoreCastFunc<unknown>;
}

export function bothOrNeither(command: string, n1: string, v1: unknown, n2: string, v2: unknown): void {
  if ((v1 === undefined) !== (v2 === undefined)) throw new DataError(`${command}: '${n1}' and '${n2}' must both be given, or neither`);
}

/**
 * `[member, score]` pairs from a flat RESP2 list `[m1, s1, m2, s2]` (scores as text) or RESP3's
 * nested `[[m1, s1], ...]` (scores as doubles). Scores become numbers, then go through `cast`.
 */
export function scorePairs(reply: RespValue, cast?: ScoreCastFunc<unknown>): [RespValue, unknown][] {
  const score = cast ? (s: RespValue) => cast(toNumber(s)) : toNumber;
  return toPairs(reply).map(([member, s]): [RespValue, unknown] => [member, score(s)]);
}

/** A member list, or `[member, score]` pairs when `withscores` (parameter `w`) is set. */
export const rangeReply = (reply: RespValue, p: { withscores?: boolean; scoreCastFunc?: unknown }): unknown =>
  p.withscores ? scorePairs(reply, p.scoreCastFunc as ScoreCastFunc<unknown> | undefined) : toArray(reply);

/** ZRANGE/ZRANGESTORE's arguments after the keys (redis-py's `_zrange`). */
function zrangeArgs(
  argv: CommandArg[],
  command: string,
  o: { start: unknown; end: unknown; desc: unknown; byscore: unknown; bylex: unknown; withscores: unknown; offset: unknown; num: unknown },
): CommandArg[] {
  exclusive(command, { byscore: o.byscore, bylex: o.bylex });
  bothOrNeither(command, "offset", o.offset, "num", o.num);
  exclusive(command, { bylex: o.bylex, withscores: o.withscores });
  argv.push(bound(command, "start", o.start), bound(command, "end", o.end));
  if (o.byscore) argv.push("BYSCORE");
  if (o.bylex) argv.push("BYLEX");
  if (o.desc) argv.push("REV");
  if (o.offset !== undefined) argv.push("LIMIT", arg(o.offset), arg(o.num));
  if (o.withscores) argv.push("WITHSCORES");
  return argv;
}

/** ZRANGEBYSCORE/ZREVRANGEBYSCORE name bound bound [LIMIT start num] [WITHSCORES]. */
function byScoreArgs(
  command: string,
  [first, second]: ["min", "max"] | ["max", "min"],
  p: {
    name: CommandArg;
    min: unknown;
    max: unknown;
    start?: number | bigint | string;
    num?: number | bigint | string;
    withscores?: boolean;
    scoreCastFunc?: unknown;
  },
): CommandArg[] {
  bothOrNeither(command, "start", p.start, "num", p.num);
  castFunc(command, p.scoreCastFunc);
  const argv: CommandArg[] = [command, p.name, bound(command, first, p[first]), bound(command, second, p[second])];
  if (p.start !== undefined) argv.push("LIMIT", p.start, p.num!);
  if (p.withscores) argv.push("WITHSCORES");
  return argv;
}

/** ZRANGEBYLEX/ZREVRANGEBYLEX name bound bound [LIMIT start num]. */
function byLexArgs(
  command: string,
  [first, second]: ["min", "max"] | ["max", "min"],
  p: { name: CommandArg; min: CommandArg; max: CommandArg; start?: number | bigint | string; num?: number | bigint | string },
): CommandArg[] {
  bothOrNeither(command, "start", p.start, "num", p.num);
  const argv: CommandArg[] = [command, p.name, p[first], p[second]];
  if (p.start !== undefined) argv.push("LIMIT", p.start, p.num!);
  return argv;
}

export const SORTED_SET_RANGE_COMMANDS: Record<string, CommandSpec> = defineCommands({
  zcount: {
    command: "ZCOUNT",
    params: ["name", "min:any", "max:any"],
    keys: ["name"],
    build: ({ name, min, max }) => ["ZCOUNT", arg(name), bound("ZCOUNT", "min", min), bound("ZCOUNT", "max", max)],
    readonly: true,
  },
  zlexcount: {
    command: "ZLEXCOUNT",
    params: ["name", "min", "max"],
    keys: ["name"],
    build: ({ name, min, max }) => ["ZLEXCOUNT", arg(name), arg(min), arg(max)],
    readonly: true,
  },
  zrange: {
    command: "ZRANGE",
    params: ["name", "start:any", "end:any", "desc?:bool", "withscores?:bool", "scoreCastFunc?:any", "byscore?:bool", "bylex?:bool", "offset?:int", "num?:int"],
    keys: ["name"],
    build(p) {
      castFunc("ZRANGE", p.scoreCastFunc);
      return zrangeArgs(["ZRANGE", arg(p.name)], "ZRANGE", {
        start: p.start,
        end: p.end,
        desc: p.desc,
        withscores: p.withscores,
        byscore: p.byscore,
        bylex: p.bylex,
        offset: p.offset,
        num: p.num,
      });
    },
    reply: rangeReply,
    readonly: true,
  },
  zrangebylex: {
    command: "ZRANGEBYLEX",
    params: ["name", "min", "max", "start?:int", "num?:int"],
    keys: ["name"],
    build: (p) => byLexArgs("ZRANGEBYLEX", ["min", "max"], p),
    readonly: true,
  },
  zrangebyscore: {
    command: "ZRANGEBYSCORE",
    params: ["name", "min:any", "max:any", "start?:int", "num?:int", "withscores?:bool", "scoreCastFunc?:any"],
    keys: ["name"],
    build: (p) => byScoreArgs("ZRANGEBYSCORE", ["min", "max"], p),
    reply: rangeReply,
    readonly: true,
  },
  zrangestore: {
    command: "ZRANGESTORE",
    params: ["dest", "name", "start:any", "end:any", "byscore?:bool", "bylex?:bool", "desc?:bool", "offset?:int", "num?:int"],
    keys: ["dest", "name"],
    build: (p) =>
      zrangeArgs(["ZRANGESTORE", arg(p.dest), arg(p.name)], "ZRANGESTORE", {
        start: p.start,
        end: p.end,
        byscore: p.byscore,
        bylex: p.bylex,
        desc: p.desc,
        withscores: false,
        offset: p.offset,
        num: p.num,
      }),
  },
  zremrangebylex: {
    command: "ZREMRANGEBYLEX",
    params: ["name", "min", "max"],
    keys: ["name"],
    build: ({ name, min, max }) => ["ZREMRANGEBYLEX", arg(name), arg(min), arg(max)],
  },
  zremrangebyrank: {
    command: "ZREMRANGEBYRANK",
    params: ["name", "min:int", "max:int"],
    keys: ["name"],
    build: ({ name, min, max }) => ["ZREMRANGEBYRANK", arg(name), arg(min), arg(max)],
  },
  zremrangebyscore: {
    command: "ZREMRANGEBYSCORE",
    params: ["name", "min:any", "max:any"],
    keys: ["name"],
    build: ({ name, min, max }) => ["ZREMRANGEBYSCORE", arg(name), bound("ZREMRANGEBYSCORE", "min", min), bound("ZREMRANGEBYSCORE", "max", max)],
  },
  zrevrange: {
    command: "ZREVRANGE",
    params: ["name", "start:int", "end:int", "withscores?:bool", "scoreCastFunc?:any"],
    keys: ["name"],
    build({ name, start, end, withscores, scoreCastFunc }) {
      castFunc("ZREVRANGE", scoreCastFunc);
      const argv: CommandArg[] = ["ZREVRANGE", arg(name), arg(start), arg(end)];
      if (withscores) argv.push("WITHSCORES");
      return argv;
    },
    reply: rangeReply,
    readonly: true,
  },
  zrevrangebylex: {
    command: "ZREVRANGEBYLEX",
    params: ["name", "max", "min", "start?:int", "num?:int"],
    keys: ["name"],
    build: (p) => byLexArgs("ZREVRANGEBYLEX", ["max", "min"], p),
    readonly: true,
  },
  zrevrangebyscore: {
    command: "ZREVRANGEBYSCORE",
    params: ["name", "max:any", "min:any", "start?:int", "num?:int", "withscores?:bool", "scoreCastFunc?:any"],
    keys: ["name"],
    build: (p) => byScoreArgs("ZREVRANGEBYSCORE", ["max", "min"], p),
    reply: rangeReply,
    readonly: true,
  },
});
