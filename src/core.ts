/**
 * What every front end shares (`Redis`, `RedisCluster` and both pipelines): option checks,
 * binding a command method's arguments, checking `executeCommand`'s arguments, installing
 * the command methods, and `ClientCore`, the base of both clients. Each rule and each error
 * message is written here once.
 */
import { EventEmitter } from "node:events";
import type { SendOptions } from "./connection/connection.js";
import { checkCallOptions } from "./connection/cancel.js";
import { sendOptions, sendOptionsFrom } from "./connection/pending.js";
import { checkOptions } from "./connection/resolve.js";
import { COMMANDS } from "./commands/index.js";
import { installCommands } from "./commands/install.js";
import { bindArgs, isArgValue, type CommandSpec, type EmptyResponse } from "./commands/spec.js";
import { argumentMessage, describeValue } from "./describe.js";
import { DataError } from "./errors.js";
import { createLock, type Lock, type LockOptions } from "./lock.js";
import type { ConnectionWaitOptions, RedisString } from "./pool.js";
import type { CommandArg } from "./protocol/index.js";
import { callableScript, type CallableScript } from "./script.js";
import { runTransaction, type TransactionOptions, type TransactionPipeline } from "./transaction.js";

/** A check of one option: the test, and what the value must be ("a positive integer"). */
export type OptionRule = [(value: unknown) => boolean, string];

/**
 * Checks a front end's options: `own` rules first (they win over a connection option of the
 * same name), then every other name as a connection option. Throws `DataError` naming the
 * option and the kind of value given, never the value.
 */
export function checkClientOptions(where: string, options: unknown, own: Record<string, OptionRule>): void {
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new DataError(`${where}: options must be an object, got ${describeValue(options)}`);
  }
  const rest: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(options)) {
    if (value === undefined) continue;
    const rule = own[name];
    if (!rule) rest[name] = value;
    else if (!rule[0](value)) throw new DataError(`${where}: option '${name}' must be ${rule[1]}, got ${describeValue(value)}`);
  }
  checkOptions(where, rest);
}

