import { createRedisPool, Redis } from "aioredis";

/** A cache on a pool made on first use, from an address known only at run time. */
export class Cache {
  private pool: Redis | null = null;

  constructor(private readonly address: string) {}

  private get client(): Promise<Redis> {
    return (async () => {
      if (this.pool === null) this.pool = await createRedisPool(this.address);
      return this.pool;
    })();
  }

  async read(key: string): Promise<Buffer | null> {
    return (await this.client).get(key);
  }

  async write(key: string, value: string): Promise<void> {
    await (await this.client).set(key, value);
  }

  async close(): Promise<void> {
    const client = await this.client;
    client.close();
    await client.waitClosed();
  }
}
