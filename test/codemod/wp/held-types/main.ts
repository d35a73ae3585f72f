import { redis, version } from "./db.js";
import { runOrLoad } from "./scripts.js";
import { useDb } from "./admin.js";

export async function main(): Promise<void> {
  await useDb(redis, 0);
  console.log(version());
  console.log(await runOrLoad(redis, "0000000000000000000000000000000000000000", "return 42"));
  redis.close();
  await redis.waitClosed();
}
