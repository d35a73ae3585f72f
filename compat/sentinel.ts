/**
 * v1's Sentinel support (aioredis 1.3.1 `aioredis/sentinel`): `create_sentinel` and
 * `RedisSentinel`, `create_sentinel_pool` and `SentinelPool`, and the `ManagedPool` a
 * `master_for` / `slave_for` client runs on, built on the v2 `Sentinel`.
 *
 * ```ts
 * const sentinel = await aioredis.createSentinel([["127.0.0.1", 26379]], { encoding: "utf-8" });
 * const redis = sentinel.masterFor("mymaster");   // a v1 `Redis`; follows failovers
 * await redis.set("k", "v");                      // true
 * await sentinel.master("mymaster");              // { name, ip, port: 6379, flags: Set {"master"}, ... }
 * sentinel.close();
 * await sentinel.waitClosed();
 * ```
 *
 * How it is made: the sentinel commands (`execute`, `master()`, `masters()`, ...) go to v1
 * pools (`createPool`) on the sentinels, so they keep v1's reply shapes and errors. A
 * `ManagedPool` is a v1 `ConnectionsPool` whose connections are opened through the v2
 * `Sentinel.masterFor` / `slaveFor` pool of the service: each new connection asks the
 * sentinels where the master (or a replica) is, and on a failover (`+switch-master`) the v2
 * pool closes the connections to the old master, so that the `ManagedPool` drops them and
 * opens new ones to the new master.
 */
import type { Address } from "./address.js";
import { installGroups, signatures, type KeywordCalls } from "./calling.js";
import { checkOptionNames } from "./connection.js";
import { Redis } from "./redis.js";
import { CREATE_SENTINEL_OPTIONS, createSentinelPool, SentinelPool, type CreateSentinelOptions } from "./sentinel-pool.js";
import { isPlainObject, keyOf, quiet, setKey, toInt, waitOk, type EncodingOf, type RedisString } from "./util.js";

// ---- reply parsing (v1's `sentinel/commands.py`) -----------------------------------------

/**
 * One entry of SENTINEL MASTER(S) / SLAVES / SENTINELS, as v1's `pairs_to_dict_typed`
 * made it: strings, the numeric fields v1 knew as numbers, and `flags` as a set.
 */
export interface SentinelState {
  name: string;
  ip: string;
  port: number;
  /** v1's `frozenset` of the flags, e.g. `Set {"master"}`, `Set {"slave"}`, `Set {"s_down", "slave"}`. */
  flags: ReadonlySet<string>;
  [field: string]: string | number | ReadonlySet<string>;
}

/** v1's `SENTINEL_STATE_TYPES`: the fields made integers (the others stay strings). */
const INT_FIELDS: ReadonlySet<string> = new Set([
  "can-failover-its-master",
  "config-epoch",
  "down-after-milliseconds",
  "failover-timeout",
  "info-refresh",
  "last-hello-message",
  "last-ok-ping-reply",
  "last-ping-reply",
  "last-ping-sent",
  "master-link-down-time",
  "master-port",
  "num-other-sentinels",
  "num-slaves",
  "o-down-time",
  "pending-commands",
  "link-pending-commands",
  "link-refcount",
  "parallel-syncs",
  "port",
  "quorum",
  "role-reported-time",
  "s-down-time",
  "slave-priority",
  "slave-repl-offset",
  "voted-leader-epoch",
]);

/** v1's `pairs_to_dict_typed`: a value that does not convert stays a string. */
function parseState(reply: unknown): SentinelState {
  const flat = (Array.isArray(reply) ? reply : []) as unknown[];
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const key = keyOf(flat[i]);
    let value: unknown = flat[i + 1];
    if (key === "flags") {
      value = Object.freeze(new Set(String(value).split(",")));
    } else if (INT_FIELDS.has(key)) {
      try {
        value = toInt(value);
      } catch {
        // kept as the string, as v1 did
      }
    }
    setKey(out, key, value);
  }
  return out as SentinelState;
}

