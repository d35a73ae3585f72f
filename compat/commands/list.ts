/** The List command group (aioredis 1.x's `ListCommandsMixin`), installed on `Redis` by commands/index.ts: BLPOP/BRPOP take keys as rest arguments and `{ timeout }`. */
import { encodingOf, signatures } from "../calling.js";
import { RedisBase } from "./base.js";
import { isInt, NOTSET, type Arg, type Dec, type EncodingOption, type RedisString } from "../util.js";
import { waitOkReply } from "./generic.js";
import type { BlockingPopOptions } from "./sortedset.js";

function checkTimeout(timeout: unknown): number {
  if (!isInt(timeout)) throw new TypeError("timeout argument must be int");
  if (timeout < 0) throw new RangeError("timeout must be greater equal 0");
  return timeout;
}

/** The v1 signatures of the List commands (see calling.ts). */
export const listSignatures = signatures({
  blpop: "key, *keys, timeout?, encoding?",
  brpop: "key, *keys, timeout?, encoding?",
  brpoplpush: "sourcekey, destkey, timeout?, encoding?",
  lindex: "key, index, *, encoding?",
  linsert: "key, pivot, value, before?",
  llen: "key",
  lpop: "key, *, encoding?",
  lpush: "key, value, *values",
  lpushx: "key, value",
  lrange: "key, start, stop, *, encoding?",
  lrem: "key, count, value",
  lset: "key, index, value",
  ltrim: "key, start, stop",
  rpop: "key, *, encoding?",
  rpoplpush: "sourcekey, destkey, *, encoding?",
  rpush: "key, value, *values",
  rpushx: "key, value",
});

export class ListCommands<T extends RedisString = Buffer> extends RedisBase<T> {
  /** BLPOP: `[key, value]` (an array) or null on timeout; `{ timeout }` in seconds, 0 forever. */
  blpop<O extends BlockingPopOptions = {}>(key: Arg, ...keys: (Arg | O)[]): Promise<[Dec<T, O>, Dec<T, O>] | null> {
    const a = listSignatures.bind("blpop", arguments);
    const timeout = checkTimeout(a.timeout ?? 0);
    return this._exec("BLPOP", [a.key, ...a.rest, timeout], encodingOf(a));
  }

  brpop<O extends BlockingPopOptions = {}>(key: Arg, ...keys: (Arg | O)[]): Promise<[Dec<T, O>, Dec<T, O>] | null> {
    const a = listSignatures.bind("brpop", arguments);
    const timeout = checkTimeout(a.timeout ?? 0);
    return this._exec("BRPOP", [a.key, ...a.rest, timeout], encodingOf(a));
  }

  brpoplpush<O extends BlockingPopOptions = {}>(sourcekey: Arg, destkey: Arg, timeout?: number | O, encoding?: string | null | O): Promise<Dec<T, O> | null> {
    const a = listSignatures.bind("brpoplpush", arguments);
    const t = checkTimeout(a.timeout ?? 0);
    return this._exec("BRPOPLPUSH", [a.sourcekey, a.destkey, t], encodingOf(a));
  }

  lindex<O extends EncodingOption = {}>(key: Arg, index: number, options?: O): Promise<Dec<T, O> | null> {
    const a = listSignatures.bind("lindex", arguments);
    if (!isInt(a.index)) throw new TypeError("index argument must be int");
    return this._exec("LINDEX", [a.key, a.index], encodingOf(a));
  }

  /** LINSERT; AFTER the pivot unless `before` is true. */
  linsert(key: Arg, pivot: Arg, value: Arg, before?: boolean | { before?: boolean }): Promise<number> {
    const a = listSignatures.bind("linsert", arguments);
    return this._exec("LINSERT", [a.key, a.before ? "BEFORE" : "AFTER", a.pivot, a.value]);
  }

  llen(key: Arg): Promise<number> {
    const a = listSignatures.bind("llen", arguments);
    return this._exec("LLEN", [a.key]);
  }

  lpop<O extends EncodingOption = {}>(key: Arg, options?: O): Promise<Dec<T, O> | null> {
    const a = listSignatures.bind("lpop", arguments);
    return this._exec("LPOP", [a.key], encodingOf(a));
  }

  lpush(key: Arg, value: Arg, ...values: Arg[]): Promise<number> {
    const a = listSignatures.bind("lpush", arguments);
    return this._exec("LPUSH", [a.key, a.value, ...a.rest]);
  }

  lpushx(key: Arg, value: Arg): Promise<number> {
    const a = listSignatures.bind("lpushx", arguments);
    return this._exec("LPUSHX", [a.key, a.value]);
  }

  lrange<O extends EncodingOption = {}>(key: Arg, start: number, stop: number, options?: O): Promise<Dec<T, O>[]> {
    const a = listSignatures.bind("lrange", arguments);
    if (!isInt(a.start)) throw new TypeError("start argument must be int");
    if (!isInt(a.stop)) throw new TypeError("stop argument must be int");
    return this._exec("LRANGE", [a.key, a.start, a.stop], encodingOf(a));
  }

  lrem(key: Arg, count: number, value: Arg): Promise<number> {
    const a = listSignatures.bind("lrem", arguments);
    if (!isInt(a.count)) throw new TypeError("count argument must be int");
    return this._exec("LREM", [a.key, a.count, a.value]);
  }

  /** LSET: the raw `OK` reply (v1 did not make it a boolean). */
  lset(key: Arg, index: number, value: Arg): Promise<T> {
    const a = listSignatures.bind("lset", arguments);
    if (!isInt(a.index)) throw new TypeError("index argument must be int");
    return this._exec("LSET", [a.key, a.index, a.value]);
  }

  /** LTRIM; resolves with true. */
  ltrim(key: Arg, start: number, stop: number): Promise<boolean> {
    const a = listSignatures.bind("ltrim", arguments);
    if (!isInt(a.start)) throw new TypeError("start argument must be int");
    if (!isInt(a.stop)) throw new TypeError("stop argument must be int");
    return this._exec("LTRIM", [a.key, a.start, a.stop], NOTSET, waitOkReply);
  }

  rpop<O extends EncodingOption = {}>(key: Arg, options?: O): Promise<Dec<T, O> | null> {
    const a = listSignatures.bind("rpop", arguments);
    return this._exec("RPOP", [a.key], encodingOf(a));
  }

  rpoplpush<O extends EncodingOption = {}>(sourcekey: Arg, destkey: Arg, options?: O): Promise<Dec<T, O> | null> {
    const a = listSignatures.bind("rpoplpush", arguments);
    return this._exec("RPOPLPUSH", [a.sourcekey, a.destkey], encodingOf(a));
  }

  rpush(key: Arg, value: Arg, ...values: Arg[]): Promise<number> {
    const a = listSignatures.bind("rpush", arguments);
    return this._exec("RPUSH", [a.key, a.value, ...a.rest]);
  }

  rpushx(key: Arg, value: Arg): Promise<number> {
    const a = listSignatures.bind("rpushx", arguments);
    return this._exec("RPUSHX", [a.key, a.value]);
  }
}
