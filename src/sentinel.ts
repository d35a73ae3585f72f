/**
 * Redis Sentinel (redis-py's `redis.asyncio.sentinel`): clients for a master or its replicas
 * whose address is asked of the sentinels at every connect, and which follow a failover by
 * themselves: a pub/sub connection to a sentinel watches `+switch-master`, the new master's
 * ROLE is checked, and the pools move their connections there.
 */
import { EventEmitter } from "node:events";
import { safeEmit } from "./events.js";
import { Redis, RedisImpl } from "./client.js";
import { Connection } from "./connection/connection.js";
import { checkOptions, resolveConnectionOptions } from "./connection/resolve.js";
import { hideSecrets, withSecrets } from "./connection/secrets.js";
import { str, toArray, toObject } from "./commands/replies.js";
import { ConnectionError, DataError, MasterNotFoundError, ResponseError, SlaveNotFoundError, TimeoutError } from "./errors.js";
import type { ConnectionOptions, PoolOptions } from "./options.js";
import { ConnectionPoolImpl, type RedisString, type ReplyTypeOf } from "./pool.js";
import type { RespValue } from "./protocol/index.js";
import { EqualJitterBackoff, Retry, type CallWithRetryOptions } from "./retry.js";

/** `[host, port]` of a sentinel, a master or a replica. */
export type SentinelAddress = [string, number];

/** Options of `new Sentinel(...)`: the data nodes' connection options, plus the sentinels' own. */
export interface SentinelOptions extends Omit<PoolOptions, "host" | "port" | "unixSocketPath"> {
  /** Options of the connections to the sentinels; default: the `socket*` options given for the data nodes. */
  sentinelKwargs?: ConnectionOptions | null;
  /** A master is accepted only when it is seen by at least this many other sentinels. Default 0. */
  minOtherSentinels?: number;
  /** Use this address instead of the IP the sentinels announce (NAT). */
  forceMasterIp?: string | null;
}

/** Options of `masterFor` / `slaveFor`: the client's options, over the sentinel's connection options. */
export type SentinelClientOptions = Omit<PoolOptions, "host" | "port" | "unixSocketPath">;

const SENTINEL_OWN = new Set(["sentinelKwargs", "minOtherSentinels", "forceMasterIp"]);

/** `MasterNotFoundError` for a service no sentinel knows: retrying cannot help. */
const unknownService = new WeakSet<object>();

/** Wraps a pool's retry policy so that each connect attempt first asks where to connect. */
class ResolvingRetry extends Retry {
  constructor(
    private readonly base: Retry,
    private readonly beforeAttempt: () => Promise<void>,
  ) {
    super(base.backoff, base.getRetries(), base.supportedErrors);
  }

  override callWithRetry<R>(doFn: () => Promise<R>, fail: (err: unknown, failures: number) => unknown, opts?: CallWithRetryOptions): Promise<R> {
    return super.callWithRetry(
      async () => {
        await this.beforeAttempt();
        return doFn();
      },
      fail,
      opts,
    );
  }

  override isRetryable(err: unknown): boolean {
    return super.isRetryable(err) && !(typeof err === "object" && err !== null && unknownService.has(err));
  }

  override clone(): Retry {
    return new ResolvingRetry(this.base.clone(), this.beforeAttempt);
  }
}

function parseFlags(info: Record<string, RespValue>): Set<string> {
  const flags = info["flags"];
  return new Set((flags === undefined || flags === null ? "" : str(flags)).split(",").filter(Boolean));
}

function infoOf(reply: RespValue): Record<string, RespValue> {
  return toObject(reply);
}

/**
 * A pool whose connections go to the current master (or a replica) of a service, asked of
 * the sentinels before each connect (redis-py's `SentinelConnectionPool`).
 */
export class SentinelConnectionPool<T extends RedisString = Buffer> extends ConnectionPoolImpl<T> {
  readonly serviceName: string;
  readonly isMaster: boolean;
  readonly sentinelManager: Sentinel<any>;
  /** The master's address as last resolved (master pools). */
  masterAddress: SentinelAddress | null = null;
  private slaveIndex = -1;

