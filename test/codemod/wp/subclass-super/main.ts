import * as aioredis from "aioredis";
import { PrefixedStore } from "./store.js";

export async function main(): Promise<void> {
  const store = new PrefixedStore(await aioredis.createConnection("redis://localhost"), "app:");
  await store.set("app:k", "v");
  console.log(String(await store.get("k")));
  store.close();
  await store.waitClosed();
}
