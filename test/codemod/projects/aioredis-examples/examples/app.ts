import type { Redis } from "aioredis";
import { redis } from "../redis.js";

type Handler = (app: Application) => Promise<string>;

export class Application {
  readonly state: { redis_pool?: Redis } = {};
  readonly onCleanup: ((app: Application) => Promise<void>)[] = [];
  readonly routes = new Map<string, Handler>();
}

export async function setupRedis(app: Application): Promise<Redis> {
  const pool = redis;
  app.onCleanup.push(async () => {
    pool.close();
    await pool.waitClosed();
  });
  app.state.redis_pool = pool;
  return pool;
}

export async function index(app: Application): Promise<string> {
  const conn = app.state.redis_pool!;
  const val = await conn.ping();
  return `Redis response: ${val}`;
}

export async function initApp(): Promise<Application> {
  const app = new Application();
  app.routes.set("/", index);
  await setupRedis(app);
  return app;
}
