import { isPlainObject } from "../commands/spec.js";
import { ConnectionError, DataError, MovedError, PubSubError, TimeoutError } from "../errors.js";
import type { RedisString } from "../pool.js";
import { runDispatchLoop, type MessageHandler, type PubSub, type PubSubMessage, type PubSubOptions } from "../pubsub.js";
import type { ClusterRouter } from "./router.js";
import { keySlot } from "./slots.js";
import { ClusterNode } from "./topology.js";

export interface ClusterPubSubOptions extends PubSubOptions {
  /** The node SUBSCRIBE and PSUBSCRIBE go to; default: the owner of the first channel's slot. */
  node?: ClusterNode | null;
  /** With `port`: the node by address (redis-py's `host`/`port`). */
  host?: string | null;
  port?: number | null;
}

export interface ClusterGetMessageOptions {
  /** Seconds to wait: 0 (default) only looks, `null` waits forever. */
  timeout?: number | null;
  ignoreSubscribeMessages?: boolean;
}

type SubscribeArg<T extends RedisString> = string | Buffer | Record<string, MessageHandler<T> | null>;

interface Subscription<T extends RedisString> {
  name: string | Buffer;
  handler: MessageHandler<T> | null;
}

/** A node-level PubSub this object reads from. */
interface Source<T extends RedisString> {
  node: ClusterNode;
  ps: PubSub<T>;
  /** The slot of a sharded source; null for the SUBSCRIBE/PSUBSCRIBE source. */
  slot: number | null;
}

/**
 * Pub/sub on a Redis Cluster (redis-py's `ClusterPubSub`). SUBSCRIBE and PSUBSCRIBE go to one
 * node (messages published anywhere reach every node); SSUBSCRIBE goes to the owner of each
 * shard channel's slot, one connection per slot. When a slot moves (the node unsubscribes
 * its clients, answers MOVED, or the topology changes) or a node fails, the subscriptions
 * are made again on the new owner by themselves. Messages from every node come out of
 * `getMessage()` / `listen()` / `run()` as from one `PubSub`.
 */
export class ClusterPubSub<T extends RedisString = Buffer> {
  readonly ignoreSubscribeMessages: boolean;
  private readonly router: ClusterRouter;
  private readonly pinned: { node: ClusterNode | null; host: string | null; port: number | null };
  private readonly channelSubs = new Map<string, Subscription<T>>();
  private readonly patternSubs = new Map<string, Subscription<T>>();
  private readonly shardSubs = new Map<string, Subscription<T>>();
  /** Shard channels with an SUNSUBSCRIBE of the user's on its way. */
  private readonly leavingShards = new Set<string>();
  private classic: Source<T> | null = null;
  private readonly shardSources = new Map<number, Source<T>>();
  private readonly messages: PubSubMessage<T>[] = [];
  private pendingError: Error | null = null;
  private readonly waiters = new Set<() => void>();
  private readonly pulls = new Map<PubSub<T>, Promise<void>>();
  /** Confirmations of re-subscriptions made by this object, not shown to the reader. */
  private readonly hidden = new Map<string, number>();
  private readonly rehoming = new Map<number | "classic", Promise<void>>();
  private readers = 0;
  private closed = false;
  private readonly onTopology = (): void => this.checkOwners();

  constructor(router: ClusterRouter, options: ClusterPubSubOptions = {}) {
    for (const key of Object.keys(options)) {
      if (key !== "ignoreSubscribeMessages" && key !== "node" && key !== "host" && key !== "port") {
        throw new DataError(`pubsub: unknown option '${key}'`);
      }
    }
    if (options.node != null && !(options.node instanceof ClusterNode)) throw new DataError("pubsub: 'node' must be a ClusterNode");
    if ((options.host == null) !== (options.port == null)) throw new DataError("pubsub: give both 'host' and 'port', or neither");
    this.router = router;
    this.ignoreSubscribeMessages = options.ignoreSubscribeMessages ?? false;
    this.pinned = { node: options.node ?? null, host: options.host ?? null, port: options.port ?? null };
  }

