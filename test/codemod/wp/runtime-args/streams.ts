import * as aioredis from "aioredis";

const settings = { pool: { db: 0, maxsize: 4 } as Record<string, unknown> };

export async function connect(): Promise<aioredis.Redis> {
  return aioredis.createRedisPool("redis://localhost", { ...settings.pool, minsize: 1 });
}

/** The streams and where each was left off, given as arrays built at run time. */
export async function readAll(redis: aioredis.Redis, names: string[]): Promise<string[]> {
  const streams = names.map((n) => `stream:${n}`);
  for (const stream of streams) await redis.xadd({ stream, fields: { from: stream } });
  const latestIds = streams.map(() => "0");
  const messages = await redis.xread(streams, { latestIds, timeout: null });
  return messages.map(([stream, , fields]) => `${String(stream)} ${JSON.stringify(fields)}`);
}

export async function counters(redis: aioredis.Redis): Promise<string> {
  const n = await redis.incrby("counter", 41);
  const pong = await redis.ping();
  return `${n + 1} ${String(pong)}`;
}
