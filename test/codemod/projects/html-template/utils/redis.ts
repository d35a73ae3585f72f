import { Redis as _Redis, createRedisPool } from "aioredis";

export class Redis {
  pool!: _Redis;

  async ainit(): Promise<void> {
    this.pool = await createRedisPool(process.env.REDIS_ADDR ?? "redis://localhost:6379");
  }
}