  /** True while any channel, pattern or shard channel is subscribed. */
  get subscribed(): boolean {
    return this.channelSubs.size + this.patternSubs.size + this.shardSubs.size > 0;
  }

  get channels(): (string | Buffer)[] {
    return [...this.channelSubs.values()].map((s) => s.name);
  }

  get patterns(): (string | Buffer)[] {
    return [...this.patternSubs.values()].map((s) => s.name);
  }

  get shardChannels(): (string | Buffer)[] {
    return [...this.shardSubs.values()].map((s) => s.name);
  }

  /** The node SUBSCRIBE/PSUBSCRIBE went to, once subscribed. */
  get node(): ClusterNode | null {
    return this.classic?.node ?? null;
  }

  /** SUBSCRIBE: names, and `{ name: handler }` objects. */
  async subscribe(...args: SubscribeArg<T>[]): Promise<void> {
    const subs = this.parse("SUBSCRIBE", args);
    for (const sub of subs) this.channelSubs.set(this.key(sub.name), sub);
    await this.withClassic(subs[0]!.name, (ps) => ps.subscribe(...subs.map((s) => s.name)));
  }

  /** PSUBSCRIBE: patterns, and `{ pattern: handler }` objects. */
  async psubscribe(...args: SubscribeArg<T>[]): Promise<void> {
    const subs = this.parse("PSUBSCRIBE", args);
    for (const sub of subs) this.patternSubs.set(this.key(sub.name), sub);
    await this.withClassic(null, (ps) => ps.psubscribe(...subs.map((s) => s.name)));
  }

  /** SSUBSCRIBE: each shard channel on the owner of its slot. */
  async ssubscribe(...args: SubscribeArg<T>[]): Promise<void> {
    const subs = this.parse("SSUBSCRIBE", args);
    await this.router.ready();
    this.router.nodesManager.onRefresh.add(this.onTopology);
    const bySlot = new Map<number, Subscription<T>[]>();
    for (const sub of subs) {
      const key = this.key(sub.name);
      this.shardSubs.set(key, sub);
      this.leavingShards.delete(key);
      const slot = keySlot(sub.name, this.router.encoding);
      bySlot.set(slot, [...(bySlot.get(slot) ?? []), sub]);
    }
    await Promise.all(
      [...bySlot].map(async ([slot, group]) => {
        const pending = this.rehoming.get(slot);
        if (pending) await pending;
        const source = this.shardSources.get(slot) ?? this.openShardSource(slot);
        try {
          await source.ps.ssubscribe(...group.map((s) => s.name));
        } catch (err) {
          if (!(err instanceof ConnectionError || err instanceof TimeoutError)) throw err;
          await this.rehome(slot);
        }
      }),
    );
  }

  /** UNSUBSCRIBE the given channels, or every channel. */
  async unsubscribe(...names: (string | Buffer)[]): Promise<void> {
    const keys = names.length > 0 ? names.map((n) => this.key(n)) : [...this.channelSubs.keys()];
    for (const key of keys) this.channelSubs.delete(key);
    if (this.classic) await this.classic.ps.unsubscribe(...names);
  }

  /** PUNSUBSCRIBE the given patterns, or every pattern. */
  async punsubscribe(...names: (string | Buffer)[]): Promise<void> {
    const keys = names.length > 0 ? names.map((n) => this.key(n)) : [...this.patternSubs.keys()];
    for (const key of keys) this.patternSubs.delete(key);
    if (this.classic) await this.classic.ps.punsubscribe(...names);
  }

