import { DataError } from "../errors.js";
import type { CommandArg, RespValue } from "../protocol/index.js";
import { exclusive, help, nonEmpty } from "./args.js";
import { objectList, okToTrue, setField, str, toArray, toBool, toNumber, toObject } from "./replies.js";
import { defineCommands, entriesOf, isArgValue, badArg, pushMapping, type CommandSpec } from "./spec.js";
import type { EncodableT, KeyT, Ret, Without } from "./types.js";

/** A stream entry ID: `"1526919030474-55"`, `"*"`, `"$"`, `">"`, `"-"`, `"+"`... */
export type StreamIdT = string | Buffer | number;

/** One stream entry, as redis-py's `(id, {field: value})`. Field names are strings; values keep `T`. */
export type StreamEntry<T> = [id: T, fields: Record<string, T>];

/** XREAD / XREADGROUP: `[[stream, [[id, fields], ...]], ...]`; `[]` when nothing arrived. */
export type XReadReply<T> = [stream: T, entries: StreamEntry<T>[]][];

/** XAUTOCLAIM: `[nextStartId, claimedEntries, deletedIds]`. */
export type XAutoClaimReply<T> = [nextId: T, entries: StreamEntry<T>[], deletedIds: T[]];

export interface XPendingSummary<T> {
  /** The number of pending messages of the group. */
  pending: number;
  /** The smallest and the greatest pending ID (`null` when nothing is pending). */
  min: T | null;
  max: T | null;
  consumers: { name: T; pending: number }[];
}

export interface XPendingRangeItem<T> {
  message_id: T;
  consumer: T;
  /** Milliseconds since the message was last delivered. */
  time_since_delivered: number;
  times_delivered: number;
}

export interface XInfoStream<T> {
  length: number;
  "radix-tree-keys": number;
  "radix-tree-nodes": number;
  "last-generated-id": T;
  "max-deleted-entry-id": T;
  "entries-added": number;
  "recorded-first-entry-id": T;
  groups: number;
  "first-entry": StreamEntry<T> | null;
  "last-entry": StreamEntry<T> | null;
  [key: string]: unknown;
}

export interface XInfoStreamFullConsumer<T> {
  name: T;
  "seen-time": number;
  "pel-count": number;
  /** `[id, deliveryTime, deliveryCount]` per pending message. */
  pending: [T, number, number][];
  [key: string]: unknown;
}

export interface XInfoStreamFullGroup<T> {
  name: T;
  "last-delivered-id": T;
  "entries-read": number | null;
  lag: number | null;
  "pel-count": number;
  /** `[id, consumer, deliveryTime, deliveryCount]` per pending message. */
  pending: [T, T, number, number][];
  consumers: XInfoStreamFullConsumer<T>[];
  [key: string]: unknown;
}

export interface XInfoStreamFull<T> {
  length: number;
  "radix-tree-keys": number;
  "radix-tree-nodes": number;
  "last-generated-id": T;
  "max-deleted-entry-id": T;
  "entries-added": number;
  "recorded-first-entry-id": T;
  /** Entry fields by entry ID. */
  entries: Record<string, Record<string, T>>;
  groups: XInfoStreamFullGroup<T>[];
  [key: string]: unknown;
}

export interface XInfoGroup<T> {
  name: T;
  consumers: number;
  pending: number;
  "last-delivered-id": T;
  "entries-read": number | null;
  lag: number | null;
  [key: string]: unknown;
}

export interface XInfoConsumer<T> {
  name: T;
  pending: number;
  idle: number;
  [key: string]: unknown;
}

export interface XAddOptions {
  /** The new entry's ID; `"*"` (the default) lets the server make one. */
  id?: StreamIdT;
  /** Trim the stream to about (or, with `approximate: false`, exactly) this many entries. */
  maxlen?: number | null;
  /** Trim with `~` (the default, true) or `=`. */
  approximate?: boolean;
  /** Do not create the stream when it does not exist (the reply is then `null`). */
  nomkstream?: boolean;
  /** Trim entries with IDs lower than this one. Not with `maxlen`. */
  minid?: StreamIdT | null;
  /** The most entries one trim may evict (with approximate trimming). */
  limit?: number | null;
}

export interface XTrimOptions {
  maxlen?: number | null;
  approximate?: boolean;
  minid?: StreamIdT | null;
  limit?: number | null;
}

