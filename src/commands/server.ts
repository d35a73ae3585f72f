import { DataError, RedisError, ConnectionError } from "../errors.js";
import type { CommandArg, RespValue } from "../protocol/index.js";
import { arg, argList, exclusive, help, pushFlag, rest } from "./args.js";
import { boolOk, pyInt, objectList, okToTrue, setField, str, strOrNull, toArray, toNumber, toObject } from "./replies.js";
import { defineCommands, type CommandSpec } from "./spec.js";
import type { EncodableT, KeyT, Ret, Without } from "./types.js";
import type { ServerClientCommands } from "./server-client.js";
import type { ServerCommandInfoCommands } from "./server-command-info.js";

export type { CommandDoc, CommandInfoEntry, CommandListOptions } from "./server-command-info.js";
export type { ClientKillFilterOptions, ClientListOptions, ClientTrackingInfo, ClientTrackingOptions } from "./server-client.js";

/*
 * Server administration: CONFIG, INFO, LATENCY, MEMORY, MODULE, SLOWLOG, persistence,
 * replication and the like (redis-py's `ManagementCommands` and `ModuleCommands`). CLIENT is in
 * server-client.ts, COMMAND in server-command-info.ts.
 */

// ---- local helpers -------------------------------------------------------------------------

/** Python's `float(text)` for the forms INFO uses, or undefined. */
function pyFloat(text: string): number | undefined {
  const t = text.trim().replace(/_/g, "");
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return Number(t);
  const lower = t.toLowerCase().replace(/^[+-]/, "");
  if (lower === "inf" || lower === "infinity") return t.startsWith("-") ? -Infinity : Infinity;
  if (lower === "nan") return NaN;
  return undefined;
}

/** A RESP3 double, an integer, or a RESP2 bulk string holding a number; other strings as they are. */
export function numberish(reply: RespValue): unknown {
  if (typeof reply === "number") return reply;
  if (typeof reply === "bigint") return Number(reply);
  if (typeof reply === "string" || Buffer.isBuffer(reply)) {
    const text = str(reply);
    const n = pyFloat(text);
    return n === undefined ? text : n;
  }
  return reply;
}

const SPACE = Buffer.from(" ");
const asBuffer = (v: RespValue): Buffer => (Buffer.isBuffer(v) ? v : Buffer.from(str(v)));

// ---- reply parsers -------------------------------------------------------------------------

/** A value of a parsed INFO reply. */
export type InfoValue = string | number | boolean | InfoValue[] | { [key: string]: InfoValue };

function infoValue(value: string): InfoValue {
  if (!value.includes(",") && !value.includes("=")) {
    const n = value.includes(".") ? pyFloat(value) : pyInt(value);
    return n === undefined ? value : n;
  }
  if (!value.includes("="))
    return value
      .split(",")
      .filter((v) => v.length > 0)
      .map(infoValue);
  const sub: Record<string, InfoValue> = {};
  for (const item of value.split(",")) {
    if (!item) continue;
    const eq = item.lastIndexOf("=");
    if (eq !== -1) setField(sub, item.slice(0, eq), infoValue(item.slice(eq + 1)));
    else setField(sub, item, true);
  }
  return sub;
}

/** INFO text into an object, exactly as redis-py's `parse_info`. */
export function parseInfo(reply: RespValue): Record<string, any> {
  const info: Record<string, any> = {};
  for (const line of str(reply).split(/\r\n|\n|\r/)) {
    if (!line || line.startsWith("#")) continue;
    const colon = line.indexOf(":");
    if (colon === -1) {
      (info.__raw__ ??= []).push(line);
      continue;
    }
    let key = line.slice(0, colon);
    let value = line.slice(colon + 1);
    if (key === "cmdstat_host") {
      const last = line.lastIndexOf(":");
      key = line.slice(0, last);
      value = line.slice(last + 1);
    }
    if (key === "module") (info.modules ??= []).push(infoValue(value));
    else setField(info, key, infoValue(value));
  }
  return info;
}

function parseSlowlog(reply: RespValue): SlowlogEntry<any>[] {
  return toArray(reply).map((raw) => {
    const item = toArray(raw);
    const entry: SlowlogEntry<any> = {
      id: toNumber(item[0]!),
      start_time: toNumber(item[1]!),
      duration: toNumber(item[2]!),
      command: null,
    };
    let rest = 3;
    if (!Array.isArray(item[3])) {
      // Redis Enterprise puts the complexity before the command
      entry.complexity = item[3];
      rest = 4;
    }
    const words = toArray(item[rest]!);
    entry.command = words.every((w) => typeof w === "string")
      ? words.join(" ")
      : Buffer.concat(words.flatMap((w, i) => (i === 0 ? [asBuffer(w)] : [SPACE, asBuffer(w)])));
    if (item.length >= rest + 3) {
      entry.client_address = item[rest + 1];
      entry.client_name = item[rest + 2];
    }
    return entry;
  });
}

