import type { Connection } from "./connection/connection.js";
import { checkCallOptions, waitAbortedError } from "./connection/cancel.js";
import { isPlainObject } from "./commands/spec.js";
import { ConnectionError, DataError, PubSubError } from "./errors.js";
import type { ConnectionPool, RedisString } from "./pool.js";
import type { CommandArg, RespValue } from "./protocol/index.js";
import { publishMessage, pubsubMessageChannel } from "./tracing.js";
import { alsoEmitOn } from "./events.js";
import {
  HEALTH_CHECK_MESSAGE,
  KIND_OF_TYPE,
  messageType,
  pongData,
  pingArgument,
  SUBSCRIBE,
  SUBSCRIBE_TYPES,
  UNSUBSCRIBE,
  UNSUBSCRIBE_TYPES,
  type Kind,
  type PingMessage,
  type Subscription,
} from "./pubsub-frames.js";
import { HealthCheck } from "./pubsub-health.js";
import { HandlerCache, restingIterator } from "./pubsub-listen.js";
import { MessageQueue, type GetMessageOptions, type MessageHandler, type PubSubMessage, type PubSubMessageType, type PubSubOptions } from "./pubsub-queue.js";

export type { PingMessage } from "./pubsub-frames.js";
export type { GetMessageOptions, MessageHandler, PubSubMessage, PubSubMessageType, PubSubOptions } from "./pubsub-queue.js";

export interface RunOptions {
  /** Called with errors instead of ending `run()`; may be async. */
  exceptionHandler?: (error: unknown, pubsub: PubSub<any>) => unknown;
  /** Seconds each wait for a message lasts before checking whether to stop. Default 1. */
  pollTimeout?: number;
}

import { runDispatchLoop } from "./pubsub-listen.js";

export { runDispatchLoop };

/**
 * Publish/subscribe on a connection of its own (redis-py's `PubSub`). Subscriptions are
 * remembered: after the connection is lost it reconnects and subscribes again by itself.
 * The connection holds the process open only while someone waits for a message.
 */
export class PubSub<T extends RedisString = Buffer> extends MessageQueue<T> {
  readonly ignoreSubscribeMessages: boolean;
  private reconnecting = false;
  private readonly pool: ConnectionPool<T>;
  private connecting: Promise<Connection> | null = null;
  private readonly subscriptions: Record<Kind, Map<string, Subscription<T>>> = {
    channel: new Map(),
    pattern: new Map(),
    shard: new Map(),
  };
  /** Names sent in an UNSUBSCRIBE whose confirmation has not come yet. */
  private readonly pendingUnsubscribe: Record<Kind, Set<string>> = {
    channel: new Set(),
    pattern: new Set(),
    shard: new Set(),
  };
  /** Whether any subscription ever had a handler: spares the lookup per message otherwise. */
  private hasHandlers = false;
  /** The handler of each name received in a message (see HandlerCache); emptied whenever a subscription changes. */
  private readonly handlerCache = new HandlerCache<MessageHandler<T>>((kind, name) => this.subscriptions[kind].get(this.key(name))?.handler ?? null);
  private readonly health = new HealthCheck({
    current: () => this.connection,
    wantsPing: () => (!this.subscribed ? "no" : this.paused ? "paused" : "yes"),
    fail: (error) => this.fail(error),
  });

  constructor(pool: ConnectionPool<T>, options: PubSubOptions = {}) {
    super(options);
    this.pool = pool;
    this.ignoreSubscribeMessages = options.ignoreSubscribeMessages ?? false;
  }

  /**
   * True while the PubSub holds any subscription (channel, pattern or shard channel). It
   * stays true through an outage, since they are subscribed again once the server is back:
   * `connected` says whether the server has them now.
   */
  get subscribed(): boolean {
    return this.subscriptions.channel.size + this.subscriptions.pattern.size + this.subscriptions.shard.size > 0;
  }

