import type { CacheStats, ClientSideCache } from "./cache.js";
import type { Connection, SendOptions } from "./connection/connection.js";
import type { Commands } from "./commands/index.js";
import {
  bindCommand,
  checkClientOptions,
  ClientCore,
  sendOptionsOf,
  checkKeys,
  commandArgv,
  installClientCommands,
  withCallOptions,
  waitOptionsOf,
  afterWait,
  commandWordOf,
  type BoundCommand,
  type OptionRule,
} from "./core.js";
import { installScanIterators, type ScanIterators } from "./commands/scan.js";
import { blockingTimeout, connectionStateCommand, Route, routeOf, streamingCommand } from "./commands/routing.js";
import type { CommandSpec } from "./commands/spec.js";
import { PipelineImpl, type Pipeline, type WatchingPipeline } from "./pipeline.js";
import { PubSub, type PubSubOptions } from "./pubsub.js";
import { Monitor } from "./monitor.js";
import type { AsyncMode } from "./commands/types.js";
import { ConnectionError, DataError } from "./errors.js";
import type { PoolOptions } from "./options.js";
import { ConnectionPool, ConnectionPoolImpl, type ConnectionWaitOptions, type RedisString, type ReplyTypeOf } from "./pool.js";
import { isCancellation } from "./connection/cancel.js";
import { withBlockFor } from "./connection/pending.js";
import type { CommandArg } from "./protocol/index.js";
import { commandChannel, commandContext, traceCommand } from "./tracing.js";
import { forwardLifecycle } from "./events.js";

/** `new Redis(options)`: redis-py's constructor options in camelCase. */
export interface RedisOptions extends PoolOptions {
  /** Use this pool instead of making one. Connection options are then ignored and the pool is not closed with the client. */
  connectionPool?: ConnectionPool<any> | null;
  /** Bind the client to one connection of its own (what `client()` returns). */
  singleConnectionClient?: boolean;
}

const CLIENT_OPTION_CHECKS: Record<string, OptionRule> = {
  connectionPool: [(v) => v === null || v instanceof ConnectionPoolImpl, "a ConnectionPool"],
  singleConnectionClient: [(v) => typeof v === "boolean", "a boolean"],
  maxConnections: [(v) => Number.isInteger(v) && (v as number) > 0, "a positive integer"],
  timeout: [(v) => v === null || (typeof v === "number" && v >= 0), "a number of seconds or null"],
};

/** What the garbage collector's clean-up needs: never the client itself. */
interface Held {
  pool: ConnectionPoolImpl<RedisString>;
  ownsPool: boolean;
  bound: { connection: Connection | null };
}

const finalizer = new FinalizationRegistry<Held>((held) => {
  if (held.bound.connection) held.pool.discard(held.bound.connection);
  if (held.ownsPool) held.pool.releaseWhenIdle();
});

/**
 * The client (redis-py's `redis.asyncio.Redis`). Construction does no I/O: connections are
 * made on the first command. Ordinary commands share one multiplexed connection of the
 * pool; blocking commands borrow a connection of their own for their duration.
 */
export class RedisImpl<T extends RedisString = Buffer> extends ClientCore<T, Pipeline<T>, WatchingPipeline<T>> {
  readonly connectionPool: ConnectionPool<T>;
  /** True when the client made its pool and closes it with itself. */
  readonly autoCloseConnectionPool: boolean;
  readonly singleConnectionClient: boolean;
  private readonly bound: { connection: Connection | null } = { connection: null };
  private acquiring: Promise<Connection> | null = null;
  private closed = false;
  /** Detaches the forwarding of the pool's lifecycle events to this client's listeners. */
  private readonly stopEvents: () => void;

  constructor(options: RedisOptions = {}) {
    super();
    checkClientOptions("Redis", options, CLIENT_OPTION_CHECKS);
    const { connectionPool, singleConnectionClient, ...poolOptions } = options;
    if (connectionPool) {
      this.connectionPool = connectionPool;
      this.autoCloseConnectionPool = false;
    } else {
      this.connectionPool = new ConnectionPoolImpl<T>(poolOptions);
      this.autoCloseConnectionPool = true;
    }
    this.singleConnectionClient = singleConnectionClient ?? false;
    this.stopEvents = forwardLifecycle(this.connectionPool, this);
    if (this.autoCloseConnectionPool || this.singleConnectionClient) {
      finalizer.register(this, { pool: this.connectionPool, ownsPool: this.autoCloseConnectionPool, bound: this.bound }, this);
    }
  }

