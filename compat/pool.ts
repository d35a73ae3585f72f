/**
 * v1's `ConnectionsPool` and `create_pool`: `minsize` connections made (and PINGed) up
 * front, never more than `maxsize`, callers waiting for a free one. Commands of a pool
 * client share its free connections; `acquire()` hands one out for exclusive use.
 */
import { ConnectionPool, Monitor } from "../src/index.js";
import { channelView, PUBSUB_COMMANDS, type AbcConnection } from "./abc.js";
import { resolveAddress, v2Options, describeAddress, type Address, type ConnectOptions, type ResolvedAddress } from "./address.js";
import { checkOptionNames, CONNECT_OPTION_NAMES, openConnection, RedisConnection, UNLIMITED, type ConnectionOwner } from "./connection.js";
import { isBlocking } from "./blocking.js";
import { PoolClosedError } from "./errors.js";
import type { AbcChannel } from "./pubsub.js";
import { bind } from "./calling.js";
import { encodeArg, isPlainObject, quiet, type EncodingOf, type RedisString } from "./util.js";
import { describeValue } from "../src/index.js";

type V2Pool = ConnectionPool<Buffer>;

/** An asyncio.Condition: a lock, and waiting for a notification while not holding it. */
class Condition {
  private locked = false;
  private readonly lockQueue: (() => void)[] = [];
  private readonly waiters: (() => void)[] = [];

  async acquire(): Promise<void> {
    if (!this.locked) {
      this.locked = true;
      return;
    }
    await new Promise<void>((resolve) => this.lockQueue.push(resolve));
  }

  release(): void {
    const next = this.lockQueue.shift();
    if (next) next();
    else this.locked = false;
  }

  /** Releases the lock, waits for `notify()`, takes the lock again. */
  async wait(): Promise<void> {
    const notified = new Promise<void>((resolve) => this.waiters.push(resolve));
    this.release();
    await notified;
    await this.acquire();
  }

  notify(): void {
    this.waiters.shift()?.();
  }

  notifyAll(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}

function commandName(command: unknown): string {
  if (command === null || command === undefined) throw new TypeError("command must not be None");
  return (Buffer.isBuffer(command) ? command.toString("utf8") : String(command)).trim().toUpperCase();
}

/** Options of `new ConnectionsPool()` and `createPool()`. */
export interface PoolOptions extends ConnectOptions {
  /** Connections made up front (and kept). Default 1. */
  minsize?: number;
  /** Most connections. Default 10. */
  maxsize?: number;
  /** The connect timeout in seconds (`createRedisPool`'s `timeout`). */
  createConnectionTimeout?: number | null;
  /** A subclass of `RedisConnection` to make. */
  connectionCls?: (new (...args: any[]) => RedisConnection<any>) | null;
}

export interface CreatePoolOptions extends PoolOptions {
  /** A subclass of `ConnectionsPool` to make. */
  poolCls?: (new (address: Address, options?: PoolOptions) => ConnectionsPool<any>) | null;
}

const POOL_SPEC = "address, db?, password?, encoding?, *, minsize?, maxsize?, ssl?, parser?, createConnectionTimeout?, timeout?, connectionCls?, loop?, name?";

/** v1's `ConnectionsPool`. */
export class ConnectionsPool<T extends RedisString = Buffer> implements AbcConnection<T>, ConnectionOwner {
  declare readonly __replyType?: T;
  readonly minsize: number;
  readonly maxsize: number;
  /** Where connections go; `select()` and `auth()` change it. */
  protected where: ResolvedAddress;
  private readonly connectionCls: new (
    ...args: any[]
  ) => RedisConnection<T>;
  private currentV2Pool: V2Pool | null = null;
  private readonly v2pools: V2Pool[] = [];
  private free: RedisConnection<T>[] = [];
  private readonly used = new Set<RedisConnection<T>>();
  private acquiring = 0;
  private readonly cond = new Condition();
  private closing = false;
  private closeDone: Promise<void> | null = null;
  private readonly closedSignal: { promise: Promise<void>; resolve: () => void };
  private pubsubConn: RedisConnection<T> | null = null;
  private pubsubConnecting: Promise<RedisConnection<T>> | null = null;

