import * as aioredis from "aioredis";

/** A job queue that is a Redis client itself, on a connection of its own (v1 style). */
export class Bot extends aioredis.Redis {
  readonly queue: string;

  constructor(conn: aioredis.RedisConnection, queue: string) {
    super(conn);
    this.queue = queue;
  }

  static async open(address: string, queue: string): Promise<Bot> {
    return new Bot(await aioredis.createConnection(address), queue);
  }

  async push(job: string): Promise<number> {
    return this.rpush(this.queue, job);
  }

  async remember(key: string, value: string): Promise<void> {
    await this.set(key, value, { expire: 60 });
  }

  async stop(): Promise<void> {
    this.close();
    await this.waitClosed();
  }
}
