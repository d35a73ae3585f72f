/**
 * v1 pub/sub: `Channel` (one subscription's messages), `Receiver` (many subscriptions into
 * one reader, v1's mpsc); pubsub-hub.ts feeds them from a v2 `PubSub`.
 *
 * Messages are read from the v2 `PubSub` only while somebody waits (a `get()`, a
 * `waitMessage()`, a subscribe waiting for its confirmation), so an idle subscription
 * never holds the process open; what arrives meanwhile waits in the v2 `PubSub`.
 */
import { ChannelClosedError } from "./errors.js";
import { bind } from "./calling.js";
import { decodeBytes, formatNumber, isPlainObject, type Encoding } from "./util.js";

/** Something that delivers messages while `want()`ed (the hub of a connection). */
export interface MessageSource {
  /** Keeps messages flowing until the returned function is called. */
  want(): () => void;
}

const END_OF_STREAM: unique symbol = Symbol("EndOfStream");

/** v1's `ClosableQueue`: a queue that can be closed; `get()` gives `END_OF_STREAM` once closed and drained. */
class ClosableQueue<T> {
  private readonly items: T[] = [];
  private head = 0;
  private closedFlag = false;
  private readonly waiters = new Set<() => void>();
  private readonly sources = new Set<MessageSource>();
  /** The releases of each wait in progress: a source added meanwhile is wanted by them too. */
  private readonly activeWants = new Set<(() => void)[]>();

  get closed(): boolean {
    return this.closedFlag;
  }

  get size(): number {
    return this.items.length - this.head;
  }

  get exhausted(): boolean {
    return this.closedFlag && this.size === 0;
  }

  async wait(): Promise<true> {
    while (!(this.size > 0 || this.closedFlag)) {
      const releases = [...this.sources].map((source) => source.want());
      this.activeWants.add(releases);
      try {
        await new Promise<void>((resolve) => this.waiters.add(resolve));
      } finally {
        this.activeWants.delete(releases);
        for (const release of releases) release();
      }
    }
    return true;
  }

  /**
   * A source of messages for this queue. A reader already waiting (a `Receiver` whose
   * `iter()` started before its first subscription) wants it at once, so its messages
   * are read and the waiting reader keeps the process alive.
   */
  addSource(source: MessageSource): void {
    if (this.sources.has(source)) return;
    this.sources.add(source);
    for (const releases of this.activeWants) releases.push(source.want());
  }

  async get(): Promise<T | typeof END_OF_STREAM> {
    await this.wait();
    if (this.size === 0) return END_OF_STREAM;
    const item = this.items[this.head]!;
    this.items[this.head++] = undefined as T;
    if (this.head > 64 && this.head * 2 > this.items.length) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
    return item;
  }

  put(item: T): boolean {
    if (this.closedFlag) return false;
    this.items.push(item);
    this.wake();
    return true;
  }

  close(): void {
    this.closedFlag = true;
    this.wake();
  }

  private wake(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const waiter of waiters) waiter();
  }
}

/** A channel name as v1 keeps it: bytes (strings UTF-8 encoded, numbers as their text). */
export function channelName(name: unknown): Buffer {
  if (Buffer.isBuffer(name)) return name;
  if (typeof name === "string") return Buffer.from(name, "utf8");
  if (typeof name === "number") return Buffer.from(formatNumber(name), "latin1");
  throw new TypeError(`channel name must be a string, Buffer or number, not ${name === null ? "null" : typeof name}`);
}

/** The key of a name in maps: its bytes, one char per byte. */
export function nameKey(name: Buffer): string {
  return name.toString("latin1");
}

export interface GetOptions<D = unknown> {
  /** Decode the message (not a pattern message's channel) with this codec. */
  encoding?: Encoding;
  /** Applied to the (decoded) message, e.g. `JSON.parse`. */
  decoder?: ((message: any) => D) | null;
}

function decodeMessage(message: unknown, encoding: Encoding | undefined, decoder: ((m: any) => unknown) | null | undefined): unknown {
  let msg = message;
  if (encoding !== null && encoding !== undefined && Buffer.isBuffer(msg)) msg = decodeBytes(msg, encoding);
  if (decoder) msg = decoder(msg);
  return msg;
}

function getOptions(method: string, args: unknown[]): GetOptions {
  const a = bind(method, "*, encoding?, decoder?", args);
  if (a.decoder !== undefined && a.decoder !== null && typeof a.decoder !== "function") throw new TypeError(`${method}: decoder must be a function`);
  return { encoding: a.encoding ?? null, decoder: a.decoder ?? null };
}

/** v1's `AbcChannel`: what `subscribe()` and `psubscribe()` accept besides names. */
export abstract class AbcChannel {
  abstract readonly name: Buffer;
  abstract readonly isPattern: boolean;
  abstract readonly isActive: boolean;
  abstract get(options?: GetOptions): Promise<unknown>;
  /** Delivers a message (v1's `put_nowait`; used by the connection). */
  abstract putNowait(data: unknown): void;
  /** Marks the channel closed: readers drain what is queued, then the stream ends. */
  abstract close(exc?: unknown): void;
  /** @internal The connection feeding this channel. */
  abstract attachSource(source: MessageSource): void;
}

