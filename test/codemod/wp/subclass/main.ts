import * as aioredis from "aioredis";
import { Queue } from "./queue.js";

export async function main(): Promise<void> {
  const pool = await aioredis.createPool("redis://localhost", { encoding: "utf-8" });
  const queue = new Queue(pool, "jobs");
  await queue.push("a");
  await queue.push("b");
  console.log(await queue.lrange("jobs", 0, -1));
  pool.close();
  await pool.waitClosed();
}
