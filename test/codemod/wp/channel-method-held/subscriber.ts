import * as aioredis from "aioredis";

/** Keeps its client and the Channel list of its one subscription in fields; hands the Channel out by name. */
export class Subscriber {
  client: aioredis.Redis | null = null;
  subscription: aioredis.Channel[] | null = null;
  topic: string | null = null;

  async connect(address: string): Promise<this> {
    this.client = await aioredis.createRedis(address);
    return this;
  }

  redis(): aioredis.Redis {
    return this.client!;
  }

  async follow(topic: string): Promise<void> {
    this.topic = topic;
    this.subscription = await this.client!.subscribe(topic);
  }

  channel(): aioredis.Channel {
    return this.client!.channels[this.topic!] as aioredis.Channel;
  }
}
