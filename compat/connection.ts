/**
 * v1's `RedisConnection` and `create_connection`, on a v2 single-connection client
 * (`decodeResponses: false`, RESP2, no read timeout, no reconnection, as v1 was).
 */
import { ConnectionPool, describeValue, Monitor, Redis as V2Redis, RedisError } from "../src/index.js";
import { channelView, PUBSUB_COMMANDS, type AbcConnection } from "./abc.js";
import { describeAddress, resolveAddress, v2Options, type Address, type ConnectOptions, type ResolvedAddress } from "./address.js";
import { ConnectionClosedError, ConnectionForcedCloseError, MaxClientsError, ReplyError, toV1Error, WatchVariableError } from "./errors.js";
import { AbcChannel, Channel } from "./pubsub.js";
import { PubSubHub } from "./pubsub-hub.js";
import {
  checkEncoding,
  decodeBytes,
  encodeArg,
  isPlainObject,
  NOTSET,
  quiet,
  waitOk,
  type Encoding,
  type EncodingOf,
  type NotSet,
  type RedisString,
} from "./util.js";

type V2Client = V2Redis<Buffer>;
type V2Pool = ConnectionPool<Buffer>;

/** What a connection is made of; built by the factories. */
export interface ConnectionParts {
  client: V2Client;
  v2pool: V2Pool;
  /** Close the v2 pool with the connection (a connection of its own, not a pool's). */
  ownsPool: boolean;
  where: ResolvedAddress;
}

const INTERNAL: unique symbol = Symbol("RedisConnection.internal");

/** The pool a connection was acquired from, for `using conn = await pool.get()`. */
export interface ConnectionOwner {
  isUsed(conn: RedisConnection<any>): boolean;
  release(conn: RedisConnection<any>): void;
}

/** Decodes a reply with v1's rules and turns v2 errors inside it into v1 ones. */
function v1Reply(value: unknown, encoding: Encoding): unknown {
  if (Buffer.isBuffer(value)) return encoding === null ? value : decodeBytes(value, encoding);
  if (Array.isArray(value)) return value.map((v) => v1Reply(v, encoding));
  if (value instanceof Error) return toV1Error(value);
  return value;
}

/**
 * One connection to Redis (v1's `RedisConnection`). `execute()` writes the command at
 * once and returns its Promise; commands sent in the same tick leave in one write.
 */
export class RedisConnection<T extends RedisString = Buffer> implements AbcConnection<T> {
  declare readonly __replyType?: T;
  private readonly client: V2Client;
  private readonly v2pool: V2Pool;
  private readonly ownsPool: boolean;
  private readonly where: ResolvedAddress;
  private currentDb: number;
  private closing = false;
  private forced = false;
  private closeDone: Promise<void> | null = null;
  private readonly closedSignal: { promise: Promise<void>; resolve: () => void };
  /** Encodings of the commands queued since MULTI's reply; null outside a transaction. */
  private transaction: Encoding[] | null = null;
  private hub: PubSubHub | null = null;
  private pending = 0;
  /** @internal The pool this connection is checked out from. */
  owner: ConnectionOwner | null = null;

  /** @internal Built by `createConnection()` and the pools. */
  constructor(token: typeof INTERNAL, parts: ConnectionParts) {
    if (token !== INTERNAL) throw new TypeError("RedisConnection is made by createConnection() or a pool");
    this.client = parts.client;
    this.v2pool = parts.v2pool;
    this.ownsPool = parts.ownsPool;
    this.where = parts.where;
    this.currentDb = parts.where.db ?? 0;
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    this.closedSignal = { promise, resolve };
  }

  /** `[host, port]` or the unix socket path. */
  get address(): [string, number] | string {
    return this.where.address;
  }

  /** The selected db, updated when a SELECT succeeds. */
  get db(): number {
    return this.currentDb;
  }

  get encoding(): string | null {
    return this.where.encoding;
  }

