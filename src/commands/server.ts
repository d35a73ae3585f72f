import { DataError, RedisError, ConnectionError } from "../errors.js";
import type { CommandArg, RespValue } from "../protocol/index.js";
import { arg, exclusive, help, nonEmpty, oneOf, pushFlag, rest } from "./args.js";
import { boolOk, objectList, okToTrue, setField, str, strList, strOrNull, toArray, toBool, toNumber, toObject } from "./replies.js";
import { defineCommands, isArgValue, type Bound, type CommandSpec } from "./spec.js";
import type { EncodableT, KeyT, Ret, Without } from "./types.js";

/*
 * Server administration: COMMAND, CONFIG, INFO, LATENCY, MEMORY, MODULE, SLOWLOG, CLIENT,
 * persistence, replication and the like (redis-py's `ManagementCommands` and
 * `ModuleCommands`). `parseClientInfo` is shared with acl.ts (ACL LOG's `client-info`).
 */

// ---- local helpers -------------------------------------------------------------------------

/** An array of argument values (redis-py requires a list here), checked item by item. */
export function argList(command: string, name: string, value: unknown): CommandArg[] {
  if (!Array.isArray(value)) throw new DataError(`${command}: '${name}' must be an array`);
  for (const item of value) {
    if (!isArgValue(item)) throw new DataError(`${command}: '${name}' must be an array of strings, Buffers or numbers`);
  }
  return value as CommandArg[];
}

/**
 * The `key=value key=value` fields of one CLIENT LIST / CLIENT INFO line (redis-py's
 * `_parse_client_info_fields`): only the first `=` splits, and a token without `=` continues
 * the previous value (unix socket paths may hold spaces).
 */
export function parseClientInfoFields(line: string): Record<string, string> {
  const fields: Record<string, string> = {};
  let last: string | null = null;
  for (const token of line.split(" ")) {
    const eq = token.indexOf("=");
    if (eq !== -1) {
      last = token.slice(0, eq);
      setField(fields, last, token.slice(eq + 1));
    } else if (last !== null) {
      fields[last] += ` ${token}`;
    }
  }
  return fields;
}

const CLIENT_INFO_INTS = ["id", "age", "idle", "db", "sub", "psub", "multi", "qbuf", "qbuf-free", "obl", "argv-mem", "oll", "omem", "tot-mem"];

/** CLIENT INFO (and ACL LOG's `client-info`): fields with the integer ones typed (redis-py's `parse_client_info`). */
export function parseClientInfo(reply: RespValue): Record<string, string | number> {
  const info: Record<string, string | number> = parseClientInfoFields(str(reply).trim());
  for (const key of CLIENT_INFO_INTS) {
    if (key in info) info[key] = pyInt(info[key] as string) ?? info[key]!;
  }
  return info;
}

/** Python's `int(text)`: an optionally signed decimal integer, or undefined. */
function pyInt(text: string): number | undefined {
  const t = text.trim();
  return /^[+-]?\d+(_\d+)*$/.test(t) ? Number(t.replace(/_/g, "")) : undefined;
}

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

/** One command of COMMAND / COMMAND INFO, as redis-py's `parse_command` makes it. */
export interface CommandInfoEntry {
  name: string;
  arity: number;
  flags: string[];
  first_key_pos: number;
  last_key_pos: number;
  step_count: number;
  acl_categories?: string[];
  tips?: string[];
  key_specifications?: Record<string, any>[];
  subcommands?: CommandInfoEntry[];
}

function keySpec(reply: RespValue): Record<string, any> {
  return toObject(reply, (value, key) => {
    if (key === "flags") return strList(value);
    if (key === "begin_search" || key === "find_keys") {
      return toObject(value, (v, k) => (k === "spec" ? toObject(v) : v));
    }
    return value;
  });
}

function commandEntry(reply: RespValue): CommandInfoEntry {
  const c = toArray(reply);
  const entry: CommandInfoEntry = {
    name: str(c[0]!),
    arity: toNumber(c[1]!),
    flags: strList(c[2]!),
    first_key_pos: toNumber(c[3]!),
    last_key_pos: toNumber(c[4]!),
    step_count: toNumber(c[5]!),
  };
  if (c.length > 6) entry.acl_categories = strList(c[6]!);
  if (c.length > 7) {
    entry.tips = strList(c[7]!);
    entry.key_specifications = toArray(c[8]!).map(keySpec);
    entry.subcommands = toArray(c[9]!).map(commandEntry);
  }
  return entry;
}

