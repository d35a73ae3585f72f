import type { CommandArg, RespValue } from "../protocol/index.js";
import { arg, nonEmpty, numkeysMatch, oneOf, timeoutOf } from "./args.js";
import { okToTrue, toArray } from "./replies.js";
import { defineCommands, type CommandSpec } from "./spec.js";
import type { EncodableT, KeyT, Ret, Without } from "./types.js";

/** `LEFT` or `RIGHT` (any case): the end of a list to pop from or push to. */
export type ListDirection = "LEFT" | "RIGHT" | "left" | "right";

export interface BlmpopOptions {
  /** `"LEFT"` or `"RIGHT"`: the end to pop from (required, as redis-py's keyword-only argument). */
  direction: ListDirection;
  /** How many elements to pop (default 1). */
  count?: number | null;
}

export interface LposOptions {
  /** Which match to return first (negative: search from the tail). */
  rank?: number | null;
  /** Return up to this many positions as a list (0: all). */
  count?: number | null;
  /** Compare at most this many elements. */
  maxlen?: number | null;
}

/** LIST commands (redis-py's `ListCommands`, plus `lmove`/`blmove` which redis-py keeps with the key commands). */
export interface ListCommands<T, M> {
  /** BLMOVE: the moved element, or `null` when `timeout` seconds passed (0 blocks forever). */
  blmove(firstList: KeyT, secondList: KeyT, timeout: number, src?: ListDirection, dest?: ListDirection): Ret<M, T | null>;
  blmove(firstList: KeyT, secondList: KeyT, timeout: number, options: { src?: ListDirection; dest?: ListDirection }): Ret<M, T | null>;
  blmove(
    firstList: KeyT,
    secondList: KeyT,
    timeout: number,
    src: ListDirection,
    options: Without<{ src?: ListDirection; dest?: ListDirection }, "src">,
  ): Ret<M, T | null>;
  /**
   * BLMPOP timeout numkeys key... direction [COUNT count]: `[key, elements]` or `null` on timeout.
   * `direction` (and `count`) are keyword-only: `blmpop(1, 2, "a", "b", { direction: "LEFT" })`.
   */
  blmpop(timeout: number, numkeys: number | string, ...args: [...keys: KeyT[], options: BlmpopOptions]): Ret<M, [T, T[]] | null>;
  /** BLPOP: `[key, value]` from the first non-empty list, or `null` after `timeout` seconds (0 blocks forever). */
  blpop(keys: KeyT | KeyT[], timeout?: number | null): Ret<M, [T, T] | null>;
  blpop(keys: KeyT | KeyT[], options: { timeout?: number | null }): Ret<M, [T, T] | null>;
  /** BRPOP: `[key, value]` from the first non-empty list, or `null` after `timeout` seconds (0 blocks forever). */
  brpop(keys: KeyT | KeyT[], timeout?: number | null): Ret<M, [T, T] | null>;
  brpop(keys: KeyT | KeyT[], options: { timeout?: number | null }): Ret<M, [T, T] | null>;
  /** BRPOPLPUSH: the moved element, or `null` on timeout. */
  brpoplpush(src: KeyT, dst: KeyT, timeout?: number | null): Ret<M, T | null>;
  brpoplpush(src: KeyT, dst: KeyT, options: { timeout?: number | null }): Ret<M, T | null>;
  lindex(name: KeyT, index: number | string): Ret<M, T | null>;
  /** LINSERT: the new length, -1 when `refvalue` is not in the list, 0 when the key does not exist. */
  linsert(name: KeyT, where: "BEFORE" | "AFTER" | "before" | "after", refvalue: EncodableT, value: EncodableT): Ret<M, number>;
  llen(name: KeyT): Ret<M, number>;
  /** LMOVE: the moved element, or `null` when the source is empty. */
  lmove(firstList: KeyT, secondList: KeyT, src?: ListDirection, dest?: ListDirection): Ret<M, T | null>;
  lmove(firstList: KeyT, secondList: KeyT, options: { src?: ListDirection; dest?: ListDirection }): Ret<M, T | null>;
  lmove(firstList: KeyT, secondList: KeyT, src: ListDirection, options: Without<{ src?: ListDirection; dest?: ListDirection }, "src">): Ret<M, T | null>;
  /**
   * LMPOP numkeys key... direction [COUNT count]: `[key, elements]` or `null` when all lists are empty.
   * `direction` (and `count`) are keyword-only: `lmpop(2, "a", "b", { direction: "RIGHT", count: 3 })`.
   */
  lmpop(numKeys: number | string, ...args: [...keys: KeyT[], options: BlmpopOptions]): Ret<M, [T, T[]] | null>;
  /** LPOP: one element (or `null`), or with `count` a list of up to `count` elements (`null` when the key does not exist). */
  lpop(name: KeyT): Ret<M, T | null>;
  lpop(name: KeyT, count: number): Ret<M, T[] | null>;
  lpop(name: KeyT, options: { count: number }): Ret<M, T[] | null>;
  lpop(name: KeyT, count?: number | null): Ret<M, T | T[] | null>;
  /** LPOS: the position of `value` (or `null`), or with `count` a list of positions. */
  lpos(name: KeyT, value: EncodableT, options: LposOptions & { count: number }): Ret<M, number[]>;
  lpos(name: KeyT, value: EncodableT, rank: number | null | undefined, options: Without<LposOptions & { count: number }, "rank">): Ret<M, number[]>;
  lpos(name: KeyT, value: EncodableT, options?: LposOptions & { count?: null }): Ret<M, number | null>;
  lpos(name: KeyT, value: EncodableT, rank: number | null | undefined, options: Without<LposOptions & { count?: null }, "rank">): Ret<M, number | null>;
  lpos(name: KeyT, value: EncodableT, rank: number | null | undefined, count: number, maxlen?: number | null): Ret<M, number[]>;
  lpos(name: KeyT, value: EncodableT, rank?: number | null, count?: null, maxlen?: number | null): Ret<M, number | null>;
  lpos(name: KeyT, value: EncodableT, options?: LposOptions): Ret<M, number | number[] | null>;
  lpos(name: KeyT, value: EncodableT, rank: number | null | undefined, options: Without<LposOptions, "rank">): Ret<M, number | number[] | null>;
  /** LPUSH: the new length. */
  lpush(name: KeyT, ...values: EncodableT[]): Ret<M, number>;
  /** LPUSHX: the new length (0 when the list does not exist). */
  lpushx(name: KeyT, ...values: EncodableT[]): Ret<M, number>;
  lrange(name: KeyT, start: number | string, end: number | string): Ret<M, T[]>;
  /** LREM: the number of removed elements. */
  lrem(name: KeyT, count: number, value: EncodableT): Ret<M, number>;
  lset(name: KeyT, index: number | string, value: EncodableT): Ret<M, true>;
  ltrim(name: KeyT, start: number | string, end: number | string): Ret<M, true>;
  /** RPOP: one element (or `null`), or with `count` a list of up to `count` elements (`null` when the key does not exist). */
  rpop(name: KeyT): Ret<M, T | null>;
  rpop(name: KeyT, count: number): Ret<M, T[] | null>;
  rpop(name: KeyT, options: { count: number }): Ret<M, T[] | null>;
  rpop(name: KeyT, count?: number | null): Ret<M, T | T[] | null>;
  rpoplpush(src: KeyT, dst: KeyT): Ret<M, T | null>;
  rpush(name: KeyT, ...values: EncodableT[]): Ret<M, number>;
  rpushx(name: KeyT, ...values: EncodableT[]): Ret<M, number>;
}

