import { DataError } from "../errors.js";
import type { CommandArg, RespValue } from "../protocol/index.js";
import { routeOf, type Route } from "./routing.js";

/**
 * Commands are data. Each command is one `CommandSpec`: its redis-py parameters, how they
 * become the words sent to the server, and how the reply becomes the returned value. The
 * methods of `Redis` (and of `Pipeline` and `RedisCluster`) are generated from these specs,
 * so no command is written twice.
 *
 * Parameters follow Python's calling convention (API.md section 1): any parameter may be
 * given positionally in redis-py's order, and a trailing plain object carries keyword
 * arguments by name. A parameter is declared as a string:
 *
 *   "name"          required; a string, Buffer, number or bigint (a key or a value)
 *   "name?"         optional (undefined or null means "not given", like Python's None)
 *   "name:kind"     another kind: num (finite number or bigint), int, bool, map (plain object
 *                   or Map), list (an array of values, or one value), any (checked by build)
 *   "...name"       a rest parameter collecting the remaining positional values
 *   "...name:list"  a rest parameter that also accepts one array (redis-py's `list_or_args`)
 */
export interface CommandDef {
  /** The command's words as the server names them, e.g. "SET", "CLIENT LIST". For messages and routing. */
  command: string;
  params: readonly string[];
  /** Makes the words to send from the parameter values (in `params` order). */
  build: (p: unknown[]) => CommandArg[];
  /** Turns the reply into the method's value; `p` are the parameter values of the call. */
  reply?: (reply: RespValue, p: unknown[]) => unknown;
  /**
   * `true`: decode string replies whatever `decodeResponses` says (metadata parsed by `reply`: INFO...).
   * `false`: never decode them (binary payloads: DUMP, FUNCTION DUMP).
   */
  decode?: boolean;
  /**
   * Turns a failure into the method's value or another error, for commands whose success
   * looks like a failure (SHUTDOWN: the connection is lost because it worked).
   */
  error?: (error: Error, p: unknown[]) => unknown;
  /** Does not change data (cluster replicas may serve it). */
  readonly?: boolean;
}

export type ParamKind = "value" | "num" | "int" | "bool" | "map" | "list" | "any";

interface Param {
  name: string;
  kind: ParamKind;
  optional: boolean;
  rest: boolean;
}

/** A `CommandDef` with its parameter declarations parsed once. */
export interface CommandSpec extends CommandDef {
  method: string;
  /** How the command is sent (shared connection, own connection...), from its name. */
  route: Route;
  parsed: Param[];
  index: Map<string, number>;
  restIndex: number;
  mappingPositions: Set<number>;
}

export function defineCommands(defs: Record<string, CommandDef>): Record<string, CommandSpec> {
  const specs: Record<string, CommandSpec> = {};
  for (const [method, def] of Object.entries(defs)) {
    const parsed = def.params.map(parseParam);
    const index = new Map(parsed.map((p, i) => [p.name, i]));
    specs[method] = {
      ...def,
      method,
      route: routeOf(def.command.split(" ")),
      parsed,
      index,
      restIndex: parsed.findIndex((p) => p.rest),
      mappingPositions: new Set(parsed.flatMap((p, i) => (p.kind === "map" ? [i] : []))),
    };
  }
  return specs;
}