export interface XAutoClaimOptions {
  /** Claim entries with IDs from this one on (default `"0-0"`). */
  startId?: StreamIdT;
  count?: number | null;
  /** Return only the claimed IDs. */
  justid?: boolean;
}

export interface XClaimOptions {
  /** Set the idle time (milliseconds) of the claimed messages. */
  idle?: number | null;
  /** Set the idle time as a Unix time in milliseconds. */
  time?: number | null;
  retrycount?: number | null;
  force?: boolean;
  /** Return only the claimed IDs. */
  justid?: boolean;
}

export interface XReadOptions {
  /** Return at most this many entries per stream. */
  count?: number | null;
  /** Wait up to this many milliseconds (0: forever) when nothing is there yet. */
  block?: number | null;
}

export interface XReadGroupOptions extends XReadOptions {
  /** Do not add the messages to the pending entries list. */
  noack?: boolean;
}

export interface XGroupCreateOptions {
  /** The last ID considered delivered: `"$"` (the default) for new entries only, `"0"` for all. */
  id?: StreamIdT;
  /** Create the stream if it does not exist. */
  mkstream?: boolean;
  entriesRead?: number | null;
}

export interface XPendingRangeOptions {
  consumername?: KeyT | null;
  /** Only messages idle at least this many milliseconds. */
  idle?: number | null;
}

export interface XRangeOptions {
  count?: number | null;
}

export interface XSetIdOptions {
  entriesAdded?: number | null;
  maxDeletedId?: StreamIdT | null;
}

type StreamsMapping = Record<string, StreamIdT> | Map<KeyT, StreamIdT>;

