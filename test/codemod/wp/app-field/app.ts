import * as aioredis from "aioredis";

export class App {
  db!: aioredis.Redis;

  async init(address: string): Promise<void> {
    this.db = await aioredis.createRedisPool(address, { encoding: "utf-8" });
  }

  async close(): Promise<void> {
    this.db.close();
    await this.db.waitClosed();
  }
}

export const app = new App();
