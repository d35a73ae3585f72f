import { DataError } from "../errors.js";
import type { CommandArg, RespValue } from "../protocol/index.js";
import { absTime, exclusive, nonEmpty, oneKey, oneOf } from "./args.js";
import type { AbsExpiryT } from "./keys.js";
import { okToTrue, toBool, toNumber, toObject } from "./replies.js";
import { badArg, defineCommands, isArgValue, pushMapping, type CommandSpec } from "./spec.js";
import type { EncodableT, ExpiryT, KeyT, Ret } from "./types.js";

export interface SetOptions {
  /** Expire after this many seconds. */
  ex?: ExpiryT | null;
  /** Expire after this many milliseconds. */
  px?: ExpiryT | null;
  /** Only set if the key does not exist. */
  nx?: boolean;
  /** Only set if the key exists. */
  xx?: boolean;
  /** Keep the key's time to live. */
  keepttl?: boolean;
  /** Return the old value instead of `true`. */
  get?: boolean;
  /** Expire at this Unix time in seconds (or a Date). */
  exat?: AbsExpiryT | null;
  /** Expire at this Unix time in milliseconds (or a Date). */
  pxat?: AbsExpiryT | null;
}

export interface GetexOptions {
  ex?: ExpiryT | null;
  px?: ExpiryT | null;
  exat?: AbsExpiryT | null;
  pxat?: AbsExpiryT | null;
  /** Remove the key's time to live. */
  persist?: boolean;
}

/** BITCOUNT/BITPOS ranges count bytes (the default) or bits. */
export type BitRangeMode = "BYTE" | "BIT" | "byte" | "bit";

export interface BitcountOptions {
  start?: number | null;
  end?: number | null;
  mode?: BitRangeMode | null;
}

export type BitposOptions = BitcountOptions;

export interface LcsOptions {
  /** Return only the length of the match. */
  len?: boolean;
  /** Return the match positions. */
  idx?: boolean;
  /** With `idx`: only matches at least this long. */
  minmatchlen?: number | null;
  /** With `idx`: include each match's length. */
  withmatchlen?: boolean;
}

/** A range `[start, end]` (inclusive) in one of the two strings. */
export type LcsRange = [number, number];
/** One LCS IDX match: its range in the first and the second string, then its length with `withmatchlen`. */
export type LcsMatch = [LcsRange, LcsRange] | [LcsRange, LcsRange, number];
/** LCS with `idx`: the matches (longest first) and the length of the whole subsequence. */
export interface LcsIdxResult {
  matches: LcsMatch[];
  len: number;
}

/** A bitfield offset: a bit number, or "#n" for the n-th field of the type's width. */
export type BitfieldOffsetT = number | string;
export type BitfieldOverflow = "WRAP" | "SAT" | "FAIL" | "wrap" | "sat" | "fail";
/** One BITFIELD operation (the words of redis-py's `BitFieldOperation.operations`). */
export type BitFieldOp =
  | ["GET" | "get", string, BitfieldOffsetT]
  | ["SET" | "set", string, BitfieldOffsetT, number | bigint]
  | ["INCRBY" | "incrby", string, BitfieldOffsetT, number | bigint]
  | ["OVERFLOW" | "overflow", BitfieldOverflow];

export type BitopOperation = "AND" | "OR" | "XOR" | "NOT" | "and" | "or" | "xor" | "not";