export interface StreamCommands<T, M> {
  /** XACK: the number of messages acknowledged. */
  xack(name: KeyT, groupname: KeyT, ...ids: StreamIdT[]): Ret<M, number>;
  /** XADD: the new entry's ID (`null` with `nomkstream` when the stream does not exist). */
  xadd(name: KeyT, fields: Record<string, EncodableT> | Map<KeyT, EncodableT>, options?: XAddOptions): Ret<M, T | null>;
  xadd(name: KeyT, fields: Record<string, EncodableT> | Map<KeyT, EncodableT>, id: StreamIdT, options: Without<XAddOptions, "id">): Ret<M, T | null>;
  xadd(
    name: KeyT,
    fields: Record<string, EncodableT> | Map<KeyT, EncodableT>,
    id?: StreamIdT,
    maxlen?: number | null,
    approximate?: boolean,
    nomkstream?: boolean,
    minid?: StreamIdT | null,
    limit?: number | null,
  ): Ret<M, T | null>;
  /** XAUTOCLAIM: `[nextId, entries, deletedIds]`, or only the claimed IDs with `justid`. */
  xautoclaim(name: KeyT, groupname: KeyT, consumername: KeyT, minIdleTime: number, options: XAutoClaimOptions & { justid: true }): Ret<M, T[]>;
  xautoclaim(
    name: KeyT,
    groupname: KeyT,
    consumername: KeyT,
    minIdleTime: number,
    startId: StreamIdT,
    options: Without<XAutoClaimOptions & { justid: true }, "startId">,
  ): Ret<M, T[]>;
  xautoclaim(
    name: KeyT,
    groupname: KeyT,
    consumername: KeyT,
    minIdleTime: number,
    options?: XAutoClaimOptions & { justid?: false },
  ): Ret<M, XAutoClaimReply<T>>;
  xautoclaim(
    name: KeyT,
    groupname: KeyT,
    consumername: KeyT,
    minIdleTime: number,
    startId: StreamIdT,
    options: Without<XAutoClaimOptions & { justid?: false }, "startId">,
  ): Ret<M, XAutoClaimReply<T>>;
  xautoclaim(
    name: KeyT,
    groupname: KeyT,
    consumername: KeyT,
    minIdleTime: number,
    startId?: StreamIdT,
    count?: number | null,
    justid?: boolean,
  ): Ret<M, XAutoClaimReply<T> | T[]>;
  /** XCLAIM: the claimed entries, or only their IDs with `justid`. */
  xclaim(name: KeyT, groupname: KeyT, consumername: KeyT, minIdleTime: number, messageIds: StreamIdT[], options: XClaimOptions & { justid: true }): Ret<M, T[]>;
  xclaim(
    name: KeyT,
    groupname: KeyT,
    consumername: KeyT,
    minIdleTime: number,
    messageIds: StreamIdT[],
    idle: number | null,
    options: Without<XClaimOptions & { justid: true }, "idle">,
  ): Ret<M, T[]>;
  xclaim(
    name: KeyT,
    groupname: KeyT,
    consumername: KeyT,
    minIdleTime: number,
    messageIds: StreamIdT[],
    options?: XClaimOptions & { justid?: false },
  ): Ret<M, StreamEntry<T>[]>;
  xclaim(
    name: KeyT,
    groupname: KeyT,
    consumername: KeyT,
    minIdleTime: number,
    messageIds: StreamIdT[],
    idle: number | null,
    options: Without<XClaimOptions & { justid?: false }, "idle">,
  ): Ret<M, StreamEntry<T>[]>;
  xclaim(
    name: KeyT,
    groupname: KeyT,
    consumername: KeyT,
    minIdleTime: number,
    messageIds: StreamIdT[],
    idle?: number | null,
    time?: number | null,
    retrycount?: number | null,
    force?: boolean,
    justid?: boolean,
  ): Ret<M, StreamEntry<T>[] | T[]>;
  /** XDEL: the number of entries deleted. */
  xdel(name: KeyT, ...ids: StreamIdT[]): Ret<M, number>;
  /** XGROUP CREATE: `true`. */
  xgroupCreate(name: KeyT, groupname: KeyT, options?: XGroupCreateOptions): Ret<M, boolean>;
  xgroupCreate(name: KeyT, groupname: KeyT, id: StreamIdT, options: Omit<XGroupCreateOptions, "id">): Ret<M, boolean>;
  xgroupCreate(name: KeyT, groupname: KeyT, id?: StreamIdT, mkstream?: boolean, entriesRead?: number | null): Ret<M, boolean>;
  /** XGROUP CREATECONSUMER: 1 when the consumer was created, 0 when it existed. */
  xgroupCreateconsumer(name: KeyT, groupname: KeyT, consumername: KeyT): Ret<M, number>;
  /** XGROUP DELCONSUMER: the number of messages the consumer had pending. */
  xgroupDelconsumer(name: KeyT, groupname: KeyT, consumername: KeyT): Ret<M, number>;
  /** XGROUP DESTROY: whether the group existed. */
  xgroupDestroy(name: KeyT, groupname: KeyT): Ret<M, boolean>;
  /** XGROUP HELP: the server's help text, one line per string. */
  xgroupHelp(): Ret<M, string[]>;
  /** XGROUP SETID: `true`. */
  xgroupSetid(name: KeyT, groupname: KeyT, id: StreamIdT, options?: { entriesRead?: number | null }): Ret<M, boolean>;
  xgroupSetid(name: KeyT, groupname: KeyT, id: StreamIdT, entriesRead?: number | null): Ret<M, boolean>;
  /** XINFO CONSUMERS: one object per consumer of the group. */
  xinfoConsumers(name: KeyT, groupname: KeyT): Ret<M, XInfoConsumer<T>[]>;
  /** XINFO GROUPS: one object per consumer group of the stream. */
  xinfoGroups(name: KeyT): Ret<M, XInfoGroup<T>[]>;
  /** XINFO HELP: the server's help text, one line per string. */
  xinfoHelp(): Ret<M, string[]>;
  /** XINFO STREAM (FULL with `full`). */
  xinfoStream(name: KeyT, options: { full: true }): Ret<M, XInfoStreamFull<T>>;
  xinfoStream(name: KeyT, full: true): Ret<M, XInfoStreamFull<T>>;
  xinfoStream(name: KeyT, options?: { full?: false }): Ret<M, XInfoStream<T>>;
  xinfoStream(name: KeyT, full?: false): Ret<M, XInfoStream<T>>;
  xinfoStream(name: KeyT, full?: boolean): Ret<M, XInfoStream<T> | XInfoStreamFull<T>>;
  /** XLEN. */
  xlen(name: KeyT): Ret<M, number>;
  /** XPENDING summary form. */
  xpending(name: KeyT, groupname: KeyT): Ret<M, XPendingSummary<T>>;
  /** XPENDING with a range: one object per pending message (without `min`, `max` and `count`: the summary, as `xpending`). */
  xpendingRange(name: KeyT, groupname: KeyT): Ret<M, XPendingSummary<T>>;
  xpendingRange(name: KeyT, groupname: KeyT, min: StreamIdT, max: StreamIdT, count: number, options?: XPendingRangeOptions): Ret<M, XPendingRangeItem<T>[]>;
  xpendingRange(
    name: KeyT,
    groupname: KeyT,
    min: StreamIdT,
    max: StreamIdT,
    count: number,
    consumername?: KeyT | null,
    idle?: number | null,
  ): Ret<M, XPendingRangeItem<T>[]>;
  /** XRANGE (`min` defaults to `"-"`, `max` to `"+"`). */
  xrange(name: KeyT, options?: XRangeOptions & { min?: StreamIdT; max?: StreamIdT }): Ret<M, StreamEntry<T>[]>;
  xrange(name: KeyT, min: StreamIdT, options: Without<XRangeOptions & { min?: StreamIdT; max?: StreamIdT }, "min">): Ret<M, StreamEntry<T>[]>;
  xrange(name: KeyT, min?: StreamIdT, max?: StreamIdT, options?: XRangeOptions): Ret<M, StreamEntry<T>[]>;
  xrange(name: KeyT, min?: StreamIdT, max?: StreamIdT, count?: number | null): Ret<M, StreamEntry<T>[]>;
  /** XREAD; with `block` it waits, on a connection of its own. */
  xread(streams: StreamsMapping, options?: XReadOptions): Ret<M, XReadReply<T>>;
  /** redis-py's keyword form: `xread({ streams: { s: "0" }, count: 1 })`. */
  xread(options: XReadOptions & { streams: StreamsMapping }): Ret<M, XReadReply<T>>;
  xread(streams: StreamsMapping, count: number | null, options: Without<XReadOptions, "count">): Ret<M, XReadReply<T>>;
  xread(streams: StreamsMapping, count?: number | null, block?: number | null): Ret<M, XReadReply<T>>;
  /** XREADGROUP; with `block` it waits, on a connection of its own. */
  xreadgroup(groupname: KeyT, consumername: KeyT, streams: StreamsMapping, options?: XReadGroupOptions): Ret<M, XReadReply<T>>;
  /** redis-py's keyword form: `xreadgroup(group, consumer, { streams: { s: ">" }, count: 1 })`. */
  xreadgroup(groupname: KeyT, consumername: KeyT, options: XReadGroupOptions & { streams: StreamsMapping }): Ret<M, XReadReply<T>>;
  xreadgroup(
    groupname: KeyT,
    consumername: KeyT,
    streams: StreamsMapping,
    count: number | null,
    options: Without<XReadGroupOptions, "count">,
  ): Ret<M, XReadReply<T>>;
  xreadgroup(
    groupname: KeyT,
    consumername: KeyT,
    streams: StreamsMapping,
    count?: number | null,
    block?: number | null,
    noack?: boolean,
  ): Ret<M, XReadReply<T>>;
  /** XREVRANGE (`max` defaults to `"+"`, `min` to `"-"`). */
  xrevrange(name: KeyT, options?: XRangeOptions & { min?: StreamIdT; max?: StreamIdT }): Ret<M, StreamEntry<T>[]>;
  xrevrange(name: KeyT, max: StreamIdT, options: Without<XRangeOptions & { min?: StreamIdT; max?: StreamIdT }, "max">): Ret<M, StreamEntry<T>[]>;
  xrevrange(name: KeyT, max?: StreamIdT, min?: StreamIdT, options?: XRangeOptions): Ret<M, StreamEntry<T>[]>;
  xrevrange(name: KeyT, max?: StreamIdT, min?: StreamIdT, count?: number | null): Ret<M, StreamEntry<T>[]>;
  /** XSETID (no redis-py method): `true`. */
  xsetid(name: KeyT, lastId: StreamIdT, options?: XSetIdOptions): Ret<M, boolean>;
  xsetid(name: KeyT, lastId: StreamIdT, entriesAdded: number | null, options: Without<XSetIdOptions, "entriesAdded">): Ret<M, boolean>;
  xsetid(name: KeyT, lastId: StreamIdT, entriesAdded?: number | null, maxDeletedId?: StreamIdT | null): Ret<M, boolean>;
  /** XTRIM: the number of entries evicted. One of `maxlen` and `minid` is required. */
  xtrim(name: KeyT, options: XTrimOptions): Ret<M, number>;
  xtrim(name: KeyT, maxlen: number | null, options: Without<XTrimOptions, "maxlen">): Ret<M, number>;
  xtrim(name: KeyT, maxlen?: number | null, approximate?: boolean, minid?: StreamIdT | null, limit?: number | null): Ret<M, number>;
}

