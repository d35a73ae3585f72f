/** The PubSub command group (aioredis 1.x's `PubSubCommandsMixin`), installed on `Redis` by commands/index.ts: `subscribe()` resolves with `Channel` objects. */
import { signatures } from "../calling.js";
import { RedisBase } from "./base.js";
import type { AbcConnection } from "../abc.js";
import type { AbcChannel } from "../pubsub.js";
import { Channel, channelName, nameKey } from "../pubsub.js";
import { makeDict, quiet, type Arg, type RedisString } from "../util.js";

type ChannelArg = Arg | AbcChannel;

/** The v1 signatures of the PubSub commands (see calling.ts). */
export const pubSubSignatures = signatures({
  publishJson: "channel, obj{}",
  publish: "channel, message",
  pubsubChannels: "pattern?",
  pubsubNumsub: "*channels",
  pubsubNumpat: "",
});

export class PubSubCommands<T extends RedisString = Buffer> extends RedisBase<T> {
  /** PUBLISH: the number of subscribers that got it. */
  publish(channel: Arg, message: Arg): Promise<number> {
    const a = pubSubSignatures.bind("publish", arguments);
    return this._exec("PUBLISH", [a.channel, a.message]);
  }

  /** PUBLISH `JSON.stringify(obj)`. */
  publishJson(channel: Arg, obj: unknown): Promise<number> {
    const a = pubSubSignatures.bind("publishJson", arguments);
    return this.publish(a.channel, JSON.stringify(a.obj));
  }

  /**
   * SUBSCRIBE: resolves with one `Channel` per name (an already subscribed name gives its
   * existing Channel). A single-connection client then refuses other commands.
   */
  subscribe(channel: ChannelArg, ...channels: ChannelArg[]): Promise<Channel[]> {
    return subscribeAndCollect(this._poolOrConn, "SUBSCRIBE", [channel, ...channels], false);
  }

  psubscribe(pattern: ChannelArg, ...patterns: ChannelArg[]): Promise<Channel[]> {
    return subscribeAndCollect(this._poolOrConn, "PSUBSCRIBE", [pattern, ...patterns], true);
  }

  /** UNSUBSCRIBE: the raw confirmations, `[Buffer "unsubscribe", Buffer name, remaining]` each. */
  unsubscribe(channel: ChannelArg, ...channels: ChannelArg[]): Promise<unknown[]> {
    return this._poolOrConn.executePubsub("UNSUBSCRIBE", channel, ...channels);
  }

  punsubscribe(pattern: ChannelArg, ...patterns: ChannelArg[]): Promise<unknown[]> {
    return this._poolOrConn.executePubsub("PUNSUBSCRIBE", pattern, ...patterns);
  }

  /** PUBSUB CHANNELS (matching `pattern`). */
  pubsubChannels(pattern?: Arg | null): Promise<T[]> {
    const a = pubSubSignatures.bind("pubsubChannels", arguments);
    const args: unknown[] = ["CHANNELS"];
    if (a.pattern !== undefined && a.pattern !== null) args.push(a.pattern);
    return this._exec("PUBSUB", args);
  }

  /** PUBSUB NUMSUB as `{ channel: count }`. */
  pubsubNumsub(...channels: Arg[]): Promise<Record<string, number>> {
    const a = pubSubSignatures.bind("pubsubNumsub", arguments);
    return this._exec("PUBSUB", ["NUMSUB", ...a.rest.map(channelName)], undefined, makeDict);
  }

  pubsubNumpat(): Promise<number> {
    pubSubSignatures.bind("pubsubNumpat", arguments);
    return this._exec("PUBSUB", ["NUMPAT"]);
  }
}

/** Sends a (P)SUBSCRIBE and resolves with the subscribed Channels (the live one for a name already subscribed). */
function subscribeAndCollect(conn: AbcConnection<any>, command: string, channels: unknown[], isPattern: boolean): Promise<Channel[]> {
  const sent = conn.executePubsub(command, ...channels);
  return quiet(
    sent.then((replies) => {
      const live = new Map<string, AbcChannel>();
      for (const ch of Object.values(isPattern ? conn.pubsubPatterns : conn.pubsubChannels)) live.set(nameKey(ch.name), ch);
      return (replies as [Buffer, Buffer, number][]).map(([, name]) => (live.get(nameKey(name)) ?? new Channel(name, isPattern)) as Channel);
    }),
  );
}
