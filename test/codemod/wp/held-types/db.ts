import * as aioredis from "aioredis";

export const redis = await aioredis.createRedisPool("redis://localhost", { encoding: "utf-8" });

export function version(): string {
  return typeof aioredis.__version__;
}