/** The string and bitmap commands of Redis 7.0. */
export interface StringCommands<T, M> {
  /** APPEND: the length of the value after the append. */
  append(key: KeyT, value: EncodableT): Ret<M, number>;
  /** BITCOUNT: the number of set bits, in the whole value or between `start` and `end` (both or neither). */
  bitcount(key: KeyT, options?: BitcountOptions): Ret<M, number>;
  bitcount(key: KeyT, start?: number | null, end?: number | null, mode?: BitRangeMode | null): Ret<M, number>;
  /**
   * BITFIELD key with a list of operations, e.g. `[["OVERFLOW", "SAT"], ["INCRBY", "u8", 0, 300], ["GET", "u8", 0]]`:
   * one value per GET/SET/INCRBY (`null` for an INCRBY refused by OVERFLOW FAIL). `BitFieldOperation` builds the
   * list like redis-py's `bitfield(key)` builder.
   */
  bitfield(key: KeyT, operations?: BitFieldOp[]): Ret<M, (number | null)[]>;
  /** BITFIELD_RO key GET encoding offset [GET encoding offset ...] (`items` are the further pairs). */
  bitfieldRo(key: KeyT, encoding: string, offset: BitfieldOffsetT, items?: [string, BitfieldOffsetT][] | null): Ret<M, number[]>;
  /** BITOP AND|OR|XOR|NOT dest key...: the length of the stored value. */
  bitop(operation: BitopOperation, dest: KeyT, ...keys: KeyT[]): Ret<M, number>;
  /** BITPOS: the position of the first `bit` (0 or 1), -1 when there is none. */
  bitpos(key: KeyT, bit: 0 | 1, options?: BitposOptions): Ret<M, number>;
  bitpos(key: KeyT, bit: 0 | 1, start?: number | null, end?: number | null, mode?: BitRangeMode | null): Ret<M, number>;
  /** DECRBY name amount (amount defaults to 1), as redis-py's `decr`. */
  decr(name: KeyT, amount?: number | bigint): Ret<M, number>;
  decrby(name: KeyT, amount?: number | bigint): Ret<M, number>;
  get(name: KeyT): Ret<M, T | null>;
  /** GETBIT: 0 or 1. */
  getbit(name: KeyT, offset: number): Ret<M, number>;
  /** GETDEL: the value, then the key is deleted. */
  getdel(name: KeyT): Ret<M, T | null>;
  /** GETEX: the value, setting or removing its expiry (options mutually exclusive). */
  getex(name: KeyT, options?: GetexOptions): Ret<M, T | null>;
  getex(name: KeyT, ex?: ExpiryT | null, px?: ExpiryT | null, exat?: AbsExpiryT | null, pxat?: AbsExpiryT | null, persist?: boolean): Ret<M, T | null>;
  /** GETRANGE: the bytes from `start` to `end` (inclusive). */
  getrange(key: KeyT, start: number, end: number): Ret<M, T>;
  /** GETSET: sets the value and returns the old one. */
  getset(name: KeyT, value: EncodableT): Ret<M, T | null>;
  /** INCRBY name amount (amount defaults to 1), as redis-py's `incr`. */
  incr(name: KeyT, amount?: number | bigint): Ret<M, number>;
  incrby(name: KeyT, amount?: number | bigint): Ret<M, number>;
  /** INCRBYFLOAT (amount defaults to 1.0): the new value as a number. */
  incrbyfloat(name: KeyT, amount?: number): Ret<M, number>;
  /** LCS: the longest common subsequence of two keys' values; its length with `len`; the match positions with `idx`. */
  lcs(key1: KeyT, key2: KeyT, options: LcsOptions & { len: true }): Ret<M, number>;
  lcs(key1: KeyT, key2: KeyT, options: LcsOptions & { idx: true }): Ret<M, LcsIdxResult>;
  lcs(key1: KeyT, key2: KeyT, options?: LcsOptions): Ret<M, T>;
  lcs(key1: KeyT, key2: KeyT, len?: boolean, idx?: boolean, minmatchlen?: number | null, withmatchlen?: boolean): Ret<M, T | number | LcsIdxResult>;
  mget(keys: KeyT | KeyT[], ...args: KeyT[]): Ret<M, (T | null)[]>;
  mset(mapping: Record<string, EncodableT> | Map<KeyT, EncodableT>): Ret<M, boolean>;
  /** MSETNX: `true` when every key was set, `false` (and none set) when one existed. */
  msetnx(mapping: Record<string, EncodableT> | Map<KeyT, EncodableT>): Ret<M, boolean>;
  /** PSETEX: set with a time to live in milliseconds. */
  psetex(name: KeyT, timeMs: ExpiryT, value: EncodableT): Ret<M, boolean>;
  /** SET with all its options; `true` (or the old value with `get`), `null` when NX/XX prevented it. */
  set(name: KeyT, value: EncodableT, options?: SetOptions): Ret<M, true | T | null>;
  set(
    name: KeyT,
    value: EncodableT,
    ex?: ExpiryT | null,
    px?: ExpiryT | null,
    nx?: boolean,
    xx?: boolean,
    keepttl?: boolean,
    get?: boolean,
    exat?: AbsExpiryT | null,
    pxat?: AbsExpiryT | null,
  ): Ret<M, true | T | null>;
  /** SETBIT: the bit's previous value. `value` is taken as a truth value, as redis-py does. */
  setbit(name: KeyT, offset: number, value: number | boolean): Ret<M, number>;
  /** SETEX: set with a time to live in seconds. */
  setex(name: KeyT, time: ExpiryT, value: EncodableT): Ret<M, boolean>;
  /** SETNX: `true` when the key was set. */
  setnx(name: KeyT, value: EncodableT): Ret<M, boolean>;
  /** SETRANGE: the length of the value after the write. */
  setrange(name: KeyT, offset: number, value: EncodableT): Ret<M, number>;
  /** STRLEN: the length of the value in bytes. */
  strlen(name: KeyT): Ret<M, number>;
  /** SUBSTR (the old name of GETRANGE); `end` defaults to -1. */
  substr(name: KeyT, start: number, end?: number): Ret<M, T>;
}

