import { Application, index } from "./app.js";
import { setupRedis } from "./setup.js";

export async function main(): Promise<void> {
  const app = new Application();
  await setupRedis(app);
  console.log(await index(app));
  for (const cleanup of app.onCleanup) await cleanup();
}
