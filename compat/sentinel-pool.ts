/**
 * v1's `SentinelPool` (`create_sentinel_pool`) and the `ManagedPool` a `master_for` /
 * `slave_for` client runs on, built on the v2 `Sentinel` (see sentinel.ts for the whole).
 */
import {
  ConnectionError as V2ConnectionError,
  MasterNotFoundError as V2MasterNotFoundError,
  RedisError as V2RedisError,
  Sentinel as V2Sentinel,
  SentinelConnectionPool,
  SlaveNotFoundError as V2SlaveNotFoundError,
  TimeoutError as V2TimeoutError,
  type ConnectionPool,
  type SentinelAddress,
  type SentinelClientOptions,
} from "../src/index.js";
import { describeAddress, parseV1Url, v2Options, type Address, type ResolvedAddress, type SslOptions } from "./address.js";
import { checkOptionNames, openConnection, RedisConnection, UNLIMITED } from "./connection.js";
import {
  ConnectionClosedError,
  MasterNotFoundError,
  MasterReplyError,
  PoolClosedError,
  ReplyError,
  SlaveNotFoundError,
  SlaveReplyError,
  toV1Error,
} from "./errors.js";
import { ConnectionsPool, createPool } from "./pool.js";
import { checkEncoding, isPlainObject, quiet, type EncodingOf, type RedisString } from "./util.js";
import { describeValue } from "../src/index.js";

type V2Pool = ConnectionPool<Buffer>;

// ---- errors --------------------------------------------------------------------------------

function causeChain(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = err; e !== null && e !== undefined && chain.length < 8; e = (e as { cause?: unknown }).cause) {
    chain.push(e);
    if (typeof e !== "object") break;
  }
  return chain;
}

/**
 * An error from opening a connection of a service, as v1's discovery reported it: a reply
 * error (a wrong password, say) is a `MasterReplyError` / `SlaveReplyError`; no usable master
 * or replica (none known, all down, none reachable) is a `MasterNotFoundError` /
 * `SlaveNotFoundError`. The original error is the `cause`.
 */
function discoveryError(err: unknown, service: string, isMaster: boolean): unknown {
  if (
    err instanceof PoolClosedError ||
    err instanceof MasterNotFoundError ||
    err instanceof SlaveNotFoundError ||
    err instanceof MasterReplyError ||
    err instanceof SlaveReplyError
  ) {
    return err;
  }
  if (err instanceof ReplyError) {
    const Failure = isMaster ? MasterReplyError : SlaveReplyError;
    return new Failure(`Service ${service} error (${err.name}: ${err.message})`, { cause: err });
  }
  const chain = causeChain(err);
  // The cause is the v2 error that says why (compat's ConnectionClosedError only wraps it).
  const cause =
    chain.find((e) => e instanceof V2MasterNotFoundError || e instanceof V2SlaveNotFoundError) ??
    chain.find((e) => e instanceof V2ConnectionError || e instanceof V2TimeoutError) ??
    chain.find((e) => e instanceof ConnectionClosedError);
  if (cause === undefined) return err;
  const NotFound = isMaster ? MasterNotFoundError : SlaveNotFoundError;
  return new NotFound(`No ${isMaster ? "master" : "slave"} found for ${service}`, { cause });
}

// ---- ManagedPool ---------------------------------------------------------------------------

/** The address each service pool's connections went to, by v2 pool (for `ManagedPool.address`). */
const PEERS = new WeakMap<V2Pool, [string, number]>();

/** A connection of a `ManagedPool`: its `address` is where the sentinels sent it. */
class ManagedConnection<T extends RedisString = Buffer> extends RedisConnection<T> {
  private readonly peer: [string, number];

  constructor(...args: ConstructorParameters<typeof RedisConnection>) {
    super(...args);
    // The v2 sentinel pool set its host and port for this connection just before connecting.
    const v2pool = args[1].v2pool;
    this.peer = [v2pool.connectionKwargs.host, v2pool.connectionKwargs.port];
    PEERS.set(v2pool, this.peer);
  }

