/**
 * Stores a value for half a minute and reads it back.
 * @param {import("aioredis").Redis<string>} redis
 * @param {string} key
 * @param {string} value
 */
export async function remember(redis, key, value) {
  await redis.set(key, value, { expire: 30 });
  return redis.get(key);
}
