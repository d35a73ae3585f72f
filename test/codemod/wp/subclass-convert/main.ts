import * as aioredis from "aioredis";
import { Bot } from "./bot.js";

export async function main(): Promise<void> {
  const bot = new Bot(await aioredis.createConnection("redis://localhost", { db: 0 }), "jobs");
  await bot.push("a");
  await bot.remember("seen", "1");
  console.log(bot.queue, (await bot.lrange("jobs", 0, -1)).map(String), (await bot.ttl("seen")) > 0);
  await bot.stop();

  const other = await Bot.open("redis://localhost", "jobs");
  await other.push("b");
  console.log((await other.lrange("jobs", 0, -1)).map(String), other instanceof Bot);
  await other.delete("jobs", "seen");
  await other.stop();
}
