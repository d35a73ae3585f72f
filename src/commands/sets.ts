import type { CommandArg } from "../protocol/index.js";
import { arg, nonEmpty, numkeysMatch, scanArgs } from "./args.js";
import { boolList, parseScan, toArray, toBool } from "./replies.js";
import { defineCommands, type CommandSpec } from "./spec.js";
import type { EncodableT, KeyT, Ret, Without } from "./types.js";

export interface SscanOptions {
  /** The cursor to continue from (0 starts a new iteration). */
  cursor?: number | string;
  /** Only return members matching this glob-style pattern. */
  match?: EncodableT | null;
  /** A hint of how many members to return per call. */
  count?: number | null;
}

/**
 * SET commands (redis-py's `SetCommands` and `sscan`). Where redis-py returns a Python `set`
 * (SMEMBERS, SDIFF, SINTER, SUNION) these return an array, in the server's order.
 */
export interface SetCommands<T, M> {
  /** SADD: the number of members added. */
  sadd(name: KeyT, ...values: EncodableT[]): Ret<M, number>;
  scard(name: KeyT): Ret<M, number>;
  sdiff(keys: KeyT | KeyT[], ...args: KeyT[]): Ret<M, T[]>;
  /** SDIFFSTORE: the size of the stored set. */
  sdiffstore(dest: KeyT, keys: KeyT | KeyT[], ...args: KeyT[]): Ret<M, number>;
  sinter(keys: KeyT | KeyT[], ...args: KeyT[]): Ret<M, T[]>;
  /** SINTERCARD numkeys key... LIMIT limit (0: no limit). `numkeys` must equal the number of keys. */
  sintercard(numkeys: number | string, keys: KeyT | KeyT[], limit?: number): Ret<M, number>;
  sintercard(numkeys: number | string, keys: KeyT | KeyT[], options: { limit?: number }): Ret<M, number>;
  sinterstore(dest: KeyT, keys: KeyT | KeyT[], ...args: KeyT[]): Ret<M, number>;
  sismember(name: KeyT, value: EncodableT): Ret<M, boolean>;
  smembers(name: KeyT): Ret<M, T[]>;
  /** SMISMEMBER: one boolean per value, in order. */
  smismember(name: KeyT, values: EncodableT | EncodableT[], ...args: EncodableT[]): Ret<M, boolean[]>;
  smove(src: KeyT, dst: KeyT, value: EncodableT): Ret<M, boolean>;
  /** SPOP: one random member (or `null`), or with `count` a list of up to `count` members. */
  spop(name: KeyT): Ret<M, T | null>;
  spop(name: KeyT, count: number): Ret<M, T[]>;
  spop(name: KeyT, options: { count: number }): Ret<M, T[]>;
  spop(name: KeyT, count?: number | null): Ret<M, T | T[] | null>;
  /** SRANDMEMBER: one random member (or `null`), or with `number` a list (negative: may repeat). */
  srandmember(name: KeyT): Ret<M, T | null>;
  srandmember(name: KeyT, number: number): Ret<M, T[]>;
  srandmember(name: KeyT, options: { number: number }): Ret<M, T[]>;
  srandmember(name: KeyT, number?: number | null): Ret<M, T | T[] | null>;
  /** SREM: the number of members removed. */
  srem(name: KeyT, ...values: EncodableT[]): Ret<M, number>;
  /** SSCAN: `[nextCursor, members]`; iteration is over when the cursor is 0. */
  sscan(name: KeyT, cursor?: number | string, match?: EncodableT | null, count?: number | null): Ret<M, [number, T[]]>;
  sscan(name: KeyT, options: SscanOptions): Ret<M, [number, T[]]>;
  sscan(name: KeyT, cursor: number | string, options: Without<SscanOptions, "cursor">): Ret<M, [number, T[]]>;
  sunion(keys: KeyT | KeyT[], ...args: KeyT[]): Ret<M, T[]>;
  sunionstore(dest: KeyT, keys: KeyT | KeyT[], ...args: KeyT[]): Ret<M, number>;
}

/** redis-py's `list_or_args(keys, args)`: the list parameter followed by the rest parameter. */
const keysAndArgs = (command: string, p: { keys: CommandArg[]; args: CommandArg[] }): CommandArg[] => nonEmpty(command, "keys", [...p.keys, ...p.args]);