  override get address(): [string, number] {
    return [...this.peer];
  }
}

/** Options of a `ManagedPool`: the data nodes' connection options and the pool's sizes. */
export interface ManagedPoolOptions {
  db?: number | null;
  password?: string | null;
  encoding?: string | null;
  ssl?: boolean | SslOptions | null;
  minsize?: number;
  maxsize?: number;
  /** The connect timeout (the sentinel's discovery timeout). */
  timeout?: number | null;
}

/**
 * v1's `ManagedPool`: a `ConnectionsPool` for the master (or a replica) of a service, whose
 * address the sentinels give. Made by `masterFor` / `slaveFor` with no connection;
 * the first command makes `minsize` of them. A failover closes the connections to the old
 * master; the pool drops them and the next connections go to the new master.
 */
export class ManagedPool<T extends RedisString = Buffer> extends ConnectionsPool<T> {
  readonly service: string;
  readonly isMaster: boolean;
  private readonly sentinel: SentinelPool<any>;

  constructor(sentinel: SentinelPool<any>, service: string, isMaster: boolean, options: ManagedPoolOptions = {}) {
    // The address is a placeholder: connections are opened through the v2 sentinel pool (createV2Pool).
    super([`sentinel-${service}`, 0], { ...options, connectionCls: ManagedConnection });
    this.service = service;
    this.isMaster = isMaster;
    this.sentinel = sentinel;
  }

  /** Each v2 pool is the v2 Sentinel's pool for the service (with the pool's current db and password). */
  protected override createV2Pool(where: ResolvedAddress): V2Pool {
    return this.sentinel._servicePool(this.service, this.isMaster, where);
  }

  /**
   * The discovered `[host, port]` (the master's as the sentinels last named it, or the replica
   * the last connection went to); `null` until the first connection is made, as v1's `None`.
   */
  override get address(): [string, number] {
    const v2pool = this.v2pool;
    if (this.isMaster && v2pool instanceof SentinelConnectionPool && v2pool.masterAddress) {
      return [v2pool.masterAddress[0], v2pool.masterAddress[1]];
    }
    const peer = PEERS.get(v2pool);
    return (peer ? [peer[0], peer[1]] : null) as [string, number];
  }

  /** A connection for exclusive use; errors finding the service are v1's discovery errors. */
  override async acquire(command?: unknown, args?: unknown): Promise<RedisConnection<T>> {
    try {
      return await super.acquire(command, args);
    } catch (err) {
      throw discoveryError(err, this.service, this.isMaster);
    }
  }

  /**
   * @internal v1's `discover_master` / `discover_slave` for this service: a new connection
   * (not one of the pool's), its ROLE checked; `MasterNotFoundError` / `SlaveNotFoundError`
   * when none is found within `timeout` seconds.
   */
  async _discover(timeout: number | null): Promise<RedisConnection<T>> {
    if (this.closed) throw new PoolClosedError("Pool is closed");
    const role = this.isMaster ? "master" : "slave";
    const attempt = (async () => {
      const conn = await openConnection(ManagedConnection, this.where, this.v2pool, false);
      try {
        const reply = (await conn.execute("ROLE", { encoding: "utf-8" })) as unknown[];
        if (!Array.isArray(reply) || reply[0] !== role) {
          throw new (this.isMaster ? MasterNotFoundError : SlaveNotFoundError)(
            `No ${role} found for ${this.service} (the node at ${describeAddress(conn.address)} reports role ${String(reply?.[0])})`,
          );
        }
      } catch (err) {
        conn.close();
        throw err;
      }
      return conn as RedisConnection<T>;
    })();
    try {
      return await withTimeout(attempt, timeout, (conn) => conn.close());
    } catch (err) {
      if (err === TIMED_OUT) {
        throw new (this.isMaster ? MasterNotFoundError : SlaveNotFoundError)(`No ${role} found for ${this.service} within ${timeout}s`);
      }
      throw discoveryError(err, this.service, this.isMaster);
    }
  }