const DIRECTIONS = ["LEFT", "RIGHT"] as const;

/** `[key, elements]` of LMPOP/BLMPOP, or `null`. */
function keyAndList(reply: RespValue): unknown {
  if (reply === null) return null;
  const [key, elements] = toArray(reply);
  return [key, toArray(elements ?? null)];
}

/** `[key, value]` of BLPOP/BRPOP, or `null`. */
const keyAndValue = (reply: RespValue): unknown => (reply === null ? null : toArray(reply));

export const LIST_COMMANDS: Record<string, CommandSpec> = defineCommands({
  blmove: {
    command: "BLMOVE",
    params: ["firstList", "secondList", "timeout:num", "src?", "dest?"],
    keys: ["firstList", "secondList"],
    blocking: { at: -1, unit: "s" },
    build: ({ firstList, secondList, timeout, src, dest }) => [
      "BLMOVE",
      arg(firstList),
      arg(secondList),
      oneOf("BLMOVE", "src", src ?? "LEFT", DIRECTIONS),
      oneOf("BLMOVE", "dest", dest ?? "RIGHT", DIRECTIONS),
      arg(timeout),
    ],
  },
  blmpop: {
    command: "BLMPOP",
    params: ["timeout:num", "numkeys:int", "...args", "direction", "count?:int"],
    keys: ["args"],
    blocking: { at: 1, unit: "s" },
    build(p) {
      const keys = nonEmpty("BLMPOP", "keys", p.args);
      numkeysMatch("BLMPOP", "numkeys", p.numkeys, keys);
      const direction = oneOf("BLMPOP", "direction", p.direction, DIRECTIONS);
      return ["BLMPOP", arg(p.timeout), arg(p.numkeys), ...keys, direction, "COUNT", (p.count as number | undefined) ?? 1];
    },
    reply: keyAndList,
  },
  blpop: {
    command: "BLPOP",
    params: ["keys:list", "timeout?:num"],
    keys: ["keys"],
    blocking: { at: -1, unit: "s" },
    build: ({ keys, timeout }) => ["BLPOP", ...nonEmpty("BLPOP", "keys", keys), timeoutOf(timeout)],
    reply: keyAndValue,
  },
  brpop: {
    command: "BRPOP",
    params: ["keys:list", "timeout?:num"],
    keys: ["keys"],
    blocking: { at: -1, unit: "s" },
    build: ({ keys, timeout }) => ["BRPOP", ...nonEmpty("BRPOP", "keys", keys), timeoutOf(timeout)],
    reply: keyAndValue,
  },
  brpoplpush: {
    command: "BRPOPLPUSH",
    params: ["src", "dst", "timeout?:num"],
    keys: ["src", "dst"],
    blocking: { at: -1, unit: "s" },
    build: ({ src, dst, timeout }) => ["BRPOPLPUSH", arg(src), arg(dst), timeoutOf(timeout)],
  },
  lindex: { command: "LINDEX", params: ["name", "index:int"], build: ({ name, index }) => ["LINDEX", arg(name), arg(index)], readonly: true, keys: ["name"] },
  linsert: {
    command: "LINSERT",
    params: ["name", "where", "refvalue", "value"],
    keys: ["name"],
    build: ({ name, where, refvalue, value }) => ["LINSERT", arg(name), oneOf("LINSERT", "where", where, ["BEFORE", "AFTER"]), arg(refvalue), arg(value)],
  },
  llen: { command: "LLEN", params: ["name"], build: ({ name }) => ["LLEN", arg(name)], readonly: true, keys: ["name"] },
  lmove: {
    command: "LMOVE",
    params: ["firstList", "secondList", "src?", "dest?"],
    keys: ["firstList", "secondList"],
    build: ({ firstList, secondList, src, dest }) => [
      "LMOVE",
      arg(firstList),
      arg(secondList),
      oneOf("LMOVE", "src", src ?? "LEFT", DIRECTIONS),
      oneOf("LMOVE", "dest", dest ?? "RIGHT", DIRECTIONS),
    ],
  },
  lmpop: {
    command: "LMPOP",
    params: ["numKeys:int", "...args", "direction", "count?:int"],
    keys: ["args"],
    build({ numKeys, args, direction, count }) {
      const keys = nonEmpty("LMPOP", "keys", args);
      numkeysMatch("LMPOP", "numkeys", numKeys, keys);
      const argv: CommandArg[] = ["LMPOP", arg(numKeys), ...keys, oneOf("LMPOP", "direction", direction, DIRECTIONS)];
      if (count !== undefined && count !== 1) argv.push("COUNT", arg(count));
      return argv;
    },
    reply: keyAndList,
  },
  lpop: {
    command: "LPOP",
    params: ["name", "count?:int"],
    keys: ["name"],
    build: ({ name, count }) => (count === undefined ? ["LPOP", arg(name)] : ["LPOP", arg(name), arg(count)]),
  },
  lpos: {
    command: "LPOS",
    params: ["name", "value", "rank?:int", "count?:int", "maxlen?:int"],
    keys: ["name"],
    build({ name, value, rank, count, maxlen }) {
      const argv: CommandArg[] = ["LPOS", arg(name), arg(value)];
      if (rank !== undefined) argv.push("RANK", arg(rank));
      if (count !== undefined) argv.push("COUNT", arg(count));
      if (maxlen !== undefined) argv.push("MAXLEN", arg(maxlen));
      return argv;
    },
    readonly: true,
  },
  lpush: {
    command: "LPUSH",
    params: ["name", "...values"],
    build: ({ name, values }) => ["LPUSH", arg(name), ...nonEmpty("LPUSH", "values", values)],
    keys: ["name"],
  },
  lpushx: {
    command: "LPUSHX",
    params: ["name", "...values"],
    build: ({ name, values }) => ["LPUSHX", arg(name), ...nonEmpty("LPUSHX", "values", values)],
    keys: ["name"],
  },
  lrange: {
    command: "LRANGE",
    params: ["name", "start:int", "end:int"],
    keys: ["name"],
    build: ({ name, start, end }) => ["LRANGE", arg(name), arg(start), arg(end)],
    readonly: true,
  },
  lrem: {
    command: "LREM",
    params: ["name", "count:int", "value"],
    build: ({ name, count, value }) => ["LREM", arg(name), arg(count), arg(value)],
    keys: ["name"],
  },
  lset: {
    command: "LSET",
    params: ["name", "index:int", "value"],
    build: ({ name, index, value }) => ["LSET", arg(name), arg(index), arg(value)],
    reply: okToTrue,
    keys: ["name"],
  },
  ltrim: {
    command: "LTRIM",
    params: ["name", "start:int", "end:int"],
    build: ({ name, start, end }) => ["LTRIM", arg(name), arg(start), arg(end)],
    reply: okToTrue,
    keys: ["name"],
  },
  rpop: {
    command: "RPOP",
    params: ["name", "count?:int"],
    keys: ["name"],
    build: ({ name, count }) => (count === undefined ? ["RPOP", arg(name)] : ["RPOP", arg(name), arg(count)]),
  },
  rpoplpush: { command: "RPOPLPUSH", params: ["src", "dst"], build: ({ src, dst }) => ["RPOPLPUSH", arg(src), arg(dst)], keys: ["src", "dst"] },
  rpush: {
    command: "RPUSH",
    params: ["name", "...values"],
    build: ({ name, values }) => ["RPUSH", arg(name), ...nonEmpty("RPUSH", "values", values)],
    keys: ["name"],
  },
  rpushx: {
    command: "RPUSHX",
    params: ["name", "...values"],
    build: ({ name, values }) => ["RPUSHX", arg(name), ...nonEmpty("RPUSHX", "values", values)],
    keys: ["name"],
  },
});
