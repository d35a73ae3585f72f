import { redis } from "./db.js";
import { isMember } from "./members.js";

export async function main(): Promise<void> {
  await redis.sadd("team", "ada", "linus");
  console.log(await isMember("team", "ada"), await isMember("team", "bob"));
  redis.close();
  await redis.waitClosed();
}