  /** True once closing or closed, or when the server closed the connection. */
  get closed(): boolean {
    if (this.closing) return true;
    const connection = this.client.connection;
    return connection === null || connection.isClosed;
  }

  /** True between MULTI's reply and EXEC's (or DISCARD's). */
  get inTransaction(): boolean {
    return this.transaction !== null;
  }

  /** The number of subscriptions: non-zero (truthy) in subscribe mode. */
  get inPubsub(): number {
    return this.hub?.inPubsub ?? 0;
  }

  /** Subscribed channels by name. */
  get pubsubChannels(): Readonly<Record<string, AbcChannel>> {
    return channelView(this.hub?.channels);
  }

  get pubsubPatterns(): Readonly<Record<string, AbcChannel>> {
    return channelView(this.hub?.patterns);
  }

  /** Commands sent whose replies have not come yet. */
  get pendingCount(): number {
    return this.pending;
  }

  /**
   * Sends `command` with `args` now and resolves with the reply, decoded with the
   * connection's encoding or a trailing `{ encoding }` (`null` for Buffers). Throws at
   * once on a closed connection, a `null` argument, or a command other than PING and
   * (P)(UN)SUBSCRIBE in subscribe mode.
   */
  execute(command: string | Buffer, ...args: unknown[]): Promise<any> {
    if (this.closed) throw new ConnectionClosedError("Connection closed or corrupted");
    if (command === null || command === undefined) throw new TypeError("command must not be None");
    let encoding: Encoding | NotSet = NOTSET;
    let argv = args;
    const last = args[args.length - 1];
    if (args.length > 0 && isPlainObject(last)) {
      for (const key of Object.keys(last)) {
        if (key !== "encoding") throw new TypeError(`execute() got an unexpected keyword argument '${key}'`);
      }
      if (last.encoding !== undefined) encoding = checkEncoding(last.encoding);
      argv = args.slice(0, -1);
    }
    if (argv.some((a) => a === null || a === undefined)) throw new TypeError("args must not contain None");
    const name = (Buffer.isBuffer(command) ? command.toString("utf8") : String(command)).trim().toUpperCase();
    const encoded = argv.map((a, i) => encodeArg(a, i));
    const isPubsub = PUBSUB_COMMANDS.has(name);
    if (this.inPubsub && !(isPubsub || name === "PING")) throw new RedisError("Connection in SUBSCRIBE mode");
    if (isPubsub) return this.executePubsub(name, ...argv);
    const enc = encoding === NOTSET ? this.where.encoding : encoding;
    if (this.inPubsub) {
      return quiet(this.hub!.ping(encoded[0]).then((pong) => (enc === null ? pong : decodeBytes(pong, enc))));
    }
    this.pending++;
    const sent = this.client.executeCommand(name, ...encoded) as Promise<unknown>;
    return quiet(
      sent.then(
        (reply) => {
          this.pending--;
          return this.onReply(name, encoded, reply, enc);
        },
        (err: unknown) => {
          this.pending--;
          if (name === "EXEC" || name === "DISCARD") this.transaction = null;
          throw toV1Error(err, this.forced);
        },
      ),
    );
  }

  /** v1's reply callbacks: SELECT, MULTI, EXEC and DISCARD change the connection's state. */
  private onReply(name: string, args: (string | Buffer)[], reply: unknown, encoding: Encoding): unknown {
    if (this.transaction !== null && name !== "EXEC" && name !== "DISCARD" && name !== "MULTI") {
      this.transaction.push(encoding);
      return v1Reply(reply, encoding);
    }
    switch (name) {
      case "SELECT":
        if (waitOk(reply)) this.currentDb = Number(args[0]);
        break;
      case "MULTI":
        this.transaction = [];
        return v1Reply(reply, encoding);
      case "EXEC":
        return this.endTransaction(reply);
      case "DISCARD":
        this.transaction = null;
        break;
    }
    return v1Reply(reply, encoding);
  }

