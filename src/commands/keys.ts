import { DataError } from "../errors.js";
import type { CommandArg, RespValue } from "../protocol/index.js";
import { absTime, exclusive, help, nonEmpty, oneKey, oneOf, pushFlag, scanArgs } from "./args.js";
import { okToTrue, parseScan, toArray, toBool } from "./replies.js";
import { defineCommands, type CommandSpec } from "./spec.js";
import type { EncodableT, KeyT, Ret } from "./types.js";

/** An absolute expiry (redis-py's `AbsExpiryT`): Unix time as a number, or a `Date`. */
export type AbsExpiryT = number | bigint | Date;

/** NX/XX/GT/LT of EXPIRE, EXPIREAT, PEXPIRE, PEXPIREAT. NX excludes the others; GT excludes LT. */
export interface ExpireOptions {
  /** Set the expiry only when the key has none. */
  nx?: boolean;
  /** Set the expiry only when the key has one. */
  xx?: boolean;
  /** Set the expiry only when the new one is later. */
  gt?: boolean;
  /** Set the expiry only when the new one is sooner. */
  lt?: boolean;
}

export interface CopyOptions {
  /** Copy into this database instead of the current one. */
  destinationDb?: number | null;
  /** Overwrite the destination key if it exists. */
  replace?: boolean;
}

export interface MigrateOptions {
  /** Keep the keys on the source server. */
  copy?: boolean;
  /** Overwrite the keys on the destination server. */
  replace?: boolean;
  /** The destination server's password. */
  auth?: EncodableT | null;
}

export interface RestoreOptions {
  /** Overwrite an existing key. */
  replace?: boolean;
  /** `ttl` is an absolute Unix time in milliseconds. */
  absttl?: boolean;
  /** The key's idle time in seconds, for LRU eviction. */
  idletime?: number | null;
  /** The key's access frequency counter, for LFU eviction. */
  frequency?: number | null;
}

export interface ScanOptions {
  /** Only keys matching this glob-style pattern. */
  match?: EncodableT | null;
  /** How much work the server does per call (a hint). */
  count?: number | null;
  /** Only keys of this type ("string", "list", "set", "zset", "hash", "stream", or a module type). redis-py's `_type`. */
  type?: string | null;
}

export interface SortRoOptions {
  /** With `num`: skip this many elements (LIMIT start num). */
  start?: number | null;
  /** With `start`: return at most this many elements. */
  num?: number | null;
  /** Sort by the values of external keys; `*` stands for the element. */
  by?: EncodableT | null;
  /** Return the values of external keys (one pattern or several) instead of the elements. */
  get?: EncodableT | EncodableT[] | null;
  desc?: boolean;
  /** Sort lexicographically instead of numerically. */
  alpha?: boolean;
}

export interface SortOptions extends SortRoOptions {
  /** Store the result in this key; the reply is then its length. */
  store?: KeyT | null;
  /** Group the `get` values of each element into an array (needs at least two `get` patterns). */
  groups?: boolean;
}

/** OBJECT's subcommands as redis-py's `object(infotype, key)` takes them. */
export type ObjectInfoType = "encoding" | "freq" | "idletime" | "refcount" | "ENCODING" | "FREQ" | "IDLETIME" | "REFCOUNT";