const SET_PARAMS = ["name", "value", "ex?:num", "px?:num", "nx?:bool", "xx?:bool", "keepttl?:bool", "get?:bool", "exat?:any", "pxat?:any"];
const GETEX_PARAMS = ["name", "ex?:num", "px?:num", "exat?:any", "pxat?:any", "persist?:bool"];
const LCS_PARAMS = ["key1", "key2", "len?:bool", "idx?:bool", "minmatchlen?:int", "withmatchlen?:bool"];

const RANGE_MODES = ["BYTE", "BIT"] as const;
const OVERFLOWS = ["WRAP", "SAT", "FAIL"] as const;

/**
 * EX/PX/EXAT/PXAT words from their values (redis-py's `extract_expire_flags`); `indexes` are the
 * positions of ex, px, exat, pxat in `p`.
 */
function pushExpiry(command: string, argv: CommandArg[], p: unknown[], indexes: [number, number, number, number]): void {
  const [ex, px, exat, pxat] = indexes;
  if (p[ex] !== undefined) argv.push("EX", p[ex] as number);
  if (p[px] !== undefined) argv.push("PX", p[px] as number);
  if (p[exat] !== undefined) argv.push("EXAT", absTime(command, "exat", p[exat], false));
  if (p[pxat] !== undefined) argv.push("PXAT", absTime(command, "pxat", p[pxat], true));
}

/** Pushes `start end [mode]` of BITCOUNT/BITPOS (redis-py's checks, plus `mode` needing a range). */
function pushRange(command: string, argv: CommandArg[], start: unknown, end: unknown, mode: unknown, endNeedsStart: boolean): void {
  if (endNeedsStart ? start === undefined && end !== undefined : (start === undefined) !== (end === undefined)) {
    throw new DataError(command === "BITCOUNT" ? "BITCOUNT: 'start' and 'end' must both be specified" : `${command}: 'end' needs 'start'`);
  }
  if (mode !== undefined && end === undefined) throw new DataError(`${command}: 'mode' needs 'start' and 'end'`);
  if (start !== undefined) argv.push(start as number);
  if (end !== undefined) argv.push(end as number);
  if (mode !== undefined) argv.push(oneOf(command, "mode", mode, RANGE_MODES, true));
}

function isOffset(value: unknown): boolean {
  return Number.isInteger(value) || typeof value === "bigint" || (typeof value === "string" && value.length > 0);
}

function isBitfieldInt(value: unknown): boolean {
  return Number.isInteger(value) || typeof value === "bigint";
}

