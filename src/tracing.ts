/**
 * Tracing through `node:diagnostics_channel`: the channels aioredis publishes on, their
 * payloads, and the one redaction of command arguments (shared with error messages).
 *
 * Every channel is created once, here, at module load, and kept (channels are held weakly by
 * name). Every publication is gated on `hasSubscribers === true`, read once per call: with
 * nobody subscribed nothing is allocated and the command's own promise is returned as is.
 * On Node before 20.13 `hasSubscribers` of a tracing channel is `undefined`: that counts as
 * "nobody", so tracing needs Node 20.13+ (point channels work on every Node 20).
 *
 * See docs/tracing.md for the names, the payloads and when each fires.
 */
import * as dc from "node:diagnostics_channel";
import type { CommandArg } from "./protocol/index.js";

/** The channel names. Tracing channels publish on `tracing:<name>:start|end|asyncStart|asyncEnd|error`. */
export const CHANNELS = {
  /** Tracing channel: one logical command (a method call or `executeCommand`), or one command of a batch. */
  command: "aioredis:command",
  /** Tracing channel: one pipeline or transaction `execute()`. */
  batch: "aioredis:batch",
  /** Tracing channel: one attempt to open a socket and run the handshake. */
  connect: "aioredis:connect",
  /** Point channel: a connection finished its handshake. */
  connectionReady: "aioredis:connection:ready",
  /** Point channel: a connection's socket is gone. */
  connectionClosed: "aioredis:connection:closed",
  /** Point channel: a connection was checked out of a pool for exclusive use. */
  poolAcquire: "aioredis:pool:acquire",
  /** Point channel: a checked-out connection was given back. */
  poolRelease: "aioredis:pool:release",
  /** Point channel: a pub/sub message arrived. */
  pubsubMessage: "aioredis:pubsub:message",
  /** Point channel: a cluster node answered MOVED or ASK. */
  clusterRedirect: "aioredis:cluster:redirect",
  /** Point channel: an error no caller sees (a background reconnect failing, a dropped frame). */
  error: "aioredis:error",
} as const;

export type ChannelName = (typeof CHANNELS)[keyof typeof CHANNELS];

/** Where a connection goes: on every payload. */
export interface ServerContext {
  /** Host name or IP address, or the unix socket path. */
  serverAddress: string;
  /** TCP port; undefined for a unix socket. */
  serverPort: number | undefined;
  /** The database index the connection selects at its handshake. */
  database: number;
  /** The `clientName` option, when set. */
  clientName?: string;
}

/** `tracing:aioredis:command:*`. One object for all five events of one command. */
export interface CommandTraceContext extends ServerContext {
  /** The command name upper-cased (`GET`, `CONFIG`). */
  command: string;
  /** The arguments after the name, redacted: see `redactArgs`. */
  args: string[];
  /** For a command inside a batch. */
  batchMode?: "PIPELINE" | "MULTI";
  batchSize?: number;
  /** Set on `asyncStart`/`asyncEnd`: the reply (as the caller gets it). */
  result?: unknown;
  /** Set on `error`: the rejection. */
  error?: unknown;
}

/** `tracing:aioredis:batch:*`. */
export interface BatchTraceContext extends ServerContext {
  batchMode: "PIPELINE" | "MULTI";
  /** Commands queued by the user (MULTI and EXEC not counted). */
  batchSize: number;
  result?: unknown;
  error?: unknown;
}

/** `tracing:aioredis:connect:*`. */
export interface ConnectTraceContext extends ServerContext {
  /** 1 for the first attempt of a connect round, then 2, 3, ... as the retry policy retries. */
  attempt: number;
  /** Sockets opened and handshaken by this connection before (0 for the first connect). */
  connects: number;
  error?: unknown;
}

/** `aioredis:connection:ready`. */
export interface ConnectionReadyMessage extends ServerContext {
  /** The RESP version agreed. */
  protocol: 2 | 3;
  /** Milliseconds from the start of the attempt to the end of the handshake. */
  createTimeMs: number;
}

