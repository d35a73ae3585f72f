import { argumentMessage } from "../describe.js";
import { DataError } from "../errors.js";
import type { CommandArg, RespValue } from "../protocol/index.js";
import { connectionStateCommand, Route, streamingCommand, type BlockingRule } from "./route.js";

/**
 * Commands are data. Each command is one `CommandDef`, stated once: its redis-py parameters,
 * how they become the words sent to the server, how the reply becomes the returned value, and
 * the facts the clients route by (read-only, blocking, which parameters are keys). The methods
 * of `Redis` (and of `Pipeline` and `RedisCluster`) are generated from these specs, and
 * test/commands/spec-consistency.test.ts checks each typed method of the `Commands` interfaces
 * against its spec (parameter names, order, optionality).
 *
 * Parameters follow Python's calling convention (docs/api.md, "Conventions"): any parameter may be
 * given positionally in redis-py's order, and a trailing plain object carries keyword
 * arguments by name. A parameter is declared as a string:
 *
 *   "name"          required; a string, Buffer, number or bigint (a key or a value)
 *   "name?"         optional (undefined or null means "not given", like Python's None)
 *   "name:kind"     another kind: num (finite number, bigint or numeric string), int (integer,
 *                   bigint or integer string), pyint (integer or bigint only: where redis-py
 *                   checks `isinstance(value, int)`), bool, map (plain object
 *                   or Map), list (an array of values, or one value), any (checked by build)
 *   "...name"       a rest parameter collecting the remaining positional values
 *   "...name:list"  a rest parameter that also accepts one array (redis-py's `list_or_args`)
 *
 * `build`, `reply` and `error` receive the bound parameters as one object by name
 * (`build: ({ name, value, ex }) => ...`), typed from the declarations: `defineCommands`
 * reads the names and kinds from the string literals (`Bound` below).
 */
export interface CommandDef<P extends readonly string[] = readonly string[]> {
  /** The command's words as the server names them, e.g. "SET", "CLIENT LIST". For messages and routing. */
  command: string;
  params: P;
  /** Makes the words to send from the bound parameters. */
  build(p: Bound<P>): CommandArg[];
  /** Turns the reply into the method's value; `p` are the bound parameters of the call. */
  reply?(reply: RespValue, p: Bound<P>): unknown;
  /**
   * `true`: decode string replies whatever `decodeResponses` says (metadata parsed by `reply`: INFO...).
   * `false`: never decode them (binary payloads: DUMP, FUNCTION DUMP).
   */
  decode?: boolean;
  /**
   * With Buffer replies, the reply's field names (even elements of a flat array, keys of a
   * map) arrive as text, for a `reply` that makes an object of them (HGETALL): object keys can
   * only be strings, so no Buffer is made for each name only to be decoded by `reply`.
   * `reply` must accept a name as a string or a Buffer (`str`): a name cut by a socket read
   * still arrives as a Buffer, and pipelines do not use this.
   */
  textKeys?: boolean;
  /**
   * Turns a failure into the method's value or another error, for commands whose success
   * looks like a failure (SHUTDOWN: the connection is lost because it worked).
   */
  error?(error: Error, p: Bound<P>): unknown;
  /** Does not change data (cluster replicas may serve it). */
  readonly?: boolean;
  /**
   * The server may hold the reply (BLPOP, XREAD BLOCK, WAIT): where the timeout is in the
   * words sent. Such a command takes a connection of its own; `BLOCKING_COMMANDS` is made from these.
   */
  blocking?: BlockingRule;
  /**
   * The parameters that hold keys (a list or rest parameter: each item; a mapping: its keys,
   * as MSET's or XREAD's `streams`), in the order the command takes them. Absent: the command
   * takes no key, or its keys are counted by a `numkeys` argument among other values (EVAL,
   * FCALL: the server's key specs tell them). Cluster slot routing reads them through
   * `commandKeys`; test/commands/spec-keys.test.ts checks them against COMMAND GETKEYS.
   */
  keys?: readonly ParamName<P>[];
  /**
   * A mapping (plain object or Map) given positionally at `position` is the value of the mapping
   * parameter `param` (`hset(name, { field: value })`: a plain object cannot be a field name).
   */
  mappingAt?: { position: number; param: ParamName<P> };
  /**
   * A call with nothing to ask the server (MGET of no keys): the value it resolves with, without
   * a round trip; `undefined` when the call is sent. Pipelines and transactions leave such a
   * command out of what they send and put the value at its position (redis-py's `EMPTY_RESPONSE`).
   * `build` still makes its words, for messages.
   */
  emptyResponse?(p: Bound<P>): EmptyResponse | undefined;
}

