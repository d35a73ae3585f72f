/** The String command group (aioredis 1.x's `StringCommandsMixin`), installed on `Redis` by commands/index.ts. */
import { encodingOf, signatures } from "../calling.js";
import { BitFieldOperation, type BitFieldOp } from "../../src/index.js";
import { RedisBase, CONSTANTS, type SetExist } from "./base.js";
import { toBool, waitOkReply } from "./generic.js";
import { NOTSET, isInt, isPlainObject, toFloat, type Arg, type Dec, type EncodingOption, type RedisString } from "../util.js";

export interface SetOptions {
  /** EX seconds (0: none). */
  expire?: number;
  /** PX milliseconds (0: none); wins over `expire`. */
  pexpire?: number;
  /** `SET_IF_NOT_EXIST` (NX) or `SET_IF_EXIST` (XX). */
  exist?: SetExist | null;
}

/** The v1 signatures of the String commands (see calling.ts). */
export const stringSignatures = signatures({
  append: "key, value",
  bitcount: "key, start?, end?",
  bitfield: "key",
  bitopAnd: "dest, key, *keys",
  bitopOr: "dest, key, *keys",
  bitopXor: "dest, key, *keys",
  bitopNot: "dest, key",
  bitpos: "key, bit, start?, end?",
  decr: "key",
  decrby: "key, decrement",
  get: "key, *, encoding?",
  getbit: "key, offset",
  getrange: "key, start, end, *, encoding?",
  getset: "key, value, *, encoding?",
  incr: "key",
  incrby: "key, increment",
  incrbyfloat: "key, increment",
  mget: "key, *keys, encoding?",
  msetnx: "key, value, *pairs",
  psetex: "key, milliseconds, value",
  set: "key, value, *, expire?, pexpire?, exist?",
  setbit: "key, offset, value",
  setex: "key, seconds, value",
  setnx: "key, value",
  setrange: "key, offset, value",
  strlen: "key",
});

export class StringCommands<T extends RedisString = Buffer> extends RedisBase<T> {
  append(key: Arg, value: Arg): Promise<number> {
    const a = stringSignatures.bind("append", arguments);
    return this._exec("APPEND", [a.key, a.value]);
  }

  /** BITCOUNT, over a byte range when both `start` and `end` are given. */
  bitcount(key: Arg, start?: number | null, end?: number | null): Promise<number> {
    const a = stringSignatures.bind("bitcount", arguments);
    const hasStart = a.start !== undefined && a.start !== null;
    const hasEnd = a.end !== undefined && a.end !== null;
    if (hasStart !== hasEnd) throw new TypeError("both start and stop must be specified");
    return this._exec("BITCOUNT", hasStart ? [a.key, a.start, a.end] : [a.key]);
  }

  /**
   * BITFIELD as the v2 builder (aioredis 1.x left this unimplemented; compat runs it): chain
   * `get`/`set`/`incrby`/`overflow`, then `execute()` sends one BITFIELD on this client.
   */
  bitfield(key: Arg): BitFieldOperation<Promise<(number | null)[]>> {
    const a = stringSignatures.bind("bitfield", arguments);
    const client = { bitfield: (k: Arg, operations: BitFieldOp[]) => this._exec("BITFIELD", [k, ...operations.flat()]) };
    return new BitFieldOperation(client, a.key);
  }

  bitopAnd(dest: Arg, key: Arg, ...keys: Arg[]): Promise<number> {
    const a = stringSignatures.bind("bitopAnd", arguments);
    return this._exec("BITOP", ["AND", a.dest, a.key, ...a.rest]);
  }

  bitopOr(dest: Arg, key: Arg, ...keys: Arg[]): Promise<number> {
    const a = stringSignatures.bind("bitopOr", arguments);
    return this._exec("BITOP", ["OR", a.dest, a.key, ...a.rest]);
  }

  bitopXor(dest: Arg, key: Arg, ...keys: Arg[]): Promise<number> {
    const a = stringSignatures.bind("bitopXor", arguments);
    return this._exec("BITOP", ["XOR", a.dest, a.key, ...a.rest]);
  }

