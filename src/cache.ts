/**
 * Client-side caching (RESP3 `CLIENT TRACKING`): replies of read-only single-key commands are
 * kept in memory and served without a round trip until the server says the key changed.
 *
 * One `ClientSideCache` belongs to one pool and serves the pool's shared connection (the one
 * ordinary commands of `Redis` use). That connection turns tracking on in its handshake and
 * hands every `invalidate` push frame to `invalidate()`; losing it (or reconnecting) empties
 * the cache, since invalidations may have been missed meanwhile.
 *
 * The race between an invalidation and a reply in flight is closed the standard way: a miss
 * stores a *pending* entry before the command is sent; an invalidation (or a flush) removes
 * it; the reply is kept only if its own pending entry is still there when it lands. Replies
 * and invalidations come over the same connection, in the server's order, so an
 * invalidation read after a reply is always seen before that reply is stored.
 *
 * See docs/caching.md for what is cached and the guarantees.
 */
import { keyId, type ResolvedClientSideCacheOptions } from "./cache-options.js";
import type { Connection, SendOptions, TrackingTarget } from "./connection/connection.js";
import { Route } from "./commands/route.js";
import { commandKeys, type CommandSpec } from "./commands/spec.js";
import type { CommandArg, RespValue } from "./protocol/index.js";

export type { ClientSideCacheOptions, ResolvedClientSideCacheOptions } from "./cache-options.js";

/** Counters since the cache was made (a flush keeps them). */
export interface CacheStats {
  /** Calls answered from the cache. */
  hits: number;
  /** Cacheable calls that went to the server. */
  misses: number;
  /** Entries dropped for room (`maxEntries`, `maxBytes`) or because their `ttl` passed. */
  evictions: number;
  /** Entries (stored or pending) dropped because their key changed. */
  invalidations: number;
  /** Times the whole cache was emptied (connection lost or re-made, FLUSHALL/FLUSHDB, `clear()`). */
  flushes: number;
  /** Entries stored now. */
  entries: number;
  /** Estimated bytes of the entries stored now. */
  bytes: number;
}

// ---- which commands are cached: the one rule ---------------------------------------------

/**
 * Read-only single-key commands whose reply is not a pure function of the key's value: time
 * (TTL...), randomness (SRANDMEMBER...), server internals (OBJECT, MEMORY USAGE, XINFO and
 * XPENDING's idle times), cursors (the SCANs), other keys (SORT_RO's BY/GET patterns), and
 * DUMP (a binary payload that is rarely hot).
 */
const NOT_CACHEABLE: ReadonlySet<string> = new Set([
  "TTL",
  "PTTL",
  "EXPIRETIME",
  "PEXPIRETIME",
  "OBJECT",
  "OBJECT ENCODING",
  "OBJECT FREQ",
  "OBJECT IDLETIME",
  "OBJECT REFCOUNT",
  "MEMORY USAGE",
  "RANDOMKEY",
  "SRANDMEMBER",
  "HRANDFIELD",
  "ZRANDMEMBER",
  "SCAN",
  "HSCAN",
  "SSCAN",
  "ZSCAN",
  "XINFO CONSUMERS",
  "XINFO GROUPS",
  "XINFO STREAM",
  "XPENDING",
  "SORT_RO",
  "DUMP",
]);

/** Per spec: the position of its one key among the bound values, or -1 when it is not cached. */
const keyPositions = new WeakMap<CommandSpec, number>();

/**
 * Where a command's one key is among its bound values when its reply may be cached, else -1.
 * Cached: the spec is `readonly`, takes exactly one key as a plain (not list or rest)
 * parameter, is not blocking, goes to the shared connection, and is not in `NOT_CACHEABLE`.
 */
export function cacheKeyPosition(spec: CommandSpec): number {
  let position = keyPositions.get(spec);
  if (position === undefined) {
    const index = spec.keyIndexes.length === 1 ? spec.keyIndexes[0]! : -1;
    const param = index >= 0 ? spec.parsed[index] : undefined;
    const cacheable =
      spec.readonly === true &&
      !spec.blocking &&
      spec.route === Route.Plain &&
      param !== undefined &&
      !param.rest &&
      param.kind === "value" &&
      !NOT_CACHEABLE.has(spec.command);
    position = cacheable ? index : -1;
    keyPositions.set(spec, position);
  }
  return position;
}

// ---- keys and values ---------------------------------------------------------------------

/**
 * A copy of a cached reply that shares nothing mutable with the entry: Buffers, arrays and
 * Maps are copied (strings, numbers, booleans and null are immutable and kept).
 */
