import * as aioredis from "aioredis";
import { ReplyError, RedisError } from "aioredis";
import { LockAcquiringError, LockError, LockRuntimeError } from "./errors.js";
import { cleanPassword, versionAtLeast } from "./utility.js";

export type Connection = string | [string, number] | { host?: string; port?: number; db?: number; password?: string } | aioredis.Redis;

function raiseError(results: PromiseSettledResult<unknown>[], defaultMessage: string): never {
  const errors = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
  const runtime = errors.find((e) => e instanceof LockRuntimeError);
  if (runtime) throw runtime;
  const acquiring = errors.find((e) => e instanceof LockAcquiringError);
  if (acquiring) throw acquiring;
  throw new LockError(defaultMessage, { cause: errors[0] });
}

const strip = (script: string) => script.replace(/^\s+/gm, "").trim();

export class Instance {
  // KEYS[1] - lock resource key; ARGV[1] - lock unique identifier; ARGV[2] - expiration in ms
  static readonly SET_LOCK_SCRIPT = `
    local identifier = redis.call('get', KEYS[1])
    if not identifier or identifier == ARGV[1] then
        return redis.call("set", KEYS[1], ARGV[1], 'PX', ARGV[2])
    else
        return redis.error_reply('ERROR')
    end`;

  // KEYS[1] - lock resource key; ARGV[1] - lock unique identifier
  static readonly UNSET_LOCK_SCRIPT = `
    local identifier = redis.call('get', KEYS[1])
    if not identifier then
        return redis.status_reply('OK')
    elseif identifier == ARGV[1] then
        return redis.call("del", KEYS[1])
    else
        return redis.error_reply('ERROR')
    end`;

  // KEYS[1] - lock resource key
  static readonly GET_LOCK_TTL_SCRIPT = `
    local identifier = redis.call('get', KEYS[1])
    if not identifier then
        return redis.error_reply('ERROR')
    elseif identifier == ARGV[1] then
        return redis.call("TTL", KEYS[1])
    else
        return redis.error_reply('ERROR')
    end`;

  readonly connection: Connection;
  private pool: aioredis.Redis | null = null;
  private setLockScriptSha1: string | null = null;
  private unsetLockScriptSha1: string | null = null;
  private getLockTtlScriptSha1: string | null = null;

  constructor(connection: Connection) {
    this.connection = connection;
  }

  toString(): string {
    return `<Instance(connection='${cleanPassword(this.connection)}'>`;
  }

  /** Adapter for aioredis 0.3 (create_pool) and 1.x (create_redis_pool). */
  private static async createRedisPool(address: aioredis.Address, options: aioredis.CreateRedisPoolOptions): Promise<aioredis.Redis> {
    if (versionAtLeast(aioredis.__version__, "1.0.0")) {
      return aioredis.createRedisPool(address, options);
    }
    return new aioredis.Redis(await aioredis.createPool(address, options));
  }

  private async registerScripts(redis: aioredis.Redis): Promise<void> {
    const shas = await Promise.all(
      [Instance.SET_LOCK_SCRIPT, Instance.UNSET_LOCK_SCRIPT, Instance.GET_LOCK_TTL_SCRIPT].map((script) => redis.scriptLoad(strip(script))),
    );
    [this.setLockScriptSha1, this.unsetLockScriptSha1, this.getLockTtlScriptSha1] = shas.map((r) => (Buffer.isBuffer(r) ? r.toString() : String(r)));
  }

  /** The pool of this instance, connected (and the scripts registered) on first use. */
  async connect(): Promise<aioredis.Redis> {
    let address: aioredis.Address = "redis://localhost";
    let redisOptions: aioredis.CreateRedisPoolOptions = {};
    if (this.connection instanceof aioredis.Redis) {
      this.pool = this.connection;
    } else if (Array.isArray(this.connection) || typeof this.connection === "string") {
      address = this.connection;
    } else {
      const { host = "localhost", port = 6379, ...rest } = this.connection;
      address = [host, port];
      redisOptions = rest;
    }
    if (this.pool === null) {
      this.pool = await Instance.createRedisPool(address, { minsize: 1, maxsize: 100, ...redisOptions });
    }
    if (this.setLockScriptSha1 === null || this.unsetLockScriptSha1 === null) {
      using redis = await this.pool.acquire();
      await this.registerScripts(redis);
    }
    return this.pool;
  }

  /** Closes the pool (unless it was given to us). */
  async close(): Promise<void> {
    if (this.pool !== null && !(this.connection instanceof aioredis.Redis)) {
      this.pool.close();
      await this.pool.waitClosed();
    }
    this.pool = null;
  }

