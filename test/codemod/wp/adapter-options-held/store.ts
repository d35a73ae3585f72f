import * as aioredis from "aioredis";

/** Where to connect, and the pool's options (v1 names). */
export interface Settings {
  address: string;
  db?: number;
  poolSize?: number;
}

export class Store {
  private pool: aioredis.Redis | null = null;
  constructor(readonly settings: Settings) {}

  /** The adapter: every pool of the store is made here. */
  private static async makePool(address: string, options: aioredis.CreateRedisPoolOptions): Promise<aioredis.Redis> {
    return aioredis.createRedisPool(address, options);
  }

  async connect(): Promise<aioredis.Redis> {
    if (this.pool === null) {
      const extra: { db?: number } = this.settings.db === undefined ? {} : { db: this.settings.db };
      this.pool = await Store.makePool(this.settings.address, { minsize: 1, maxsize: this.settings.poolSize ?? 5, timeout: 2, ...extra });
    }
    return this.pool;
  }

  async hit(page: string): Promise<number> {
    return (await this.connect()).incr(`hits:${page}`);
  }

  async close(): Promise<void> {
    if (this.pool !== null) {
      this.pool.close();
      await this.pool.waitClosed();
    }
    this.pool = null;
  }
}

async function openRaw(url: string, options: aioredis.CreateRedisOptions): Promise<aioredis.Redis> {
  return aioredis.createRedis(url, options);
}

export async function ping(url: string): Promise<string> {
  const redis = await openRaw(url, { db: 1, encoding: "utf-8" });
  const pong = String(await redis.echo("pong"));
  redis.close();
  await redis.waitClosed();
  return pong;
}
