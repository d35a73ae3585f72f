/** The Stream command group (aioredis 1.x's `StreamCommandsMixin`), installed on `Redis` by commands/index.ts: field maps as plain objects, XREAD as a flat `[stream, id, fields]` list. */
import { signatures } from "../calling.js";
import { RedisBase } from "./base.js";
import { isInt, isPlainObject, makeDict, NOTSET, toInt, type Arg, type RedisString } from "../util.js";
import { waitOkReply } from "./generic.js";

/** `[id, { field: value }]`. */
export type StreamMessage<T = RedisString> = [T, Record<string, T>];
/** `[stream, id, { field: value }]`: XREAD's entries, flattened as v1 did. */
export type StreamEntry<T = RedisString> = [T, T, Record<string, T>];

/** v1's `parse_messages`: `[[id, [k, v, ...]], ...]` -> `[[id, {k: v}], ...]`, nil entries skipped. */
function parseMessages(messages: unknown): StreamMessage<any>[] {
  if (messages === null || messages === undefined) return [];
  return (messages as [unknown, unknown][])
    .filter(([, values]) => values !== null && values !== undefined)
    .map(([id, values]) => [id, makeDict(values)] as StreamMessage<any>);
}

/** v1's `parse_messages_by_stream`: XREAD's nested reply flattened to `[stream, id, fields]`. */
function parseMessagesByStream(reply: unknown): StreamEntry<any>[] {
  if (reply === null || reply === undefined) return [];
  const parsed: StreamEntry<any>[] = [];
  for (const [stream, messages] of reply as [unknown, unknown][]) {
    for (const [id, fields] of parseMessages(messages)) parsed.push([stream, id, fields]);
  }
  return parsed;
}

function parseListsToDicts(lists: unknown): Record<string, unknown>[] {
  return (lists as unknown[]).map((l) => makeDict(l));
}

export interface XaddOptions {
  messageId?: Arg;
  maxLen?: number | null;
  exactLen?: boolean;
}

export interface XreadOptions {
  /** BLOCK milliseconds; 0 (the default) blocks forever, `null` does not block. */
  timeout?: number | null;
  count?: number | null;
  latestIds?: Arg[] | null;
}

export interface XreadGroupOptions extends XreadOptions {
  noAck?: boolean;
}

/** The v1 signatures of the Stream commands (see calling.ts). */
export const streamSignatures = signatures({
  xinfo: "stream",
  xadd: "stream, fields{}, messageId?, maxLen?, exactLen?",
  xrange: "stream, start?, stop?, count?",
  xrevrange: "stream, start?, stop?, count?",
  xread: "streams, timeout?, count?, latestIds?",
  xreadGroup: "groupName, consumerName, streams, timeout?, count?, latestIds?, noAck?",
  xgroupCreate: "stream, groupName, latestId?, mkstream?",
  xgroupSetid: "stream, groupName, latestId?",
  xgroupDestroy: "stream, groupName",
  xgroupDelconsumer: "stream, groupName, consumerName",
  xpending: "stream, groupName, start?, stop?, count?, consumer?",
  xclaim: "stream, groupName, consumerName, minIdleTime, id, *ids",
  xack: "stream, groupName, id, *ids",
  xdel: "stream, id",
  xtrim: "stream, maxLen, exactLen?",
  xlen: "stream",
  xinfoConsumers: "stream, groupName",
  xinfoGroups: "stream",
  xinfoStream: "stream",
  xinfoHelp: "",
});

export class StreamCommands<T extends RedisString = Buffer> extends RedisBase<T> {
  /** XADD `fields` (an object); resolves with the new id. `maxLen` trims approximately unless `exactLen`. */
  xadd(
    stream: Arg,
    fields: Record<string, Arg>,
    messageId?: Arg | XaddOptions,
    maxLen?: number | null | XaddOptions,
    exactLen?: boolean | XaddOptions,
    options?: XaddOptions,
  ): Promise<T> {
    const a = streamSignatures.bind("xadd", arguments);
    if (!isPlainObject(a.fields)) throw new TypeError("fields must be a dict");
    const args: unknown[] = [];
    if (a.maxLen !== undefined && a.maxLen !== null) {
      if (a.exactLen) args.push("MAXLEN", a.maxLen);
      else args.push("MAXLEN", "~", a.maxLen);
    }
    args.push(a.messageId ?? "*");
    for (const [k, v] of Object.entries(a.fields as Record<string, unknown>)) args.push(k, v);
    return this._exec("XADD", [a.stream, ...args]);
  }