  /** SUNSUBSCRIBE the given shard channels, or every one. */
  async sunsubscribe(...names: (string | Buffer)[]): Promise<void> {
    const subs = names.length > 0 ? names.map((name) => ({ name, key: this.key(name) })) : [...this.shardSubs].map(([key, s]) => ({ name: s.name, key }));
    const bySlot = new Map<number, (string | Buffer)[]>();
    for (const { name, key } of subs) {
      this.shardSubs.delete(key);
      this.leavingShards.add(key);
      const slot = keySlot(name, this.router.encoding);
      bySlot.set(slot, [...(bySlot.get(slot) ?? []), name]);
    }
    await Promise.all(
      [...bySlot].map(async ([slot, group]) => {
        const source = this.shardSources.get(slot);
        if (source) await source.ps.sunsubscribe(...group).catch(() => {});
      }),
    );
  }

  /** PING on the SUBSCRIBE connection (or the first shard connection); the answer is a `pong` message. */
  async ping(message?: string | Buffer): Promise<void> {
    const source = this.classic ?? this.shardSources.values().next().value;
    if (!source) throw new PubSubError("The pubsub has no connection: subscribe to something first");
    await source.ps.ping(message);
  }

  /**
   * The next message from any node, or `null` when none came within `timeout` seconds (0:
   * don't wait; `null`: wait forever), or when it went to a handler or was an ignored
   * confirmation.
   */
  async getMessage(options: ClusterGetMessageOptions = {}): Promise<PubSubMessage<T> | null> {
    for (const key of Object.keys(options)) {
      if (key !== "timeout" && key !== "ignoreSubscribeMessages") throw new DataError(`getMessage: unknown option '${key}'`);
    }
    const timeout = options.timeout === undefined ? 0 : options.timeout;
    if (timeout !== null && !(typeof timeout === "number" && timeout >= 0)) throw new DataError("getMessage: 'timeout' must be a number of seconds or null");
    if (!this.classic && this.shardSources.size === 0) throw new PubSubError("The pubsub has no connection: subscribe to something first");
    const ignore = options.ignoreSubscribeMessages ?? this.ignoreSubscribeMessages;
    const deadline = timeout === null ? null : Date.now() + timeout * 1000;
    for (;;) {
      const message = await this.next(deadline);
      if (!message) return null;
      const handled = await this.handle(message, ignore);
      if (handled) return handled;
    }
  }

  /** Every message, as an async iterator; ends once nothing is subscribed or the pubsub is closed. */
  async *listen(): AsyncGenerator<PubSubMessage<T>, void, undefined> {
    while (!this.closed && (this.subscribed || this.messages.length > 0)) {
      const message = await this.next(Date.now() + 1000);
      if (!message) continue;
      const handled = await this.handle(message, this.ignoreSubscribeMessages);
      if (handled) yield handled;
    }
  }

  /** Dispatches every message to its handler until closed or unsubscribed from everything. */
  async run(options: { exceptionHandler?: (error: unknown, pubsub: ClusterPubSub<any>) => unknown; pollTimeout?: number } = {}): Promise<void> {
    const subs = [this.channelSubs, this.patternSubs, this.shardSubs].flatMap((subs) => [...subs.values()].map((sub) => ({ ...sub, kind: "Channel" })));
    await runDispatchLoop(this, subs, () => this.closed || !this.subscribed, options);
  }

