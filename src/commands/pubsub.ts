import type { CommandArg, RespValue } from "../protocol/index.js";
import { help, rest } from "./args.js";
import { toArray, toNumber, toPairs } from "./replies.js";
import { defineCommands, type CommandSpec } from "./spec.js";
import type { EncodableT, KeyT, Ret } from "./types.js";

/*
 * Pub/sub introspection and SPUBLISH (PUBLISH lives in core.ts; SUBSCRIBE and friends belong
 * to the PubSub object).
 */
export interface PubSubCommands<T, M> {
  /** SPUBLISH: the number of shard-channel subscribers that received the message. */
  spublish(shardChannel: KeyT, message: EncodableT): Ret<M, number>;
  /** PUBSUB CHANNELS [pattern] (pattern defaults to `*`): channels with subscribers. */
  pubsubChannels(pattern?: EncodableT): Ret<M, T[]>;
  pubsubChannels(options: { pattern?: EncodableT }): Ret<M, T[]>;
  /** PUBSUB NUMPAT: the number of pattern subscriptions. */
  pubsubNumpat(): Ret<M, number>;
  /** PUBSUB NUMSUB channel ...: `[channel, subscribers][]`. */
  pubsubNumsub(...channels: KeyT[]): Ret<M, [T, number][]>;
  /** PUBSUB SHARDCHANNELS [pattern] (pattern defaults to `*`). */
  pubsubShardchannels(pattern?: EncodableT): Ret<M, T[]>;
  pubsubShardchannels(options: { pattern?: EncodableT }): Ret<M, T[]>;
  /** PUBSUB SHARDNUMSUB shardchannel ...: `[channel, subscribers][]`. */
  pubsubShardnumsub(...channels: KeyT[]): Ret<M, [T, number][]>;
  pubsubHelp(): Ret<M, string[]>;
}

/** redis-py's `parse_pubsub_numsub` (pairs), from a flat array (RESP2) or a map (RESP3). */
function numsub(reply: RespValue): [RespValue, number][] {
  return toPairs(reply).map(([channel, count]) => [channel, toNumber(count)]);
}

export const PUBSUB_COMMANDS: Record<string, CommandSpec> = defineCommands({
  spublish: {
    command: "SPUBLISH",
    params: ["shardChannel", "message"],
    build: ({ shardChannel, message }) => ["SPUBLISH", shardChannel, message],
  },
  pubsubChannels: {
    command: "PUBSUB CHANNELS",
    params: ["pattern?"],
    build: ({ pattern }) => ["PUBSUB", "CHANNELS", (pattern as CommandArg | undefined) ?? "*"],
    reply: toArray,
  },
  pubsubNumpat: { command: "PUBSUB NUMPAT", params: [], build: () => ["PUBSUB", "NUMPAT"] },
  pubsubNumsub: { command: "PUBSUB NUMSUB", params: ["...channels"], build: ({ channels }) => ["PUBSUB", "NUMSUB", ...rest(channels)], reply: numsub },
  pubsubShardchannels: {
    command: "PUBSUB SHARDCHANNELS",
    params: ["pattern?"],
    build: ({ pattern }) => ["PUBSUB", "SHARDCHANNELS", (pattern as CommandArg | undefined) ?? "*"],
    reply: toArray,
  },
  pubsubShardnumsub: {
    command: "PUBSUB SHARDNUMSUB",
    params: ["...channels"],
    build: ({ channels }) => ["PUBSUB", "SHARDNUMSUB", ...rest(channels)],
    reply: numsub,
  },
  pubsubHelp: help("PUBSUB"),
});
