import * as aioredis from "aioredis";

/** A job queue that is a Redis client itself (v1 style: built on a pool). */
export class Queue extends aioredis.Redis {
  constructor(pool: aioredis.ConnectionsPool, readonly name: string) {
    super(pool);
  }

  async push(job: string): Promise<number> {
    return this.rpush(this.name, job);
  }
}
