import { openCache } from "./cache.js";

export async function main(): Promise<void> {
  const cache = await openCache("redis://localhost");
  await cache.setJson("user", { id: 1, name: "ann" }, 30);
  console.log(await cache.getJson<{ id: number }>("user"), (await cache.ttl("user")) > 0);
  cache.close();
  await cache.waitClosed();
}
