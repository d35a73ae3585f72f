import * as aioredis from "aioredis";

/** A connection and a pool, each made on first use and made again once closed. */
export class Store {
  private conn: aioredis.RedisConnection | null = null;
  private pool: aioredis.Redis | null = null;

  constructor(private readonly db: number | null = null) {}

  async connection(): Promise<aioredis.RedisConnection> {
    if (this.conn === null || this.conn.closed) this.conn = await aioredis.createConnection("redis://localhost", { db: this.db });
    return this.conn;
  }

  async client(): Promise<aioredis.Redis> {
    if (this.pool === null || this.pool.closed) this.pool = await aioredis.createRedisPool("redis://localhost", { db: this.db });
    return this.pool;
  }

  async close(): Promise<void> {
    if (this.conn && !this.conn.closed) {
      this.conn.close();
      await this.conn.waitClosed();
    }
    if (this.pool && !this.pool.closed) {
      this.pool.close();
      await this.pool.waitClosed();
    }
  }
}