/** Checks the keys of a small options object (`pipeline({ transaction })`, `execute({ raiseOnError })`). */
export function checkKeys(where: string, options: unknown, allowed: readonly string[]): void {
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new DataError(`${where}: options must be an object, got ${describeValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw new DataError(`${where}: unknown option '${key}'`);
  }
}

/** One call of a command method, bound: what to send, and the values its reply function reads. */
export interface BoundCommand {
  argv: CommandArg[];
  values: unknown[];
  /** Set when the call has nothing to ask the server: its value, resolved without sending `argv`. */
  empty?: EmptyResponse;
}

/**
 * Binds a command method's arguments to its spec and builds the command. Throws `DataError`
 * for bad arguments. The one place a spec's parameters are bound.
 */
export function bindCommand(spec: CommandSpec, args: readonly unknown[]): BoundCommand {
  const values = bindArgs(spec, args);
  const argv = spec.build(values);
  const empty = spec.emptyResponse?.(values);
  return empty ? { argv, values, empty } : { argv, values };
}

/** The send options of a command method's call: its reply function and decoding. */
export function sendOptionsOf(spec: CommandSpec | null, values: unknown[] | null): SendOptions | undefined {
  if (!spec || (!spec.reply && spec.decode === undefined)) return undefined;
  return sendOptions(spec.reply, values ?? [], spec.decode, spec.textKeys === true);
}

/**
 * Per-call options (docs/cancellation.md): an `AbortSignal` that cancels the call, and a
 * `timeout` in seconds after which it is cancelled with `TimeoutError`. `null` clears what
 * an outer `withOptions()` set; `undefined` keeps it.
 */
export interface CallOptions {
  signal?: AbortSignal | null;
  timeout?: number | null;
}

/** Checks a per-call options object (only `signal` and `timeout`); throws `DataError`. */
export function checkCallOptionsObject(where: string, options: unknown): CallOptions {
  checkKeys(where, options, ["signal", "timeout"]);
  const { signal, timeout } = options as CallOptions;
  checkCallOptions(where, signal, timeout);
  return options as CallOptions;
}

/** `inner` over `outer`: a key given in `inner` (even as null) wins. */
export function mergeCallOptions(outer: CallOptions | undefined, inner: CallOptions | undefined): CallOptions | undefined {
  if (!outer) return inner;
  if (!inner) return outer;
  return {
    signal: inner.signal !== undefined ? inner.signal : outer.signal,
    timeout: inner.timeout !== undefined ? inner.timeout : outer.timeout,
  };
}

/**
 * A command's send options with the per-call options added: the one place per-call options
 * join the send path. Without per-call options, `send` itself is returned (no allocation).
 */
export function withCallOptions(send: SendOptions | undefined, call: CallOptions | undefined): SendOptions | undefined {
  if (call === undefined || (!call.signal && !call.timeout)) return send;
  return sendOptionsFrom(send, send?.blockFor ?? 0, call.signal ?? null, call.timeout ?? null);
}

/**
 * What bounds a call's wait for a connection of its own (a `BlockingConnectionPool` may make
 * it wait): its signal and per-call timeout, and its name for messages. Undefined without them.
 */
export function waitOptionsOf(call: CallOptions | undefined, what: () => string): ConnectionWaitOptions | undefined {
  if (call === undefined || (!call.signal && !call.timeout)) return undefined;
  return { signal: call.signal ?? null, timeout: call.timeout ?? null, what: what() };
}

/**
 * A call's options once it waited for a connection since `startedAt` (ms): its per-call timeout
 * counts from the call, not from the send. Unchanged without a timeout.
 */
export function afterWait<O extends CallOptions>(call: O, startedAt: number): O & { startedAt?: number };
export function afterWait<O extends CallOptions>(call: O | undefined, startedAt: number): (O & { startedAt?: number }) | undefined;
export function afterWait<O extends CallOptions>(call: O | undefined, startedAt: number): (O & { startedAt?: number }) | undefined {
  return call?.timeout ? { ...call, startedAt } : call;
}

/** The upper-cased name of a command, for messages. */
export function commandWordOf(argv: readonly CommandArg[]): string {
  const name = argv[0];
  return Buffer.isBuffer(name) ? name.toString("latin1").toUpperCase() : String(name).toUpperCase();
}

/**
 * `executeCommand`'s arguments as a command: `"CONFIG GET"` as one word is split (as
 * redis-py allows), and each argument must be a string, Buffer or number. Throws `DataError`.
 */
export function commandArgv(args: readonly unknown[]): CommandArg[] {
  const head = args[0];
  const argv = (
    typeof head === "string" && head.includes(" ") ? [...head.split(" ").filter((w) => w.length > 0), ...args.slice(1)] : [...args]
  ) as CommandArg[];
  if (argv.length === 0) throw new DataError("executeCommand: no command given");
  for (let i = 0; i < argv.length; i++) {
    if (!isArgValue(argv[i])) {
      throw new DataError(argumentMessage("executeCommand", `#${i + 1}`, "a string, Buffer or number", argv[i]));
    }
  }
  return argv;
}

/** What a client's generated command methods call. */
export interface CommandRunner {
  runCommand(spec: CommandSpec, args: unknown[]): unknown;
}

/** What a pipeline's generated command methods call. */
export interface CommandQueue {
  queueCommand(spec: CommandSpec, args: unknown[]): unknown;
}

/** Installs every command method on a client's prototype, each calling `runCommand`. */
export function installClientCommands(proto: object): void {
  installCommands(proto, COMMANDS, (self: CommandRunner, spec, args) => self.runCommand(spec, args));
}

/** Installs every command method on a pipeline's prototype, each calling `queueCommand`. */
export function installPipelineCommands(proto: object): void {
  installCommands(proto, COMMANDS, (self: CommandQueue, spec, args) => self.queueCommand(spec, args));
}

/**
 * The base of `Redis` and `RedisCluster`: what a client offers on top of sending commands,
 * written once. `P` is the client's pipeline. An EventEmitter of lifecycle events
 * (docs/events.md): `connected`, `ready`, `reconnecting`, `closed`, `error`.
 */
