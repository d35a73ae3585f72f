import { checkCallOptions, waitAbortedError } from "../connection/cancel.js";
import { DataError } from "../errors.js";
import { badArg, isArgValue, isPlainObject } from "./spec.js";
import type { EncodableT, KeyT } from "./types.js";

export interface ScanIterOptions {
  /** Only items matching this glob-style pattern. */
  match?: EncodableT | null;
  /** How much work the server does per call (a hint). */
  count?: number | null;
  /** Cancels the iteration: the page in flight rejects with `AbortError`, no further page is asked (docs/cancellation.md). */
  signal?: AbortSignal | null;
  /** Seconds each page's command may take (a per-call timeout, docs/cancellation.md). */
  timeout?: number | null;
}

export interface ScanIterKeysOptions extends ScanIterOptions {
  /** Only keys of this type ("string", "hash", ...): redis-py's `_type`. */
  type?: string | null;
}

export interface ZscanIterOptions<S> extends ScanIterOptions {
  /** Turns each score into the yielded value (redis-py's `score_cast_func`); scores are numbers by default. */
  scoreCastFunc?: ((score: number) => S) | null;
}

/**
 * `scanIter`, `sscanIter`, `hscanIter`, `zscanIter`: async iterators over the SCAN family that
 * hide the cursor (redis-py's `*_iter`). As with the commands, an item may be yielded more than
 * once when the collection changes during the iteration. Arguments follow the calling convention
 * of the commands: positionally in redis-py's order, or as a trailing keyword object.
 */
export interface ScanIterators<T> {
  /** Every key (SCAN), optionally matching `match` and of type `type`. */
  scanIter(options?: ScanIterKeysOptions): AsyncGenerator<T, void, undefined>;
  scanIter(match?: EncodableT | null, count?: number | null, type?: string | null): AsyncGenerator<T, void, undefined>;
  /** Every member of a set (SSCAN). */
  sscanIter(name: KeyT, options?: ScanIterOptions): AsyncGenerator<T, void, undefined>;
  sscanIter(name: KeyT, match?: EncodableT | null, count?: number | null): AsyncGenerator<T, void, undefined>;
  /** Every `[field, value]` of a hash (HSCAN); field names are strings, as the keys of `hscan`'s object. */
  hscanIter(name: KeyT, options?: ScanIterOptions): AsyncGenerator<[string, T], void, undefined>;
  hscanIter(name: KeyT, match?: EncodableT | null, count?: number | null): AsyncGenerator<[string, T], void, undefined>;
  /** Every `[member, score]` of a sorted set (ZSCAN). */
  zscanIter<S = number>(name: KeyT, options?: ZscanIterOptions<S>): AsyncGenerator<[T, S], void, undefined>;
  zscanIter<S = number>(
    name: KeyT,
    match?: EncodableT | null,
    count?: number | null,
    scoreCastFunc?: ((score: number) => S) | null,
  ): AsyncGenerator<[T, S], void, undefined>;
}

type ScanReply = [number | string, unknown];

interface ScanHost {
  withOptions?(options: { signal?: AbortSignal | null; timeout?: number | null }): ScanHost;
  scan(cursor: number | string, match?: unknown, count?: unknown, type?: unknown): Promise<ScanReply>;
  sscan(name: unknown, cursor: number | string, match?: unknown, count?: unknown): Promise<ScanReply>;
  hscan(name: unknown, cursor: number | string, match?: unknown, count?: unknown): Promise<ScanReply>;
  zscan(name: unknown, cursor: number | string, match?: unknown, count?: unknown, scoreCastFunc?: unknown): Promise<ScanReply>;
}

interface IterParam {
  name: string;
  check: (value: unknown) => boolean;
  expected: string;
  required?: boolean;
}

const KEY: IterParam = { name: "name", check: isArgValue, expected: "a string, Buffer or number", required: true };
const MATCH: IterParam = { name: "match", check: isArgValue, expected: "a string, Buffer or number" };
const COUNT: IterParam = { name: "count", check: (v) => Number.isInteger(v) && (v as number) > 0, expected: "a positive integer" };
const TYPE: IterParam = { name: "type", check: isArgValue, expected: "a string" };
const CAST: IterParam = { name: "scoreCastFunc", check: (v) => typeof v === "function", expected: "a function" };

/**
 * Binds an iterator's arguments (positional in order, then a trailing keyword object) and checks
 * them, throwing `DataError` at the call, before any command is sent.
 */