// ---- argument helpers ----------------------------------------------------------------------

function atLeast(command: string, name: string, value: unknown, min: number): void {
  if (value !== undefined && (value as number) < min) {
    throw new DataError(`${command}: '${name}' must be ${min === 0 ? "a non-negative" : "a positive"} integer`);
  }
}

/** Pushes a `{stream: id}` mapping as `STREAMS k1 k2 ... id1 id2 ...`. */
function pushStreams(command: string, argv: CommandArg[], streams: unknown): void {
  const entries = entriesOf(streams);
  if (entries.length === 0) throw new DataError(`${command}: 'streams' must be a non-empty mapping`);
  for (const [key, id] of entries) {
    if (!isArgValue(key) || !isArgValue(id)) {
      throw badArg({ command }, "streams", "a mapping of stream names to IDs", isArgValue(key) ? id : key);
    }
  }
  argv.push("STREAMS", ...entries.map(([key]) => key), ...entries.map(([, id]) => id));
}

/** `MAXLEN|MINID [~] threshold [LIMIT n]`, as redis-py's xadd/xtrim. */
function pushTrim(argv: CommandArg[], maxlen: unknown, approximate: unknown, minid: unknown, limit: unknown): void {
  const approx = approximate !== false;
  if (maxlen !== undefined) {
    argv.push("MAXLEN");
    if (approx) argv.push("~");
    argv.push(maxlen as number);
  }
  if (minid !== undefined) {
    argv.push("MINID");
    if (approx) argv.push("~");
    argv.push(minid as CommandArg);
  }
  if (limit !== undefined) argv.push("LIMIT", limit as number);
}

