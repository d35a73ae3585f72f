import { DataError } from "../errors.js";
import type { CommandArg } from "../protocol/index.js";
import { arg, nonEmpty, scanArgs } from "./args.js";
import { okToTrue, parseScan, toArray, toBool, toNumber, toObject, toPairs } from "./replies.js";
import { badArg, defineCommands, entriesOf, isArgValue, isPlainObject, pushMapping, type CommandSpec } from "./spec.js";
import type { EncodableT, IntReply, KeyT, Ret, Without } from "./types.js";

/** Field/value pairs: a plain object, or a Map (whose keys may also be Buffers or numbers). */
export type HashMapping = Record<string, EncodableT> | Map<EncodableT, EncodableT>;

export interface HsetOptions {
  /** Field/value pairs to set (a plain object or a Map). */
  mapping?: HashMapping | null;
  /** Field/value pairs as one flat list: `[field1, value1, field2, value2, ...]`. */
  items?: EncodableT[] | null;
}

export interface HscanOptions {
  /** The cursor to continue from (0 starts a new iteration). */
  cursor?: number | string;
  /** Only return elements matching this glob-style pattern. */
  match?: EncodableT | null;
  /** A hint of how many elements to return per call. */
  count?: number | null;
}

/** HASH commands (redis-py's `HashCommands` and `hscan`). */
export interface HashCommands<T, M> {
  /** HDEL: the number of fields removed. */
  hdel(name: KeyT, ...keys: EncodableT[]): Ret<M, number>;
  hexists(name: KeyT, key: EncodableT): Ret<M, boolean>;
  hget(name: KeyT, key: EncodableT): Ret<M, T | null>;
  /** HGETALL: the hash as a plain object (field names decoded to strings, values kept as `T`). */
  hgetall(name: KeyT): Ret<M, Record<string, T>>;
  /** HINCRBY name key amount (amount defaults to 1): the new value. */
  hincrby(name: KeyT, key: EncodableT, amount?: number | bigint): Ret<M, IntReply>;
  hincrby(name: KeyT, key: EncodableT, options: { amount?: number | bigint }): Ret<M, IntReply>;
  /** HINCRBYFLOAT name key amount (amount defaults to 1.0): the new value. */
  hincrbyfloat(name: KeyT, key: EncodableT, amount?: number): Ret<M, number>;
  hincrbyfloat(name: KeyT, key: EncodableT, options: { amount?: number }): Ret<M, number>;
  hkeys(name: KeyT): Ret<M, T[]>;
  hlen(name: KeyT): Ret<M, number>;
  /** HMGET: the values of the fields, in order (`null` for missing fields). */
  hmget(name: KeyT, keys: EncodableT | EncodableT[], ...args: EncodableT[]): Ret<M, (T | null)[]>;
  /**
   * HMSET: `true`.
   * @deprecated As in redis-py: use `hset(name, { mapping })`.
   */
  hmset(name: KeyT, mapping: HashMapping): Ret<M, boolean>;
  /**
   * HRANDFIELD: one random field (or `null`); with `count` a list of fields (negative: may repeat);
   * with `withvalues` a list of `[field, value]` pairs.
   */
  hrandfield(key: KeyT): Ret<M, T | null>;
  hrandfield(key: KeyT, count: number, withvalues?: false): Ret<M, T[]>;
  hrandfield(key: KeyT, count: number, withvalues: true): Ret<M, [T, T][]>;
  hrandfield(key: KeyT, options: { count: number; withvalues: true }): Ret<M, [T, T][]>;
  hrandfield(key: KeyT, count: number, options: Without<{ count: number; withvalues: true }, "count">): Ret<M, [T, T][]>;
  hrandfield(key: KeyT, options: { count: number; withvalues?: false }): Ret<M, T[]>;
  hrandfield(key: KeyT, count: number, options: Without<{ count: number; withvalues?: false }, "count">): Ret<M, T[]>;
  hrandfield(key: KeyT, options: { count?: number | null; withvalues?: boolean }): Ret<M, T | T[] | [T, T][] | null>;
  hrandfield(key: KeyT, count: number, options: Without<{ count?: number | null; withvalues?: boolean }, "count">): Ret<M, T | T[] | [T, T][] | null>;
  /** HSCAN: `[nextCursor, { field: value }]`; iteration is over when the cursor is 0. */
  hscan(name: KeyT, cursor?: number | string, match?: EncodableT | null, count?: number | null): Ret<M, [number, Record<string, T>]>;
  hscan(name: KeyT, options: HscanOptions): Ret<M, [number, Record<string, T>]>;
  hscan(name: KeyT, cursor: number | string, options: Without<HscanOptions, "cursor">): Ret<M, [number, Record<string, T>]>;
  /**
   * HSET: sets `key` to `value`, and/or every pair of `mapping` and `items`; the number of
   * fields added.
   *
   * The rule for a plain object (the one rule of every mapping position, see docs/api.md): an
   * object whose values are all strings, Buffers or numbers is a mapping; any other object is
   * the keyword object. So `hset(name, { f1: "v1", f2: 2 })` sets the fields `f1` and `f2`
   * (a Map works too), `hset(name, { mapping: { f: "v" } })` is redis-py's keyword form, and
   * `hset(name, { key: "f", value: "v" })` sets the two fields named `key` and `value`: give
   * one pair positionally, `hset(name, "f", "v")`.
   */
  hset(name: KeyT, mapping: HashMapping): Ret<M, number>;
  hset(name: KeyT, key: EncodableT, value: EncodableT, options?: HsetOptions): Ret<M, number>;
  hset(name: KeyT, options: HsetOptions & { key?: EncodableT | null; value?: EncodableT | null }): Ret<M, number>;
  hset(name: KeyT, key: EncodableT, options: Without<HsetOptions & { key?: EncodableT | null; value?: EncodableT | null }, "key">): Ret<M, number>;
  hset(
    name: KeyT,
    key: EncodableT | null | undefined,
    value: EncodableT | null | undefined,
    mapping?: HashMapping | null,
    items?: EncodableT[] | null,
  ): Ret<M, number>;
  /** HSETNX: 1 when the field was created, 0 when it existed (redis-py returns the integer). */
  hsetnx(name: KeyT, key: EncodableT, value: EncodableT): Ret<M, number>;
  hstrlen(name: KeyT, key: EncodableT): Ret<M, number>;
  hvals(name: KeyT): Ret<M, T[]>;
}

