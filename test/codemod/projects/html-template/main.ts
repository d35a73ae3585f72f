import { attach, onShutdown, onStartup, redis } from "./app.js";
import { page, popular } from "./routing/index.js";

process.env.REDIS_ADDR = process.env.REDIS_URL ?? "redis://localhost:6379";
await onStartup();

for (const path of ["/", "/about", "/", "/missing", "/"]) console.log(path, await attach(path, page));
console.log("popular:", await attach("/popular", popular));
console.log("views of /:", String(await redis.pool.get("views:/")));

await onShutdown();
