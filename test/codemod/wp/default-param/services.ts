import type * as aioredis from "aioredis";
import { getRedis } from "./connections.js";
import { JsonQueue } from "./queues.js";

/** True when the id was seen already; otherwise remembers it for a while. */
export async function seen(id: string, redis: aioredis.Redis | null = null): Promise<boolean> {
  redis = redis ?? (await getRedis());
  if (await redis.exists(id)) return true;
  await redis.set(id, "1", { expire: 60 });
  return false;
}

export async function jobs(): Promise<JsonQueue<{ id: string }>> {
  return new JsonQueue<{ id: string }>(await getRedis(), "jobs");
}