/** The generic (keyspace) commands of Redis 7.0. */
export interface KeyCommands<T, M> {
  /** COPY: `true` when the key was copied. */
  copy(source: KeyT, destination: KeyT, options?: CopyOptions): Ret<M, boolean>;
  copy(source: KeyT, destination: KeyT, destinationDb?: number | null, replace?: boolean): Ret<M, boolean>;
  /** DEL: the number of keys removed. */
  delete(...names: KeyT[]): Ret<M, number>;
  delete(names: KeyT[]): Ret<M, number>;
  /** DUMP: the serialized value, always a Buffer (never decoded, whatever `decodeResponses` says); `null` when the key does not exist. */
  dump(name: KeyT): Ret<M, Buffer | null>;
  /** EXISTS: how many of the keys exist (a key named twice counts twice). */
  exists(...names: KeyT[]): Ret<M, number>;
  exists(names: KeyT[]): Ret<M, number>;
  /** EXPIRE: `true` when the timeout was set. */
  expire(name: KeyT, time: number, options?: ExpireOptions): Ret<M, boolean>;
  expire(name: KeyT, time: number, nx?: boolean, xx?: boolean, gt?: boolean, lt?: boolean): Ret<M, boolean>;
  /** EXPIREAT: `when` in Unix seconds, or a Date. */
  expireat(name: KeyT, when: AbsExpiryT, options?: ExpireOptions): Ret<M, boolean>;
  expireat(name: KeyT, when: AbsExpiryT, nx?: boolean, xx?: boolean, gt?: boolean, lt?: boolean): Ret<M, boolean>;
  /** EXPIRETIME: Unix seconds; -1 without expiry, -2 when the key does not exist. */
  expiretime(key: KeyT): Ret<M, number>;
  /** KEYS (pattern defaults to "*"). */
  keys(pattern?: EncodableT): Ret<M, T[]>;
  /**
   * MIGRATE host port "" destinationDb timeout [COPY] [REPLACE] [AUTH password] KEYS key...:
   * the server's status, "OK" or "NOKEY" (as redis-py, which returns it unparsed).
   */
  migrate(host: string, port: number, keys: KeyT | KeyT[], destinationDb: number, timeout: number, options?: MigrateOptions): Ret<M, T>;
  migrate(host: string, port: number, keys: KeyT | KeyT[], destinationDb: number, timeout: number, copy?: boolean, replace?: boolean, auth?: EncodableT | null): Ret<M, T>;
  /** MOVE: `true` when the key was moved. */
  move(name: KeyT, db: number): Ret<M, boolean>;
  /** OBJECT ENCODING|FREQ|IDLETIME|REFCOUNT key (redis-py's `object`); `null` when the key does not exist. */
  object(infotype: "encoding" | "ENCODING", key: KeyT): Ret<M, T | null>;
  object(infotype: "freq" | "idletime" | "refcount" | "FREQ" | "IDLETIME" | "REFCOUNT", key: KeyT): Ret<M, number | null>;
  object(infotype: string, key: KeyT): Ret<M, T | number | null>;
  /** OBJECT ENCODING: the internal encoding ("listpack", "int"...); `null` when the key does not exist. */
  objectEncoding(key: KeyT): Ret<M, T | null>;
  /** OBJECT FREQ: the LFU counter (needs an LFU maxmemory-policy); `null` when the key does not exist. */
  objectFreq(key: KeyT): Ret<M, number | null>;
  /** OBJECT IDLETIME: seconds since the last access (not with an LFU policy); `null` when the key does not exist. */
  objectIdletime(key: KeyT): Ret<M, number | null>;
  /** OBJECT REFCOUNT; `null` when the key does not exist. */
  objectRefcount(key: KeyT): Ret<M, number | null>;
  /** OBJECT HELP: the help lines, as strings. */
  objectHelp(): Ret<M, string[]>;
  /** PERSIST: `true` when a timeout was removed. */
  persist(name: KeyT): Ret<M, boolean>;
  /** PEXPIRE: `time` in milliseconds. */
  pexpire(name: KeyT, time: number, options?: ExpireOptions): Ret<M, boolean>;
  pexpire(name: KeyT, time: number, nx?: boolean, xx?: boolean, gt?: boolean, lt?: boolean): Ret<M, boolean>;
  /** PEXPIREAT: `when` in Unix milliseconds, or a Date. */
  pexpireat(name: KeyT, when: AbsExpiryT, options?: ExpireOptions): Ret<M, boolean>;
  pexpireat(name: KeyT, when: AbsExpiryT, nx?: boolean, xx?: boolean, gt?: boolean, lt?: boolean): Ret<M, boolean>;
  /** PEXPIRETIME: Unix milliseconds; -1 without expiry, -2 when the key does not exist. */
  pexpiretime(key: KeyT): Ret<M, number>;
  /** PTTL: milliseconds left; -1 without expiry, -2 when the key does not exist. */
  pttl(name: KeyT): Ret<M, number>;
  /** RANDOMKEY; `null` when the database is empty. */
  randomkey(): Ret<M, T | null>;
  /** RENAME: `true` (errors when `src` does not exist). */
  rename(src: KeyT, dst: KeyT): Ret<M, boolean>;
  /** RENAMENX: `true` when renamed, `false` when `dst` exists. */
  renamenx(src: KeyT, dst: KeyT): Ret<M, boolean>;
  /** RESTORE from a DUMP payload: the server's status "OK" (as redis-py, which returns it unparsed). */
  restore(name: KeyT, ttl: number, value: EncodableT, options?: RestoreOptions): Ret<M, T>;
  restore(name: KeyT, ttl: number, value: EncodableT, replace?: boolean, absttl?: boolean, idletime?: number | null, frequency?: number | null): Ret<M, T>;
  /** SCAN: `[nextCursor, keys]`; the iteration is over when the cursor is 0. See `scanIter`. */
  scan(options?: ScanOptions & { cursor?: number | string }): Ret<M, [number, T[]]>;
  scan(cursor?: number | string, options?: ScanOptions): Ret<M, [number, T[]]>;
  scan(cursor?: number | string, match?: EncodableT | null, count?: number | null, type?: string | null): Ret<M, [number, T[]]>;
  /**
   * SORT: the sorted elements (`null` for a `get` pattern whose key is missing); with `groups`,
   * arrays of the `get` values of each element; with `store`, the length of the stored list.
   */
  sort(name: KeyT, options: SortOptions & { store: KeyT }): Ret<M, number>;
  sort(name: KeyT, options: SortOptions & { groups: true }): Ret<M, (T | null)[][]>;
  sort(name: KeyT, options?: SortOptions): Ret<M, (T | null)[]>;
  sort(
    name: KeyT,
    start?: number | null,
    num?: number | null,
    by?: EncodableT | null,
    get?: EncodableT | EncodableT[] | null,
    desc?: boolean,
    alpha?: boolean,
    store?: KeyT | null,
    groups?: boolean,
  ): Ret<M, (T | null)[] | (T | null)[][] | number>;
  /** SORT_RO: the read-only SORT. */
  sortRo(key: KeyT, options?: SortRoOptions): Ret<M, (T | null)[]>;
  sortRo(
    key: KeyT,
    start?: number | null,
    num?: number | null,
    by?: EncodableT | null,
    get?: EncodableT | EncodableT[] | null,
    desc?: boolean,
    alpha?: boolean,
  ): Ret<M, (T | null)[]>;
  /** TOUCH: how many of the keys exist. */
  touch(...args: KeyT[]): Ret<M, number>;
  touch(args: KeyT[]): Ret<M, number>;
  /** TTL: seconds left; -1 without expiry, -2 when the key does not exist. */
  ttl(name: KeyT): Ret<M, number>;
  /** TYPE: "string", "list", "set", "zset", "hash", "stream" or "none". */
  type(name: KeyT): Ret<M, T>;
  /** UNLINK: the number of keys removed (memory is reclaimed in the background). */
  unlink(...names: KeyT[]): Ret<M, number>;
  unlink(names: KeyT[]): Ret<M, number>;
  /** WAIT: blocks until `numReplicas` replicas acknowledged the writes or `timeout` ms passed (0: forever); the number of replicas that did. */
  wait(numReplicas: number, timeout: number): Ret<M, number>;
}