const HSET = { command: "HSET" };

export const HASH_COMMANDS: Record<string, CommandSpec> = defineCommands({
  hdel: { command: "HDEL", params: ["name", "...keys"], build: ({ name, keys }) => ["HDEL", arg(name), ...nonEmpty("HDEL", "keys", keys)], keys: ["name"] },
  hexists: {
    command: "HEXISTS",
    params: ["name", "key"],
    build: ({ name, key }) => ["HEXISTS", arg(name), arg(key)],
    reply: toBool,
    readonly: true,
    keys: ["name"],
  },
  hget: { command: "HGET", params: ["name", "key"], build: ({ name, key }) => ["HGET", arg(name), arg(key)], readonly: true, keys: ["name"] },
  hgetall: {
    command: "HGETALL",
    params: ["name"],
    build: ({ name }) => ["HGETALL", arg(name)],
    reply: (r) => toObject(r),
    textKeys: true,
    readonly: true,
    keys: ["name"],
  },
  hincrby: {
    command: "HINCRBY",
    params: ["name", "key", "amount?:int"],
    keys: ["name"],
    build: ({ name, key, amount }) => ["HINCRBY", arg(name), arg(key), (amount as number | bigint | undefined) ?? 1],
  },
  hincrbyfloat: {
    command: "HINCRBYFLOAT",
    params: ["name", "key", "amount?:num"],
    keys: ["name"],
    build: ({ name, key, amount }) => ["HINCRBYFLOAT", arg(name), arg(key), (amount as number | bigint | undefined) ?? 1],
    reply: toNumber,
  },
  hkeys: { command: "HKEYS", params: ["name"], build: ({ name }) => ["HKEYS", arg(name)], readonly: true, keys: ["name"] },
  hlen: { command: "HLEN", params: ["name"], build: ({ name }) => ["HLEN", arg(name)], readonly: true, keys: ["name"] },
  hmget: {
    command: "HMGET",
    params: ["name", "keys:list", "...args"],
    keys: ["name"],
    build: ({ name, keys, args }) => ["HMGET", arg(name), ...nonEmpty("HMGET", "keys", [...(keys as CommandArg[]), ...(args as CommandArg[])])],
    readonly: true,
  },
  hmset: {
    command: "HMSET",
    params: ["name", "mapping:map"],
    keys: ["name"],
    build({ name, mapping }) {
      const argv: CommandArg[] = ["HMSET", arg(name)];
      pushMapping({ command: "HMSET" }, "mapping", argv, mapping);
      return argv;
    },
    reply: okToTrue,
  },
  hrandfield: {
    command: "HRANDFIELD",
    params: ["key", "count?:int", "withvalues?:bool"],
    keys: ["key"],
    build({ key, count, withvalues }) {
      const argv: CommandArg[] = ["HRANDFIELD", arg(key)];
      if (count !== undefined) argv.push(arg(count));
      if (withvalues) {
        if (count === undefined) throw new DataError("HRANDFIELD: 'withvalues' needs 'count'");
        argv.push("WITHVALUES");
      }
      return argv;
    },
    reply: (r, { count, withvalues }) => (count === undefined ? r : withvalues ? toPairs(r) : toArray(r)),
    readonly: true,
  },
  hscan: {
    command: "HSCAN",
    params: ["name", "cursor?", "match?", "count?:int"],
    keys: ["name"],
    build: ({ name, cursor, match, count }) => scanArgs(["HSCAN", arg(name)], cursor, match, count),
    reply: (r) => parseScan(r, (items) => toObject(items)),
    readonly: true,
  },
  hset: {
    command: "HSET",
    params: ["name", "key?", "value?", "mapping?:map", "items?:any"],
    keys: ["name"],
    // `hset(name, { field: value })`: a mapping in the key's place is the mapping (see the interface).
    mappingAt: { position: 1, param: "mapping" },
    build(p) {
      const argv: CommandArg[] = ["HSET", arg(p.name)];
      const { key, value, mapping, items } = p;
      if (items !== undefined) {
        if (!Array.isArray(items)) throw badArg(HSET, "items", "a flat array of fields and values", items);
        for (const item of items) if (!isArgValue(item)) throw badArg(HSET, "items", "a flat array of fields and values", item);
        if (items.length % 2 !== 0) throw new DataError("HSET: 'items' must hold an even number of elements (field, value, ...)");
        argv.push(...(items as CommandArg[]));
      }
      if (key !== undefined) {
        if (value === undefined) throw new DataError("HSET: 'key' was given without a 'value'");
        argv.push(arg(key), arg(value));
      } else if (value !== undefined) {
        throw new DataError("HSET: 'value' was given without a 'key'");
      }
      if (mapping !== undefined) {
        if (!isPlainObject(mapping) && !(mapping instanceof Map)) throw badArg(HSET, "mapping", "a plain object or a Map", mapping);
        for (const [field, v] of entriesOf(mapping)) {
          if (!isArgValue(field) || !isArgValue(v)) {
            throw badArg(HSET, "mapping", "a mapping of strings, Buffers or numbers", isArgValue(field) ? v : field);
          }
          argv.push(field, v);
        }
      }
      if (argv.length === 2) throw new DataError("HSET: no field/value pairs given");
      return argv;
    },
  },
  hsetnx: { command: "HSETNX", params: ["name", "key", "value"], build: ({ name, key, value }) => ["HSETNX", arg(name), arg(key), arg(value)], keys: ["name"] },
  hstrlen: { command: "HSTRLEN", params: ["name", "key"], build: ({ name, key }) => ["HSTRLEN", arg(name), arg(key)], readonly: true, keys: ["name"] },
  hvals: { command: "HVALS", params: ["name"], build: ({ name }) => ["HVALS", arg(name)], readonly: true, keys: ["name"] },
});
