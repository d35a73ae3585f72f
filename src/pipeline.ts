import type { Connection } from "./connection/connection.js";
import type { Commands } from "./commands/index.js";
import type { AsyncMode } from "./commands/types.js";
import { blockingTimeout, connectionStateCommand, Route, routeOf, streamingCommand } from "./commands/routing.js";
import type { CommandSpec, EmptyResponse } from "./commands/spec.js";
import { truncateText } from "./commands/text.js";
import { abortError } from "./connection/cancel.js";
import {
  bindCommand,
  checkKeys,
  commandArgv,
  installPipelineCommands,
  mergeCallOptions,
  checkCallOptionsObject,
  waitOptionsOf,
  afterWait,
  type CallOptions,
  type CommandRunner,
} from "./core.js";
import { DataError, ExecAbortError, RedisError, ResponseError, WatchError } from "./errors.js";
import type { ConnectionWaitOptions, RedisString } from "./pool.js";
import type { CommandArg, RespValue } from "./protocol/index.js";
import type { Script } from "./script.js";
import { secretArgumentLimit, traceBatch, tracingBatch } from "./tracing.js";

/** The parts of a client a pipeline runs commands through while watching: its command methods. */
export interface PipelineBoundClient<T extends RedisString> extends Commands<T, AsyncMode>, CommandRunner {
  executeCommand(...args: unknown[]): Promise<any>;
  /** A single-connection client's connection, once it has one. */
  readonly connection: Connection | null;
  /** The connection this client's pipelines run on (`wait` ends a wait for one of its own). */
  connectionForPipeline(wait?: ConnectionWaitOptions): Promise<Connection>;
  close(): Promise<void>;
  readonly __replyType?: T;
  /** The per-call options of a `withOptions()` view the pipeline was made from. */
  readonly callOptions?: CallOptions;
}

/** What a pipeline needs from the client that made it. */
export interface PipelineHost<T extends RedisString> extends PipelineBoundClient<T> {
  /**
   * True when the client is bound to one connection of its own (`client()`): its pipelines
   * run on that connection, so its SELECT and WATCH apply to them, and watch there too.
   */
  readonly singleConnectionClient: boolean;
  /** A client bound to a connection of its own, for WATCH and for pipelines that block. */
  client(): PipelineBoundClient<T>;
}

/** A command queued in a pipeline (of a client or of a cluster). */
export interface QueuedCommand {
  argv: CommandArg[];
  /** The command method's spec and bound arguments, for its reply function; null for `executeCommand`. */
  spec: CommandSpec | null;
  values: unknown[] | null;
  /** A call with nothing to ask the server: not sent, its value put at its position (redis-py's `EMPTY_RESPONSE`). */
  empty?: EmptyResponse;
}

/** The commands of a queue that are sent: all but those answered without the server. */
export function sentCommands<Q extends QueuedCommand>(queue: readonly Q[]): readonly Q[] {
  return queue.some((c) => c.empty) ? queue.filter((c) => !c.empty) : queue;
}

/** The replies to `sentCommands(queue)` placed at their commands' positions in `queue` (the others left empty). */
function placeReplies(queue: readonly QueuedCommand[], replies: readonly RespValue[]): RespValue[] {
  if (replies.length === queue.length) return replies as RespValue[];
  const placed: RespValue[] = new Array(queue.length);
  let next = 0;
  for (let i = 0; i < queue.length; i++) if (!queue[i]!.empty) placed[i] = replies[next++]!;
  return placed;
}

interface Queued extends QueuedCommand {
  route: Route;
}

export interface ExecuteOptions {
  /** Throw the first error reply (annotated with its position) after reading every reply. Default true. */
  raiseOnError?: boolean;
  /**
   * Cancels the batch (docs/cancellation.md): before it is written nothing is sent; after, the
   * whole batch rejects with `AbortError` (it may have run) and its replies are drained.
   */
  signal?: AbortSignal | null;
  /** Seconds the batch may take until its last reply; then it is cancelled with `TimeoutError`. */
  timeout?: number | null;
}

/** How much of a command's text is read to describe it: far more than the 100 characters shown. */
const DESCRIBE_READ = 4096;

