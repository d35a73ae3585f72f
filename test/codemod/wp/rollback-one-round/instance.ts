import * as aioredis from "aioredis";

const options = () => ({ minsize: 1, maxsize: 2 });

/** A pool made on first use, with options the codemod cannot rename (so it stays on compat). */
export class Instance {
  private pool: aioredis.Redis | null = null;

  private async register(redis: aioredis.Redis): Promise<void> {
    await redis.set("one-round:registered", "yes");
  }

  async connect(): Promise<aioredis.Redis> {
    if (this.pool === null) this.pool = await aioredis.createRedisPool("redis://localhost", options());
    return this.pool;
  }

  async first(): Promise<string> {
    using redis = await (await this.connect()).acquire();
    await this.register(redis);
    return String(await redis.get("one-round:registered"));
  }

  async second(): Promise<string> {
    using redis = await (await this.connect()).acquire();
    await this.register(redis);
    return String(await redis.get("one-round:k"));
  }

  async close(): Promise<void> {
    if (this.pool === null) return;
    this.pool.close();
    await this.pool.waitClosed();
  }
}