/** `aioredis:connection:closed`. */
export interface ConnectionClosedMessage extends ServerContext {
  /** `application_close`: closed by the client; `error`: lost (the server closed it, a socket error, a timeout). */
  reason: "application_close" | "error";
  /** The error that ended it, for `reason: 'error'`. */
  error?: Error;
}

/** `aioredis:pool:acquire` and `aioredis:pool:release`. */
export interface PoolMessage extends ServerContext {
  /** Connections checked out after this event. */
  inUse: number;
  /** Idle connections after this event. */
  idle: number;
  /** For `acquire`: milliseconds spent waiting for a free slot and for the connection to be ready. */
  waitMs?: number;
}

/** `aioredis:pubsub:message`. The channel name is given, never the message body. */
export interface PubSubMessageMessage {
  direction: "in";
  /** `message`, `pmessage` or `smessage`. */
  kind: string;
  /** The channel the message was published to, as text (UTF-8). */
  channel: string;
  /** The pattern matched, for `pmessage`. */
  pattern?: string;
  /** True for a sharded message (`smessage`). */
  sharded: boolean;
}

/** `aioredis:cluster:redirect`. */
export interface ClusterRedirectMessage {
  kind: "MOVED" | "ASK";
  slot: number;
  /** `host:port` of the node that answered. */
  from: string;
  /** `host:port` of the node named in the redirection. */
  to: string;
  /** The command name. */
  command: string;
}

/** `aioredis:error`. */
export interface ErrorMessage {
  error: Error;
  /** What was running: `reconnect`, `handshake`, `pubsub`, `cluster-refresh`, `sentinel`, ... */
  origin: string;
  serverAddress?: string;
  serverPort?: number;
}

// ---- the channels ---------------------------------------------------------------------------

type Tracing<C extends object> = dc.TracingChannel<unknown, C>;

export const commandChannel: Tracing<CommandTraceContext> = dc.tracingChannel(CHANNELS.command) as Tracing<CommandTraceContext>;
export const batchChannel: Tracing<BatchTraceContext> = dc.tracingChannel(CHANNELS.batch) as Tracing<BatchTraceContext>;
export const connectChannel: Tracing<ConnectTraceContext> = dc.tracingChannel(CHANNELS.connect) as Tracing<ConnectTraceContext>;
export const readyChannel = dc.channel(CHANNELS.connectionReady);
export const closedChannel = dc.channel(CHANNELS.connectionClosed);
export const acquireChannel = dc.channel(CHANNELS.poolAcquire);
export const releaseChannel = dc.channel(CHANNELS.poolRelease);
export const pubsubMessageChannel = dc.channel(CHANNELS.pubsubMessage);
export const redirectChannel = dc.channel(CHANNELS.clusterRedirect);
export const errorChannel = dc.channel(CHANNELS.error);

/** True when someone listens on `channel` (a tracing channel before Node 20.13 says `undefined`: no). */
export function tracing(channel: { hasSubscribers?: boolean }): boolean {
  return channel.hasSubscribers === true;
}

const swallow = (): void => {};

/**
 * Runs `fn` inside a trace of `channel` with `context`, returning the traced promise. The
 * caller has checked `tracing(channel)`. A no-op catch is attached to the promise
 * `tracePromise` returns, so a caller that drops it (fire and forget) makes no unhandled
 * rejection beyond its own.
 */
export function tracePromise<R, C extends object>(channel: Tracing<C>, fn: () => Promise<R>, context: C): Promise<R> {
  const traced = channel.tracePromise(fn, context) as Promise<R>;
  traced.catch(swallow);
  return traced;
}

/**
 * Runs a command `fn` inside an `aioredis:command` trace (the caller checked `hasSubscribers`)
 * and returns the traced promise as the caller's own: handled or not exactly as the same call
 * without a subscriber would be (no catch added).
 */
