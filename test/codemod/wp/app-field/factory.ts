import { createRedis } from "aioredis";

export async function connectCounter(url: string) {
  return await createRedis(url);
}