/** The value of a call answered without the server (see `CommandDef.emptyResponse`). */
export interface EmptyResponse {
  value: unknown;
}

// ---- the parameter declarations as types ---------------------------------------------------

/** A value that is sent as is: what a parameter of the default kind holds. */
export type ArgValue = CommandArg;
type KindType<K extends string> = K extends "num" | "int"
  ? number | bigint | string
  : K extends "pyint"
    ? number | bigint
    : K extends "bool"
      ? boolean
      : K extends "map"
        ? Record<string, unknown> | Map<unknown, unknown>
        : K extends "list"
          ? ArgValue[]
          : unknown;
/** One declaration as an object type: `"ex?:num"` is `{ ex?: number | bigint | string | undefined }`. */
type ParamType<D extends string> = D extends `...${infer N}:${string}`
  ? { [k in N]: ArgValue[] }
  : D extends `...${infer N}`
    ? { [k in N]: ArgValue[] }
    : D extends `${infer N}?:${infer K}`
      ? { [k in N]?: KindType<K> | undefined }
      : D extends `${infer N}?`
        ? { [k in N]?: ArgValue | undefined }
        : D extends `${infer N}:${infer K}`
          ? { [k in N]: KindType<K> }
          : { [k in D]: ArgValue };
type Merge<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? { [K in keyof I]: I[K] } : never;
/** The parameter names of a declaration list. */
export type ParamName<P extends readonly string[]> = keyof Bound<P> & string;
/**
 * The bound parameters of a declaration list, by name. A list that is not a literal
 * (`string[]`) gives a loose record: declare shared lists `as const`.
 */
export type Bound<P extends readonly string[]> = string[] extends P
  ? Record<string, unknown>
  : P extends readonly []
    ? Record<never, never>
    : Merge<ParamType<P[number]>>;

export type ParamKind = "value" | "num" | "int" | "pyint" | "bool" | "map" | "list" | "any";

interface Param {
  name: string;
  kind: ParamKind;
  optional: boolean;
  rest: boolean;
}

/**
 * A command as the clients use it: its `CommandDef` with the declarations parsed once.
 * `bindArgs` gives the parameter values in declaration order; `build`, `reply` and `error`
 * here take that array and hand the definition's functions the values by name.
 */
export interface CommandSpec {
  method: string;
  command: string;
  params: readonly string[];
  build: (values: unknown[]) => CommandArg[];
  reply?: (reply: RespValue, values: unknown[]) => unknown;
  error?: (error: Error, values: unknown[]) => unknown;
  decode?: boolean;
  textKeys?: boolean;
  readonly?: boolean;
  blocking?: BlockingRule;
  emptyResponse?: (values: unknown[]) => EmptyResponse | undefined;
  /** The names of the parameters holding keys (see `CommandDef.keys`); empty when none. */
  keys: readonly string[];
  /** Their positions in `params`. */
  keyIndexes: readonly number[];
  /** How the command is sent (shared connection, own connection...). */
  route: Route;
  parsed: Param[];
  index: Map<string, number>;
  restIndex: number;
  /** The positions where a plain object of strings, Buffers or numbers is a mapping, not the keyword object. */
  mappingPositions: Set<number>;
  /** `CommandDef.mappingAt`: a position whose mapping is the value of another parameter (its index). */
  mappingAt?: { position: number; param: number };
}

/** Where a bound-parameters object keeps the values: a symbol, so no parameter name can hide it. */
const VALUES = Symbol("values");

/**
 * Makes the function giving a call's values by parameter name (what `build`, `reply` and
 * `error` of a definition receive). The object wraps the values `bindArgs` gave, and reads
 * each name through a getter of its command's own prototype: making it is one small
 * allocation, and reading `p.name` (or destructuring) is as fast as an array index, where
 * copying the values into a fresh object per call cost SET a microsecond.
 */
function byNameOf(names: readonly string[]): (values: unknown[]) => Record<string, unknown> {
  class Params {
    readonly [VALUES]: unknown[];
    constructor(values: unknown[]) {
      this[VALUES] = values;
    }
  }
  names.forEach((name, i) => {
    Object.defineProperty(Params.prototype, name, {
      get(this: Params) {
        return this[VALUES][i];
      },
      enumerable: true,
    });
  });
  return (values) => new Params(values) as unknown as Record<string, unknown>;
}

