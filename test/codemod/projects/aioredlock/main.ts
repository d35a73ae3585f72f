import * as aioredis from "aioredis";
import { Aioredlock } from "./algorithm.js";
import { LockAcquiringError, LockError } from "./errors.js";

const url = process.env.REDIS_URL ?? "redis://localhost:6379";
const manager = new Aioredlock([url], 10.0, 2, 50);

const lock = await manager.lock("resource_name", 20, "holder-1");
console.log("locked:", lock.resource, lock.valid, await manager.isLocked("resource_name"));
const ttl = await manager.getLockTtl(lock);
console.log("ttl within (0, 20]:", ttl > 0 && ttl <= 20);

try {
  await manager.lock("resource_name", 5, "holder-2");
} catch (e) {
  console.log("second holder:", e instanceof LockAcquiringError ? "LockAcquiringError" : e instanceof LockError ? "LockError" : String(e), (e as Error).message);
}

// another client flushes the script cache: the next call recovers through NOSCRIPT
const admin = await aioredis.createRedis(url);
await admin.scriptFlush();
await lock.release();
console.log("released:", lock.valid, await manager.isLocked(lock));

// a pool given to the manager is used as is, and left open by destroy()
const shared = await aioredis.createRedisPool(url, { minsize: 1, maxsize: 2 });
const other = new Aioredlock([shared]);
const lock2 = await other.lock("other_resource", 3, "holder-3");
console.log("shared pool lock:", await other.isLocked("other_resource"), String(await shared.get("other_resource")));
await other.destroy();
console.log("shared pool still open:", String(await shared.get("other_resource")), lock2.valid);

await manager.destroy();
admin.close();
await admin.waitClosed();
shared.close();
await shared.waitClosed();
