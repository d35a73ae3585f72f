import { open } from "./pools.js";

export async function main(): Promise<void> {
  const url = "redis://localhost";
  const server = new URL(url);
  const byUrl = await open(url, { db: 2 });
  const byPair = await open([server.hostname, Number(server.port || 6379)], { db: 2, maxsize: 2 });
  await byUrl.set("runtime-address:key", "from the URL client");
  console.log(String(await byPair.get("runtime-address:key")));
  console.log(await Promise.all([1, 2, 3].map((n) => byPair.set(`runtime-address:${n}`, String(n)))));
  byUrl.close();
  await byUrl.waitClosed();
  byPair.close();
  await byPair.waitClosed();
}
