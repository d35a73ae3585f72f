import { DataError } from "../errors.js";
import type { CommandArg, RespValue } from "../protocol/index.js";
import { help, nonEmpty } from "./args.js";
import { objectList, okToTrue, toArray, toBool, toNumber } from "./replies.js";
import { defineCommands, type CommandSpec } from "./spec.js";
import type { KeyT, Ret, Without } from "./types.js";
import {
  atLeast,
  parseStreamList,
  parseXRead,
  pushStreams,
  type StreamEntry,
  type StreamIdT,
  type StreamsMapping,
  type XReadOptions,
  type XReadReply,
} from "./streams-entries.js";

/* Streams, the consumer-group family: XGROUP, XREADGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM, XINFO GROUPS/CONSUMERS. The other stream commands are in streams.ts. */

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

/** The consumer-group commands of streams (part of `StreamCommands`). */
export interface StreamGroupCommands<T, M> {
  /** XACK: the number of messages acknowledged. */
  xack(name: KeyT, groupname: KeyT, ...ids: StreamIdT[]): Ret<M, number>;
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

export const STREAM_GROUP_COMMANDS: Record<string, CommandSpec> = defineCommands({
  xack: {
    command: "XACK",
    params: ["name", "groupname", "...ids"],
    keys: ["name"],
    build: ({ name, groupname, ids }) => ["XACK", name, groupname, ...nonEmpty("XACK", "ids", ids, "at least one message ID")],
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
});
