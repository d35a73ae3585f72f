import { Store } from "./store.js";

export async function main(): Promise<void> {
  const store = await Store.open("redis://localhost");
  await store.hit("/");
  await store.hit("/about");
  console.log(await store.hit("/"), await store.all());
  await store.close();
}
