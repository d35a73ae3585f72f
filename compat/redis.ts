/**
 * v1's high-level `Redis` client (the command groups of commands/ on one class), `ContextRedis` (an exclusive
 * connection of a pool) and the `create_redis` / `create_redis_pool` factories.
 */
import type { AbcConnection } from "./abc.js";
import type { Address } from "./address.js";
import { RedisBase } from "./commands/base.js";
import { installCommands, type RedisCommands } from "./commands/index.js";
import { checkOptionNames, CONNECT_OPTION_NAMES, createConnection, type CreateConnectionOptions, type RedisConnection } from "./connection.js";
import { ConnectionClosedError } from "./errors.js";
import { ConnectionsPool, createPool, type CreatePoolOptions } from "./pool.js";
import { MultiExec, Pipeline } from "./pipeline.js";
import type { EncodingOf, RedisString } from "./util.js";

/**
 * The v1 client: `new Redis(connectionOrPool)`, or `createRedis()` / `createRedisPool()`.
 * Every command is sent when the method is called and returns a Promise of v1's reply
 * shape; methods that took `encoding=` in v1 take `{ encoding }` last. The commands are
 * the groups of commands/ (installed below); the class itself adds transactions,
 * pipelines and `acquire()`.
 */
// `out T`: replies are produced, never consumed, so `Redis<string>` is a `Redis<string | Buffer>`;
// stating it spares the checker measuring the variance through all 240 methods' types.
export interface Redis<out T extends RedisString = any> extends RedisCommands<T> {}

export class Redis<out T extends RedisString = any> extends RedisBase<T> {
  constructor(poolOrConn: AbcConnection<T>) {
    super(poolOrConn);
  }

  /**
   * A MULTI/EXEC transaction: each call returns a Promise, `execute()` sends the lot. On a
   * pool client it runs on one connection of the pool; WATCH needs `redis.acquire()` first.
   */
  multiExec(): MultiExec<T> {
    return new MultiExec<T>(this._poolOrConn, this.commandsFactory());
  }

  /** A (non-transactional) pipeline: each call returns a Promise, `execute()` sends the lot. */
  pipeline(): Pipeline<T> {
    return new Pipeline<T>(this._poolOrConn, this.commandsFactory());
  }

  /** A client of this class on another connection (the pipeline's buffer). */
  private commandsFactory(): (conn: AbcConnection<any>) => object {
    const cls = this.constructor as new (conn: AbcConnection<any>) => object;
    return (conn) => new cls(conn);
  }

  /**
   * A client on one connection for exclusive use (v1's `with await redis as r`): for
   * WATCH/MULTI/EXEC and blocking commands. `using r = await redis.acquire()` gives the
   * connection back to the pool at the end of the block.
   */
  async acquire(): Promise<ContextRedis<T>> {
    const target = this._poolOrConn;
    if (target instanceof ConnectionsPool) {
      const conn = (await target.acquire()) as RedisConnection<T>;
      return new ContextRedis<T>(conn, (c) => target.release(c as RedisConnection<T>));
    }
    return new ContextRedis<T>(target as AbcConnection<T>, null);
  }

  /** `using redis = ...`: closes the client's connection or pool. */
  [Symbol.dispose](): void {
    this.close();
  }
}

installCommands(Redis);

/** What a released `ContextRedis` runs on: nothing. */
const RELEASED: AbcConnection<any> = new Proxy({} as AbcConnection<any>, {
  get(_target, prop) {
    if (prop === "closed") return true;
    if (typeof prop === "symbol" || prop === "toString") return () => "<released>";
    return () => {
      throw new ConnectionClosedError("The connection was released to its pool");
    };
  },
});

/** `redis.acquire()`'s client: one connection, given back to the pool when disposed. */
export class ContextRedis<T extends RedisString = any> extends Redis<T> {
  /** (Typed without `T`, so that a `ContextRedis<string>` is a bare `ContextRedis`.) */
  private releaseCallback: ((conn: AbcConnection<any>) => void) | null;

  constructor(conn: AbcConnection<T>, releaseCallback: ((conn: AbcConnection<T>) => void) | null = null) {
    super(conn);
    this.releaseCallback = releaseCallback;
  }

  /** Gives the connection back (to its pool; nothing for a single-connection client). */
  override [Symbol.dispose](): void {
    const release = this.releaseCallback;
    if (!release) return;
    this.releaseCallback = null;
    const conn = this._poolOrConn;
    this._poolOrConn = RELEASED;
    release(conn);
  }

  /** The same connection again, without a release of its own. */
  override async acquire(): Promise<ContextRedis<T>> {
    return new ContextRedis<T>(this._poolOrConn, null);
  }
}

/** Makes the client of a connection or pool (v1's `commands_factory`). */
export type CommandsFactory = (poolOrConn: AbcConnection<any>) => Redis<any>;

export interface CreateRedisOptions extends CreateConnectionOptions {
  commandsFactory?: CommandsFactory | null;
}

export interface CreateRedisPoolOptions extends Omit<CreatePoolOptions, "createConnectionTimeout"> {
  commandsFactory?: CommandsFactory | null;
}

/** A `Redis` on one connection (v1's `create_redis`): no reconnection; subscribing puts it in subscribe mode. */
export async function createRedis<const O extends CreateRedisOptions = {}>(address: Address, options?: O): Promise<Redis<EncodingOf<O>>> {
  const { commandsFactory, ...rest } = (options ?? {}) as CreateRedisOptions;
  checkOptionNames("createRedis", rest, new Set([...CONNECT_OPTION_NAMES, "connectionCls"]));
  const conn = await createConnection(address, rest);
  return (commandsFactory ? commandsFactory(conn) : new Redis(conn)) as Redis<EncodingOf<O>>;
}

/**
 * A `Redis` on a pool (v1's `create_redis_pool`): `minsize` connections made up front,
 * up to `maxsize`, callers waiting for a free one; `timeout` is the connect timeout.
 */
export async function createRedisPool<const O extends CreateRedisPoolOptions = {}>(address: Address, options?: O): Promise<Redis<EncodingOf<O>>> {
  const { commandsFactory, timeout, ...rest } = (options ?? {}) as CreateRedisPoolOptions;
  checkOptionNames("createRedisPool", rest, new Set([...CONNECT_OPTION_NAMES, "minsize", "maxsize", "connectionCls", "poolCls"]));
  const pool = await createPool(address, { ...rest, createConnectionTimeout: timeout ?? null });
  return (commandsFactory ? commandsFactory(pool) : new Redis(pool)) as Redis<EncodingOf<O>>;
}
