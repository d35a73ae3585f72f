/** The Generic command group (aioredis 1.x's `GenericCommandsMixin`), installed on `Redis` by commands/index.ts: keys, expiry, SCAN, SORT. */
import { encodingOf, signatures } from "../calling.js";
import { RedisBase } from "./base.js";
import { NOTSET, isInt, toInt, waitOk, type Arg, type Dec, type EncodingOption, type RedisString } from "../util.js";

export const toBool = (reply: unknown): boolean => Boolean(reply);
export const intReply = (reply: unknown): number => toInt(reply);
export const scanReply = (reply: any): [number, any[]] => [toInt(reply[0]), reply[1]];

export interface ScanOptions {
  match?: Arg | null;
  count?: number | null;
}

export interface SortOptions {
  by?: Arg | null;
  offset?: number | null;
  count?: number | null;
  /** true sends ASC, false DESC. */
  asc?: boolean | null;
  alpha?: boolean;
  store?: Arg | null;
}

export interface MigrateOptions {
  copy?: boolean;
  replace?: boolean;
}

/** v1's `_ScanIter`: items one by one, cursor after cursor, from cursor 0 until the cursor is 0 again. */
export async function* scanIter<I>(scan: (cursor: Arg) => Promise<[number, I[]]>): AsyncGenerator<I, void, undefined> {
  let cursor: Arg | 0 = "0";
  for (;;) {
    const [next, items] = await scan(cursor);
    yield* items;
    if (!next) return;
    cursor = next;
  }
}

export function scanArgs(match: unknown, count: unknown): unknown[] {
  const args: unknown[] = [];
  if (match !== undefined && match !== null) args.push("MATCH", match);
  if (count !== undefined && count !== null) args.push("COUNT", count);
  return args;
}

/** The v1 signatures of the Generic commands (see calling.ts). */
export const genericSignatures = signatures({
  delete: "key, *keys",
  dump: "key",
  exists: "key, *keys",
  expire: "key, timeout",
  expireat: "key, timestamp",
  keys: "pattern, *, encoding?",
  migrate: "host, port, key, destDb, timeout, *, copy?, replace?",
  migrateKeys: "host, port, keys, destDb, timeout, *, copy?, replace?",
  move: "key, db",
  objectRefcount: "key",
  objectEncoding: "key",
  objectIdletime: "key",
  persist: "key",
  pexpire: "key, timeout",
  pexpireat: "key, timestamp",
  pttl: "key",
  ttl: "key",
  randomkey: "*, encoding?",
  rename: "key, newkey",
  renamenx: "key, newkey",
  restore: "key, ttl, value",
  scan: "cursor?, match?, count?",
  iscan: "*, match?, count?",
  sort: "key, *getPatterns, by?, offset?, count?, asc?, alpha?, store?",
  touch: "key, *keys",
  type: "key",
  unlink: "key, *keys",
  wait: "numslaves, timeout",
});

export class GenericCommands<T extends RedisString = Buffer> extends RedisBase<T> {
  /** DEL: the number of keys deleted. */
  delete(key: Arg, ...keys: Arg[]): Promise<number> {
    const a = genericSignatures.bind("delete", arguments);
    return this._exec("DEL", [a.key, ...a.rest], NOTSET, intReply);
  }

  /** DUMP: the serialized value. */
  dump(key: Arg): Promise<T | null> {
    const a = genericSignatures.bind("dump", arguments);
    return this._exec("DUMP", [a.key]);
  }

  /** EXISTS: how many of the keys exist. */
  exists(key: Arg, ...keys: Arg[]): Promise<number> {
    const a = genericSignatures.bind("exists", arguments);
    return this._exec("EXISTS", [a.key, ...a.rest], NOTSET, intReply);
  }

  /** EXPIRE; a fractional timeout is sent as PEXPIRE in milliseconds. */
  expire(key: Arg, timeout: number): Promise<boolean> {
    const a = genericSignatures.bind("expire", arguments);
    if (typeof a.timeout === "number" && !isInt(a.timeout)) return this.pexpire(a.key, Math.trunc(a.timeout * 1000));
    if (!isInt(a.timeout)) throw new TypeError(`timeout argument must be int, not ${String(a.timeout)}`);
    return this._exec("EXPIRE", [a.key, a.timeout], NOTSET, toBool);
  }