  /** Unsubscribes from everything and closes every node connection of this pubsub. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.router.nodesManager.onRefresh.delete(this.onTopology);
    this.wake();
    const sources = [...(this.classic ? [this.classic] : []), ...this.shardSources.values()];
    this.classic = null;
    this.shardSources.clear();
    this.channelSubs.clear();
    this.patternSubs.clear();
    this.shardSubs.clear();
    await Promise.all(sources.map((s) => s.ps.close().catch(() => {})));
  }

  aclose(): Promise<void> {
    return this.close();
  }

  reset(): Promise<void> {
    return this.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  // ---- sources ----------------------------------------------------------------------------

  private parse(command: string, args: SubscribeArg<T>[]): Subscription<T>[] {
    if (this.closed) throw new PubSubError("The pubsub is closed");
    const subs: Subscription<T>[] = [];
    for (const arg of args) {
      if (typeof arg === "string" || Buffer.isBuffer(arg)) subs.push({ name: arg, handler: null });
      else if (isPlainObject(arg)) {
        for (const [name, handler] of Object.entries(arg)) {
          if (handler !== null && typeof handler !== "function") throw new DataError(`${command}: the handler for '${name}' must be a function or null`);
          subs.push({ name, handler: handler as MessageHandler<T> | null });
        }
      } else throw new DataError(`${command}: expected channel names or { name: handler } objects`);
    }
    if (subs.length === 0) throw new DataError(`${command} needs at least one name`);
    return subs;
  }

  private key(name: string | Buffer): string {
    return (Buffer.isBuffer(name) ? name : Buffer.from(name, this.router.encoding)).toString("latin1");
  }

  /** Runs `fn` on the SUBSCRIBE/PSUBSCRIBE source, made on first use and moved if its node fails. */
  private async withClassic(firstChannel: string | Buffer | null, fn: (ps: PubSub<T>) => Promise<void>): Promise<void> {
    await this.router.ready();
    const pending = this.rehoming.get("classic");
    if (pending) await pending;
    if (!this.classic) {
      const node = this.classicNode(firstChannel);
      this.classic = { node, ps: node.redis.pubsub(), slot: null };
    }
    try {
      await fn(this.classic.ps);
    } catch (err) {
      if (!(err instanceof ConnectionError || err instanceof TimeoutError)) throw err;
      await this.rehomeClassic(); // subscribes everything (this call's names included) elsewhere
    }
  }

  private classicNode(firstChannel: string | Buffer | null, avoid?: ClusterNode): ClusterNode {
    const { node, host, port } = this.pinned;
    // The node asked for, unless it just failed: then any other.
    if (node && !avoid) return this.router.nodesManager.getOrCreateNode(node.host, node.port);
    if (host !== null && port !== null && !avoid) return this.router.nodesManager.getOrCreateNode(host, port);
    if (firstChannel !== null && !avoid) {
      const owner = this.router.nodesManager.slotsCache[keySlot(firstChannel, this.router.encoding)]?.[0];
      if (owner) return owner;
    }
    const primaries = this.router.nodesManager.primaries().filter((n) => n !== avoid);
    const pool = primaries.length > 0 ? primaries : [...this.router.nodesManager.nodesCache.values()].filter((n) => n !== avoid);
    const chosen = pool[Math.floor(Math.random() * pool.length)];
    if (!chosen) throw new PubSubError("No cluster node to subscribe on");
    return chosen;
  }

  private openShardSource(slot: number): Source<T> {
    const owner = this.router.nodesManager.slotsCache[slot]?.[0];
    if (!owner) throw new PubSubError(`Slot ${slot} has no node: cannot SSUBSCRIBE`);
    const source: Source<T> = { node: owner, ps: owner.redis.pubsub(), slot };
    this.shardSources.set(slot, source);
    if (this.readers > 0) this.pull(source);
    return source;
  }

  private hide(type: string, name: string | Buffer): void {
    const key = `${type}:${this.key(name)}`;
    this.hidden.set(key, (this.hidden.get(key) ?? 0) + 1);
  }

  /** Moves SUBSCRIBE/PSUBSCRIBE to another node (the old one failed). */
  private rehomeClassic(): Promise<void> {
    const running = this.rehoming.get("classic");
    if (running) return running;
    const work = (async () => {
      const old = this.classic;
      this.classic = null;
      if (old) await old.ps.close().catch(() => {});
      for (let attempt = 1; !this.closed && (this.channelSubs.size > 0 || this.patternSubs.size > 0); attempt++) {
        await this.router.nodesManager.refresh(null).catch(() => {});
        const node = this.classicNode(null, old?.node);
        const source: Source<T> = { node, ps: node.redis.pubsub(), slot: null };
        try {
          const channels = [...this.channelSubs.values()].map((s) => s.name);
          const patterns = [...this.patternSubs.values()].map((s) => s.name);
          for (const c of channels) this.hide("subscribe", c);
          for (const p of patterns) this.hide("psubscribe", p);
          if (channels.length > 0) await source.ps.subscribe(...channels);
          if (patterns.length > 0) await source.ps.psubscribe(...patterns);
          this.classic = source;
          if (this.readers > 0) this.pull(source);
          return;
        } catch (err) {
          await source.ps.close().catch(() => {});
          if (attempt > this.router.retry.getRetries()) {
            this.fail(err as Error);
            return;
          }
          await this.router.pause(attempt);
        }
      }
    })().finally(() => this.rehoming.delete("classic"));
    this.rehoming.set("classic", work);
    return work;
  }