  constructor(address: Address, options?: PoolOptions);
  constructor(address: Address, db?: number | null, password?: string | null, encoding?: string | null, options?: PoolOptions);
  constructor(...args: unknown[]) {
    const a = bind("ConnectionsPool", POOL_SPEC, args);
    const minsize = a.minsize ?? 1;
    const maxsize = a.maxsize ?? 10;
    if (!Number.isInteger(minsize) || minsize < 0) throw new TypeError("minsize must be int >= 0");
    if (!Number.isInteger(maxsize) || maxsize <= 0) throw new TypeError("maxsize must be int > 0");
    if (minsize > maxsize) throw new RangeError("minsize must be less than or equal to maxsize");
    const cls = a.connectionCls ?? RedisConnection;
    if (cls !== RedisConnection && !(cls.prototype instanceof RedisConnection)) {
      throw new TypeError("connectionCls must be a subclass of RedisConnection");
    }
    this.minsize = minsize;
    this.maxsize = maxsize;
    this.connectionCls = cls;
    const connect: ConnectOptions = {
      db: a.db,
      password: a.password,
      encoding: a.encoding,
      ssl: a.ssl,
      timeout: a.createConnectionTimeout ?? a.timeout,
      name: a.name,
    };
    this.where = resolveAddress(a.address, connect);
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    this.closedSignal = { promise, resolve };
  }

  /** The v2 pool connections are made on, made on first use (subclasses are set up by then). */
  protected get v2pool(): V2Pool {
    this.currentV2Pool ??= this.newV2Pool();
    return this.currentV2Pool;
  }

  private newV2Pool(): V2Pool {
    const pool = this.createV2Pool(this.where);
    this.v2pools.push(pool);
    return pool;
  }

  /** Makes the v2 pool for `where`; a subclass may get it elsewhere (a sentinel-managed pool). */
  protected createV2Pool(where: ResolvedAddress): V2Pool {
    return new ConnectionPool(v2Options(where, UNLIMITED)) as V2Pool;
  }

  get address(): [string, number] | string {
    return this.where.address;
  }

  /** The pool's db (0 when none was given). */
  get db(): number {
    return this.where.db ?? 0;
  }

  get encoding(): string | null {
    return this.where.encoding;
  }

  /** Free connections, connections in use, and connections being made. */
  get size(): number {
    return this.free.length + this.used.size + this.acquiring;
  }

  get freesize(): number {
    return this.free.length;
  }

  get closed(): boolean {
    return this.closing;
  }

  /** Always false: a pool's own commands never stay in a transaction (v1 had no such property). */
  get inTransaction(): boolean {
    return false;
  }

  get inPubsub(): number {
    const conn = this.pubsubConn;
    return conn && !conn.closed ? conn.inPubsub : 0;
  }

  get pubsubChannels(): Readonly<Record<string, AbcChannel>> {
    const conn = this.pubsubConn;
    return conn && !conn.closed ? conn.pubsubChannels : channelView(undefined);
  }

  get pubsubPatterns(): Readonly<Record<string, AbcChannel>> {
    const conn = this.pubsubConn;
    return conn && !conn.closed ? conn.pubsubPatterns : channelView(undefined);
  }

  /**
   * Runs a command on a free connection, shared with other callers ("shared mode"), or,
   * when none is free (or the command blocks), on one acquired for it.
   */
  execute(command: string | Buffer, ...args: unknown[]): Promise<any> {
    const name = commandName(command);
    if (PUBSUB_COMMANDS.has(name)) {
      const last = args[args.length - 1];
      return this.executePubsub(name, ...(isPlainObject(last) ? args.slice(0, -1) : args));
    }
    const blocking = isBlocking(name, args);
    const [conn] = blocking ? [null] : this.getConnection(name, args);
    if (conn) return conn.execute(command, ...args);
    // Check the arguments now, as the connection would, before waiting for one.
    const last = args[args.length - 1];
    (isPlainObject(last) ? args.slice(0, -1) : args).forEach((arg, i) => {
      if (arg === null || arg === undefined) throw new TypeError("args must not contain None");
      encodeArg(arg, i);
    });
    return quiet(this.waitExecute(command, args));
  }

  private async waitExecute(command: string | Buffer, args: unknown[]): Promise<any> {
    const conn = await this.acquire();
    try {
      return await conn.execute(command, ...args);
    } finally {
      this.release(conn);
    }
  }

