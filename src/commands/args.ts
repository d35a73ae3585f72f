import { DataError } from "../errors.js";
import type { CommandArg } from "../protocol/index.js";
import { strList } from "./replies.js";
import { badArg, isArgValue, type CommandDef } from "./spec.js";

/*
 * Argument helpers shared by the command tables: casts of parameter values that `bindArgs` has
 * already checked, and the checks a parameter's kind cannot express (empty lists, exclusive
 * options, enum words...). They throw `DataError` naming the command and the parameter, and
 * never echo a value.
 */

/** A parameter value as a command argument (its kind was checked by `bindArgs`). */
export const arg = (value: unknown): CommandArg => value as CommandArg;

/** A rest or list parameter's values as command arguments. */
export const rest = (values: unknown): CommandArg[] => values as CommandArg[];

/** A list parameter's values, refusing none: `CMD needs <needs>` when `needs` is given, else `CMD: 'name' must not be empty`. */
export function nonEmpty(command: string, name: string, values: unknown, needs?: string): CommandArg[] {
  const list = values as CommandArg[];
  if (list.length === 0) throw new DataError(needs === undefined ? `${command}: '${name}' must not be empty` : `${command} needs ${needs}`);
  return list;
}

/** Throws unless `numkeys` (the parameter called `name`) equals the number of keys given. */
export function numkeysMatch(command: string, name: string, numkeys: unknown, keys: readonly CommandArg[]): void {
  if (Number(numkeys) !== keys.length) {
    throw new DataError(`${command}: '${name}' must equal the number of keys given (${keys.length})`);
  }
}

/** Throws when more than one of `params` (name -> value) is given, that is neither undefined nor false. */
export function exclusive(command: string, params: Readonly<Record<string, unknown>>): void {
  // Counted without allocating: this runs on every SET.
  let count = 0;
  for (const name in params) {
    const value = params[name];
    if (value !== undefined && value !== false) count++;
  }
  if (count > 1) {
    const given = Object.keys(params).filter((name) => params[name] !== undefined && params[name] !== false);
    throw new DataError(`${command}: ${given.map((name) => `'${name}'`).join(" and ")} are mutually exclusive`);
  }
}

/** A word (string or Buffer, any case) checked against the upper-case `allowed` and upper-cased; `argument` words errors as `bindArgs` does (`argument 'name'`). */
export function oneOf(command: string, name: string, value: unknown, allowed: readonly string[], argument = false): string {
  const word = typeof value === "string" || Buffer.isBuffer(value) ? value.toString().toUpperCase() : null;
  if (word !== null && allowed.includes(word)) return word;
  const expected = `one of ${allowed.join(", ")}`;
  if (!argument) throw new DataError(`${command}: '${name}' must be ${expected}`);
  if (word === null && !isArgValue(value)) throw badArg({ command }, name, expected, value);
  throw new DataError(`${command}: argument '${name}' must be ${expected}`);
}

/** Pushes `word` when `on` is truthy. */
export function pushFlag(argv: CommandArg[], on: unknown, word: string): void {
  if (on) argv.push(word);
}

/** Pushes the SCAN family's cursor (0 when not given), `MATCH pattern` and `COUNT count`. */
export function scanArgs(argv: CommandArg[], cursor: unknown, match: unknown, count: unknown): CommandArg[] {
  argv.push((cursor as CommandArg | undefined) ?? 0);
  if (match !== undefined) argv.push("MATCH", arg(match));
  if (count !== undefined) argv.push("COUNT", arg(count));
  return argv;
}

/** A blocking command's timeout in seconds: 0 (block forever) when not given. */
export const timeoutOf = (value: unknown): CommandArg => (value as CommandArg | undefined) ?? 0;

/** An absolute time (redis-py's `AbsExpiryT`): an integer, a bigint, or a `Date` as Unix seconds (`ms` false) or milliseconds. */
export function absTime(command: string, name: string, value: unknown, ms: boolean): number | bigint {
  if (value instanceof Date) {
    const t = value.getTime();
    if (!Number.isFinite(t)) throw new DataError(`${command}: argument '${name}' is an invalid Date`);
    return ms ? t : Math.floor(t / 1000);
  }
  if ((typeof value === "number" && Number.isInteger(value)) || typeof value === "bigint") return value;
  throw badArg({ command }, name, "an integer or a Date", value);
}

// ---- spec builders -------------------------------------------------------------------------

/** The spec of `<CONTAINER> HELP`: the help lines as strings. */
export function help(container: string): CommandDef<readonly []> {
  return { command: `${container} HELP`, params: [], build: () => [...container.split(" "), "HELP"], reply: strList, decode: true };
}

/** The spec of a command whose only parameter is a key (`command` may be two words, as "OBJECT ENCODING"). */
export function oneKey(command: string, readonly: boolean): CommandDef<readonly ["name"]>;
export function oneKey(command: string, readonly: boolean, name: "key"): CommandDef<readonly ["key"]>;
export function oneKey(command: string, readonly: boolean, name: "name" | "key" = "name"): CommandDef<readonly ["name"]> | CommandDef<readonly ["key"]> {
  const words = command.split(" ");
  if (name === "key") {
    const byKey: CommandDef<readonly ["key"]> = { command, params: ["key"], build: ({ key }) => [...words, key], readonly, keys: ["key"] };
    return byKey;
  }
  const byName: CommandDef<readonly ["name"]> = { command, params: ["name"], build: (p) => [...words, p.name], readonly, keys: ["name"] };
  return byName;
}

/** An array of argument values (redis-py requires a list here), checked item by item. */
export function argList(command: string, name: string, value: unknown): CommandArg[] {
  if (!Array.isArray(value)) throw new DataError(`${command}: '${name}' must be an array`);
  for (const item of value) {
    if (!isArgValue(item)) throw new DataError(`${command}: '${name}' must be an array of strings, Buffers or numbers`);
  }
  return value as CommandArg[];
}