  override toString(): string {
    const address = this.address;
    return `<ManagedPool [db:${this.db}, size:[${this.minsize}:${this.maxsize}], free:${this.freesize}] ${this.service} (${this.isMaster ? "master" : "slave"}) ${
      address ? describeAddress(address) : "not discovered"
    }>`;
  }
}

const TIMED_OUT: unique symbol = Symbol("timed out");

/** `promise`, or a rejection with `TIMED_OUT` after `seconds` (`null`: no limit); a late result goes to `late`. */
function withTimeout<R>(promise: Promise<R>, seconds: number | null, late: (value: R) => void): Promise<R> {
  if (seconds === null) return promise;
  return new Promise<R>((resolve, reject) => {
    let expired = false;
    const timer = setTimeout(() => {
      expired = true;
      reject(TIMED_OUT);
    }, seconds * 1000);
    promise.then(
      (value) => {
        clearTimeout(timer);
        if (expired) late(value);
        else resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        if (!expired) reject(err);
      },
    );
  });
}

// ---- SentinelPool --------------------------------------------------------------------------

/** Options of `createSentinelPool()` / `new SentinelPool()`. */
export interface SentinelPoolOptions extends ManagedPoolOptions {
  /**
   * Seconds for each step of the discovery: connecting to a sentinel, asking it, connecting
   * to the node it names. Default 0.2, as in v1; `null` for no limit.
   */
  timeout?: number | null;
  /** Accepted and ignored, as v1 deprecated it. */
  loop?: unknown;
  /** Accepted and ignored: the v2 client has one parser. */
  parser?: unknown;
}

export type CreateSentinelPoolOptions = SentinelPoolOptions;

/** Options of `createSentinel()` (1.3.1's `create_sentinel` has no `parser`). */
export type CreateSentinelOptions = Omit<SentinelPoolOptions, "parser">;

const SENTINEL_POOL_OPTIONS: ReadonlySet<string> = new Set(["db", "password", "encoding", "minsize", "maxsize", "ssl", "timeout", "loop", "parser"]);
export const CREATE_SENTINEL_OPTIONS: ReadonlySet<string> = new Set(["db", "password", "encoding", "minsize", "maxsize", "ssl", "timeout", "loop"]);

/** A sentinel address as v1 took it (`[host, port]` or a URL), and as the v2 `Sentinel` needs it. */
function sentinelAddress(address: unknown): { v1: Address; v2: SentinelAddress } {
  if (Array.isArray(address)) {
    const [host, port] = address as unknown[];
    if (address.length !== 2 || typeof host !== "string" || host.length === 0 || !Number.isInteger(port)) {
      throw new TypeError("a sentinel address must be [host, port] or a redis:// URL");
    }
    return { v1: [host, port as number], v2: [host, port as number] };
  }
  if (typeof address === "string") {
    const [where] = parseV1Url(address);
    if (typeof where === "string") throw new TypeError(`a sentinel address must be [host, port] or a redis:// URL, not a unix socket path: '${address}'`);
    return { v1: address, v2: where };
  }
  throw new TypeError(`a sentinel address must be [host, port] or a redis:// URL, got ${describeValue(address)}`);
}

/**
 * v1's `SentinelPool`: pools on the sentinels (for `execute`) and the service pools of
 * `masterFor` / `slaveFor` (one per service name, made on first use).
 */
export class SentinelPool<T extends RedisString = Buffer> {
  declare readonly __replyType?: T;
  private readonly addresses: { v1: Address; v2: SentinelAddress }[] = [];
  private readonly timeout: number | null;
  private readonly redisOptions: ManagedPoolOptions;
  private pools: ConnectionsPool<Buffer>[] = [];
  private readonly masters = new Map<string, ManagedPool<T>>();
  private readonly slaves = new Map<string, ManagedPool<T>>();
  private v2: V2Sentinel<Buffer> | null = null;
  private closing = false;
  private closeDone: Promise<void> | null = null;
  private readonly closedSignal: { promise: Promise<void>; resolve: () => void };

