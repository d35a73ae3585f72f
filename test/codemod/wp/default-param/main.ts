import { closeRedis, getRedis } from "./connections.js";
import { jobs, seen } from "./services.js";

export async function main(): Promise<void> {
  const queue = await jobs();
  for (const id of ["a", "b", "a"]) if (!(await seen(id))) await queue.put({ id });
  console.log("queued", JSON.stringify(await queue.get()), JSON.stringify(await queue.get()));
  const redis = await getRedis();
  console.log("seen a:", await seen("a", redis), "ttl set:", (await redis.ttl("a")) > 0);
  await closeRedis();
}