  constructor(serviceName: string, sentinelManager: Sentinel<any>, options: PoolOptions & { isMaster?: boolean } = {}) {
    const { isMaster, ...poolOptions } = options;
    // The address is set before each connect; this one only names the pool until then.
    super({ ...poolOptions, host: `sentinel-${serviceName}`, port: 0 });
    this.serviceName = serviceName;
    this.isMaster = isMaster ?? true;
    this.sentinelManager = sentinelManager;
    this.connectionKwargs.retry = new ResolvingRetry(this.connectionKwargs.retry, () => this.resolveAddress());
  }

  protected override defaultMaxConnections(): number {
    return 100;
  }

  /** Asks the sentinels for the master's address. */
  async getMasterAddress(): Promise<SentinelAddress> {
    const address = await this.sentinelManager.discoverMaster(this.serviceName);
    this.masterAddress = address;
    return address;
  }

  /** Replicas in turn (from a random start), then the master; `SlaveNotFoundError` when there is neither. */
  async *rotateSlaves(): AsyncGenerator<SentinelAddress, void, undefined> {
    const slaves = await this.sentinelManager.discoverSlaves(this.serviceName);
    if (slaves.length > 0) {
      if (this.slaveIndex < 0) this.slaveIndex = Math.floor(Math.random() * slaves.length);
      for (let i = 0; i < slaves.length; i++) {
        this.slaveIndex = (this.slaveIndex + 1) % slaves.length;
        yield slaves[this.slaveIndex]!;
      }
    }
    let unknown = false;
    try {
      yield await this.getMasterAddress();
    } catch (err) {
      if (!(err instanceof MasterNotFoundError)) throw err;
      unknown = unknownService.has(err);
    }
    const error = new SlaveNotFoundError(`No slave found for '${this.serviceName}'`);
    if (unknown) unknownService.add(error);
    throw error;
  }

  /** Sets the address the next socket of this pool opens to. */
  private async resolveAddress(): Promise<void> {
    let address: SentinelAddress;
    if (this.isMaster) {
      address = await this.getMasterAddress();
      this.sentinelManager.watch(this);
    } else {
      const next = await this.rotateSlaves().next();
      if (next.done) throw new SlaveNotFoundError(`No slave found for '${this.serviceName}'`);
      address = next.value;
    }
    this.connectionKwargs.host = address[0];
    this.connectionKwargs.port = address[1];
  }

  /**
   * The master moved to `address` (a failover): new connections go there, and every
   * connection to the old master is closed (commands awaiting replies there fail with
   * `ConnectionError`; pub/sub reconnects to the new master by itself).
   */
  switchMaster(address: SentinelAddress): void {
    if (!this.isMaster) return;
    const previous = this.masterAddress;
    this.masterAddress = address;
    this.connectionKwargs.host = address[0];
    this.connectionKwargs.port = address[1];
    const reason = new ConnectionError(`The master of '${this.serviceName}' moved to ${address[0]}:${address[1]} (failover)`);
    // Idle and shared connections are closed (new ones are made on demand); checked-out ones
    // (pub/sub, blocking commands) are dropped and reconnect, to the new master.
    let shared: Connection | null = null;
    try {
      shared = this.sharedConnection();
    } catch {
      // every connection is checked out: nothing shared to close
    }
    shared?.disconnect(true, reason);
    void this.disconnect(false);
    for (const connection of this.inUse) connection.disconnect(false, reason);
    safeEmit(this, "failover", { service: this.serviceName, address, previous });
  }

  override toString(): string {
    return `<SentinelConnectionPool(service=${this.serviceName}(${this.isMaster ? "master" : "slave"}))>`;
  }
}

Object.defineProperty(SentinelConnectionPool, "name", { value: "SentinelConnectionPool" });

