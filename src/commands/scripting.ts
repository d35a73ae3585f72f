import { DataError } from "../errors.js";
import type { CommandArg, RespValue } from "../protocol/index.js";
import { help, nonEmpty, oneOf } from "./args.js";
import { boolList, okToTrue, setField, str, toArray, toNumber, toObject } from "./replies.js";
import { defineCommands, type CommandDef, type CommandSpec } from "./spec.js";
import type { EncodableT, Ret, Without } from "./types.js";

/**
 * What a Lua script or function returns: strings (`T`), integers, `null` (nil, Lua false),
 * and arrays of those (Lua tables). A script that switches to RESP3 (`redis.setresp(3)`)
 * may also return maps, which come back as flat `[k1, v1, ...]` arrays as over RESP2, and
 * doubles and big numbers, which come back as numbers/bigints over RESP3 but as strings over RESP2.
 */
export type ScriptReply<T> = T | number | bigint | null | ScriptReply<T>[];

export interface FunctionInfo<T> {
  name: T;
  description: T | null;
  flags: T[];
}

export interface LibraryInfo<T> {
  library_name: T;
  engine: T;
  functions: FunctionInfo<T>[];
  /** Present with `withcode`. */
  library_code?: T;
}

export interface FunctionStats<T> {
  /** The function running now, or `null`. */
  running_script: { name: T; command: T[]; duration_ms: number } | null;
  /** Per engine (`LUA`): how many libraries and functions are loaded. */
  engines: Record<string, { libraries_count: number; functions_count: number }>;
}

export type FlushMode = "SYNC" | "ASYNC" | "sync" | "async";
export type RestorePolicy = "APPEND" | "FLUSH" | "REPLACE" | "append" | "flush" | "replace";

export interface ScriptingCommands<T, M> {
  /** EVAL: runs a Lua script with `numkeys` keys, then arguments, in `keysAndArgs`. */
  eval(script: EncodableT, numkeys: number | string, ...keysAndArgs: EncodableT[]): Ret<M, ScriptReply<T>>;
  /** EVAL_RO: the read-only variant of EVAL. */
  evalRo(script: EncodableT, numkeys: number | string, ...keysAndArgs: EncodableT[]): Ret<M, ScriptReply<T>>;
  /** EVALSHA: runs a cached script by its SHA1 digest. */
  evalsha(sha: EncodableT, numkeys: number | string, ...keysAndArgs: EncodableT[]): Ret<M, ScriptReply<T>>;
  /** EVALSHA_RO: the read-only variant of EVALSHA. */
  evalshaRo(sha: EncodableT, numkeys: number | string, ...keysAndArgs: EncodableT[]): Ret<M, ScriptReply<T>>;
  /** SCRIPT EXISTS: whether each SHA1 digest is in the script cache. */
  scriptExists(...args: EncodableT[]): Ret<M, boolean[]>;
  scriptExists(args: EncodableT[]): Ret<M, boolean[]>;
  /** SCRIPT DEBUG is not available, as in redis-py: it always rejects with a `DataError`. */
  scriptDebug(...args: EncodableT[]): Ret<M, never>;
  /** SCRIPT HELP: the server's help text, one line per string. */
  scriptHelp(): Ret<M, string[]>;
  /** SCRIPT FLUSH, optionally `"SYNC"` or `"ASYNC"`. */
  scriptFlush(syncType?: FlushMode | null): Ret<M, boolean>;
  scriptFlush(options: { syncType?: FlushMode | null }): Ret<M, boolean>;
  /** SCRIPT KILL: `true` (a `ResponseError` NOTBUSY when no script runs). */
  scriptKill(): Ret<M, boolean>;
  /** SCRIPT LOAD: the script's SHA1 digest. */
  scriptLoad(script: EncodableT): Ret<M, string>;
  /** FCALL: calls a function with `numkeys` keys, then arguments, in `keysAndArgs`. */
  fcall(func: EncodableT, numkeys: number | string, ...keysAndArgs: EncodableT[]): Ret<M, ScriptReply<T>>;
  /** FCALL_RO: the read-only variant of FCALL. */
  fcallRo(func: EncodableT, numkeys: number | string, ...keysAndArgs: EncodableT[]): Ret<M, ScriptReply<T>>;
  /** FUNCTION DELETE: `true`. */
  functionDelete(library: EncodableT): Ret<M, boolean>;
  /** FUNCTION DUMP: the serialized libraries, always a Buffer. */
  functionDump(): Ret<M, Buffer>;
  /** FUNCTION FLUSH (mode `"SYNC"` by default, as redis-py). */
  functionFlush(mode?: FlushMode): Ret<M, boolean>;
  functionFlush(options: { mode?: FlushMode }): Ret<M, boolean>;
  /** FUNCTION HELP: the server's help text, one line per string. */
  functionHelp(): Ret<M, string[]>;
  /** FUNCTION KILL: the server's `OK` (a `ResponseError` NOTBUSY when no function runs). */
  functionKill(): Ret<M, T>;
  /** FUNCTION LIST: one object per library matching the `library` pattern (default `"*"`). */
  functionList(library?: EncodableT | null, withcode?: boolean): Ret<M, LibraryInfo<T>[]>;
  functionList(options: { library?: EncodableT | null; withcode?: boolean }): Ret<M, LibraryInfo<T>[]>;
  functionList(library: EncodableT | null, options: Without<{ library?: EncodableT | null; withcode?: boolean }, "library">): Ret<M, LibraryInfo<T>[]>;
  /** FUNCTION LOAD: the name of the library loaded. */
  functionLoad(code: EncodableT, replace?: boolean): Ret<M, T>;
  functionLoad(code: EncodableT, options: { replace?: boolean }): Ret<M, T>;
  /** FUNCTION RESTORE from a FUNCTION DUMP payload, with policy `"APPEND"` (default), `"FLUSH"` or `"REPLACE"`. */
  functionRestore(payload: EncodableT, policy?: RestorePolicy | null): Ret<M, boolean>;
  functionRestore(payload: EncodableT, options: { policy?: RestorePolicy | null }): Ret<M, boolean>;
  /** FUNCTION STATS: the running function, if any, and the engines' counts. */
  functionStats(): Ret<M, FunctionStats<T>>;
}

