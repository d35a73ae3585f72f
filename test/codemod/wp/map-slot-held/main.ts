import { Application, setupRedis } from "./app.js";
import { close, visit } from "./handlers.js";

export async function main(): Promise<void> {
  const app = new Application();
  const redis = await setupRedis(app);
  console.log(await visit(app, "home"), await visit(app, "home"));
  console.log(String(await redis.get("hits:home")));
  await close(app);
}
