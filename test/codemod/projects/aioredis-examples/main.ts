import { initApp } from "./examples/app.js";
import { go, fill } from "./examples/iscan.js";
import { explicitPipeline, pipelined, waitEachCommand } from "./examples/pipeline.js";
import { pubsub } from "./examples/pubsub.js";
import { transaction } from "./examples/transaction.js";
import { redis } from "./redis.js";

const app = await initApp();
console.log(await app.routes.get("/")!(app));

console.log(JSON.stringify(await waitEachCommand()));
console.log(JSON.stringify(await pipelined()));
console.log(JSON.stringify(await explicitPipeline()));

console.log(JSON.stringify(await transaction()));

await fill(redis);
for (const line of await go(redis)) console.log(line);

for (const line of (await pubsub()).sort()) console.log(line);

for (const cleanup of app.onCleanup) await cleanup(app);
