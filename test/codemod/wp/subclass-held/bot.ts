import * as aioredis from "aioredis";

/** A Redis subclass built on a connection. */
export class Bot extends aioredis.Redis {
  constructor(conn: aioredis.RedisConnection, readonly queue: string) {
    super(conn);
  }

  async push(job: string): Promise<number> {
    return this.rpush(this.queue, job);
  }

  async stop(): Promise<void> {
    this.close();
    await this.waitClosed();
  }
}