  /** A client for a `redis://`, `rediss://` or `unix://` URL; options in the URL win over `options`. */
  static fromUrl(url: string, options?: RedisOptions): RedisImpl<any> {
    const { connectionPool, singleConnectionClient, ...rest } = options ?? {};
    if (connectionPool) throw new DataError("Redis.fromUrl: 'connectionPool' cannot be combined with a URL");
    const pool = ConnectionPool.fromUrl(url, rest);
    const client = new this({ connectionPool: pool, singleConnectionClient: singleConnectionClient ?? false });
    RedisImpl.ownPool(client);
    return client;
  }

  /**
   * @internal The client owns its pool from now on: closing the client, or its garbage
   * collection, closes the pool (redis-py's `from_pool`). For `fromUrl` and the Sentinel's clients.
   */
  static ownPool(client: RedisImpl<any>): void {
    (client as { autoCloseConnectionPool: boolean }).autoCloseConnectionPool = true;
    finalizer.unregister(client);
    finalizer.register(client, { pool: client.connectionPool, ownsPool: true, bound: client.bound }, client);
  }

  /**
   * Connects now instead of on the first command (redis-py's `initialize()`): a
   * single-connection client takes its connection, a pooled one opens its shared connection.
   */
  async initialize(): Promise<this> {
    if (this.closed) throw new ConnectionError("The client is closed");
    if (this.singleConnectionClient) await this.acquire();
    else await this.connectionPool.sharedConnection().connect();
    return this;
  }

  /** The connection a single-connection client is bound to, once it has one. */
  get connection(): Connection | null {
    return this.bound.connection;
  }

  /**
   * True once `close()` was called (commands then reject), and, for a client bound to one
   * connection (`client()`), once that connection is gone, since it does not reconnect. An
   * extension beyond redis-py, for code that makes a new client when the old one is closed.
   */
  get isClosed(): boolean {
    if (this.closed) return true;
    const connection = this.bound.connection;
    return this.singleConnectionClient && connection !== null && connection.isClosed;
  }

  /**
   * A client bound to one connection of its own (redis-py's `client()`), for
   * connection-scoped state: WATCH, SELECT, CLIENT TRACKING. It does not reconnect, since
   * that state would be silently lost. Close it (or `await using`) to give it back.
   */
  client(): Redis<T> {
    return new RedisImpl<T>({ connectionPool: this.connectionPool, singleConnectionClient: true });
  }

  /**
   * A pipeline: commands queue here and leave in one write on `execute()`, inside
   * MULTI/EXEC when `transaction` is true (the default). Not async, as in redis-py.
   */
  pipeline(options: { transaction?: boolean } = {}): Pipeline<T> {
    checkKeys("pipeline", options, ["transaction"]);
    return new PipelineImpl<T>(this, options.transaction ?? true);
  }

  /**
   * A `PubSub` on a connection of its own, taken from the pool at the first subscribe.
   * Not async, as in redis-py.
   */
  pubsub(options: PubSubOptions = {}): PubSub<T> {
    return new PubSub<T>(this.connectionPool, options);
  }

  /** Every command the server runs, as an async iterator, on a connection of its own. */
  monitor(): Monitor<T> {
    return new Monitor<T>(this.connectionPool);
  }

  /**
   * @internal The connection a pipeline of this client runs on: the client's own one when it
   * is a single-connection client (so its SELECT and WATCH apply), else the pool's shared one.
   */
  async connectionForPipeline(wait?: ConnectionWaitOptions): Promise<Connection> {
    if (this.singleConnectionClient) return this.acquire(wait);
    return this.connectionPool.sharedConnection();
  }

  get decodeResponses(): boolean {
    return this.connectionPool.decodeResponses;
  }

  /**
   * Sends any command as is (redis-py's `execute_command`) and resolves with the reply as
   * the server sent it (strings decoded per `decodeResponses`), without a method's parsing.
   */
  override executeCommand(...args: unknown[]): Promise<any> {
    let argv: CommandArg[];
    try {
      argv = commandArgv(args);
    } catch (err) {
      return Promise.reject(err);
    }
    const options = withCallOptions(undefined, this.callOptions);
    if (commandChannel.hasSubscribers === true) {
      return traceCommand(() => this.dispatch(argv, options, routeOf(argv)), commandContext(argv, this.connectionPool.connectionKwargs));
    }
    return this.dispatch(argv, options, routeOf(argv));
  }

  /** @internal Runs one generated command method. */
  override runCommand(spec: CommandSpec, args: unknown[]): Promise<unknown> {
    let command: BoundCommand;
    try {
      command = bindCommand(spec, args);
    } catch (err) {
      return Promise.reject(err);
    }
    if (command.empty) return Promise.resolve(command.empty.value);
    const options = withCallOptions(sendOptionsOf(spec, command.values), this.callOptions);
    // client-side caching: a cached reply, or a miss sent and stored; null for the other calls
    const cache = this.singleConnectionClient || this.closed ? null : this.connectionPool.clientSideCache;
    const sent =
      commandChannel.hasSubscribers === true
        ? this.tracedDispatch(command, spec, options, cache)
        : ((cache === null ? null : cache.run(this.sharedConnection, spec, command, options)) ?? this.dispatch(command.argv, options, spec.route));
    const onError = spec.error;
    return onError ? sent.catch((err: Error) => onError(err, command.values)) : sent;
  }

