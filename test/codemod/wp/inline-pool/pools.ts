import * as aioredis from "aioredis";

/** A client on a pool made for it alone, returned to the caller. */
export async function open(url: string, db: number): Promise<aioredis.Redis> {
  return new aioredis.Redis(await aioredis.createPool(url, { db, maxsize: 2 }));
}