/** An async iterator over a channel or a receiver, ending at the end of the stream (v1's `_IterHelper`). */
class IterHelper<R> implements AsyncIterableIterator<R> {
  constructor(
    private readonly isActive: () => boolean,
    private readonly getNext: () => Promise<R | null | undefined>,
  ) {}

  async next(): Promise<IteratorResult<R>> {
    if (!this.isActive()) return { done: true, value: undefined };
    const msg = await this.getNext();
    if (msg === null || msg === undefined) return { done: true, value: undefined };
    return { done: false, value: msg };
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<R> {
    return this;
  }
}

/**
 * The messages of one subscription (v1's `Channel`). `get()` waits for the next message:
 * the message itself, or `[channel, message]` for a pattern; `null` when the channel
 * closes while waiting; `ChannelClosedError` once closed and drained.
 */
export class Channel<M = Buffer> extends AbcChannel {
  readonly name: Buffer;
  readonly isPattern: boolean;
  private readonly queue = new ClosableQueue<unknown>();

  constructor(name: string | Buffer | number, isPattern = false, loop?: unknown) {
    super();
    void loop;
    this.name = channelName(name);
    this.isPattern = Boolean(isPattern);
  }

  /** False once the channel is closed and every queued message was read. */
  get isActive(): boolean {
    return !this.queue.exhausted;
  }

  override get(options?: GetOptions): Promise<any>;
  override get(...args: unknown[]): Promise<any> {
    const { encoding, decoder } = getOptions("get", args);
    return this.read(encoding, decoder);
  }

  private async read(encoding: Encoding | undefined, decoder: ((m: any) => unknown) | null | undefined): Promise<any> {
    if (this.queue.exhausted) throw new ChannelClosedError();
    const msg = await this.queue.get();
    if (msg === END_OF_STREAM) return null;
    if (this.isPattern) {
      const [dest, data] = msg as [Buffer, unknown];
      return [dest, decodeMessage(data, encoding, decoder)];
    }
    return decodeMessage(msg, encoding, decoder);
  }

  /** `get({ encoding, decoder: JSON.parse })`; the encoding defaults to UTF-8. */
  getJson(encoding?: string | { encoding?: string }): Promise<any>;
  getJson(...args: unknown[]): Promise<any> {
    const a = bind("getJson", "encoding?", args);
    return this.read(a.encoding ?? "utf-8", JSON.parse);
  }

  /** Waits until a message is there (true) or the channel is closed (false). */
  async waitMessage(): Promise<boolean> {
    if (!this.isActive) return false;
    if (this.queue.size > 0) return true;
    await this.queue.wait();
    return this.isActive;
  }

  /** `for await (const msg of ch.iter({ encoding }))`: ends when the channel closes. */
  iter(options?: GetOptions): AsyncIterableIterator<any>;
  iter(...args: unknown[]): AsyncIterableIterator<any> {
    const { encoding, decoder } = getOptions("iter", args);
    return new IterHelper(
      () => this.isActive,
      () => this.read(encoding, decoder),
    );
  }

  putNowait(data: unknown): void {
    this.queue.put(data);
  }

  close(exc?: unknown): void {
    void exc;
    this.queue.close();
  }

  attachSource(source: MessageSource): void {
    this.queue.addSource(source);
  }