/** The words of BITFIELD's operations, each checked. */
function bitfieldWords(command: string, operations: unknown): CommandArg[] {
  if (!Array.isArray(operations)) throw badArg({ command }, "operations", "an array of operations", operations);
  const argv: CommandArg[] = [];
  for (const op of operations) {
    if (!Array.isArray(op) || op.length === 0) throw badArg({ command }, "operations", "an array of operation arrays", op);
    const word = oneOf(command, "operations", op[0], ["GET", "SET", "INCRBY", "OVERFLOW"], true);
    const arity = word === "GET" ? 3 : word === "OVERFLOW" ? 2 : 4;
    if (op.length !== arity) throw new DataError(`${command}: a ${word} operation takes ${arity - 1} arguments, got ${op.length - 1}`);
    if (word === "OVERFLOW") {
      argv.push("OVERFLOW", oneOf(command, "overflow", op[1], OVERFLOWS, true));
      continue;
    }
    if (typeof op[1] !== "string") throw badArg({ command }, "encoding", "a string such as 'u8' or 'i16'", op[1]);
    if (!isOffset(op[2])) throw badArg({ command }, "offset", "an integer or a '#n' string", op[2]);
    argv.push(word, op[1], op[2] as CommandArg);
    if (word !== "GET") {
      if (!isBitfieldInt(op[3])) throw badArg({ command }, word === "SET" ? "value" : "increment", "an integer", op[3]);
      argv.push(op[3] as CommandArg);
    }
  }
  return argv;
}

function lcsReply(reply: RespValue): unknown {
  if (reply instanceof Map || Array.isArray(reply)) return toObject(reply);
  return reply;
}

const incrSpec = (command: "INCRBY" | "DECRBY") => ({
  command,
  params: ["name", "amount?:int"],
  build: (p: unknown[]) => [command, p[0] as CommandArg, (p[1] as number | bigint | undefined) ?? 1],
});

