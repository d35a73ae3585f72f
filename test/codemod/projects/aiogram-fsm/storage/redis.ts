/**
 * Redis storages for the finite-state machine, on aioredis: RedisStorage (one raw connection,
 * one JSON record per chat/user) and RedisStorage2 (a pool, one key per part, with TTLs).
 */
import * as aioredis from "aioredis";
import { BaseStorage, type Address, type Data } from "./base.js";

export const STATE_KEY = "state";
export const STATE_DATA_KEY = "data";
export const STATE_BUCKET_KEY = "bucket";

interface RecordShape {
  state: string | null;
  data: Data;
  bucket?: Data;
}

/** A simple storage on one connection. */
export class RedisStorage extends BaseStorage {
  private redisConn: aioredis.RedisConnection | null = null;

  constructor(
    private readonly host = "localhost",
    private readonly port = 6379,
    private readonly db: number | null = null,
  ) {
    super();
  }

  async close(): Promise<void> {
    if (this.redisConn && !this.redisConn.closed) this.redisConn.close();
  }

  async waitClosed(): Promise<void> {
    if (this.redisConn) await this.redisConn.waitClosed();
  }

  /** The connection, made on first use (and again after it closed). */
  async redis(): Promise<aioredis.RedisConnection> {
    if (this.redisConn === null || this.redisConn.closed) {
      this.redisConn = await aioredis.createConnection([this.host, this.port], { db: this.db });
    }
    return this.redisConn;
  }

  async getRecord(chat: Address, user: Address): Promise<RecordShape> {
    [chat, user] = BaseStorage.checkAddress(chat, user);
    const conn = await this.redis();
    const data = await conn.execute("GET", `fsm:${chat}:${user}`);
    if (data === null) return { state: null, data: {} };
    return JSON.parse(String(data)) as RecordShape;
  }

  async setRecord(chat: Address, user: Address, state: string | null = null, data: Data = {}, bucket: Data = {}): Promise<void> {
    [chat, user] = BaseStorage.checkAddress(chat, user);
    const addr = `fsm:${chat}:${user}`;
    const conn = await this.redis();
    if (state === null && Object.keys(data).length === 0 && Object.keys(bucket).length === 0) {
      await conn.execute("DEL", addr);
    } else {
      await conn.execute("SET", addr, JSON.stringify({ state, data, bucket }));
    }
  }

  async getState(opts: { chat?: Address; user?: Address; default?: string | null }): Promise<string | null> {
    const record = await this.getRecord(opts.chat, opts.user);
    return record.state ?? this.resolveState(opts.default);
  }

  async getData(opts: { chat?: Address; user?: Address }): Promise<Data> {
    return (await this.getRecord(opts.chat, opts.user)).data;
  }

  async setState(opts: { chat?: Address; user?: Address; state?: string | null }): Promise<void> {
    const record = await this.getRecord(opts.chat, opts.user);
    await this.setRecord(opts.chat, opts.user, this.resolveState(opts.state), record.data);
  }

  async setData(opts: { chat?: Address; user?: Address; data?: Data }): Promise<void> {
    const record = await this.getRecord(opts.chat, opts.user);
    await this.setRecord(opts.chat, opts.user, record.state, opts.data ?? {});
  }

  /** Every stored [chat, user]. */
  async getStatesList(): Promise<[string, string][]> {
    const conn = await this.redis();
    const keys = (await conn.execute("KEYS", "fsm:*")) as Buffer[];
    return keys.map((item) => {
      const parts = item.toString("utf-8").split(":");
      return [parts[parts.length - 2]!, parts[parts.length - 1]!];
    });
  }

  async resetAll(full = true): Promise<void> {
    const conn = await this.redis();
    if (full) {
      await conn.execute("FLUSHDB");
    } else {
      const keys = (await conn.execute("KEYS", "fsm:*")) as Buffer[];
      if (keys.length) await conn.execute("DEL", ...keys);
    }
  }
}

/** The storage on a connection pool, with a key prefix and TTLs (0: no expiry). */
export class RedisStorage2 extends BaseStorage {
  private redisPool: aioredis.Redis | null = null;
  private readonly prefix: string[];

  constructor(
    private readonly host = "localhost",
    private readonly port = 6379,
    private readonly db: number | null = null,
    private readonly poolSize = 10,
    prefix = "fsm",
    private readonly stateTtl = 0,
    private readonly dataTtl = 0,
  ) {
    super();
    this.prefix = [prefix];
  }

  /** The pool, made on first use. */
  async redis(): Promise<aioredis.Redis> {
    if (this.redisPool === null || this.redisPool.closed) {
      this.redisPool = await aioredis.createRedisPool([this.host, this.port], {
        db: this.db,
        minsize: 1,
        maxsize: this.poolSize,
      });
    }
    return this.redisPool;
  }

  generateKey(...parts: (string | number)[]): string {
    return [...this.prefix, ...parts.map(String)].join(":");
  }

  async close(): Promise<void> {
    if (this.redisPool && !this.redisPool.closed) this.redisPool.close();
  }

  async waitClosed(): Promise<void> {
    if (this.redisPool) await this.redisPool.waitClosed();
  }

  async getState(opts: { chat?: Address; user?: Address; default?: string | null }): Promise<string | null> {
    const [chat, user] = BaseStorage.checkAddress(opts.chat, opts.user);
    const redis = await this.redis();
    return (await redis.get(this.generateKey(chat, user, STATE_KEY), { encoding: "utf8" })) || this.resolveState(opts.default);
  }

  async getData(opts: { chat?: Address; user?: Address; default?: Data }): Promise<Data> {
    const [chat, user] = BaseStorage.checkAddress(opts.chat, opts.user);
    const redis = await this.redis();
    const raw = await redis.get(this.generateKey(chat, user, STATE_DATA_KEY), { encoding: "utf8" });
    if (raw) return JSON.parse(raw) as Data;
    return opts.default ?? {};
  }

  async setState(opts: { chat?: Address; user?: Address; state?: string | null }): Promise<void> {
    const [chat, user] = BaseStorage.checkAddress(opts.chat, opts.user);
    const key = this.generateKey(chat, user, STATE_KEY);
    const redis = await this.redis();
    if (opts.state == null) await redis.delete(key);
    else await redis.set(key, this.resolveState(opts.state)!, { expire: this.stateTtl });
  }

  async setData(opts: { chat?: Address; user?: Address; data?: Data }): Promise<void> {
    const [chat, user] = BaseStorage.checkAddress(opts.chat, opts.user);
    const key = this.generateKey(chat, user, STATE_DATA_KEY);
    const redis = await this.redis();
    if (opts.data && Object.keys(opts.data).length) await redis.set(key, JSON.stringify(opts.data), { expire: this.dataTtl });
    else await redis.delete(key);
  }

  async resetAll(full = true): Promise<void> {
    const redis = await this.redis();
    if (full) {
      await redis.flushdb();
    } else {
      const keys = await redis.keys(this.generateKey("*"));
      if (keys.length) await redis.delete(...(keys as [Buffer, ...Buffer[]]));
    }
  }

  async getStatesList(): Promise<[string, string][]> {
    const redis = await this.redis();
    const result: [string, string][] = [];
    for (const item of await redis.keys(this.generateKey("*"), { encoding: "utf8" })) {
      const parts = item.split(":");
      if (parts[parts.length - 1] === STATE_KEY) result.push([parts[1]!, parts[2]!]);
    }
    return result.sort();
  }
}
