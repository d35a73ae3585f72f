import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DataError, Lock, LockNotOwnedError, Redis } from "../src/index.js";
import { useRedisServer } from "./harness/index.js";

/** Lock behaviours pinned to redis-py's `redis.asyncio.lock.Lock`. */
const server = useRedisServer();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class AuditedLock extends Lock<any> {
  static acquired = 0;
  override async acquire(options?: Parameters<Lock["acquire"]>[0]): Promise<boolean> {
    const ok = await super.acquire(options);
    if (ok) AuditedLock.acquired++;
    return ok;
  }
}

describe.each([
  [2, true],
  [3, true],
  [3, false],
] as const)("Lock like redis-py, RESP%i, decodeResponses %s", (protocol, decodeResponses) => {
  let r: Redis<any>;
  const k = (name: string) => `lrp${protocol}${decodeResponses}:${name}`;
  beforeAll(() => {
    r = new Redis({ port: server().port, protocol, decodeResponses });
  });
  afterAll(() => r.close());

  test("raise_on_release_error=False: a lock lost before the block ends is a warning, not an error", async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on("warning", onWarning);
    try {
      {
        await using lock = r.lock(k("lost"), { timeout: 10, raiseOnReleaseError: false });
        expect(await lock.acquire()).toBe(true);
        await r.delete(k("lost")); // lost: someone else's cleanup removed it
      }
      await sleep(5); // warnings are emitted on the next tick
      expect(warnings.map((w) => (w as Error & { code?: string }).code)).toContain("AIOREDIS_LOCK_NOT_OWNED");
    } finally {
      process.off("warning", onWarning);
    }
  });

  test("raise_on_release_error=True (the default): the block ends with LockNotOwnedError", async () => {
    const run = async () => {
      await using lock = r.lock(k("lost2"), { timeout: 10 });
      await lock.acquire();
      await r.delete(k("lost2"));
    };
    await expect(run()).rejects.toBeInstanceOf(LockNotOwnedError);
  });

  test("lock_class: redis.lock() constructs the given subclass", async () => {
    const before = AuditedLock.acquired;
    const lock = r.lock(k("cls"), { lockClass: AuditedLock, timeout: 5 });
    expect(lock).toBeInstanceOf(AuditedLock);
    expect(await lock.acquire()).toBe(true);
    expect(AuditedLock.acquired).toBe(before + 1);
    await lock.release();
    expect(() => r.lock(k("cls"), { lockClass: Map as never })).toThrow(/'lockClass' must be Lock or a subclass/);
  });

  test("timeout=0 means no expiry (redis-py: `if self.timeout`)", async () => {
    const lock = r.lock(k("t0"), { timeout: 0 });
    expect(await lock.acquire()).toBe(true);
    expect(await r.ttl(k("t0"))).toBe(-1);
    await lock.release();
  });

  test("owned() compares the token with GET's reply in the client's reply mode", async () => {
    for (const token of ["plain-token", Buffer.from("buffer-token"), "ünïcödé"]) {
      const lock = r.lock(k("own"));
      expect(await lock.acquire({ token })).toBe(true);
      expect(await lock.owned()).toBe(true);
      await r.set(k("own"), "someone-else");
      expect(await lock.owned()).toBe(false);
      await r.delete(k("own"));
      await expect(lock.release()).rejects.toBeInstanceOf(LockNotOwnedError);
    }
  });

  test("acquire({ blockingTimeout: null }) falls back to the lock's own blockingTimeout, like None", async () => {
    const holder = r.lock(k("bt"));
    await holder.acquire();
    const waiter = r.lock(k("bt"), { blockingTimeout: 0.1, sleep: 0.02 });
    const started = Date.now();
    expect(await waiter.acquire({ blockingTimeout: null })).toBe(false);
    expect(Date.now() - started).toBeLessThan(5_000); // bounded by the lock's 0.1 s, not forever
    await holder.release();
  });

  test("bad raiseOnReleaseError", () => {
    expect(() => r.lock(k("x"), { raiseOnReleaseError: "no" as never })).toThrow(DataError);
  });
});
