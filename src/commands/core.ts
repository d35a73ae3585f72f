import { DataError } from "../errors.js";
import type { CommandArg } from "../protocol/index.js";
import { pong } from "./replies.js";
import { badArg, defineCommands, isArgValue, type CommandSpec } from "./spec.js";
import type { EncodableT, KeyT, Ret } from "./types.js";

// Moved to their families; re-exported here because the public index names them from this module.
export type { SetOptions } from "./strings.js";
export type { ExpireOptions } from "./keys.js";

/** Connection-level commands that belong to no data type. */
export interface CoreCommands<T, M> {
  /** PING. Resolves `true` when the server answers PONG; also the way to connect eagerly. */
  ping(): Ret<M, boolean>;
  echo(value: EncodableT): Ret<M, T>;
  /** PUBLISH: the number of subscribers that received the message. */
  publish(channel: KeyT, message: EncodableT): Ret<M, number>;
}

export const CORE_COMMANDS: Record<string, CommandSpec> = defineCommands({
  ping: { command: "PING", params: [], build: () => ["PING"], reply: pong },
  echo: { command: "ECHO", params: ["value"], build: (p) => ["ECHO", p[0] as CommandArg] },
  publish: { command: "PUBLISH", params: ["channel", "message"], build: (p) => ["PUBLISH", p[0] as CommandArg, p[1] as CommandArg] },
});

/*
 * Small build helpers shared by the key, string and HyperLogLog tables (local to these
 * families; candidates for hoisting into spec.ts).
 */

/** Pushes `word` when the flag is set. */
export function flag(argv: CommandArg[], on: unknown, word: string): void {
  if (on) argv.push(word);
}

/** Throws when more than one of the parameters at `indexes` is given (not undefined/false). */
export function exclusive(command: string, p: unknown[], names: readonly string[], indexes: number[]): void {
  const given = indexes.filter((i) => p[i] !== undefined && p[i] !== false);
  if (given.length > 1) {
    throw new DataError(`${command}: ${given.map((i) => `'${names[i]}'`).join(" and ")} are mutually exclusive`);
  }
}

/** The names of a params list, without their `?`, kinds or `...`. */
export function paramNames(params: readonly string[]): string[] {
  return params.map((p) => p.replace(/^\.\.\./, "").replace(/[?:].*$/, ""));
}

/** A rest/list parameter's values, refusing an empty list. */
export function nonEmpty(command: string, values: unknown, what = "at least one key"): CommandArg[] {
  const list = values as CommandArg[];
  if (list.length === 0) throw new DataError(`${command} needs ${what}`);
  return list;
}

/**
 * An absolute time (redis-py's `AbsExpiryT`: an int or a datetime): a number, a bigint, or a
 * `Date`, which becomes Unix seconds (`ms` false) or milliseconds (`ms` true).
 */
export function absTime(command: string, name: string, value: unknown, ms: boolean): number | bigint {
  if (value instanceof Date) {
    const t = value.getTime();
    if (!Number.isFinite(t)) throw new DataError(`${command}: argument '${name}' is an invalid Date`);
    return ms ? t : Math.floor(t / 1000);
  }
  if ((typeof value === "number" && Number.isInteger(value)) || typeof value === "bigint") return value;
  throw badArg({ command }, name, "an integer or a Date", value);
}

/** Checks an enum-like word argument case-insensitively and returns it upper-cased. */
export function oneOf(command: string, name: string, value: unknown, allowed: readonly string[]): string {
  const word = typeof value === "string" ? value.toUpperCase() : Buffer.isBuffer(value) ? value.toString().toUpperCase() : null;
  if (word === null || !allowed.includes(word)) {
    if (word === null && !isArgValue(value)) throw badArg({ command }, name, `one of ${allowed.join(", ")}`, value);
    throw new DataError(`${command}: argument '${name}' must be one of ${allowed.join(", ")}`);
  }
  return word;
}

/**
 * The NX/XX/GT/LT flags of EXPIRE and its siblings, checked as the server does: NX excludes
 * the other three, GT excludes LT (XX may combine with GT or LT).
 */
export function pushExpireFlags(command: string, argv: CommandArg[], nx: unknown, xx: unknown, gt: unknown, lt: unknown): void {
  if (nx && (xx || gt || lt)) {
    throw new DataError(`${command}: 'nx' and ${xx ? "'xx'" : gt ? "'gt'" : "'lt'"} are mutually exclusive`);
  }
  if (gt && lt) throw new DataError(`${command}: 'gt' and 'lt' are mutually exclusive`);
  flag(argv, nx, "NX");
  flag(argv, xx, "XX");
  flag(argv, gt, "GT");
  flag(argv, lt, "LT");
}

/**
 * EX/PX/EXAT/PXAT words from their values (redis-py's `extract_expire_flags`); `indexes` are the
 * positions of ex, px, exat, pxat in `p`.
 */
export function pushExpiry(command: string, argv: CommandArg[], p: unknown[], indexes: [number, number, number, number]): void {
  const [ex, px, exat, pxat] = indexes;
  if (p[ex] !== undefined) argv.push("EX", p[ex] as number);
  if (p[px] !== undefined) argv.push("PX", p[px] as number);
  if (p[exat] !== undefined) argv.push("EXAT", absTime(command, "exat", p[exat], false));
  if (p[pxat] !== undefined) argv.push("PXAT", absTime(command, "pxat", p[pxat], true));
}
