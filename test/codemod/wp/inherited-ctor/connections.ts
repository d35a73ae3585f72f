import * as aioredis from "aioredis";

export async function getRedis(): Promise<aioredis.Redis> {
  return aioredis.createRedisPool("redis://localhost");
}
