import { caches, closeCaches, InMemoryCacheBackend, IN_MEMORY_CACHE_KEY, RedisCacheBackend, REDIS_CACHE_KEY } from "./index.js";

const url = process.env.REDIS_URL ?? "redis://localhost:6379";
caches.set(REDIS_CACHE_KEY, new RedisCacheBackend(url, 2));
caches.set(IN_MEMORY_CACHE_KEY, new InMemoryCacheBackend());

const cache = caches.get(REDIS_CACHE_KEY) as RedisCacheBackend;

// a route handler caching a computed page; timeout 0 means "no expiry" to the caller
async function cachedPage(path: string, timeout: number): Promise<string> {
  const hit = await cache.get(`page:${path}`);
  if (hit !== null) return `hit ${hit}`;
  const body = `<h1>${path}</h1>`;
  await cache.set(`page:${path}`, body, timeout);
  return `miss ${body}`;
}

console.log(await cachedPage("/", 600));
console.log(await cachedPage("/", 600));
console.log(await cachedPage("/about", 0));
const ttlRoot = await cache.ttl("page:/");
console.log("ttl / within (590, 600]:", ttlRoot > 590 && ttlRoot <= 600, "ttl /about:", await cache.ttl("page:/about"));
console.log("add existing:", await cache.add("page:/", "x"), "add new:", await cache.add("counter", 1, 0));
console.log("get counter:", await cache.get("counter"), "missing:", await cache.get("nope", "fallback"));
console.log("delete:", await cache.delete("counter"), await cache.delete("counter"));

const memory = caches.get(IN_MEMORY_CACHE_KEY)!;
await memory.set("a", 1);
console.log("memory:", await memory.get("a"), caches.all().length);

await cache.flush();
console.log("after flush:", await cache.get("page:/"));
await closeCaches();
console.log("closed");