  /** EXEC's reply: each result decoded with its command's encoding; a WATCH failure gives a `WatchVariableError` per command. */
  private endTransaction(reply: unknown): unknown {
    const encodings = this.transaction ?? [];
    this.transaction = null;
    if (reply === null) return encodings.map(() => new WatchVariableError("WATCH variable has changed"));
    if (!Array.isArray(reply)) return v1Reply(reply, null);
    return reply.map((item, i) => {
      if (item instanceof Error) return toV1Error(item);
      try {
        return v1Reply(item, encodings[i] ?? null);
      } catch (err) {
        return err;
      }
    });
  }

  /**
   * SUBSCRIBE, PSUBSCRIBE, UNSUBSCRIBE or PUNSUBSCRIBE with channel names or `Channel`
   * objects; resolves with the raw confirmations, `[Buffer kind, Buffer name, count]` each.
   */
  executePubsub(command: string | Buffer, ...channels: unknown[]): Promise<unknown[]> {
    if (this.closed) throw new ConnectionClosedError("Connection closed or corrupted");
    const name = (Buffer.isBuffer(command) ? command.toString("utf8") : String(command)).trim().toUpperCase();
    if (!PUBSUB_COMMANDS.has(name)) throw new TypeError(`Pub/Sub command expected, got ${name}`);
    if (channels.some((c) => c === null || c === undefined)) throw new TypeError("args must not contain None");
    if (channels.length === 0) throw new TypeError("No channels/patterns supplied");
    const isPattern = name === "PSUBSCRIBE" || name === "PUNSUBSCRIBE";
    const objects = channels.map((c) => (c instanceof AbcChannel ? c : new Channel(c as string | Buffer | number, isPattern)));
    if (!objects.every((c) => c.isPattern === isPattern)) {
      throw new RangeError(`Not all channels match command ${name}`);
    }
    if (!this.hub && (name === "UNSUBSCRIBE" || name === "PUNSUBSCRIBE")) {
      // Never subscribed: the server would confirm with a count of 0.
      return Promise.resolve(objects.map((c) => [Buffer.from(name.toLowerCase()), c.name, 0]));
    }
    this.hub ??= new PubSubHub(this.client.pubsub(), () => this.lost());
    return this.hub.execute(name as "SUBSCRIBE", objects);
  }

  /** SELECT `db`; resolves with true. */
  select(db: number): Promise<boolean> {
    if (!Number.isInteger(db)) throw new TypeError(`DB must be of int type, not ${describeValue(db)}`);
    if (db < 0) throw new RangeError(`DB must be greater or equal 0, got ${db}`);
    return quiet(this.execute("SELECT", db).then(waitOk));
  }

  /** AUTH `password` (one argument, as v1); resolves with true. */
  auth(password: string): Promise<boolean> {
    return quiet(this.execute("AUTH", password).then(waitOk));
  }

