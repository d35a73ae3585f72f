/** The v1 export names the codemod knows, and what each becomes in v2. Data, not code. */

export const FACTORIES = new Set(["createRedisPool", "createRedis", "createPool", "createConnection", "createSentinel"]);

/** v1 error classes and their v2 counterparts (aioredis 1.3.1 `aioredis/errors.py`; redis-py `redis/exceptions.py`). */
export const ERROR_RENAMES: Record<string, string> = {
  ReplyError: "ResponseError",
  PipelineError: "ResponseError",
  WatchVariableError: "WatchError",
  ConnectionClosedError: "ConnectionError",
  ConnectionForcedCloseError: "ConnectionError",
  PoolClosedError: "ConnectionError",
  MaxClientsError: "ConnectionError",
  AuthError: "AuthenticationError",
  ChannelClosedError: "PubSubError",
  MasterReplyError: "ResponseError",
  SlaveReplyError: "ResponseError",
};

/**
 * v1 errors that became two v2 classes or a class plus a check: only their `instanceof`
 * tests can be rewritten exactly.
 */
export const ERROR_INSTANCEOF: Record<string, (cls: (name: string) => string, subject: string) => string> = {
  // execute() of a MULTI/EXEC threw MultiExecError for command errors and for WATCH failures
  MultiExecError: (cls, e) => `${e} instanceof ${cls("ResponseError")} || ${e} instanceof ${cls("WatchError")}`,
  BusyGroupError: (cls, e) => `${e} instanceof ${cls("ResponseError")} && ${e}.code === "BUSYGROUP"`,
};

/** Names that exist in both APIs with the same meaning: a reference to them is fine on v2. */
export const SHARED_NAMES = new Set(["Redis", "RedisError", "ProtocolError", "ReadOnlyError", "MasterNotFoundError", "SlaveNotFoundError", "Pipeline"]);

/** v1 class names used as types, and the v2 type a value of them becomes. */
export const TYPE_RENAMES: Record<string, string> = {
  RedisConnection: "Redis",
  ConnectionsPool: "ConnectionPool",
  Channel: "PubSub",
  Receiver: "PubSub",
  MultiExec: "Pipeline",
  RedisSentinel: "Sentinel",
};

/** Exports only the v1 API has: a file naming one of them is v1 code. */
export const V1_ONLY = new Set<string>([
  ...FACTORIES,
  "createSentinelPool",
  "RedisConnection",
  "ConnectionsPool",
  "Channel",
  "Receiver",
  "GeoPoint",
  "GeoMember",
  "RedisSentinel",
  "SentinelPool",
  "MultiExec",
  "MultiExecError",
  "BusyGroupError",
  // types and helpers only the v1 API exports
  ..."CreateConnectionOptions CreatePoolOptions ContextRedis CreateRedisOptions CreateRedisPoolOptions CommandsFactory PipelineExecuteOptions PipelineCommands AbcChannel Sender GetOptions ReceiverOptions MessageSource AbcConnection Address ConnectOptions SslOptions Arg Encoding EncodingOption SetOptions ScanOptions SortOptions MigrateOptions ZaddOptions ZstoreOptions RangeOptions ScoreRangeOptions LexRangeOptions LexOptions BlockingPopOptions ExcludeOption ScriptOptions ClientInfo InfoReply MasterInfo SlaveInfo SentinelInfo MasterSlaveInfo GeoRadiusOptions StreamMessage StreamEntry XaddOptions XreadOptions XreadGroupOptions ManagedPool SentinelState CreateSentinelOptions CreateSentinelPoolOptions SentinelPoolOptions ManagedPoolOptions".split(
    " ",
  ),
  ...Object.keys(ERROR_RENAMES),
]);

/** The v1 option constants (class and instance attributes) and what they mean. */
export const CONSTANTS: Record<string, string> = {
  SET_IF_NOT_EXIST: "nx",
  SET_IF_EXIST: "xx",
  ZSET_IF_NOT_EXIST: "nx",
  ZSET_IF_EXIST: "xx",
  ZSET_EXCLUDE_MIN: "min",
  ZSET_EXCLUDE_MAX: "max",
  ZSET_EXCLUDE_BOTH: "both",
  ZSET_AGGREGATE_SUM: "SUM",
  ZSET_AGGREGATE_MIN: "MIN",
  ZSET_AGGREGATE_MAX: "MAX",
  SHUTDOWN_SAVE: "save",
  SHUTDOWN_NOSAVE: "nosave",
};

/** Exports only the v2 API has: a file naming one of them is already v2 code. */
export const V2_ONLY = new Set<string>([
  "fromUrl",
  "ConnectionPool",
  "BlockingConnectionPool",
  "PubSub",
  "Lock",
  "Script",
  "Monitor",
  "Sentinel",
  "RedisCluster",
  "ResponseError",
  "WatchError",
  "ConnectionError",
  "AuthenticationError",
  "DataError",
  "TimeoutError",
  "PubSubError",
  "ExecAbortError",
  "NoScriptError",
]);