/**
 * Makes the specs of a family of commands. Each entry's `build`/`reply`/`error` are typed from
 * its `params` literals; `keys` must name parameters of the entry.
 */
export function defineCommands<const T extends Record<string, readonly string[]>>(
  defs: {
    [K in keyof T]: CommandDef<T[K]>;
  },
): Record<string, CommandSpec> {
  const specs: Record<string, CommandSpec> = {};
  for (const [method, loose] of Object.entries(defs as Record<string, unknown>)) {
    // Each entry was checked against its own parameter list above; here any list will do.
    const def = loose as CommandDef;
    const parsed = def.params.map(parseParam);
    const names = parsed.map((p) => p.name);
    const index = new Map(names.map((name, i) => [name, i]));
    const keys = def.keys ?? [];
    const keyIndexes = keys.map((name) => {
      const i = index.get(name);
      if (i === undefined) throw new Error(`${method}: key parameter '${name}' is not a parameter`);
      return i;
    });
    const { build, reply, error, emptyResponse } = def;
    let mappingAt: CommandSpec["mappingAt"];
    if (def.mappingAt) {
      const param = index.get(def.mappingAt.param);
      if (param === undefined || parsed[param]!.kind !== "map") throw new Error(`${method}: mappingAt names no mapping parameter`);
      mappingAt = { position: def.mappingAt.position, param };
    }
    const byName = byNameOf(names);
    const words = def.command.split(" ");
    specs[method] = {
      method,
      command: def.command,
      params: def.params,
      // A function that ignores the parameters is used as is: no object is made per call.
      build: build.length === 0 ? (build as () => CommandArg[]) : (values) => build(byName(values)),
      reply: reply && (reply.length < 2 ? (reply as (r: RespValue) => unknown) : (r, values) => reply(r, byName(values))),
      error: error && (error.length < 2 ? (error as (e: Error) => unknown) : (e, values) => error(e, byName(values))),
      decode: def.decode,
      textKeys: def.textKeys,
      emptyResponse: emptyResponse && ((values) => emptyResponse(byName(values))),
      readonly: def.readonly,
      blocking: def.blocking,
      keys,
      keyIndexes,
      route: streamingCommand(words) ? Route.Streaming : connectionStateCommand(words) ? Route.State : def.blocking ? Route.Blocking : Route.Plain,
      parsed,
      index,
      restIndex: parsed.findIndex((p) => p.rest),
      mappingPositions: new Set([...parsed.flatMap((p, i) => (p.kind === "map" ? [i] : [])), ...(mappingAt ? [mappingAt.position] : [])]),
      mappingAt,
    };
  }
  return specs;
}

/**
 * The keys of a call, from the values `bindArgs` gave: each key parameter's value (the items of
 * a list or rest parameter, the keys of a mapping), in order. For cluster slot routing.
 */
export function commandKeys(spec: CommandSpec, values: readonly unknown[]): CommandArg[] {
  const keys: CommandArg[] = [];
  for (const i of spec.keyIndexes) {
    const value = values[i];
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) keys.push(...(value as CommandArg[]));
    else if (value instanceof Map || isPlainObject(value)) for (const [key] of entriesOf(value)) keys.push(key);
    else keys.push(value as CommandArg);
  }
  return keys;
}