function parseMemoryStats(reply: RespValue): Record<string, any> {
  return toObject(reply, (value, key) =>
    key.startsWith("db.") && value !== null && typeof value === "object" && !Buffer.isBuffer(value) ? toObject(value, numberish) : numberish(value),
  );
}

// ---- types -------------------------------------------------------------------------------

export interface SlowlogEntry<T> {
  id: number;
  /** Unix time in seconds when the command ran. */
  start_time: number;
  /** Microseconds. */
  duration: number;
  /** The command's words joined by spaces. */
  command: T | null;
  /** Only from Redis Enterprise. */
  complexity?: unknown;
  client_address?: T;
  client_name?: T;
}

export interface ShutdownOptions {
  save?: boolean;
  nosave?: boolean;
  now?: boolean;
  force?: boolean;
  abort?: boolean;
}

export interface FailoverOptions {
  /** `TO host port`: the replica to promote. */
  host?: string | null;
  port?: number | null;
  /** With `host` and `timeout`: fail over even if the replica is not in sync by then. */
  force?: boolean;
  /** Abort a failover in progress. */
  abort?: boolean;
  /** Milliseconds. */
  timeout?: number | null;
}

export interface ModuleLoadexOptions {
  /** `CONFIG name value ...`: flat name/value words. */
  options?: EncodableT[] | null;
  /** `ARGS ...` */
  args?: EncodableT[] | null;
}

/** An entry of LATENCY HISTOGRAM. */
export interface LatencyHistogramEntry {
  calls: number;
  /** Bucket upper bound (microseconds, as a decimal string) -> calls. */
  histogram_usec: Record<string, number>;
}

export interface ServerCommands<T, M> extends ServerClientCommands<T, M>, ServerCommandInfoCommands<T, M> {
  /** BGREWRITEAOF: `true` once the rewrite is scheduled or started. */
  bgrewriteaof(): Ret<M, true>;
  /** BGSAVE [SCHEDULE] (`schedule` defaults to true, as redis-py). */
  bgsave(schedule?: boolean): Ret<M, true>;
  bgsave(options: { schedule?: boolean }): Ret<M, true>;

  /** CONFIG GET pattern [pattern ...] (pattern defaults to `*`): name -> value. */
  configGet(pattern?: EncodableT, ...args: EncodableT[]): Ret<M, Record<string, string>>;
  /** CONFIG SET name value [name value ...] */
  configSet(name: EncodableT, value: EncodableT, ...args: EncodableT[]): Ret<M, boolean>;
  configResetstat(): Ret<M, boolean>;
  configRewrite(): Ret<M, T>;
  configHelp(): Ret<M, string[]>;

  dbsize(): Ret<M, number>;
  /** FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT ms] */
  failover(options?: FailoverOptions): Ret<M, boolean>;
  failover(host: string | null, options: Without<FailoverOptions, "host">): Ret<M, boolean>;
  failover(host?: string | null, port?: number | null, force?: boolean, abort?: boolean, timeout?: number | null): Ret<M, boolean>;
  flushall(asynchronous?: boolean): Ret<M, boolean>;
  flushall(options: { asynchronous?: boolean }): Ret<M, boolean>;
  flushdb(asynchronous?: boolean): Ret<M, boolean>;
  flushdb(options: { asynchronous?: boolean }): Ret<M, boolean>;
  /** INFO [section ...] parsed as redis-py's `parse_info` (numbers typed, `a=1,b=2` as objects). */
  info(section?: string | null, ...args: string[]): Ret<M, Record<string, any>>;
  /** LASTSAVE as a Date (null for a zero timestamp). */
  lastsave(): Ret<M, Date | null>;

  latencyDoctor(): Ret<M, T>;
  latencyGraph(event: EncodableT): Ret<M, T>;
  /** LATENCY HISTOGRAM [command ...] */
  latencyHistogram(...commands: EncodableT[]): Ret<M, Record<string, LatencyHistogramEntry>>;
  /** LATENCY HISTORY event: `[unixTime, latencyMs][]`. */
  latencyHistory(event: EncodableT): Ret<M, [number, number][]>;
  /** LATENCY LATEST: `[event, unixTime, latestMs, maxMs][]`. */
  latencyLatest(): Ret<M, [string, number, number, number][]>;
  /** LATENCY RESET [event ...]: the number of series reset. */
  latencyReset(...events: EncodableT[]): Ret<M, number>;
  latencyHelp(): Ret<M, string[]>;
  /** LOLWUT [VERSION v]: art. */
  lolwut(...versionNumbers: EncodableT[]): Ret<M, T>;