const EXPIRE_PARAMS = ["name", "time:int", "nx?:bool", "xx?:bool", "gt?:bool", "lt?:bool"];
const EXPIREAT_PARAMS = ["name", "when:any", "nx?:bool", "xx?:bool", "gt?:bool", "lt?:bool"];

/**
 * The NX/XX/GT/LT flags of EXPIRE and its siblings, checked as the server does: NX excludes
 * the other three, GT excludes LT (XX may combine with GT or LT).
 */
function pushExpireFlags(command: string, argv: CommandArg[], nx: unknown, xx: unknown, gt: unknown, lt: unknown): void {
  exclusive(command, { nx, xx });
  exclusive(command, { nx, gt });
  exclusive(command, { nx, lt });
  exclusive(command, { gt, lt });
  pushFlag(argv, nx, "NX");
  pushFlag(argv, xx, "XX");
  pushFlag(argv, gt, "GT");
  pushFlag(argv, lt, "LT");
}

function expireSpec(command: string, at: boolean) {
  return {
    command,
    params: at ? EXPIREAT_PARAMS : EXPIRE_PARAMS,
    build(p: unknown[]): CommandArg[] {
      const time = at ? absTime(command, "when", p[1], command === "PEXPIREAT") : (p[1] as number);
      const argv: CommandArg[] = [command, p[0] as CommandArg, time];
      pushExpireFlags(command, argv, p[2], p[3], p[4], p[5]);
      return argv;
    },
    reply: toBool,
  };
}

