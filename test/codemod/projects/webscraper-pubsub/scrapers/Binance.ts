import { redisClient } from "../components/index.js";

/** Stands in for the selenium scraper: walks a fixed list of prices and publishes each move. */
export class Binance {
  lastPrice = 0.0;

  constructor(readonly src: string) {}

  async scrape(prices: string[]): Promise<void> {
    for (const text of prices) {
      const price = text.replace(/,/g, "");
      const indicator = Number(this.lastPrice) > Number(price) ? "-" : "+";
      this.lastPrice = Number(price);
      await redisClient.setValue("binance:last", price);
      await redisClient.publishValue("binance:ticker", `${indicator} $${price}`);
    }
  }
}
