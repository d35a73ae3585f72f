import { ClientSideCache } from "./cache.js";
import { EventEmitter } from "node:events";
import { Connection } from "./connection/connection.js";
import { safeEmit, type ConnectionEvents, type LifecycleEventName } from "./events.js";
import { acquireChannel, releaseChannel, serverContext, type PoolMessage } from "./tracing.js";
import { checkOptions, resolveConnectionOptions, type ResolvedConnectionOptions } from "./connection/resolve.js";
import { abortError, callTimeoutError, checkCallOptions, unwatchSignal, watchSignal, type Cancellation, type CancelTarget } from "./connection/cancel.js";
import { ConnectionError, DataError, MaxConnectionsError } from "./errors.js";
import type { PoolOptions } from "./options.js";
import { mergeUrlOptions } from "./url.js";

/** What a string reply is: `Buffer` by default, `string` with `decodeResponses: true`. */
export type RedisString = string | Buffer;

/** The reply type chosen by a set of options, for the constructors' and `fromUrl`'s types. */
export type ReplyTypeOf<O> = O extends { decodeResponses: true }
  ? string
  : O extends { connectionPool: ConnectionPoolImpl<infer T> }
    ? T
    : O extends { decodeResponses: false }
      ? Buffer
      : O extends { decodeResponses: boolean }
        ? RedisString
        : Buffer;

/**
 * The connections a pool has checked out. A `Set` would do, but V8 rebuilds a near-empty set's
 * table on about every add/delete pair: taking and giving back one connection cost 148 ns with
 * a `Set`, 13-16 ns with this (a loop of 2 million). Each connection keeps its slot in the
 * array (`lentAt`), and a delete moves the last one into it.
 */
class LentConnections {
  private readonly items: Connection[] = [];

  get size(): number {
    return this.items.length;
  }

  add(connection: Connection): void {
    if (connection.lentAt >= 0 && this.items[connection.lentAt] === connection) return;
    connection.lentAt = this.items.length;
    this.items.push(connection);
  }

  /** False when `connection` is not checked out from this pool. */
  delete(connection: Connection): boolean {
    const at = connection.lentAt;
    const items = this.items;
    if (at < 0 || items[at] !== connection) return false;
    const last = items.pop()!;
    if (last !== connection) {
      items[at] = last;
      last.lentAt = at;
    }
    connection.lentAt = -1;
    return true;
  }

  clear(): void {
    for (const connection of this.items) connection.lentAt = -1;
    this.items.length = 0;
  }

  /** A copy: closing a connection may give it back while the caller iterates. */
  [Symbol.iterator](): Iterator<Connection> {
    return [...this.items][Symbol.iterator]();
  }
}

const POOL_OPTION_CHECKS = {
  maxConnections: [(v: unknown) => Number.isInteger(v) && (v as number) > 0, "a positive integer"],
  timeout: [(v: unknown) => v === null || (typeof v === "number" && Number.isFinite(v) && v >= 0), "a number of seconds or null"],
} as const satisfies Record<string, [(v: unknown) => boolean, string]>;

/**
 * A pool of connections to one server (redis-py's `ConnectionPool`). Connections are made
 * lazily. Ordinary commands of every client using the pool share one multiplexed
 * connection; `getConnection()` hands out connections for exclusive use (blocking
 * commands, `client()`, pub/sub, WATCH) and raises `MaxConnectionsError` once
 * `maxConnections` of them are open. The shared connection is not one of them: it is
 * always there for ordinary commands, however many blocking commands hold connections
 * (so at most `maxConnections + 1` sockets).
 */
class ConnectionPoolImpl<T extends RedisString = Buffer> extends EventEmitter implements ConnectionEvents {
  /** The options every connection is made with, defaults filled in. */
  readonly connectionKwargs: ResolvedConnectionOptions;
  readonly maxConnections: number;
  declare readonly __replyType?: T;
  protected readonly available: Connection[] = [];
  protected readonly inUse = new LentConnections();
  private shared: Connection | null = null;

  constructor(options: PoolOptions = {}) {
    super();
    checkOptions(new.target.name, options, POOL_OPTION_CHECKS);
    this.connectionKwargs = resolveConnectionOptions(options);
    this.maxConnections = options.maxConnections ?? this.defaultMaxConnections();
    const cache = this.connectionKwargs.clientSideCache;
    this.clientSideCache = cache ? new ClientSideCache(cache, this.connectionKwargs.encoding) : null;
  }