  memoryDoctor(): Ret<M, T>;
  memoryMallocStats(): Ret<M, T>;
  memoryPurge(): Ret<M, boolean>;
  /** MEMORY STATS: numbers typed (RESP2's double strings too), `db.N` entries as objects. */
  memoryStats(): Ret<M, Record<string, any>>;
  /** MEMORY USAGE key [SAMPLES n]: bytes, or null for a missing key. */
  memoryUsage(key: KeyT, samples?: number | null): Ret<M, number | null>;
  memoryUsage(key: KeyT, options: { samples?: number | null }): Ret<M, number | null>;
  memoryHelp(): Ret<M, string[]>;

  /** MODULE LIST: one object per module (`name`, `ver`, `path`, `args`). */
  moduleList(): Ret<M, Record<string, any>[]>;
  moduleLoad(path: EncodableT, ...args: EncodableT[]): Ret<M, boolean>;
  moduleLoadex(path: EncodableT, options?: ModuleLoadexOptions): Ret<M, T>;
  moduleLoadex(path: EncodableT, options?: EncodableT[] | null, args?: EncodableT[] | null): Ret<M, T>;
  moduleUnload(name: EncodableT): Ret<M, boolean>;
  moduleHelp(): Ret<M, string[]>;

  /** REPLICAOF host port, or REPLICAOF NO ONE: the words are sent as given (redis-py's `*args`), the server judges them. */
  replicaof(...args: EncodableT[]): Ret<M, T>;
  /** SLAVEOF host port; without arguments SLAVEOF NO ONE. */
  slaveof(host?: string | null, port?: number | null): Ret<M, boolean>;
  slaveof(options: { host?: string | null; port?: number | null }): Ret<M, boolean>;
  slaveof(host: string | null, options: Without<{ host?: string | null; port?: number | null }, "host">): Ret<M, boolean>;
  /** ROLE, as the server sends it. */
  role(): Ret<M, [T, ...unknown[]]>;
  save(): Ret<M, boolean>;
  /**
   * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]. Resolves `undefined` when the server went
   * away (redis-py treats the lost connection as success); `true` when an ABORT succeeded.
   */
  shutdown(options?: ShutdownOptions): Ret<M, true | undefined>;
  shutdown(save: boolean, options: Without<ShutdownOptions, "save">): Ret<M, true | undefined>;
  shutdown(save?: boolean, nosave?: boolean, now?: boolean, force?: boolean, abort?: boolean): Ret<M, true | undefined>;

  /** SLOWLOG GET [num] parsed into entries (redis-py's `parse_slowlog_get`). */
  slowlogGet(num?: number | null): Ret<M, SlowlogEntry<T>[]>;
  slowlogGet(options: { num?: number | null }): Ret<M, SlowlogEntry<T>[]>;
  slowlogLen(): Ret<M, number>;
  slowlogReset(): Ret<M, boolean>;
  slowlogHelp(): Ret<M, string[]>;
  swapdb(first: number, second: number): Ret<M, boolean>;
  /** TIME: `[seconds, microseconds]`. */
  time(): Ret<M, [number, number]>;
}

// ---- the table -----------------------------------------------------------------------------

