import * as aioredis from "aioredis";
import { Counter } from "./counter.js";

export async function main(): Promise<void> {
  const pool = await aioredis.createRedisPool("redis://localhost", { maxsize: 4 });
  {
    using redis = await pool.acquire();
    const counter = new Counter(redis, "hits");
    console.log("start", await counter.read());
    console.log("attempts", await counter.bump(2));
    console.log("attempts", await counter.bump(3, async () => void (await pool.incr("hits"))));
    console.log("end", await counter.read(), await counter.peek());
  }
  pool.close();
  await pool.waitClosed();
}
