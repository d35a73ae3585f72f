import { redisClient } from "./components/index.js";
import { Binance } from "./scrapers/Binance.js";
import { follow } from "./ticker.js";

const scraper = new Binance("https://www.binance.com/en/markets");
const lines = await follow(process.env.REDIS_URL, "binance:ticker", 4, () => scraper.scrape(["34,120.50", "34,098.10", "34,098.10", "35,001.00"]));
for (const line of lines) console.log(line);

const client = redisClient.getClient();
console.log("last:", String(await client.get("binance:last")), "subscribed:", redisClient.isSub);
client.close();
await client.waitClosed();