/** The sentinel connection that listens for `+switch-master`. */
class SwitchWatcher {
  private connection: Connection | null = null;
  private index = 0;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private failures = 0;

  constructor(
    private readonly sentinel: Sentinel<any>,
    private readonly onSwitch: (service: string, address: SentinelAddress) => void,
  ) {}

  start(): void {
    if (this.connection || this.timer || this.closed) return;
    this.open();
  }

  private open(): void {
    const addresses = this.sentinel.sentinelAddresses;
    if (addresses.length === 0 || this.closed) return;
    const [host, port] = addresses[this.index % addresses.length]!;
    const options = resolveConnectionOptions({ ...withSecrets(this.sentinel.sentinelKwargs), host, port, decodeResponses: true, retry: null });
    const connection = new Connection(options, false);
    this.connection = connection;
    connection.onConnect = async (c) => {
      c.pushAllReplies = c.protocol === 2;
      void c.send(["SUBSCRIBE", "+switch-master"], { expectsReply: false }).catch(() => {});
    };
    connection.onPush = (frame) => this.onPush(frame);
    connection.onDisconnect = () => this.retryLater(connection);
    connection.connect().then(
      () => {
        this.failures = 0;
      },
      () => this.retryLater(connection),
    );
  }

  private retryLater(connection: Connection): void {
    if (this.connection !== connection || this.closed) return;
    this.connection = null;
    connection.onDisconnect = null;
    connection.onPush = null;
    connection.disconnect(true);
    this.index++;
    this.failures++;
    const delay = Math.min(1000, 50 * 2 ** Math.min(this.failures, 5));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.open();
    }, delay);
    this.timer.unref();
  }

  private onPush(frame: RespValue[]): void {
    const kind = frame[0] === undefined || frame[0] === null || frame[0] instanceof Error ? "" : String(frame[0]);
    if (kind !== "message" || String(frame[1]) !== "+switch-master") return;
    // "<name> <old-ip> <old-port> <new-ip> <new-port>"
    const parts = String(frame[2]).split(" ");
    if (parts.length < 5) return;
    const port = Number(parts[4]);
    if (!Number.isInteger(port)) return;
    this.onSwitch(parts[0]!, [parts[3]!, port]);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const connection = this.connection;
    this.connection = null;
    if (connection) {
      connection.onDisconnect = null;
      connection.onPush = null;
      connection.disconnect(true);
    }
  }
}

/**
 * Redis Sentinel (redis-py's `Sentinel`): `discoverMaster`, `discoverSlaves`, and clients
 * (`masterFor`, `slaveFor`) that find the master or a replica through the sentinels on every
 * connect and follow failovers by themselves. Construction does no I/O.
 */
export class SentinelImpl<T extends RedisString = Buffer> extends EventEmitter {
  /** One client per sentinel (string replies). */
  readonly sentinels: Redis<string>[];
  readonly minOtherSentinels: number;
  /** Connection options of the clients made by `masterFor` / `slaveFor`. */
  readonly connectionKwargs: SentinelClientOptions;
  /** @internal Options of connections to the sentinels. */
  readonly sentinelKwargs: ConnectionOptions;
  readonly forceMasterIp: string | null;
  declare readonly __replyType?: T;
  private readonly pools = new Set<WeakRef<SentinelConnectionPool<any>>>();
  private readonly watched = new WeakSet<SentinelConnectionPool<any>>();
  private watcher: SwitchWatcher | null = null;
  private closed = false;