function parseMasters(reply: unknown): Record<string, SentinelState> {
  const out: Record<string, SentinelState> = {};
  for (const item of (reply ?? []) as unknown[]) {
    const state = parseState(item);
    setKey(out, String(state.name), state);
  }
  return out;
}

function parseStates(reply: unknown): SentinelState[] {
  return ((reply ?? []) as unknown[]).map(parseState);
}

/** v1's `parse_address`: `[host, port]`, or null for an unknown master. */
function parseAddress(reply: unknown): [string, number] | null {
  if (reply === null || reply === undefined) return null;
  const [host, port] = reply as unknown[];
  return [String(host), toInt(port)];
}

// ---- RedisSentinel -------------------------------------------------------------------------

/** The v1 signatures of `RedisSentinel`'s methods (see calling.ts). */
export const sentinelSignatures = signatures({
  masterFor: "name",
  slaveFor: "name",
  ping: "",
  master: "name",
  masterAddress: "name",
  masters: "",
  slaves: "name",
  sentinels: "name",
  monitor: "name, ip, port, quorum",
  remove: "name",
  set: "name, option, value",
  failover: "name",
  checkQuorum: "name",
});

/** The core of `RedisSentinel`: its pool, closing, `execute()`. */
class SentinelCore<T extends RedisString = Buffer> {
  declare readonly __replyType?: T;
  protected readonly _pool: SentinelPool<T>;

  constructor(pool: SentinelPool<T>) {
    if (!(pool instanceof SentinelPool)) throw new TypeError("RedisSentinel(pool): expected a SentinelPool");
    this._pool = pool;
  }

  /** The `SentinelPool` this client runs on. */
  get connection(): SentinelPool<T> {
    return this._pool;
  }

  get closed(): boolean {
    return this._pool.closed;
  }

  /** Starts closing every connection (sentinels and services); `await waitClosed()` for the end. */
  close(): void {
    this._pool.close();
  }

  async waitClosed(): Promise<void> {
    await this._pool.waitClosed();
  }

  /** Sends `SENTINEL <command> ...args` to a sentinel; a trailing `{ encoding }` decodes the reply (Buffers by default). */
  execute(command: string | Buffer, ...args: unknown[]): Promise<any> {
    return this._pool.execute("SENTINEL", command, ...args);
  }

  protected convert<R>(sent: Promise<unknown>, convert: (reply: any) => R): Promise<R> {
    return quiet(sent.then(convert));
  }

  /** `using sentinel = await createSentinel(...)`: starts closing. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** `await using sentinel = await createSentinel(...)`: closes and waits. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
    await this.waitClosed();
  }

  toString(): string {
    return `<RedisSentinel ${String(this._pool)}>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/** `RedisSentinel`'s commands: installed on it, as the command groups are on `Redis`. */
export class SentinelCommands<T extends RedisString = Buffer> extends SentinelCore<T> {
  /** A v1 `Redis` on the service's master: found through the sentinels, following failovers. Not async. */
  masterFor(name: string): Redis<T> {
    const a = sentinelSignatures.bind("masterFor", arguments);
    return new Redis<T>(this._pool.masterFor(a.name));
  }

  /** A v1 `Redis` on a replica of the service. Not async. */
  slaveFor(name: string): Redis<T> {
    const a = sentinelSignatures.bind("slaveFor", arguments);
    return new Redis<T>(this._pool.slaveFor(a.name));
  }

  /** PING a sentinel: the raw `PONG` (a Buffer). */
  async ping(): Promise<Buffer> {
    sentinelSignatures.bind("ping", arguments);
    return this._pool.execute("PING");
  }

  /** SENTINEL MASTER: the master's state (numbers for v1's numeric fields, `flags` a set). */
  master(name: string): Promise<SentinelState> {
    const a = sentinelSignatures.bind("master", arguments);
    return this.convert(this.execute("MASTER", a.name, { encoding: "utf-8" }), parseState);
  }

  /** SENTINEL GET-MASTER-ADDR-BY-NAME: `[host, port]`, or null for an unknown name. */
  masterAddress(name: string): Promise<[string, number] | null> {
    const a = sentinelSignatures.bind("masterAddress", arguments);
    return this.convert(this.execute("get-master-addr-by-name", a.name, { encoding: "utf-8" }), parseAddress);
  }

