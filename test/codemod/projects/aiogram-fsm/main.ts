import * as aioredis from "aioredis";
import { Dispatcher } from "./dispatcher.js";
import { RedisStorage, RedisStorage2 } from "./storage/redis.js";

const url = new URL(process.env.REDIS_URL ?? "redis://localhost:6379");
const host = url.hostname;
const port = Number(url.port || 6379);

// the pooled storage: states never expire (state_ttl 0), data for a minute
const storage2 = new RedisStorage2(host, port, null, 2, "fsm", 0, 60);
const dp = new Dispatcher(storage2);
const ctx = dp.currentState(100, 7);
await ctx.setState("Form:name");
await ctx.updateData({ name: "Ann" });
await ctx.setState("Form:age");
await ctx.updateData({ age: 31 });
console.log("state:", await ctx.getState(), "data:", JSON.stringify(await ctx.getData()));
await dp.currentState(200, 8).setState("Form:name");
console.log("states:", JSON.stringify(await storage2.getStatesList()));

const redis = await storage2.redis();
console.log("state ttl:", await redis.ttl("fsm:100:7:state"), "data ttl > 0:", (await redis.ttl("fsm:100:7:data")) > 0);
await ctx.finish();
console.log("after finish:", await ctx.getState(), JSON.stringify(await ctx.getData()));

// the single-connection storage
const storage = new RedisStorage(host, port, 1);
const ctx1 = new Dispatcher(storage).currentState(5, 5);
await ctx1.setState("Quiz:q1");
await ctx1.updateData({ score: 2 });
console.log("record:", await ctx1.getState(), JSON.stringify(await ctx1.getData()), JSON.stringify(await storage.getStatesList()));
const conn: aioredis.RedisConnection = await storage.redis();
console.log("raw:", String(await conn.execute("GET", "fsm:5:5")));
await storage.resetAll(false);
console.log("after reset:", JSON.stringify(await storage.getStatesList()));

await storage2.resetAll(false);
await storage2.close();
await storage2.waitClosed();
await storage.close();
await storage.waitClosed();
console.log("closed");