  constructor(sentinels: readonly Address[], options: SentinelPoolOptions = {}) {
    if (!Array.isArray(sentinels)) throw new TypeError(`sentinels must be a list of addresses, got ${describeValue(sentinels)}`);
    checkOptionNames("SentinelPool", options, SENTINEL_POOL_OPTIONS);
    const seen = new Set<string>();
    for (const address of sentinels) {
      const parsed = sentinelAddress(address);
      const key = `${parsed.v2[0]}:${parsed.v2[1]}`;
      if (seen.has(key)) continue; // v1 kept them in a set
      seen.add(key);
      this.addresses.push(parsed);
    }
    const timeout = options.timeout === undefined ? 0.2 : options.timeout;
    if (timeout !== null && !(typeof timeout === "number" && timeout > 0)) throw new RangeError("timeout must be null or a number greater than 0");
    this.timeout = timeout;
    const minsize = options.minsize ?? 1;
    const maxsize = options.maxsize ?? 10;
    if (!Number.isInteger(minsize) || minsize < 0) throw new TypeError("minsize must be int >= 0");
    if (!Number.isInteger(maxsize) || maxsize <= 0) throw new TypeError("maxsize must be int > 0");
    if (minsize > maxsize) throw new RangeError("minsize must be less than or equal to maxsize");
    this.redisOptions = {
      db: options.db ?? null,
      password: options.password ?? null,
      encoding: checkEncoding(options.encoding),
      ssl: options.ssl ?? null,
      minsize,
      maxsize,
      timeout,
    };
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    this.closedSignal = { promise, resolve };
  }

  /** Seconds for each discovery step (v1's `discover_timeout`). */
  get discoverTimeout(): number | null {
    return this.timeout;
  }

  /** True once closing or closed. */
  get closed(): boolean {
    return this.closing;
  }

  /** The pool of the service's master (the same one for the same name). Not async; connects on the first command. */
  masterFor(service: string): ManagedPool<T> {
    return this.managed(this.masters, service, true);
  }

  /** The pool of a replica of the service (the same one for the same name). */
  slaveFor(service: string): ManagedPool<T> {
    return this.managed(this.slaves, service, false);
  }

  private managed(map: Map<string, ManagedPool<T>>, service: string, isMaster: boolean): ManagedPool<T> {
    if (typeof service !== "string" || service.length === 0) throw new TypeError("the service name must be a non-empty string");
    if (this.closing) throw new PoolClosedError("Sentinel pool is closed");
    let pool = map.get(service);
    if (!pool || pool.closed) {
      pool = new ManagedPool<T>(this, service, isMaster, this.redisOptions);
      map.set(service, pool);
    }
    return pool;
  }

  /** Sends a command to a sentinel (the first one connected), as `execute` on a pool: a trailing `{ encoding }` decodes the reply. */
  execute(command: string | Buffer, ...args: unknown[]): Promise<any> {
    if (this.closing) throw new PoolClosedError("Sentinel pool is closed");
    const pool = this.pools[0];
    if (!pool) throw new V2RedisError("Not connected to any sentinel: call discover() first");
    return pool.execute(command, ...args);
  }

  /**
   * Connects to every sentinel (each within `timeout` seconds, default `discoverTimeout`)
   * and uses those that answered from now on; throws `Error("Could not connect to any
   * sentinel")` when none did.
   */
  async discover(timeout?: number | null): Promise<void> {
    if (this.closing) throw new PoolClosedError("Sentinel pool is closed");
    const limit = timeout === undefined || timeout === null ? this.timeout : timeout;
    const results = await Promise.allSettled(
      this.addresses.map(({ v1 }) => withTimeout(createPool(v1, { minsize: 1, maxsize: 2, createConnectionTimeout: limit }), limit, (late) => late.close())),
    );
    const pools = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    if (this.closing) {
      for (const pool of pools) pool.close();
      throw new PoolClosedError("Sentinel pool is closed");
    }
    if (pools.length === 0) throw new Error("Could not connect to any sentinel");
    const old = this.pools;
    this.pools = pools;
    for (const pool of old) {
      pool.close();
      await pool.waitClosed();
    }
  }

