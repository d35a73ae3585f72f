import * as aioredis from "aioredis";
import { AbcChannel, Receiver } from "aioredis";
import { Event, type BroadcastBackend } from "./base.js";
import { AsyncQueue } from "../queue.js";

export class RedisBackend implements BroadcastBackend {
  private readonly connUrl: string;
  private pubConn: aioredis.Redis | null = null;
  private subConn: aioredis.Redis | null = null;
  private msgQueue: AsyncQueue<Event> | null = null;
  private readerTask: Promise<void> | null = null;
  private mpsc: Receiver | null = null;

  constructor(url: string) {
    this.connUrl = url;
  }

  async connect(): Promise<void> {
    if (this.pubConn || this.subConn || this.msgQueue) {
      console.warn("connections are already setup but connect called again; not doing anything");
      return;
    }
    this.pubConn = await aioredis.createRedis(this.connUrl);
    this.subConn = await aioredis.createRedis(this.connUrl);
    this.msgQueue = new AsyncQueue<Event>();
    this.mpsc = new Receiver();
    // the reader starts before the first subscribe(), as in the Python original
    this.readerTask = this.reader();
  }

  async disconnect(): Promise<void> {
    if (this.pubConn && this.subConn) {
      this.pubConn.close();
      this.subConn.close();
      await this.pubConn.waitClosed();
      await this.subConn.waitClosed();
    } else {
      console.warn("connections are not setup, invalid call to disconnect");
    }
    this.pubConn = null;
    this.subConn = null;
    this.msgQueue = null;
    if (this.mpsc) this.mpsc.stop();
    else console.warn("redis mpsc receiver is not set, cannot stop it");
    if (this.readerTask) {
      await this.readerTask;
      this.readerTask = null;
    }
  }

  async subscribe(channel: string): Promise<void> {
    if (!this.subConn || !this.mpsc) {
      console.error(`not connected, cannot subscribe to channel ${channel}`);
      return;
    }
    await this.subConn.subscribe(this.mpsc.channel(channel));
  }

  async unsubscribe(channel: string): Promise<void> {
    if (!this.subConn) {
      console.error(`not connected, cannot unsubscribe from channel ${channel}`);
      return;
    }
    await this.subConn.unsubscribe(channel);
  }

  async publish(channel: string, message: unknown): Promise<void> {
    if (!this.pubConn) {
      console.error(`not connected, cannot publish to channel ${channel}`);
      return;
    }
    await this.pubConn.publishJson(channel, message);
  }

  async nextPublished(): Promise<Event> {
    if (!this.msgQueue) throw new Error("unable to get next_published event, RedisBackend is not connected");
    return this.msgQueue.get();
  }

  private async reader(): Promise<void> {
    for await (const [channel, msg] of this.mpsc!.iter({ encoding: "utf8", decoder: JSON.parse })) {
      if (!(channel instanceof AbcChannel)) {
        console.error(`invalid channel returned from Receiver().iter() - ${String(channel)}`);
        continue;
      }
      const channelName = (channel.name as Buffer).toString("utf8");
      if (!this.msgQueue) {
        console.error(`unable to put new message from ${channelName} into queue, not connected`);
        continue;
      }
      this.msgQueue.put(new Event(channelName, msg));
    }
  }
}