// ---- reply helpers -------------------------------------------------------------------------

/** `[id, [f1, v1, ...]]` -> `[id, {f1: v1, ...}]`; a deleted entry's `null` fields become `{}` (redis-py). */
function parseEntry(entry: RespValue): StreamEntry<RespValue> | [null, null] {
  if (entry === null) return [null, null];
  const pair = entry as RespValue[];
  return [pair[0]!, toObject(pair[1] ?? null)];
}

function parseStreamList(reply: RespValue): unknown[] {
  return toArray(reply).map(parseEntry);
}

/** RESP2 `[[stream, entries], ...]` or a RESP3 map `{stream: entries}` -> `[[stream, entries], ...]`. */
function parseXRead(reply: RespValue): unknown[] {
  if (reply === null) return [];
  if (reply instanceof Map) return [...reply].map(([stream, entries]) => [stream, parseStreamList(entries)]);
  return toArray(reply).map((item) => {
    const pair = item as RespValue[];
    return [pair[0], parseStreamList(pair[1]!)];
  });
}

function parseXInfoStream(reply: RespValue, full: boolean): Record<string, unknown> {
  const data: Record<string, unknown> = toObject(reply);
  if (!full) {
    for (const key of ["first-entry", "last-entry"]) {
      const entry = data[key] as RespValue | undefined;
      if (entry !== undefined && entry !== null && (entry as RespValue[])[0] !== null) data[key] = parseEntry(entry);
    }
    return data;
  }
  const entries: Record<string, unknown> = {};
  for (const item of toArray((data.entries as RespValue | undefined) ?? null)) {
    const [id, fields] = parseEntry(item);
    setField(entries, str(id), fields);
  }
  data.entries = entries;
  data.groups = toArray((data.groups as RespValue | undefined) ?? null).map((group) => {
    const g: Record<string, unknown> = toObject(group);
    g.consumers = objectList((g.consumers as RespValue | undefined) ?? null);
    return g;
  });
  return data;
}