  private readonly sharedConnection = (): Connection => this.connectionPool.sharedConnection();

  /**
   * The counters of the client-side cache (hits, misses, evictions, invalidations...), or null
   * without the `clientSideCache` option. See docs/caching.md.
   */
  cacheStats(): CacheStats | null {
    return this.connectionPool.clientSideCache?.stats() ?? null;
  }

  /** `dispatch` (or the cache) under a `aioredis:command` trace (someone subscribed). */
  private tracedDispatch(command: BoundCommand, spec: CommandSpec, options: SendOptions | undefined, cache: ClientSideCache | null): Promise<unknown> {
    const context = commandContext(command.argv, this.connectionPool.connectionKwargs);
    return traceCommand(
      () => (cache === null ? null : cache.run(this.sharedConnection, spec, command, options)) ?? this.dispatch(command.argv, options, spec.route),
      context,
    );
  }

  private dispatch(argv: CommandArg[], options: SendOptions | undefined, route: Route): Promise<unknown> {
    if (this.closed) return Promise.reject(new ConnectionError("The client is closed"));
    if (route === Route.Plain && !this.singleConnectionClient) {
      // the hot path: nothing to decide
      let connection: Connection;
      try {
        connection = this.connectionPool.sharedConnection();
      } catch (err) {
        return Promise.reject(err);
      }
      return connection.send(argv, options);
    }
    if (route === Route.Streaming) {
      return Promise.reject(new DataError(`${String(argv[0]).toUpperCase()} is not available as a plain command: use ${streamingCommand(argv)}`));
    }
    const blockFor = route === Route.Blocking ? blockingTimeout(argv) : null;
    if (this.singleConnectionClient) {
      const state = route === Route.State ? connectionStateCommand(argv) : null;
      if (state && state !== "EXEC" && state !== "DISCARD" && state !== "UNWATCH") this.markDirty();
      const connection = this.bound.connection;
      const send = blockFor === null ? options : withBlockFor(options, blockFor);
      if (connection) return connection.send(argv, send);
      const wait = waitOptionsOf(send, () => commandWordOf(argv));
      if (wait === undefined) return this.acquire().then((c) => c.send(argv, send));
      const startedAt = Date.now();
      return this.acquire(wait).then((c) => c.send(argv, afterWait(send!, startedAt)));
    }
    const state = route === Route.State ? connectionStateCommand(argv) : null;
    if (state) {
      return Promise.reject(new DataError(`${state} changes the state of its connection, which this client shares: use redis.client() for it`));
    }
    if (blockFor !== null) return this.sendBlocking(argv, withBlockFor(options, blockFor));
    let connection: Connection;
    try {
      connection = this.connectionPool.sharedConnection();
    } catch (err) {
      return Promise.reject(err);
    }
    return connection.send(argv, options);
  }

  private sendBlocking(argv: CommandArg[], options: SendOptions): Promise<unknown> {
    const pool = this.connectionPool;
    const ready = pool.takeReadyConnection();
    if (ready === null) return this.sendBlockingAfterWait(argv, options);
    const sent = ready.send(argv, options);
    // The caller gets the connection's own promise. The connection goes back to the pool in a
    // reaction registered before the caller's, so before the caller's code runs: one microtask
    // between the reply and the caller, not two (an `await` and the function's own promise).
    const giveBack = pool.releaserOf(ready);
    sent.then(giveBack, giveBack);
    return sent;
  }

  private async sendBlockingAfterWait(argv: CommandArg[], options: SendOptions): Promise<unknown> {
    const pool = this.connectionPool;
    // a BlockingConnectionPool may make it wait: its signal and timeout end that wait too
    const wait = waitOptionsOf(options, () => commandWordOf(argv));
    const startedAt = wait === undefined ? 0 : Date.now();
    const connection = await pool.getConnection(wait);
    try {
      return await connection.send(argv, wait === undefined ? options : afterWait(options, startedAt));
    } finally {
      this.connectionPool.release(connection);
    }
  }

  private markDirty(): void {
    if (this.bound.connection) this.bound.connection.dirty = true;
    else
      void this.acquire().then(
        (c) => (c.dirty = true),
        () => {},
      );
  }