  async setLock(resource: string, lockIdentifier: string, lockTimeout: number, registerScripts = false): Promise<void> {
    const lockTimeoutMs = Math.trunc(lockTimeout * 1000);
    try {
      using redis = await (await this.connect()).acquire();
      if (registerScripts) await this.registerScripts(redis);
      await redis.evalsha(this.setLockScriptSha1!, { keys: [resource], args: [lockIdentifier, lockTimeoutMs] });
    } catch (exc) {
      if (exc instanceof ReplyError) {
        if (exc.message.startsWith("NOSCRIPT")) return this.setLock(resource, lockIdentifier, lockTimeout, true);
        throw new LockAcquiringError("Can not set lock", { cause: exc });
      }
      if (exc instanceof RedisError) throw new LockRuntimeError("Can not set lock", { cause: exc });
      throw exc;
    }
  }

  async getLockTtl(resource: string, lockIdentifier: string, registerScripts = false): Promise<number> {
    try {
      using redis = await (await this.connect()).acquire();
      if (registerScripts) await this.registerScripts(redis);
      return (await redis.evalsha(this.getLockTtlScriptSha1!, { keys: [resource], args: [lockIdentifier] })) as number;
    } catch (exc) {
      if (exc instanceof ReplyError) {
        if (exc.message.startsWith("NOSCRIPT")) return this.getLockTtl(resource, lockIdentifier, true);
        throw new LockAcquiringError("Can not get lock", { cause: exc });
      }
      if (exc instanceof RedisError) throw new LockRuntimeError("Can not get lock", { cause: exc });
      throw exc;
    }
  }

  async unsetLock(resource: string, lockIdentifier: string, registerScripts = false): Promise<void> {
    try {
      using redis = await (await this.connect()).acquire();
      if (registerScripts) await this.registerScripts(redis);
      await redis.evalsha(this.unsetLockScriptSha1!, { keys: [resource], args: [lockIdentifier] });
    } catch (exc) {
      if (exc instanceof ReplyError) {
        if (exc.message.startsWith("NOSCRIPT")) return this.unsetLock(resource, lockIdentifier, true);
        throw new LockAcquiringError("Can not unset lock", { cause: exc });
      }
      if (exc instanceof RedisError) throw new LockRuntimeError("Can not unset lock", { cause: exc });
      throw exc;
    }
  }

  async isLocked(resource: string): Promise<boolean> {
    using redis = await (await this.connect()).acquire();
    const lockIdentifier = await redis.get(resource);
    return Boolean(lockIdentifier);
  }
}

/** All the instances of a Redlock: a lock holds when a majority holds it. */
export class Redis {
  readonly instances: Instance[];

  constructor(redisConnections: Connection[]) {
    this.instances = redisConnections.map((c) => new Instance(c));
  }

  private quorum(): number {
    return Math.trunc(this.instances.length / 2) + 1;
  }

  async setLock(resource: string, lockIdentifier: string, lockTimeout = 10.0): Promise<void> {
    const results = await Promise.allSettled(this.instances.map((i) => i.setLock(resource, lockIdentifier, lockTimeout)));
    const ok = results.filter((r) => r.status === "fulfilled").length;
    if (ok < this.quorum()) raiseError(results, `Can not acquire the lock "${resource}"`);
  }

  async getLockTtl(resource: string, lockIdentifier: string): Promise<number> {
    const results = await Promise.allSettled(this.instances.map((i) => i.getLockTtl(resource, lockIdentifier)));
    const ok = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    if (ok.length < this.quorum() || !ok.every((v) => v === ok[0])) raiseError(results, `Could not fetch the TTL for lock "${resource}"`);
    return ok[0]!;
  }

  async unsetLock(resource: string, lockIdentifier: string): Promise<void> {
    if (!this.instances.length) return;
    const results = await Promise.allSettled(this.instances.map((i) => i.unsetLock(resource, lockIdentifier)));
    const ok = results.filter((r) => r.status === "fulfilled").length;
    if (ok < this.quorum()) raiseError(results, `Can not release the lock "${resource}"`);
  }

  async isLocked(resource: string): Promise<boolean> {
    const results = await Promise.allSettled(this.instances.map((i) => i.isLocked(resource)));
    const locked = results.filter((r) => r.status === "fulfilled" && r.value).length;
    return locked >= this.quorum();
  }

  async clearConnections(): Promise<void> {
    await Promise.all(this.instances.map((i) => i.close()));
  }
}