/**
 * `INCR foo` for error messages, as redis-py's `annotate_exception` writes it: the arguments
 * joined by spaces (Buffers decoded as UTF-8), shortened by `truncate_text` to 100 characters.
 * Deliberately unlike redis-py, the arguments of secret commands (AUTH, CONFIG SET...) are left
 * out, by `secretArgumentLimit` (src/tracing.ts), the rule traces use too. Only the first few
 * thousand characters are read, so a huge command costs nothing.
 */
export function describeCommand(argv: readonly CommandArg[]): string {
  const name = String(argv[0]).toUpperCase();
  const shown = secretArgumentLimit(name);
  if (shown >= 0) {
    const sub = argv.length > 1 && shown > 0 ? ` ${String(argv[1]).toUpperCase()}` : "";
    return `${name}${sub} ...`;
  }
  let text = name;
  for (let i = 1; i < argv.length && text.length < DESCRIBE_READ; i++) {
    const arg = argv[i]!;
    text += ` ${Buffer.isBuffer(arg) ? arg.subarray(0, DESCRIBE_READ).toString() : String(arg).slice(0, DESCRIBE_READ)}`;
  }
  return truncateText(text);
}

/** Turns every Buffer in a reply into a string. */
function decodeDeep(value: RespValue, encoding: BufferEncoding): RespValue {
  if (Buffer.isBuffer(value)) return value.toString(encoding);
  if (Array.isArray(value)) return value.map((v) => decodeDeep(v, encoding));
  if (value instanceof Map) {
    const out = new Map<RespValue, RespValue>();
    for (const [k, v] of value) out.set(decodeDeep(k, encoding), decodeDeep(v, encoding));
    return out;
  }
  return value;
}

/** Puts a command's position in a pipeline into its error's message. */
export function annotate(error: Error, position: number, argv: readonly CommandArg[]): Error {
  error.message = `Command # ${position} (${describeCommand(argv)}) of pipeline caused error: ${error.message}`;
  return error;
}

/**
 * The results of a pipeline's commands from their replies: each through its method's reply
 * function, errors annotated with their position. With `raiseOnError` the first error is
 * thrown once every result is made; otherwise errors stand in the results.
 */
export function transformAll(queue: readonly QueuedCommand[], sentReplies: readonly RespValue[], raiseOnError: boolean): unknown[] {
  const results: unknown[] = new Array(queue.length);
  const replies = placeReplies(queue, sentReplies);
  let firstError: Error | null = null;
  for (let i = 0; i < queue.length; i++) {
    const command = queue[i]!;
    if (command.empty) {
      results[i] = command.empty.value;
      continue;
    }
    const reply = replies[i]!;
    if (reply instanceof Error) {
      const error = annotate(reply, i + 1, command.argv);
      firstError ??= error;
      results[i] = error;
      continue;
    }
    const transform = command.spec?.reply;
    if (!transform) {
      results[i] = reply;
      continue;
    }
    try {
      results[i] = transform(reply, command.values!);
    } catch (err) {
      const error = annotate(err as Error, i + 1, command.argv);
      firstError ??= error;
      results[i] = error;
    }
  }
  if (firstError && raiseOnError) throw firstError;
  return results;
}

/**
 * The results of a transaction from the replies to MULTI, to each queued command, and to
 * EXEC: `ExecAbortError` naming the command refused while queueing, `WatchError` when a
 * watched key changed, else `transformAll` of EXEC's replies. `queued` and EXEC's replies are
 * those of `sentCommands(queue)`.
 */
export function transactionResults(
  queue: readonly QueuedCommand[],
  multi: RespValue | undefined,
  queued: readonly RespValue[],
  exec: RespValue | undefined,
  raiseOnError: boolean,
): unknown[] {
  if (multi instanceof Error) throw multi;
  const sent = sentCommands(queue);
  if (exec instanceof Error) {
    // Errors while queueing (a wrong number of arguments, an unknown command) abort EXEC.
    const index = queued.findIndex((reply) => reply instanceof Error);
    if (index !== -1 && exec instanceof ExecAbortError) {
      const cause = annotate(queued[index] as Error, queue.indexOf(sent[index]!) + 1, sent[index]!.argv);
      throw new ExecAbortError(`${exec.message} ${cause.message}`, "EXECABORT");
    }
    throw exec;
  }
  if (exec === null) throw new WatchError("Watched variable changed.");
  if (!Array.isArray(exec) || exec.length !== sent.length) throw new ResponseError("Wrong number of response items from pipeline execution");
  return transformAll(queue, exec, raiseOnError);
}

