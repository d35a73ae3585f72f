import { DataError } from "../errors.js";
import type { CommandArg, RespValue } from "../protocol/index.js";
import { absTime, exclusive, help, nonEmpty, oneKey, oneOf, pushFlag, scanArgs } from "./args.js";
import { okToTrue, parseScan, toArray, toBool, toNumber } from "./replies.js";
import { defineCommands, type CommandDef, type CommandSpec } from "./spec.js";
import type { EncodableT, IntReply, KeyT, Ret, Without } from "./types.js";

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
  copy(source: KeyT, destination: KeyT, destinationDb: number | null, options: Without<CopyOptions, "destinationDb">): Ret<M, boolean>;
  copy(source: KeyT, destination: KeyT, destinationDb?: number | null, replace?: boolean): Ret<M, boolean>;
  /** DEL: the number of keys removed. */
  delete(...names: KeyT[]): Ret<M, number>;
  delete(names: KeyT[]): Ret<M, number>;
  /** Alias of `delete` (the command's own name, as Node clients call it): DEL, the number of keys removed. */
  del(...names: KeyT[]): Ret<M, number>;
  del(names: KeyT[]): Ret<M, number>;
  /** DUMP: the serialized value, always a Buffer (never decoded, whatever `decodeResponses` says); `null` when the key does not exist. */
  dump(name: KeyT): Ret<M, Buffer | null>;
  /** EXISTS: how many of the keys exist (a key named twice counts twice). */
  exists(...names: KeyT[]): Ret<M, number>;
  exists(names: KeyT[]): Ret<M, number>;
  /** EXPIRE: `true` when the timeout was set. */
  expire(name: KeyT, time: number, options?: ExpireOptions): Ret<M, boolean>;
  expire(name: KeyT, time: number, nx: boolean, options: Without<ExpireOptions, "nx">): Ret<M, boolean>;
  expire(name: KeyT, time: number, nx?: boolean, xx?: boolean, gt?: boolean, lt?: boolean): Ret<M, boolean>;
  /** EXPIREAT: `when` in Unix seconds, or a Date. */
  expireat(name: KeyT, when: AbsExpiryT, options?: ExpireOptions): Ret<M, boolean>;
  expireat(name: KeyT, when: AbsExpiryT, nx: boolean, options: Without<ExpireOptions, "nx">): Ret<M, boolean>;
  expireat(name: KeyT, when: AbsExpiryT, nx?: boolean, xx?: boolean, gt?: boolean, lt?: boolean): Ret<M, boolean>;
  /** EXPIRETIME: Unix seconds; -1 without expiry, -2 when the key does not exist. */
  expiretime(key: KeyT): Ret<M, IntReply>;
  /** KEYS (pattern defaults to "*"). */
  keys(pattern?: EncodableT): Ret<M, T[]>;
  /**
   * MIGRATE host port "" destinationDb timeout [COPY] [REPLACE] [AUTH password] KEYS key...:
   * the server's status, "OK" or "NOKEY" (as redis-py, which returns it unparsed).
   */
  migrate(host: string, port: number, keys: KeyT | KeyT[], destinationDb: number, timeout: number, options?: MigrateOptions): Ret<M, T>;
  migrate(
    host: string,
    port: number,
    keys: KeyT | KeyT[],
    destinationDb: number,
    timeout: number,
    copy: boolean,
    options: Without<MigrateOptions, "copy">,
  ): Ret<M, T>;
  migrate(
    host: string,
    port: number,
    keys: KeyT | KeyT[],
    destinationDb: number,
    timeout: number,
    copy?: boolean,
    replace?: boolean,
    auth?: EncodableT | null,
  ): Ret<M, T>;
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
  pexpire(name: KeyT, time: number, nx: boolean, options: Without<ExpireOptions, "nx">): Ret<M, boolean>;
  pexpire(name: KeyT, time: number, nx?: boolean, xx?: boolean, gt?: boolean, lt?: boolean): Ret<M, boolean>;
  /** PEXPIREAT: `when` in Unix milliseconds, or a Date. */
  pexpireat(name: KeyT, when: AbsExpiryT, options?: ExpireOptions): Ret<M, boolean>;
  pexpireat(name: KeyT, when: AbsExpiryT, nx: boolean, options: Without<ExpireOptions, "nx">): Ret<M, boolean>;
  pexpireat(name: KeyT, when: AbsExpiryT, nx?: boolean, xx?: boolean, gt?: boolean, lt?: boolean): Ret<M, boolean>;
  /** PEXPIRETIME: Unix milliseconds; -1 without expiry, -2 when the key does not exist. */
  pexpiretime(key: KeyT): Ret<M, IntReply>;
  /** PTTL: milliseconds left; -1 without expiry, -2 when the key does not exist. */
  pttl(name: KeyT): Ret<M, IntReply>;
  /** RANDOMKEY; `null` when the database is empty. */
  randomkey(): Ret<M, T | null>;
  /** RENAME: `true` (errors when `src` does not exist). */
  rename(src: KeyT, dst: KeyT): Ret<M, boolean>;
  /** RENAMENX: `true` when renamed, `false` when `dst` exists. */
  renamenx(src: KeyT, dst: KeyT): Ret<M, boolean>;
  /** RESTORE from a DUMP payload: the server's status "OK" (as redis-py, which returns it unparsed). */
  restore(name: KeyT, ttl: number, value: EncodableT, options?: RestoreOptions): Ret<M, T>;
  restore(name: KeyT, ttl: number, value: EncodableT, replace: boolean, options: Without<RestoreOptions, "replace">): Ret<M, T>;
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
  sort(name: KeyT, start: number | null, options: Without<SortOptions & { store: KeyT }, "start">): Ret<M, number>;
  sort(name: KeyT, options: SortOptions & { groups: true }): Ret<M, (T | null)[][]>;
  sort(name: KeyT, start: number | null, options: Without<SortOptions & { groups: true }, "start">): Ret<M, (T | null)[][]>;
  sort(name: KeyT, options?: SortOptions): Ret<M, (T | null)[]>;
  sort(name: KeyT, start: number | null, options: Without<SortOptions, "start">): Ret<M, (T | null)[]>;
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
  sortRo(key: KeyT, start: number | null, options: Without<SortRoOptions, "start">): Ret<M, (T | null)[]>;
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
  ttl(name: KeyT): Ret<M, IntReply>;
  /** TYPE: "string", "list", "set", "zset", "hash", "stream" or "none". */
  type(name: KeyT): Ret<M, T>;
  /** UNLINK: the number of keys removed (memory is reclaimed in the background). */
  unlink(...names: KeyT[]): Ret<M, number>;
  unlink(names: KeyT[]): Ret<M, number>;
  /** WAIT: blocks until `numReplicas` replicas acknowledged the writes or `timeout` ms passed (0: forever); the number of replicas that did. */
  wait(numReplicas: number, timeout: number): Ret<M, number>;
  /** WAITAOF (Redis 7.2): blocks until the writes are fsynced locally and by `numReplicas` replicas; `[local, replicas]` that did. */
  waitaof(numLocal: number, numReplicas: number, timeout: number): Ret<M, [number, number]>;
}

