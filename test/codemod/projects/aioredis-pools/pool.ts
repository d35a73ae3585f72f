import * as aioredis from "aioredis";
import { ADDRESS } from "./address.js";

/** examples/pool.py: a pool of 5..10 connections, one taken for a couple of commands. */
export async function go(): Promise<string> {
  const pool = await aioredis.createPool(ADDRESS, { minsize: 5, maxsize: 10 });
  let val: unknown;
  {
    using conn = await pool.get();
    await conn.execute("set", "my-key", "value");
    val = await conn.execute("get", "my-key");
  }
  const sizes = `size ${pool.size} free ${pool.freesize}`;
  pool.close();
  await pool.waitClosed();
  return `raw value: ${String(val)} (${sizes})`;
}