  /** XRANGE: `[[id, fields], ...]`. */
  xrange(stream: Arg, start?: Arg | { start?: Arg; stop?: Arg; count?: number | null }, stop?: Arg, count?: number | null): Promise<StreamMessage<T>[]> {
    const a = streamSignatures.bind("xrange", arguments);
    const extra = a.count !== undefined && a.count !== null ? ["COUNT", a.count] : [];
    return this._exec("XRANGE", [a.stream, a.start ?? "-", a.stop ?? "+", ...extra], NOTSET, parseMessages);
  }

  xrevrange(stream: Arg, start?: Arg | { start?: Arg; stop?: Arg; count?: number | null }, stop?: Arg, count?: number | null): Promise<StreamMessage<T>[]> {
    const a = streamSignatures.bind("xrevrange", arguments);
    const extra = a.count !== undefined && a.count !== null ? ["COUNT", a.count] : [];
    return this._exec("XREVRANGE", [a.stream, a.start ?? "+", a.stop ?? "-", ...extra], NOTSET, parseMessages);
  }

  /**
   * XREAD `streams` (an array): a flat `[[stream, id, fields], ...]`, `[]` on timeout.
   * `timeout` is BLOCK in milliseconds and defaults to 0: block forever, as in v1.
   */
  xread(
    streams: Arg[],
    timeout?: number | null | XreadOptions,
    count?: number | null | XreadOptions,
    latestIds?: Arg[] | null | XreadOptions,
    options?: XreadOptions,
  ): Promise<StreamEntry<T>[]> {
    const a = streamSignatures.bind("xread", arguments);
    const args = xreadArgs(a.streams, a.timeout === undefined ? 0 : a.timeout, a.count, a.latestIds, false);
    return this._exec("XREAD", args, NOTSET, parseMessagesByStream);
  }

  /** XREADGROUP GROUP `groupName` `consumerName`, same shape and defaults as `xread`. */
  xreadGroup(
    groupName: Arg,
    consumerName: Arg,
    streams: Arg[],
    timeout?: number | null | XreadGroupOptions,
    count?: number | null | XreadGroupOptions,
    latestIds?: Arg[] | null | XreadGroupOptions,
    noAck?: boolean | XreadGroupOptions,
    options?: XreadGroupOptions,
  ): Promise<StreamEntry<T>[]> {
    const a = streamSignatures.bind("xreadGroup", arguments);
    const args = xreadArgs(a.streams, a.timeout === undefined ? 0 : a.timeout, a.count, a.latestIds, Boolean(a.noAck));
    return this._exec("XREADGROUP", ["GROUP", a.groupName, a.consumerName, ...args], NOTSET, parseMessagesByStream);
  }

  xgroupCreate(stream: Arg, groupName: Arg, latestId?: Arg | { latestId?: Arg; mkstream?: boolean }, mkstream?: boolean): Promise<boolean> {
    const a = streamSignatures.bind("xgroupCreate", arguments);
    const args: unknown[] = ["CREATE", a.stream, a.groupName, a.latestId ?? "$"];
    if (a.mkstream) args.push("MKSTREAM");
    return this._exec("XGROUP", args, NOTSET, waitOkReply);
  }

  xgroupSetid(stream: Arg, groupName: Arg, latestId?: Arg | { latestId?: Arg }): Promise<boolean> {
    const a = streamSignatures.bind("xgroupSetid", arguments);
    return this._exec("XGROUP", ["SETID", a.stream, a.groupName, a.latestId ?? "$"], NOTSET, waitOkReply);
  }

  /** XGROUP DESTROY: always false, as in v1 (its `wait_ok` met an integer reply). */
  xgroupDestroy(stream: Arg, groupName: Arg): Promise<boolean> {
    const a = streamSignatures.bind("xgroupDestroy", arguments);
    return this._exec("XGROUP", ["DESTROY", a.stream, a.groupName], NOTSET, waitOkReply);
  }

  xgroupDelconsumer(stream: Arg, groupName: Arg, consumerName: Arg): Promise<number> {
    const a = streamSignatures.bind("xgroupDelconsumer", arguments);
    return this._exec("XGROUP", ["DELCONSUMER", a.stream, a.groupName, a.consumerName], NOTSET, toInt);
  }

  /** XPENDING: the raw reply (summary, or with start/stop/count the entries). */
  xpending(
    stream: Arg,
    groupName: Arg,
    start?: Arg | null | { start?: Arg; stop?: Arg; count?: number; consumer?: Arg },
    stop?: Arg | null,
    count?: number | null,
    consumer?: Arg | null,
  ): Promise<any[]> {
    const a = streamSignatures.bind("xpending", arguments);
    const ssc = [a.start, a.stop, a.count].filter((v) => v !== undefined && v !== null);
    if (ssc.length !== 0 && ssc.length !== 3) throw new RangeError("Either specify non or all of the start/stop/count arguments");
    const args: unknown[] = [a.stream, a.groupName, ...ssc];
    if (a.consumer) args.push(a.consumer);
    return this._exec("XPENDING", args);
  }