  /**
   * @internal The client's own connection, taken from the pool at first use. `wait` (a call's
   * signal and timeout) ends the wait for it; a call that finds another call's wait under way
   * shares it, and waits again on its own if that one was cancelled.
   */
  acquire(wait?: ConnectionWaitOptions): Promise<Connection> {
    if (this.bound.connection) return Promise.resolve(this.bound.connection);
    // another call's wait: its signal or timeout is not this call's
    if (this.acquiring) return this.acquiring.catch((err: unknown) => (isCancellation(err) ? this.acquire(wait) : Promise.reject(err)));
    this.acquiring = this.connectionPool.getConnection(wait).then(
      (connection) => {
        this.acquiring = null;
        if (this.closed) {
          this.connectionPool.release(connection);
          throw new ConnectionError("The client is closed");
        }
        this.bound.connection = connection;
        return connection;
      },
      (err) => {
        this.acquiring = null;
        throw err;
      },
    );
    return this.acquiring;
  }

  /**
   * Closes the client: gives back its bound connection, and closes the pool when the
   * client made it. Commands sent afterwards reject with `ConnectionError`. Graceful: the
   * commands already sent are written and their replies awaited first; with
   * `{ force: true }` they reject at once (those written may have run).
   */
  async close(options?: { force?: boolean }): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    finalizer.unregister(this);
    if (this.acquiring) await this.acquiring.catch(() => {});
    const connection = this.bound.connection;
    this.bound.connection = null;
    if (connection) this.connectionPool.release(connection);
    try {
      // the pool's own close still reports `closed` to this client's listeners
      if (this.autoCloseConnectionPool) await this.connectionPool.close(options);
    } finally {
      this.stopEvents();
    }
  }

  toString(): string {
    return `<Redis(${this.connectionPool.toString()})>`;
  }
}

installClientCommands(RedisImpl.prototype);
installScanIterators(RedisImpl.prototype);

export interface RedisImpl<T extends RedisString = Buffer> extends Commands<T, AsyncMode>, ScanIterators<T> {}

export type Redis<T extends RedisString = Buffer> = RedisImpl<T>;

export interface RedisConstructor {
  new <const O extends RedisOptions = {}>(options?: O): Redis<ReplyTypeOf<O>>;
  /** As TypeScript types a generic class's prototype (`C<any>`), so that `class Bot extends Redis` (a `Redis<Buffer>`) type-checks. */
  readonly prototype: Redis<any>;
  fromUrl<const U extends string, const O extends RedisOptions = {}>(url: U, options?: O): Redis<UrlReplyType<U, O>>;
}

Object.defineProperty(RedisImpl, "name", { value: "Redis" });

export const Redis = RedisImpl as unknown as RedisConstructor;

/** `fromUrl(url, options)`: a `Redis` for the URL. Not async: connections are made on the first command. */
export function fromUrl<const U extends string, const O extends RedisOptions = {}>(url: U, options?: O): Redis<UrlReplyType<U, O>> {
  return Redis.fromUrl(url, options);
}

// ---- the reply type a URL chooses ------------------------------------------------------------

/** The words `bool` reads as true / false (case-insensitive). */
type TrueWord = "1" | "t" | "true" | "y" | "yes" | "on";
type FalseWord = "0" | "f" | "false" | "n" | "no" | "off";
type FirstValue<V extends string> = V extends `${infer A}&${string}` ? A : V;
/** What `?decode_responses=` says in a literal URL: "true", "false", "absent" or "unknown". */
type QueryDecode<Q extends string> = Q extends `${string}&decode_responses=${infer V}`
  ? Lowercase<FirstValue<V>> extends TrueWord
    ? "true"
    : Lowercase<FirstValue<V>> extends FalseWord
      ? "false"
      : "unknown"
  : "absent";
type UrlDecodeSays<U extends string> = U extends `${string}?${infer Q}` ? QueryDecode<`&${Q}`> : "absent";
/** True for a string literal (or a union of them); false for `string` and template patterns. */
type IsLiteral<U extends string> = string extends U ? false : {} extends Record<U, 1> ? false : true;
type FromUrlSays<S, O> = S extends "true" ? string : S extends "false" ? Buffer : S extends "absent" ? ReplyTypeOf<O> : RedisString;

/**
 * The reply type of a client made by `fromUrl(url, options)`. The URL's
 * `?decode_responses=` wins over the options at runtime, so: a literal URL that says it
 * decides (`"redis://h/?decode_responses=true"` gives `string`); a literal URL that does not
 * say leaves it to `options.decodeResponses` (default `Buffer`); a URL known only as
 * `string` (or a template with holes) could say anything: `options.decodeResponses` is
 * trusted when given, else the type is `string | Buffer`.
 */
export type UrlReplyType<U extends string, O> =
  IsLiteral<U> extends true
    ? U extends string
      ? FromUrlSays<UrlDecodeSays<U>, O>
      : never
    : O extends { decodeResponses: boolean }
      ? ReplyTypeOf<O>
      : RedisString;
