/** @type {typeof import("aioredis") | null} */
let aioredisModule = null;

/**
 * The aioredis module, loaded on first use (the examples run without it installed
 * until they need it).
 * @returns {Promise<typeof import("aioredis")>}
 */
export async function loadAioredis() {
  aioredisModule ??= await import("aioredis");
  return aioredisModule;
}

/**
 * A client decoding replies as UTF-8, as every example makes it.
 * @param {string} url
 * @returns {Promise<import("aioredis").Redis<string>>}
 */
export async function connect(url) {
  const aioredis = await loadAioredis();
  return aioredis.createRedis(url, { encoding: "utf-8" });
}

/**
 * @param {import("aioredis").Redis<string>} redis
 */
export async function disconnect(redis) {
  redis.close();
  await redis.waitClosed();
}