const EXPIRE_PARAMS = ["name", "time:int", "nx?:bool", "xx?:bool", "gt?:bool", "lt?:bool"] as const;
const EXPIREAT_PARAMS = ["name", "when:any", "nx?:bool", "xx?:bool", "gt?:bool", "lt?:bool"] as const;

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

function expireSpec(command: "EXPIRE" | "PEXPIRE"): CommandDef<typeof EXPIRE_PARAMS> {
  return {
    command,
    params: EXPIRE_PARAMS,
    build({ name, time, nx, xx, gt, lt }) {
      const argv: CommandArg[] = [command, name, time];
      pushExpireFlags(command, argv, nx, xx, gt, lt);
      return argv;
    },
    reply: toBool,
    keys: ["name"],
  };
}

function expireatSpec(command: "EXPIREAT" | "PEXPIREAT"): CommandDef<typeof EXPIREAT_PARAMS> {
  return {
    command,
    params: EXPIREAT_PARAMS,
    build({ name, when, nx, xx, gt, lt }) {
      const argv: CommandArg[] = [command, name, absTime(command, "when", when, command === "PEXPIREAT")];
      pushExpireFlags(command, argv, nx, xx, gt, lt);
      return argv;
    },
    reply: toBool,
    keys: ["name"],
  };
}