  bitopNot(dest: Arg, key: Arg): Promise<number> {
    const a = stringSignatures.bind("bitopNot", arguments);
    return this._exec("BITOP", ["NOT", a.dest, a.key]);
  }

  /** BITPOS; `end` alone means the range `[0, end]`. */
  bitpos(key: Arg, bit: 0 | 1, start?: number | null, end?: number | null): Promise<number> {
    const a = stringSignatures.bind("bitpos", arguments);
    if (a.bit !== 0 && a.bit !== 1) throw new RangeError("bit argument must be either 1 or 0");
    let range: unknown[] = [];
    if (a.start !== undefined && a.start !== null) range.push(a.start);
    if (a.end !== undefined && a.end !== null) {
      if (a.start === undefined || a.start === null) range = [0, a.end];
      else range.push(a.end);
    }
    return this._exec("BITPOS", [a.key, a.bit, ...range]);
  }

  decr(key: Arg): Promise<number> {
    const a = stringSignatures.bind("decr", arguments);
    return this._exec("DECR", [a.key]);
  }

  decrby(key: Arg, decrement: number): Promise<number> {
    const a = stringSignatures.bind("decrby", arguments);
    if (!isInt(a.decrement)) throw new TypeError("decrement must be of type int");
    return this._exec("DECRBY", [a.key, a.decrement]);
  }

  /** GET; `{ encoding }` decodes this reply (`null`: a Buffer). */
  get<O extends EncodingOption = {}>(key: Arg, options?: O): Promise<Dec<T, O> | null> {
    const a = stringSignatures.bind("get", arguments);
    return this._exec("GET", [a.key], encodingOf(a));
  }

  getbit(key: Arg, offset: number): Promise<number> {
    const a = stringSignatures.bind("getbit", arguments);
    if (!isInt(a.offset)) throw new TypeError("offset argument must be int");
    if (a.offset < 0) throw new RangeError("offset must be greater equal 0");
    return this._exec("GETBIT", [a.key, a.offset]);
  }

  getrange<O extends EncodingOption = {}>(key: Arg, start: number, end: number, options?: O): Promise<Dec<T, O>> {
    const a = stringSignatures.bind("getrange", arguments);
    if (!isInt(a.start)) throw new TypeError("start argument must be int");
    if (!isInt(a.end)) throw new TypeError("end argument must be int");
    return this._exec("GETRANGE", [a.key, a.start, a.end], encodingOf(a));
  }

  getset<O extends EncodingOption = {}>(key: Arg, value: Arg, options?: O): Promise<Dec<T, O> | null> {
    const a = stringSignatures.bind("getset", arguments);
    return this._exec("GETSET", [a.key, a.value], encodingOf(a));
  }

  incr(key: Arg): Promise<number> {
    const a = stringSignatures.bind("incr", arguments);
    return this._exec("INCR", [a.key]);
  }

  incrby(key: Arg, increment: number): Promise<number> {
    const a = stringSignatures.bind("incrby", arguments);
    if (!isInt(a.increment)) throw new TypeError("increment must be of type int");
    return this._exec("INCRBY", [a.key, a.increment]);
  }

  /** INCRBYFLOAT: the new value as a number. */
  incrbyfloat(key: Arg, increment: number): Promise<number> {
    const a = stringSignatures.bind("incrbyfloat", arguments);
    if (typeof a.increment !== "number") throw new TypeError("increment must be of type float");
    return this._exec("INCRBYFLOAT", [a.key, a.increment], NOTSET, toFloat);
  }

  mget<O extends EncodingOption = {}>(key: Arg, ...keys: (Arg | O)[]): Promise<(Dec<T, O> | null)[]> {
    const a = stringSignatures.bind("mget", arguments);
    return this._exec("MGET", [a.key, ...a.rest], encodingOf(a));
  }

