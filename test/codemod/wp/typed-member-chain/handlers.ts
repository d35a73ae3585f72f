import type { Request } from "./app.js";

export async function count(request: Request): Promise<string> {
  const views = await request.state.redis.pool.incr(`tmc:views:${request.path}`);
  await request.state.redis.pool.zincrby("tmc:popular", 1, request.path);
  return `${request.state.label} ${request.path} ${views}`;
}

export async function top(request: Request): Promise<string> {
  const pairs = await request.state.redis.pool.zrevrange("tmc:popular", 0, 1, { withscores: true, encoding: "utf-8" });
  const names = await request.state.redis.pool.zrange("tmc:popular", 0, -1, { encoding: "utf-8" });
  return `${pairs.map(([path, score]) => `${path}=${score}`).join(",")} ${names.join(",")}`;
}
