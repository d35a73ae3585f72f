import { DataError } from "../errors.js";
import type { CommandArg, RespValue } from "../protocol/index.js";
import { exclusive, help, nonEmpty } from "./args.js";
import { objectList, okToTrue, setField, str, toArray, toObject } from "./replies.js";
import { defineCommands, pushMapping, type CommandSpec } from "./spec.js";
import type { EncodableT, KeyT, Ret, Without } from "./types.js";
import {
  atLeast,
  parseEntry,
  parseStreamList,
  parseXRead,
  pushStreams,
  type StreamEntry,
  type StreamIdT,
  type StreamsMapping,
  type XReadOptions,
  type XReadReply,
} from "./streams-entries.js";
import type { StreamGroupCommands } from "./streams-groups.js";

export type { StreamEntry, StreamIdT, XReadOptions, XReadReply } from "./streams-entries.js";
export type {
  XAutoClaimOptions,
  XAutoClaimReply,
  XClaimOptions,
  XGroupCreateOptions,
  XInfoConsumer,
  XInfoGroup,
  XPendingRangeItem,
  XPendingRangeOptions,
  XPendingSummary,
  XReadGroupOptions,
} from "./streams-groups.js";

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

export interface XRangeOptions {
  count?: number | null;
}

export interface XSetIdOptions {
  entriesAdded?: number | null;
  maxDeletedId?: StreamIdT | null;
}

export interface StreamCommands<T, M> extends StreamGroupCommands<T, M> {
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
  /** XDEL: the number of entries deleted. */
  xdel(name: KeyT, ...ids: StreamIdT[]): Ret<M, number>;
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

// ---- the table -----------------------------------------------------------------------------

const XADD_PARAMS = ["name", "fields:map", "id?", "maxlen?:pyint", "approximate?:bool", "nomkstream?:bool", "minid?", "limit?:int"] as const;
const XTRIM_PARAMS = ["name", "maxlen?:int", "approximate?:bool", "minid?", "limit?:int"] as const;

export const STREAM_COMMANDS: Record<string, CommandSpec> = defineCommands({
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
  xdel: {
    command: "XDEL",
    params: ["name", "...ids"],
    keys: ["name"],
    build: ({ name, ids }) => ["XDEL", name, ...nonEmpty("XDEL", "ids", ids, "at least one message ID")],
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
