import * as aioredis from "aioredis";

/** The aiohttp way: app["redis"] = redis, here a Map of app state. */
export class Application {
  readonly state = new Map<string, unknown>();
}

export async function setupRedis(app: Application): Promise<aioredis.Redis> {
  const redis = await aioredis.createRedisPool("redis://localhost");
  app.state.set("redis", redis);
  app.state.set("name", "demo");
  return redis;
}
