import * as aioredis from "aioredis";
import { REDIS_URL } from "./settings.js";

export class StopScheduler extends Error {}

/** A list in redis used as a queue of encoded items. */
export abstract class RedisQueue<T> {
  /**
   * @param redis the client
   * @param key the list's key
   */
  constructor(
    readonly redis: aioredis.Redis,
    readonly key: string,
  ) {}

  async get(): Promise<T> {
    const data = await this.redis.rpop(this.key);
    return this.decode(data);
  }

  async insert(item: T): Promise<number> {
    return this.redis.rpush(this.key, this.encode(item));
  }

  async put(item: T): Promise<number> {
    return this.redis.lpush(this.key, this.encode(item));
  }

  async *items(): AsyncGenerator<T> {
    for (const item of await this.redis.lrange(this.key, 0, -1)) yield this.decode(item);
  }

  protected abstract encode(data: T): string;
  protected abstract decode(data: Buffer | null): T;

  async size(): Promise<number> {
    return this.redis.llen(this.key);
  }

  async empty(): Promise<boolean> {
    return (await this.size()) === 0;
  }

  async clear(): Promise<number> {
    return this.redis.delete(this.key);
  }
}

export class JsonRedisQueue<T> extends RedisQueue<T> {
  protected encode(data: T): string {
    return JSON.stringify(data);
  }

  protected decode(data: Buffer | null): T {
    return JSON.parse(String(data)) as T;
  }
}

/** The bot's own client class: a Redis on one connection, made from an address. */
export class Redis extends aioredis.Redis {
  readonly url: string;

  constructor(conn: aioredis.RedisConnection, address: string) {
    super(conn);
    this.url = address;
  }

  static async open(address: string | null = null): Promise<Redis> {
    const addr = address ?? REDIS_URL;
    return new Redis(await aioredis.createConnection(addr), addr);
  }

  async aclose(): Promise<void> {
    this.close();
    await this.waitClosed();
  }
}

/** redis.connection.ConnectionPool#from_url's parsing. */
export function parseRedisUrl(redisUrl: string): { host: string; port: number; password: string | null; db: number } {
  const url = new URL(redisUrl);
  const dbFromPath = Number(url.pathname.replace(/\//g, ""));
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    password: url.password || null,
    db: Number(url.searchParams.get("db") ?? (Number.isInteger(dbFromPath) ? dbFromPath : 0)),
  };
}