  /** Subscribes a slot's shard channels again on the slot's owner (moved, or the node failed). */
  private rehome(slot: number): Promise<void> {
    const running = this.rehoming.get(slot);
    if (running) return running;
    const work = (async () => {
      const old = this.shardSources.get(slot);
      this.shardSources.delete(slot);
      if (old) await old.ps.close().catch(() => {});
      for (let attempt = 1; !this.closed; attempt++) {
        const names = [...this.shardSubs.values()].filter((s) => keySlot(s.name, this.router.encoding) === slot).map((s) => s.name);
        if (names.length === 0) return;
        await this.router.nodesManager.refresh(null).catch(() => {});
        let source: Source<T> | null = null;
        try {
          source = this.openShardSource(slot);
          for (const name of names) this.hide("ssubscribe", name);
          await source.ps.ssubscribe(...names);
          return;
        } catch (err) {
          if (source) {
            this.shardSources.delete(slot);
            await source.ps.close().catch(() => {});
          }
          if (attempt > this.router.retry.getRetries()) {
            this.fail(err as Error);
            return;
          }
          await this.router.pause(attempt);
        }
      }
    })().finally(() => this.rehoming.delete(slot));
    this.rehoming.set(slot, work);
    return work;
  }

  /** After a topology refresh: shard channels whose slot has a new owner move there. */
  private checkOwners(): void {
    if (this.closed) return;
    for (const [slot, source] of this.shardSources) {
      const owner = this.router.nodesManager.slotsCache[slot]?.[0];
      if (owner && owner !== source.node && !this.rehoming.has(slot)) void this.rehome(slot);
    }
  }

  // ---- reading ------------------------------------------------------------------------------

  private sources(): Source<T>[] {
    return [...(this.classic ? [this.classic] : []), ...this.shardSources.values()];
  }

  /** Reads one node's PubSub while someone waits here, passing its messages on. */
  private pull(source: Source<T>): void {
    if (this.pulls.has(source.ps)) return;
    const current = (): boolean => (source.slot === null ? this.classic === source : this.shardSources.get(source.slot) === source);
    const work = (async () => {
      try {
        while (!this.closed && this.readers > 0 && current()) {
          const message = await source.ps.getMessage({ timeout: 0.25, ignoreSubscribeMessages: false });
          if (message) this.accept(source, message);
        }
      } catch (err) {
        if (!this.closed && current()) this.sourceFailed(source, err as Error);
      } finally {
        this.pulls.delete(source.ps);
      }
    })();
    this.pulls.set(source.ps, work);
  }

  /** Takes what each node has already received, without waiting. */
  private async drain(): Promise<void> {
    await Promise.all(
      this.sources().map(async (source) => {
        try {
          for (;;) {
            const message = await source.ps.getMessage({ timeout: 0, ignoreSubscribeMessages: false });
            if (!message) return;
            this.accept(source, message);
          }
        } catch (err) {
          if (err instanceof PubSubError && /no connection/.test(err.message)) return;
          this.sourceFailed(source, err as Error);
        }
      }),
    );
  }

  private sourceFailed(source: Source<T>, err: Error): void {
    if (this.closed) return;
    if (source.slot !== null) {
      if (err instanceof MovedError) {
        this.router.noteMoved(err);
        void this.rehome(source.slot);
        return;
      }
      if (err instanceof ConnectionError || err instanceof TimeoutError) {
        this.router.nodesManager.nodeFailed(source.node);
        void this.rehome(source.slot);
        return;
      }
    } else if (err instanceof ConnectionError || err instanceof TimeoutError) {
      this.router.nodesManager.nodeFailed(source.node);
      void this.rehomeClassic();
      return;
    }
    this.fail(err);
  }

