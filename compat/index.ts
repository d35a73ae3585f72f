/**
 * `aioredis/compat`: the aioredis 1.x API (as docs/v1-api.md describes it), running on the v2 client.
 *
 * ```ts
 * import * as aioredis from "aioredis/compat";
 * const redis = await aioredis.createRedisPool("redis://localhost", { encoding: "utf-8" });
 * await redis.set("k", "v", { expire: 10 });
 * redis.close();
 * await redis.waitClosed();
 * ```
 *
 * Built only on the public API of `aioredis` (src/index.ts).
 */
export { createConnection, RedisConnection, type CreateConnectionOptions } from "./connection.js";
export { createPool, ConnectionsPool, type PoolOptions, type CreatePoolOptions } from "./pool.js";
export {
  createRedis,
  createRedisPool,
  Redis,
  ContextRedis,
  type CreateRedisOptions,
  type CreateRedisPoolOptions,
  type CommandsFactory,
} from "./redis.js";
export { Pipeline, MultiExec, type PipelineExecuteOptions, type PipelineCommands } from "./pipeline.js";
export { AbcChannel, Channel, Receiver, Sender, type GetOptions, type ReceiverOptions, type MessageSource } from "./pubsub.js";
export type { AbcConnection } from "./abc.js";
export type { Address, ConnectOptions, SslOptions } from "./address.js";
export type { Arg, Encoding, EncodingOption, RedisString } from "./util.js";
export type { SetOptions } from "./commands/string.js";
export type { ScanOptions, SortOptions, MigrateOptions } from "./commands/generic.js";
export type {
  ZaddOptions,
  ZstoreOptions,
  RangeOptions,
  ScoreRangeOptions,
  LexRangeOptions,
  LexOptions,
  BlockingPopOptions,
  ExcludeOption,
} from "./commands/sortedset.js";
export type { ScriptOptions } from "./commands/scripting.js";
export type { ClientInfo, InfoReply, MasterInfo, SlaveInfo, SentinelInfo, MasterSlaveInfo } from "./commands/server.js";
export type { GeoRadiusOptions } from "./commands/geo.js";
export type { StreamMessage, StreamEntry, XaddOptions, XreadOptions, XreadGroupOptions } from "./commands/streams.js";
export {
  RedisError,
  ProtocolError,
  ReplyError,
  MaxClientsError,
  AuthError,
  BusyGroupError,
  PipelineError,
  MultiExecError,
  WatchVariableError,
  ChannelClosedError,
  ReadOnlyError,
  MasterNotFoundError,
  SlaveNotFoundError,
  MasterReplyError,
  SlaveReplyError,
  ConnectionClosedError,
  ConnectionForcedCloseError,
  PoolClosedError,
} from "./errors.js";

import { geoPoint, type GeoMember as GeoMemberType, type GeoPoint as GeoPointType } from "./commands/geo.js";
import { namedTuple, type RedisString } from "./util.js";

/** v1's `GeoPoint(longitude, latitude)` named tuple. */
export type GeoPoint = GeoPointType;
export const GeoPoint = (longitude: number, latitude: number): GeoPoint => geoPoint(longitude, latitude);

/** v1's `GeoMember(member, dist, hash, coord)` named tuple. */
export type GeoMember<M = RedisString> = GeoMemberType<M>;
export const GeoMember = <M = RedisString>(member: M, dist: number | null, hash: number | null, coord: GeoPoint | null): GeoMember<M> =>
  namedTuple<GeoMember<M>>(["member", "dist", "hash", "coord"], [member, dist, hash, coord]);

/** The aioredis version whose API this emulates. */
export const __version__ = "1.3.1";
export { createSentinel, RedisSentinel, type SentinelState } from "./sentinel.js";
export {
  createSentinelPool,
  SentinelPool,
  ManagedPool,
  type CreateSentinelOptions,
  type CreateSentinelPoolOptions,
  type SentinelPoolOptions,
  type ManagedPoolOptions,
} from "./sentinel-pool.js";
