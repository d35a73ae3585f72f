import type { Request } from "../app.js";

/** Renders a page and counts its views in redis. */
export async function page(request: Request): Promise<string> {
  const title = await request.state.db.fetchPage(request.path);
  if (title === null) return "404";
  const views = await request.state.redis.pool.incr(`views:${request.path}`);
  await request.state.redis.pool.zincrby("popular", 1, request.path);
  return `<title>${title}</title> (${views} views)`;
}

/** The most viewed pages. */
export async function popular(request: Request): Promise<string> {
  const top = await request.state.redis.pool.zrevrange("popular", 0, 2, { withscores: true, encoding: "utf-8" });
  return top.map(([path, score]) => `${path}=${score}`).join(", ");
}
