/**
 * @param {import("aioredis").Redis<string>} redis
 * @param {number} id
 * @param {string} title
 * @param {string} classification
 */
export function addSighting(redis, id, title, classification) {
  return redis.hmset(`bigfoot:sighting:${id}`, "id", id, "title", title, "classification", classification);
}

/**
 * @param {import("aioredis").Redis<string>} redis
 * @param {number} id
 */
export function readSighting(redis, id) {
  return redis.hgetall(`bigfoot:sighting:${id}`);
}

/**
 * Every sighting key, sorted.
 * @param {import("aioredis").Redis<string>} redis
 * @returns {Promise<string[]>}
 */
export async function listSightings(redis) {
  const keys = [];
  for await (const key of redis.iscan({ match: "bigfoot:sighting:*", count: 2 })) keys.push(key);
  return keys.sort();
}
