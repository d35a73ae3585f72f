import * as aioredis from "aioredis";
import { shown } from "./show.js";

/** A store that names its client in its own text. */
export class Store {
  private constructor(private readonly redis: aioredis.Redis) {}

  static async open(url: string): Promise<Store> {
    return new Store(await aioredis.createRedisPool(url, { encoding: "utf-8" }));
  }

  toString(): string {
    return `<Store ${this.label(this.redis)}>`;
  }

  private label(value: object): string {
    return value instanceof Error ? "broken" : `${value}`;
  }

  /** The client's settings, for a log line. */
  settings(): string {
    return shown(this.redis);
  }

  async hit(page: string): Promise<number> {
    return Number(await this.redis.hincrby("hits", page, 1));
  }

  async close(): Promise<void> {
    this.redis.close();
    await this.redis.waitClosed();
  }
}