function bindIterArgs(method: string, params: IterParam[], args: unknown[], call?: CallOf): unknown[] {
  let positional = args.length;
  let keywords: Record<string, unknown> | null = null;
  if (positional > 0 && isPlainObject(args[positional - 1])) {
    keywords = args[positional - 1] as Record<string, unknown>;
    positional--;
    if (call && ("signal" in keywords || "timeout" in keywords)) {
      // The per-call options are the iterator's, not a parameter of the command.
      const { signal, timeout, ...rest } = keywords;
      checkCallOptions(method, signal, timeout);
      call.signal = (signal as AbortSignal | null | undefined) ?? null;
      call.timeout = (timeout as number | null | undefined) ?? null;
      keywords = rest;
    }
  }
  if (positional > params.length) {
    throw new DataError(`${method} takes at most ${params.length} positional arguments, got ${positional}`);
  }
  const values: unknown[] = params.map((_, i) => (i < positional ? args[i] : undefined));
  if (keywords) {
    for (const [key, value] of Object.entries(keywords)) {
      const i = params.findIndex((p) => p.name === key);
      if (i === -1) throw new DataError(`${method} got an unknown keyword argument '${key}'`);
      if (value === undefined) continue;
      if (values[i] !== undefined && values[i] !== null) throw new DataError(`${method} got multiple values for argument '${key}'`);
      values[i] = value;
    }
  }
  params.forEach((param, i) => {
    const value = values[i];
    if (value === undefined || value === null) {
      if (param.required) throw new DataError(`${method} missing required argument '${param.name}'`);
      values[i] = undefined;
    } else if (!param.check(value)) {
      // badArg describes a number as non-finite; a finite one is refused for its value, not its type.
      if (typeof value === "number" && Number.isFinite(value)) {
        throw new DataError(`${method}: argument '${param.name}' must be ${param.expected}`);
      }
      throw badArg({ command: method }, param.name, param.expected, value);
    }
  });
  return values;
}

/** An iterator's per-call options, taken out of its keyword object. */
interface CallOf {
  signal: AbortSignal | null;
  timeout: number | null;
}

/** The host the pages are asked of: a `withOptions()` view when the iterator has per-call options. */
function hostFor(method: string, host: ScanHost, call: CallOf): ScanHost {
  if (!call.signal && !call.timeout) return host;
  if (!host.withOptions) throw new DataError(`${method}: this client takes no 'signal' or 'timeout'`);
  return host.withOptions({ signal: call.signal ?? undefined, timeout: call.timeout ?? undefined });
}

/** Walks a cursor from 0 back to 0, yielding the items of each page. */
async function* walk<I>(
  page: (cursor: number | string) => Promise<ScanReply>,
  items: (data: unknown) => Iterable<I>,
  signal: AbortSignal | null = null,
): AsyncGenerator<I, void, undefined> {
  let cursor: number | string = 0;
  do {
    // Between pages (the consumer may take its time): an abort ends the iteration here.
    if (signal?.aborted) throw waitAbortedError("scan iteration", signal);
    const [next, data] = await page(cursor);
    cursor = next;
    yield* items(data);
  } while (Number(cursor) !== 0);
}

const asArray = (data: unknown): unknown[] => (Array.isArray(data) ? data : []);

const ITERATORS: Record<string, (this: ScanHost, ...args: unknown[]) => AsyncGenerator<unknown, void, undefined>> = {
  scanIter(this: ScanHost, ...args: unknown[]) {
    const call: CallOf = { signal: null, timeout: null };
    const [match, count, type] = bindIterArgs("scanIter", [MATCH, COUNT, TYPE], args, call);
    const host = hostFor("scanIter", this, call);
    return walk((cursor) => host.scan(cursor, match, count, type), asArray, call.signal);
  },
  sscanIter(this: ScanHost, ...args: unknown[]) {
    const call: CallOf = { signal: null, timeout: null };
    const [name, match, count] = bindIterArgs("sscanIter", [KEY, MATCH, COUNT], args, call);
    const host = hostFor("sscanIter", this, call);
    return walk((cursor) => host.sscan(name, cursor, match, count), asArray, call.signal);
  },
  hscanIter(this: ScanHost, ...args: unknown[]) {
    const call: CallOf = { signal: null, timeout: null };
    const [name, match, count] = bindIterArgs("hscanIter", [KEY, MATCH, COUNT], args, call);
    const host = hostFor("hscanIter", this, call);
    return walk(
      (cursor) => host.hscan(name, cursor, match, count),
      (data) => (data instanceof Map ? [...data.entries()] : data && typeof data === "object" ? Object.entries(data) : []),
      call.signal,
    );
  },
  zscanIter(this: ScanHost, ...args: unknown[]) {
    const call: CallOf = { signal: null, timeout: null };
    const [name, match, count, cast] = bindIterArgs("zscanIter", [KEY, MATCH, COUNT, CAST], args, call);
    const host = hostFor("zscanIter", this, call);
    return walk((cursor) => host.zscan(name, cursor, match, count, cast), asArray, call.signal);
  },
};

/** Installs the iterator methods on a client prototype (they call the instance's `scan`/`sscan`/... methods). */
export function installScanIterators(proto: object): void {
  for (const [method, fn] of Object.entries(ITERATORS)) {
    Object.defineProperty(proto, method, { value: fn, writable: true, configurable: true });
  }
}
