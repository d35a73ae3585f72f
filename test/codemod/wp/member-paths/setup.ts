import * as aioredis from "aioredis";
import type { Application } from "./app.js";

export async function setupRedis(app: Application): Promise<void> {
  const pool = await aioredis.createRedisPool("redis://localhost", { encoding: "utf-8" });
  app.state.pool = pool;
  app.onCleanup.push(async () => {
    pool.close();
    await pool.waitClosed();
  });
}