/**
 * Queues commands on the client and sends them together on `execute()` (one write, or one per
 * 256 KB for a large pipeline), wrapped in MULTI/EXEC when `transaction` is true (redis-py's
 * `Pipeline`). Command methods chain.
 *
 * After `watch()`, the pipeline runs on a connection of its own and its commands run at
 * once (they return Promises) until `multi()`; `execute()` then throws `WatchError` if a
 * watched key changed.
 */
export class PipelineImpl<T extends RedisString = Buffer> {
  readonly transaction: boolean;
  private readonly host: PipelineHost<T>;
  private queue: Queued[] = [];
  /** The client WATCH and immediate commands go through: the host itself when it has a connection of its own. */
  private bound: PipelineBoundClient<T> | null = null;
  private watching = false;
  private explicitTransaction = false;
  /** A command other than WATCH changed the bound connection's state: it must not be reused. */
  private stateChanged = false;
  private readonly scripts = new Set<Script<any>>();

  constructor(host: PipelineHost<T>, transaction = true) {
    this.host = host;
    this.transaction = transaction;
  }

  /** The number of queued commands. */
  get length(): number {
    return this.queue.length;
  }

  /** True between `watch()` and `multi()`: commands run at once. */
  get isWatching(): boolean {
    return this.watching;
  }

  /**
   * While watching: the pipeline's own connection with typed command methods that run at
   * once and return Promises (`await pipe.immediate.get(key)`).
   * @deprecated Use what `watch()` resolves to (a `WatchingPipeline`), whose command methods
   * are typed to run at once.
   */
  get immediate(): Commands<T, AsyncMode> & { executeCommand(...args: unknown[]): Promise<any> } {
    if (!this.bound || !this.watching) throw new RedisError("pipeline.immediate is available between watch() and multi()");
    return this.bound;
  }

  /**
   * Queues any command as is. While watching (before `multi()`) it runs at once and
   * returns its Promise instead, as every command method does then.
   */
  executeCommand(...args: unknown[]): this {
    if (this.watching && !this.explicitTransaction) {
      const state = connectionStateCommand(args as CommandArg[]);
      if (state && state !== "WATCH" && state !== "UNWATCH") this.stateChanged = true;
      return this.bound!.executeCommand(...args) as unknown as this;
    }
    const argv = commandArgv(args);
    this.queue.push({ argv, route: routeOf(argv), spec: null, values: null });
    return this;
  }

  /** Queues one generated command method (or runs it while watching). */
  protected queueCommand(spec: CommandSpec, args: unknown[]): unknown {
    if (this.watching && !this.explicitTransaction) {
      return this.bound!.runCommand(spec, args);
    }
    const { argv, values, empty } = bindCommand(spec, args);
    this.queue.push(empty ? { argv, route: Route.Plain, spec, values, empty } : { argv, route: spec.route, spec, values });
    return this;
  }

  /**
   * Watches keys on a connection of the pipeline's own and switches to immediate mode:
   * commands run at once until `multi()`. Resolves to this same pipeline, typed for that
   * mode (`WatchingPipeline`: command methods return Promises); redis-py resolves to `True`.
   */
  async watch(...names: (string | Buffer)[]): Promise<WatchingPipeline<T>> {
    if (this.explicitTransaction) throw new RedisError("Cannot issue a WATCH after a MULTI");
    if (names.length === 0) throw new DataError("WATCH needs at least one key");
    this.bound ??= this.ownClient();
    await this.bound.executeCommand("WATCH", ...names);
    this.watching = true;
    return this as unknown as WatchingPipeline<T>;
  }

