import { Store } from "./store.js";

export async function main(): Promise<void> {
  const store = await Store.open("redis://localhost");
  await store.hit("/");
  console.log(await store.hit("/"));
  // the text differs between v1 and v2; the program only checks that there is some
  console.log(String(store).startsWith("<Store "), store.settings().length > 0);
  await store.close();
}
