import * as aioredis from "aioredis";

/** A connection of a pool kept in a field, a client on it that subscribes, a private generator reading its channel. */
export class Feed {
  private pool: aioredis.ConnectionsPool | null = null;
  private conn: aioredis.RedisConnection | null = null;
  private sub: aioredis.Redis | null = null;

  async collect(name: string, count: number): Promise<string[]> {
    this.pool = await aioredis.createPool("redis://localhost", { maxsize: 3 });
    this.conn = await this.pool.acquire();
    this.sub = new aioredis.Redis(this.conn);
    let channel: aioredis.Channel;
    [channel] = await this.sub.subscribe(name);
    const reading = this.read(channel);
    for (let i = 0; i < count + 1; i++) await this.pool.execute("PUBLISH", name, `m${i}`);
    const out: string[] = [];
    for await (const msg of reading) {
      out.push(`${Buffer.isBuffer(msg)}:${msg.toString("utf-8")}`);
      if (out.length === count) break;
    }
    this.pool.release(this.conn);
    this.pool.close();
    await this.pool.waitClosed();
    return out;
  }

  private async *read(channel: aioredis.Channel): AsyncGenerator<Buffer> {
    while (await channel.waitMessage()) yield (await channel.get()) as Buffer;
  }
}
