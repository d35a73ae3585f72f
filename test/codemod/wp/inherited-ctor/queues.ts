import type * as aioredis from "aioredis";

/** A list used as a queue; the client is a constructor parameter. */
export abstract class RedisQueue<T> {
  constructor(
    readonly redis: aioredis.Redis,
    readonly key: string,
  ) {}

  async put(item: T): Promise<number> {
    return this.redis.lpush(this.key, this.encode(item));
  }

  async get(): Promise<T> {
    return this.decode(await this.redis.rpop(this.key));
  }

  protected abstract encode(item: T): string;
  protected abstract decode(data: Buffer | null): T;
}

/** No constructor of its own: `new JsonQueue(redis, key)` runs RedisQueue's. */
export class JsonQueue<T> extends RedisQueue<T> {
  protected encode(item: T): string {
    return JSON.stringify(item);
  }

  protected decode(data: Buffer | null): T {
    return JSON.parse(String(data)) as T;
  }
}
