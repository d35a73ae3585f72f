import * as aioredis from "aioredis";
import { unwatchPipe } from "./_util.js";

export async function main(): Promise<void> {
  const pool = await aioredis.createRedisPool("redis://localhost");
  {
    using redis = await pool.acquire();
    const pipe = unwatchPipe(redis);
    void pipe.set("k", "v");
    // every reply is read, UNWATCH's too (v1: true; a queued UNWATCH gives "OK" in v2)
    console.log(JSON.stringify(await pipe.execute()));
  }
  pool.close();
  await pool.waitClosed();
}
