import { randomBytes } from "node:crypto";
import { abortError, checkCallOptions, waitAbortedError } from "./connection/cancel.js";
import { DataError, LockError, LockNotOwnedError } from "./errors.js";
import type { RedisString } from "./pool.js";
import { Script, type ScriptRunner } from "./script.js";

export interface LockOptions {
  /** Seconds until the lock expires by itself; `null` (default) never expires. */
  timeout?: number | null;
  /** Seconds between attempts while blocking. Default 0.1. */
  sleep?: number;
  /** Wait for the lock when it is taken. Default true. */
  blocking?: boolean;
  /** Most seconds to wait while blocking; `null` (default) waits forever. */
  blockingTimeout?: number | null;
  /** Accepted for redis-py compatibility: tokens always belong to the Lock object here. */
  threadLocal?: boolean;
  /**
   * What the end of an `await using` block does when the lock was lost (expired or taken)
   * before it: `true` (default) throws `LockNotOwnedError`, `false` emits a process warning
   * (code `AIOREDIS_LOCK_NOT_OWNED`) instead, like redis-py's `raise_on_release_error`.
   */
  raiseOnReleaseError?: boolean;
  /** The class to construct instead of `Lock` (redis-py's `lock_class`): a subclass of `Lock`. */
  lockClass?: LockClass;
}

/** A constructor of locks with `Lock`'s signature (redis-py's `lock_class`). */
export type LockClass = new (redis: LockClient, name: string | Buffer, options?: LockOptions) => Lock<any>;

const LOCK_OPTIONS = ["timeout", "sleep", "blocking", "blockingTimeout", "threadLocal", "raiseOnReleaseError", "lockClass"];

export interface AcquireOptions {
  blocking?: boolean;
  blockingTimeout?: number | null;
  /** Use this token instead of a random one. */
  token?: string | Buffer;
  /**
   * Ends the wait (docs/cancellation.md): `acquire()` rejects with `AbortError`, and never
   * leaves the lock taken (a SET that may have run is undone with our token).
   */
  signal?: AbortSignal | null;
  /**
   * Seconds each command of `acquire()` may take (a per-call timeout, docs/cancellation.md);
   * not the lock's time to live (the Lock's `timeout`) nor the wait (`blockingTimeout`).
   */
  timeout?: number | null;
}

const RELEASE = `
local token = redis.call('get', KEYS[1])
if not token or token ~= ARGV[1] then
  return 0
end
redis.call('del', KEYS[1])
return 1`;

const EXTEND = `
local token = redis.call('get', KEYS[1])
if not token or token ~= ARGV[1] then
  return 0
end
local expiration = redis.call('pttl', KEYS[1])
if not expiration then
  expiration = 0
end
if expiration < 0 then
  return 0
end
local newttl = ARGV[2]
if ARGV[3] == "0" then
  newttl = ARGV[2] + expiration
end
redis.call('pexpire', KEYS[1], newttl)
return 1`;

const REACQUIRE = `
local token = redis.call('get', KEYS[1])
if not token or token ~= ARGV[1] then
  return 0
end
redis.call('pexpire', KEYS[1], ARGV[2])
return 1`;

/** The client a lock runs on. */
export interface LockClient extends ScriptRunner {
  executeCommand(...args: unknown[]): Promise<any>;
  /** A view of the client whose calls carry per-call options (`ClientCore.withOptions`). */
  withOptions?(options: { signal?: AbortSignal | null; timeout?: number | null }): LockClient;
}

function checkSeconds(where: string, name: string, value: unknown, nullable: boolean): void {
  if (value === undefined || (nullable && value === null)) return;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new DataError(`${where}: '${name}' must be a non-negative number of seconds${nullable ? " or null" : ""}`);
  }
}

/**
 * A distributed lock on one key (redis-py's `Lock`): SET NX PX to take it, Lua scripts to
 * release, extend and reacquire it only while the token is still ours. Each `Lock` object
 * has its own token, so two tasks never share one.
 */
export class Lock<T extends RedisString = Buffer> {
  readonly name: string | Buffer;
  readonly timeout: number | null;
  readonly sleep: number;
  readonly blocking: boolean;
  readonly blockingTimeout: number | null;
  readonly raiseOnReleaseError: boolean;
  private readonly redis: LockClient;
  private token: string | Buffer | null = null;
  declare readonly __replyType?: T;
  private readonly scripts: { release: Script; extend: Script; reacquire: Script; releaseUncancelled: Script };