export function copyReply(value: RespValue): RespValue {
  if (value === null || typeof value !== "object") return value;
  if (Buffer.isBuffer(value)) {
    const copy = Buffer.allocUnsafe(value.length);
    value.copy(copy);
    return copy;
  }
  if (Array.isArray(value)) {
    const copy = new Array<RespValue>(value.length);
    for (let i = 0; i < value.length; i++) copy[i] = copyReply(value[i]!);
    return copy;
  }
  if (value instanceof Map) {
    const copy = new Map<RespValue, RespValue>();
    for (const [k, v] of value) copy.set(copyReply(k), copyReply(v));
    return copy;
  }
  return value;
}

/** An estimate of the memory a reply holds, for `maxBytes`. */
function sizeOf(value: RespValue): number {
  if (value === null || typeof value === "boolean" || typeof value === "number") return 8;
  if (typeof value === "string") return 16 + 2 * value.length;
  if (typeof value === "bigint") return 16;
  if (Buffer.isBuffer(value)) return 32 + value.length;
  if (Array.isArray(value)) {
    let n = 16 + 8 * value.length;
    for (let i = 0; i < value.length; i++) n += sizeOf(value[i]!);
    return n;
  }
  if (value instanceof Map) {
    let n = 32;
    for (const [k, v] of value) n += 16 + sizeOf(k) + sizeOf(v);
    return n;
  }
  return 64;
}

/** Fixed cost of one entry (the object, its place in two maps), for `maxBytes`. */
const ENTRY_OVERHEAD = 96;

const PENDING: unique symbol = Symbol("pending");

interface Entry {
  /** The command and arguments, and whether strings are decoded. */
  readonly id: string;
  /** The Redis key it was read from (`keyId`). */
  readonly key: string;
  /** The raw reply, or `PENDING` while the command is in flight. */
  value: RespValue | typeof PENDING;
  bytes: number;
  /** When it stops being served (ms since the epoch); 0 = never. */
  expires: number;
}

/** The cache of one pool. */
export class ClientSideCache implements TrackingTarget {
  readonly options: ResolvedClientSideCacheOptions;
  private readonly encoding: BufferEncoding;
  /** Entries by id, least recently used first. */
  private readonly entries = new Map<string, Entry>();
  /** Entries by Redis key, for invalidation. */
  private readonly byKey = new Map<string, Set<Entry>>();
  private readonly prefixIds: readonly string[];
  private bytes = 0;
  private stored = 0;
  private hits = 0;
  private misses = 0;
  private evictions = 0;
  private invalidations = 0;
  private flushes = 0;

  constructor(options: ResolvedClientSideCacheOptions, encoding: BufferEncoding) {
    this.options = options;
    this.encoding = encoding;
    this.prefixIds = options.prefixes.map((p) => keyId(p, encoding));
  }

  trackingCommand(): CommandArg[] {
    const command: CommandArg[] = ["CLIENT", "TRACKING", "ON"];
    if (this.options.mode === "bcast") {
      command.push("BCAST");
      for (const prefix of this.options.prefixes) command.push("PREFIX", prefix);
    }
    return command;
  }

  /** The counters (see `CacheStats`). */
  stats(): CacheStats {
    return {
      hits: this.hits,
      misses: this.misses,
      evictions: this.evictions,
      invalidations: this.invalidations,
      flushes: this.flushes,
      entries: this.stored,
      bytes: this.bytes,
    };
  }

  /** Empties the cache (the counters stay). Replies in flight are not stored. */
  clear(): void {
    this.flushes++;
    this.entries.clear();
    this.byKey.clear();
    this.bytes = 0;
    this.stored = 0;
  }

  reset(): void {
    if (this.entries.size > 0) this.clear();
  }

  invalidate(keys: RespValue): void {
    if (keys === null) {
      this.clear();
      return;
    }
    if (!Array.isArray(keys)) keys = [keys];
    for (const key of keys) {
      // A key that did not decode (not valid text with decodeResponses) cannot be matched: flush.
      if (typeof key !== "string" && !Buffer.isBuffer(key)) {
        this.clear();
        return;
      }
      if (typeof key === "string" && key.includes("\ufffd")) {
        this.clear();
        return;
      }
      this.invalidateKey(keyId(key, this.encoding));
    }
  }

  private invalidateKey(key: string): void {
    const group = this.byKey.get(key);
    if (!group) return;
    this.byKey.delete(key);
    for (const entry of group) {
      this.entries.delete(entry.id);
      this.dropCounts(entry);
      this.invalidations++;
    }
  }

