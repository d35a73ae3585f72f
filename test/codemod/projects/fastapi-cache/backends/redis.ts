import * as aioredis from "aioredis";
import { Redis } from "aioredis";
import { BaseCacheBackend, DEFAULT_TIMEOUT, type Key, type Value } from "./base.js";

export const DEFAULT_POOL_MIN_SIZE = 5;
export const CACHE_KEY = "REDIS";

export class RedisCacheBackend extends BaseCacheBackend {
  private redisPool: Redis | null = null;

  constructor(
    private readonly redisAddress: string,
    private readonly redisPoolMinsize: number = DEFAULT_POOL_MIN_SIZE,
  ) {
    super();
  }

  /** The pool, created on first use. */
  private get client(): Promise<Redis> {
    return (async () => {
      if (this.redisPool === null) {
        this.redisPool = await aioredis.createRedisPool(this.redisAddress, { minsize: this.redisPoolMinsize });
      }
      return this.redisPool;
    })();
  }

  /** Sets the key unless it is cached already (not atomic, as in the original). */
  async add(key: Key, value: Value, timeout: number = DEFAULT_TIMEOUT): Promise<boolean> {
    const client = await this.client;
    const inCache = await client.get(key);
    if (inCache !== null) return false;
    return client.set(key, value, { expire: timeout });
  }

  async get(key: Key, defaultValue: Value | null = null): Promise<Value | null> {
    const client = await this.client;
    const cachedValue = await client.get(key, { encoding: "utf8" });
    return cachedValue !== null ? cachedValue : defaultValue;
  }

  async set(key: Key, value: Value, timeout: number = DEFAULT_TIMEOUT): Promise<boolean> {
    const client = await this.client;
    return client.set(key, value, { expire: timeout });
  }

  async delete(key: Key): Promise<number> {
    const client = await this.client;
    return client.delete(key);
  }

  async flush(): Promise<void> {
    const client = await this.client;
    await client.flushdb();
  }

  async close(): Promise<void> {
    const client = await this.client;
    client.close();
    await client.waitClosed();
  }

  /** Seconds to live of a key (for the demo). */
  async ttl(key: Key): Promise<number> {
    return (await this.client).ttl(key);
  }
}
