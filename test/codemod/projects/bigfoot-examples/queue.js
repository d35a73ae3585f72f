const QUEUE = "bigfoot:sightings:received";

/**
 * @param {import("aioredis").Redis<string>} redis
 * @param {string} message
 */
export function addToQueue(redis, message) {
  return redis.rpush(QUEUE, message);
}

/**
 * The next sighting, or null after `timeout` seconds.
 * @param {import("aioredis").Redis<string>} redis
 * @param {number} timeout
 */
export function readFromQueue(redis, timeout) {
  return redis.blpop(QUEUE, { timeout });
}
