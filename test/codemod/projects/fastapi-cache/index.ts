import { CacheRegistry } from "./registry.js";

export { CacheRegistry as caches } from "./registry.js";
export { RedisCacheBackend, CACHE_KEY as REDIS_CACHE_KEY } from "./backends/redis.js";
export { InMemoryCacheBackend, CACHE_KEY as IN_MEMORY_CACHE_KEY } from "./backends/memory.js";

/** Closes every registered cache (the app's shutdown hook). */
export async function closeCaches(): Promise<void> {
  for (const cache of CacheRegistry.all()) await cache.close();
}