  /** A message from a node: hidden re-subscription confirmations and slot-move notices stay here. */
  private accept(source: Source<T>, message: PubSubMessage<T>): void {
    const type = message.type;
    if (type === "sunsubscribe" && message.channel !== null) {
      const key = this.key(message.channel as string | Buffer);
      if (this.shardSubs.has(key) && !this.leavingShards.has(key)) {
        // The node dropped the channel itself: its slot moved.
        if (source.slot !== null && this.shardSources.get(source.slot) === source) void this.rehome(source.slot);
        return;
      }
      this.leavingShards.delete(key);
      if (message.data === 0 && source.slot !== null && this.shardSources.get(source.slot) === source) {
        const slot = source.slot;
        const stillWanted = [...this.shardSubs.values()].some((s) => keySlot(s.name, this.router.encoding) === slot);
        if (!stillWanted) {
          this.shardSources.delete(slot);
          void source.ps.close().catch(() => {});
        }
      }
    }
    if ((type === "subscribe" || type === "psubscribe" || type === "ssubscribe") && message.channel !== null) {
      const key = `${type}:${this.key(message.channel as string | Buffer)}`;
      const count = this.hidden.get(key);
      if (count) {
        if (count === 1) this.hidden.delete(key);
        else this.hidden.set(key, count - 1);
        return;
      }
    }
    this.messages.push(message);
    this.wake();
  }

  private fail(error: Error): void {
    this.pendingError = error;
    this.wake();
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  /** The next message received from any node, waiting until `deadline` (null: forever). */
  private async next(deadline: number | null): Promise<PubSubMessage<T> | null> {
    for (let drained = false; ; ) {
      if (this.pendingError) {
        const error = this.pendingError;
        this.pendingError = null;
        throw error;
      }
      const message = this.messages.shift();
      if (message) return message;
      if (this.closed) return null;
      if (!drained) {
        drained = true;
        await this.drain();
        continue;
      }
      const wait = deadline === null ? null : deadline - Date.now();
      if (wait !== null && wait <= 0) return null;
      await this.waitForMessage(wait);
    }
  }

  private async waitForMessage(ms: number | null): Promise<void> {
    this.readers++;
    for (const source of this.sources()) this.pull(source);
    try {
      await new Promise<void>((resolve) => {
        let timer: NodeJS.Timeout | undefined;
        const done = (): void => {
          if (!this.waiters.delete(done)) return;
          if (timer) clearTimeout(timer);
          resolve();
        };
        this.waiters.add(done);
        if (ms !== null) timer = setTimeout(done, ms);
        // Sources made while waiting (a re-subscription) are read too.
        const poll = setInterval(() => {
          if (!this.waiters.has(done)) {
            clearInterval(poll);
            return;
          }
          for (const source of this.sources()) this.pull(source);
        }, 100);
        poll.unref();
      });
    } finally {
      this.readers--;
    }
  }

  private async handle(message: PubSubMessage<T>, ignoreSubscribeMessages: boolean): Promise<PubSubMessage<T> | null> {
    const type = message.type;
    if (type !== "message" && type !== "pmessage" && type !== "smessage" && type !== "pong") {
      return ignoreSubscribeMessages ? null : message;
    }
    let handler: MessageHandler<T> | null = null;
    if (type === "pmessage" && message.pattern !== null) handler = this.patternSubs.get(this.key(message.pattern as string | Buffer))?.handler ?? null;
    else if (type === "message" && message.channel !== null) handler = this.channelSubs.get(this.key(message.channel as string | Buffer))?.handler ?? null;
    else if (type === "smessage" && message.channel !== null) handler = this.shardSubs.get(this.key(message.channel as string | Buffer))?.handler ?? null;
    if (handler) {
      await handler(message);
      return null;
    }
    return message;
  }
}
