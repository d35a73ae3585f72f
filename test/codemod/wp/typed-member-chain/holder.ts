import { Redis as V1Redis, createRedisPool } from "aioredis";

/** Keeps the client at a field; the code that reads it sees only the types that lead here. */
export class Holder {
  pool!: V1Redis;

  async init(): Promise<void> {
    this.pool = await createRedisPool("redis://localhost");
  }
}
