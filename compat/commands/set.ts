/** The Set command group (aioredis 1.x's `SetCommandsMixin`), installed on `Redis` by commands/index.ts: members come back as arrays (not Sets), SISMEMBER as 0/1. */
import { encodingOf, signatures } from "../calling.js";
import { RedisBase } from "./base.js";
import { NOTSET, type Arg, type Dec, type EncodingOption, type RedisString } from "../util.js";
import { scanArgs, scanIter, scanReply, type ScanOptions } from "./generic.js";

/** The v1 signatures of the Set commands (see calling.ts). */
export const setSignatures = signatures({
  sadd: "key, member, *members",
  scard: "key",
  sdiff: "key, *keys",
  sdiffstore: "destkey, key, *keys",
  sinter: "key, *keys",
  sinterstore: "destkey, key, *keys",
  sismember: "key, member",
  smembers: "key, *, encoding?",
  smove: "sourcekey, destkey, member",
  spop: "key, count?, *, encoding?",
  srandmember: "key, count?, *, encoding?",
  srem: "key, member, *members",
  sunion: "key, *keys",
  sunionstore: "destkey, key, *keys",
  sscan: "key, cursor?, match?, count?",
  isscan: "key, *, match?, count?",
});

export class SetCommands<T extends RedisString = Buffer> extends RedisBase<T> {
  sadd(key: Arg, member: Arg, ...members: Arg[]): Promise<number> {
    const a = setSignatures.bind("sadd", arguments);
    return this._exec("SADD", [a.key, a.member, ...a.rest]);
  }

  scard(key: Arg): Promise<number> {
    const a = setSignatures.bind("scard", arguments);
    return this._exec("SCARD", [a.key]);
  }

  sdiff(key: Arg, ...keys: Arg[]): Promise<T[]> {
    const a = setSignatures.bind("sdiff", arguments);
    return this._exec("SDIFF", [a.key, ...a.rest]);
  }

  sdiffstore(destkey: Arg, key: Arg, ...keys: Arg[]): Promise<number> {
    const a = setSignatures.bind("sdiffstore", arguments);
    return this._exec("SDIFFSTORE", [a.destkey, a.key, ...a.rest]);
  }

  sinter(key: Arg, ...keys: Arg[]): Promise<T[]> {
    const a = setSignatures.bind("sinter", arguments);
    return this._exec("SINTER", [a.key, ...a.rest]);
  }

  sinterstore(destkey: Arg, key: Arg, ...keys: Arg[]): Promise<number> {
    const a = setSignatures.bind("sinterstore", arguments);
    return this._exec("SINTERSTORE", [a.destkey, a.key, ...a.rest]);
  }

  /** SISMEMBER: 1 or 0 (v1 did not make it a boolean). */
  sismember(key: Arg, member: Arg): Promise<number> {
    const a = setSignatures.bind("sismember", arguments);
    return this._exec("SISMEMBER", [a.key, a.member]);
  }

  /** SMEMBERS: an array. */
  smembers<O extends EncodingOption = {}>(key: Arg, options?: O): Promise<Dec<T, O>[]> {
    const a = setSignatures.bind("smembers", arguments);
    return this._exec("SMEMBERS", [a.key], encodingOf(a));
  }

  /** SMOVE: 1 or 0. */
  smove(sourcekey: Arg, destkey: Arg, member: Arg): Promise<number> {
    const a = setSignatures.bind("smove", arguments);
    return this._exec("SMOVE", [a.sourcekey, a.destkey, a.member]);
  }

  /** SPOP: a member (or with `count` an array of members). */
  spop<O extends EncodingOption = {}>(key: Arg, count?: number | null | O, options?: O): Promise<any> {
    const a = setSignatures.bind("spop", arguments);
    const args: unknown[] = [a.key];
    if (a.count !== undefined && a.count !== null) args.push(a.count);
    return this._exec("SPOP", args, encodingOf(a));
  }

  srandmember<O extends EncodingOption = {}>(key: Arg, count?: number | null | O, options?: O): Promise<any> {
    const a = setSignatures.bind("srandmember", arguments);
    const args: unknown[] = [a.key];
    if (a.count !== undefined && a.count !== null) args.push(a.count);
    return this._exec("SRANDMEMBER", args, encodingOf(a));
  }

  srem(key: Arg, member: Arg, ...members: Arg[]): Promise<number> {
    const a = setSignatures.bind("srem", arguments);
    return this._exec("SREM", [a.key, a.member, ...a.rest]);
  }

  sunion(key: Arg, ...keys: Arg[]): Promise<T[]> {
    const a = setSignatures.bind("sunion", arguments);
    return this._exec("SUNION", [a.key, ...a.rest]);
  }

  sunionstore(destkey: Arg, key: Arg, ...keys: Arg[]): Promise<number> {
    const a = setSignatures.bind("sunionstore", arguments);
    return this._exec("SUNIONSTORE", [a.destkey, a.key, ...a.rest]);
  }

  /** SSCAN: `[cursor, members]`. */
  sscan(key: Arg, cursor?: Arg | ScanOptions, match?: Arg | null | ScanOptions, count?: number | null | ScanOptions): Promise<[number, T[]]> {
    const a = setSignatures.bind("sscan", arguments);
    return this._exec("SSCAN", [a.key, a.cursor ?? 0, ...scanArgs(a.match, a.count)], NOTSET, scanReply);
  }

  /** Every member, by SSCAN, as an async iterator. */
  isscan(key: Arg, options?: ScanOptions): AsyncGenerator<T, void, undefined> {
    const a = setSignatures.bind("isscan", arguments);
    return scanIter((cursor) => this.sscan(a.key, cursor, { match: a.match, count: a.count }));
  }
}