  /** Closes the connection now: waiting commands reject with `ConnectionForcedCloseError`, channels close. */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    this.forced = true;
    this.startClosing(new ConnectionForcedCloseError("Connection closed by the client"));
  }

  /** MONITOR on a connection of its own to the same server (the v2 `Monitor`: `listen()`, `nextCommand()`, `close()`). */
  monitor(): Monitor<Buffer> {
    if (this.closed) throw new ConnectionClosedError("Connection closed or corrupted");
    return new Monitor(this.v2pool);
  }

  /** Resolves once the connection is closed. */
  async waitClosed(): Promise<void> {
    if (!this.closing && this.closed) {
      // lost: tidy up now
      this.closing = true;
      this.startClosing(new ConnectionClosedError("Connection closed or corrupted"));
    }
    await this.closedSignal.promise;
    await this.closeDone;
  }

  private startClosing(error: Error): void {
    const hub = this.hub;
    const connection = this.client.connection;
    const socketClosed = connection ? connection.close() : Promise.resolve();
    const hubClosed = hub ? hub.close(error) : Promise.resolve();
    this.closeDone = (async () => {
      await Promise.all([socketClosed.catch(() => {}), hubClosed]);
      await this.client.close().catch(() => {});
      if (this.ownsPool) await this.v2pool.disconnect().catch(() => {});
    })();
    this.closedSignal.resolve();
  }

  /** The subscriber's connection could not be re-established. */
  private lost(): void {
    if (this.closing) return;
    this.closing = true;
    this.startClosing(new ConnectionClosedError("Connection closed or corrupted"));
  }

  /** `using conn = await pool.get()`: gives the connection back to its pool (or closes a connection of its own). */
  [Symbol.dispose](): void {
    const owner = this.owner;
    if (owner) {
      if (owner.isUsed(this)) owner.release(this);
    } else {
      this.close();
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this[Symbol.dispose]();
    if (!this.owner && this.closing) await this.waitClosed();
  }

  toString(): string {
    return `<RedisConnection [db:${this.db}] ${describeAddress(this.address)}>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/** @internal Opens a connection on `v2pool` and waits until it is ready (v1's factories are async). */
export async function openConnection<C extends RedisConnection<any>>(
  cls: new (token: typeof INTERNAL, parts: ConnectionParts) => C,
  where: ResolvedAddress,
  v2pool: V2Pool,
  ownsPool: boolean,
): Promise<C> {
  const client = new V2Redis({ connectionPool: v2pool, singleConnectionClient: true }) as V2Client;
  try {
    // Connects (AUTH and SELECT in the handshake). An error reply to the PING itself
    // (NOAUTH without a password) leaves the connection up, as v1's factory did.
    await client.executeCommand("PING").catch((err: unknown) => {
      const mapped = toV1Error(err);
      if (!(mapped instanceof ReplyError) || mapped instanceof MaxClientsError || !client.connection?.isConnected) throw err;
    });
  } catch (err) {
    await client.close().catch(() => {});
    if (ownsPool) await v2pool.disconnect().catch(() => {});
    throw toV1Error(err);
  }
  return new cls(INTERNAL, { client, v2pool, ownsPool, where });
}

/** Options of `createConnection()`. */
export interface CreateConnectionOptions extends ConnectOptions {
  /** A subclass of `RedisConnection` to make. */
  connectionCls?: (new (token: typeof INTERNAL, parts: ConnectionParts) => RedisConnection<any>) | null;
}

export const CONNECT_OPTION_NAMES: ReadonlySet<string> = new Set(["db", "password", "ssl", "encoding", "timeout", "name", "loop", "parser"]);

export function checkOptionNames(where: string, options: object, allowed: ReadonlySet<string>): void {
  if (!isPlainObject(options)) throw new TypeError(`${where}: options must be an object`);
  for (const key of Object.keys(options)) {
    if (!allowed.has(key)) throw new TypeError(`${where}() got an unexpected keyword argument '${key}'`);
  }
}

/** v2 `maxConnections` of a pool whose size compat controls itself. */
export const UNLIMITED = 2 ** 31 - 1;

/**
 * Opens one connection (v1's `create_connection`): `address` is a URL, `[host, port]` or
 * a unix socket path; URL options win over `options`.
 */
export async function createConnection<const O extends CreateConnectionOptions = {}>(address: Address, options?: O): Promise<RedisConnection<EncodingOf<O>>> {
  const opts: CreateConnectionOptions = options ?? {};
  checkOptionNames("createConnection", opts, new Set([...CONNECT_OPTION_NAMES, "connectionCls"]));
  const where = resolveAddress(address, opts);
  const cls = opts.connectionCls ?? RedisConnection;
  if (cls !== RedisConnection && !(cls.prototype instanceof RedisConnection)) {
    throw new TypeError("connectionCls must be a subclass of RedisConnection");
  }
  const v2pool = new ConnectionPool(v2Options(where, UNLIMITED)) as V2Pool;
  return openConnection(cls, where, v2pool, true) as Promise<RedisConnection<EncodingOf<O>>>;
}