function parseCommand(reply: RespValue): Record<string, CommandInfoEntry> {
  const out: Record<string, CommandInfoEntry> = {};
  for (const item of toArray(reply)) {
    if (item === null) continue; // COMMAND INFO of an unknown command
    const entry = commandEntry(item);
    setField(out, entry.name, entry);
  }
  return out;
}

/** One command's COMMAND DOCS entry (RESP2's flat arrays made into objects, as RESP3's maps). */
export interface CommandDoc {
  summary: string;
  since: string;
  group: string;
  complexity?: string;
  module?: string;
  doc_flags?: string[];
  deprecated_since?: string;
  replaced_by?: string;
  history?: [string, string][];
  arguments?: Record<string, any>[];
  subcommands?: Record<string, CommandDoc>;
  [field: string]: unknown;
}

function docArgument(reply: RespValue): Record<string, any> {
  return toObject(reply, (value, key) => {
    if (key === "arguments") return toArray(value).map(docArgument);
    if (key === "flags") return strList(value);
    return value;
  });
}

function commandDoc(reply: RespValue): CommandDoc {
  return toObject(reply, (value, key) => {
    if (key === "history") return toArray(value).map((h) => strList(h));
    if (key === "arguments") return toArray(value).map(docArgument);
    if (key === "subcommands") return toObject(value, commandDoc);
    if (key === "doc_flags") return strList(value);
    return value;
  }) as CommandDoc;
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

const SPACE = Buffer.from(" ");
const asBuffer = (v: RespValue): Buffer => (Buffer.isBuffer(v) ? v : Buffer.from(str(v)));

function parseClientList(reply: RespValue): Record<string, string>[] {
  const clients: Record<string, string>[] = [];
  for (const line of str(reply).split(/\r\n|\n|\r/)) {
    const fields = parseClientInfoFields(line);
    if (Object.keys(fields).length > 0) clients.push(fields);
  }
  return clients;
}

function parseTrackingInfo(reply: RespValue): ClientTrackingInfo {
  return toObject(reply, (value, key) => (key === "flags" || key === "prefixes" ? strList(value) : value)) as unknown as ClientTrackingInfo;
}

function parseMemoryStats(reply: RespValue): Record<string, any> {
  return toObject(reply, (value, key) =>
    key.startsWith("db.") && value !== null && typeof value === "object" && !Buffer.isBuffer(value) ? toObject(value, numberish) : numberish(value),
  );
}

function clientKillReply(reply: RespValue): boolean | number {
  return typeof reply === "number" ? reply : boolOk(reply);
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

export interface ClientTrackingInfo {
  flags: string[];
  redirect: number;
  prefixes: string[];
}

export interface ClientListOptions {
  /** One of `normal`, `master`, `replica`, `pubsub`. */
  _type?: string | null;
  /** Only these client ids. */
  clientId?: EncodableT[];
}

export interface ClientKillFilterOptions {
  _id?: EncodableT | null;
  /** One of `normal`, `master`, `slave`, `replica`, `pubsub`. */
  _type?: string | null;
  /** `ip:port` */
  addr?: string | null;
  /** `true`: never kill the calling client (the server's default). */
  skipme?: boolean | null;
  /** `ip:port` of the local (bind) address. */
  laddr?: string | null;
  user?: string | null;
  /** Clients older than this many seconds. */
  maxage?: number | null;
}

export interface ClientTrackingOptions {
  /** Send invalidation messages to the connection with this id. */
  clientid?: number | null;
  /** Key prefixes (broadcasting mode only). */
  prefix?: KeyT[];
  bcast?: boolean;
  optin?: boolean;
  optout?: boolean;
  noloop?: boolean;
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

export interface CommandListOptions {
  module?: string | null;
  category?: string | null;
  pattern?: string | null;
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

export interface ServerCommands<T, M> {
  /** BGREWRITEAOF: `true` once the rewrite is scheduled or started. */
  bgrewriteaof(): Ret<M, true>;
  /** BGSAVE [SCHEDULE] (`schedule` defaults to true, as redis-py). */
  bgsave(schedule?: boolean): Ret<M, true>;
  bgsave(options: { schedule?: boolean }): Ret<M, true>;

  /** COMMAND: every command's details, by name (redis-py's `parse_command`). */
  command(): Ret<M, Record<string, CommandInfoEntry>>;
  commandCount(): Ret<M, number>;
  /** COMMAND DOCS [name ...]: documentation by command name. */
  commandDocs(...commandNames: EncodableT[]): Ret<M, Record<string, CommandDoc>>;
  /** COMMAND GETKEYS command arg ...: the keys of a full command. */
  commandGetkeys(...args: EncodableT[]): Ret<M, T[]>;
  /** COMMAND GETKEYSANDFLAGS command arg ...: `[key, flags][]`. */
  commandGetkeysandflags(...args: EncodableT[]): Ret<M, [T, string[]][]>;
  /** COMMAND INFO name ...: details of these commands, by name (unknown names are left out). */
  commandInfo(...commandNames: EncodableT[]): Ret<M, Record<string, CommandInfoEntry>>;
  /** COMMAND LIST [FILTERBY MODULE m | ACLCAT c | PATTERN p]: command names. */
  commandList(options?: CommandListOptions): Ret<M, string[]>;
  commandList(module: string | null, options: Without<CommandListOptions, "module">): Ret<M, string[]>;
  commandList(module?: string | null, category?: string | null, pattern?: string | null): Ret<M, string[]>;
  commandHelp(): Ret<M, string[]>;

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

  /** CLIENT CACHING YES|NO (with tracking in OPTIN/OPTOUT mode, on `client()`). */
  clientCaching(mode: "YES" | "NO" | "yes" | "no"): Ret<M, boolean>;
  clientGetname(): Ret<M, string | null>;
  clientGetredir(): Ret<M, number>;
  clientId(): Ret<M, number>;
  /** CLIENT INFO parsed, integer fields typed. */
  clientInfo(): Ret<M, Record<string, string | number>>;
  /** CLIENT KILL ip:port */
  clientKill(address: string): Ret<M, boolean | number>;
  /** CLIENT KILL with filters: the number of clients killed. */
  clientKillFilter(options: ClientKillFilterOptions): Ret<M, number>;
  clientKillFilter(_id: EncodableT | null, options: Without<ClientKillFilterOptions, "_id">): Ret<M, number>;
  clientKillFilter(
    _id?: EncodableT | null,
    _type?: string | null,
    addr?: string | null,
    skipme?: boolean | null,
    laddr?: string | null,
    user?: string | null,
    maxage?: number | null,
  ): Ret<M, number>;
  /** CLIENT LIST [TYPE t] [ID id ...]: one object of string fields per client. */
  clientList(options?: ClientListOptions): Ret<M, Record<string, string>[]>;
  clientList(_type: string | null, options: Without<ClientListOptions, "_type">): Ret<M, Record<string, string>[]>;
  clientList(_type?: string | null, clientId?: EncodableT[]): Ret<M, Record<string, string>[]>;
  clientNoEvict(mode: "ON" | "OFF" | "on" | "off"): Ret<M, T>;
  /** CLIENT NO-TOUCH ON|OFF (Redis 7.2). */
  clientNoTouch(mode: "ON" | "OFF" | "on" | "off"): Ret<M, T>;
  /** CLIENT PAUSE timeout-ms [WRITE] (`all: false` pauses writes only). */
  clientPause(timeout: number, all?: boolean): Ret<M, boolean>;
  clientPause(timeout: number, options: { all?: boolean }): Ret<M, boolean>;
  /** CLIENT SETNAME: changes its connection, so only on `client()`. */
  clientSetname(name: EncodableT): Ret<M, boolean>;
  /** CLIENT TRACKING ON|OFF ...: changes its connection, so only on `client()`. */
  clientTracking(on?: boolean, options?: ClientTrackingOptions): Ret<M, T>;
  clientTracking(options: ClientTrackingOptions & { on?: boolean }): Ret<M, T>;
  clientTracking(on?: boolean, clientid?: number | null, prefix?: KeyT[], bcast?: boolean, optin?: boolean, optout?: boolean, noloop?: boolean): Ret<M, T>;
  clientTrackingOn(options?: ClientTrackingOptions): Ret<M, T>;
  clientTrackingOn(clientid: number | null, options: Without<ClientTrackingOptions, "clientid">): Ret<M, T>;
  clientTrackingOn(clientid?: number | null, prefix?: KeyT[], bcast?: boolean, optin?: boolean, optout?: boolean, noloop?: boolean): Ret<M, T>;
  clientTrackingOff(options?: ClientTrackingOptions): Ret<M, T>;
  clientTrackingOff(clientid: number | null, options: Without<ClientTrackingOptions, "clientid">): Ret<M, T>;
  clientTrackingOff(clientid?: number | null, prefix?: KeyT[], bcast?: boolean, optin?: boolean, optout?: boolean, noloop?: boolean): Ret<M, T>;
  clientTrackinginfo(): Ret<M, ClientTrackingInfo>;
  /** CLIENT UNBLOCK id [ERROR]: whether a blocked client was unblocked. */
  clientUnblock(clientId: number, error?: boolean): Ret<M, boolean>;
  clientUnblock(clientId: number, options: { error?: boolean }): Ret<M, boolean>;
  clientUnpause(): Ret<M, T>;
  clientHelp(): Ret<M, string[]>;
}

// ---- the table -----------------------------------------------------------------------------

const CLIENT_LIST_TYPES = ["NORMAL", "MASTER", "REPLICA", "PUBSUB"] as const;
const CLIENT_KILL_TYPES = ["NORMAL", "MASTER", "SLAVE", "REPLICA", "PUBSUB"] as const;

const TRACKING_PARAMS = ["clientid?:int", "prefix?:list", "bcast?:bool", "optin?:bool", "optout?:bool", "noloop?:bool"] as const;

function trackingArgs(on: boolean, { clientid, prefix, bcast, optin, optout, noloop }: Bound<typeof TRACKING_PARAMS>): CommandArg[] {
  if (prefix && prefix.length > 0 && !bcast) throw new DataError("CLIENT TRACKING: 'prefix' can only be used with 'bcast'");
  const argv: CommandArg[] = ["CLIENT", "TRACKING", on ? "ON" : "OFF"];
  if (clientid !== undefined) argv.push("REDIRECT", clientid);
  for (const prefixValue of prefix ?? []) argv.push("PREFIX", prefixValue);
  pushFlag(argv, bcast, "BCAST");
  pushFlag(argv, optin, "OPTIN");
  pushFlag(argv, optout, "OPTOUT");
  pushFlag(argv, noloop, "NOLOOP");
  return argv;
}

export const SERVER_COMMANDS: Record<string, CommandSpec> = defineCommands({
  bgrewriteaof: { command: "BGREWRITEAOF", params: [], build: () => ["BGREWRITEAOF"], reply: () => true },
  bgsave: {
    command: "BGSAVE",
    params: ["schedule?:bool"],
    build: ({ schedule }) => (schedule === false ? ["BGSAVE"] : ["BGSAVE", "SCHEDULE"]),
    reply: () => true,
  },

  command: { command: "COMMAND", params: [], build: () => ["COMMAND"], reply: parseCommand, decode: true },
  commandCount: { command: "COMMAND COUNT", params: [], build: () => ["COMMAND", "COUNT"] },
  commandDocs: {
    command: "COMMAND DOCS",
    params: ["...commandNames"],
    build: ({ commandNames }) => ["COMMAND", "DOCS", ...rest(commandNames)],
    reply: (r) => toObject(r, commandDoc),
    decode: true,
  },
  commandGetkeys: {
    command: "COMMAND GETKEYS",
    params: ["...args"],
    build: ({ args }) => ["COMMAND", "GETKEYS", ...nonEmpty("COMMAND GETKEYS", "args", args, "a command")],
  },
  commandGetkeysandflags: {
    command: "COMMAND GETKEYSANDFLAGS",
    params: ["...args"],
    build: ({ args }) => ["COMMAND", "GETKEYSANDFLAGS", ...nonEmpty("COMMAND GETKEYSANDFLAGS", "args", args, "a command")],
    reply: (r) =>
      toArray(r).map((item) => {
        const [key, flags] = toArray(item);
        return [key, strList(flags!)];
      }),
  },
  commandInfo: {
    command: "COMMAND INFO",
    params: ["...commandNames"],
    build: ({ commandNames }) => ["COMMAND", "INFO", ...rest(commandNames)],
    reply: parseCommand,
    decode: true,
  },
  commandList: {
    command: "COMMAND LIST",
    params: ["module?", "category?", "pattern?"],
    build(p) {
      exclusive("COMMAND LIST", { module: p.module, category: p.category, pattern: p.pattern });
      const argv: CommandArg[] = ["COMMAND", "LIST"];
      if (p.module !== undefined) argv.push("FILTERBY", "MODULE", arg(p.module));
      if (p.category !== undefined) argv.push("FILTERBY", "ACLCAT", arg(p.category));
      if (p.pattern !== undefined) argv.push("FILTERBY", "PATTERN", arg(p.pattern));
      return argv;
    },
    reply: strList,
    decode: true,
  },
  commandHelp: help("COMMAND"),

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

  clientCaching: {
    command: "CLIENT CACHING",
    params: ["mode"],
    build: ({ mode }) => ["CLIENT", "CACHING", oneOf("CLIENT CACHING", "mode", mode, ["YES", "NO"])],
    reply: boolOk,
  },
  clientGetname: {
    command: "CLIENT GETNAME",
    params: [],
    build: () => ["CLIENT", "GETNAME"],
    reply: strOrNull,
    decode: true,
  },
  clientGetredir: { command: "CLIENT GETREDIR", params: [], build: () => ["CLIENT", "GETREDIR"] },
  clientId: { command: "CLIENT ID", params: [], build: () => ["CLIENT", "ID"] },
  clientInfo: { command: "CLIENT INFO", params: [], build: () => ["CLIENT", "INFO"], reply: parseClientInfo, decode: true },
  clientKill: {
    command: "CLIENT KILL",
    params: ["address"],
    build: ({ address }) => ["CLIENT", "KILL", arg(address)],
    reply: clientKillReply,
    decode: true,
  },
  clientKillFilter: {
    command: "CLIENT KILL",
    params: ["_id?", "_type?", "addr?", "skipme?:bool", "laddr?", "user?", "maxage?:int"],
    build(p) {
      const { _id: id, _type: type, addr, skipme, laddr, user, maxage } = p;
      const argv: CommandArg[] = ["CLIENT", "KILL"];
      if (type !== undefined) argv.push("TYPE", oneOf("CLIENT KILL", "_type", type, CLIENT_KILL_TYPES));
      if (skipme !== undefined) argv.push("SKIPME", skipme ? "YES" : "NO");
      if (id !== undefined) argv.push("ID", arg(id));
      if (addr !== undefined) argv.push("ADDR", arg(addr));
      if (laddr !== undefined) argv.push("LADDR", arg(laddr));
      if (user !== undefined) argv.push("USER", arg(user));
      if (maxage !== undefined) argv.push("MAXAGE", arg(maxage));
      if (argv.length === 2) throw new DataError("CLIENT KILL <filter> <value> ... ... <filter> <value> must specify at least one filter");
      return argv;
    },
    reply: clientKillReply,
    decode: true,
  },
  clientList: {
    command: "CLIENT LIST",
    params: ["_type?", "clientId?:any"],
    build({ _type, clientId }) {
      const argv: CommandArg[] = ["CLIENT", "LIST"];
      if (_type !== undefined) argv.push("TYPE", oneOf("CLIENT LIST", "_type", _type, CLIENT_LIST_TYPES));
      if (clientId !== undefined) {
        const ids = argList("CLIENT LIST", "clientId", clientId);
        if (ids.length > 0) argv.push("ID", ...ids);
      }
      return argv;
    },
    reply: parseClientList,
    decode: true,
  },
  clientNoEvict: { command: "CLIENT NO-EVICT", params: ["mode"], build: ({ mode }) => ["CLIENT", "NO-EVICT", arg(mode)] },
  clientNoTouch: { command: "CLIENT NO-TOUCH", params: ["mode"], build: ({ mode }) => ["CLIENT", "NO-TOUCH", arg(mode)] },
  clientPause: {
    command: "CLIENT PAUSE",
    params: ["timeout:pyint", "all?:bool"],
    build: ({ timeout, all }) => (all === false ? ["CLIENT", "PAUSE", arg(timeout), "WRITE"] : ["CLIENT", "PAUSE", arg(timeout)]),
    reply: boolOk,
  },
  clientSetname: { command: "CLIENT SETNAME", params: ["name"], build: ({ name }) => ["CLIENT", "SETNAME", arg(name)], reply: boolOk },
  clientTracking: {
    command: "CLIENT TRACKING",
    params: ["on?:bool", ...TRACKING_PARAMS],
    build: (p) => trackingArgs(p.on !== false, p),
  },
  clientTrackingOn: { command: "CLIENT TRACKING", params: TRACKING_PARAMS, build: (p) => trackingArgs(true, p) },
  clientTrackingOff: { command: "CLIENT TRACKING", params: TRACKING_PARAMS, build: (p) => trackingArgs(false, p) },
  clientTrackinginfo: {
    command: "CLIENT TRACKINGINFO",
    params: [],
    build: () => ["CLIENT", "TRACKINGINFO"],
    reply: parseTrackingInfo,
    decode: true,
  },
  clientUnblock: {
    command: "CLIENT UNBLOCK",
    params: ["clientId:int", "error?:bool"],
    build: ({ clientId, error }) => (error ? ["CLIENT", "UNBLOCK", arg(clientId), "ERROR"] : ["CLIENT", "UNBLOCK", arg(clientId)]),
    reply: toBool,
  },
  clientUnpause: { command: "CLIENT UNPAUSE", params: [], build: () => ["CLIENT", "UNPAUSE"] },
  clientHelp: help("CLIENT"),
});