export const SET_COMMANDS: Record<string, CommandSpec> = defineCommands({
  sadd: {
    command: "SADD",
    params: ["name", "...values"],
    build: ({ name, values }) => ["SADD", arg(name), ...nonEmpty("SADD", "values", values)],
    keys: ["name"],
  },
  scard: { command: "SCARD", params: ["name"], build: ({ name }) => ["SCARD", arg(name)], readonly: true, keys: ["name"] },
  sdiff: {
    command: "SDIFF",
    params: ["keys:list", "...args"],
    keys: ["keys", "args"],
    build: (p) => ["SDIFF", ...keysAndArgs("SDIFF", p)],
    reply: toArray,
    readonly: true,
  },
  sdiffstore: {
    command: "SDIFFSTORE",
    params: ["dest", "keys:list", "...args"],
    keys: ["dest", "keys", "args"],
    build: (p) => ["SDIFFSTORE", arg(p.dest), ...keysAndArgs("SDIFFSTORE", p)],
  },
  sinter: {
    command: "SINTER",
    params: ["keys:list", "...args"],
    keys: ["keys", "args"],
    build: (p) => ["SINTER", ...keysAndArgs("SINTER", p)],
    reply: toArray,
    readonly: true,
  },
  sintercard: {
    command: "SINTERCARD",
    params: ["numkeys:int", "keys:list", "limit?:int"],
    keys: ["keys"],
    build(p) {
      const keys = nonEmpty("SINTERCARD", "keys", p.keys);
      numkeysMatch("SINTERCARD", "numkeys", p.numkeys, keys);
      return ["SINTERCARD", arg(p.numkeys), ...keys, "LIMIT", (p.limit as number | undefined) ?? 0];
    },
    readonly: true,
  },
  sinterstore: {
    command: "SINTERSTORE",
    params: ["dest", "keys:list", "...args"],
    keys: ["dest", "keys", "args"],
    build: (p) => ["SINTERSTORE", arg(p.dest), ...keysAndArgs("SINTERSTORE", p)],
  },
  sismember: {
    command: "SISMEMBER",
    params: ["name", "value"],
    keys: ["name"],
    build: ({ name, value }) => ["SISMEMBER", arg(name), arg(value)],
    reply: toBool,
    readonly: true,
  },
  smembers: { command: "SMEMBERS", params: ["name"], build: ({ name }) => ["SMEMBERS", arg(name)], reply: toArray, readonly: true, keys: ["name"] },
  smismember: {
    command: "SMISMEMBER",
    params: ["name", "values:list", "...args"],
    keys: ["name"],
    build: ({ name, values, args }) => ["SMISMEMBER", arg(name), ...nonEmpty("SMISMEMBER", "values", [...(values as CommandArg[]), ...(args as CommandArg[])])],
    reply: boolList,
    readonly: true,
  },
  smove: {
    command: "SMOVE",
    params: ["src", "dst", "value"],
    build: ({ src, dst, value }) => ["SMOVE", arg(src), arg(dst), arg(value)],
    reply: toBool,
    keys: ["src", "dst"],
  },
  spop: {
    command: "SPOP",
    params: ["name", "count?:int"],
    keys: ["name"],
    build: ({ name, count }) => (count === undefined ? ["SPOP", arg(name)] : ["SPOP", arg(name), arg(count)]),
    reply: (r, { count }) => (count === undefined ? r : toArray(r)),
  },
  srandmember: {
    command: "SRANDMEMBER",
    params: ["name", "number?:int"],
    keys: ["name"],
    build: ({ name, number }) => (number === undefined ? ["SRANDMEMBER", arg(name)] : ["SRANDMEMBER", arg(name), arg(number)]),
    reply: (r, { number }) => (number === undefined ? r : toArray(r)),
    readonly: true,
  },
  srem: {
    command: "SREM",
    params: ["name", "...values"],
    build: ({ name, values }) => ["SREM", arg(name), ...nonEmpty("SREM", "values", values)],
    keys: ["name"],
  },
  sscan: {
    command: "SSCAN",
    params: ["name", "cursor?", "match?", "count?:int"],
    keys: ["name"],
    build: ({ name, cursor, match, count }) => scanArgs(["SSCAN", arg(name)], cursor, match, count),
    reply: (r) => parseScan(r, toArray),
    readonly: true,
  },
  sunion: {
    command: "SUNION",
    params: ["keys:list", "...args"],
    keys: ["keys", "args"],
    build: (p) => ["SUNION", ...keysAndArgs("SUNION", p)],
    reply: toArray,
    readonly: true,
  },
  sunionstore: {
    command: "SUNIONSTORE",
    params: ["dest", "keys:list", "...args"],
    keys: ["dest", "keys", "args"],
    build: (p) => ["SUNIONSTORE", arg(p.dest), ...keysAndArgs("SUNIONSTORE", p)],
  },
});
