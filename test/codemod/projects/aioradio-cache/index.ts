export { Redis, type RedisOptions } from "./redis.js";