export function traceCommand<R>(fn: () => Promise<R>, context: CommandTraceContext): Promise<R> {
  return commandChannel.tracePromise(fn, context) as Promise<R>;
}

/** Publishes `aioredis:error` when someone listens. */
export function publishError(error: unknown, origin: string, server?: ServerContext): void {
  if (errorChannel.hasSubscribers !== true) return;
  const message: ErrorMessage = { error: error instanceof Error ? error : new Error(String(error)), origin };
  if (server) {
    message.serverAddress = server.serverAddress;
    if (server.serverPort !== undefined) message.serverPort = server.serverPort;
  }
  errorChannel.publish(message);
}

/** What `ServerContext` is read from (a connection's resolved options). */
export interface ServerOptions {
  host: string;
  port: number;
  unixSocketPath: string | null;
  db: number;
  clientName: string | null;
}

/** The server fields of a payload, from connection options. */
export function serverContext(o: ServerOptions): ServerContext {
  const context: ServerContext = {
    serverAddress: o.unixSocketPath ?? o.host,
    serverPort: o.unixSocketPath ? undefined : o.port,
    database: o.db,
  };
  if (o.clientName) context.clientName = o.clientName;
  return context;
}

/**
 * A command's trace context: server, name, redacted arguments. Built as one object literal
 * (the fields in the order `serverContext` gives them, then `command` and `args`) from the
 * command name's cached redaction rule: the hot path of a traced call.
 */
export function commandContext(argv: readonly CommandArg[], server: ServerOptions): CommandTraceContext {
  const rule = redactionRule(argv[0]);
  const args = redactWith(argv, rule);
  const path = server.unixSocketPath;
  if (server.clientName) {
    return {
      serverAddress: path ?? server.host,
      serverPort: path ? undefined : server.port,
      database: server.db,
      clientName: server.clientName,
      command: rule.name,
      args,
    };
  }
  return { serverAddress: path ?? server.host, serverPort: path ? undefined : server.port, database: server.db, command: rule.name, args };
}

// ---- redaction --------------------------------------------------------------------------------

/**
 * Commands whose arguments carry secrets: error messages and traces show their name only
 * (AUTH, HELLO) or their name and subcommand (the others), never an argument value.
 */
export const SECRET_COMMANDS: ReadonlySet<string> = new Set(["AUTH", "HELLO", "ACL", "CONFIG", "MIGRATE", "MODULE", "SENTINEL"]);

/**
 * How many leading arguments of a secret command may be shown: 0 for AUTH and HELLO, 1 (the
 * subcommand) for ACL, CONFIG, MIGRATE, MODULE and SENTINEL; -1 for a command that is not secret.
 */
export function secretArgumentLimit(name: string): number {
  if (!SECRET_COMMANDS.has(name)) return -1;
  return name === "AUTH" || name === "HELLO" ? 0 : 1;
}

/**
 * How many leading arguments a trace keeps, in the manner of @opentelemetry/redis-common's
 * table (keys and structure kept, values hidden): -1 all of them. Checked in order, by prefix.
 */
const KEPT_ARGUMENTS: readonly [RegExp, number][] = [
  [/^ECHO/, 0],
  [/^(LPUSH|MSET|PFA|PUBLISH|RPUSH|SADD|SET|SPUBLISH|XADD|ZADD)/, 1],
  [/^(HSET|HMSET|LSET|LINSERT)/, 2],
  [
    /^(BIT|B[LRZ]|CLIENT|CLUSTER|COMMAND|DECR|DEL|EVAL|EX|FUNCTION|GEO|GET|HINCR|HMGET|HSCAN|INCR|L[TRLM]|MEMORY|P[EFISTU]|RPOP|S[CDIMORSU]|XACK|X[CDGILPRT]|Z[CDILMPRS])/,
    -1,
  ],
];

