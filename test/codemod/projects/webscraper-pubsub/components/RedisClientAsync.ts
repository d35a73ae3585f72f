import * as aioredis from "aioredis";

export class RedisClientAsync {
  client: aioredis.Redis | null = null;
  pubsub: aioredis.Channel[] | null = null;
  isSub = false;
  channel: string | null = null;
  host = "127.0.0.1";
  port = 6379;

  constructor(url?: string) {
    if (url) {
      const u = new URL(url);
      this.host = u.hostname;
      this.port = Number(u.port || 6379);
    }
  }

  async main(): Promise<this> {
    this.client = await aioredis.createRedisPool([this.host, this.port]);
    return this;
  }

  getClient(): aioredis.Redis {
    return this.client!;
  }

  async subToKey(pattern: string): Promise<this> {
    this.channel = pattern;
    this.pubsub = await this.client!.subscribe(pattern);
    this.isSub = true;
    return this;
  }

  async getChannels(): Promise<aioredis.Channel> {
    // v1 types the dict loosely (AbcChannel); it holds the Channel of subscribe()
    return this.client!.channels[this.channel!] as aioredis.Channel;
  }

  async publishValue(key: string, value: string): Promise<void> {
    await this.client!.publish(key, value);
  }

  async setValue(key: string, value: string): Promise<void> {
    await this.client!.set(key, value);
  }
}
