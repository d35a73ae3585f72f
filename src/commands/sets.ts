import type { CommandArg } from "../protocol/index.js";
import { arg, nonEmpty, numkeysMatch, scanArgs } from "./args.js";
import { boolList, parseScan, toArray, toBool } from "./replies.js";
import { defineCommands, type CommandSpec } from "./spec.js";
import type { EncodableT, KeyT, Ret } from "./types.js";

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
  sintercard(numkeys: number, keys: KeyT | KeyT[], limit?: number): Ret<M, number>;
  sintercard(numkeys: number, keys: KeyT | KeyT[], options: { limit?: number }): Ret<M, number>;
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
  sunion(keys: KeyT | KeyT[], ...args: KeyT[]): Ret<M, T[]>;
  sunionstore(dest: KeyT, keys: KeyT | KeyT[], ...args: KeyT[]): Ret<M, number>;
}

/** redis-py's `list_or_args(keys, args)`: the list parameter followed by the rest parameter. */
const keysAndArgs = (command: string, p: unknown[], at: number): CommandArg[] =>
  nonEmpty(command, "keys", [...(p[at] as CommandArg[]), ...(p[at + 1] as CommandArg[])]);

export const SET_COMMANDS: Record<string, CommandSpec> = defineCommands({
  sadd: { command: "SADD", params: ["name", "...values"], build: (p) => ["SADD", arg(p[0]), ...nonEmpty("SADD", "values", p[1])] },
  scard: { command: "SCARD", params: ["name"], build: (p) => ["SCARD", arg(p[0])], readonly: true },
  sdiff: {
    command: "SDIFF",
    params: ["keys:list", "...args"],
    build: (p) => ["SDIFF", ...keysAndArgs("SDIFF", p, 0)],
    reply: toArray,
    readonly: true,
  },
  sdiffstore: {
    command: "SDIFFSTORE",
    params: ["dest", "keys:list", "...args"],
    build: (p) => ["SDIFFSTORE", arg(p[0]), ...keysAndArgs("SDIFFSTORE", p, 1)],
  },
  sinter: {
    command: "SINTER",
    params: ["keys:list", "...args"],
    build: (p) => ["SINTER", ...keysAndArgs("SINTER", p, 0)],
    reply: toArray,
    readonly: true,
  },
  sintercard: {
    command: "SINTERCARD",
    params: ["numkeys:int", "keys:list", "limit?:int"],
    build(p) {
      const keys = nonEmpty("SINTERCARD", "keys", p[1]);
      numkeysMatch("SINTERCARD", "numkeys", p[0], keys);
      return ["SINTERCARD", arg(p[0]), ...keys, "LIMIT", (p[2] as number | undefined) ?? 0];
    },
    readonly: true,
  },
  sinterstore: {
    command: "SINTERSTORE",
    params: ["dest", "keys:list", "...args"],
    build: (p) => ["SINTERSTORE", arg(p[0]), ...keysAndArgs("SINTERSTORE", p, 1)],
  },
  sismember: {
    command: "SISMEMBER",
    params: ["name", "value"],
    build: (p) => ["SISMEMBER", arg(p[0]), arg(p[1])],
    reply: toBool,
    readonly: true,
  },
  smembers: { command: "SMEMBERS", params: ["name"], build: (p) => ["SMEMBERS", arg(p[0])], reply: toArray, readonly: true },
  smismember: {
    command: "SMISMEMBER",
    params: ["name", "values:list", "...args"],
    build: (p) => ["SMISMEMBER", arg(p[0]), ...nonEmpty("SMISMEMBER", "values", [...(p[1] as CommandArg[]), ...(p[2] as CommandArg[])])],
    reply: boolList,
    readonly: true,
  },
  smove: { command: "SMOVE", params: ["src", "dst", "value"], build: (p) => ["SMOVE", arg(p[0]), arg(p[1]), arg(p[2])], reply: toBool },
  spop: {
    command: "SPOP",
    params: ["name", "count?:int"],
    build: (p) => (p[1] === undefined ? ["SPOP", arg(p[0])] : ["SPOP", arg(p[0]), arg(p[1])]),
    reply: (r, p) => (p[1] === undefined ? r : toArray(r)),
  },
  srandmember: {
    command: "SRANDMEMBER",
    params: ["name", "number?:int"],
    build: (p) => (p[1] === undefined ? ["SRANDMEMBER", arg(p[0])] : ["SRANDMEMBER", arg(p[0]), arg(p[1])]),
    reply: (r, p) => (p[1] === undefined ? r : toArray(r)),
    readonly: true,
  },
  srem: { command: "SREM", params: ["name", "...values"], build: (p) => ["SREM", arg(p[0]), ...nonEmpty("SREM", "values", p[1])] },
  sscan: {
    command: "SSCAN",
    params: ["name", "cursor?", "match?", "count?:int"],
    build: (p) => scanArgs(["SSCAN", arg(p[0])], p[1], p[2], p[3]),
    reply: (r) => parseScan(r, toArray),
    readonly: true,
  },
  sunion: {
    command: "SUNION",
    params: ["keys:list", "...args"],
    build: (p) => ["SUNION", ...keysAndArgs("SUNION", p, 0)],
    reply: toArray,
    readonly: true,
  },
  sunionstore: {
    command: "SUNIONSTORE",
    params: ["dest", "keys:list", "...args"],
    build: (p) => ["SUNIONSTORE", arg(p[0]), ...keysAndArgs("SUNIONSTORE", p, 1)],
  },
});