  /** MSET from `k1, v1, k2, v2, ...` or one `{ k1: v1, ... }` object; resolves with true. */
  mset(...args: Arg[] | [Record<string, Arg>]): Promise<boolean> {
    let data: unknown[] = args;
    if (args.length === 1) {
      if (!isPlainObject(args[0])) throw new TypeError("if one arg it should be a dict");
      data = Object.entries(args[0]).flat();
    } else if (args.length % 2 !== 0) {
      throw new TypeError("length of pairs must be even number");
    }
    return this._exec("MSET", data, NOTSET, waitOkReply);
  }

  /** MSETNX: 1 when set, 0 when any key existed. */
  msetnx(key: Arg, value: Arg, ...pairs: Arg[]): Promise<number> {
    const a = stringSignatures.bind("msetnx", arguments);
    if (a.rest.length % 2 !== 0) throw new TypeError("length of pairs must be even number");
    return this._exec("MSETNX", [a.key, a.value, ...a.rest]);
  }

  psetex(key: Arg, milliseconds: number, value: Arg): Promise<boolean> {
    const a = stringSignatures.bind("psetex", arguments);
    if (!isInt(a.milliseconds)) throw new TypeError("milliseconds argument must be int");
    return this._exec("PSETEX", [a.key, a.milliseconds, a.value], NOTSET, waitOkReply);
  }

  /**
   * SET with `{ expire, pexpire, exist }`: true when set, **false** when NX/XX prevented it
   * (v1's `wait_ok`).
   */
  set(key: Arg, value: Arg, options?: SetOptions): Promise<boolean> {
    const a = stringSignatures.bind("set", arguments);
    const expire = a.expire ?? 0;
    const pexpire = a.pexpire ?? 0;
    if (expire && !isInt(expire)) throw new TypeError("expire argument must be int");
    if (pexpire && !isInt(pexpire)) throw new TypeError("pexpire argument must be int");
    let args: unknown[] = [];
    if (expire) args = ["EX", expire];
    if (pexpire) args = ["PX", pexpire];
    if (a.exist === CONSTANTS.SET_IF_EXIST) args.push("XX");
    else if (a.exist === CONSTANTS.SET_IF_NOT_EXIST) args.push("NX");
    return this._exec("SET", [a.key, a.value, ...args], NOTSET, waitOkReply);
  }

  setbit(key: Arg, offset: number, value: 0 | 1): Promise<number> {
    const a = stringSignatures.bind("setbit", arguments);
    if (!isInt(a.offset)) throw new TypeError("offset argument must be int");
    if (a.offset < 0) throw new RangeError("offset must be greater equal 0");
    if (a.value !== 0 && a.value !== 1) throw new RangeError("value argument must be either 1 or 0");
    return this._exec("SETBIT", [a.key, a.offset, a.value]);
  }

  /** SETEX; fractional seconds are sent as PSETEX in milliseconds. */
  setex(key: Arg, seconds: number, value: Arg): Promise<boolean> {
    const a = stringSignatures.bind("setex", arguments);
    if (typeof a.seconds === "number" && !isInt(a.seconds)) return this.psetex(a.key, Math.trunc(a.seconds * 1000), a.value);
    if (!isInt(a.seconds)) throw new TypeError("milliseconds argument must be int");
    return this._exec("SETEX", [a.key, a.seconds, a.value], NOTSET, waitOkReply);
  }

  setnx(key: Arg, value: Arg): Promise<boolean> {
    const a = stringSignatures.bind("setnx", arguments);
    return this._exec("SETNX", [a.key, a.value], NOTSET, toBool);
  }

  setrange(key: Arg, offset: number, value: Arg): Promise<number> {
    const a = stringSignatures.bind("setrange", arguments);
    if (!isInt(a.offset)) throw new TypeError("offset argument must be int");
    if (a.offset < 0) throw new RangeError("offset must be greater equal 0");
    return this._exec("SETRANGE", [a.key, a.offset, a.value]);
  }

  strlen(key: Arg): Promise<number> {
    const a = stringSignatures.bind("strlen", arguments);
    return this._exec("STRLEN", [a.key]);
  }
}
