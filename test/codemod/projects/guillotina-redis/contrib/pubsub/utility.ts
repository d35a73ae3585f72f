import { getDriver } from "../redis/index.js";

type Callback = (data: unknown) => void;

/** Subscriptions by channel, each read by one task (guillotina's PubSubUtility). */
export class PubSubUtility {
  private readonly tasks = new Map<string, Promise<void>>();
  private readonly callbacks = new Map<string, Set<Callback>>();

  async subscribe(channelName: string, callback: Callback): Promise<void> {
    let set = this.callbacks.get(channelName);
    if (!set) {
      set = new Set();
      this.callbacks.set(channelName, set);
      const driver = await getDriver();
      const subscription = await driver.subscribe(channelName);
      this.tasks.set(channelName, this.reader(channelName, subscription));
    }
    set.add(callback);
  }

  private async reader(channelName: string, subscription: AsyncGenerator<Buffer>): Promise<void> {
    for await (const msg of subscription) {
      const data = JSON.parse(msg.toString("utf-8")) as unknown;
      for (const cb of this.callbacks.get(channelName) ?? []) cb(data);
    }
  }

  async publish(channelName: string, data: unknown): Promise<void> {
    const driver = await getDriver();
    await driver.publish(channelName, JSON.stringify(data));
  }

  /** Unsubscribes and waits for the channel's reader to end. */
  async unsubscribe(channelName: string): Promise<void> {
    const driver = await getDriver();
    await driver.unsubscribe(channelName);
    await this.tasks.get(channelName);
    this.tasks.delete(channelName);
    this.callbacks.delete(channelName);
  }
}