// ---- helpers -------------------------------------------------------------------------------

/**
 * A script's reply, the same over both protocols: what only RESP3 can carry (a script that
 * called `redis.setresp(3)`) is turned into what a RESP2 client gets: maps into flat arrays,
 * `true` into 1 and `false` into 0.
 */
function scriptReply(reply: RespValue): unknown {
  if (reply === true) return 1;
  if (reply === false) return 0;
  if (reply instanceof Map) {
    const flat: unknown[] = [];
    for (const [k, v] of reply) flat.push(scriptReply(k), scriptReply(v));
    return flat;
  }
  if (Array.isArray(reply)) {
    for (let i = 0; i < reply.length; i++) {
      const item = reply[i]!;
      if (item === true || item === false || item instanceof Map || Array.isArray(item)) return reply.map(scriptReply);
    }
  }
  return reply;
}

/** EVAL and its variants; `first` names the script parameter, so the bound values are read from a plain record. */
function evalSpec(command: string, first: string, readonly: boolean): CommandDef<readonly string[]> {
  return {
    command,
    params: [first, "numkeys:int", "...keysAndArgs"],
    build(p): CommandArg[] {
      const rest = p.keysAndArgs as CommandArg[];
      const numkeys = p.numkeys as number | string;
      if (Number(numkeys) < 0 || Number(numkeys) > rest.length) {
        throw new DataError(`${command}: 'numkeys' must be between 0 and the number of keys and arguments`);
      }
      return [command, p[first] as CommandArg, numkeys, ...rest];
    },
    reply: scriptReply,
    readonly,
  };
}

function parseLibrary(lib: RespValue): Record<string, unknown> {
  const data: Record<string, unknown> = toObject(lib);
  if (data.functions !== undefined) {
    data.functions = toArray(data.functions as RespValue).map((f) => {
      const fn: Record<string, unknown> = toObject(f);
      if (fn.flags !== undefined) fn.flags = toArray(fn.flags as RespValue);
      return fn;
    });
  }
  return data;
}

function parseFunctionStats(reply: RespValue): FunctionStats<RespValue> {
  const data = toObject(reply);
  const running = data.running_script ?? null;
  let runningScript: FunctionStats<RespValue>["running_script"] = null;
  if (running !== null) {
    const r = toObject(running);
    runningScript = { name: r.name!, command: toArray(r.command ?? null), duration_ms: toNumber(r.duration_ms!) };
  }
  const engines: FunctionStats<RespValue>["engines"] = {};
  for (const [engine, counts] of Object.entries(toObject(data.engines ?? null))) {
    const c = toObject(counts);
    setField(engines, engine, { libraries_count: toNumber(c.libraries_count!), functions_count: toNumber(c.functions_count!) });
  }
  return { running_script: runningScript, engines };
}