export const STRING_COMMANDS: Record<string, CommandSpec> = defineCommands({
  append: { command: "APPEND", params: ["key", "value"], build: (p) => ["APPEND", p[0] as CommandArg, p[1] as CommandArg] },
  bitcount: {
    command: "BITCOUNT",
    params: ["key", "start?:int", "end?:int", "mode?"],
    build(p) {
      const argv: CommandArg[] = ["BITCOUNT", p[0] as CommandArg];
      pushRange("BITCOUNT", argv, p[1], p[2], p[3], false);
      return argv;
    },
    readonly: true,
  },
  bitfield: {
    command: "BITFIELD",
    params: ["key", "operations?:any"],
    build: (p) => ["BITFIELD", p[0] as CommandArg, ...bitfieldWords("BITFIELD", p[1] ?? [])],
  },
  bitfieldRo: {
    command: "BITFIELD_RO",
    params: ["key", "encoding", "offset", "items?:any"],
    build(p) {
      const items = (p[3] ?? []) as unknown;
      if (!Array.isArray(items)) throw badArg({ command: "BITFIELD_RO" }, "items", "an array of [encoding, offset] pairs", items);
      const ops = [["GET", p[1], p[2]], ...items.map((item: unknown) => (Array.isArray(item) ? ["GET", ...item] : item))];
      return ["BITFIELD_RO", p[0] as CommandArg, ...bitfieldWords("BITFIELD_RO", ops)];
    },
    readonly: true,
  },
  bitop: {
    command: "BITOP",
    params: ["operation", "dest", "...keys"],
    build(p) {
      const operation = oneOf("BITOP", "operation", p[0], ["AND", "OR", "XOR", "NOT"], true);
      const keys = nonEmpty("BITOP", "keys", p[2], "at least one key");
      if (operation === "NOT" && keys.length !== 1) throw new DataError("BITOP: NOT takes exactly one source key");
      return ["BITOP", operation, p[1] as CommandArg, ...keys];
    },
  },
  bitpos: {
    command: "BITPOS",
    params: ["key", "bit:int", "start?:int", "end?:int", "mode?"],
    build(p) {
      if (p[1] !== 0 && p[1] !== 1) throw new DataError("BITPOS: argument 'bit' must be 0 or 1");
      const argv: CommandArg[] = ["BITPOS", p[0] as CommandArg, p[1]];
      pushRange("BITPOS", argv, p[2], p[3], p[4], true);
      return argv;
    },
    readonly: true,
  },
  decr: incrSpec("DECRBY"),
  decrby: incrSpec("DECRBY"),
  get: oneKey("GET", true),
  getbit: { command: "GETBIT", params: ["name", "offset:int"], build: (p) => ["GETBIT", p[0] as CommandArg, p[1] as number], readonly: true },
  getdel: oneKey("GETDEL", false),
  getex: {
    command: "GETEX",
    params: GETEX_PARAMS,
    build(p) {
      exclusive("GETEX", { ex: p[1], px: p[2], exat: p[3], pxat: p[4], persist: p[5] });
      const argv: CommandArg[] = ["GETEX", p[0] as CommandArg];
      pushExpiry("GETEX", argv, p, [1, 2, 3, 4]);
      if (p[5]) argv.push("PERSIST");
      return argv;
    },
  },
  getrange: {
    command: "GETRANGE",
    params: ["key", "start:int", "end:int"],
    build: (p) => ["GETRANGE", p[0] as CommandArg, p[1] as number, p[2] as number],
    readonly: true,
  },
  getset: { command: "GETSET", params: ["name", "value"], build: (p) => ["GETSET", p[0] as CommandArg, p[1] as CommandArg] },
  incr: incrSpec("INCRBY"),
  incrby: incrSpec("INCRBY"),
  incrbyfloat: {
    command: "INCRBYFLOAT",
    params: ["name", "amount?:num"],
    build: (p) => ["INCRBYFLOAT", p[0] as CommandArg, (p[1] as number | undefined) ?? 1.0],
    reply: toNumber,
  },
  lcs: {
    command: "LCS",
    params: LCS_PARAMS,
    build(p) {
      exclusive("LCS", { len: p[2], idx: p[3] });
      const argv: CommandArg[] = ["LCS", p[0] as CommandArg, p[1] as CommandArg];
      if (p[2]) argv.push("LEN");
      if (p[3]) argv.push("IDX");
      if (p[4] !== undefined && p[4] !== 0) argv.push("MINMATCHLEN", p[4] as number);
      if (p[5]) argv.push("WITHMATCHLEN");
      return argv;
    },
    reply: lcsReply,
    readonly: true,
  },
  mget: {
    command: "MGET",
    params: ["keys:list", "...args"],
    build: (p) => ["MGET", ...nonEmpty("MGET", "keys", [...(p[0] as CommandArg[]), ...(p[1] as CommandArg[])], "at least one key")],
    readonly: true,
  },
  mset: {
    command: "MSET",
    params: ["mapping:map"],
    build(p) {
      const argv: CommandArg[] = ["MSET"];
      pushMapping({ command: "MSET" }, "mapping", argv, p[0]);
      return argv;
    },
    reply: okToTrue,
  },
  msetnx: {
    command: "MSETNX",
    params: ["mapping:map"],
    build(p) {
      const argv: CommandArg[] = ["MSETNX"];
      pushMapping({ command: "MSETNX" }, "mapping", argv, p[0]);
      return argv;
    },
    reply: toBool,
  },
  psetex: {
    command: "PSETEX",
    params: ["name", "timeMs:int", "value"],
    build: (p) => ["PSETEX", p[0] as CommandArg, p[1] as number, p[2] as CommandArg],
    reply: okToTrue,
  },
  set: {
    command: "SET",
    params: SET_PARAMS,
    build(p) {
      let options = 0;
      for (let i = 2; i < p.length; i++) if (p[i] !== undefined && p[i] !== false) options++;
      if (options > 1) {
        // Only a SET with two options or more can have clashing ones (a plain SET is the hot path).
        exclusive("SET", { ex: p[2], px: p[3], keepttl: p[6], exat: p[8], pxat: p[9] });
        exclusive("SET", { nx: p[4], xx: p[5] });
      }
      const argv: CommandArg[] = ["SET", p[0] as CommandArg, p[1] as CommandArg];
      if (p[4]) argv.push("NX");
      if (p[5]) argv.push("XX");
      if (p[7]) argv.push("GET");
      pushExpiry("SET", argv, p, [2, 3, 8, 9]);
      if (p[6]) argv.push("KEEPTTL");
      return argv;
    },
    reply: (reply, p) => (p[7] ? reply : reply === null ? null : true),
  },
  setbit: {
    command: "SETBIT",
    params: ["name", "offset:int", "value:any"],
    build(p) {
      const value = p[2];
      if (typeof value !== "boolean" && !(typeof value === "number" && Number.isFinite(value))) {
        throw badArg({ command: "SETBIT" }, "value", "a number or a boolean", value);
      }
      return ["SETBIT", p[0] as CommandArg, p[1] as number, value ? 1 : 0];
    },
  },
  setex: {
    command: "SETEX",
    params: ["name", "time:int", "value"],
    build: (p) => ["SETEX", p[0] as CommandArg, p[1] as number, p[2] as CommandArg],
    reply: okToTrue,
  },
  setnx: { command: "SETNX", params: ["name", "value"], build: (p) => ["SETNX", p[0] as CommandArg, p[1] as CommandArg], reply: toBool },
  setrange: {
    command: "SETRANGE",
    params: ["name", "offset:int", "value"],
    build: (p) => ["SETRANGE", p[0] as CommandArg, p[1] as number, p[2] as CommandArg],
  },
  strlen: oneKey("STRLEN", true),
  substr: {
    command: "SUBSTR",
    params: ["name", "start:int", "end?:int"],
    build: (p) => ["SUBSTR", p[0] as CommandArg, p[1] as number, (p[2] as number | undefined) ?? -1],
    readonly: true,
  },
});

