import type * as aioredis from "aioredis";

export async function fill(redis: aioredis.Redis<string>): Promise<void> {
  await redis.delete("something:hash", "something:set", "something:zset");
  await redis.mset("something", "value", "something:else", "else");
  await redis.hmset("something:hash", "something:1", "value:1", "something:2", "value:2");
  await redis.sadd("something:set", "something:1", "something:2", "something:else");
  await redis.zadd("something:zset", 1, "something:1", 2, "something:2", 3, "something:else");
}

/** What each scan iterator matches, sorted (SCAN's order is the server's). */
export async function go(redis: aioredis.Redis<string>): Promise<string[]> {
  const out: string[] = [];
  const keys: string[] = [];
  for await (const key of redis.iscan({ match: "something*" })) keys.push(`Matched: ${key}`);
  out.push(...keys.sort());
  const fields: string[] = [];
  for await (const [name, val] of redis.ihscan("something:hash", { match: "something*" })) fields.push(`Matched: ${name} -> ${val}`);
  out.push(...fields.sort());
  const members: string[] = [];
  for await (const val of redis.isscan("something:set", { match: "something*" })) members.push(`Matched: ${val}`);
  out.push(...members.sort());
  const scored: string[] = [];
  for await (const [val, score] of redis.izscan("something:zset", { match: "something*" })) scored.push(`Matched: ${val} : ${score}`);
  out.push(...scored.sort());
  return out;
}