// ---- the table -----------------------------------------------------------------------------

export const SCRIPTING_COMMANDS: Record<string, CommandSpec> = defineCommands({
  eval: evalSpec("EVAL", "script", false),
  evalRo: evalSpec("EVAL_RO", "script", true),
  evalsha: evalSpec("EVALSHA", "sha", false),
  evalshaRo: evalSpec("EVALSHA_RO", "sha", true),
  scriptExists: {
    command: "SCRIPT EXISTS",
    params: ["...args:list"],
    build: ({ args }) => ["SCRIPT", "EXISTS", ...nonEmpty("SCRIPT EXISTS", "args", args, "at least one SHA1 digest")],
    reply: boolList,
  },
  scriptDebug: {
    command: "SCRIPT DEBUG",
    params: ["...args"],
    build() {
      // The Lua debugger takes over the connection, which the client shares (redis-py refuses it too).
      throw new DataError("SCRIPT DEBUG cannot run through the client: the Lua debugger takes over its connection; use redis-cli --ldb");
    },
  },
  scriptHelp: help("SCRIPT"),
  scriptFlush: {
    command: "SCRIPT FLUSH",
    params: ["syncType?"],
    build: ({ syncType }) =>
      syncType === undefined ? ["SCRIPT", "FLUSH"] : ["SCRIPT", "FLUSH", oneOf("SCRIPT FLUSH", "syncType", syncType, ["SYNC", "ASYNC"])],
    reply: okToTrue,
  },
  scriptKill: { command: "SCRIPT KILL", params: [], build: () => ["SCRIPT", "KILL"], reply: okToTrue },
  scriptLoad: {
    command: "SCRIPT LOAD",
    params: ["script"],
    build: ({ script }) => ["SCRIPT", "LOAD", script],
    reply: str,
    decode: true,
  },
  fcall: evalSpec("FCALL", "function", false),
  fcallRo: evalSpec("FCALL_RO", "function", true),
  functionDelete: {
    command: "FUNCTION DELETE",
    params: ["library"],
    build: ({ library }) => ["FUNCTION", "DELETE", library],
    reply: okToTrue,
  },
  functionDump: { command: "FUNCTION DUMP", params: [], build: () => ["FUNCTION", "DUMP"], decode: false, readonly: true },
  functionFlush: {
    command: "FUNCTION FLUSH",
    params: ["mode?"],
    build: ({ mode }) => ["FUNCTION", "FLUSH", mode === undefined ? "SYNC" : oneOf("FUNCTION FLUSH", "mode", mode, ["SYNC", "ASYNC"])],
    reply: okToTrue,
  },
  functionHelp: help("FUNCTION"),
  functionKill: { command: "FUNCTION KILL", params: [], build: () => ["FUNCTION", "KILL"] },
  functionList: {
    command: "FUNCTION LIST",
    params: ["library?", "withcode?:bool"],
    build({ library, withcode }) {
      const argv: CommandArg[] = ["FUNCTION", "LIST", "LIBRARYNAME", (library as CommandArg | undefined) ?? "*"];
      if (withcode) argv.push("WITHCODE");
      return argv;
    },
    reply: (reply) => toArray(reply).map(parseLibrary),
    readonly: true,
  },
  functionLoad: {
    command: "FUNCTION LOAD",
    params: ["code", "replace?:bool"],
    build: ({ code, replace }) => (replace ? ["FUNCTION", "LOAD", "REPLACE", code] : ["FUNCTION", "LOAD", code]),
  },
  functionRestore: {
    command: "FUNCTION RESTORE",
    params: ["payload", "policy?"],
    build: ({ payload, policy }) => [
      "FUNCTION",
      "RESTORE",
      payload,
      policy === undefined ? "APPEND" : oneOf("FUNCTION RESTORE", "policy", policy, ["APPEND", "FLUSH", "REPLACE"]),
    ],
    reply: okToTrue,
  },
  functionStats: {
    command: "FUNCTION STATS",
    params: [],
    build: () => ["FUNCTION", "STATS"],
    reply: parseFunctionStats,
    readonly: true,
  },
});
