import { DataError } from "../errors.js";
import type { CommandArg, RespValue } from "../protocol/index.js";
import { arg, argList, help, oneOf, pushFlag } from "./args.js";
import { boolOk, pyInt, setField, str, strList, strOrNull, toBool, toObject } from "./replies.js";
import { defineCommands, type Bound, type CommandSpec } from "./spec.js";
import type { EncodableT, KeyT, Ret, Without } from "./types.js";

/*
 * The CLIENT commands (part of redis-py's `ManagementCommands`): LIST, INFO, KILL, TRACKING,
 * PAUSE... `parseClientInfo` is shared with acl.ts (ACL LOG's `client-info`). The other server
 * commands are in server.ts.
 */

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

function clientKillReply(reply: RespValue): boolean | number {
  return typeof reply === "number" ? reply : boolOk(reply);
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

/** The CLIENT commands (part of `ServerCommands`). */
export interface ServerClientCommands<T, M> {
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

export const SERVER_CLIENT_COMMANDS: Record<string, CommandSpec> = defineCommands({
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