  /** SENTINEL MASTERS: `{ name: state }`. */
  masters(): Promise<Record<string, SentinelState>> {
    sentinelSignatures.bind("masters", arguments);
    return this.convert(this.execute("MASTERS", { encoding: "utf-8" }), parseMasters);
  }

  /** SENTINEL SLAVES: the replicas' states. */
  slaves(name: string): Promise<SentinelState[]> {
    const a = sentinelSignatures.bind("slaves", arguments);
    return this.convert(this.execute("SLAVES", a.name, { encoding: "utf-8" }), parseStates);
  }

  /** SENTINEL SENTINELS: the other sentinels' states. */
  sentinels(name: string): Promise<SentinelState[]> {
    const a = sentinelSignatures.bind("sentinels", arguments);
    return this.convert(this.execute("SENTINELS", a.name, { encoding: "utf-8" }), parseStates);
  }

  /** SENTINEL MONITOR: true. */
  monitor(name: string, ip: string, port: number, quorum: number): Promise<boolean> {
    const a = sentinelSignatures.bind("monitor", arguments);
    return this.convert(this.execute("MONITOR", a.name, a.ip, a.port, a.quorum), waitOk);
  }

  /** SENTINEL REMOVE: true. */
  remove(name: string): Promise<boolean> {
    const a = sentinelSignatures.bind("remove", arguments);
    return this.convert(this.execute("REMOVE", a.name), waitOk);
  }

  /** SENTINEL SET `name` `option` `value`: true. */
  set(name: string, option: string, value: string | number): Promise<boolean> {
    const a = sentinelSignatures.bind("set", arguments);
    return this.convert(this.execute("SET", a.name, a.option, a.value), waitOk);
  }

  /** SENTINEL FAILOVER: true once the sentinel starts it. */
  failover(name: string): Promise<boolean> {
    const a = sentinelSignatures.bind("failover", arguments);
    return this.convert(this.execute("FAILOVER", a.name), waitOk);
  }

  /** SENTINEL CKQUORUM: the raw reply (`OK 3 usable Sentinels...` as a Buffer); a `ReplyError` when the quorum cannot be reached. */
  checkQuorum(name: string): Promise<Buffer> {
    const a = sentinelSignatures.bind("checkQuorum", arguments);
    return this.execute("CKQUORUM", a.name);
  }
}

/**
 * v1's `RedisSentinel`: `masterFor` / `slaveFor` clients, and the SENTINEL commands with
 * v1's reply shapes. Made by `createSentinel()` (or `new RedisSentinel(await createSentinelPool(...))`).
 */
export interface RedisSentinel<T extends RedisString = any>
  extends KeywordCalls<SentinelCommands<T>, typeof sentinelSignatures.specs, SentinelCore<any>, SentinelCommands<RedisString>> {}

export class RedisSentinel<T extends RedisString = any> extends SentinelCore<T> {}

installGroups(RedisSentinel, [{ group: SentinelCommands }]);

/**
 * v1's `create_sentinel`: connects to the sentinels (`[host, port]` pairs or `redis://`
 * URLs; those that answer within `timeout`, default 0.2 s) and returns a `RedisSentinel`.
 * `db`, `password`, `encoding`, `ssl`, `minsize` and `maxsize` are for the masters' and
 * replicas' pools.
 */
export async function createSentinel<const O extends CreateSentinelOptions = {}>(
  sentinels: readonly Address[],
  options?: O,
): Promise<RedisSentinel<EncodingOf<O>>> {
  const opts: CreateSentinelOptions = options ?? {};
  if (!isPlainObject(opts)) throw new TypeError("createSentinel: options must be an object");
  checkOptionNames("createSentinel", opts, CREATE_SENTINEL_OPTIONS);
  const pool = (await createSentinelPool(sentinels, opts)) as SentinelPool<any> as SentinelPool<EncodingOf<O>>;
  return new RedisSentinel(pool);
}