export abstract class ClientCore<T extends RedisString, P extends TransactionPipeline, W = P> extends EventEmitter {
  declare readonly __replyType?: T;

  /**
   * @internal The per-call options of a `withOptions()` view (on the prototype chain the
   * client itself has none: reading it there finds `undefined`).
   */
  declare readonly callOptions?: CallOptions;

  /**
   * A view of this client whose every call carries `options` (node-redis's
   * `withCommandOptions`): command methods, `executeCommand`, pipelines and transactions made
   * from it, locks, scan iterators. `signal` cancels the calls; `timeout` (seconds) cancels each
   * call that takes longer with `TimeoutError`. The view shares the client (its connections,
   * its state); closing it closes the client. Views nest: the inner options win, `null` clears.
   */
  withOptions(options: CallOptions): this {
    const merged = mergeCallOptions(this.callOptions, checkCallOptionsObject("withOptions", options))!;
    const root = ((this as { callRoot?: object }).callRoot ?? this) as Record<PropertyKey, unknown>;
    const view = Object.create(root, { callOptions: { value: merged }, callRoot: { value: root } });
    // The client's own fields are read and written through to the client (a view never holds
    // state of its own: `close()` on a view closes the client). Accessors, not a Proxy: a call
    // through a view costs little more than one on the client.
    for (const key of Reflect.ownKeys(root)) {
      Object.defineProperty(view, key, {
        get: () => root[key],
        set: (value: unknown) => {
          root[key] = value;
        },
        configurable: true,
      });
    }
    return view as this;
  }

  /**
   * Sends any command as is (redis-py's `execute_command`) and resolves with the reply as
   * the server sent it (strings decoded per `decodeResponses`), without a method's parsing.
   */
  abstract executeCommand(...args: unknown[]): Promise<any>;

  /** @internal Runs one generated command method. */
  abstract runCommand(spec: CommandSpec, args: unknown[]): Promise<unknown>;

  /** A pipeline of this client. Not async, as in redis-py. */
  abstract pipeline(options?: { transaction?: boolean }): P;

  /** Closes the client; commands sent afterwards reject. */
  abstract close(): Promise<void>;

  abstract override toString(): string;

  /**
   * Runs `fn(pipe)` in a transaction, retrying on `WatchError` (redis-py's `transaction`).
   * `fn` reads the watched keys (commands run at once), calls `pipe.multi()`, then queues
   * the writes. Resolves with `execute()`'s results, or `fn`'s value with
   * `valueFromCallable`. Retries until it succeeds, like redis-py, unless `maxAttempts` caps it. On a
   * cluster every key must be in one slot.
   *
   * Typed by the keys: with at least one key `fn` gets the watching pipeline (`W`, command
   * methods return Promises until `multi()`); with none, the queueing one (`P`); with a
   * spread of unknown length, either.
   */
  transaction<R>(fn: (pipe: W) => R | Promise<R>, ...watches: [string | Buffer, ...(string | Buffer | TransactionOptions)[]]): Promise<any>;
  transaction<R>(fn: (pipe: P) => R | Promise<R>, ...watches: [] | [options: TransactionOptions]): Promise<any>;
  transaction<R>(fn: (pipe: W | P) => R | Promise<R>, ...watches: (string | Buffer | TransactionOptions)[]): Promise<any>;
  async transaction<R>(fn: (pipe: any) => R | Promise<R>, ...watches: (string | Buffer | TransactionOptions)[]): Promise<any> {
    return runTransaction(() => this.pipeline({ transaction: true }), fn, watches);
  }

  /**
   * A distributed lock on `name` (redis-py's `lock()`), on the node owning its slot in a
   * cluster. Not async: nothing is sent until `acquire()`.
   */
  lock(name: string | Buffer, options?: LockOptions): Lock<T> {
    return createLock<T>(this, name, options);
  }

  /**
   * A Lua script run by EVALSHA (on the node of its keys in a cluster), loaded when missing:
   * call it as `script({ keys, args })`.
   */
  registerScript(script: string | Buffer): CallableScript<T> {
    return callableScript<T>(this, script);
  }

  /** Alias of `close()` (redis-py 5's name). */
  aclose(): Promise<void> {
    return this.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
