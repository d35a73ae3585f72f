/**
 * aioredis: an async-native Redis client whose API follows redis-py's asyncio client.
 * This file is the public API; `aioredis/compat` is built on nothing else.
 */
/** This package's version (redis-py's `redis.__version__`; `aioredis/compat` says "1.3.1", the API it emulates). */
export const __version__ = "2.0.0-dev.0";
export { Redis, fromUrl, type RedisOptions, type RedisConstructor, type UrlReplyType } from "./client.js";
export type { TransactionOptions } from "./transaction.js";
export { Pipeline, type ExecuteOptions, type WatchingPipeline } from "./pipeline.js";
export {
  PubSub,
  type PubSubMessage,
  type PubSubMessageType,
  type PubSubOptions,
  type MessageHandler,
  type GetMessageOptions,
  type RunOptions,
  type PingMessage,
} from "./pubsub.js";
export { Lock, type LockOptions, type AcquireOptions, type LockClass } from "./lock.js";
export { Script, type CallableScript, type ScriptCallOptions } from "./script.js";
export { Monitor, type MonitoredCommand } from "./monitor.js";
export {
  ConnectionPool,
  BlockingConnectionPool,
  type ConnectionPoolConstructor,
  type BlockingConnectionPoolConstructor,
  type ConnectionWaitOptions,
  type RedisString,
  type ReplyTypeOf,
} from "./pool.js";
export { Connection, type SendOptions } from "./connection/connection.js";
export {
  CHANNELS,
  redactArgs,
  queryText,
  type ChannelName,
  type ServerContext,
  type CommandTraceContext,
  type BatchTraceContext,
  type ConnectTraceContext,
  type ConnectionReadyMessage,
  type ConnectionClosedMessage,
  type PoolMessage,
  type PubSubMessageMessage,
  type ClusterRedirectMessage,
  type ErrorMessage,
} from "./tracing.js";
export {
  LIFECYCLE_EVENTS,
  type LifecycleEventName,
  type ConnectedEvent,
  type ReadyEvent,
  type ReconnectingEvent,
  type ClosedEvent,
  type ErrorEvent,
  type FailoverEvent,
} from "./events.js";
export type { ConnectionOptions, PoolOptions, CredentialProvider, Credentials, SslCertReqs } from "./options.js";
export type { ClientSideCache, CacheStats } from "./cache.js";
export type { ClientSideCacheOptions } from "./cache-options.js";
export {
  Retry,
  AbstractBackoff,
  NoBackoff,
  ConstantBackoff,
  ExponentialBackoff,
  FullJitterBackoff,
  EqualJitterBackoff,
  DecorrelatedJitterBackoff,
  ExponentialWithJitterBackoff,
  defaultBackoff,
  defaultRetry,
} from "./retry.js";
export { parseUrl, redactUrl } from "./url.js";
export type { Commands } from "./commands/index.js";
export { isBlockingCommand } from "./commands/routing.js";
export type * from "./commands/core.js";
export type * from "./commands/keys.js";
export type * from "./commands/strings.js";
export { BitFieldOperation } from "./commands/strings.js";
export type * from "./commands/hyperloglog.js";
export type * from "./commands/hashes.js";
export type * from "./commands/lists.js";
export type * from "./commands/sets.js";
export type * from "./commands/sortedsets.js";
export type * from "./commands/streams.js";
export type * from "./commands/geo.js";
export type * from "./commands/scripting.js";
export type * from "./commands/server.js";
export type * from "./commands/acl.js";
export type * from "./commands/cluster.js";
export type * from "./commands/pubsub.js";
export type { ScanIterOptions, ScanIterKeysOptions, ZscanIterOptions, ScanIterators } from "./commands/scan.js";
export type { KeyT, EncodableT, ExpiryT, IntReply, AsyncMode, Ret } from "./commands/types.js";
export type { RespValue, CommandArg } from "./protocol/index.js";
export * from "./errors.js";
/** How error messages describe a value (its kind, never the value): shared with compat. */
export { describeValue } from "./describe.js";
export * from "./cluster/index.js";
export {
  Sentinel,
  SentinelConnectionPool,
  type SentinelOptions,
  type SentinelClientOptions,
  type SentinelConstructor,
  type SentinelAddress,
} from "./sentinel.js";
