import { RedisClientAsync } from "./RedisClientAsync.js";

/** The process's client, connected at import time. */
export const redisClient = await new RedisClientAsync(process.env.REDIS_URL).main();

export { RedisClientAsync } from "./RedisClientAsync.js";
