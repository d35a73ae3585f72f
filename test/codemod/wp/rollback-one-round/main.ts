import * as aioredis from "aioredis";
import { Instance } from "./instance.js";

export async function main(): Promise<void> {
  const admin = await aioredis.createRedis("redis://localhost");
  await admin.set("one-round:k", "v");
  const instance = new Instance();
  console.log(await instance.first(), await instance.second());
  await instance.close();
  admin.close();
  await admin.waitClosed();
}
