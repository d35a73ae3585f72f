import type { BroadcastBackend, Event } from "./backends/base.js";
import { RedisBackend } from "./backends/redis.js";
import { AsyncQueue } from "./queue.js";

/** A subscriber's view: the events of one channel, until unsubscribed. */
export class Subscriber {
  constructor(private readonly queue: AsyncQueue<Event | null>) {}

  async get(): Promise<Event> {
    const item = await this.queue.get();
    if (item === null) throw new Error("Unsubscribed");
    return item;
  }
}

export class Broadcast {
  private readonly subscribers = new Map<string, Set<AsyncQueue<Event | null>>>();
  private readonly backend: BroadcastBackend;
  private listenerTask: Promise<void> | null = null;
  private stopping = false;

  constructor(url: string) {
    const scheme = new URL(url).protocol.replace(/:$/, "");
    if (scheme !== "redis") throw new Error(`unsupported backend ${scheme}`);
    this.backend = new RedisBackend(url);
  }

  async connect(): Promise<void> {
    await this.backend.connect();
    this.listenerTask = this.listener();
  }

  async disconnect(): Promise<void> {
    this.stopping = true;
    // wake the listener with an event of our own, then let it end
    await this.backend.publish("__broadcast_stop__", null);
    await this.listenerTask;
    await this.backend.disconnect();
  }

  private async listener(): Promise<void> {
    await this.backend.subscribe("__broadcast_stop__");
    for (;;) {
      const event = await this.backend.nextPublished();
      if (event.channel === "__broadcast_stop__" && this.stopping) return;
      for (const queue of this.subscribers.get(event.channel) ?? []) queue.put(event);
    }
  }

  async publish(channel: string, message: unknown): Promise<void> {
    await this.backend.publish(channel, message);
  }

  async subscribe(channel: string): Promise<{ subscriber: Subscriber; close: () => Promise<void> }> {
    const queue = new AsyncQueue<Event | null>();
    let queues = this.subscribers.get(channel);
    if (!queues) {
      await this.backend.subscribe(channel);
      queues = new Set();
      this.subscribers.set(channel, queues);
    }
    queues.add(queue);
    const close = async () => {
      queues.delete(queue);
      if (queues.size === 0) {
        this.subscribers.delete(channel);
        await this.backend.unsubscribe(channel);
      }
      queue.put(null);
    };
    return { subscriber: new Subscriber(queue), close };
  }
}
