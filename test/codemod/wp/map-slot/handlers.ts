import type * as aioredis from "aioredis";
import type { Application } from "./app.js";

export async function visit(app: Application, page: string): Promise<string> {
  const redis = app.state.get("redis") as aioredis.Redis;
  const hits = await redis.incr(`hits:${page}`);
  return `${app.state.get("name")}: ${page} seen ${hits - 1} times before`;
}

export async function close(app: Application): Promise<void> {
  const redis = app.state.get("redis") as aioredis.Redis;
  redis.close();
  await redis.waitClosed();
}
