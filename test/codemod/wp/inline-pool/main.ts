import { open } from "./pools.js";

export async function main(): Promise<void> {
  const redis = await open("redis://localhost", 3);
  await redis.delete("inline:n");
  await redis.set("inline:key", "value");
  console.log(String(await redis.get("inline:key")), await redis.incr("inline:n"));
  // more commands at once than the pool has connections: they wait for one, as in v1
  const counts = await Promise.all([1, 2, 3, 4].map(() => redis.incr("inline:n")));
  console.log(counts.sort((a, b) => a - b));
  redis.close();
  await redis.waitClosed();
}