function parseXPendingSummary(reply: RespValue): XPendingSummary<RespValue> {
  const [pending, min, max, consumers] = reply as RespValue[];
  return {
    pending: toNumber(pending!),
    min: min ?? null,
    max: max ?? null,
    consumers: toArray(consumers ?? null).map((c) => {
      const [name, count] = c as RespValue[];
      return { name: name!, pending: toNumber(count!) };
    }),
  };
}

function parseXPendingRange(reply: RespValue): XPendingRangeItem<RespValue>[] {
  return toArray(reply).map((item) => {
    const [id, consumer, idle, times] = item as RespValue[];
    return { message_id: id!, consumer: consumer!, time_since_delivered: toNumber(idle!), times_delivered: toNumber(times!) };
  });
}

// ---- the table -----------------------------------------------------------------------------

const XADD_PARAMS = ["name", "fields:map", "id?", "maxlen?:pyint", "approximate?:bool", "nomkstream?:bool", "minid?", "limit?:int"] as const;
const XTRIM_PARAMS = ["name", "maxlen?:int", "approximate?:bool", "minid?", "limit?:int"] as const;

export const STREAM_COMMANDS: Record<string, CommandSpec> = defineCommands({
  xack: {
    command: "XACK",
    params: ["name", "groupname", "...ids"],
    keys: ["name"],
    build: ({ name, groupname, ids }) => ["XACK", name, groupname, ...nonEmpty("XACK", "ids", ids, "at least one message ID")],
  },
  xadd: {
    command: "XADD",
    params: XADD_PARAMS,
    keys: ["name"],
    build(p) {
      exclusive("XADD", { maxlen: p.maxlen, minid: p.minid });
      atLeast("XADD", "maxlen", p.maxlen, 0);
      const argv: CommandArg[] = ["XADD", p.name];
      if (p.nomkstream) argv.push("NOMKSTREAM");
      pushTrim(argv, p.maxlen, p.approximate, p.minid, p.limit);
      argv.push((p.id as CommandArg | undefined) ?? "*");
      pushMapping({ command: "XADD" }, "fields", argv, p.fields);
      return argv;
    },
  },
  xautoclaim: {
    command: "XAUTOCLAIM",
    params: ["name", "groupname", "consumername", "minIdleTime:int", "startId?", "count?:int", "justid?:bool"],
    keys: ["name"],
    build({ name, groupname, consumername, minIdleTime, startId, count, justid }) {
      atLeast("XAUTOCLAIM", "minIdleTime", minIdleTime, 0);
      atLeast("XAUTOCLAIM", "count", count, 0);
      const argv: CommandArg[] = ["XAUTOCLAIM", name, groupname, consumername, minIdleTime as number];
      argv.push((startId as CommandArg | undefined) ?? "0-0");
      if (count !== undefined) argv.push("COUNT", count as number);
      if (justid) argv.push("JUSTID");
      return argv;
    },
    reply(reply, { justid }) {
      const [next, claimed, deleted] = reply as RespValue[];
      if (justid) return toArray(claimed ?? null);
      return [next, parseStreamList(claimed ?? null), toArray(deleted ?? null)];
    },
  },
  xclaim: {
    command: "XCLAIM",
    params: [
      "name",
      "groupname",
      "consumername",
      "minIdleTime:pyint",
      "messageIds:list",
      "idle?:pyint",
      "time?:pyint",
      "retrycount?:pyint",
      "force?:bool",
      "justid?:bool",
    ],
    keys: ["name"],
    build({ name, groupname, consumername, minIdleTime, messageIds, idle, time, retrycount, force, justid }) {
      atLeast("XCLAIM", "minIdleTime", minIdleTime, 0);
      const ids = messageIds as CommandArg[];
      if (ids.length === 0) throw new DataError("XCLAIM: 'messageIds' must be a non-empty list of message IDs");
      const argv: CommandArg[] = ["XCLAIM", name, groupname, consumername, minIdleTime as number, ...ids];
      if (idle !== undefined) argv.push("IDLE", idle as number);
      if (time !== undefined) argv.push("TIME", time as number);
      if (retrycount !== undefined) argv.push("RETRYCOUNT", retrycount as number);
      if (force) argv.push("FORCE");
      if (justid) argv.push("JUSTID");
      return argv;
    },
    reply: (reply, { justid }) => (justid ? toArray(reply) : parseStreamList(reply)),
  },
  xdel: {
    command: "XDEL",
    params: ["name", "...ids"],
    keys: ["name"],
    build: ({ name, ids }) => ["XDEL", name, ...nonEmpty("XDEL", "ids", ids, "at least one message ID")],
  },
  xgroupCreate: {
    command: "XGROUP CREATE",
    params: ["name", "groupname", "id?", "mkstream?:bool", "entriesRead?:int"],
    keys: ["name"],
    build({ name, groupname, id, mkstream, entriesRead }) {
      const argv: CommandArg[] = ["XGROUP", "CREATE", name, groupname, (id as CommandArg | undefined) ?? "$"];
      if (mkstream) argv.push("MKSTREAM");
      if (entriesRead !== undefined) argv.push("ENTRIESREAD", entriesRead as number);
      return argv;
    },
    reply: okToTrue,
  },
  xgroupCreateconsumer: {
    command: "XGROUP CREATECONSUMER",
    params: ["name", "groupname", "consumername"],
    keys: ["name"],
    build: ({ name, groupname, consumername }) => ["XGROUP", "CREATECONSUMER", name, groupname, consumername],
  },
  xgroupDelconsumer: {
    command: "XGROUP DELCONSUMER",
    params: ["name", "groupname", "consumername"],
    keys: ["name"],
    build: ({ name, groupname, consumername }) => ["XGROUP", "DELCONSUMER", name, groupname, consumername],
  },
  xgroupDestroy: {
    command: "XGROUP DESTROY",
    params: ["name", "groupname"],
    keys: ["name"],
    build: ({ name, groupname }) => ["XGROUP", "DESTROY", name, groupname],
    reply: toBool,
  },
  xgroupHelp: help("XGROUP"),
  xgroupSetid: {
    command: "XGROUP SETID",
    params: ["name", "groupname", "id", "entriesRead?:int"],
    keys: ["name"],
    build({ name, groupname, id, entriesRead }) {
      const argv: CommandArg[] = ["XGROUP", "SETID", name, groupname, id];
      if (entriesRead !== undefined) argv.push("ENTRIESREAD", entriesRead as number);
      return argv;
    },
    reply: okToTrue,
  },
  xinfoConsumers: {
    command: "XINFO CONSUMERS",
    params: ["name", "groupname"],
    keys: ["name"],
    build: ({ name, groupname }) => ["XINFO", "CONSUMERS", name, groupname],
    reply: objectList,
    readonly: true,
  },
  xinfoGroups: {
    command: "XINFO GROUPS",
    params: ["name"],
    keys: ["name"],
    build: ({ name }) => ["XINFO", "GROUPS", name],
    reply: objectList,
    readonly: true,
  },
  xinfoHelp: { ...help("XINFO"), readonly: true },
  xinfoStream: {
    command: "XINFO STREAM",
    params: ["name", "full?:bool"],
    keys: ["name"],
    build: ({ name, full }) => (full ? ["XINFO", "STREAM", name, "FULL"] : ["XINFO", "STREAM", name]),
    reply: (reply, { full }) => parseXInfoStream(reply, full === true),
    readonly: true,
  },
  xlen: { command: "XLEN", params: ["name"], build: ({ name }) => ["XLEN", name], readonly: true, keys: ["name"] },
  xpending: {
    command: "XPENDING",
    params: ["name", "groupname"],
    keys: ["name"],
    build: ({ name, groupname }) => ["XPENDING", name, groupname],
    reply: parseXPendingSummary,
    readonly: true,
  },
  xpendingRange: {
    command: "XPENDING",
    // `idle` is a number (redis-py only checks int(idle) >= 0): a fraction goes to the server, which refuses it.
    params: ["name", "groupname", "min?", "max?", "count?:int", "consumername?", "idle?:num"],
    keys: ["name"],
    build({ name, groupname, min, max, count, consumername, idle }) {
      const argv: CommandArg[] = ["XPENDING", name, groupname];
      if (min === undefined && max === undefined && count === undefined) {
        // redis-py: none of min, max and count is the summary form
        if (consumername !== undefined || idle !== undefined) {
          throw new DataError("XPENDING: 'idle' and 'consumername' need 'min', 'max' and 'count'");
        }
        return argv;
      }
      if (min === undefined || max === undefined || count === undefined) {
        throw new DataError("XPENDING needs all of 'min', 'max' and 'count', or none of them");
      }
      atLeast("XPENDING", "idle", idle, 0);
      atLeast("XPENDING", "count", count, 0);
      if (idle !== undefined) argv.push("IDLE", idle as number);
      argv.push(min, max, count as number);
      if (consumername !== undefined) argv.push(consumername);
      return argv;
    },
    reply: (reply, { count }) => (count === undefined ? parseXPendingSummary(reply) : parseXPendingRange(reply)),
    readonly: true,
  },
  xrange: {
    command: "XRANGE",
    params: ["name", "min?", "max?", "count?:pyint"],
    keys: ["name"],
    build({ name, min, max, count }) {
      atLeast("XRANGE", "count", count, 1);
      const argv: CommandArg[] = ["XRANGE", name, (min as CommandArg | undefined) ?? "-", (max as CommandArg | undefined) ?? "+"];
      if (count !== undefined) argv.push("COUNT", count as number);
      return argv;
    },
    reply: parseStreamList,
    readonly: true,
  },
  xread: {
    command: "XREAD",
    params: ["streams:map", "count?:pyint", "block?:pyint"],
    keys: ["streams"],
    blocking: { at: "BLOCK", unit: "ms" },
    build({ streams, count, block }) {
      atLeast("XREAD", "block", block, 0);
      atLeast("XREAD", "count", count, 1);
      const argv: CommandArg[] = ["XREAD"];
      if (block !== undefined) argv.push("BLOCK", block as number);
      if (count !== undefined) argv.push("COUNT", count as number);
      pushStreams("XREAD", argv, streams);
      return argv;
    },
    reply: parseXRead,
    readonly: true,
  },
  xreadgroup: {
    command: "XREADGROUP",
    params: ["groupname", "consumername", "streams:map", "count?:pyint", "block?:pyint", "noack?:bool"],
    keys: ["streams"],
    blocking: { at: "BLOCK", unit: "ms" },
    build({ groupname, consumername, streams, count, block, noack }) {
      atLeast("XREADGROUP", "count", count, 1);
      atLeast("XREADGROUP", "block", block, 0);
      const argv: CommandArg[] = ["XREADGROUP", "GROUP", groupname, consumername];
      if (count !== undefined) argv.push("COUNT", count as number);
      if (block !== undefined) argv.push("BLOCK", block as number);
      if (noack) argv.push("NOACK");
      pushStreams("XREADGROUP", argv, streams);
      return argv;
    },
    reply: parseXRead,
  },
  xrevrange: {
    command: "XREVRANGE",
    params: ["name", "max?", "min?", "count?:pyint"],
    keys: ["name"],
    build({ name, max, min, count }) {
      atLeast("XREVRANGE", "count", count, 1);
      const argv: CommandArg[] = ["XREVRANGE", name, (max as CommandArg | undefined) ?? "+", (min as CommandArg | undefined) ?? "-"];
      if (count !== undefined) argv.push("COUNT", count as number);
      return argv;
    },
    reply: parseStreamList,
    readonly: true,
  },
  xsetid: {
    command: "XSETID",
    params: ["name", "lastId", "entriesAdded?:int", "maxDeletedId?"],
    keys: ["name"],
    build({ name, lastId, entriesAdded, maxDeletedId }) {
      atLeast("XSETID", "entriesAdded", entriesAdded, 0);
      const argv: CommandArg[] = ["XSETID", name, lastId];
      if (entriesAdded !== undefined) argv.push("ENTRIESADDED", entriesAdded as number);
      if (maxDeletedId !== undefined) argv.push("MAXDELETEDID", maxDeletedId);
      return argv;
    },
    reply: okToTrue,
  },
  xtrim: {
    command: "XTRIM",
    params: XTRIM_PARAMS,
    keys: ["name"],
    build(p) {
      exclusive("XTRIM", { maxlen: p.maxlen, minid: p.minid });
      if (p.maxlen === undefined && p.minid === undefined) throw new DataError("XTRIM needs one of 'maxlen' and 'minid'");
      atLeast("XTRIM", "maxlen", p.maxlen, 0);
      const argv: CommandArg[] = ["XTRIM", p.name];
      pushTrim(argv, p.maxlen, p.approximate, p.minid, p.limit);
      return argv;
    },
  },
});
