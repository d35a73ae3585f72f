/**
 * What a v1 `Redis` runs on (v1's `AbcConnection` / `AbcPool`): a connection, a pool,
 * or the buffer of a pipeline.
 */
import type { Monitor } from "../src/index.js";
import type { AbcChannel } from "./pubsub.js";
import type { RedisString } from "./util.js";

/** v1 commands that put a connection in (or out of) subscribe mode. */
export const PUBSUB_COMMANDS: ReadonlySet<string> = new Set(["SUBSCRIBE", "PSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE"]);

/** A connection or a pool, as `new Redis(...)` takes it. `T` is its string reply type. */
export interface AbcConnection<T extends RedisString = RedisString> {
  /** Sends a command at once; a trailing `{ encoding }` decodes this reply with that codec (`null`: Buffers). */
  execute(command: string | Buffer, ...args: unknown[]): Promise<any>;
  /** (P)(UN)SUBSCRIBE: resolves with one raw confirmation per channel. */
  executePubsub(command: string | Buffer, ...channels: unknown[]): Promise<unknown[]>;
  close(): void;
  waitClosed(): Promise<void>;
  select(db: number): Promise<boolean>;
  auth(password: string): Promise<boolean>;
  readonly closed: boolean;
  readonly db: number;
  readonly encoding: string | null;
  readonly address: [string, number] | string;
  readonly inTransaction: boolean;
  readonly inPubsub: number;
  readonly pubsubChannels: Readonly<Record<string, AbcChannel>>;
  readonly pubsubPatterns: Readonly<Record<string, AbcChannel>>;
  /** A v2 `Monitor` on a connection of its own (a connection or a pool; not a pipeline buffer). */
  monitor?(): Monitor<Buffer>;
  /** The reply type, for `new Redis(conn)` to infer; never set. */
  readonly __replyType?: T;
}

/** A frozen `{ name: channel }` view of a channel map, keyed by the UTF-8 name. */
export function channelView(map: ReadonlyMap<string, AbcChannel> | undefined): Readonly<Record<string, AbcChannel>> {
  const out: Record<string, AbcChannel> = {};
  if (map) for (const channel of map.values()) out[channel.name.toString("utf8")] = channel;
  return Object.freeze(out);
}