  /** (P)(UN)SUBSCRIBE on the pool's one pub/sub connection (made or taken from the free ones). */
  executePubsub(command: string | Buffer, ...channels: unknown[]): Promise<unknown[]> {
    const name = commandName(command);
    if (!PUBSUB_COMMANDS.has(name)) throw new TypeError(`Pub/Sub command expected, got ${name}`);
    if (channels.some((c) => c === null || c === undefined)) throw new TypeError("args must not contain None");
    if (channels.length === 0) throw new TypeError("No channels/patterns supplied");
    const [conn] = this.getConnection(name);
    if (conn) return conn.executePubsub(name, ...channels);
    return quiet(this.waitExecutePubsub(name, channels));
  }

  private async waitExecutePubsub(command: string, channels: unknown[]): Promise<unknown[]> {
    if (this.closing) throw new PoolClosedError("Pool is closed");
    if (!this.pubsubConnecting) {
      this.pubsubConnecting = this.acquire().then(
        (conn) => {
          this.pubsubConnecting = null;
          this.pubsubConn = conn;
          return conn;
        },
        (err) => {
          this.pubsubConnecting = null;
          throw err;
        },
      );
    }
    const conn = await this.pubsubConnecting;
    return conn.executePubsub(command, ...channels);
  }

  /**
   * A connection for `command` without waiting (v1's `get_connection`): the pub/sub
   * connection for (P)(UN)SUBSCRIBE, otherwise the next free one; `[null, address]` when
   * none is free.
   */
  getConnection(command: string | Buffer, args: readonly unknown[] = []): [RedisConnection<T> | null, [string, number] | string] {
    void args;
    const name = commandName(command);
    const isPubsub = PUBSUB_COMMANDS.has(name);
    if (isPubsub && this.pubsubConn) {
      if (!this.pubsubConn.closed) return [this.pubsubConn, this.pubsubConn.address];
      this.pubsubConn = null;
    }
    for (let i = 0; i < this.free.length; i++) {
      // round robin over the free connections, as v1's deque rotation
      const conn = this.free.shift()!;
      this.free.push(conn);
      if (conn.closed || conn.inPubsub) continue;
      if (isPubsub) {
        this.pubsubConn = conn;
        this.free.splice(this.free.indexOf(conn), 1);
        this.used.add(conn);
      }
      return [conn, conn.address];
    }
    return [null, this.address];
  }

  /** A connection for exclusive use; waits (without limit) while `maxsize` are in use. Give it back with `release()`. */
  async acquire(command?: unknown, args?: unknown): Promise<RedisConnection<T>> {
    void command;
    void args;
    if (this.closing) throw new PoolClosedError("Pool is closed");
    await this.cond.acquire();
    try {
      for (;;) {
        if (this.closing) throw new PoolClosedError("Pool is closed");
        await this.fillFree(true);
        if (this.closing) throw new PoolClosedError("Pool is closed");
        const conn = this.free.shift();
        if (conn) {
          this.used.add(conn);
          conn.owner = this;
          return conn;
        }
        await this.cond.wait();
      }
    } finally {
      this.cond.release();
    }
  }

  /** `using conn = await pool.get()`: a connection released when disposed. */
  get(): Promise<RedisConnection<T>> {
    return this.acquire();
  }

  /** @internal */
  isUsed(conn: RedisConnection<any>): boolean {
    return this.used.has(conn as RedisConnection<T>);
  }

  /**
   * Gives a connection back. One in a transaction, in subscribe mode, with replies still
   * pending, on another db than the pool's, or beyond `maxsize` free ones is closed instead.
   */
  release(conn: RedisConnection<any>): void {
    const connection = conn as RedisConnection<T>;
    if (!this.used.has(connection)) throw new Error("Invalid connection, maybe from other pool");
    this.used.delete(connection);
    connection.owner = null;
    if (connection === this.pubsubConn) this.pubsubConn = null;
    if (!connection.closed) {
      if (connection.inTransaction || connection.inPubsub || connection.pendingCount > 0 || connection.db !== this.db) {
        connection.close();
      } else if (this.closing || this.free.length >= this.maxsize) {
        connection.close();
      } else {
        this.free.push(connection);
      }
    }
    this.cond.notify();
  }

  /** Closes and drops every free connection. */
  async clear(): Promise<void> {
    await this.cond.acquire();
    try {
      const closing = this.free.splice(0);
      for (const conn of closing) conn.close();
      await Promise.all(closing.map((c) => c.waitClosed()));
    } finally {
      this.cond.release();
    }
  }

