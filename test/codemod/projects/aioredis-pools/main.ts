import * as aioredis from "aioredis";
import { ADDRESS } from "./address.js";
import { createMyPool, MyPool } from "./mypool.js";
import { go } from "./pool.js";
import { main2 } from "./pool2.js";

console.log(await go());

const pool = await aioredis.createPool(`redis://${ADDRESS[0]}:${ADDRESS[1]}`);
for (const line of await main2(pool)) console.log(line);
pool.close();
await pool.waitClosed();

const mine = await createMyPool(ADDRESS);
console.log("my pool:", mine instanceof MyPool, mine.minsize, mine.maxsize);
const redis = new aioredis.Redis(mine);
await redis.set("via-my-pool", "1");
console.log("through Redis(my pool):", String(await redis.get("via-my-pool")), await redis.exists("my-key"));
redis.close();
await redis.waitClosed();
