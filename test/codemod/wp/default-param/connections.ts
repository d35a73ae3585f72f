import * as aioredis from "aioredis";

let shared: aioredis.Redis | null = null;

/** The process-wide client, made on first use. */
export async function getRedis(): Promise<aioredis.Redis> {
  if (!shared) shared = await aioredis.createRedisPool("redis://localhost", { maxsize: 3 });
  return shared;
}

export async function closeRedis(): Promise<void> {
  if (shared) {
    shared.close();
    await shared.waitClosed();
    shared = null;
  }
}
