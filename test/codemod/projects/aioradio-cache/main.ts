import { Redis } from "./index.js";
import { StudentLookup } from "./students.js";

const url = new URL(process.env.REDIS_URL ?? "redis://localhost:6379");
const cache = await new Redis({ config: { redis_primary_endpoint: url.host }, poolMinsize: 1, poolMaxsize: 3, expire: 120 }).init();

const lookup = new StudentLookup(cache);
const q = { school: "Lincoln", grade: 11, tags: ["b", "a"] };
console.log(JSON.stringify(await lookup.find(q, async () => ({ count: 42 }))));
console.log(JSON.stringify(await lookup.find(q, async () => ({ count: 0 }))));
console.log("key:", await cache.buildCacheKey({ b: [2, 1], a: { z: 1, y: null }, c: null, d: [] }));
console.log("hashed:", await cache.buildCacheKey({ a: 1 }, "|", true));

await cache.set("plain", "text", 0, false);
console.log("plain:", await cache.get("plain", false), "ttl", await cache.pool.ttl("plain"));
console.log("raw bytes:", await cache.get("plain", false, null));
console.log("mget:", JSON.stringify(await cache.mget(["k1", "k2"])));

await cache.hset("h1", "f1", { x: 1 });
await cache.hmset("h2", { f1: [1, 2], f2: "two" }, null, 30);
console.log("hget:", JSON.stringify(await cache.hget("h1", "f1")));
console.log("hmget:", JSON.stringify(await cache.hmget("h2", ["f1", "f2", "f3"])));
console.log("hgetall:", JSON.stringify(await cache.hgetall("h2")));
console.log("many:", JSON.stringify(await cache.hmgetMany(["h1", "h2"], ["f1"])), JSON.stringify(await cache.hgetallMany(["h1", "h2"])));
const [t1, t2] = [await cache.pool.ttl("h1"), await cache.pool.ttl("h2")];
console.log("ttls within (110, 120] and (20, 30]:", t1 > 110 && t1 <= 120, t2 > 20 && t2 <= 30);
console.log("hexists:", await cache.hexists("h2", "f2"), "hdel:", await cache.hdel("h2", ["f2", "nope"]), "delete:", await cache.delete("h1"));
await cache.hset("h3", "f", "v", false, 0);
console.log("expire 0 removes:", await cache.hexists("h3", "f"));

await cache.close();