  /**
   * Forgets every watched key; commands queue again. Resolves to this same pipeline, typed
   * for queueing (redis-py resolves to `True`).
   */
  async unwatch(): Promise<Pipeline<T>> {
    if (this.bound) await this.bound.executeCommand("UNWATCH");
    this.watching = false;
    return this;
  }

  /**
   * Ends immediate mode: the commands that follow are queued for `execute()` in MULTI/EXEC.
   * Returns this same pipeline typed for queueing: after `watch()`, write
   * `const tx = pipe.multi(); tx.set(...)` in TypeScript (see `WatchingPipeline`).
   */
  multi(): Pipeline<T> {
    if (this.explicitTransaction) throw new RedisError("Cannot issue nested calls to MULTI");
    if (this.queue.length > 0) throw new RedisError("Commands without an initial WATCH have already been issued");
    this.explicitTransaction = true;
    return this;
  }

  /** @internal A `Script` queued in this pipeline: it is loaded before the pipeline runs. */
  registerScriptForLoad(script: Script<any>): void {
    this.scripts.add(script);
  }

  /** SCRIPT EXISTS, then SCRIPT LOAD for the missing ones, so EVALSHA cannot fail with NOSCRIPT. */
  private async loadScripts(connection: Connection): Promise<void> {
    const scripts = [...this.scripts];
    const [exists] = await connection.sendBatch([["SCRIPT", "EXISTS", ...scripts.map((s) => s.sha)]]);
    if (exists instanceof Error) throw exists;
    const missing = scripts.filter((_, i) => !(exists as RespValue[])[i]);
    if (missing.length === 0) return;
    const loaded = await connection.sendBatch(missing.map((s) => ["SCRIPT", "LOAD", s.script]));
    const failed = loaded.find((reply) => reply instanceof Error);
    if (failed) throw failed;
  }

  /**
   * redis-py's `discard()`: sends DISCARD. After `multi()` (or in a transaction pipeline) it
   * is queued like any command, so the server drops the commands queued before it and the
   * next `execute()` fails with the server's "EXEC without MULTI" `ResponseError`; while
   * watching it runs at once (and fails the same way, as no MULTI is open). To empty the
   * queue without sending anything, use `reset()`.
   */
  async discard(): Promise<void> {
    if (this.watching && !this.explicitTransaction) {
      await this.bound!.executeCommand("DISCARD");
      return;
    }
    this.queue.push({ argv: ["DISCARD"], route: Route.Plain, spec: null, values: null });
  }

  /** Empties the queue, unwatches and gives back the pipeline's own connection. */
  async reset(): Promise<void> {
    const bound = this.bound;
    const watching = this.watching;
    const stateChanged = this.stateChanged;
    this.queue = [];
    this.scripts.clear();
    this.explicitTransaction = false;
    this.watching = false;
    this.stateChanged = false;
    this.bound = null;
    if (!bound) return;
    if (bound === this.host) {
      // The client's own connection: it stays the client's; only this pipeline's WATCH ends.
      if (watching) await bound.executeCommand("UNWATCH").catch(() => {});
      return;
    }
    // No connection when the wait for one was cancelled: then only the client is closed.
    const connection = bound.connection;
    if (connection !== null) {
      try {
        if (watching) await bound.executeCommand("UNWATCH");
        // WATCH is cleared by EXEC or UNWATCH: the connection can go back to the pool.
        if (!stateChanged && connection.isConnected) connection.dirty = false;
      } catch {
        // a lost connection is closed by the pool on release
      }
    }
    await bound.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.reset();
  }

  /** Resets the pipeline (UNWATCH, queue emptied, connection given back), like every other `await using` object. */
  async aclose(): Promise<void> {
    await this.reset();
  }

  /** Same as `aclose()`. */
  async close(): Promise<void> {
    await this.reset();
  }