function parseParam(decl: string): Param {
  const rest = decl.startsWith("...");
  const body = rest ? decl.slice(3) : decl;
  const [head = "", kind = "value"] = body.split(":");
  const optional = head.endsWith("?");
  const name = optional ? head.slice(0, -1) : head;
  if (!["value", "num", "int", "bool", "map", "list", "any"].includes(kind)) {
    throw new Error(`bad parameter kind in '${decl}'`);
  }
  return { name, kind: kind as ParamKind, optional: optional || rest, rest };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Maps a call's arguments onto the spec's parameters and checks each value's type.
 * Throws `DataError` naming the command and the parameter. Never echoes values.
 */
export function bindArgs(spec: CommandSpec, args: readonly unknown[]): unknown[] {
  const params = spec.parsed;
  const values = new Array<unknown>(params.length);
  let positional = args.length;
  let keywords: Record<string, unknown> | null = null;
  if (positional > 0) {
    const last = args[positional - 1];
    const at = spec.restIndex !== -1 && positional - 1 >= spec.restIndex ? spec.restIndex : positional - 1;
    // A trailing plain object is the keyword object unless its position takes a mapping.
    if (isPlainObject(last) && !spec.mappingPositions.has(at)) {
      keywords = last;
      positional--;
    }
  }
  const rest = spec.restIndex;
  const fixed = rest === -1 ? params.length : rest;
  if (rest === -1 && positional > params.length) {
    throw new DataError(`${spec.command} takes at most ${params.length} positional arguments, got ${positional}`);
  }
  for (let i = 0; i < Math.min(positional, fixed); i++) values[i] = args[i];
  if (rest !== -1) {
    const restValues: unknown[] = [];
    for (let i = rest; i < positional; i++) restValues.push(args[i]);
    values[rest] = restValues;
  }
  if (keywords) {
    for (const key of Object.keys(keywords)) {
      const value = keywords[key];
      const i = spec.index.get(key);
      if (i === undefined || params[i]!.rest) {
        throw new DataError(`${spec.command} got an unknown keyword argument '${key}'`);
      }
      if (values[i] !== undefined && value !== undefined) {
        throw new DataError(`${spec.command} got multiple values for argument '${key}'`);
      }
      if (value !== undefined) values[i] = value;
    }
  }
  for (let i = 0; i < params.length; i++) {
    const param = params[i]!;
    let value = values[i];
    if (param.rest) {
      const list = value as unknown[];
      if (param.kind === "list" && list.length === 1 && Array.isArray(list[0])) {
        values[i] = value = list[0];
      }
      const items = value as unknown[];
      for (let j = 0; j < items.length; j++) checkValue(spec, param.name, items[j], "value");
      continue;
    }
    if (value === undefined || value === null) {
      if (!param.optional) {
        const hint = keywords && i === positional ? " (a plain object in its place is read as keyword arguments)" : "";
        throw new DataError(`${spec.command} missing required argument '${param.name}'${hint}`);
      }
      values[i] = undefined;
      continue;
    }
    checkValue(spec, param.name, value, param.kind);
    if (param.kind === "list" && !Array.isArray(value)) values[i] = [value];
  }
  return values;
}

function checkValue(spec: CommandSpec, name: string, value: unknown, kind: ParamKind): void {
  switch (kind) {
    case "value":
      if (isArgValue(value)) return;
      throw badArg(spec, name, "a string, Buffer or number", value);
    case "num":
      if ((typeof value === "number" && Number.isFinite(value)) || typeof value === "bigint") return;
      throw badArg(spec, name, "a finite number", value);
    case "int":
      if (Number.isInteger(value) || typeof value === "bigint") return;
      throw badArg(spec, name, "an integer", value);
    case "bool":
      if (typeof value === "boolean") return;
      throw badArg(spec, name, "a boolean", value);
    case "map":
      if (isPlainObject(value) || value instanceof Map) return;
      throw badArg(spec, name, "a plain object or a Map", value);
    case "list":
      if (Array.isArray(value)) {
        for (const item of value) if (!isArgValue(item)) throw badArg(spec, name, "an array of strings, Buffers or numbers", item);
        return;
      }
      if (isArgValue(value)) return;
      throw badArg(spec, name, "an array of strings, Buffers or numbers", value);
    case "any":
      return;
  }
}

export function isArgValue(value: unknown): value is CommandArg {
  return (
    typeof value === "string" ||
    Buffer.isBuffer(value) ||
    (typeof value === "number" && Number.isFinite(value)) ||
    typeof value === "bigint"
  );
}

export function badArg(spec: { command: string }, name: string, expected: string, value: unknown): DataError {
  return new DataError(`${spec.command}: argument '${name}' must be ${expected}, got ${typeOf(value)}`);
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "NaN";
    if (!Number.isFinite(value)) return String(value);
    return Number.isInteger(value) ? "a number" : "a fractional number";
  }
  if (typeof value === "object") return value instanceof Map ? "a Map" : "an object";
  return `a ${typeof value}`;
}

/** The entries of a mapping parameter, from a plain object or a Map. */
export function entriesOf(mapping: unknown): [CommandArg, CommandArg][] {
  return mapping instanceof Map ? [...mapping.entries()] : Object.entries(mapping as Record<string, CommandArg>);
}

/** Pushes a mapping's keys and values, flat, checking each value. */
export function pushMapping(spec: { command: string }, name: string, argv: CommandArg[], mapping: unknown): void {
  let count = 0;
  for (const [key, value] of entriesOf(mapping)) {
    if (!isArgValue(key) || !isArgValue(value)) {
      throw badArg(spec, name, "a mapping of strings, Buffers or numbers", isArgValue(key) ? value : key);
    }
    argv.push(key, value);
    count++;
  }
  if (count === 0) throw new DataError(`${spec.command}: '${name}' must not be empty`);
}
