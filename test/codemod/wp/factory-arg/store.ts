import * as aioredis from "aioredis";

/** A store made from a URL: the pool goes straight into its private constructor. */
export class Store {
  private constructor(private readonly redis: aioredis.Redis) {}

  static async open(url: string): Promise<Store> {
    return new Store(await aioredis.createRedisPool(url, { encoding: "utf-8" }));
  }

  async hit(page: string): Promise<number> {
    return Number(await this.redis.hincrby("hits", page, 1));
  }

  async all(): Promise<Record<string, string>> {
    return this.redis.hgetall("hits");
  }

  async close(): Promise<void> {
    this.redis.close();
    await this.redis.waitClosed();
  }
}
