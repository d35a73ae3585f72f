/**
 * @param {import("aioredis").Redis<string>} redis
 * @param {number} channel
 * @param {string} message
 */
export function publish(redis, channel, message) {
  return redis.publish(`bigfoot:broadcast:channel:${channel}`, message);
}

/**
 * Subscribes to every broadcast channel and hands `count` messages to `onMessage`.
 * @param {import("aioredis").Redis<string>} redis
 * @param {number} count
 * @param {(channel: string, message: string) => void} onMessage
 * @param {() => Promise<unknown>} whenSubscribed
 */
export async function subscribe(redis, count, onMessage, whenSubscribed) {
  const [channel] = await redis.psubscribe("bigfoot:broadcast:channel:*");
  await whenSubscribed();
  for (let i = 0; i < count; i++) {
    const [name, message] = await channel.get({ encoding: "utf-8" });
    onMessage(String(name), message);
  }
  await redis.punsubscribe("bigfoot:broadcast:channel:*");
}