/** SORT and SORT_RO words after the key; `groups` is checked by SORT only. */
function sortArgs(command: string, p: unknown[]): CommandArg[] {
  const [name, start, num, by, get, desc, alpha] = p;
  if ((start === undefined) !== (num === undefined)) {
    throw new DataError(`${command}: 'start' and 'num' must both be specified`);
  }
  const argv: CommandArg[] = [command, name as CommandArg];
  if (by !== undefined) argv.push("BY", by as CommandArg);
  if (start !== undefined) argv.push("LIMIT", start as number, num as number);
  if (get !== undefined) for (const g of get as CommandArg[]) argv.push("GET", g);
  if (desc) argv.push("DESC");
  if (alpha) argv.push("ALPHA");
  return argv;
}

const OBJECT_INFOTYPES = ["ENCODING", "FREQ", "IDLETIME", "REFCOUNT"] as const;

export const KEY_COMMANDS: Record<string, CommandSpec> = defineCommands({
  copy: {
    command: "COPY",
    params: ["source", "destination", "destinationDb?:int", "replace?:bool"],
    build(p) {
      const argv: CommandArg[] = ["COPY", p[0] as CommandArg, p[1] as CommandArg];
      if (p[2] !== undefined) argv.push("DB", p[2] as number);
      if (p[3]) argv.push("REPLACE");
      return argv;
    },
    reply: toBool,
  },
  delete: { command: "DEL", params: ["...names:list"], build: (p) => ["DEL", ...nonEmpty("DEL", "names", p[0], "at least one key")] },
  // A binary payload: never decoded, so it is a Buffer even with decodeResponses.
  dump: { ...oneKey("DUMP", true), decode: false },
  exists: { command: "EXISTS", params: ["...names:list"], build: (p) => ["EXISTS", ...nonEmpty("EXISTS", "names", p[0], "at least one key")], readonly: true },
  expire: expireSpec("EXPIRE", false),
  expireat: expireSpec("EXPIREAT", true),
  expiretime: oneKey("EXPIRETIME", true, "key"),
  keys: { command: "KEYS", params: ["pattern?"], build: (p) => ["KEYS", (p[0] as CommandArg | undefined) ?? "*"], readonly: true },
  migrate: {
    command: "MIGRATE",
    params: ["host", "port:int", "keys:list", "destinationDb:int", "timeout:int", "copy?:bool", "replace?:bool", "auth?"],
    build(p) {
      const keys = nonEmpty("MIGRATE", "keys", p[2], "at least one key");
      const argv: CommandArg[] = ["MIGRATE", p[0] as CommandArg, p[1] as number, "", p[3] as number, p[4] as number];
      if (p[5]) argv.push("COPY");
      if (p[6]) argv.push("REPLACE");
      if (p[7] !== undefined) argv.push("AUTH", p[7] as CommandArg);
      argv.push("KEYS", ...keys);
      return argv;
    },
  },
  move: { command: "MOVE", params: ["name", "db:int"], build: (p) => ["MOVE", p[0] as CommandArg, p[1] as number], reply: toBool },
  object: {
    command: "OBJECT",
    params: ["infotype", "key"],
    build: (p) => ["OBJECT", oneOf("OBJECT", "infotype", p[0], OBJECT_INFOTYPES, true), p[1] as CommandArg],
    readonly: true,
  },
  objectEncoding: oneKey("OBJECT ENCODING", true, "key"),
  objectFreq: oneKey("OBJECT FREQ", true, "key"),
  objectIdletime: oneKey("OBJECT IDLETIME", true, "key"),
  objectRefcount: oneKey("OBJECT REFCOUNT", true, "key"),
  objectHelp: { ...help("OBJECT"), readonly: true },
  persist: { ...oneKey("PERSIST", false), reply: toBool },
  pexpire: expireSpec("PEXPIRE", false),
  pexpireat: expireSpec("PEXPIREAT", true),
  pexpiretime: oneKey("PEXPIRETIME", true, "key"),
  pttl: oneKey("PTTL", true),
  randomkey: { command: "RANDOMKEY", params: [], build: () => ["RANDOMKEY"], readonly: true },
  rename: { command: "RENAME", params: ["src", "dst"], build: (p) => ["RENAME", p[0] as CommandArg, p[1] as CommandArg], reply: okToTrue },
  renamenx: { command: "RENAMENX", params: ["src", "dst"], build: (p) => ["RENAMENX", p[0] as CommandArg, p[1] as CommandArg], reply: toBool },
  restore: {
    command: "RESTORE",
    params: ["name", "ttl:num", "value", "replace?:bool", "absttl?:bool", "idletime?:int", "frequency?:int"],
    build(p) {
      const argv: CommandArg[] = ["RESTORE", p[0] as CommandArg, p[1] as number, p[2] as CommandArg];
      if (p[3]) argv.push("REPLACE");
      if (p[4]) argv.push("ABSTTL");
      if (p[5] !== undefined) argv.push("IDLETIME", p[5] as number);
      if (p[6] !== undefined) argv.push("FREQ", p[6] as number);
      return argv;
    },
  },
  scan: {
    command: "SCAN",
    params: ["cursor?", "match?", "count?:int", "type?"],
    build(p) {
      const argv = scanArgs(["SCAN"], p[0], p[1], p[2]);
      if (p[3] !== undefined) argv.push("TYPE", p[3] as CommandArg);
      return argv;
    },
    reply: (r) => parseScan(r, toArray),
    readonly: true,
  },
  sort: {
    command: "SORT",
    params: ["name", "start?:int", "num?:int", "by?", "get?:list", "desc?:bool", "alpha?:bool", "store?", "groups?:bool"],
    build(p) {
      const argv = sortArgs("SORT", p);
      if (p[7] !== undefined) argv.push("STORE", p[7] as CommandArg);
      if (p[8] && (p[4] === undefined || (p[4] as unknown[]).length < 2)) {
        throw new DataError(`SORT: with 'groups', 'get' must be given and name at least two patterns`);
      }
      return argv;
    },
    reply(reply, p) {
      const n = p[8] ? (p[4] as unknown[]).length : 0;
      if (!n || !Array.isArray(reply)) return reply;
      const groups: RespValue[][] = [];
      for (let i = 0; i + n <= reply.length; i += n) groups.push(reply.slice(i, i + n));
      return groups;
    },
  },
  sortRo: {
    command: "SORT_RO",
    params: ["key", "start?:int", "num?:int", "by?", "get?:list", "desc?:bool", "alpha?:bool"],
    build: (p) => sortArgs("SORT_RO", p),
    readonly: true,
  },
  touch: { command: "TOUCH", params: ["...args:list"], build: (p) => ["TOUCH", ...nonEmpty("TOUCH", "args", p[0], "at least one key")], readonly: true },
  ttl: oneKey("TTL", true),
  type: oneKey("TYPE", true),
  unlink: { command: "UNLINK", params: ["...names:list"], build: (p) => ["UNLINK", ...nonEmpty("UNLINK", "names", p[0], "at least one key")] },
  wait: { command: "WAIT", params: ["numReplicas:int", "timeout:int"], build: (p) => ["WAIT", p[0] as number, p[1] as number] },
});