  constructor(redis: LockClient, name: string | Buffer, options: LockOptions = {}) {
    if (typeof name !== "string" && !Buffer.isBuffer(name)) throw new DataError("lock: 'name' must be a string or a Buffer");
    if (options === null || typeof options !== "object") throw new DataError("lock: options must be an object");
    for (const key of Object.keys(options)) {
      if (!LOCK_OPTIONS.includes(key)) {
        throw new DataError(`lock: unknown option '${key}'`);
      }
    }
    checkSeconds("lock", "timeout", options.timeout, true);
    checkSeconds("lock", "sleep", options.sleep, false);
    checkSeconds("lock", "blockingTimeout", options.blockingTimeout, true);
    if (options.blocking !== undefined && typeof options.blocking !== "boolean") throw new DataError("lock: 'blocking' must be a boolean");
    if (options.raiseOnReleaseError !== undefined && typeof options.raiseOnReleaseError !== "boolean") {
      throw new DataError("lock: 'raiseOnReleaseError' must be a boolean");
    }
    this.redis = redis;
    this.name = name;
    this.timeout = options.timeout ?? null;
    this.sleep = options.sleep ?? 0.1;
    this.blocking = options.blocking ?? true;
    this.blockingTimeout = options.blockingTimeout ?? null;
    this.raiseOnReleaseError = options.raiseOnReleaseError ?? true;
    this.scripts = {
      release: new Script(redis, RELEASE),
      extend: new Script(redis, EXTEND),
      reacquire: new Script(redis, REACQUIRE),
      // The undo of a cancelled acquire must not be cancelled by the view's own signal.
      releaseUncancelled: new Script(redis.withOptions ? redis.withOptions({ signal: null, timeout: null }) : redis, RELEASE),
    };
  }

  /** The token this Lock holds, if it acquired the lock. */
  get localToken(): string | Buffer | null {
    return this.token;
  }

  /**
   * Takes the lock: true when taken, false when `blocking` is off or `blockingTimeout`
   * passed while someone else held it.
   */
  async acquire(options: AcquireOptions = {}): Promise<boolean> {
    if (options === null || typeof options !== "object") throw new DataError("acquire: options must be an object");
    for (const key of Object.keys(options)) {
      if (!["blocking", "blockingTimeout", "token", "signal", "timeout"].includes(key)) throw new DataError(`acquire: unknown option '${key}'`);
    }
    checkSeconds("acquire", "blockingTimeout", options.blockingTimeout, true);
    const { signal, timeout } = options;
    checkCallOptions("acquire", signal, timeout);
    // A lock made from a `withOptions()` view carries the view's options too.
    const outer = (this.redis as { callOptions?: { signal?: AbortSignal | null; timeout?: number | null } }).callOptions;
    if (signal || timeout) {
      if (!this.redis.withOptions) throw new DataError("acquire: this lock's client takes no 'signal' or 'timeout'");
      const redis = this.redis.withOptions({ signal, timeout });
      return this.acquireCancellable(options, signal ?? outer?.signal ?? null, redis);
    }
    if (outer?.signal || outer?.timeout) return this.acquireCancellable(options, outer.signal ?? null, this.redis);
    return this.acquireWith(options, this.redis, null);
  }

  /** `acquire()` with a signal or a per-call timeout: a SET NX that may have run when cancelled is undone. */
  private async acquireCancellable(options: AcquireOptions, signal: AbortSignal | null, redis: LockClient): Promise<boolean> {
    if (signal?.aborted) throw abortError(`acquire of lock ${String(this.name)}`, signal, false);
    const token = options.token ?? randomBytes(16).toString("hex");
    try {
      const { signal: _s, timeout: _t, ...rest } = options;
      return await this.acquireWith({ ...rest, token }, redis, signal);
    } catch (err) {
      if (this.token === null && (err as { mayHaveRun?: boolean }).mayHaveRun !== false) {
        // The SET may have taken the lock before the call was cancelled: release it if it is ours.
        await this.scripts.releaseUncancelled.call({ keys: [this.name], args: [token] }).catch(() => {});
      }
      throw err;
    }
  }

