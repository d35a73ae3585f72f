/**
 * What every front end shares (`Redis`, `RedisCluster` and both pipelines): option checks,
 * binding a command method's arguments, checking `executeCommand`'s arguments, installing
 * the command methods, and `ClientCore`, the base of both clients. Each rule and each error
 * message is written here once.
 */
import { EventEmitter } from "node:events";
import type { SendOptions } from "./connection/connection.js";
import { checkOptions } from "./connection/resolve.js";
import { COMMANDS } from "./commands/index.js";
import { installCommands } from "./commands/install.js";
import { bindArgs, isArgValue, type CommandSpec } from "./commands/spec.js";
import { argumentMessage, describeValue } from "./describe.js";
import { DataError } from "./errors.js";
import { createLock, type Lock, type LockOptions } from "./lock.js";
import type { RedisString } from "./pool.js";
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
}

/**
 * Binds a command method's arguments to its spec and builds the command. Throws `DataError`
 * for bad arguments. The one place a spec's parameters are bound.
 */
export function bindCommand(spec: CommandSpec, args: readonly unknown[]): BoundCommand {
  const values = bindArgs(spec, args);
  return { argv: spec.build(values), values };
}

/** The send options of a command method's call: its reply function and decoding. */
export function sendOptionsOf(spec: CommandSpec | null, values: unknown[] | null): SendOptions | undefined {
  if (!spec || (!spec.reply && spec.decode === undefined)) return undefined;
  return { transform: spec.reply, context: values ?? [], decode: spec.decode };
}

/**
 * `executeCommand`'s arguments as a command: `"CONFIG GET"` as one word is split (as
 * redis-py allows), and each argument must be a string, Buffer or number. Throws `DataError`.
 */
export function commandArgv(args: readonly unknown[]): CommandArg[] {
  const head = args[0];
  const argv = (typeof head === "string" && head.includes(" ") ? [...head.split(" ").filter((w) => w.length > 0), ...args.slice(1)] : [...args]) as CommandArg[];
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
export abstract class ClientCore<T extends RedisString, P extends TransactionPipeline> extends EventEmitter {
  declare readonly __replyType?: T;

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
   */
  async transaction<R>(fn: (pipe: P) => R | Promise<R>, ...watches: (string | Buffer | TransactionOptions)[]): Promise<any> {
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
