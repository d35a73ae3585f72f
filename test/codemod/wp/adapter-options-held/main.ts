import { Store, ping } from "./store.js";

export async function main(): Promise<void> {
  const store = new Store({ address: "redis://localhost", db: 2, poolSize: 3 });
  console.log("hits:", await store.hit("home"), await store.hit("home"));
  await store.close();
  console.log("ping:", await ping("redis://localhost"));
}
