import * as aioredis from "aioredis";

let shared: aioredis.Redis | null = null;
const options = () => ({ maxsize: 3 });

/** The process-wide client; its options come from a call the codemod leaves alone. */
export async function getRedis(): Promise<aioredis.Redis> {
  if (!shared) shared = await aioredis.createRedisPool("redis://localhost", options());
  return shared;
}

export async function closeRedis(): Promise<void> {
  if (shared) {
    shared.close();
    await shared.waitClosed();
    shared = null;
  }
}
