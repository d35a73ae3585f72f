import type * as aioredis from "aioredis";

export class Cache {
  constructor(private readonly redis: aioredis.Redis<string>) {}

  async put(key: string, value: string, ttl: number): Promise<void> {
    await this.redis.set(key, value, { expire: ttl });
  }

  async read(key: string): Promise<string | null> {
    return this.redis.get(key);
  }
}
