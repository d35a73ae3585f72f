import * as aioredis from "aioredis";

export const redis = await aioredis.createRedisPool("redis://localhost", { encoding: "utf-8", maxsize: 4 });
