import { DataError } from "../errors.js";
import type { CommandArg } from "../protocol/index.js";
import { okToTrue, pong, toBool } from "./replies.js";
import { defineCommands, pushMapping, type CommandSpec } from "./spec.js";
import type { EncodableT, ExpiryT, KeyT, Ret } from "./types.js";

export interface SetOptions {
  /** Expire after this many seconds. */
  ex?: ExpiryT | null;
  /** Expire after this many milliseconds. */
  px?: ExpiryT | null;
  /** Only set if the key does not exist. */
  nx?: boolean;
  /** Only set if the key exists. */
  xx?: boolean;
  /** Keep the key's time to live. */
  keepttl?: boolean;
  /** Return the old value instead of `true`. */
  get?: boolean;
  /** Expire at this Unix time in seconds. */
  exat?: number | null;
  /** Expire at this Unix time in milliseconds. */
  pxat?: number | null;
}

export interface ExpireOptions {
  nx?: boolean;
  xx?: boolean;
  gt?: boolean;
  lt?: boolean;
}

/** The first commands: enough to prove the client end to end. The full set grows from here. */
export interface CoreCommands<T, M> {
  /** PING. Resolves `true` when the server answers PONG; also the way to connect eagerly. */
  ping(): Ret<M, boolean>;
  echo(value: EncodableT): Ret<M, T>;
  get(name: KeyT): Ret<M, T | null>;
  /** SET with all its options; `true` (or the old value with `get`), `null` when NX/XX prevented it. */
  set(name: KeyT, value: EncodableT, options?: SetOptions): Ret<M, true | T | null>;
  set(name: KeyT, value: EncodableT, ex?: ExpiryT | null, px?: ExpiryT | null, nx?: boolean, xx?: boolean, keepttl?: boolean, get?: boolean, exat?: number | null, pxat?: number | null): Ret<M, true | T | null>;
  /** INCRBY name amount (amount defaults to 1). */
  incr(name: KeyT, amount?: number | bigint): Ret<M, number>;
  /** DEL: the number of keys removed. */
  delete(...names: KeyT[]): Ret<M, number>;
  delete(names: KeyT[]): Ret<M, number>;
  exists(...names: KeyT[]): Ret<M, number>;
  exists(names: KeyT[]): Ret<M, number>;
  expire(name: KeyT, time: number, options?: ExpireOptions): Ret<M, boolean>;
  expire(name: KeyT, time: number, nx?: boolean, xx?: boolean, gt?: boolean, lt?: boolean): Ret<M, boolean>;
  ttl(name: KeyT): Ret<M, number>;
  mget(keys: KeyT | KeyT[], ...args: KeyT[]): Ret<M, (T | null)[]>;
  mset(mapping: Record<string, EncodableT> | Map<KeyT, EncodableT>): Ret<M, boolean>;
  /** PUBLISH: the number of subscribers that received the message. */
  publish(channel: KeyT, message: EncodableT): Ret<M, number>;
}

function flag(argv: CommandArg[], on: unknown, word: string): void {
  if (on) argv.push(word);
}

function exclusive(command: string, p: unknown[], names: string[], indexes: number[]): void {
  const given = indexes.filter((i) => p[i] !== undefined && p[i] !== false);
  if (given.length > 1) {
    throw new DataError(`${command}: ${given.map((i) => `'${names[i]}'`).join(" and ")} are mutually exclusive`);
  }
}

const SET_PARAMS = ["name", "value", "ex?:num", "px?:num", "nx?:bool", "xx?:bool", "keepttl?:bool", "get?:bool", "exat?:num", "pxat?:num"];
const SET_NAMES = SET_PARAMS.map((p) => p.replace(/[?:].*$/, ""));

export const CORE_COMMANDS: Record<string, CommandSpec> = defineCommands({
  ping: { command: "PING", params: [], build: () => ["PING"], reply: pong },
  echo: { command: "ECHO", params: ["value"], build: (p) => ["ECHO", p[0] as CommandArg] },
  get: { command: "GET", params: ["name"], build: (p) => ["GET", p[0] as CommandArg], readonly: true },
  set: {
    command: "SET",
    params: SET_PARAMS,
    build(p) {
      const argv: CommandArg[] = ["SET", p[0] as CommandArg, p[1] as CommandArg];
      exclusive("SET", p, SET_NAMES, [2, 3, 6, 8, 9]);
      exclusive("SET", p, SET_NAMES, [4, 5]);
      if (p[2] !== undefined) argv.push("EX", p[2] as number);
      if (p[3] !== undefined) argv.push("PX", p[3] as number);
      if (p[8] !== undefined) argv.push("EXAT", p[8] as number);
      if (p[9] !== undefined) argv.push("PXAT", p[9] as number);
      flag(argv, p[6], "KEEPTTL");
      flag(argv, p[4], "NX");
      flag(argv, p[5], "XX");
      flag(argv, p[7], "GET");
      return argv;
    },
    reply: (reply, p) => (p[7] ? reply : reply === null ? null : true),
  },
  incr: {
    command: "INCRBY",
    params: ["name", "amount?:int"],
    build: (p) => ["INCRBY", p[0] as CommandArg, (p[1] as number | undefined) ?? 1],
  },
  delete: { command: "DEL", params: ["...names:list"], build: (p) => ["DEL", ...nonEmpty("DEL", p[0])] },
  exists: { command: "EXISTS", params: ["...names:list"], build: (p) => ["EXISTS", ...nonEmpty("EXISTS", p[0])], readonly: true },
  expire: {
    command: "EXPIRE",
    params: ["name", "time:int", "nx?:bool", "xx?:bool", "gt?:bool", "lt?:bool"],
    build(p) {
      exclusive("EXPIRE", p, ["name", "time", "nx", "xx", "gt", "lt"], [2, 3, 4, 5]);
      const argv: CommandArg[] = ["EXPIRE", p[0] as CommandArg, p[1] as number];
      flag(argv, p[2], "NX");
      flag(argv, p[3], "XX");
      flag(argv, p[4], "GT");
      flag(argv, p[5], "LT");
      return argv;
    },
    reply: toBool,
  },
  ttl: { command: "TTL", params: ["name"], build: (p) => ["TTL", p[0] as CommandArg], readonly: true },
  mget: {
    command: "MGET",
    params: ["keys:list", "...args"],
    build: (p) => ["MGET", ...nonEmpty("MGET", [...(p[0] as CommandArg[]), ...(p[1] as CommandArg[])])],
    readonly: true,
  },
  mset: {
    command: "MSET",
    params: ["mapping:map"],
    build(p) {
      const argv: CommandArg[] = ["MSET"];
      pushMapping({ command: "MSET" }, "mapping", argv, p[0]);
      return argv;
    },
    reply: okToTrue,
  },
  publish: { command: "PUBLISH", params: ["channel", "message"], build: (p) => ["PUBLISH", p[0] as CommandArg, p[1] as CommandArg] },
});

function nonEmpty(command: string, values: unknown): CommandArg[] {
  const list = values as CommandArg[];
  if (list.length === 0) throw new DataError(`${command} needs at least one key`);
  return list;
}
