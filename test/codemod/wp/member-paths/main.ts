import * as aioredis from "aioredis";
import { Application, index } from "./app.js";
import { setupRedis } from "./setup.js";
import { Transport } from "./transport.js";

export async function main(): Promise<void> {
  const app = new Application();
  await setupRedis(app);
  console.log(await index(app));
  for (const cleanup of app.onCleanup) await cleanup();

  const given = await aioredis.createRedis("redis://localhost");
  const shared = new Transport({ redis: given });
  const own = new Transport({ db: null });
  console.log(await shared.send("q", "a"), await own.send("q", "b"));
  console.log(String(await given.lrange("q", 0, -1)));
  await own.close();
  given.close();
  await given.waitClosed();
}