  /** EXPIREAT; a fractional timestamp is sent as PEXPIREAT in milliseconds. */
  expireat(key: Arg, timestamp: number): Promise<boolean> {
    const a = genericSignatures.bind("expireat", arguments);
    if (typeof a.timestamp === "number" && !isInt(a.timestamp)) return this.pexpireat(a.key, Math.trunc(a.timestamp * 1000));
    if (!isInt(a.timestamp)) throw new TypeError(`timestamp argument must be int, not ${String(a.timestamp)}`);
    return this._exec("EXPIREAT", [a.key, a.timestamp], NOTSET, toBool);
  }

  /** KEYS matching `pattern`. */
  keys<O extends EncodingOption = {}>(pattern: Arg, options?: O): Promise<Dec<T, O>[]> {
    const a = genericSignatures.bind("keys", arguments);
    return this._exec("KEYS", [a.pattern], encodingOf(a));
  }

  /** MIGRATE one key; resolves with true. */
  migrate(host: string, port: number, key: Arg, destDb: number, timeout: number, options?: MigrateOptions): Promise<boolean> {
    const a = genericSignatures.bind("migrate", arguments);
    if (typeof a.host !== "string") throw new TypeError("host argument must be str");
    if (!isInt(a.timeout)) throw new TypeError("timeout argument must be int");
    if (!isInt(a.destDb)) throw new TypeError("dest_db argument must be int");
    if (!isInt(a.port)) throw new TypeError("port argument must be int");
    const flags: string[] = [];
    if (a.copy) flags.push("COPY");
    if (a.replace) flags.push("REPLACE");
    return this._exec("MIGRATE", [a.host, a.port, a.key, a.destDb, a.timeout, ...flags], NOTSET, waitOkReply);
  }

  /** MIGRATE several keys (MIGRATE ... "" ... KEYS k1 k2); resolves with true. */
  migrateKeys(host: string, port: number, keys: Arg[], destDb: number, timeout: number, options?: MigrateOptions): Promise<boolean> {
    const a = genericSignatures.bind("migrateKeys", arguments);
    if (typeof a.host !== "string") throw new TypeError("host argument must be str");
    if (!isInt(a.timeout)) throw new TypeError("timeout argument must be int");
    if (!isInt(a.destDb)) throw new TypeError("dest_db argument must be int");
    if (!isInt(a.port)) throw new TypeError("port argument must be int");
    if (!Array.isArray(a.keys) || a.keys.length === 0) throw new TypeError("keys must not be empty");
    const flags: unknown[] = [];
    if (a.copy) flags.push("COPY");
    if (a.replace) flags.push("REPLACE");
    flags.push("KEYS", ...a.keys);
    return this._exec("MIGRATE", [a.host, a.port, "", a.destDb, a.timeout, ...flags], NOTSET, waitOkReply);
  }

  /** MOVE to another db. */
  move(key: Arg, db: number): Promise<boolean> {
    const a = genericSignatures.bind("move", arguments);
    if (!isInt(a.db)) throw new TypeError(`db argument must be int, not ${String(a.db)}`);
    if (a.db < 0) throw new RangeError(`db argument must be not less than 0, ${a.db}`);
    return this._exec("MOVE", [a.key, a.db], NOTSET, toBool);
  }

  /** OBJECT REFCOUNT. */
  objectRefcount(key: Arg): Promise<number | null> {
    const a = genericSignatures.bind("objectRefcount", arguments);
    return this._exec("OBJECT", ["REFCOUNT", a.key]);
  }

  /** OBJECT ENCODING, always as a string. */
  objectEncoding(key: Arg): Promise<string | null> {
    const a = genericSignatures.bind("objectEncoding", arguments);
    return this._exec("OBJECT", ["ENCODING", a.key], "utf-8");
  }

  /** OBJECT IDLETIME. */
  objectIdletime(key: Arg): Promise<number | null> {
    const a = genericSignatures.bind("objectIdletime", arguments);
    return this._exec("OBJECT", ["IDLETIME", a.key]);
  }

  persist(key: Arg): Promise<boolean> {
    const a = genericSignatures.bind("persist", arguments);
    return this._exec("PERSIST", [a.key], NOTSET, toBool);
  }

  pexpire(key: Arg, timeout: number): Promise<boolean> {
    const a = genericSignatures.bind("pexpire", arguments);
    if (!isInt(a.timeout)) throw new TypeError(`timeout argument must be int, not ${String(a.timeout)}`);
    return this._exec("PEXPIRE", [a.key, a.timeout], NOTSET, toBool);
  }

  pexpireat(key: Arg, timestamp: number): Promise<boolean> {
    const a = genericSignatures.bind("pexpireat", arguments);
    if (!isInt(a.timestamp)) throw new TypeError(`timestamp argument must be int, not ${String(a.timestamp)}`);
    return this._exec("PEXPIREAT", [a.key, a.timestamp], NOTSET, toBool);
  }