function parseParam(decl: string): Param {
  const rest = decl.startsWith("...");
  const body = rest ? decl.slice(3) : decl;
  const [head = "", kind = "value"] = body.split(":");
  const optional = head.endsWith("?");
  const name = optional ? head.slice(0, -1) : head;
  if (!["value", "num", "int", "pyint", "bool", "map", "list", "any"].includes(kind)) {
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
 * True when a trailing plain object at position `at` of a call is a mapping argument rather than
 * the keyword object. The one rule: the position takes a mapping, and none of the object's
 * values is one no mapping holds: an object (another mapping, a list, a Map; a Buffer is a
 * value), a boolean or a function. Such an object is the keyword object: that is how
 * `xread({ streams: { s: "0" }, count: 1 })` (redis-py's `streams=` keyword) and
 * `hset(name, { mapping: {...} })` read, while `xread({ s: "0" })`, `zadd(name, { m: Infinity })`
 * and `hset(name, { f: "v" })` are mappings.
 */
export function isMappingArgument(spec: CommandSpec, at: number, value: Record<string, unknown>): boolean {
  if (!spec.mappingPositions.has(at)) return false;
  for (const key in value) {
    const v = value[key];
    if (typeof v === "boolean" || typeof v === "function" || (typeof v === "object" && v !== null && !Buffer.isBuffer(v))) return false;
  }
  return true;
}

/**
 * Maps a call's arguments onto the spec's parameters and checks each value's type.
 * Throws `DataError` naming the command and the parameter. Never echoes values.
 */
export function bindArgs(spec: CommandSpec, args: readonly unknown[]): unknown[] {
  const params = spec.parsed;
  let positional = args.length;
  let keywords: Record<string, unknown> | null = null;
  /** The keyword object stands where a mapping could (the mapping parameter's name): an unknown name there means a bad mapping. */
  let atMapping: string | null = null;
  if (positional > 0) {
    const last = args[positional - 1];
    const at = spec.restIndex !== -1 && positional - 1 >= spec.restIndex ? spec.restIndex : positional - 1;
    // A trailing plain object is the keyword object unless it is a mapping argument.
    if (isPlainObject(last) && !isMappingArgument(spec, at, last)) {
      keywords = last;
      if (spec.mappingPositions.has(at)) atMapping = params[spec.mappingAt?.position === at ? spec.mappingAt.param : at]?.name ?? null;
      positional--;
    }
  }
  const rest = spec.restIndex;
  // Only as long as the call reaches: a parameter past the end reads as undefined. The array
  // lives as long as the command (a pipeline holds it until its reply), so SET's ten
  // parameters given two arguments keep two slots, not ten.
  const values = new Array<unknown>(keywords !== null || rest !== -1 || spec.mappingAt ? params.length : Math.min(positional, params.length));
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
  const alias = spec.mappingAt;
  if (alias && alias.position < positional) {
    const value = values[alias.position];
    if (isPlainObject(value) || value instanceof Map) {
      if (values[alias.param] !== undefined) {
        throw new DataError(`${spec.command} got multiple values for argument '${params[alias.param]!.name}'`);
      }
      values[alias.param] = value;
      values[alias.position] = undefined;
    }
  }
  if (keywords) {
    for (const key of Object.keys(keywords)) {
      const value = keywords[key];
      const i = spec.index.get(key);
      if (i === undefined || params[i]!.rest) {
        if (atMapping !== null) {
          // Neither a mapping (a value is an object, a boolean or a function) nor keyword arguments.
          const names = params
            .filter((p) => !p.rest)
            .map((p) => p.name)
            .join(", ");
          throw new DataError(
            `${spec.command}: argument '${atMapping}' must be a mapping of strings, Buffers or numbers (or the object of keyword arguments: ${names}), got an object that is neither`,
          );
        }
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
      if (value === null) values[i] = undefined;
      continue;
    }
    checkValue(spec, param.name, value, param.kind);
    if (param.kind === "list" && !Array.isArray(value)) values[i] = [value];
  }
  return values;
}

/** A decimal integer as text ("10", "-1"): what an `int` parameter accepts as a string. */
const INTEGER = /^[+-]?\d+$/;
/** A decimal number as text ("1.5", "-2e3", "+inf"): what a `num` parameter accepts as a string. */
const NUMERIC = /^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|inf)$/i;

function checkValue(spec: CommandSpec, name: string, value: unknown, kind: ParamKind): void {
  switch (kind) {
    case "value":
      if (isArgValue(value)) return;
      throw badArg(spec, name, "a string, Buffer or number", value);
    case "num":
      if ((typeof value === "number" && Number.isFinite(value)) || typeof value === "bigint") return;
      // A numeric string is sent as given, as redis-py sends it (the server judges its range).
      if (typeof value === "string" && NUMERIC.test(value)) return;
      throw badArg(spec, name, "a finite number", value);
    case "int":
      if (Number.isInteger(value) || typeof value === "bigint") return;
      if (typeof value === "string" && INTEGER.test(value)) return;
      throw badArg(spec, name, "an integer", value);
    case "pyint":
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
  return typeof value === "string" || Buffer.isBuffer(value) || (typeof value === "number" && Number.isFinite(value)) || typeof value === "bigint";
}

export function badArg(spec: { command: string }, name: string, expected: string, value: unknown): DataError {
  return new DataError(argumentMessage(spec.command, `'${name}'`, expected, value));
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
