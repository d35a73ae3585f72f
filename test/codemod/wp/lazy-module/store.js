/**
 * @param {import("aioredis").Redis<string>} redis
 * @param {string} key
 * @param {number} ttl
 */
export async function remember(redis, key, ttl) {
  await redis.set(key, "v", { expire: ttl });
  const keys = [];
  for await (const k of redis.iscan({ match: "lazy-module:*" })) keys.push(k);
  return keys;
}
