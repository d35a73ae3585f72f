import * as aioredis from "aioredis";

/** The pool every example shares (the aiohttp example's `setup_redis`, as a module). */
export const redis = await aioredis.createRedisPool(process.env.REDIS_URL ?? "redis://localhost:6379", { encoding: "utf-8" });

/** A client of its own, for the examples that need one (pub/sub, transactions). */
export function connect(): Promise<aioredis.Redis<string>> {
  return aioredis.createRedis(process.env.REDIS_URL ?? "redis://localhost:6379", { encoding: "utf-8" });
}
