import * as aioredis from "aioredis";
import { ReplyError } from "aioredis";

export async function runOrLoad(redis: aioredis.Redis<string>, sha: string, body: string): Promise<unknown> {
  try {
    return await redis.evalsha(sha, [], []);
  } catch (err) {
    if (err instanceof ReplyError && err.message.startsWith("NOSCRIPT")) return redis.eval(body, [], []);
    throw err;
  }
}