  /** True while the subscriber's connection is up (so the server holds the subscriptions). */
  get connected(): boolean {
    return !this.closed && this.connection !== null && this.connection.isConnected;
  }

  /** Messages waiting for the reader. */
  get queuedMessages(): number {
    return this.messages.length;
  }

  /** Subscribed channel names (as given). */
  get channels(): (string | Buffer)[] {
    return [...this.subscriptions.channel.values()].map((s) => s.name);
  }

  get patterns(): (string | Buffer)[] {
    return [...this.subscriptions.pattern.values()].map((s) => s.name);
  }

  get shardChannels(): (string | Buffer)[] {
    return [...this.subscriptions.shard.values()].map((s) => s.name);
  }

  /** SUBSCRIBE: names, and `{ name: handler }` objects whose messages go to the handler. */
  subscribe(...args: (string | Buffer | Record<string, MessageHandler<T> | null>)[]): Promise<void> {
    return this.add("channel", args);
  }

  psubscribe(...args: (string | Buffer | Record<string, MessageHandler<T> | null>)[]): Promise<void> {
    return this.add("pattern", args);
  }

  /** SSUBSCRIBE (sharded pub/sub, Redis 7). */
  ssubscribe(...args: (string | Buffer | Record<string, MessageHandler<T> | null>)[]): Promise<void> {
    return this.add("shard", args);
  }

  /** UNSUBSCRIBE: the given channels, or every channel when none is given. */
  unsubscribe(...names: (string | Buffer)[]): Promise<void> {
    return this.remove("channel", names);
  }

  punsubscribe(...names: (string | Buffer)[]): Promise<void> {
    return this.remove("pattern", names);
  }

  sunsubscribe(...names: (string | Buffer)[]): Promise<void> {
    return this.remove("shard", names);
  }

  /**
   * PING on the subscription (redis-py `ping(message=None)`): the message is given as is or
   * as `{ message }`. The answer arrives as a `pong` message whose `data` is the message, or
   * empty (`""`, or an empty Buffer) without one, as redis-py gives it.
   */
  async ping(message?: PingMessage | { message?: PingMessage | null } | null): Promise<void> {
    const value = pingArgument(message);
    if (this.closed) throw new PubSubError("The pubsub is closed");
    const connection = await this.ensureConnection();
    const argv: CommandArg[] = value === null ? ["PING"] : ["PING", value];
    await this.sendPing(connection, argv);
  }

  /**
   * Takes the connection now (redis-py `PubSub.connect()`), so `getMessage()` and `run()`
   * can wait before the first subscribe; reconnects a lost connection.
   */
  async connect(): Promise<void> {
    if (this.closed) throw new PubSubError("The pubsub is closed");
    const connection = await this.ensureConnection();
    if (!connection.isConnected) await connection.connect();
  }

  /**
   * The next message, or `null` when none came within `timeout` seconds (0: don't wait;
   * `null`: wait forever), or when the message went to a handler or was an ignored
   * confirmation. Never busy-loops.
   */
  async getMessage(options: GetMessageOptions = {}): Promise<PubSubMessage<T> | null> {
    if (options === null || typeof options !== "object") throw new DataError("getMessage: options must be an object");
    for (const key of Object.keys(options)) {
      if (key !== "timeout" && key !== "ignoreSubscribeMessages" && key !== "signal") throw new DataError(`getMessage: unknown option '${key}'`);
    }
    const timeout = options.timeout === undefined ? 0 : options.timeout;
    if (timeout !== null && !(typeof timeout === "number" && timeout >= 0)) {
      throw new DataError("getMessage: 'timeout' must be a number of seconds or null");
    }
    checkCallOptions("getMessage", options.signal, undefined);
    if (!this.connection && !this.connecting) {
      throw new PubSubError("The pubsub has no connection: subscribe to something first");
    }
    // redis-py ORs the two: a pubsub created to ignore confirmations never shows them.
    const ignore = this.ignoreSubscribeMessages || options.ignoreSubscribeMessages === true;
    // Unlike redis-py, a message that went to a handler or was ignored does not end the
    // wait: `null` always means that nothing for the caller came within `timeout`.
    const deadline = timeout === null ? null : Date.now() + timeout * 1000;
    const signal = options.signal;
    for (;;) {
      // Messages already queued are taken here, without the promise hops of a wait.
      while (this.pendingError === null && this.messages.length > 0 && !signal?.aborted) {
        const message = this.takeMessage()!;
        if (SUBSCRIBE_TYPES.has(message.type)) {
          if (!ignore) return message;
          continue;
        }
        const handler = this.handlerFor(message);
        if (!handler) return message;
        await handler(message);
      }
      const left = deadline === null ? null : Math.max(0, deadline - Date.now());
      const message = await this.nextMessage(left === null ? null : left / 1000, undefined, options.signal);
      if (!message) return null;
      const handled = await this.handleMessage(message, ignore);
      if (handled) return handled;
    }
  }

