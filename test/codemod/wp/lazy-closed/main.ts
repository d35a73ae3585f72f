import type { RedisConnection } from "aioredis";
import { Store } from "./store.js";

const store = new Store(null);

export async function main(): Promise<void> {
  const conn: RedisConnection = await store.connection();
  await conn.execute("SET", "lazy:k", "v");
  const redis = await store.client();
  console.log("read:", String(await redis.get("lazy:k")));
  await store.close();
  // both are made again after close()
  const again = await store.client();
  console.log("again:", String(await again.get("lazy:k")), String(await (await store.connection()).execute("GET", "lazy:k")));
  await store.close();
}
