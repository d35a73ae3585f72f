import type { CommandArg, RespValue } from "../protocol/index.js";
import { arg, nonEmpty, numkeysMatch, oneOf, timeoutOf } from "./args.js";
import { okToTrue, toArray } from "./replies.js";
import { defineCommands, type CommandSpec } from "./spec.js";
import type { EncodableT, KeyT, Ret } from "./types.js";

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
  /**
   * BLMPOP timeout numkeys key... direction [COUNT count]: `[key, elements]` or `null` on timeout.
   * `direction` (and `count`) are keyword-only: `blmpop(1, 2, "a", "b", { direction: "LEFT" })`.
   */
  blmpop(timeout: number, numkeys: number, ...args: [...keys: KeyT[], options: BlmpopOptions]): Ret<M, [T, T[]] | null>;
  /** BLPOP: `[key, value]` from the first non-empty list, or `null` after `timeout` seconds (0 blocks forever). */
  blpop(keys: KeyT | KeyT[], timeout?: number | null): Ret<M, [T, T] | null>;
  blpop(keys: KeyT | KeyT[], options: { timeout?: number | null }): Ret<M, [T, T] | null>;
  /** BRPOP: `[key, value]` from the first non-empty list, or `null` after `timeout` seconds (0 blocks forever). */
  brpop(keys: KeyT | KeyT[], timeout?: number | null): Ret<M, [T, T] | null>;
  brpop(keys: KeyT | KeyT[], options: { timeout?: number | null }): Ret<M, [T, T] | null>;
  /** BRPOPLPUSH: the moved element, or `null` on timeout. */
  brpoplpush(src: KeyT, dst: KeyT, timeout?: number | null): Ret<M, T | null>;
  brpoplpush(src: KeyT, dst: KeyT, options: { timeout?: number | null }): Ret<M, T | null>;
  lindex(name: KeyT, index: number): Ret<M, T | null>;
  /** LINSERT: the new length, -1 when `refvalue` is not in the list, 0 when the key does not exist. */
  linsert(name: KeyT, where: "BEFORE" | "AFTER" | "before" | "after", refvalue: EncodableT, value: EncodableT): Ret<M, number>;
  llen(name: KeyT): Ret<M, number>;
  /** LMOVE: the moved element, or `null` when the source is empty. */
  lmove(firstList: KeyT, secondList: KeyT, src?: ListDirection, dest?: ListDirection): Ret<M, T | null>;
  lmove(firstList: KeyT, secondList: KeyT, options: { src?: ListDirection; dest?: ListDirection }): Ret<M, T | null>;
  /**
   * LMPOP numkeys key... direction [COUNT count]: `[key, elements]` or `null` when all lists are empty.
   * `direction` (and `count`) are keyword-only: `lmpop(2, "a", "b", { direction: "RIGHT", count: 3 })`.
   */
  lmpop(numKeys: number, ...args: [...keys: KeyT[], options: BlmpopOptions]): Ret<M, [T, T[]] | null>;
  /** LPOP: one element (or `null`), or with `count` a list of up to `count` elements (`null` when the key does not exist). */
  lpop(name: KeyT): Ret<M, T | null>;
  lpop(name: KeyT, count: number): Ret<M, T[] | null>;
  lpop(name: KeyT, options: { count: number }): Ret<M, T[] | null>;
  lpop(name: KeyT, count?: number | null): Ret<M, T | T[] | null>;
  /** LPOS: the position of `value` (or `null`), or with `count` a list of positions. */
  lpos(name: KeyT, value: EncodableT, options: LposOptions & { count: number }): Ret<M, number[]>;
  lpos(name: KeyT, value: EncodableT, options?: LposOptions & { count?: null }): Ret<M, number | null>;
  lpos(name: KeyT, value: EncodableT, rank: number | null | undefined, count: number, maxlen?: number | null): Ret<M, number[]>;
  lpos(name: KeyT, value: EncodableT, rank?: number | null, count?: null, maxlen?: number | null): Ret<M, number | null>;
  lpos(name: KeyT, value: EncodableT, options?: LposOptions): Ret<M, number | number[] | null>;
  /** LPUSH: the new length. */
  lpush(name: KeyT, ...values: EncodableT[]): Ret<M, number>;
  /** LPUSHX: the new length (0 when the list does not exist). */
  lpushx(name: KeyT, ...values: EncodableT[]): Ret<M, number>;
  lrange(name: KeyT, start: number, end: number): Ret<M, T[]>;
  /** LREM: the number of removed elements. */
  lrem(name: KeyT, count: number, value: EncodableT): Ret<M, number>;
  lset(name: KeyT, index: number, value: EncodableT): Ret<M, true>;
  ltrim(name: KeyT, start: number, end: number): Ret<M, true>;
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
    build: (p) => [
      "BLMOVE",
      arg(p[0]),
      arg(p[1]),
      oneOf("BLMOVE", "src", p[3] ?? "LEFT", DIRECTIONS),
      oneOf("BLMOVE", "dest", p[4] ?? "RIGHT", DIRECTIONS),
      arg(p[2]),
    ],
  },
  blmpop: {
    command: "BLMPOP",
    params: ["timeout:num", "numkeys:int", "...args", "direction", "count?:int"],
    build(p) {
      const keys = nonEmpty("BLMPOP", "keys", p[2]);
      numkeysMatch("BLMPOP", "numkeys", p[1], keys);
      const direction = oneOf("BLMPOP", "direction", p[3], DIRECTIONS);
      return ["BLMPOP", arg(p[0]), arg(p[1]), ...keys, direction, "COUNT", (p[4] as number | undefined) ?? 1];
    },
    reply: keyAndList,
  },
  blpop: {
    command: "BLPOP",
    params: ["keys:list", "timeout?:num"],
    build: (p) => ["BLPOP", ...nonEmpty("BLPOP", "keys", p[0]), timeoutOf(p[1])],
    reply: keyAndValue,
  },
  brpop: {
    command: "BRPOP",
    params: ["keys:list", "timeout?:num"],
    build: (p) => ["BRPOP", ...nonEmpty("BRPOP", "keys", p[0]), timeoutOf(p[1])],
    reply: keyAndValue,
  },
  brpoplpush: {
    command: "BRPOPLPUSH",
    params: ["src", "dst", "timeout?:num"],
    build: (p) => ["BRPOPLPUSH", arg(p[0]), arg(p[1]), timeoutOf(p[2])],
  },
  lindex: { command: "LINDEX", params: ["name", "index:int"], build: (p) => ["LINDEX", arg(p[0]), arg(p[1])], readonly: true },
  linsert: {
    command: "LINSERT",
    params: ["name", "where", "refvalue", "value"],
    build: (p) => ["LINSERT", arg(p[0]), oneOf("LINSERT", "where", p[1], ["BEFORE", "AFTER"]), arg(p[2]), arg(p[3])],
  },
  llen: { command: "LLEN", params: ["name"], build: (p) => ["LLEN", arg(p[0])], readonly: true },
  lmove: {
    command: "LMOVE",
    params: ["firstList", "secondList", "src?", "dest?"],
    build: (p) => [
      "LMOVE",
      arg(p[0]),
      arg(p[1]),
      oneOf("LMOVE", "src", p[2] ?? "LEFT", DIRECTIONS),
      oneOf("LMOVE", "dest", p[3] ?? "RIGHT", DIRECTIONS),
    ],
  },
  lmpop: {
    command: "LMPOP",
    params: ["numKeys:int", "...args", "direction", "count?:int"],
    build(p) {
      const keys = nonEmpty("LMPOP", "keys", p[1]);
      numkeysMatch("LMPOP", "numkeys", p[0], keys);
      const argv: CommandArg[] = ["LMPOP", arg(p[0]), ...keys, oneOf("LMPOP", "direction", p[2], DIRECTIONS)];
      if (p[3] !== undefined && p[3] !== 1) argv.push("COUNT", arg(p[3]));
      return argv;
    },
    reply: keyAndList,
  },
  lpop: {
    command: "LPOP",
    params: ["name", "count?:int"],
    build: (p) => (p[1] === undefined ? ["LPOP", arg(p[0])] : ["LPOP", arg(p[0]), arg(p[1])]),
  },
  lpos: {
    command: "LPOS",
    params: ["name", "value", "rank?:int", "count?:int", "maxlen?:int"],
    build(p) {
      const argv: CommandArg[] = ["LPOS", arg(p[0]), arg(p[1])];
      if (p[2] !== undefined) argv.push("RANK", arg(p[2]));
      if (p[3] !== undefined) argv.push("COUNT", arg(p[3]));
      if (p[4] !== undefined) argv.push("MAXLEN", arg(p[4]));
      return argv;
    },
    readonly: true,
  },
  lpush: { command: "LPUSH", params: ["name", "...values"], build: (p) => ["LPUSH", arg(p[0]), ...nonEmpty("LPUSH", "values", p[1])] },
  lpushx: { command: "LPUSHX", params: ["name", "...values"], build: (p) => ["LPUSHX", arg(p[0]), ...nonEmpty("LPUSHX", "values", p[1])] },
  lrange: {
    command: "LRANGE",
    params: ["name", "start:int", "end:int"],
    build: (p) => ["LRANGE", arg(p[0]), arg(p[1]), arg(p[2])],
    readonly: true,
  },
  lrem: { command: "LREM", params: ["name", "count:int", "value"], build: (p) => ["LREM", arg(p[0]), arg(p[1]), arg(p[2])] },
  lset: { command: "LSET", params: ["name", "index:int", "value"], build: (p) => ["LSET", arg(p[0]), arg(p[1]), arg(p[2])], reply: okToTrue },
  ltrim: { command: "LTRIM", params: ["name", "start:int", "end:int"], build: (p) => ["LTRIM", arg(p[0]), arg(p[1]), arg(p[2])], reply: okToTrue },
  rpop: {
    command: "RPOP",
    params: ["name", "count?:int"],
    build: (p) => (p[1] === undefined ? ["RPOP", arg(p[0])] : ["RPOP", arg(p[0]), arg(p[1])]),
  },
  rpoplpush: { command: "RPOPLPUSH", params: ["src", "dst"], build: (p) => ["RPOPLPUSH", arg(p[0]), arg(p[1])] },
  rpush: { command: "RPUSH", params: ["name", "...values"], build: (p) => ["RPUSH", arg(p[0]), ...nonEmpty("RPUSH", "values", p[1])] },
  rpushx: { command: "RPUSHX", params: ["name", "...values"], build: (p) => ["RPUSHX", arg(p[0]), ...nonEmpty("RPUSHX", "values", p[1])] },
});
