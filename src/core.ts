/**
 * What every front end shares (`Redis`, `RedisCluster` and both pipelines): option checks,
 * binding a command method's arguments, checking `executeCommand`'s arguments, and
 * installing the command methods. Each rule and each error message is written here once.
 */
import type { SendOptions } from "./connection/connection.js";
import { checkOptions } from "./connection/resolve.js";
import { COMMANDS } from "./commands/index.js";
import { installCommands } from "./commands/install.js";
import { bindArgs, isArgValue, type CommandSpec } from "./commands/spec.js";
import { describeValue } from "./describe.js";
import { DataError } from "./errors.js";
import type { CommandArg } from "./protocol/index.js";

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

/** One call of a command method, bound: what to send, and how its reply is read. */
export interface BoundCommand {
  argv: CommandArg[];
  /** The bound arguments, for the reply function. */
  values: unknown[];
  /** The reply function and decoding of the spec; undefined when it has neither. */
  options: SendOptions | undefined;
}

/** Binds a command method's arguments to its spec. Throws `DataError` for bad arguments. */
export function bindCommand(spec: CommandSpec, args: readonly unknown[]): BoundCommand {
  const values = bindArgs(spec, args);
  const argv = spec.build(values);
  return { argv, values, options: sendOptionsOf(spec, values) };
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
      throw new DataError(`executeCommand: argument #${i + 1} must be a string, Buffer or number, got ${describeValue(argv[i])}`);
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