  /** The client-side cache of the shared connection (`clientSideCache` option), or null. See docs/caching.md. */
  readonly clientSideCache: ClientSideCache | null;

  /** Builds a pool from a `redis://`, `rediss://` or `unix://` URL; options in the URL win over `options`. */
  static fromUrl(url: string, options?: PoolOptions): ConnectionPoolImpl<any> {
    return new this(mergeUrlOptions(url, options ?? {}));
  }

  protected defaultMaxConnections(): number {
    return 100;
  }

  /** Connections open or being opened. */
  get createdConnections(): number {
    return this.available.length + this.inUse.size + (this.shared ? 1 : 0);
  }

  /** Connections for exclusive use, open or being opened (the shared one is not counted). */
  protected get exclusiveConnections(): number {
    return this.available.length + this.inUse.size;
  }

  /** Connections checked out with `getConnection()`. */
  get inUseConnections(): number {
    return this.inUse.size;
  }

  get encoding(): BufferEncoding {
    return this.connectionKwargs.encoding;
  }

  get decodeResponses(): boolean {
    return this.connectionKwargs.decodeResponses;
  }

  /**
   * The connection that ordinary commands share, many in flight at once. Made on first use;
   * it reconnects by itself after a loss.
   */
  sharedConnection(): Connection {
    let connection = this.shared;
    if (connection && !connection.isClosed) return connection;
    // Never limited by `maxConnections`: blocking commands cannot lock ordinary ones out.
    connection = new Connection(this.connectionKwargs, true);
    connection.tracking = this.clientSideCache;
    connection.events = this;
    this.shared = connection;
    return connection;
  }

  /**
   * A connection for exclusive use, connected and ready. Give it back with `release()`.
   * Raises `MaxConnectionsError` when `maxConnections` are open. An aborted `signal` rejects
   * with `AbortError` at once (a `BlockingConnectionPool` also ends its wait with it).
   */
  async getConnection(options?: ConnectionWaitOptions): Promise<Connection> {
    const signal = options?.signal;
    if (signal?.aborted) throw abortError(options?.what ?? "command", signal, false);
    const startedAt = acquireChannel.hasSubscribers ? Date.now() : 0;
    const connection = this.takeConnection();
    return this.ready(connection, startedAt);
  }

  /**
   * @internal An idle, connected connection for exclusive use, taken without waiting, or
   * `null` (then use `getConnection()`). Blocking commands use it to skip a few hops.
   */
  takeReadyConnection(): Connection | null {
    if (this.callersWaiting()) return null;
    const available = this.available;
    while (available.length > 0) {
      const connection = available[available.length - 1]!;
      if (!connection.isConnected) return null;
      available.pop();
      this.inUse.add(connection);
      if (acquireChannel.hasSubscribers) this.publishPool(acquireChannel, 0);
      return connection;
    }
    return null;
  }

  protected takeConnection(): Connection {
    let connection: Connection | undefined;
    while ((connection = this.available.pop())) {
      if (!connection.isClosed) break;
    }
    if (!connection) {
      if (this.exclusiveConnections >= this.maxConnections) {
        throw new MaxConnectionsError(
          `Too many connections: all ${this.maxConnections} connections for blocking commands, pub/sub and client() are in use ` +
            `(maxConnections ${this.maxConnections}); ordinary commands still go to the shared connection`,
        );
      }
      connection = new Connection(this.connectionKwargs, false);
      connection.events = this;
    }
    this.inUse.add(connection);
    return connection;
  }

  protected async ready(connection: Connection, startedAt = 0): Promise<Connection> {
    try {
      await connection.connect();
      if (acquireChannel.hasSubscribers) this.publishPool(acquireChannel, startedAt > 0 ? Date.now() - startedAt : undefined);
      return connection;
    } catch (err) {
      this.inUse.delete(connection);
      connection.disconnect(true);
      this.connectionFreed();
      throw err;
    }
  }

