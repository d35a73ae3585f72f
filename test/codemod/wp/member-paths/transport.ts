import * as aioredis from "aioredis";

export interface TransportOptions {
  db?: number | null;
  redis?: aioredis.Redis | null;
}

/** Uses the client it is given, or makes one on first use. */
export class Transport {
  private redis: aioredis.Redis | null;
  readonly db: number | null;

  constructor(options: TransportOptions = {}) {
    this.db = options.db ?? null;
    this.redis = options.redis ?? null;
  }

  async getRedis(): Promise<aioredis.Redis> {
    if (this.redis === null) {
      this.redis = await aioredis.createRedis("redis://localhost", { db: this.db });
    }
    return this.redis;
  }

  async send(key: string, value: string): Promise<number> {
    const redis = await this.getRedis();
    return redis.rpush(key, value);
  }

  async close(): Promise<void> {
    if (this.redis) {
      this.redis.close();
      await this.redis.waitClosed();
    }
  }
}
