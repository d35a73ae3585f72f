import { connect, counters, readAll } from "./streams.js";

export async function main(): Promise<void> {
  const redis = await connect();
  for (const line of await readAll(redis, ["a", "b"])) console.log(line);
  console.log(await counters(redis));
  redis.close();
  await redis.waitClosed();
}