  /** PTTL: milliseconds left; -2 for no key, -1 for no expiry. */
  pttl(key: Arg): Promise<number> {
    const a = genericSignatures.bind("pttl", arguments);
    return this._exec("PTTL", [a.key]);
  }

  /** TTL: seconds left; -2 for no key, -1 for no expiry. */
  ttl(key: Arg): Promise<number> {
    const a = genericSignatures.bind("ttl", arguments);
    return this._exec("TTL", [a.key]);
  }

  randomkey<O extends EncodingOption = {}>(options?: O): Promise<Dec<T, O> | null> {
    const a = genericSignatures.bind("randomkey", arguments);
    return this._exec("RANDOMKEY", [], encodingOf(a));
  }

  /** RENAME; resolves with true. Renaming a key to itself is a RangeError (v1's ValueError). */
  rename(key: Arg, newkey: Arg): Promise<boolean> {
    const a = genericSignatures.bind("rename", arguments);
    if (sameKey(a.key, a.newkey)) throw new RangeError("key and newkey are the same");
    return this._exec("RENAME", [a.key, a.newkey], NOTSET, waitOkReply);
  }

  renamenx(key: Arg, newkey: Arg): Promise<boolean> {
    const a = genericSignatures.bind("renamenx", arguments);
    if (sameKey(a.key, a.newkey)) throw new RangeError("key and newkey are the same");
    return this._exec("RENAMENX", [a.key, a.newkey], NOTSET, toBool);
  }

  /** RESTORE: the raw reply (`OK`). */
  restore(key: Arg, ttl: number, value: Arg): Promise<T> {
    const a = genericSignatures.bind("restore", arguments);
    return this._exec("RESTORE", [a.key, a.ttl, a.value]);
  }

  /** SCAN: `[cursor, keys]` with an integer cursor. */
  scan(cursor?: Arg | ScanOptions, match?: Arg | null | ScanOptions, count?: number | null | ScanOptions): Promise<[number, T[]]> {
    const a = genericSignatures.bind("scan", arguments);
    return this._exec("SCAN", [a.cursor ?? 0, ...scanArgs(a.match, a.count)], NOTSET, scanReply);
  }

  /** Every key, by SCAN, as an async iterator. */
  iscan(options?: ScanOptions): AsyncGenerator<T, void, undefined> {
    const a = genericSignatures.bind("iscan", arguments);
    return scanIter((cursor) => this.scan(cursor, { match: a.match, count: a.count }));
  }

  /** SORT with v1's arguments: GET patterns as rest arguments, `offset`/`count` for LIMIT, `asc`. */
  sort(key: Arg, ...getPatterns: (Arg | SortOptions)[]): Promise<any> {
    const a = genericSignatures.bind("sort", arguments);
    const args: unknown[] = [];
    if (a.by !== undefined && a.by !== null) args.push("BY", a.by);
    if (a.offset !== undefined && a.offset !== null && a.count !== undefined && a.count !== null) args.push("LIMIT", a.offset, a.count);
    for (const pattern of a.rest) args.push("GET", pattern);
    if (a.asc !== undefined && a.asc !== null) args.push(a.asc === true ? "ASC" : "DESC");
    if (a.alpha) args.push("ALPHA");
    if (a.store !== undefined && a.store !== null) args.push("STORE", a.store);
    return this._exec("SORT", [a.key, ...args]);
  }

  touch(key: Arg, ...keys: Arg[]): Promise<number> {
    const a = genericSignatures.bind("touch", arguments);
    return this._exec("TOUCH", [a.key, ...a.rest]);
  }

  /** TYPE: `string`, `list`, ..., `none` (a Buffer without an encoding). */
  type(key: Arg): Promise<T> {
    const a = genericSignatures.bind("type", arguments);
    return this._exec("TYPE", [a.key]);
  }

  unlink(key: Arg, ...keys: Arg[]): Promise<number> {
    const a = genericSignatures.bind("unlink", arguments);
    return this._exec("UNLINK", [a.key, ...a.rest]);
  }

  /** WAIT for `numslaves` replicas, at most `timeout` milliseconds. */
  wait(numslaves: number, timeout: number): Promise<number> {
    const a = genericSignatures.bind("wait", arguments);
    return this._exec("WAIT", [a.numslaves, a.timeout]);
  }
}

export const waitOkReply = (reply: unknown): boolean => waitOk(reply);

function sameKey(a: unknown, b: unknown): boolean {
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  return a === b;
}