/** Arguments a trace keeps of a command that is not secret (0 for a command not in the table). */
function keptArguments(name: string): number {
  for (const [pattern, n] of KEPT_ARGUMENTS) if (pattern.test(name)) return n;
  return 0;
}

/** How a command's arguments are shown, from its name: the two rules of `redactArgs`, resolved once. */
interface RedactionRule {
  /** The name upper-cased. */
  name: string;
  /** Leading arguments shown (-1: all). */
  kept: number;
  /** A secret command: the arguments shown (its subcommand) are upper-cased. */
  secret: boolean;
}

/** Rules by command name as sent (bounded: `executeCommand` takes any name, in any case). */
const rules = new Map<string, RedactionRule>();

function ruleOf(name: string): RedactionRule {
  const secret = secretArgumentLimit(name);
  return { name, kept: secret >= 0 ? secret : keptArguments(name), secret: secret >= 0 };
}

/** The redaction rule of a command from its first word (cached by the name as sent; a Buffer by its text). */
function redactionRule(arg: CommandArg | undefined): RedactionRule {
  const key = typeof arg === "string" ? arg : commandWord(arg);
  let rule = rules.get(key);
  if (rule === undefined) {
    rule = ruleOf(key === arg ? key.toUpperCase() : key);
    if (rules.size < 1000) rules.set(key, rule);
  }
  return rule;
}

const REDACTED = "?";

function commandWord(arg: CommandArg | undefined): string {
  return arg === undefined ? "" : (Buffer.isBuffer(arg) ? arg.toString("latin1") : String(arg)).toUpperCase();
}

function argText(arg: CommandArg): string {
  return Buffer.isBuffer(arg) ? arg.toString() : String(arg);
}

/**
 * The arguments of `argv` (after the name) as a trace shows them. The secret rule of error
 * messages comes first (AUTH and HELLO: every argument `?`; ACL, CONFIG, MIGRATE, MODULE,
 * SENTINEL: the subcommand upper-cased, then `?`), then the redis-common table: keys and
 * structure kept, values `?` (SET key ?, HSET key field ?), commands not in the table all `?`.
 * The argument count is kept, so `db.query.text` can say how many were hidden.
 */
export function redactArgs(argv: readonly CommandArg[]): string[] {
  return redactWith(argv, redactionRule(argv[0]));
}

function redactWith(argv: readonly CommandArg[], rule: RedactionRule): string[] {
  const count = argv.length - 1;
  const kept = rule.kept;
  const out: string[] = new Array(Math.max(count, 0));
  for (let i = 0; i < count; i++) {
    if (kept >= 0 && i >= kept) out[i] = REDACTED;
    else out[i] = rule.secret ? argText(argv[i + 1]!).toUpperCase() : argText(argv[i + 1]!);
  }
  return out;
}

/**
 * `db.query.text` in the OpenTelemetry style from a command context: the name and its
 * redacted arguments, `?` kept as placeholders (`SET mykey ?`).
 */
export function queryText(context: { command: string; args: readonly string[] }): string {
  return context.args.length === 0 ? context.command : `${context.command} ${context.args.join(" ")}`;
}

// ---- batches ----------------------------------------------------------------------------------

/**
 * Moves a running batch trace to another server (a cluster transaction redirected by MOVED or
 * ASK): the batch's and its commands' `serverAddress`/`serverPort` name the node written to.
 */
export type BatchRetarget = (host: string, port: number) => void;

/** The server fields of a cluster node (`database` 0, no `clientName`), for its traces. */
export function nodeServer(node: { host: string; port: number } | null | undefined): ServerOptions {
  return { host: node?.host ?? "", port: node?.port ?? 0, unixSocketPath: null, db: 0, clientName: null };
}