export const SERVER_COMMANDS: Record<string, CommandSpec> = defineCommands({
  bgrewriteaof: { command: "BGREWRITEAOF", params: [], build: () => ["BGREWRITEAOF"], reply: () => true },
  bgsave: {
    command: "BGSAVE",
    params: ["schedule?:bool"],
    build: ({ schedule }) => (schedule === false ? ["BGSAVE"] : ["BGSAVE", "SCHEDULE"]),
    reply: () => true,
  },

  configGet: {
    command: "CONFIG GET",
    params: ["pattern?", "...args"],
    build: ({ pattern, args }) => ["CONFIG", "GET", (pattern as CommandArg | undefined) ?? "*", ...rest(args)],
    reply: (r) => toObject(r, strOrNull),
    decode: true,
  },
  configSet: {
    command: "CONFIG SET",
    params: ["name", "value", "...args"],
    build({ name, value, args }) {
      const more = rest(args);
      if (more.length % 2 !== 0) throw new DataError("CONFIG SET takes name/value pairs: a name lacks its value");
      return ["CONFIG", "SET", arg(name), arg(value), ...more];
    },
    reply: boolOk,
  },
  configResetstat: { command: "CONFIG RESETSTAT", params: [], build: () => ["CONFIG", "RESETSTAT"], reply: boolOk },
  configRewrite: { command: "CONFIG REWRITE", params: [], build: () => ["CONFIG", "REWRITE"] },
  configHelp: help("CONFIG"),

  dbsize: { command: "DBSIZE", params: [], build: () => ["DBSIZE"], readonly: true },
  failover: {
    command: "FAILOVER",
    params: ["host?", "port?:int", "force?:bool", "abort?:bool", "timeout?:int"],
    build(p) {
      const { host, port, force, abort, timeout } = p;
      if ((host === undefined) !== (port === undefined)) throw new DataError("FAILOVER: 'host' and 'port' go together");
      if (force && (host === undefined || timeout === undefined)) throw new DataError("FAILOVER: 'force' needs 'host', 'port' and 'timeout'");
      if (abort && (host !== undefined || force || timeout !== undefined)) {
        throw new DataError("FAILOVER: 'abort' cannot be combined with other options");
      }
      const argv: CommandArg[] = ["FAILOVER"];
      if (host !== undefined) argv.push("TO", arg(host), arg(port));
      pushFlag(argv, force, "FORCE");
      pushFlag(argv, abort, "ABORT");
      if (timeout !== undefined) argv.push("TIMEOUT", arg(timeout));
      return argv;
    },
    reply: boolOk,
  },
  flushall: {
    command: "FLUSHALL",
    params: ["asynchronous?:bool"],
    build: ({ asynchronous }) => (asynchronous ? ["FLUSHALL", "ASYNC"] : ["FLUSHALL"]),
    reply: boolOk,
  },
  flushdb: {
    command: "FLUSHDB",
    params: ["asynchronous?:bool"],
    build: ({ asynchronous }) => (asynchronous ? ["FLUSHDB", "ASYNC"] : ["FLUSHDB"]),
    reply: boolOk,
  },
  info: {
    command: "INFO",
    params: ["section?", "...args"],
    build: ({ section, args }) => (section === undefined ? ["INFO", ...rest(args)] : ["INFO", arg(section), ...rest(args)]),
    reply: parseInfo,
    decode: true,
  },
  lastsave: {
    command: "LASTSAVE",
    params: [],
    build: () => ["LASTSAVE"],
    reply(r) {
      const seconds = r === null ? 0 : toNumber(r);
      return seconds ? new Date(seconds * 1000) : null;
    },
  },

  latencyDoctor: { command: "LATENCY DOCTOR", params: [], build: () => ["LATENCY", "DOCTOR"] },
  latencyGraph: { command: "LATENCY GRAPH", params: ["event"], build: ({ event }) => ["LATENCY", "GRAPH", arg(event)] },
  latencyHistogram: {
    command: "LATENCY HISTOGRAM",
    params: ["...commands"],
    build: ({ commands }) => ["LATENCY", "HISTOGRAM", ...rest(commands)],
    reply: (r) => toObject(r, (entry) => toObject(entry, (v, k) => (k === "histogram_usec" ? toObject(v, toNumber) : toNumber(v)))),
    decode: true,
  },
  latencyHistory: {
    command: "LATENCY HISTORY",
    params: ["event"],
    build: ({ event }) => ["LATENCY", "HISTORY", arg(event)],
    reply: (r) => toArray(r).map((pair) => toArray(pair).map(toNumber)),
  },
  latencyLatest: {
    command: "LATENCY LATEST",
    params: [],
    build: () => ["LATENCY", "LATEST"],
    reply: (r) => toArray(r).map((e) => toArray(e).map((v, i) => (i === 0 ? str(v) : toNumber(v)))),
    decode: true,
  },
  latencyReset: { command: "LATENCY RESET", params: ["...events"], build: ({ events }) => ["LATENCY", "RESET", ...rest(events)] },
  latencyHelp: help("LATENCY"),
  lolwut: {
    command: "LOLWUT",
    params: ["...versionNumbers"],
    build: ({ versionNumbers }) => (rest(versionNumbers).length > 0 ? ["LOLWUT", "VERSION", ...rest(versionNumbers)] : ["LOLWUT"]),
  },

  memoryDoctor: { command: "MEMORY DOCTOR", params: [], build: () => ["MEMORY", "DOCTOR"] },
  memoryMallocStats: { command: "MEMORY MALLOC-STATS", params: [], build: () => ["MEMORY", "MALLOC-STATS"] },
  memoryPurge: { command: "MEMORY PURGE", params: [], build: () => ["MEMORY", "PURGE"], reply: boolOk },
  memoryStats: { command: "MEMORY STATS", params: [], build: () => ["MEMORY", "STATS"], reply: parseMemoryStats, decode: true },
  memoryUsage: {
    command: "MEMORY USAGE",
    params: ["key", "samples?:int"],
    keys: ["key"],
    build: ({ key, samples }) => (samples === undefined ? ["MEMORY", "USAGE", arg(key)] : ["MEMORY", "USAGE", arg(key), "SAMPLES", arg(samples)]),
    readonly: true,
  },
  memoryHelp: help("MEMORY"),

  moduleList: {
    command: "MODULE LIST",
    params: [],
    build: () => ["MODULE", "LIST"],
    reply: objectList,
    decode: true,
  },
  moduleLoad: { command: "MODULE LOAD", params: ["path", "...args"], build: ({ path, args }) => ["MODULE", "LOAD", arg(path), ...rest(args)], reply: okToTrue },
  moduleLoadex: {
    command: "MODULE LOADEX",
    params: ["path", "options?:any", "args?:any"],
    build({ path, options, args }) {
      const argv: CommandArg[] = ["MODULE", "LOADEX", arg(path)];
      if (options !== undefined) argv.push("CONFIG", ...argList("MODULE LOADEX", "options", options));
      if (args !== undefined) argv.push("ARGS", ...argList("MODULE LOADEX", "args", args));
      return argv;
    },
  },
  moduleUnload: { command: "MODULE UNLOAD", params: ["name"], build: ({ name }) => ["MODULE", "UNLOAD", arg(name)], reply: okToTrue },
  moduleHelp: help("MODULE"),

  replicaof: {
    command: "REPLICAOF",
    params: ["...args"],
    // Sent as given, as redis-py's replicaof(*args): the server judges the words ("NO ONE" as one word is its error).
    build: ({ args }) => ["REPLICAOF", ...rest(args)],
  },
  slaveof: {
    command: "SLAVEOF",
    params: ["host?", "port?:int"],
    build({ host, port }) {
      if (host === undefined && port === undefined) return ["SLAVEOF", "NO", "ONE"];
      if (host === undefined || port === undefined) throw new DataError("SLAVEOF: 'host' and 'port' go together");
      return ["SLAVEOF", arg(host), arg(port)];
    },
    reply: boolOk,
  },
  role: { command: "ROLE", params: [], build: () => ["ROLE"] },
  save: { command: "SAVE", params: [], build: () => ["SAVE"], reply: boolOk },
  shutdown: {
    command: "SHUTDOWN",
    params: ["save?:bool", "nosave?:bool", "now?:bool", "force?:bool", "abort?:bool"],
    build(p) {
      if (p.save && p.nosave) throw new DataError("SHUTDOWN: 'save' and 'nosave' cannot both be set");
      if (p.abort) exclusive("SHUTDOWN", { save: p.save, nosave: p.nosave, now: p.now, force: p.force, abort: p.abort });
      const argv: CommandArg[] = ["SHUTDOWN"];
      pushFlag(argv, p.save, "SAVE");
      pushFlag(argv, p.nosave, "NOSAVE");
      pushFlag(argv, p.now, "NOW");
      pushFlag(argv, p.force, "FORCE");
      pushFlag(argv, p.abort, "ABORT");
      return argv;
    },
    reply(_r, { abort }) {
      // The server answers only when it did not go away: fine for ABORT, a failure otherwise.
      if (abort) return true;
      throw new RedisError("SHUTDOWN seems to have failed.");
    },
    error(err, { abort }) {
      // The server closing the connection is how a shutdown succeeds (redis-py does the same).
      if (!abort && err instanceof ConnectionError) return true;
      throw err;
    },
  },

  slowlogGet: {
    command: "SLOWLOG GET",
    params: ["num?:int"],
    build: ({ num }) => (num === undefined ? ["SLOWLOG", "GET"] : ["SLOWLOG", "GET", arg(num)]),
    reply: parseSlowlog,
  },
  slowlogLen: { command: "SLOWLOG LEN", params: [], build: () => ["SLOWLOG", "LEN"] },
  slowlogReset: { command: "SLOWLOG RESET", params: [], build: () => ["SLOWLOG", "RESET"], reply: boolOk },
  slowlogHelp: help("SLOWLOG"),
  swapdb: { command: "SWAPDB", params: ["first:int", "second:int"], build: ({ first, second }) => ["SWAPDB", arg(first), arg(second)], reply: boolOk },
  time: {
    command: "TIME",
    params: [],
    build: () => ["TIME"],
    reply: (r) => toArray(r).map(toNumber),
  },
});
