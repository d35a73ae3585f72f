import * as aioredis from "aioredis";

/** A pool on an address from the settings: a URL, a [host, port] pair or a socket path. */
export async function open(address: aioredis.Address, options: { db?: number; maxsize?: number }): Promise<aioredis.Redis> {
  return aioredis.createRedisPool(address, { minsize: 1, ...options });
}
