import { redis } from "./db.js";
import { remember } from "./store.js";

export async function main(): Promise<void> {
  console.log(await remember(redis, "greeting", "hello"));
  console.log((await redis.ttl("greeting")) > 0);
  redis.close();
  await redis.waitClosed();
}