  /** SELECT `db` on every free connection and make it the pool's db (connections in use on another db are closed on release). */
  async select(db: number): Promise<boolean> {
    if (!Number.isInteger(db)) throw new TypeError(`DB must be of int type, not ${describeValue(db)}`);
    if (db < 0) throw new RangeError(`DB must be greater or equal 0, got ${db}`);
    await this.cond.acquire();
    try {
      for (const conn of [...this.free]) await conn.select(db);
      this.where = { ...this.where, db };
      this.currentV2Pool = this.newV2Pool();
      return true;
    } finally {
      this.cond.release();
    }
  }

  /** AUTH on every free connection; new connections use the new password. */
  async auth(password: string): Promise<boolean> {
    await this.cond.acquire();
    try {
      for (const conn of [...this.free]) await conn.auth(password);
      this.where = { ...this.where, password };
      this.currentV2Pool = this.newV2Pool();
      return true;
    } finally {
      this.cond.release();
    }
  }

  /** Closes every connection (free, in use, pub/sub) and the pool. */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    const conns = new Set<RedisConnection<T>>([...this.free, ...this.used]);
    if (this.pubsubConn) conns.add(this.pubsubConn);
    this.free = [];
    for (const conn of conns) conn.close();
    this.cond.notifyAll();
    this.closeDone = (async () => {
      await Promise.all([...conns].map((c) => c.waitClosed().catch(() => {})));
      await Promise.all(this.v2pools.map((p) => p.disconnect().catch(() => {})));
    })();
    this.closedSignal.resolve();
  }

  /** MONITOR on a connection of its own from this pool (the v2 `Monitor`: `listen()`, `nextCommand()`, `close()`). */
  monitor(): Monitor<Buffer> {
    if (this.closing) throw new PoolClosedError("Pool is closed");
    return new Monitor(this.v2pool);
  }

  /** Resolves once `close()` has closed everything. */
  async waitClosed(): Promise<void> {
    await this.closedSignal.promise;
    await this.closeDone;
  }

  /** @internal Makes connections up to `minsize` (PINGing each), or one more when none is free and `overrideMin`. */
  async fillFree(overrideMin: boolean): Promise<void> {
    this.dropClosed();
    while (this.size < this.minsize) {
      this.acquiring++;
      try {
        const conn = await this.createConnection();
        try {
          await conn.execute("PING");
        } catch (err) {
          conn.close();
          throw err;
        }
        this.free.push(conn);
      } finally {
        this.acquiring--;
        this.dropClosed();
      }
    }
    if (this.free.length > 0) return;
    if (overrideMin) {
      while (this.free.length === 0 && this.size < this.maxsize) {
        this.acquiring++;
        try {
          this.free.push(await this.createConnection());
        } finally {
          this.acquiring--;
          this.dropClosed();
        }
      }
    }
  }

  private createConnection(): Promise<RedisConnection<T>> {
    if (this.closing) return Promise.reject(new PoolClosedError("Pool is closed"));
    return openConnection(this.connectionCls as any, this.where, this.v2pool, false);
  }

  private dropClosed(): void {
    this.free = this.free.filter((conn) => !conn.closed);
  }

  toString(): string {
    return `<ConnectionsPool [db:${this.db}, size:[${this.minsize}:${this.maxsize}], free:${this.freesize}] ${describeAddress(this.address)}>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/**
 * A pool (v1's `create_pool`), pre-filled with `minsize` connections, each PINGed; if that
 * fails the pool is closed and the error thrown.
 */
export async function createPool<const O extends CreatePoolOptions = {}>(address: Address, options?: O): Promise<ConnectionsPool<EncodingOf<O>>> {
  const opts: CreatePoolOptions = options ?? {};
  checkOptionNames("createPool", opts, new Set([...CONNECT_OPTION_NAMES, "minsize", "maxsize", "createConnectionTimeout", "connectionCls", "poolCls"]));
  const { poolCls, ...rest } = opts;
  const cls = poolCls ?? ConnectionsPool;
  if (cls !== ConnectionsPool && !(cls.prototype instanceof ConnectionsPool)) throw new TypeError("poolCls must be a subclass of ConnectionsPool");
  const pool = new cls(address, rest) as ConnectionsPool<EncodingOf<O>>;
  try {
    await pool.fillFree(false);
  } catch (err) {
    pool.close();
    await pool.waitClosed();
    throw err;
  }
  return pool;
}
