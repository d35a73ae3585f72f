import { EventEmitter } from "node:events";
import type { Connection } from "./connection/connection.js";
import { waitAbortedError } from "./connection/cancel.js";
import { Deque } from "./connection/deque.js";
import { DataError } from "./errors.js";
import type { RedisString } from "./pool.js";

export type PubSubMessageType =
  | "subscribe"
  | "unsubscribe"
  | "psubscribe"
  | "punsubscribe"
  | "ssubscribe"
  | "sunsubscribe"
  | "message"
  | "pmessage"
  | "smessage"
  | "pong";

/** A message as redis-py's PubSub gives it: `data` is the subscription count for (un)subscribe messages. */
export interface PubSubMessage<T extends RedisString = Buffer> {
  type: PubSubMessageType;
  pattern: T | null;
  channel: T | null;
  data: T | number | null;
}

export type MessageHandler<T extends RedisString = Buffer> = (message: PubSubMessage<T>) => unknown;

export interface PubSubOptions {
  /** Drop subscribe/unsubscribe confirmations instead of returning them. */
  ignoreSubscribeMessages?: boolean;
  /**
   * Most messages kept for the reader (default 10,000). What happens at the limit is
   * `overflow`'s choice.
   */
  maxQueuedMessages?: number;
  /**
   * `"pause"` (default): stop reading the socket until the reader has taken half of the
   * queue, so messages wait in the server's output buffer, whose
   * `client-output-buffer-limit pubsub` then applies (the server closes the connection past
   * it; the PubSub reconnects and reports the loss as a `ConnectionError`).
   * `"drop"`: keep reading and drop new messages, counted in `droppedMessages`.
   */
  overflow?: "pause" | "drop";
}

const PUBSUB_OPTION_NAMES = new Set(["ignoreSubscribeMessages", "maxQueuedMessages", "overflow"]);

export interface GetMessageOptions {
  /** Seconds to wait for a message: 0 (default) only looks, `null` waits forever. */
  timeout?: number | null;
  ignoreSubscribeMessages?: boolean;
  /** Stops the wait: `getMessage` rejects with `AbortError` (its `cause` is the signal's reason; docs/cancellation.md). */
  signal?: AbortSignal;
}

/**
 * The messages a `PubSub` (pubsub.ts) received and not yet handed out, and the readers waiting
 * for them: the queue's limit (`maxQueuedMessages`, `overflow`) and the wait of `getMessage`.
 */
export abstract class MessageQueue<T extends RedisString> extends EventEmitter {
  /** See `PubSubOptions.maxQueuedMessages`. */
  readonly maxQueuedMessages: number;
  /** See `PubSubOptions.overflow`. */
  readonly overflow: "pause" | "drop";
  /** Messages dropped because the queue was full (`overflow: "drop"`). */
  droppedMessages = 0;
  protected paused = false;
  /** Reading was paused on this socket: if it is lost, the server may have dropped messages. */
  protected pausedThisSocket = false;
  protected connection: Connection | null = null;
  protected readonly messages = new Deque<PubSubMessage<T>>();
  protected pendingError: Error | null = null;
  protected readonly waiters = new Set<() => void>();
  protected readers = 0;
  protected closed = false;

  constructor(options: PubSubOptions) {
    super();
    if (options === null || typeof options !== "object") throw new DataError("pubsub: options must be an object");
    for (const key of Object.keys(options)) {
      if (!PUBSUB_OPTION_NAMES.has(key)) throw new DataError(`pubsub: unknown option '${key}'`);
    }
    const max = options.maxQueuedMessages ?? 10_000;
    if (!Number.isInteger(max) || max < 1) throw new DataError("pubsub: option 'maxQueuedMessages' must be a positive integer");
    const overflow = options.overflow ?? "pause";
    if (overflow !== "pause" && overflow !== "drop") throw new DataError("pubsub: option 'overflow' must be 'pause' or 'drop'");
    this.maxQueuedMessages = max;
    this.overflow = overflow;
  }

  protected enqueue(message: PubSubMessage<T>): void {
    const messages = this.messages;
    if (messages.length >= this.maxQueuedMessages) {
      if (this.overflow === "drop") {
        if (message.type === "message" || message.type === "pmessage" || message.type === "smessage") {
          this.droppedMessages++;
          this.wake();
          return;
        }
      } else if (!this.paused && this.connection) {
        // Let the server hold them: its output-buffer limit for pub/sub clients applies.
        this.paused = true;
        this.pausedThisSocket = true;
        this.connection.pauseReading(true);
      }
    }
    messages.push(message);
    this.wake();
  }

  /** The oldest queued message; reading resumes once the queue is down to half. */
  protected takeMessage(): PubSubMessage<T> | undefined {
    const message = this.messages.shift();
    if (this.paused && this.messages.length <= this.maxQueuedMessages >> 1) {
      this.paused = false;
      this.connection?.pauseReading(false);
    }
    return message;
  }

  /** Waits for a message; `stop` ends the wait early (checked whenever something happens). */
  protected async nextMessage(timeout: number | null, stop?: () => boolean, signal?: AbortSignal): Promise<PubSubMessage<T> | null> {
    const deadline = timeout === null ? null : Date.now() + timeout * 1000;
    const onAbort = () => this.wake();
    signal?.addEventListener("abort", onAbort);
    try {
      return await this.waitLoop(deadline, stop, signal);
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  protected async waitLoop(deadline: number | null, stop?: () => boolean, signal?: AbortSignal): Promise<PubSubMessage<T> | null> {
    for (;;) {
      if (signal?.aborted) throw waitAbortedError("The wait for a pub/sub message", signal);
      if (this.pendingError) {
        const error = this.pendingError;
        this.pendingError = null;
        throw error;
      }
      const message = this.takeMessage();
      if (message) return message;
      if (this.closed || stop?.()) return null;
      const wait = deadline === null ? null : deadline - Date.now();
      if (wait !== null && wait <= 0) return null;
      await this.waitForActivity(wait);
    }
  }

  protected waitForActivity(ms: number | null): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      this.readers++;
      if (this.readers === 1) this.connection?.hold(true);
      const done = () => {
        if (!this.waiters.delete(done)) return;
        if (timer) clearTimeout(timer);
        this.readers--;
        if (this.readers === 0) this.connection?.hold(false);
        resolve();
      };
      this.waiters.add(done);
      if (ms !== null) timer = setTimeout(done, ms);
    });
  }

  /** Wakes every reader waiting for a message. */
  protected wake(): void {
    if (this.waiters.size === 0) return;
    for (const waiter of [...this.waiters]) waiter();
  }
}
