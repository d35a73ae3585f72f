/**
 * The core of v1's `Redis`: the connection or pool it runs on, `execute()`, closing, the
 * properties, and v1's option constants (on the class and on instances).
 */
import type { AbcConnection } from "../abc.js";
import type { AbcChannel } from "../pubsub.js";
import { NOTSET, quiet, isQueued, type Encoding, type NotSet, type RedisString } from "../util.js";

/** v1's option constants; compared by value. */
export const CONSTANTS = {
  SET_IF_NOT_EXIST: "SET_IF_NOT_EXIST",
  SET_IF_EXIST: "SET_IF_EXIST",
  ZSET_EXCLUDE_MIN: "ZSET_EXCLUDE_MIN",
  ZSET_EXCLUDE_MAX: "ZSET_EXCLUDE_MAX",
  ZSET_EXCLUDE_BOTH: "ZSET_EXCLUDE_BOTH",
  ZSET_AGGREGATE_SUM: "ZSET_AGGREGATE_SUM",
  ZSET_AGGREGATE_MIN: "ZSET_AGGREGATE_MIN",
  ZSET_AGGREGATE_MAX: "ZSET_AGGREGATE_MAX",
  ZSET_IF_NOT_EXIST: "ZSET_IF_NOT_EXIST",
  ZSET_IF_EXIST: "ZSET_IF_EXIST",
  SHUTDOWN_SAVE: "SHUTDOWN_SAVE",
  SHUTDOWN_NOSAVE: "SHUTDOWN_NOSAVE",
} as const;

export type SetExist = typeof CONSTANTS.SET_IF_NOT_EXIST | typeof CONSTANTS.SET_IF_EXIST;
export type ZsetExclude = typeof CONSTANTS.ZSET_EXCLUDE_MIN | typeof CONSTANTS.ZSET_EXCLUDE_MAX | typeof CONSTANTS.ZSET_EXCLUDE_BOTH;
export type ZsetAggregate = typeof CONSTANTS.ZSET_AGGREGATE_SUM | typeof CONSTANTS.ZSET_AGGREGATE_MIN | typeof CONSTANTS.ZSET_AGGREGATE_MAX;
export type ZsetExist = typeof CONSTANTS.ZSET_IF_NOT_EXIST | typeof CONSTANTS.ZSET_IF_EXIST;
export type ShutdownSave = typeof CONSTANTS.SHUTDOWN_SAVE | typeof CONSTANTS.SHUTDOWN_NOSAVE;

/**
 * The core of `Redis`: everything but the commands. Each command group (commands/*.ts)
 * extends it only to type `this`; its methods are installed on `Redis` (see redis.ts).
 */
export class RedisBase<T extends RedisString = Buffer> {
  static readonly SET_IF_NOT_EXIST = CONSTANTS.SET_IF_NOT_EXIST;
  static readonly SET_IF_EXIST = CONSTANTS.SET_IF_EXIST;
  static readonly ZSET_EXCLUDE_MIN = CONSTANTS.ZSET_EXCLUDE_MIN;
  static readonly ZSET_EXCLUDE_MAX = CONSTANTS.ZSET_EXCLUDE_MAX;
  static readonly ZSET_EXCLUDE_BOTH = CONSTANTS.ZSET_EXCLUDE_BOTH;
  static readonly ZSET_AGGREGATE_SUM = CONSTANTS.ZSET_AGGREGATE_SUM;
  static readonly ZSET_AGGREGATE_MIN = CONSTANTS.ZSET_AGGREGATE_MIN;
  static readonly ZSET_AGGREGATE_MAX = CONSTANTS.ZSET_AGGREGATE_MAX;
  static readonly ZSET_IF_NOT_EXIST = CONSTANTS.ZSET_IF_NOT_EXIST;
  static readonly ZSET_IF_EXIST = CONSTANTS.ZSET_IF_EXIST;
  static readonly SHUTDOWN_SAVE = CONSTANTS.SHUTDOWN_SAVE;
  static readonly SHUTDOWN_NOSAVE = CONSTANTS.SHUTDOWN_NOSAVE;