  /**
   * Every message, as an async iterator; it ends once no subscription is left (after the
   * last unsubscribe confirmation) or the pubsub is closed.
   */
  listen(options: { signal?: AbortSignal | null } = {}): AsyncGenerator<PubSubMessage<T>, void, undefined> {
    // Queued messages the loop would yield as they are go out without resuming it (see restingIterator).
    const ignore = this.ignoreSubscribeMessages;
    return restingIterator(this.listenLoop(options), () => this.readyForListen(ignore, options?.signal));
  }

  /** The queued message `listen()` would yield next without a wait, taken; undefined when its loop must run. */
  private readyForListen(ignore: boolean, signal: AbortSignal | null | undefined): PubSubMessage<T> | undefined {
    const message = this.messages.peek();
    if (message === undefined || this.closed || signal?.aborted) return undefined;
    const type = message.type;
    if (type === "message" || type === "pmessage" || type === "smessage") {
      if (this.hasHandlers && this.handlerFor(message)) return undefined;
    } else if (ignore && SUBSCRIBE_TYPES.has(type)) {
      return undefined;
    }
    return this.takeMessage();
  }

  private async *listenLoop(options: { signal?: AbortSignal | null }): AsyncGenerator<PubSubMessage<T>, void, undefined> {
    if (options === null || typeof options !== "object") throw new DataError("listen: options must be an object");
    for (const key of Object.keys(options)) if (key !== "signal") throw new DataError(`listen: unknown option '${key}'`);
    checkCallOptions("listen", options.signal, undefined);
    const signal = options.signal ?? undefined;
    const ignore = this.ignoreSubscribeMessages;
    const stop = () => !this.subscribed || this.closed;
    while (!this.closed && (this.subscribed || this.messages.length > 0)) {
      // Messages already queued are taken without a wait (the hot path of a busy channel).
      if (signal?.aborted) throw waitAbortedError("The wait for a pub/sub message", signal);
      const message = this.takeMessage() ?? (await this.nextMessage(null, stop, signal));
      if (!message) continue;
      if (SUBSCRIBE_TYPES.has(message.type)) {
        if (!ignore) yield message;
        continue;
      }
      const handler = this.handlerFor(message);
      if (handler) await handler(message);
      else yield message;
    }
  }

  /**
   * Dispatches every message to its handler until the pubsub is closed (redis-py's `run`,
   * which runs until its task is cancelled). Every subscription held when it starts must
   * have a handler. It takes the connection first (`connect()`), so a `run()` started before
   * the first subscribe keeps serving, and it keeps running while nothing is subscribed.
   */
  async run(options: RunOptions = {}): Promise<void> {
    const subs = (["channel", "pattern", "shard"] as const).flatMap((kind) =>
      [...this.subscriptions[kind].values()].map((sub) => ({ ...sub, kind: kind === "pattern" ? "Pattern" : "Channel" })),
    );
    await runDispatchLoop(
      this,
      subs,
      () => this.closed,
      options,
      () => this.connect(),
    );
  }