  /**
   * Sends every queued command (one write, or one per 256 KB encoded) and returns their replies, each transformed
   * as the command method's would be. With `raiseOnError` (the default) the first error
   * reply is thrown, annotated with its position, once every reply has been read.
   */
  async execute(options: ExecuteOptions = {}): Promise<any[]> {
    checkKeys("execute", options, ["raiseOnError", "signal", "timeout"]);
    const raiseOnError = options.raiseOnError ?? true;
    const { raiseOnError: _, ...own } = options;
    let call: (CallOptions & { startedAt?: number }) | undefined = mergeCallOptions(this.host.callOptions, checkCallOptionsObject("execute", own));
    const queue = this.queue;
    // One pass over the queue for what is not a plain command: a streaming one (refused), state
    // changes, and blocking commands with a timeout (outside a transaction they need a connection of their own).
    let streaming: Queued | null = null;
    let changesState = false;
    let blocks = false;
    for (const command of queue) {
      if (command.route === Route.Plain) continue;
      if (command.route === Route.Streaming) streaming ??= command;
      else if (command.route === Route.State) changesState = true;
      else if (command.route === Route.Blocking && !blocks) blocks = blockingTimeout(command.argv) !== null;
    }
    if (changesState) this.stateChanged = true;
    const transactional = this.transaction || this.explicitTransaction;
    try {
      if (queue.length === 0 && !this.watching) return [];
      // Nothing to ask the server (every command answered without it): no round trip.
      if (!transactional && !this.watching && queue.every((c) => c.empty)) return transformAll(queue, [], raiseOnError);
      if (streaming !== null) {
        throw new DataError(`${String(streaming.argv[0]).toUpperCase()} cannot run in a pipeline: use ${streamingCommand(streaming.argv)}`);
      }
      if (call?.signal?.aborted) throw abortError(`pipeline of ${queue.length} commands`, call.signal, false);
      // A connection of its own may be waited for (BlockingConnectionPool): the call's signal and timeout end that wait.
      const wait = waitOptionsOf(call, () => `pipeline of ${queue.length} commands`);
      const startedAt = wait === undefined ? 0 : Date.now();
      const connection = await this.connectionFor(changesState, blocks, wait);
      if (wait !== undefined) call = afterWait(call, startedAt);
      if (this.scripts.size > 0) await this.loadScripts(connection);
      if (transactional) {
        this.watching = false; // EXEC ends every WATCH, whatever its outcome
        if (tracingBatch()) {
          return await traceBatch(
            "MULTI",
            queue.map((c) => c.argv),
            connection.options,
            () => this.executeTransaction(connection, queue, raiseOnError, call),
          );
        }
        return await this.executeTransaction(connection, queue, raiseOnError, call);
      }
      if (tracingBatch()) {
        return await traceBatch(
          "PIPELINE",
          queue.map((c) => c.argv),
          connection.options,
          () => this.executePipeline(connection, queue, raiseOnError, call),
        );
      }
      return await this.executePipeline(connection, queue, raiseOnError, call);
    } finally {
      await this.reset();
    }
  }

  /** A client of the pipeline's own: the host when it is bound to a connection, else a new `client()`. */
  private ownClient(): PipelineBoundClient<T> {
    return this.host.singleConnectionClient ? this.host : this.host.client();
  }

  private async connectionFor(changesState: boolean, blocks: boolean, wait: ConnectionWaitOptions | undefined): Promise<Connection> {
    if (this.bound) return this.bound.connectionForPipeline(wait);
    if (this.host.singleConnectionClient) {
      // The client's own connection, with its SELECT and WATCH: what the pipeline changes stays with it.
      const connection = await this.host.connectionForPipeline(wait);
      if (changesState) connection.dirty = true;
      return connection;
    }
    const needsOwn = changesState || (!this.transaction && blocks);
    if (needsOwn) {
      // A blocking command or a state change would hold up or leak into the shared connection.
      this.bound = this.host.client();
      return this.bound.connectionForPipeline(wait);
    }
    return this.host.connectionForPipeline();
  }

  private async executePipeline(
    connection: Connection,
    queue: Queued[],
    raiseOnError: boolean,
    call: (CallOptions & { startedAt?: number }) | undefined,
  ): Promise<unknown[]> {
    const sent = sentCommands(queue);
    const perCommand = sent.some((c) => c.spec?.decode !== undefined);
    const replies = await connection.sendBatch(
      sent.map((c) => c.argv),
      {
        decodeEach: perCommand ? sent.map((c) => c.spec?.decode) : undefined,
        signal: call?.signal,
        timeout: call?.timeout,
        startedAt: call?.startedAt,
      },
    );
    return transformAll(queue, replies, raiseOnError);
  }

