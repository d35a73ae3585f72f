const aioredis = await import("aioredis");

export type Client = import("aioredis").Redis<string>;

export const redis: Client = await aioredis.createRedisPool("redis://localhost", { encoding: "utf-8" });