/**
 * Runs a pipeline or transaction `run` under a `batch` trace and one `command` trace per
 * queued command (with `batchMode` and `batchSize`), for whichever of the two channels has
 * subscribers. Each command's trace starts right after the batch's (inside its context) and
 * ends with the batch; its `result` is its own
 * entry in the results (an error reply's `Error` goes to `error`), and when the batch
 * rejects every command's `error` is that rejection. `run` may call the `BatchRetarget` it is
 * given when the batch goes to another server than `server`. Call only when `tracingBatch()`.
 */
export function traceBatch<R extends unknown[]>(
  mode: "PIPELINE" | "MULTI",
  argvs: readonly (readonly CommandArg[])[],
  server: ServerOptions,
  run: (retarget: BatchRetarget) => Promise<R>,
): Promise<R> {
  const size = argvs.length;
  let commands: CommandTraceContext[] | null = null;
  let batch: BatchTraceContext | null = null;
  const retarget: BatchRetarget = (host, port) => {
    if (batch !== null) {
      batch.serverAddress = host;
      batch.serverPort = port;
    }
    const traced: CommandTraceContext[] | null = commands;
    if (traced === null) return;
    for (const context of traced) {
      context.serverAddress = host;
      context.serverPort = port;
    }
  };
  // Inside the batch's trace (after its start): the commands' traces begin.
  const begin = (): void => {
    if (commandChannel.hasSubscribers !== true) return;
    commands = new Array(size);
    for (let i = 0; i < size; i++) {
      const context = commandContext(argvs[i]!, server);
      context.batchMode = mode;
      context.batchSize = size;
      commands[i] = context;
      commandChannel.start.publish(context);
      commandChannel.end.publish(context);
    }
  };
  const settle = (results: R | null, error: unknown): void => {
    const traced: CommandTraceContext[] | null = commands;
    if (!traced) return;
    for (let i = 0; i < traced.length; i++) {
      const context = traced[i]!;
      const own = results ? results[i] : error;
      if (results && !(own instanceof Error)) context.result = own;
      else {
        context.error = own;
        commandChannel.error.publish(context);
      }
      commandChannel.asyncStart.publish(context);
      commandChannel.asyncEnd.publish(context);
    }
  };
  const wrapped = (): Promise<R> => {
    begin();
    return run(retarget).then(
      (results) => {
        settle(results, null);
        return results;
      },
      (err: unknown) => {
        settle(null, err);
        throw err;
      },
    );
  };
  if (batchChannel.hasSubscribers !== true) return wrapped();
  const context = serverContext(server) as BatchTraceContext;
  context.batchMode = mode;
  context.batchSize = size;
  batch = context;
  return tracePromise(batchChannel, wrapped, context);
}

/** True when a batch has anyone to tell. */
export function tracingBatch(): boolean {
  return batchChannel.hasSubscribers === true || commandChannel.hasSubscribers === true;
}

// ---- pub/sub ----------------------------------------------------------------------------------

/** Publishes `aioredis:pubsub:message` for a delivered message (the caller checked `hasSubscribers`). */
export function publishMessage(kind: string, channel: string | Buffer, pattern: string | Buffer | null): void {
  const message: PubSubMessageMessage = { direction: "in", kind, channel: argText(channel), sharded: kind === "smessage" };
  if (pattern !== null) message.pattern = argText(pattern);
  pubsubMessageChannel.publish(message);
}

// ---- cluster ----------------------------------------------------------------------------------

/** Publishes `aioredis:cluster:redirect` (the caller checked `hasSubscribers`). */
export function publishRedirect(err: Error & { slotId: number; host: string; port: number }, from: string, argv: readonly CommandArg[] | undefined): void {
  const kind = err.message.startsWith("MOVED") ? "MOVED" : "ASK";
  const to = err.host.includes(":") ? `[${err.host}]:${err.port}` : `${err.host}:${err.port}`;
  const message: ClusterRedirectMessage = { kind, slot: err.slotId, from, to, command: commandWord(argv?.[0]) };
  redirectChannel.publish(message);
}
