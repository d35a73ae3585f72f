import * as aioredis from "aioredis";

/** `async with pool.get() as conn` */
export async function asyncWith(pool: aioredis.ConnectionsPool): Promise<string> {
  using conn = await pool.get();
  const value = await conn.execute("get", "my-key");
  return `raw value: ${String(value)}`;
}

/** `with (await pool) as conn`: the same thing, written the other way */
export async function withAwait(pool: aioredis.ConnectionsPool): Promise<string> {
  const conn = await pool.acquire();
  try {
    const value = (await conn.execute("get", "my-key", { encoding: "utf-8" })) as string;
    return `decoded value: ${value}`;
  } finally {
    pool.release(conn);
  }
}

/** examples/pool2.py's main(), on a pool it is given. */
export async function main2(pool: aioredis.ConnectionsPool): Promise<string[]> {
  await pool.execute("set", "my-key", "value");
  return [await asyncWith(pool), await withAwait(pool)];
}