  override toString(): string {
    return `<Channel name:${this.name.toString("utf8")}, is_pattern:${this.isPattern}, qsize:${this.queue.size}>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /** For `for await (const msg of ch)`: the raw messages. */
  [Symbol.asyncIterator](): AsyncIterableIterator<M> {
    return this.iter() as AsyncIterableIterator<M>;
  }
}

/** One subscription of a `Receiver` (v1's `_Sender`): pass it to `subscribe()` / `psubscribe()`. */
export class Sender extends AbcChannel {
  readonly name: Buffer;
  readonly isPattern: boolean;
  private closedFlag = false;

  constructor(
    private readonly receiver: Receiver,
    name: Buffer,
    isPattern: boolean,
  ) {
    super();
    this.name = name;
    this.isPattern = isPattern;
  }

  /** True until the subscription ends. */
  get isActive(): boolean {
    return !this.closedFlag;
  }

  override get(): Promise<never> {
    return Promise.reject(new Error("MPSC channel does not allow direct get() calls"));
  }

  putNowait(data: unknown): void {
    this.receiver.putNowait(data, this);
  }

  close(exc?: unknown): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.receiver.senderClosed(this, exc);
  }

  attachSource(source: MessageSource): void {
    this.receiver.addSource(source);
  }

  override toString(): string {
    return `<_Sender name:${this.name.toString("utf8")}, is_pattern:${this.isPattern}, receiver:${this.receiver.toString()}>`;
  }
}

export interface ReceiverOptions {
  /** Called when a sender's subscription ends; the default stops the receiver once none is left. */
  onClose?: ((sender: Sender, exc?: unknown) => void) | null;
  loop?: unknown;
}

/**
 * Many subscriptions, one reader (v1's `aioredis.pubsub.Receiver`):
 *
 * ```ts
 * const mpsc = new Receiver();
 * await redis.subscribe(mpsc.channel("a"), mpsc.pattern("b:*"));
 * for await (const [sender, msg] of mpsc.iter()) { ... }
 * ```
 *
 * `get()` gives `[sender, message]`, or `[sender, [channel, message]]` for a pattern.
 */
export class Receiver {
  private readonly queue = new ClosableQueue<[Sender, unknown]>();
  private readonly refs = new Map<string, Sender>();
  private readonly onClose: (sender: Sender, exc?: unknown) => void;

  constructor(options: ReceiverOptions = {}) {
    if (!isPlainObject(options)) throw new TypeError("Receiver: options must be an object");
    const onClose = (options.onClose ?? null) as ReceiverOptions["onClose"];
    if (onClose !== null && typeof onClose !== "function") throw new TypeError("Receiver: onClose must be a function");
    this.onClose = onClose ?? ((sender, exc) => this.checkStop(sender, exc));
  }

  /** The sender for a channel name (one per name). */
  channel(name: string | Buffer | number): Sender {
    return this.sender(channelName(name), false);
  }

  /** The sender for a pattern (one per pattern). */
  pattern(pattern: string | Buffer | number): Sender {
    return this.sender(channelName(pattern), true);
  }

  private sender(name: Buffer, isPattern: boolean): Sender {
    const key = `${isPattern ? "p" : "c"}:${nameKey(name)}`;
    let sender = this.refs.get(key);
    if (!sender) {
      sender = new Sender(this, name, isPattern);
      this.refs.set(key, sender);
    }
    return sender;
  }

  /** The channel senders, by name (UTF-8). */
  get channels(): Readonly<Record<string, Sender>> {
    return this.view(false);
  }

  /** The pattern senders, by pattern (UTF-8). */
  get patterns(): Readonly<Record<string, Sender>> {
    return this.view(true);
  }

  private view(isPattern: boolean): Readonly<Record<string, Sender>> {
    const out: Record<string, Sender> = {};
    for (const sender of this.refs.values()) if (sender.isPattern === isPattern) out[sender.name.toString("utf8")] = sender;
    return Object.freeze(out);
  }

  get(options?: GetOptions): Promise<any>;
  get(...args: unknown[]): Promise<any> {
    const { encoding, decoder } = getOptions("get", args);
    return this.read(encoding, decoder);
  }

  private async read(encoding: Encoding | undefined, decoder: ((m: any) => unknown) | null | undefined): Promise<any> {
    if (this.queue.exhausted) throw new ChannelClosedError();
    const obj = await this.queue.get();
    if (obj === END_OF_STREAM) return null;
    const [sender, msg] = obj;
    if (sender.isPattern) {
      const [dest, data] = msg as [Buffer, unknown];
      return [sender, [dest, decodeMessage(data, encoding, decoder)]];
    }
    return [sender, decodeMessage(msg, encoding, decoder)];
  }

  /** Waits for a message (true), or false once stopped. */
  async waitMessage(): Promise<boolean> {
    if (this.queue.size > 0) return true;
    if (this.queue.closed) return false;
    await this.queue.wait();
    return this.isActive;
  }

  /** True while messages may still come: not stopped and drained, and some sender is active. */
  get isActive(): boolean {
    if (this.queue.exhausted) return false;
    for (const sender of this.refs.values()) if (sender.isActive) return true;
    return false;
  }

  /** Stops receiving: later messages are dropped. Unsubscribe first. */
  stop(): void {
    this.queue.close();
  }

  /** `for await (const [sender, msg] of mpsc.iter())`. */
  iter(options?: GetOptions): AsyncIterableIterator<any>;
  iter(...args: unknown[]): AsyncIterableIterator<any> {
    const { encoding, decoder } = getOptions("iter", args);
    return new IterHelper(
      () => !this.queue.exhausted,
      () => this.read(encoding, decoder),
    );
  }

  /** The default `onClose`: stops the receiver when no sender is left. */
  checkStop(sender: Sender, exc?: unknown): void {
    void sender;
    void exc;
    if (this.refs.size === 0) this.stop();
  }

  /** @internal */
  putNowait(data: unknown, sender: Sender): void {
    this.queue.put([sender, data]);
  }

  /** @internal */
  senderClosed(sender: Sender, exc?: unknown): void {
    this.refs.delete(`${sender.isPattern ? "p" : "c"}:${nameKey(sender.name)}`);
    this.onClose(sender, exc);
  }

  /** @internal */
  addSource(source: MessageSource): void {
    this.queue.addSource(source);
  }

  toString(): string {
    return `<Receiver is_active:${this.isActive}, senders:${this.refs.size}, qsize:${this.queue.size}>`;
  }
}