/**
 * Builds the operations of one BITFIELD command, like redis-py's `BitFieldOperation` (what its
 * `r.bitfield(key)` returns): `new BitFieldOperation(r, "k").incrby("u8", 0, 300, "SAT").get("u8", 0).execute()`.
 * `execute()` sends them with `client.bitfield(key, operations)`, so it resolves with the values on a
 * client and queues the command on a pipeline (returning what the pipeline method returns).
 */
export class BitFieldOperation<R = Promise<(number | null)[]>> {
  operations: BitFieldOp[] = [];
  private lastOverflow = "WRAP";

  constructor(
    readonly client: { bitfield(key: KeyT, operations: BitFieldOp[]): R },
    readonly key: KeyT,
    private readonly defaultOverflow: BitfieldOverflow | null = null,
  ) {
    if (!isArgValue(key)) throw badArg({ command: "BITFIELD" }, "key", "a string, Buffer or number", key);
    this.reset();
  }

  /** Clears the operations (the default overflow is kept). */
  reset(): void {
    this.operations = [];
    this.lastOverflow = "WRAP";
    this.overflow(this.defaultOverflow ?? "WRAP");
  }

  /** OVERFLOW WRAP|SAT|FAIL for the INCRBY operations that follow (only sent when it changes). */
  overflow(overflow: BitfieldOverflow): this {
    const word = oneOf("BITFIELD", "overflow", overflow, OVERFLOWS, true);
    if (word !== this.lastOverflow) {
      this.lastOverflow = word;
      this.operations.push(["OVERFLOW", word as BitfieldOverflow]);
    }
    return this;
  }

  incrby(fmt: string, offset: BitfieldOffsetT, increment: number | bigint, overflow?: BitfieldOverflow | null): this {
    if (overflow !== undefined && overflow !== null) this.overflow(overflow);
    this.operations.push(["INCRBY", fmt, offset, increment]);
    return this;
  }

  get(fmt: string, offset: BitfieldOffsetT): this {
    this.operations.push(["GET", fmt, offset]);
    return this;
  }

  set(fmt: string, offset: BitfieldOffsetT, value: number | bigint): this {
    this.operations.push(["SET", fmt, offset, value]);
    return this;
  }

  /** The command's words, as redis-py's `command` property. */
  get command(): CommandArg[] {
    return ["BITFIELD", this.key, ...bitfieldWords("BITFIELD", this.operations)];
  }

  /** Sends the operations as one BITFIELD command and resets the builder. */
  execute(): R {
    const operations = this.operations;
    this.reset();
    return this.client.bitfield(this.key, operations);
  }
}
