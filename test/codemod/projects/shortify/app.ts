import type * as aioredis from "aioredis";
import { setupRoutes, type Route } from "./routes.js";
import { initRedis, loadConfig, type Conf } from "./utils.js";
import { SiteHandler } from "./views.js";

export class Application {
  readonly state = new Map<string, unknown>();
  routes = new Map<string, Route>();
  readonly onCleanup: (() => Promise<void>)[] = [];
}

export async function setupRedis(app: Application, conf: Conf): Promise<aioredis.Redis> {
  const redis = await initRedis(conf.redis);
  app.state.set("redis", redis);
  app.onCleanup.push(async () => {
    redis.close();
    await redis.waitClosed();
  });
  return redis;
}

export async function init(rawConf: unknown): Promise<Application> {
  const conf = loadConfig(rawConf);
  const app = new Application();
  const redis = await setupRedis(app, conf);
  app.routes = setupRoutes(new SiteHandler(redis, conf));
  return app;
}
