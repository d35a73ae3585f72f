import { connect, disconnect } from "./client.js";
import { remember } from "./store.js";

export async function main(): Promise<void> {
  const redis = await connect("redis://localhost");
  console.log(await remember(redis, "lazy-module:a", 0), await redis.ttl("lazy-module:a"));
  await disconnect(redis);
}