  constructor(sentinels: SentinelAddress[], options: SentinelOptions = {}) {
    super();
    if (!Array.isArray(sentinels) || sentinels.length === 0) throw new DataError("Sentinel: give at least one [host, port] of a sentinel");
    for (const address of sentinels) {
      if (!Array.isArray(address) || typeof address[0] !== "string" || !Number.isInteger(address[1])) {
        throw new DataError("Sentinel: each sentinel must be a [host, port] pair");
      }
    }
    if (options === null || typeof options !== "object") throw new DataError("Sentinel: options must be an object");
    const { sentinelKwargs, minOtherSentinels, forceMasterIp, ...connectionKwargs } = options;
    if (minOtherSentinels !== undefined && !(Number.isInteger(minOtherSentinels) && minOtherSentinels >= 0)) {
      throw new DataError("Sentinel: option 'minOtherSentinels' must be a non-negative integer");
    }
    for (const key of Object.keys(connectionKwargs)) {
      if (SENTINEL_OWN.has(key)) continue;
      if ((key as string) === "host" || (key as string) === "port" || (key as string) === "unixSocketPath") {
        throw new DataError(`Sentinel: option '${key}' is found through the sentinels, it cannot be given`);
      }
    }
    checkOptions("Sentinel", connectionKwargs, {
      maxConnections: [(v) => Number.isInteger(v) && (v as number) > 0, "a positive integer"],
      timeout: [(v) => v === null || (typeof v === "number" && v >= 0), "a number of seconds or null"],
    });
    let kwargs = sentinelKwargs ?? null;
    if (kwargs === null) {
      // redis-py: the socket options of the data nodes, nothing else (no password, no db).
      const socketOnly: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(connectionKwargs)) if (key.startsWith("socket") && value !== undefined) socketOnly[key] = value;
      kwargs = socketOnly as ConnectionOptions;
    }
    this.sentinelKwargs = hideSecrets(kwargs);
    // A sentinel that does not answer is skipped for the next one: no reconnect attempts.
    const retry = kwargs.retry === undefined ? null : kwargs.retry;
    this.sentinels = sentinels.map(
      ([host, port]) => new Redis({ ...withSecrets(kwargs), retry, host, port, decodeResponses: true }) as unknown as Redis<string>,
    );
    this.minOtherSentinels = minOtherSentinels ?? 0;
    this.forceMasterIp = forceMasterIp ?? null;
    this.connectionKwargs = hideSecrets(connectionKwargs);
  }

  /** @internal `[host, port]` of every sentinel, in the order they are asked. */
  get sentinelAddresses(): SentinelAddress[] {
    return this.sentinels.map((s) => {
      const o = s.connectionPool.connectionKwargs;
      return [o.host, o.port] as SentinelAddress;
    });
  }

  /** Whether a SENTINEL MASTER reply describes a master we may use. */
  private checkMasterState(info: Record<string, RespValue>): boolean {
    const flags = parseFlags(info);
    if (!flags.has("master") || flags.has("s_down") || flags.has("o_down")) return false;
    return Number(info["num-other-sentinels"] ?? 0) >= this.minOtherSentinels;
  }

  /**
   * The master's `[host, port]`, from the first sentinel that knows a healthy one (that
   * sentinel is asked first from then on). `MasterNotFoundError` lists each sentinel's answer.
   */
  async discoverMaster(serviceName: string): Promise<SentinelAddress> {
    if (typeof serviceName !== "string" || serviceName.length === 0) throw new DataError("discoverMaster: the service name must be a non-empty string");
    const problems: string[] = [];
    let unknown = 0;
    for (let i = 0; i < this.sentinels.length; i++) {
      const sentinel = this.sentinels[i]!;
      let info: Record<string, RespValue>;
      try {
        info = infoOf(await sentinel.executeCommand("SENTINEL", "MASTER", serviceName));
      } catch (err) {
        if (err instanceof ResponseError && /no such master/i.test(err.message)) unknown++;
        problems.push(`${describeSentinel(sentinel)}: ${(err as Error).message}`);
        continue;
      }
      if (!this.checkMasterState(info)) {
        problems.push(
          `${describeSentinel(sentinel)}: master flagged '${String(info["flags"] ?? "")}', ${String(info["num-other-sentinels"] ?? 0)} other sentinels`,
        );
        continue;
      }
      if (i > 0) {
        // The sentinel that answered goes first next time.
        this.sentinels.splice(i, 1);
        this.sentinels.unshift(sentinel);
      }
      const host = this.forceMasterIp ?? str(info["ip"] ?? null);
      return [host, Number(info["port"])];
    }
    const error = new MasterNotFoundError(`No master found for '${serviceName}' (${problems.join("; ")})`);
    if (unknown === this.sentinels.length) unknownService.add(error);
    throw error;
  }

  /** The healthy replicas' `[host, port]`, from the first sentinel that knows some. */
  async discoverSlaves(serviceName: string): Promise<SentinelAddress[]> {
    for (const sentinel of this.sentinels) {
      let replies: RespValue;
      try {
        replies = (await sentinel.executeCommand("SENTINEL", "REPLICAS", serviceName)) as RespValue;
      } catch (err) {
        if (err instanceof ResponseError && /unknown subcommand/i.test(err.message)) {
          try {
            replies = (await sentinel.executeCommand("SENTINEL", "SLAVES", serviceName)) as RespValue;
          } catch {
            continue;
          }
        } else continue;
      }
      const slaves: SentinelAddress[] = [];
      for (const reply of toArray(replies)) {
        const info = infoOf(reply);
        const flags = parseFlags(info);
        if (flags.has("s_down") || flags.has("o_down") || flags.has("disconnected")) continue;
        slaves.push([str(info["ip"] ?? null), Number(info["port"])]);
      }
      if (slaves.length > 0) return slaves;
    }
    return [];
  }

  /** redis-py's newer name of `discoverSlaves`. */
  discoverReplicas(serviceName: string): Promise<SentinelAddress[]> {
    return this.discoverSlaves(serviceName);
  }

  /**
   * A client for the service's master: every connection asks the sentinels where the master
   * is, and a failover (`+switch-master`) moves the connections to the new master. Not async.
   */
  masterFor<const O extends SentinelClientOptions = {}>(serviceName: string, options?: O): Redis<O extends { decodeResponses: boolean } ? ReplyTypeOf<O> : T> {
    return this.clientFor(serviceName, true, options ?? {}) as any;
  }

  /** A client for a replica of the service (in turn; the master when there is none). Not async. */
  slaveFor<const O extends SentinelClientOptions = {}>(serviceName: string, options?: O): Redis<O extends { decodeResponses: boolean } ? ReplyTypeOf<O> : T> {
    return this.clientFor(serviceName, false, options ?? {}) as any;
  }

  /** redis-py's newer name of `slaveFor`. */
  replicaFor<const O extends SentinelClientOptions = {}>(serviceName: string, options?: O): Redis<O extends { decodeResponses: boolean } ? ReplyTypeOf<O> : T> {
    return this.slaveFor(serviceName, options);
  }

  private clientFor(serviceName: string, isMaster: boolean, options: SentinelClientOptions): Redis<any> {
    if (this.closed) throw new ConnectionError("The Sentinel is closed");
    if (typeof serviceName !== "string" || serviceName.length === 0) throw new DataError("masterFor/slaveFor: the service name must be a non-empty string");
    if (options === null || typeof options !== "object") throw new DataError("masterFor/slaveFor: options must be an object");
    const merged: PoolOptions = { ...withSecrets(this.connectionKwargs), ...options };
    // Connecting waits out a failover: the address is asked again at each attempt.
    if (merged.retry === undefined) merged.retry = new Retry(new EqualJitterBackoff(0.5, 0.05), 20);
    const pool = new SentinelConnectionPool(serviceName, this, { ...merged, isMaster });
    this.pools.add(new WeakRef(pool));
    const client = new Redis({ connectionPool: pool });
    RedisImpl.ownPool(client);
    return client;
  }

  /** @internal A master pool connected: listen for failovers from now on. */
  watch(pool: SentinelConnectionPool<any>): void {
    if (this.closed || this.watched.has(pool)) return;
    this.watched.add(pool);
    this.watcher ??= new SwitchWatcher(this, (service, address) => void this.onSwitchMaster(service, address));
    this.watcher.start();
  }

  /** `+switch-master`: check the new master's ROLE, then move the service's master pools there. */
  private async onSwitchMaster(service: string, address: SentinelAddress): Promise<void> {
    const pools: SentinelConnectionPool<any>[] = [];
    for (const ref of this.pools) {
      const pool = ref.deref();
      if (!pool) this.pools.delete(ref);
      else if (pool.isMaster && pool.serviceName === service) pools.push(pool);
    }
    if (pools.length === 0) return;
    const target: SentinelAddress = [this.forceMasterIp ?? address[0], address[1]];
    if (!(await this.confirmMaster(target))) return; // the connections will find out by themselves
    // Every pool moves, even one that already resolved the new address for a new connection:
    // its older connections may still be on the old master.
    for (const pool of pools) pool.switchMaster(target);
    // `failover` (docs/events.md): on the Sentinel, and on each master pool (its clients forward it)
    safeEmit(this, "failover", { service, address: target });
  }

  /** ROLE on `address` says "master" (a few tries: the promotion may still be settling). */
  private async confirmMaster(address: SentinelAddress): Promise<boolean> {
    const { retry: _retry, ...base } = withSecrets(this.connectionKwargs);
    const probe = new Redis({ ...base, host: address[0], port: address[1], retry: null, socketTimeout: 2, socketConnectTimeout: 2, decodeResponses: true });
    try {
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          const role = (await probe.executeCommand("ROLE")) as RespValue[];
          if (Array.isArray(role) && String(role[0]) === "master") return true;
        } catch (err) {
          if (!(err instanceof ConnectionError || err instanceof TimeoutError)) return false;
        }
        await new Promise((resolve) => setTimeout(resolve, 100 * (attempt + 1)));
      }
      return false;
    } finally {
      await probe.close();
    }
  }

  /**
   * Runs a command on every sentinel (or, with `once`, on the first that answers) and
   * resolves with the replies (with `once`: the reply).
   */
  async executeCommand(...args: unknown[]): Promise<any> {
    const last = args[args.length - 1];
    let once = false;
    if (last !== null && typeof last === "object" && !Buffer.isBuffer(last) && !Array.isArray(last)) {
      once = Boolean((last as { once?: boolean }).once);
      args = args.slice(0, -1);
    }
    if (once) {
      let lastError: unknown;
      for (const sentinel of this.sentinels) {
        try {
          return await sentinel.executeCommand(...args);
        } catch (err) {
          lastError = err;
        }
      }
      throw lastError;
    }
    return Promise.all(this.sentinels.map((s) => s.executeCommand(...args)));
  }

  /**
   * Closes the connections to the sentinels and stops watching for failovers. Clients made by
   * `masterFor`/`slaveFor` stay usable (close them yourself): they still ask the sentinels
   * when they connect, but no longer hear of a failover before a connection fails.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.watcher?.close();
    this.watcher = null;
    await Promise.all(this.sentinels.map((s) => s.connectionPool.disconnect()));
  }

  aclose(): Promise<void> {
    return this.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  override toString(): string {
    return `<Sentinel<sentinels=[${this.sentinelAddresses.map(([h, p]) => `${h}:${p}`).join(",")}]>>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

function describeSentinel(sentinel: Redis<any>): string {
  const o = sentinel.connectionPool.connectionKwargs;
  return `${o.host}:${o.port}`;
}

Object.defineProperty(SentinelImpl, "name", { value: "Sentinel" });

export type Sentinel<T extends RedisString = Buffer> = SentinelImpl<T>;

export interface SentinelConstructor {
  new <const O extends SentinelOptions = {}>(sentinels: SentinelAddress[], options?: O): Sentinel<ReplyTypeOf<O>>;
  readonly prototype: Sentinel<RedisString>;
}

export const Sentinel = SentinelImpl as unknown as SentinelConstructor;