  declare readonly SET_IF_NOT_EXIST: typeof CONSTANTS.SET_IF_NOT_EXIST;
  declare readonly SET_IF_EXIST: typeof CONSTANTS.SET_IF_EXIST;
  declare readonly ZSET_EXCLUDE_MIN: typeof CONSTANTS.ZSET_EXCLUDE_MIN;
  declare readonly ZSET_EXCLUDE_MAX: typeof CONSTANTS.ZSET_EXCLUDE_MAX;
  declare readonly ZSET_EXCLUDE_BOTH: typeof CONSTANTS.ZSET_EXCLUDE_BOTH;
  declare readonly ZSET_AGGREGATE_SUM: typeof CONSTANTS.ZSET_AGGREGATE_SUM;
  declare readonly ZSET_AGGREGATE_MIN: typeof CONSTANTS.ZSET_AGGREGATE_MIN;
  declare readonly ZSET_AGGREGATE_MAX: typeof CONSTANTS.ZSET_AGGREGATE_MAX;
  declare readonly ZSET_IF_NOT_EXIST: typeof CONSTANTS.ZSET_IF_NOT_EXIST;
  declare readonly ZSET_IF_EXIST: typeof CONSTANTS.ZSET_IF_EXIST;
  declare readonly SHUTDOWN_SAVE: typeof CONSTANTS.SHUTDOWN_SAVE;
  declare readonly SHUTDOWN_NOSAVE: typeof CONSTANTS.SHUTDOWN_NOSAVE;

  declare readonly __replyType?: T;
  /** @internal The connection, pool or pipeline buffer the commands run on. */
  protected _poolOrConn: AbcConnection<any>;

  constructor(poolOrConn: AbcConnection<T>) {
    if (poolOrConn === null || typeof poolOrConn !== "object" || typeof poolOrConn.execute !== "function") {
      throw new TypeError("Redis(poolOrConn): expected a connection or a pool");
    }
    this._poolOrConn = poolOrConn;
  }

  /** The connection or pool this client runs on. */
  get connection(): AbcConnection<T> {
    return this._poolOrConn;
  }

  get address(): [string, number] | string {
    return this._poolOrConn.address;
  }

  get db(): number {
    return this._poolOrConn.db;
  }

  get encoding(): string | null {
    return this._poolOrConn.encoding;
  }

  get closed(): boolean {
    return this._poolOrConn.closed;
  }

  /** True inside MULTI on a single connection (always false for a pool client). */
  get inTransaction(): boolean {
    return this._poolOrConn.inTransaction;
  }

  /** The subscription count of the pub/sub connection: truthy in subscribe mode. */
  get inPubsub(): number {
    return this._poolOrConn.inPubsub;
  }

  /** Subscribed channels, by name. */
  get channels(): Readonly<Record<string, AbcChannel>> {
    return this._poolOrConn.pubsubChannels;
  }

  /** Subscribed patterns, by pattern. */
  get patterns(): Readonly<Record<string, AbcChannel>> {
    return this._poolOrConn.pubsubPatterns;
  }

  /** Sends any command (v1's passthrough); a trailing `{ encoding }` decodes its reply. */
  execute(command: string | Buffer, ...args: unknown[]): Promise<any> {
    return this._poolOrConn.execute(command, ...args);
  }

  /** Starts closing the connection or pool; `await waitClosed()` for the end. */
  close(): void {
    this._poolOrConn.close();
  }

  async waitClosed(): Promise<void> {
    await this._poolOrConn.waitClosed();
  }

  /**
   * Sends one command now and applies v1's converter to the reply (a QUEUED reply inside
   * MULTI passes through, as v1's converters let it).
   */
  protected _exec(command: string, args: readonly unknown[], encoding: Encoding | NotSet = NOTSET, convert?: (reply: any) => unknown): Promise<any> {
    const sent: Promise<unknown> = encoding === NOTSET ? this._poolOrConn.execute(command, ...args) : this._poolOrConn.execute(command, ...args, { encoding });
    if (!convert) return sent;
    return quiet(sent.then((reply) => (isQueued(reply) ? reply : convert(reply))));
  }

  toString(): string {
    return `<${this.constructor.name} ${String(this._poolOrConn)}>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

for (const [name, value] of Object.entries(CONSTANTS)) {
  Object.defineProperty(RedisBase.prototype, name, { value, enumerable: false, writable: false, configurable: true });
}
