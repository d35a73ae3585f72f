import { DataError } from "../errors.js";
import type { CommandArg, RespValue } from "../protocol/index.js";
import { absTime, exclusive, nonEmpty, oneKey, oneOf } from "./args.js";
import type { AbsExpiryT } from "./keys.js";
import { okToTrue, toBool, toNumber } from "./replies.js";
import { badArg, defineCommands, isArgValue, pushMapping, type CommandDef, type CommandSpec } from "./spec.js";
import type { EncodableT, ExpiryT, IntReply, KeyT, Ret, Without } from "./types.js";

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
  get?: boolean | null;
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
/**
 * LCS with `idx`, in redis-py's default shape (its legacy responses, RESP2's reply on both
 * protocols): `["matches", matches, "len", length]`, the two names as strings or Buffers like
 * every reply string; the matches longest first.
 */
export type LcsIdxResult<T> = [matchesName: T, matches: LcsMatch[], lenName: T, len: number];

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
  bitcount(key: KeyT, start: number | null, options: Without<BitcountOptions, "start">): Ret<M, number>;
  bitcount(key: KeyT, start?: number | null, end?: number | null, mode?: BitRangeMode | null): Ret<M, number>;
  /**
   * BITFIELD key with a list of operations, e.g. `[["OVERFLOW", "SAT"], ["INCRBY", "u8", 0, 300], ["GET", "u8", 0]]`:
   * one value per GET/SET/INCRBY (`null` for an INCRBY refused by OVERFLOW FAIL). `BitFieldOperation` builds the
   * list like redis-py's `bitfield(key)` builder.
   */
  bitfield(key: KeyT, operations?: BitFieldOp[]): Ret<M, (IntReply | null)[]>;
  /** BITFIELD_RO key GET encoding offset [GET encoding offset ...] (`items` are the further pairs). */
  bitfieldRo(key: KeyT, encoding: string, offset: BitfieldOffsetT, items?: [string, BitfieldOffsetT][] | null): Ret<M, IntReply[]>;
  /** BITOP AND|OR|XOR|NOT dest key...: the length of the stored value. */
  bitop(operation: BitopOperation, dest: KeyT, ...keys: KeyT[]): Ret<M, number>;
  /** BITPOS: the position of the first `bit` (0 or 1), -1 when there is none. */
  bitpos(key: KeyT, bit: 0 | 1, options?: BitposOptions): Ret<M, number>;
  bitpos(key: KeyT, bit: 0 | 1, start: number | null, options: Without<BitposOptions, "start">): Ret<M, number>;
  bitpos(key: KeyT, bit: 0 | 1, start?: number | null, end?: number | null, mode?: BitRangeMode | null): Ret<M, number>;
  /** DECRBY name amount (amount defaults to 1), as redis-py's `decr`. */
  decr(name: KeyT, amount?: number | bigint): Ret<M, IntReply>;
  decrby(name: KeyT, amount?: number | bigint): Ret<M, IntReply>;
  get(name: KeyT): Ret<M, T | null>;
  /** GETBIT: 0 or 1. */
  getbit(name: KeyT, offset: number): Ret<M, number>;
  /** GETDEL: the value, then the key is deleted. */
  getdel(name: KeyT): Ret<M, T | null>;
  /** GETEX: the value, setting or removing its expiry (options mutually exclusive). */
  getex(name: KeyT, options?: GetexOptions): Ret<M, T | null>;
  getex(name: KeyT, ex: ExpiryT | null, options: Without<GetexOptions, "ex">): Ret<M, T | null>;
  getex(name: KeyT, ex?: ExpiryT | null, px?: ExpiryT | null, exat?: AbsExpiryT | null, pxat?: AbsExpiryT | null, persist?: boolean): Ret<M, T | null>;
  /** GETRANGE: the bytes from `start` to `end` (inclusive). */
  getrange(key: KeyT, start: number, end: number): Ret<M, T>;
  /** GETSET: sets the value and returns the old one. */
  getset(name: KeyT, value: EncodableT): Ret<M, T | null>;
  /** INCRBY name amount (amount defaults to 1), as redis-py's `incr`. */
  incr(name: KeyT, amount?: number | bigint): Ret<M, IntReply>;
  incrby(name: KeyT, amount?: number | bigint): Ret<M, IntReply>;
  /** INCRBYFLOAT (amount defaults to 1.0): the new value as a number. */
  incrbyfloat(name: KeyT, amount?: number): Ret<M, number>;
  /** LCS: the longest common subsequence of two keys' values; its length with `len`; the match positions with `idx`. */
  lcs(key1: KeyT, key2: KeyT, options: LcsOptions & { len: true }): Ret<M, number>;
  lcs(key1: KeyT, key2: KeyT, len: boolean, options: Without<LcsOptions & { len: true }, "len">): Ret<M, number>;
  lcs(key1: KeyT, key2: KeyT, options: LcsOptions & { idx: true }): Ret<M, LcsIdxResult<T>>;
  lcs(key1: KeyT, key2: KeyT, len: boolean, options: Without<LcsOptions & { idx: true }, "len">): Ret<M, LcsIdxResult<T>>;
  lcs(key1: KeyT, key2: KeyT, options?: LcsOptions): Ret<M, T>;
  lcs(key1: KeyT, key2: KeyT, len: boolean, options: Without<LcsOptions, "len">): Ret<M, T>;
  lcs(key1: KeyT, key2: KeyT, len?: boolean, idx?: boolean, minmatchlen?: number | null, withmatchlen?: boolean): Ret<M, T | number | LcsIdxResult<T>>;
  mget(keys: KeyT | KeyT[], ...args: KeyT[]): Ret<M, (T | null)[]>;
  mset(mapping: Record<string, EncodableT> | Map<KeyT, EncodableT>): Ret<M, boolean>;
  /** MSETNX: `true` when every key was set, `false` (and none set) when one existed. */
  msetnx(mapping: Record<string, EncodableT> | Map<KeyT, EncodableT>): Ret<M, boolean>;
  /** PSETEX: set with a time to live in milliseconds. */
  psetex(name: KeyT, timeMs: ExpiryT, value: EncodableT): Ret<M, boolean>;
  /**
   * SET with all its options: `true`, or `null` when NX/XX prevented it; with `get: true` the
   * old value (or `null`) instead. Typed by `get`.
   */
  set(name: KeyT, value: EncodableT, options: SetOptions & { get: true }): Ret<M, T | null>;
  set(name: KeyT, value: EncodableT, ex: ExpiryT | null | undefined, options: Without<SetOptions & { get: true }, "ex">): Ret<M, T | null>;
  set(name: KeyT, value: EncodableT, options?: SetOptions & { get?: false | null }): Ret<M, true | null>;
  set(name: KeyT, value: EncodableT, ex: ExpiryT | null | undefined, options: Without<SetOptions & { get?: false | null }, "ex">): Ret<M, true | null>;
  set(name: KeyT, value: EncodableT, options: SetOptions): Ret<M, true | T | null>;
  set(name: KeyT, value: EncodableT, ex: ExpiryT | null | undefined, options: Without<SetOptions, "ex">): Ret<M, true | T | null>;
  set(
    name: KeyT,
    value: EncodableT,
    ex: ExpiryT | null | undefined,
    px: ExpiryT | null | undefined,
    nx: boolean | null | undefined,
    xx: boolean | null | undefined,
    keepttl: boolean | null | undefined,
    get: true,
    exat?: AbsExpiryT | null,
    pxat?: AbsExpiryT | null,
  ): Ret<M, T | null>;
  set(
    name: KeyT,
    value: EncodableT,
    ex?: ExpiryT | null,
    px?: ExpiryT | null,
    nx?: boolean | null,
    xx?: boolean | null,
    keepttl?: boolean | null,
    get?: false | null,
    exat?: AbsExpiryT | null,
    pxat?: AbsExpiryT | null,
  ): Ret<M, true | null>;
  set(
    name: KeyT,
    value: EncodableT,
    ex: ExpiryT | null | undefined,
    px: ExpiryT | null | undefined,
    nx: boolean | null | undefined,
    xx: boolean | null | undefined,
    keepttl: boolean | null | undefined,
    get: boolean | null | undefined,
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

const SET_PARAMS = ["name", "value", "ex?:num", "px?:num", "nx?:bool", "xx?:bool", "keepttl?:bool", "get?:bool", "exat?:any", "pxat?:any"] as const;
const GETEX_PARAMS = ["name", "ex?:num", "px?:num", "exat?:any", "pxat?:any", "persist?:bool"] as const;
const LCS_PARAMS = ["key1", "key2", "len?:bool", "idx?:bool", "minmatchlen?:int", "withmatchlen?:bool"] as const;

const OVERFLOWS = ["WRAP", "SAT", "FAIL"] as const;

/** EX/PX/EXAT/PXAT words from their values (redis-py's `extract_expire_flags`). */
function pushExpiry(
  command: string,
  argv: CommandArg[],
  o: { ex?: number | bigint | string; px?: number | bigint | string; exat?: unknown; pxat?: unknown },
): void {
  if (o.ex !== undefined) argv.push("EX", o.ex);
  if (o.px !== undefined) argv.push("PX", o.px);
  if (o.exat !== undefined) argv.push("EXAT", absTime(command, "exat", o.exat, false));
  if (o.pxat !== undefined) argv.push("PXAT", absTime(command, "pxat", o.pxat, true));
}

/** 1 when an option is given (neither undefined nor false). */
const given = (value: unknown): number => (value !== undefined && value !== false ? 1 : 0);

/** Pushes `start end [mode]` of BITCOUNT/BITPOS (redis-py's checks, plus `mode` needing a range; the mode word is the server's to judge). */
function pushRange(command: string, argv: CommandArg[], start: unknown, end: unknown, mode: unknown, endNeedsStart: boolean): void {
  if (endNeedsStart ? start === undefined && end !== undefined : (start === undefined) !== (end === undefined)) {
    throw new DataError(command === "BITCOUNT" ? "BITCOUNT: 'start' and 'end' must both be specified" : `${command}: 'end' needs 'start'`);
  }
  if (mode !== undefined && end === undefined) throw new DataError(`${command}: 'mode' needs 'start' and 'end'`);
  if (start !== undefined) argv.push(start as number);
  if (end !== undefined) argv.push(end as number);
  // The mode is sent as given: the server judges it (redis-py's test_bitcount_mode expects its ResponseError).
  if (mode !== undefined) argv.push(mode as CommandArg);
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

/** LCS IDX as redis-py's default shape: RESP2's flat `[name, value, ...]` list, a RESP3 map flattened to it. */
function lcsReply(reply: RespValue): unknown {
  if (reply instanceof Map) return [...reply].flat();
  return reply;
}

const incrSpec = (command: "INCRBY" | "DECRBY"): CommandDef<readonly ["name", "amount?:int"]> => ({
  command,
  params: ["name", "amount?:int"],
  build: ({ name, amount }) => [command, name, amount ?? 1],
  keys: ["name"],
});

export const STRING_COMMANDS: Record<string, CommandSpec> = defineCommands({
  append: { command: "APPEND", params: ["key", "value"], build: ({ key, value }) => ["APPEND", key, value], keys: ["key"] },
  bitcount: {
    command: "BITCOUNT",
    params: ["key", "start?:int", "end?:int", "mode?"],
    keys: ["key"],
    build({ key, start, end, mode }) {
      const argv: CommandArg[] = ["BITCOUNT", key];
      pushRange("BITCOUNT", argv, start, end, mode, false);
      return argv;
    },
    readonly: true,
  },
  bitfield: {
    command: "BITFIELD",
    params: ["key", "operations?:any"],
    keys: ["key"],
    build: ({ key, operations }) => ["BITFIELD", key, ...bitfieldWords("BITFIELD", operations ?? [])],
  },
  bitfieldRo: {
    command: "BITFIELD_RO",
    params: ["key", "encoding", "offset", "items?:any"],
    keys: ["key"],
    build(p) {
      const items = (p.items ?? []) as unknown;
      if (!Array.isArray(items)) throw badArg({ command: "BITFIELD_RO" }, "items", "an array of [encoding, offset] pairs", items);
      const ops = [["GET", p.encoding, p.offset], ...items.map((item: unknown) => (Array.isArray(item) ? ["GET", ...item] : item))];
      return ["BITFIELD_RO", p.key, ...bitfieldWords("BITFIELD_RO", ops)];
    },
    readonly: true,
  },
  bitop: {
    command: "BITOP",
    params: ["operation", "dest", "...keys"],
    keys: ["dest", "keys"],
    build(p) {
      const operation = oneOf("BITOP", "operation", p.operation, ["AND", "OR", "XOR", "NOT"], true);
      const keys = nonEmpty("BITOP", "keys", p.keys, "at least one key");
      if (operation === "NOT" && keys.length !== 1) throw new DataError("BITOP: NOT takes exactly one source key");
      return ["BITOP", operation, p.dest, ...keys];
    },
  },
  bitpos: {
    command: "BITPOS",
    params: ["key", "bit:int", "start?:int", "end?:int", "mode?"],
    keys: ["key"],
    build({ key, bit, start, end, mode }) {
      if (bit !== 0 && bit !== 1) throw new DataError("BITPOS: argument 'bit' must be 0 or 1");
      const argv: CommandArg[] = ["BITPOS", key, bit];
      pushRange("BITPOS", argv, start, end, mode, true);
      return argv;
    },
    readonly: true,
  },
  decr: incrSpec("DECRBY"),
  decrby: incrSpec("DECRBY"),
  get: oneKey("GET", true),
  getbit: {
    command: "GETBIT",
    params: ["name", "offset:int"],
    build: ({ name, offset }) => ["GETBIT", name, offset as number],
    readonly: true,
    keys: ["name"],
  },
  getdel: oneKey("GETDEL", false),
  getex: {
    command: "GETEX",
    params: GETEX_PARAMS,
    keys: ["name"],
    build(p) {
      exclusive("GETEX", { ex: p.ex, px: p.px, exat: p.exat, pxat: p.pxat, persist: p.persist });
      const argv: CommandArg[] = ["GETEX", p.name];
      pushExpiry("GETEX", argv, p);
      if (p.persist) argv.push("PERSIST");
      return argv;
    },
  },
  getrange: {
    command: "GETRANGE",
    params: ["key", "start:int", "end:int"],
    keys: ["key"],
    build: ({ key, start, end }) => ["GETRANGE", key, start as number, end as number],
    readonly: true,
  },
  getset: { command: "GETSET", params: ["name", "value"], build: ({ name, value }) => ["GETSET", name, value], keys: ["name"] },
  incr: incrSpec("INCRBY"),
  incrby: incrSpec("INCRBY"),
  incrbyfloat: {
    command: "INCRBYFLOAT",
    params: ["name", "amount?:num"],
    keys: ["name"],
    build: ({ name, amount }) => ["INCRBYFLOAT", name, (amount as number | undefined) ?? 1.0],
    reply: toNumber,
  },
  lcs: {
    command: "LCS",
    params: LCS_PARAMS,
    keys: ["key1", "key2"],
    build(p) {
      // `len` with `idx` is sent: the server refuses it, as redis-py's test_lcs expects.
      const argv: CommandArg[] = ["LCS", p.key1, p.key2];
      if (p.len) argv.push("LEN");
      if (p.idx) argv.push("IDX");
      if (p.minmatchlen !== undefined && p.minmatchlen !== 0) argv.push("MINMATCHLEN", p.minmatchlen as number);
      if (p.withmatchlen) argv.push("WITHMATCHLEN");
      return argv;
    },
    reply: lcsReply,
    readonly: true,
  },
  mget: {
    command: "MGET",
    params: ["keys:list", "...args"],
    keys: ["keys", "args"],
    build: ({ keys, args }) => ["MGET", ...(keys as CommandArg[]), ...(args as CommandArg[])],
    // redis-py: MGET of no keys is [] (EMPTY_RESPONSE), with no round trip here
    emptyResponse: ({ keys, args }) => (keys.length + args.length === 0 ? { value: [] } : undefined),
    readonly: true,
  },
  mset: {
    command: "MSET",
    params: ["mapping:map"],
    keys: ["mapping"],
    build({ mapping }) {
      const argv: CommandArg[] = ["MSET"];
      pushMapping({ command: "MSET" }, "mapping", argv, mapping);
      return argv;
    },
    reply: okToTrue,
  },
  msetnx: {
    command: "MSETNX",
    params: ["mapping:map"],
    keys: ["mapping"],
    build({ mapping }) {
      const argv: CommandArg[] = ["MSETNX"];
      pushMapping({ command: "MSETNX" }, "mapping", argv, mapping);
      return argv;
    },
    reply: toBool,
  },
  psetex: {
    command: "PSETEX",
    params: ["name", "timeMs:int", "value"],
    keys: ["name"],
    build: ({ name, timeMs, value }) => ["PSETEX", name, timeMs as number, value],
    reply: okToTrue,
  },
  set: {
    command: "SET",
    params: SET_PARAMS,
    keys: ["name"],
    build(p) {
      // Only a SET with two options or more can have clashing ones (a plain SET is the hot path).
      if (given(p.ex) + given(p.px) + given(p.nx) + given(p.xx) + given(p.keepttl) + given(p.get) + given(p.exat) + given(p.pxat) > 1) {
        exclusive("SET", { ex: p.ex, px: p.px, keepttl: p.keepttl, exat: p.exat, pxat: p.pxat });
        exclusive("SET", { nx: p.nx, xx: p.xx });
      }
      const argv: CommandArg[] = ["SET", p.name, p.value];
      if (p.nx) argv.push("NX");
      if (p.xx) argv.push("XX");
      if (p.get) argv.push("GET");
      pushExpiry("SET", argv, p);
      if (p.keepttl) argv.push("KEEPTTL");
      return argv;
    },
    reply: (reply, { get }) => (get ? reply : reply === null ? null : true),
  },
  setbit: {
    command: "SETBIT",
    params: ["name", "offset:int", "value:any"],
    keys: ["name"],
    build(p) {
      const value = p.value;
      if (typeof value !== "boolean" && !(typeof value === "number" && Number.isFinite(value))) {
        throw badArg({ command: "SETBIT" }, "value", "a number or a boolean", value);
      }
      return ["SETBIT", p.name, p.offset as number, value ? 1 : 0];
    },
  },
  setex: {
    command: "SETEX",
    params: ["name", "time:int", "value"],
    keys: ["name"],
    build: ({ name, time, value }) => ["SETEX", name, time as number, value],
    reply: okToTrue,
  },
  setnx: { command: "SETNX", params: ["name", "value"], build: ({ name, value }) => ["SETNX", name, value], reply: toBool, keys: ["name"] },
  setrange: {
    command: "SETRANGE",
    params: ["name", "offset:int", "value"],
    keys: ["name"],
    build: ({ name, offset, value }) => ["SETRANGE", name, offset as number, value],
  },
  strlen: oneKey("STRLEN", true),
  substr: {
    command: "SUBSTR",
    params: ["name", "start:int", "end?:int"],
    keys: ["name"],
    build: ({ name, start, end }) => ["SUBSTR", name, start as number, (end as number | undefined) ?? -1],
    readonly: true,
  },
});

/**
 * Builds the operations of one BITFIELD command, like redis-py's `BitFieldOperation` (what its
 * `r.bitfield(key)` returns): `new BitFieldOperation(r, "k").incrby("u8", 0, 300, "SAT").get("u8", 0).execute()`.
 * `execute()` sends them with `client.bitfield(key, operations)`, so it resolves with the values on a
 * client and queues the command on a pipeline (returning what the pipeline method returns).
 */
export class BitFieldOperation<R = Promise<(IntReply | null)[]>> {
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
