/**
 * v1's high-level `Redis` client (every command mixin), `ContextRedis` (an exclusive
 * connection of a pool) and the `create_redis` / `create_redis_pool` factories.
 */
import type { AbcConnection } from "./abc.js";
import type { Address } from "./address.js";
import { StreamCommandsMixin } from "./commands/streams.js";
import { checkOptionNames, CONNECT_OPTION_NAMES, createConnection, type CreateConnectionOptions, type RedisConnection } from "./connection.js";
import { ConnectionClosedError } from "./errors.js";
import { ConnectionsPool, createPool, type CreatePoolOptions } from "./pool.js";
import { encodingOf, NOTSET, type Arg, type Dec, type EncodingOf, type EncodingOption, type RedisString } from "./util.js";

/**
 * The v1 client: `new Redis(connectionOrPool)`, or `createRedis()` / `createRedisPool()`.
 * Every command is sent when the method is called and returns a Promise of v1's reply
 * shape; methods that took `encoding=` in v1 take `{ encoding }` last.
 */
export class Redis<T extends RedisString = Buffer> extends StreamCommandsMixin<T> {
  constructor(poolOrConn: AbcConnection<T>) {
    super(poolOrConn);
  }

  /** AUTH on the connection (every free connection, for a pool); resolves with true. */
  auth(password: string): Promise<boolean> {
    const a = this._bind("auth", "password", arguments);
    return this._poolOrConn.auth(a.password);
  }

  echo<O extends EncodingOption = {}>(message: Arg, options?: O): Promise<Dec<T, O>> {
    const a = this._bind("echo", "message, *, encoding?", arguments);
    return this._exec("ECHO", [a.message], encodingOf(a));
  }

  /** PING: the raw `PONG` (a Buffer, or a string with an encoding), or the echoed message. */
  ping<O extends EncodingOption = {}>(message?: Arg | O, options?: O): Promise<Dec<T, O>> {
    const a = this._bind("ping", "message?, *, encoding?", arguments);
    return this._exec("PING", a.message === undefined ? [] : [a.message], encodingOf(a));
  }

  /** QUIT: the server closes the connection. */
  quit(): Promise<T> {
    this._bind("quit", "", arguments);
    return this._exec("QUIT", [], NOTSET);
  }

  /** SELECT `db` (on a pool: every free connection, and the pool's db for new ones); resolves with true. */
  select(db: number): Promise<boolean> {
    const a = this._bind("select", "db", arguments);
    return this._poolOrConn.select(a.db);
  }

  swapdb(fromIndex: number, toIndex: number): Promise<boolean> {
    const a = this._bind("swapdb", "fromIndex, toIndex", arguments);
    if (Math.trunc(Number(a.fromIndex)) < 0 || Math.trunc(Number(a.toIndex)) < 0) {
      throw new RangeError("from_index and to_index must be greater than 0");
    }
    return this._exec("SWAPDB", [a.fromIndex, a.toIndex], NOTSET, (reply: unknown) => reply === "OK" || (Buffer.isBuffer(reply) && reply.toString() === "OK"));
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
export class ContextRedis<T extends RedisString = Buffer> extends Redis<T> {
  private releaseCallback: ((conn: AbcConnection<T>) => void) | null;

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
export async function createRedisPool<const O extends CreateRedisPoolOptions = {}>(
  address: Address,
  options?: O,
): Promise<Redis<EncodingOf<O>>> {
  const { commandsFactory, timeout, ...rest } = (options ?? {}) as CreateRedisPoolOptions;
  checkOptionNames("createRedisPool", rest, new Set([...CONNECT_OPTION_NAMES, "minsize", "maxsize", "connectionCls", "poolCls"]));
  const pool = await createPool(address, { ...rest, createConnectionTimeout: timeout ?? null });
  return (commandsFactory ? commandsFactory(pool) : new Redis(pool)) as Redis<EncodingOf<O>>;
}
