import { Cache, redis } from "./index.js";

export async function main(): Promise<void> {
  const cache = new Cache(redis);
  await cache.put("user:1", "ada", 60);
  console.log(await cache.read("user:1"));
  await redis.zadd("board", 1, "a", 2, "b");
  console.log(await redis.zrange("board", 0, -1));
  redis.close();
  await redis.waitClosed();
}