/** SORT and SORT_RO words after the key; `groups` is checked by SORT only. */
function sortArgs(
  command: string,
  name: CommandArg,
  {
    start,
    num,
    by,
    get,
    desc,
    alpha,
  }: { start?: number | bigint | string; num?: number | bigint | string; by?: CommandArg; get?: CommandArg[]; desc?: boolean; alpha?: boolean },
): CommandArg[] {
  if ((start === undefined) !== (num === undefined)) {
    throw new DataError(`${command}: 'start' and 'num' must both be specified`);
  }
  const argv: CommandArg[] = [command, name];
  if (by !== undefined) argv.push("BY", by);
  if (start !== undefined) argv.push("LIMIT", start, num!);
  if (get !== undefined) for (const g of get) argv.push("GET", g);
  if (desc) argv.push("DESC");
  if (alpha) argv.push("ALPHA");
  return argv;
}

const OBJECT_INFOTYPES = ["ENCODING", "FREQ", "IDLETIME", "REFCOUNT"] as const;

export const KEY_COMMANDS: Record<string, CommandSpec> = defineCommands({
  copy: {
    command: "COPY",
    params: ["source", "destination", "destinationDb?:int", "replace?:bool"],
    keys: ["source", "destination"],
    build({ source, destination, destinationDb, replace }) {
      const argv: CommandArg[] = ["COPY", source, destination];
      if (destinationDb !== undefined) argv.push("DB", destinationDb as number);
      if (replace) argv.push("REPLACE");
      return argv;
    },
    reply: toBool,
  },
  delete: { command: "DEL", params: ["...names:list"], build: ({ names }) => ["DEL", ...nonEmpty("DEL", "names", names, "at least one key")], keys: ["names"] },
  del: { command: "DEL", params: ["...names:list"], build: ({ names }) => ["DEL", ...nonEmpty("DEL", "names", names, "at least one key")], keys: ["names"] },
  // A binary payload: never decoded, so it is a Buffer even with decodeResponses.
  dump: { ...oneKey("DUMP", true), decode: false },
  exists: {
    command: "EXISTS",
    params: ["...names:list"],
    build: ({ names }) => ["EXISTS", ...nonEmpty("EXISTS", "names", names, "at least one key")],
    readonly: true,
    keys: ["names"],
  },
  expire: expireSpec("EXPIRE"),
  expireat: expireatSpec("EXPIREAT"),
  expiretime: oneKey("EXPIRETIME", true, "key"),
  keys: { command: "KEYS", params: ["pattern?"], build: ({ pattern }) => ["KEYS", (pattern as CommandArg | undefined) ?? "*"], readonly: true },
  migrate: {
    command: "MIGRATE",
    params: ["host", "port:int", "keys:list", "destinationDb:int", "timeout:int", "copy?:bool", "replace?:bool", "auth?"],
    keys: ["keys"],
    build(p) {
      const keys = nonEmpty("MIGRATE", "keys", p.keys, "at least one key");
      const argv: CommandArg[] = ["MIGRATE", p.host, p.port as number, "", p.destinationDb as number, p.timeout as number];
      if (p.copy) argv.push("COPY");
      if (p.replace) argv.push("REPLACE");
      if (p.auth !== undefined) argv.push("AUTH", p.auth);
      argv.push("KEYS", ...keys);
      return argv;
    },
  },
  move: { command: "MOVE", params: ["name", "db:int"], build: ({ name, db }) => ["MOVE", name, db as number], reply: toBool, keys: ["name"] },
  object: {
    command: "OBJECT",
    params: ["infotype", "key"],
    keys: ["key"],
    build: ({ infotype, key }) => ["OBJECT", oneOf("OBJECT", "infotype", infotype, OBJECT_INFOTYPES, true), key],
    readonly: true,
  },
  objectEncoding: oneKey("OBJECT ENCODING", true, "key"),
  objectFreq: oneKey("OBJECT FREQ", true, "key"),
  objectIdletime: oneKey("OBJECT IDLETIME", true, "key"),
  objectRefcount: oneKey("OBJECT REFCOUNT", true, "key"),
  objectHelp: { ...help("OBJECT"), readonly: true },
  persist: { ...oneKey("PERSIST", false), reply: toBool },
  pexpire: expireSpec("PEXPIRE"),
  pexpireat: expireatSpec("PEXPIREAT"),
  pexpiretime: oneKey("PEXPIRETIME", true, "key"),
  pttl: oneKey("PTTL", true),
  randomkey: { command: "RANDOMKEY", params: [], build: () => ["RANDOMKEY"], readonly: true },
  rename: { command: "RENAME", params: ["src", "dst"], build: ({ src, dst }) => ["RENAME", src, dst], reply: okToTrue, keys: ["src", "dst"] },
  renamenx: { command: "RENAMENX", params: ["src", "dst"], build: ({ src, dst }) => ["RENAMENX", src, dst], reply: toBool, keys: ["src", "dst"] },
  restore: {
    command: "RESTORE",
    params: ["name", "ttl:num", "value", "replace?:bool", "absttl?:bool", "idletime?:int", "frequency?:int"],
    keys: ["name"],
    build({ name, ttl, value, replace, absttl, idletime, frequency }) {
      const argv: CommandArg[] = ["RESTORE", name, ttl as number, value];
      if (replace) argv.push("REPLACE");
      if (absttl) argv.push("ABSTTL");
      if (idletime !== undefined) argv.push("IDLETIME", idletime as number);
      if (frequency !== undefined) argv.push("FREQ", frequency as number);
      return argv;
    },
  },
  scan: {
    command: "SCAN",
    params: ["cursor?", "match?", "count?:int", "type?"],
    build({ cursor, match, count, type }) {
      const argv = scanArgs(["SCAN"], cursor, match, count);
      if (type !== undefined) argv.push("TYPE", type);
      return argv;
    },
    reply: (r) => parseScan(r, toArray),
    readonly: true,
  },
  sort: {
    command: "SORT",
    params: ["name", "start?:int", "num?:int", "by?", "get?:list", "desc?:bool", "alpha?:bool", "store?", "groups?:bool"],
    keys: ["name", "store"],
    build(p) {
      const argv = sortArgs("SORT", p.name, p);
      if (p.store !== undefined) argv.push("STORE", p.store);
      if (p.groups && (p.get === undefined || p.get.length < 2)) {
        throw new DataError(`SORT: with 'groups', 'get' must be given and name at least two patterns`);
      }
      return argv;
    },
    reply(reply, p) {
      const n = p.groups ? p.get!.length : 0;
      if (!n || !Array.isArray(reply)) return reply;
      const groups: RespValue[][] = [];
      for (let i = 0; i + n <= reply.length; i += n) groups.push(reply.slice(i, i + n));
      return groups;
    },
  },
  sortRo: {
    command: "SORT_RO",
    params: ["key", "start?:int", "num?:int", "by?", "get?:list", "desc?:bool", "alpha?:bool"],
    keys: ["key"],
    build: (p) => sortArgs("SORT_RO", p.key, p),
    readonly: true,
  },
  touch: {
    command: "TOUCH",
    params: ["...args:list"],
    build: ({ args }) => ["TOUCH", ...nonEmpty("TOUCH", "args", args, "at least one key")],
    readonly: true,
    keys: ["args"],
  },
  ttl: oneKey("TTL", true),
  type: oneKey("TYPE", true),
  unlink: {
    command: "UNLINK",
    params: ["...names:list"],
    build: ({ names }) => ["UNLINK", ...nonEmpty("UNLINK", "names", names, "at least one key")],
    keys: ["names"],
  },
  wait: {
    command: "WAIT",
    params: ["numReplicas:int", "timeout:int"],
    build: ({ numReplicas, timeout }) => ["WAIT", numReplicas, timeout],
    blocking: { at: -1, unit: "ms" },
  },
  waitaof: {
    command: "WAITAOF",
    params: ["numLocal:int", "numReplicas:int", "timeout:int"],
    build: ({ numLocal, numReplicas, timeout }) => ["WAITAOF", numLocal, numReplicas, timeout],
    reply: (reply) => toArray(reply).map(toNumber),
    blocking: { at: -1, unit: "ms" },
  },
});