  /** XCLAIM: `[[id, fields], ...]`. */
  xclaim(stream: Arg, groupName: Arg, consumerName: Arg, minIdleTime: number, id: Arg, ...ids: Arg[]): Promise<StreamMessage<T>[]> {
    const a = streamSignatures.bind("xclaim", arguments);
    return this._exec("XCLAIM", [a.stream, a.groupName, a.consumerName, a.minIdleTime, a.id, ...a.rest], NOTSET, parseMessages);
  }

  xack(stream: Arg, groupName: Arg, id: Arg, ...ids: Arg[]): Promise<number> {
    const a = streamSignatures.bind("xack", arguments);
    return this._exec("XACK", [a.stream, a.groupName, a.id, ...a.rest]);
  }

  /** XDEL of one id (v1.3.1 took one). */
  xdel(stream: Arg, id: Arg): Promise<number> {
    const a = streamSignatures.bind("xdel", arguments);
    return this._exec("XDEL", [a.stream, a.id]);
  }

  /** XTRIM MAXLEN (approximate unless `exactLen`). */
  xtrim(stream: Arg, maxLen: number, exactLen?: boolean | { exactLen?: boolean }): Promise<number> {
    const a = streamSignatures.bind("xtrim", arguments);
    const args = a.exactLen ? ["MAXLEN", a.maxLen] : ["MAXLEN", "~", a.maxLen];
    return this._exec("XTRIM", [a.stream, ...args]);
  }

  xlen(stream: Arg): Promise<number> {
    const a = streamSignatures.bind("xlen", arguments);
    return this._exec("XLEN", [a.stream]);
  }

  /** Alias of `xinfoStream`. */
  xinfo(stream: Arg): Promise<Record<string, any>> {
    const a = streamSignatures.bind("xinfo", arguments);
    return this.xinfoStream(a.stream);
  }

  xinfoConsumers(stream: Arg, groupName: Arg): Promise<Record<string, any>[]> {
    const a = streamSignatures.bind("xinfoConsumers", arguments);
    return this._exec("XINFO", ["CONSUMERS", a.stream, a.groupName], NOTSET, parseListsToDicts);
  }

  xinfoGroups(stream: Arg): Promise<Record<string, any>[]> {
    const a = streamSignatures.bind("xinfoGroups", arguments);
    return this._exec("XINFO", ["GROUPS", a.stream], NOTSET, parseListsToDicts);
  }

  /** XINFO STREAM as an object with the raw values. */
  xinfoStream(stream: Arg): Promise<Record<string, any>> {
    const a = streamSignatures.bind("xinfoStream", arguments);
    return this._exec("XINFO", ["STREAM", a.stream], NOTSET, makeDict);
  }

  /** XINFO HELP, the lines joined with newlines. */
  xinfoHelp(): Promise<T> {
    streamSignatures.bind("xinfoHelp", arguments);
    return this._exec("XINFO", ["HELP"], NOTSET, (lines: unknown[]) =>
      lines.every((l) => Buffer.isBuffer(l))
        ? Buffer.concat((lines as Buffer[]).flatMap((l, i) => (i === 0 ? [l] : [Buffer.from("\n"), l])))
        : lines.map(String).join("\n"),
    );
  }
}

function xreadArgs(streams: unknown, timeout: unknown, count: unknown, latestIds: unknown, noAck: boolean): unknown[] {
  if (!Array.isArray(streams)) throw new TypeError("streams must be a list");
  const ids = latestIds === undefined || latestIds === null ? streams.map(() => "$") : latestIds;
  if (!Array.isArray(ids)) throw new TypeError("latest_ids must be a list");
  if (streams.length !== ids.length) throw new RangeError("The streams and latest_ids parameters must be of the same length");
  const countArgs = count ? ["COUNT", count] : [];
  let blockArgs: unknown[];
  if (timeout === null) blockArgs = [];
  else if (!isInt(timeout)) throw new TypeError(`timeout argument must be int, not ${String(timeout)}`);
  else blockArgs = ["BLOCK", timeout];
  const noAckArgs = noAck ? ["NOACK"] : [];
  return [...countArgs, ...blockArgs, ...noAckArgs, "STREAMS", ...streams, ...ids];
}