  private async acquireWith(options: AcquireOptions, redis: LockClient, signal: AbortSignal | null): Promise<boolean> {
    const token = options.token ?? randomBytes(16).toString("hex");
    const blocking = options.blocking ?? this.blocking;
    // Like redis-py, `null` means "not given": the lock's own blockingTimeout applies.
    const blockingTimeout = options.blockingTimeout ?? this.blockingTimeout;
    const stopAt = blockingTimeout === null ? null : Date.now() + blockingTimeout * 1000;
    for (;;) {
      const args: unknown[] = ["SET", this.name, token, "NX"];
      // redis-py: a timeout of 0 (or None) means the lock never expires; milliseconds are truncated.
      if (this.timeout) args.push("PX", Math.max(1, Math.trunc(this.timeout * 1000)));
      if ((await redis.executeCommand(...args)) !== null) {
        this.token = token;
        return true;
      }
      if (!blocking) return false;
      const nextTry = Date.now() + this.sleep * 1000;
      if (stopAt !== null && nextTry > stopAt) return false;
      if (signal) await sleepUnlessAborted(this.sleep * 1000, signal, `acquire of lock ${String(this.name)}`);
      else await new Promise((resolve) => setTimeout(resolve, this.sleep * 1000));
    }
  }

  /** True when anyone holds the lock. */
  async locked(): Promise<boolean> {
    return (await this.redis.executeCommand("GET", this.name)) !== null;
  }

  /** True when this Lock object holds it. */
  async owned(): Promise<boolean> {
    if (this.token === null) return false;
    const stored = await this.redis.executeCommand("GET", this.name);
    if (stored === null) return false;
    return Buffer.from(stored as string | Buffer).equals(Buffer.from(this.token));
  }

  /** Lets the lock go. `LockError` if this object does not hold it, `LockNotOwnedError` if it expired or was taken. */
  async release(): Promise<void> {
    const token = this.token;
    if (token === null) throw new LockError("Cannot release an unlocked lock");
    this.token = null;
    const released = await this.scripts.release.call({ keys: [this.name], args: [token] });
    if (!released) throw new LockNotOwnedError("Cannot release a lock that's no longer owned");
  }

  /**
   * Adds `additionalTime` seconds to the lock's time to live, or sets it to that with
   * `replaceTtl`.
   */
  async extend(additionalTime: number, options: { replaceTtl?: boolean } = {}): Promise<boolean> {
    checkSeconds("extend", "additionalTime", additionalTime, false);
    if (this.token === null) throw new LockError("Cannot extend an unlocked lock");
    if (this.timeout === null) throw new LockError("Cannot extend a lock with no timeout");
    const extended = await this.scripts.extend.call({
      keys: [this.name],
      args: [this.token, Math.trunc(additionalTime * 1000), options.replaceTtl ? "1" : "0"],
    });
    if (!extended) throw new LockNotOwnedError("Cannot extend a lock that's no longer owned");
    return true;
  }

  /** Resets the lock's time to live to `timeout`. */
  async reacquire(): Promise<boolean> {
    if (this.token === null) throw new LockError("Cannot reacquire an unlocked lock");
    if (this.timeout === null) throw new LockError("Cannot reacquire a lock with no timeout");
    const done = await this.scripts.reacquire.call({ keys: [this.name], args: [this.token, Math.trunc(this.timeout * 1000)] });
    if (!done) throw new LockNotOwnedError("Cannot reacquire a lock that's no longer owned");
    return true;
  }

  /** `await using lock = redis.lock(...)`: releases the lock at the end of the block if it is held. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.token === null) return;
    try {
      await this.release();
    } catch (err) {
      if (this.raiseOnReleaseError || !(err instanceof LockNotOwnedError)) throw err;
      process.emitWarning("Lock was no longer owned when its block ended", { code: "AIOREDIS_LOCK_NOT_OWNED" });
    }
  }
}

/** Waits `ms`, or rejects with `AbortError` as soon as `signal` aborts (its listener removed either way). */
function sleepUnlessAborted(ms: number, signal: AbortSignal, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(waitAbortedError(what, signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(waitAbortedError(what, signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Makes the lock `redis.lock(name, options)` returns: `options.lockClass` when given (it
 * must extend `Lock`), else `Lock`.
 */
export function createLock<T extends RedisString>(redis: LockClient, name: string | Buffer, options: LockOptions = {}): Lock<T> {
  const cls = options !== null && typeof options === "object" ? options.lockClass : undefined;
  if (cls === undefined || cls === null) return new Lock<T>(redis, name, options);
  if (typeof cls !== "function" || !(cls === Lock || cls.prototype instanceof Lock)) {
    throw new DataError("lock: 'lockClass' must be Lock or a subclass of it");
  }
  return new cls(redis, name, options) as Lock<T>;
}
