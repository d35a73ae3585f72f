import * as aioredis from "aioredis";
import { MyPool } from "./mypool.js";

export async function main(): Promise<void> {
  const pool = await aioredis.createPool("redis://localhost", { maxsize: 2 });
  await pool.execute("set", "greeting", "hello");
  console.log(String(await pool.execute("get", "greeting")), typeof MyPool);
  pool.close();
  await pool.waitClosed();
}
