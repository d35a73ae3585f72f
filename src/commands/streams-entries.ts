import { DataError } from "../errors.js";
import type { CommandArg, RespValue } from "../protocol/index.js";
import { toArray, toObject } from "./replies.js";
import { badArg, entriesOf, isArgValue } from "./spec.js";
import type { KeyT } from "./types.js";

/* What every stream command shares: entry IDs, entries, and reading them (XREAD, XRANGE, XREADGROUP...). */

/** A stream entry ID: `"1526919030474-55"`, `"*"`, `"$"`, `">"`, `"-"`, `"+"`... */
export type StreamIdT = string | Buffer | number;

/** One stream entry, as redis-py's `(id, {field: value})`. Field names are strings; values keep `T`. */
export type StreamEntry<T> = [id: T, fields: Record<string, T>];

/** XREAD / XREADGROUP: `[[stream, [[id, fields], ...]], ...]`; `[]` when nothing arrived. */
export type XReadReply<T> = [stream: T, entries: StreamEntry<T>[]][];

export interface XReadOptions {
  /** Return at most this many entries per stream. */
  count?: number | null;
  /** Wait up to this many milliseconds (0: forever) when nothing is there yet. */
  block?: number | null;
}

export type StreamsMapping = Record<string, StreamIdT> | Map<KeyT, StreamIdT>;

export function atLeast(command: string, name: string, value: unknown, min: number): void {
  if (value !== undefined && (value as number) < min) {
    throw new DataError(`${command}: '${name}' must be ${min === 0 ? "a non-negative" : "a positive"} integer`);
  }
}

/** Pushes a `{stream: id}` mapping as `STREAMS k1 k2 ... id1 id2 ...`. */
export function pushStreams(command: string, argv: CommandArg[], streams: unknown): void {
  const entries = entriesOf(streams);
  if (entries.length === 0) throw new DataError(`${command}: 'streams' must be a non-empty mapping`);
  for (const [key, id] of entries) {
    if (!isArgValue(key) || !isArgValue(id)) {
      throw badArg({ command }, "streams", "a mapping of stream names to IDs", isArgValue(key) ? id : key);
    }
  }
  argv.push("STREAMS", ...entries.map(([key]) => key), ...entries.map(([, id]) => id));
}

/** `[id, [f1, v1, ...]]` -> `[id, {f1: v1, ...}]`; a deleted entry's `null` fields become `{}` (redis-py). */
export function parseEntry(entry: RespValue): StreamEntry<RespValue> | [null, null] {
  if (entry === null) return [null, null];
  const pair = entry as RespValue[];
  return [pair[0]!, toObject(pair[1] ?? null)];
}

export function parseStreamList(reply: RespValue): unknown[] {
  return toArray(reply).map(parseEntry);
}

/** RESP2 `[[stream, entries], ...]` or a RESP3 map `{stream: entries}` -> `[[stream, entries], ...]`. */
export function parseXRead(reply: RespValue): unknown[] {
  if (reply === null) return [];
  if (reply instanceof Map) return [...reply].map(([stream, entries]) => [stream, parseStreamList(entries)]);
  return toArray(reply).map((item) => {
    const pair = item as RespValue[];
    return [pair[0], parseStreamList(pair[1]!)];
  });
}