  /**
   * Returns a connection from `getConnection()`. One whose state changed (SELECT, WATCH,
   * subscriptions), that was lost, or that still awaits replies is closed instead of reused.
   */
  release(connection: Connection): void {
    if (!this.inUse.delete(connection)) return;
    if (connection.dirty || connection.isClosed || !connection.isConnected || connection.pendingCount > 0) {
      connection.onPush = null;
      connection.onConnect = null;
      connection.closeWhenDone();
      if (!connection.isClosed && connection.pendingCount === 0) connection.disconnect(true);
    } else {
      connection.onPush = null;
      connection.onConnect = null;
      connection.onDisconnect = null;
      this.available.push(connection);
    }
    if (releaseChannel.hasSubscribers) this.publishPool(releaseChannel, undefined);
    this.connectionFreed();
  }

  /** @internal `release(connection)` as a function, made once per connection (a blocking command hands it to its reply's promise). */
  releaserOf(connection: Connection): () => void {
    connection.releaser ??= () => this.release(connection);
    return connection.releaser;
  }

  /** Closes a checked-out connection instead of returning it (its client was garbage-collected). */
  discard(connection: Connection): void {
    if (!this.inUse.delete(connection)) return;
    connection.closeWhenDone();
    this.connectionFreed();
  }

  /** Called when a slot may have become free. */
  protected connectionFreed(): void {}

  /** Up to `count` slots became free at once (connections closed by the pool): as many callers waiting may try. */
  private slotsFreed(count: number): void {
    for (let i = 0; i < count; i++) this.connectionFreed();
  }

  /** True when callers wait for a connection (a `BlockingConnectionPool`): they go first. */
  protected callersWaiting(): boolean {
    return false;
  }

  // ---- lifecycle events and pool channels ------------------------------------------------------

  /** @internal Who hears this pool's connection events besides its own listeners (a cluster, for its nodes' pools). */
  eventParent: ConnectionEvents | null = null;

  /** @internal A connection of this pool reports an event: emitted on the pool (and forwarded by its clients), then told to `eventParent`. */
  connectionEvent(name: LifecycleEventName, payload: object): void {
    safeEmit(this, name, payload);
    const parent = this.eventParent;
    if (parent !== null && parent.wantsEvent(name)) parent.connectionEvent(name, payload);
  }

  /** @internal */
  wantsEvent(name: LifecycleEventName): boolean {
    return this.listenerCount(name) > 0 || (this.eventParent !== null && this.eventParent.wantsEvent(name));
  }

  private publishPool(channel: { publish(message: unknown): void }, waitMs: number | undefined): void {
    const message = serverContext(this.connectionKwargs) as PoolMessage;
    message.inUse = this.inUse.size;
    message.idle = this.available.length;
    if (waitMs !== undefined) message.waitMs = waitMs;
    channel.publish(message);
  }

  /**
   * Closes every connection now: idle ones, the shared one and, unless `inuseConnections` is
   * false, the checked-out ones. Commands awaiting replies reject with a `ConnectionError`
   * saying they may have run; those not yet written, saying they did not run. The pool stays
   * usable and reconnects on the next command. See `close()` for the graceful way.
   */
  async disconnect(inuseConnections = true): Promise<void> {
    const closing: Promise<void>[] = [];
    const freed = this.available.length + (inuseConnections ? this.inUse.size : 0);
    for (const connection of this.available.splice(0)) closing.push(connection.close());
    if (this.shared) {
      closing.push(this.shared.close());
      this.shared = null;
    }
    if (inuseConnections) {
      for (const connection of this.inUse) closing.push(connection.close());
      this.inUse.clear();
    }
    this.slotsFreed(freed);
    await Promise.all(closing);
  }

  /**
   * Closes the pool gracefully: the shared connection takes no new command, writes those
   * queued and waits for every reply (each within its deadline) before it closes; idle
   * connections close now; checked-out ones (blocking commands, pub/sub, `client()`) close
   * now, their pending commands rejecting with an error that says they may have run.
   * `force: true` closes everything now (as `disconnect()`). The pool stays usable.
   */
  async close(options?: { force?: boolean }): Promise<void> {
    const closing: Promise<void>[] = [];
    const freed = this.available.length + this.inUse.size;
    for (const connection of this.available.splice(0)) closing.push(connection.close());
    if (this.shared) {
      closing.push(this.shared.close({ graceful: !options?.force }));
      this.shared = null;
    }
    for (const connection of this.inUse) closing.push(connection.close());
    this.inUse.clear();
    this.slotsFreed(freed);
    await Promise.all(closing);
  }