  private async executeTransaction(
    connection: Connection,
    all: Queued[],
    raiseOnError: boolean,
    call: (CallOptions & { startedAt?: number }) | undefined,
  ): Promise<unknown[]> {
    // Commands answered without the server are left out of MULTI/EXEC (redis-py's EMPTY_RESPONSE).
    const queue = sentCommands(all);
    const argvs: CommandArg[][] = new Array(queue.length + 2);
    argvs[0] = ["MULTI"];
    for (let i = 0; i < queue.length; i++) argvs[i + 1] = queue[i]!.argv;
    argvs[queue.length + 1] = ["EXEC"];
    // EXEC carries every reply at once, decoded one way: when a command wants its reply
    // undecoded (DUMP) and others decoded, read EXEC raw and decode the others here.
    const decodeResponses = connection.options.decodeResponses;
    const mixed = decodeResponses && queue.some((c) => c.spec?.decode === false);
    const replies = await connection.sendBatch(argvs, {
      decodeEach: mixed ? argvs.map((_, i) => i !== queue.length + 1) : undefined,
      signal: call?.signal,
      timeout: call?.timeout,
      startedAt: call?.startedAt,
    });
    if (mixed) {
      const exec = replies[queue.length + 1];
      if (Array.isArray(exec)) {
        const encoding = connection.options.encoding;
        for (let i = 0; i < exec.length; i++) {
          if (queue[i]!.spec?.decode !== false) exec[i] = decodeDeep(exec[i]!, encoding);
        }
      }
    }
    return transactionResults(all, replies[0], replies.slice(1, queue.length + 1), replies[queue.length + 1], raiseOnError);
  }
}

Object.defineProperty(PipelineImpl, "name", { value: "Pipeline" });

installPipelineCommands(PipelineImpl.prototype);

export interface PipelineImpl<T extends RedisString = Buffer> extends Commands<T, Pipeline<T>> {}

/** A pipeline of a client with string type `T`; its methods chain. */
export type Pipeline<T extends RedisString = Buffer> = PipelineImpl<T>;
export const Pipeline = PipelineImpl;

/**
 * A pipeline between `watch()` and `multi()` (what `watch()` resolves to, and what
 * `transaction(fn, ...keys)` passes to `fn`): the same object as the `Pipeline`, typed for
 * what it does in that mode. Command methods run at once on the pipeline's own connection
 * and return Promises (`await pipe.get(k)` is `string | null` on a string client);
 * `multi()` returns the pipeline typed for queueing again.
 *
 * TypeScript types a variable once: after `pipe.multi()` the variable `pipe` keeps this
 * type although its command methods queue again at runtime (redis-py's
 * `pipe.multi(); pipe.set(...)` works, but `pipe.set` is typed as a Promise). Use the
 * returned pipeline instead: `const tx = pipe.multi(); tx.set(k, v)`.
 */
export interface WatchingPipeline<T extends RedisString = Buffer> extends Commands<T, AsyncMode> {
  readonly transaction: boolean;
  readonly length: number;
  readonly isWatching: boolean;
  /** Runs any command at once. */
  executeCommand(...args: unknown[]): Promise<any>;
  watch(...names: (string | Buffer)[]): Promise<WatchingPipeline<T>>;
  unwatch(): Promise<Pipeline<T>>;
  /** Ends immediate mode; returns this pipeline typed for queueing. */
  multi(): Pipeline<T>;
  discard(): Promise<void>;
  execute(options?: ExecuteOptions): Promise<any[]>;
  reset(): Promise<void>;
  aclose(): Promise<void>;
  close(): Promise<void>;
  /** @deprecated The `WatchingPipeline`'s own command methods run at once: use them. */
  readonly immediate: Commands<T, AsyncMode> & { executeCommand(...args: unknown[]): Promise<any> };
  [Symbol.asyncDispose](): Promise<void>;
}
