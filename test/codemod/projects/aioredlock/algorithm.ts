import { randomUUID } from "node:crypto";
import { LockError } from "./errors.js";
import { Redis, type Connection } from "./redis.js";

export class Lock {
  valid = true;
  constructor(
    readonly lockManager: Aioredlock,
    readonly resource: string,
    readonly id: string,
    public lockTimeout = 10.0,
  ) {}

  async release(): Promise<void> {
    await this.lockManager.unlock(this);
  }
}

/** The Redlock algorithm over one or more redis instances. */
export class Aioredlock {
  readonly redis: Redis;
  private readonly locks = new Map<string, Lock>();

  constructor(
    redisConnections: Connection[] = [["localhost", 6379]],
    readonly internalLockTimeout = 10.0,
    readonly retryCount = 3,
    readonly retryDelayMs = 100,
  ) {
    if (internalLockTimeout <= 0) throw new RangeError("Lock timeout value cannot be less than or equal to zero.");
    this.redis = new Redis(redisConnections);
  }

  async lock(resource: string, lockTimeout: number | null = null, lockIdentifier: string | null = null): Promise<Lock> {
    const id = lockIdentifier ?? randomUUID();
    const timeout = lockTimeout ?? this.internalLockTimeout;
    let error: unknown = null;
    for (let attempt = 0; attempt < this.retryCount; attempt++) {
      try {
        await this.redis.setLock(resource, id, timeout);
        const lock = new Lock(this, resource, id, timeout);
        this.locks.set(resource, lock);
        return lock;
      } catch (e) {
        error = e;
        await new Promise((r) => setTimeout(r, this.retryDelayMs));
      }
    }
    throw error instanceof LockError ? error : new LockError(`Can not acquire lock on ${resource}`, { cause: error });
  }

  async unlock(lock: Lock): Promise<void> {
    await this.redis.unsetLock(lock.resource, lock.id);
    lock.valid = false;
    this.locks.delete(lock.resource);
  }

  async isLocked(resourceOrLock: string | Lock): Promise<boolean> {
    const resource = typeof resourceOrLock === "string" ? resourceOrLock : resourceOrLock.resource;
    return this.redis.isLocked(resource);
  }

  async getLockTtl(lock: Lock): Promise<number> {
    return this.redis.getLockTtl(lock.resource, lock.id);
  }

  async destroy(): Promise<void> {
    for (const lock of [...this.locks.values()]) await this.unlock(lock);
    await this.redis.clearConnections();
  }
}
