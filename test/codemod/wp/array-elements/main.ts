import * as aioredis from "aioredis";
import { Quorum, sizes } from "./quorum.js";

export async function main(): Promise<void> {
  const shared = await aioredis.createRedisPool("redis://localhost", { minsize: 1, maxsize: 2 });
  const quorum = new Quorum(["redis://localhost", shared]);
  console.log("written:", await quorum.set("k", "v"));
  await quorum.close();
  console.log("shared still open:", String(await shared.get("k")));
  console.log("sizes:", await sizes([shared]));
  const both = [shared];
  for (const c of both) console.log("via a local array:", String(await c.get("k")));
  shared.close();
  await shared.waitClosed();
}
