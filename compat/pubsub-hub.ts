/**
 * The pub/sub side of one v1 connection: a v2 `PubSub` feeding the `Channel`s and
 * `Receiver` senders subscribed through it (see pubsub.ts). Messages are read only while
 * somebody wants them (`want()`), so an idle subscription never holds the process open.
 */
import type { PubSub as V2PubSub, PubSubMessage } from "../src/index.js";
import { ConnectionClosedError, toV1Error } from "./errors.js";
import { type AbcChannel, Channel, nameKey, type MessageSource } from "./pubsub.js";
import { deferred, quiet, type Deferred } from "./util.js";

/** The seconds each read of the v2 PubSub waits before checking whether anybody still waits. */
const POLL_SECONDS = 0.1;

type PubsubCommand = "SUBSCRIBE" | "PSUBSCRIBE" | "UNSUBSCRIBE" | "PUNSUBSCRIBE";

interface Confirmation extends Deferred<unknown[]> {
  channel: AbcChannel;
}

/**
 * The pub/sub side of one v1 connection: a v2 `PubSub`, the channels subscribed through
 * it, and the subscription count that puts the connection in subscribe mode.
 */
export class PubSubHub implements MessageSource {
  readonly channels = new Map<string, AbcChannel>();
  readonly patterns = new Map<string, AbcChannel>();
  /** The subscription count the server last reported: non-zero means subscribe mode. */
  inPubsub = 0;
  private readonly confirmations = new Map<string, Confirmation[]>();
  private readonly pings: Deferred<Buffer>[] = [];
  private demand = 0;
  private pumping = false;
  private closed = false;

  constructor(
    private readonly pubsub: V2PubSub<Buffer>,
    private readonly onLost: (error: unknown) => void,
  ) {}

  want(): () => void {
    if (this.closed) return () => {};
    this.demand++;
    if (!this.pumping) void this.pump();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.demand--;
    };
  }

  /** Sends a (P)(UN)SUBSCRIBE and resolves with v1's raw confirmations, one per channel. */
  execute(command: PubsubCommand, channels: AbcChannel[]): Promise<unknown[]> {
    const type = command.toLowerCase();
    const waits = channels.map((channel) => {
      const confirmation = Object.assign(deferred<unknown[]>(), { channel });
      const key = `${type}:${nameKey(channel.name)}`;
      const queue = this.confirmations.get(key);
      if (queue) queue.push(confirmation);
      else this.confirmations.set(key, [confirmation]);
      return confirmation;
    });
    const names = channels.map((c) => c.name);
    let sent: Promise<void>;
    switch (command) {
      case "SUBSCRIBE":
        sent = this.pubsub.subscribe(...names);
        break;
      case "PSUBSCRIBE":
        sent = this.pubsub.psubscribe(...names);
        break;
      case "UNSUBSCRIBE":
        sent = this.pubsub.unsubscribe(...names);
        break;
      case "PUNSUBSCRIBE":
        sent = this.pubsub.punsubscribe(...names);
        break;
    }
    const release = this.want();
    sent.catch((err: unknown) => {
      const error = toV1Error(err);
      for (const w of waits) this.dropConfirmation(type, w, error);
    });
    return quiet(Promise.all(waits.map((w) => w.promise)).finally(release));
  }

  /** PING in subscribe mode: resolves with the pong's payload (`PONG` when empty). */
  ping(message?: string | Buffer): Promise<Buffer> {
    const pong = deferred<Buffer>();
    this.pings.push(pong);
    const release = this.want();
    this.pubsub.ping(message).catch((err: unknown) => {
      const index = this.pings.indexOf(pong);
      if (index !== -1) this.pings.splice(index, 1);
      pong.reject(toV1Error(err));
    });
    return quiet(pong.promise.finally(release));
  }

  private dropConfirmation(type: string, confirmation: Confirmation, error: unknown): void {
    const key = `${type}:${nameKey(confirmation.channel.name)}`;
    const queue = this.confirmations.get(key);
    const index = queue?.indexOf(confirmation) ?? -1;
    if (queue && index !== -1) queue.splice(index, 1);
    confirmation.reject(error);
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      while (this.demand > 0 && !this.closed) {
        let message: PubSubMessage<Buffer> | null;
        try {
          // Drain what is there first; block (briefly) only when nothing is.
          message = await this.pubsub.getMessage({ timeout: 0 });
          if (!message && this.demand > 0 && !this.closed) message = await this.pubsub.getMessage({ timeout: POLL_SECONDS });
        } catch (err) {
          if (!this.closed) this.fail(err);
          return;
        }
        if (message) this.dispatch(message);
      }
    } finally {
      this.pumping = false;
    }
    if (this.demand > 0 && !this.closed) void this.pump();
  }

  private dispatch(message: PubSubMessage<Buffer>): void {
    switch (message.type) {
      case "message": {
        const channel = this.channels.get(nameKey(message.channel!));
        channel?.putNowait(message.data);
        return;
      }
      case "pmessage": {
        const pattern = this.patterns.get(nameKey(message.pattern!));
        pattern?.putNowait([message.channel, message.data]);
        return;
      }
      case "pong": {
        const data = message.data as Buffer | null;
        this.pings.shift()?.resolve(data && data.length > 0 ? data : Buffer.from("PONG"));
        return;
      }
      case "subscribe":
      case "psubscribe":
      case "unsubscribe":
      case "punsubscribe": {
        const name = message.channel as Buffer;
        const key = nameKey(name);
        const count = message.data as number;
        this.inPubsub = count;
        const confirmation = this.confirmations.get(`${message.type}:${key}`)?.shift();
        const isPattern = message.type === "psubscribe" || message.type === "punsubscribe";
        const map = isPattern ? this.patterns : this.channels;
        if (message.type === "subscribe" || message.type === "psubscribe") {
          // The first Channel object of a name wins, as in v1.
          if (!map.has(key)) {
            const channel = confirmation?.channel ?? new Channel(name, isPattern);
            channel.attachSource(this);
            map.set(key, channel);
          }
        } else {
          const channel = map.get(key);
          map.delete(key);
          channel?.close();
        }
        confirmation?.resolve([Buffer.from(message.type), name, count]);
        return;
      }
      default:
        return;
    }
  }

  /** The subscriber's connection failed for good: every channel ends. */
  private fail(err: unknown): void {
    const error = toV1Error(err);
    this.shutdown(error instanceof Error ? error : new ConnectionClosedError(String(error)));
    this.onLost(error);
  }

  /** Ends every channel and fails what waits; then gives the v2 PubSub back. */
  close(error: Error): Promise<void> {
    this.shutdown(error);
    return this.pubsub.close().catch(() => {});
  }

  private shutdown(error: Error): void {
    if (this.closed) return;
    this.closed = true;
    for (const channel of [...this.channels.values(), ...this.patterns.values()]) channel.close(error);
    this.channels.clear();
    this.patterns.clear();
    this.inPubsub = 0;
    for (const queue of this.confirmations.values()) for (const c of queue) c.reject(error);
    this.confirmations.clear();
    for (const ping of this.pings.splice(0)) ping.reject(error);
  }
}
