/** @type {typeof import("aioredis") | null} */
let aioredisModule = null;

/**
 * The module, loaded on first use.
 * @returns {Promise<typeof import("aioredis")>}
 */
export async function loadAioredis() {
  aioredisModule ??= await import("aioredis");
  return aioredisModule;
}

/**
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
