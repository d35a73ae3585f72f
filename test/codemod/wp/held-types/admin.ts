import type { Redis } from "aioredis";

export async function useDb(redis: Redis<string>, db: number): Promise<void> {
  await redis.select(db);
}
