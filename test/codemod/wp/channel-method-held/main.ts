import * as aioredis from "aioredis";
import { readNews } from "./reader.js";

export async function main(): Promise<void> {
  const pub = await aioredis.createRedis("redis://localhost");
  const got = await readNews("redis://localhost", "news", async () => {
    for (const m of ["a", "b", "stop"]) await pub.publish("news", m);
  });
  console.log(got);
  pub.close();
  await pub.waitClosed();
}