  /** Unsubscribes from everything and gives the connection back (closed, since it was subscribed). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.health.stop();
    this.wake();
    if (this.connecting) await this.connecting.catch(() => {});
    const connection = this.connection;
    this.connection = null;
    for (const kind of ["channel", "pattern", "shard"] as const) this.subscriptions[kind].clear();
    this.subscriptionsChanged();
    if (connection) {
      connection.onConnect = null;
      connection.onDisconnect = null;
      connection.onPush = null;
      connection.dirty = true;
      connection.reconnect = false;
      if (this.readers > 0) connection.hold(false);
      connection.events = this.pool;
      this.pool.release(connection);
    }
  }

  /** Alias of `close()`. */
  aclose(): Promise<void> {
    return this.close();
  }

  /** redis-py's `reset()`: same as `close()`. */
  reset(): Promise<void> {
    return this.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  // ---- subscribing ------------------------------------------------------------------------

  private async add(kind: Kind, args: (string | Buffer | Record<string, MessageHandler<T> | null>)[]): Promise<void> {
    if (this.closed) throw new PubSubError("The pubsub is closed");
    const added: Subscription<T>[] = [];
    for (const arg of args) {
      if (typeof arg === "string" || Buffer.isBuffer(arg)) {
        added.push({ name: arg, handler: null });
      } else if (isPlainObject(arg)) {
        for (const [name, handler] of Object.entries(arg)) {
          if (handler !== null && typeof handler !== "function") {
            throw new DataError(`${SUBSCRIBE[kind]}: the handler for '${name}' must be a function or null`);
          }
          added.push({ name, handler: handler as MessageHandler<T> | null });
        }
      } else {
        throw new DataError(`${SUBSCRIBE[kind]}: expected channel names or { name: handler } objects`);
      }
    }
    if (added.length === 0) throw new DataError(`${SUBSCRIBE[kind]} needs at least one name`);
    const fresh: string[] = [];
    for (const sub of added) {
      if (sub.handler) this.hasHandlers = true;
      const key = this.key(sub.name);
      if (!this.subscriptions[kind].has(key)) fresh.push(key);
      this.subscriptions[kind].set(key, sub);
      this.subscriptionsChanged();
      this.pendingUnsubscribe[kind].delete(key);
    }
    let connection: Connection;
    try {
      connection = await this.ensureConnection();
    } catch (err) {
      // Not subscribed after all: `subscribed` must not say otherwise.
      for (const key of fresh) this.subscriptions[kind].delete(key);
      this.subscriptionsChanged();
      throw err;
    }
    await connection.send([SUBSCRIBE[kind], ...added.map((s) => s.name)], { expectsReply: false });
  }

  private async remove(kind: Kind, names: (string | Buffer)[]): Promise<void> {
    for (const name of names) {
      if (typeof name !== "string" && !Buffer.isBuffer(name)) throw new DataError(`${UNSUBSCRIBE[kind]}: expected channel names`);
    }
    const keys = names.length > 0 ? names.map((n) => this.key(n)) : [...this.subscriptions[kind].keys()];
    for (const key of keys) this.pendingUnsubscribe[kind].add(key);
    const connection = this.connection ?? (this.connecting ? await this.connecting : null);
    if (!connection) return;
    await connection.send([UNSUBSCRIBE[kind], ...names], { expectsReply: false });
  }

  private ensureConnection(): Promise<Connection> {
    if (this.connection) return Promise.resolve(this.connection);
    if (!this.connecting) {
      this.connecting = this.pool.getConnection().then(
        (connection) => {
          this.connecting = null;
          if (this.closed) {
            this.pool.release(connection);
            throw new PubSubError("The pubsub is closed");
          }
          this.adopt(connection);
          return connection;
        },
        (err) => {
          this.connecting = null;
          throw err;
        },
      );
    }
    return this.connecting;
  }

  /** Makes a pooled connection the subscriber: pushes come here, and it re-subscribes after a reconnect. */
  private adopt(connection: Connection): void {
    this.connection = connection;
    connection.dirty = true;
    connection.reconnect = true;
    connection.pushAllReplies = connection.protocol === 2;
    connection.onPush = (frame) => this.onPush(frame);
    // lifecycle events of its connection: on the pool (and its clients) and on this PubSub
    connection.events = alsoEmitOn(this.pool, this);
    connection.onConnect = async (c) => {
      c.pushAllReplies = c.protocol === 2;
      this.pausedThisSocket = this.paused;
      // Queued now, written right after the handshake, before anything else.
      for (const kind of ["channel", "pattern", "shard"] as const) {
        const subs = [...this.subscriptions[kind].entries()].filter(([key]) => !this.pendingUnsubscribe[kind].has(key));
        if (subs.length > 0) void c.send([SUBSCRIBE[kind], ...subs.map(([, s]) => s.name)], { expectsReply: false }).catch(() => {});
      }
    };
    connection.onDisconnect = () => {
      if (this.closed || !this.subscribed) return;
      if (this.pausedThisSocket) {
        // The server likely gave up on a reader that did not keep up (client-output-buffer-limit).
        this.pausedThisSocket = false;
        this.fail(
          new ConnectionError(
            `PubSub connection to ${connection.description} was lost after its reader fell behind (reading paused on a full queue of ` +
              `${this.maxQueuedMessages} messages; the server's client-output-buffer-limit pubsub applies): messages were lost; it subscribes again`,
          ),
        );
      }
      // Reconnect now (not on the next command): messages only come to a live socket.
      setImmediate(() => this.keepConnected(connection));
    };
    if (this.readers > 0) connection.hold(true);
    this.health.start(connection);
  }

  /**
   * Reconnects for as long as there are subscriptions, however long the outage: each round
   * follows the retry policy, and rounds are spaced by the connection (50 ms doubling up to
   * 1 s). The first failed round is reported to the reader as a `ConnectionError`; once the
   * server is back, `onConnect` subscribes again.
   */
  private keepConnected(connection: Connection): void {
    if (this.reconnecting) return;
    this.reconnecting = true;
    let reported = false;
    const loop = async (): Promise<void> => {
      while (!this.closed && this.subscribed && this.connection === connection && !connection.isConnected) {
        if (connection.isClosed) {
          this.fail(new ConnectionError(`PubSub connection to ${connection.description} is closed`));
          return;
        }
        try {
          await connection.connect();
        } catch (err) {
          if (this.closed || this.connection !== connection) return;
          if (!reported) {
            reported = true;
            this.fail(
              new ConnectionError(
                `PubSub lost its connection to ${connection.description} and could not reconnect yet ` +
                  `(${(err as Error).message}); it keeps trying and subscribes again once the server is back; ` +
                  `messages published meanwhile are lost`,
                { cause: err },
              ),
            );
          }
        }
      }
    };
    void loop().finally(() => {
      this.reconnecting = false;
    });
  }

  private fail(error: Error): void {
    this.pendingError = error;
    this.wake();
  }

  private async sendPing(connection: Connection, argv: CommandArg[]): Promise<void> {
    if (connection.protocol === 2) {
      // RESP2 answers PING on a subscribed connection with a ["pong", data] message.
      await connection.send(argv, { expectsReply: false });
      return;
    }
    const reply = (await connection.send(argv)) as RespValue;
    this.health.answered();
    this.enqueue({ type: "pong", pattern: null, channel: null, data: pongData(reply, true, this.pool) });
  }

  // ---- receiving --------------------------------------------------------------------------

  private onPush(frame: RespValue[]): void {
    this.health.traffic();
    const head = frame[0];
    if (head instanceof Error) {
      this.fail(head);
      return;
    }
    const lower = messageType(head);
    let message: PubSubMessage<T>;
    switch (lower) {
      case "message":
      case "smessage":
        message = { type: lower, pattern: null, channel: frame[1] as T, data: frame[2] as T };
        break;
      case "pmessage":
        message = { type: "pmessage", pattern: frame[1] as T, channel: frame[2] as T, data: frame[3] as T };
        break;
      case "pong": {
        // ["pong", data] on a subscribed RESP2 connection; a lone "PONG" answers a PING
        // sent before any subscription (handled below).
        if (frame.length === 1) return this.onPlainPong(head);
        const data = frame[1] ?? null;
        if (data !== null && String(data) === HEALTH_CHECK_MESSAGE) return;
        message = { type: "pong", pattern: null, channel: null, data: pongData(data, false, this.pool) };
        break;
      }
      default:
        // RESP2 without a subscription answers PING <message> with the message alone.
        if (frame.length === 1) return this.onPlainPong(head);
        if (!SUBSCRIBE_TYPES.has(lower)) return; // e.g. client-side caching invalidations
        // An unsubscribe confirmation changes the subscriptions when it is read (takeMessage), as redis-py's
        // handle_message does: a message that came before it still finds its handler.
        message = { type: lower as PubSubMessageType, pattern: null, channel: frame[1] as T, data: frame[2] as number };
    }
    if (pubsubMessageChannel.hasSubscribers && message.channel !== null && message.data !== null && typeof message.data !== "number") {
      publishMessage(message.type, message.channel, message.pattern);
    }
    this.enqueue(message);
  }

  /** A PING answered outside subscribed mode on RESP2: the reply alone, as redis-py turns it into a pong. */
  private onPlainPong(reply: RespValue | undefined): void {
    if (reply === undefined || (reply !== null && String(reply) === HEALTH_CHECK_MESSAGE)) return;
    this.enqueue({ type: "pong", pattern: null, channel: null, data: pongData(reply, true, this.pool) });
  }

  /**
   * The next queued message; an unsubscribe confirmation taken here ends its subscription (the
   * one `unsubscribe()` asked for), so the messages queued before it were read while it held.
   */
  protected override takeMessage(): PubSubMessage<T> | undefined {
    const message = super.takeMessage();
    if (message !== undefined && message.type !== "message" && UNSUBSCRIBE_TYPES.has(message.type)) this.unsubscribed(message);
    return message;
  }

  private unsubscribed(message: PubSubMessage<T>): void {
    const kind = KIND_OF_TYPE[message.type]!;
    const channel = message.channel;
    if (channel === null || channel === undefined || (channel as unknown) instanceof Error) return;
    const key = this.key(channel);
    if (this.pendingUnsubscribe[kind].delete(key)) {
      this.subscriptions[kind].delete(key);
      this.subscriptionsChanged();
    }
  }

  private async handleMessage(message: PubSubMessage<T>, ignoreSubscribeMessages: boolean): Promise<PubSubMessage<T> | null> {
    if (SUBSCRIBE_TYPES.has(message.type)) {
      return ignoreSubscribeMessages ? null : message;
    }
    const handler = this.handlerFor(message);
    if (handler) {
      await handler(message);
      return null;
    }
    return message;
  }

  private handlerFor(message: PubSubMessage<T>): MessageHandler<T> | null {
    if (!this.hasHandlers) return null;
    if (message.type === "pmessage" && message.pattern !== null) return this.handlerOf("pattern", message.pattern);
    if ((message.type === "message" || message.type === "smessage") && message.channel !== null) {
      return this.handlerOf(message.type === "message" ? "channel" : "shard", message.channel);
    }
    return null;
  }

  private handlerOf(kind: Kind, name: string | Buffer): MessageHandler<T> | null {
    return this.handlerCache.get(kind, name);
  }

  private subscriptionsChanged(): void {
    this.handlerCache.clear();
  }

  private key(name: string | Buffer): string {
    return (Buffer.isBuffer(name) ? name : Buffer.from(name, this.pool.encoding)).toString("latin1");
  }

  // ---- health -----------------------------------------------------------------------------

  /** `healthCheckInterval`: a quiet subscription is PINGed; no answer in time means a dead socket. */
}
