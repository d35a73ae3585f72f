import { Store } from "./store.js";

export async function main(): Promise<void> {
  const store = await Store.open("redis://localhost");
  await store.hit("/");
  console.log(await store.hit("/"), store.settings().length > 0);
  await store.close();
}
