import * as aioredis from "aioredis";
import { Bot } from "./bot.js";

export async function main(): Promise<void> {
  // a connection made elsewhere, and used besides the subclass: the v2 subclass would be handed a compat object
  const conn = await aioredis.createConnection("redis://localhost");
  const bot = new Bot(conn, "jobs");
  await bot.push("a");
  console.log((await bot.lrange("jobs", 0, -1)).map(String), String(await conn.execute("llen", "jobs")));
  await bot.stop();
}