  /** Closes idle connections now and the others once their replies are in (used on garbage collection). */
  releaseWhenIdle(): void {
    const idle = this.available.splice(0);
    for (const connection of idle) connection.disconnect(true);
    this.slotsFreed(idle.length);
    this.shared?.closeWhenDone();
    this.shared = null;
  }

  /** Alias of `disconnect()` (redis-py's `aclose`). */
  aclose(): Promise<void> {
    return this.disconnect();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.disconnect();
  }

  override toString(): string {
    const o = this.connectionKwargs;
    const where = o.unixSocketPath ? `path=${o.unixSocketPath}` : `host=${o.host},port=${o.port}`;
    return `<${this.constructor.name}(<Connection(${where},db=${o.db})>)>`;
  }

  toJSON(): string {
    return this.toString();
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/** What ends a caller's wait for a connection (docs/cancellation.md), and what it is for. */
export interface ConnectionWaitOptions {
  /** Ends the wait with `AbortError` (the command did not run). */
  signal?: AbortSignal | null;
  /** Seconds the wait may take (the call's per-call timeout), else `TimeoutError`. */
  timeout?: number | null;
  /** The command (or "pipeline of N commands") the connection is for, for messages. */
  what?: string;
}

/** A caller waiting for a free connection: a call's `Cancellation`, ended by a release, its signal or a deadline. */
interface Waiter extends Cancellation {
  /** Try again: `true` when a release chose this caller, `false` when the pool's own timeout passed. */
  wake: (handed: boolean) => void;
  /** The one timer of the wait: the earlier of the pool's `timeout` and the call's deadline. */
  timer: NodeJS.Timeout | undefined;
}

/**
 * A pool that waits up to `timeout` seconds for a free connection instead of failing
 * (redis-py's `BlockingConnectionPool`; defaults: 50 connections, 20 seconds). A caller's
 * `signal` and per-call `timeout` end its wait too (docs/cancellation.md).
 */
class BlockingConnectionPoolImpl<T extends RedisString = Buffer> extends ConnectionPoolImpl<T> implements CancelTarget {
  readonly timeout: number | null;
  /** The callers waiting, first come first served (insertion order); a cancelled one leaves at once. */
  private readonly waiters = new Set<Waiter>();
  /** Waiters a release woke that have not tried again yet: a newcomer queues behind them. */
  private woken = 0;

  constructor(options: PoolOptions = {}) {
    super(options);
    this.timeout = options.timeout === undefined ? 20 : options.timeout;
  }

  protected override defaultMaxConnections(): number {
    return 50;
  }

  /** @internal Callers waiting for a connection now. */
  get waitingCount(): number {
    return this.waiters.size;
  }

  /**
   * A connection for exclusive use, waiting up to the pool's `timeout` for one to be free
   * (then `ConnectionError`). The wait also ends when `signal` aborts (`AbortError`) or the
   * call's `timeout` passes (`TimeoutError`); either way the command did not run.
   */
  override async getConnection(options?: ConnectionWaitOptions): Promise<Connection> {
    const signal = options?.signal ?? null;
    const callTimeout = options?.timeout ?? null;
    const what = options?.what ?? "command";
    checkCallOptions(what, signal, callTimeout);
    if (signal?.aborted) throw abortError(what, signal, false);
    const startedAt = Date.now();
    const deadline = this.timeout === null ? null : startedAt + this.timeout * 1000;
    const callDeadline = callTimeout === null ? 0 : startedAt + callTimeout * 1000;
    // Callers already waiting go first: a newcomer does not take the connection a release handed to one of them.
    let inLine = this.callersWaiting();
    for (;;) {
      if (!inLine) {
        try {
          return await this.ready(this.takeConnection(), startedAt);
        } catch (err) {
          if (!(err instanceof MaxConnectionsError)) throw err;
        }
        if (deadline !== null && deadline <= Date.now()) {
          throw new ConnectionError(`No connection available within ${this.timeout}s (maxConnections ${this.maxConnections})`);
        }
      }
      inLine = false;
      // `takeConnection` runs in the same tick as this, so nobody takes the freed slot in between.
      if (await this.wait(what, signal, callTimeout, callDeadline, deadline)) this.woken--;
    }
  }

  /** Waits for a release (resolves), the pool's deadline (resolves: the caller checks), the signal or the call's deadline (rejects). */
  private wait(what: string, signal: AbortSignal | null, timeout: number | null, callDeadline: number, deadline: number | null): Promise<boolean> {
    return new Promise<boolean>((wake, reject) => {
      const waiter: Waiter = {
        target: this,
        signal,
        timeout,
        callDeadline,
        what,
        written: false,
        done: false,
        reject,
        blocking: false,
        wake,
        timer: undefined,
      };
      if (callDeadline !== 0 && callDeadline <= Date.now()) {
        reject(callTimeoutError(waiter));
        return;
      }
      this.waiters.add(waiter);
      if (signal !== null) watchSignal(waiter);
      const until = callDeadline === 0 ? deadline : deadline === null ? callDeadline : Math.min(deadline, callDeadline);
      if (until !== null) waiter.timer = setTimeout(() => this.expire(waiter), Math.max(until - Date.now(), 0));
    });
  }

  /** The wait's timer fired: the call's deadline (`TimeoutError`), or the pool's own (one last try). */
  private expire(waiter: Waiter): void {
    if (waiter.callDeadline !== 0 && waiter.callDeadline <= Date.now()) this.cancelCall(waiter, callTimeoutError(waiter));
    else if (this.leave(waiter)) waiter.wake(false);
  }

  /** Takes a waiter out of the queue, its timer and signal watch with it; false if it already left. */
  private leave(waiter: Waiter): boolean {
    if (waiter.done) return false;
    waiter.done = true;
    this.waiters.delete(waiter);
    if (waiter.timer !== undefined) clearTimeout(waiter.timer);
    if (waiter.signal !== null) unwatchSignal(waiter);
    return true;
  }

  /** @internal A waiter's signal aborted or its deadline passed: it leaves the queue and rejects. */
  cancelCall(cancel: Cancellation, error: Error): void {
    const waiter = cancel as Waiter;
    if (this.leave(waiter)) waiter.reject(error);
  }

  protected override callersWaiting(): boolean {
    return this.waiters.size > 0 || this.woken > 0;
  }

  /** A connection may be free: the longest-waiting caller still waiting tries again. */
  protected override connectionFreed(): void {
    for (const waiter of this.waiters) {
      this.leave(waiter);
      this.woken++;
      waiter.wake(true);
      return;
    }
  }
}

export interface ConnectionPoolConstructor {
  new <const O extends PoolOptions = {}>(options?: O): ConnectionPool<ReplyTypeOf<O>>;
  readonly prototype: ConnectionPool<RedisString>;
  fromUrl<const O extends PoolOptions = {}>(url: string, options?: O): ConnectionPool<ReplyTypeOf<O>>;
}

export type ConnectionPool<T extends RedisString = Buffer> = ConnectionPoolImpl<T>;
Object.defineProperty(ConnectionPoolImpl, "name", { value: "ConnectionPool" });
Object.defineProperty(BlockingConnectionPoolImpl, "name", { value: "BlockingConnectionPool" });

export const ConnectionPool = ConnectionPoolImpl as unknown as ConnectionPoolConstructor;

export type BlockingConnectionPool<T extends RedisString = Buffer> = BlockingConnectionPoolImpl<T>;
export interface BlockingConnectionPoolConstructor {
  new <const O extends PoolOptions = {}>(options?: O): BlockingConnectionPool<ReplyTypeOf<O>>;
  readonly prototype: BlockingConnectionPool<RedisString>;
  fromUrl<const O extends PoolOptions = {}>(url: string, options?: O): BlockingConnectionPool<ReplyTypeOf<O>>;
}
export const BlockingConnectionPool = BlockingConnectionPoolImpl as unknown as BlockingConnectionPoolConstructor;

export { ConnectionPoolImpl };

export function assertPool(value: unknown): asserts value is ConnectionPool<RedisString> {
  if (!(value instanceof ConnectionPoolImpl)) throw new DataError("'connectionPool' must be a ConnectionPool");
}
