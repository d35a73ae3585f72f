import { Cache } from "./cache.js";

const address = ["redis://localhost", "0"].join("/");

export async function main(): Promise<void> {
  const cache = new Cache(address);
  await cache.write("k", "v");
  const value = await cache.read("k");
  console.log(Buffer.isBuffer(value), String(value));
  await cache.close();
}