  /** A new connection to the service's master, its ROLE checked (v1's `discover_master`); the caller closes it. */
  discoverMaster(service: string, timeout?: number | null): Promise<RedisConnection<T>> {
    return quiet(this.masterFor(service)._discover(timeout === undefined ? this.timeout : timeout));
  }

  /** A new connection to a replica of the service, its ROLE checked (v1's `discover_slave`); the caller closes it. */
  discoverSlave(service: string, timeout?: number | null): Promise<RedisConnection<T>> {
    return quiet(this.slaveFor(service)._discover(timeout === undefined ? this.timeout : timeout));
  }

  /** @internal The v2 sentinel pool of a service, for a `ManagedPool` (its db and password as `where` says). */
  _servicePool(service: string, isMaster: boolean, where: ResolvedAddress): V2Pool {
    if (this.closing) throw new PoolClosedError("Sentinel pool is closed");
    const { host: _host, port: _port, unixSocketPath: _path, retry: _retry, ...options } = v2Options(where, UNLIMITED);
    // No `retry`: the v2 Sentinel's default retries a connect, asking the sentinels again, so a
    // connection made during a failover waits for the new master.
    const clientOptions = options as SentinelClientOptions;
    const sentinel = this.sentinelV2();
    const client = isMaster ? sentinel.masterFor(service, clientOptions) : sentinel.slaveFor(service, clientOptions);
    return client.connectionPool;
  }

  private sentinelV2(): V2Sentinel<Buffer> {
    if (!this.v2) {
      const timeout = this.timeout;
      try {
        this.v2 = new V2Sentinel(
          this.addresses.map(({ v2 }) => v2),
          { sentinelKwargs: { socketConnectTimeout: timeout, socketTimeout: timeout } },
        ) as V2Sentinel<Buffer>;
      } catch (err) {
        throw err instanceof V2RedisError ? toV1Error(err) : err;
      }
    }
    return this.v2;
  }

  /** Closes the sentinel pools, every service pool and the v2 Sentinel. */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    const pools: ConnectionsPool<any>[] = [...this.pools, ...this.masters.values(), ...this.slaves.values()];
    this.pools = [];
    this.masters.clear();
    this.slaves.clear();
    for (const pool of pools) pool.close();
    const v2 = this.v2;
    this.closeDone = (async () => {
      await Promise.all([...pools.map((p) => p.waitClosed().catch(() => {})), v2?.close().catch(() => {})]);
    })();
    this.closedSignal.resolve();
  }

  /** Resolves once `close()` has closed everything. */
  async waitClosed(): Promise<void> {
    await this.closedSignal.promise;
    await this.closeDone;
  }

  toString(): string {
    return `<SentinelPool [${this.addresses.map(({ v2 }) => `${v2[0]}:${v2[1]}`).join(", ")}]${this.closing ? " closed" : ""}>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/**
 * v1's `create_sentinel_pool`: a `SentinelPool` connected to the sentinels (those that answer
 * within `timeout`); `Error("Could not connect to any sentinel")` when none does.
 */
export async function createSentinelPool<const O extends CreateSentinelPoolOptions = {}>(
  sentinels: readonly Address[],
  options?: O,
): Promise<SentinelPool<EncodingOf<O>>> {
  const opts: CreateSentinelPoolOptions = options ?? {};
  if (!isPlainObject(opts)) throw new TypeError("createSentinelPool: options must be an object");
  checkOptionNames("createSentinelPool", opts, SENTINEL_POOL_OPTIONS);
  const pool = new SentinelPool<EncodingOf<O>>(sentinels, opts);
  try {
    await pool.discover();
  } catch (err) {
    pool.close();
    await pool.waitClosed();
    throw err;
  }
  return pool;
}