  /**
   * Runs a command method's call through the cache: a cached reply at once (no I/O), or a
   * miss sent on `connection` and stored when it lands. Returns null for calls the cache does
   * not take (they are sent as usual); the keys of a write are invalidated here first, so
   * this client reads its own writes even before the server's invalidation arrives.
   */
  run(
    connection: () => Connection,
    spec: CommandSpec,
    command: { argv: CommandArg[]; values: unknown[] },
    options: SendOptions | undefined,
  ): Promise<unknown> | null {
    const position = cacheKeyPosition(spec);
    if (position < 0) {
      if (!spec.readonly && spec.keyIndexes.length > 0 && this.entries.size > 0) {
        for (const key of commandKeys(spec, command.values)) this.invalidateKey(keyId(key, this.encoding));
      }
      return null;
    }
    const key = keyId(command.values[position] as CommandArg, this.encoding);
    if (this.prefixIds.length > 0 && !this.prefixIds.some((p) => key.startsWith(p))) return null;
    let conn: Connection;
    try {
      conn = connection();
    } catch (err) {
      return Promise.reject(err);
    }
    const decode = options?.decode ?? conn.options.decodeResponses;
    const argv = command.argv;
    let id = decode ? "d" : "b";
    for (let i = 0; i < argv.length; i++) {
      const part = keyId(argv[i]!, this.encoding);
      id += `${part.length}:${part}`;
    }
    const transform = options?.transform;
    const found = this.entries.get(id);
    if (found !== undefined && found.value !== PENDING && conn.isConnected) {
      if (found.expires !== 0 && found.expires <= Date.now()) {
        this.remove(found);
        this.evictions++;
      } else {
        this.hits++;
        // most recently used: to the end of the map
        this.entries.delete(id);
        this.entries.set(id, found);
        try {
          const value = copyReply(found.value);
          return Promise.resolve(transform ? transform(value, options!.context) : value);
        } catch (err) {
          return Promise.reject(err);
        }
      }
    }
    this.misses++;
    if (found !== undefined) this.remove(found);
    const entry: Entry = { id, key, value: PENDING, bytes: 0, expires: 0 };
    this.add(entry);
    return conn.send(argv, { decode }).then(
      (raw) => {
        // Once stored, the caller gets a copy: the entry must never see the caller's changes.
        const value = this.settle(entry, raw as RespValue) ? copyReply(raw as RespValue) : (raw as RespValue);
        return transform ? transform(value, options!.context) : value;
      },
      (err: unknown) => {
        if (this.entries.get(id) === entry) this.remove(entry);
        throw err;
      },
    );
  }

  /** The reply of a pending entry landed: kept only if nothing invalidated the entry meanwhile. */
  private settle(entry: Entry, value: RespValue): boolean {
    if (this.entries.get(entry.id) !== entry) return false; // invalidated, flushed or replaced: not stored
    if (value instanceof Error) {
      this.remove(entry);
      return false;
    }
    const bytes = ENTRY_OVERHEAD + 2 * entry.id.length + sizeOf(value);
    const { maxBytes, maxEntries, ttl } = this.options;
    if (maxBytes > 0 && bytes > maxBytes) {
      this.remove(entry);
      this.evictions++;
      return false;
    }
    entry.value = value;
    entry.bytes = bytes;
    entry.expires = ttl > 0 ? Date.now() + ttl * 1000 : 0;
    this.bytes += bytes;
    this.stored++;
    // most recently used: to the end of the map
    this.entries.delete(entry.id);
    this.entries.set(entry.id, entry);
    while (this.stored > maxEntries || (maxBytes > 0 && this.bytes > maxBytes)) {
      const oldest = this.oldestStored();
      if (!oldest) break;
      this.remove(oldest);
      this.evictions++;
    }
    return true;
  }

  /** The least recently used stored entry (pending ones are skipped: they have no value yet). */
  private oldestStored(): Entry | undefined {
    for (const entry of this.entries.values()) if (entry.value !== PENDING) return entry;
    return undefined;
  }

  private add(entry: Entry): void {
    this.entries.set(entry.id, entry);
    let group = this.byKey.get(entry.key);
    if (!group) {
      group = new Set();
      this.byKey.set(entry.key, group);
    }
    group.add(entry);
  }

  private remove(entry: Entry): void {
    this.entries.delete(entry.id);
    const group = this.byKey.get(entry.key);
    if (group) {
      group.delete(entry);
      if (group.size === 0) this.byKey.delete(entry.key);
    }
    this.dropCounts(entry);
  }

  private dropCounts(entry: Entry): void {
    if (entry.value === PENDING) return;
    this.bytes -= entry.bytes;
    this.stored--;
  }
}
