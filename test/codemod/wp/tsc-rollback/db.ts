import { createRedisPool } from "aioredis";

export const redis = await createRedisPool("redis://localhost");
