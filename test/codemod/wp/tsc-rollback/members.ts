import { redis } from "./db.js";

/** 1 when the member is in the set (v1 replied with the integer). */
export async function isMember(key: string, member: string): Promise<number> {
  const found: number = await redis.sismember(key, member);
  return found;
}
