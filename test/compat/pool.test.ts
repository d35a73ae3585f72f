/**
 * aioredis/compat: pools (`create_pool`, `create_redis_pool`, `ConnectionsPool`) as the v1
 * documentation described them: pre-filled, bounded, callers waiting, v1's release rules.
 */
import { describe, expect, test } from "vitest";
import * as aioredis from "../../compat/index.js";
import { useRedisServer } from "../harness/index.js";

const server = useRedisServer();

/** The number of clients the server sees (CLIENT LIST lines). */
async function clientCount(): Promise<number> {
  const out = await server().cli("CLIENT", "LIST");
  return out.split("\n").filter((l) => l.includes("addr=")).length - 1; // minus redis-cli itself
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("createPool", () => {
  test("minsize connections are made (and PINGed) up front", async () => {
    const before = await clientCount();
    const pool = await aioredis.createPool(["127.0.0.1", server().port], { minsize: 3, maxsize: 5 });
    expect(pool.minsize).toBe(3);
    expect(pool.maxsize).toBe(5);
    expect(pool.size).toBe(3);
    expect(pool.freesize).toBe(3);
    expect(await clientCount()).toBe(before + 3);
    pool.close();
    await pool.waitClosed();
    expect(pool.closed).toBe(true);
    await sleep(20);
    expect(await clientCount()).toBe(before);
  });

  test("defaults: minsize 1, maxsize 10, db 0, no encoding", async () => {
    const pool = await aioredis.createPool(`redis://127.0.0.1:${server().port}`);
    expect([pool.minsize, pool.maxsize, pool.size, pool.db, pool.encoding]).toEqual([1, 10, 1, 0, null]);
    expect(pool.address).toEqual(["127.0.0.1", server().port]);
    pool.close();
    await pool.waitClosed();
  });

  test("bad sizes are refused", async () => {
    await expect(aioredis.createPool(["127.0.0.1", server().port], { minsize: 5, maxsize: 2 })).rejects.toThrow(RangeError);
    await expect(aioredis.createPool(["127.0.0.1", server().port], { maxsize: 0 })).rejects.toThrow(TypeError);
    await expect(aioredis.createPool(["127.0.0.1", server().port], { minsize: -1 })).rejects.toThrow(TypeError);
  });

  test("a failure while pre-filling closes the pool and throws", async () => {
    const port = server().port;
    await server().cli("CONFIG", "SET", "requirepass", "pw");
    try {
      const err = await aioredis.createPool(["127.0.0.1", port], { minsize: 2 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(aioredis.AuthError);
    } finally {
      await server().cli("-a", "pw", "--no-auth-warning", "CONFIG", "SET", "requirepass", "");
    }
  });

  test("acquire/release; get() with using; size and freesize", async () => {
    const pool = await aioredis.createPool(["127.0.0.1", server().port], { minsize: 1, maxsize: 3, encoding: "utf-8" });
    const a = await pool.acquire();
    expect(pool.freesize).toBe(0);
    expect(pool.size).toBe(1);
    const b = await pool.acquire(); // grows, as nothing is free
    expect(pool.size).toBe(2);
    expect(a).not.toBe(b);
    expect(await a.execute("ping")).toBe("PONG");
    pool.release(a);
    pool.release(b);
    expect(pool.freesize).toBe(2);
    expect(() => pool.release(a)).toThrow(/Invalid connection/);
    {
      using conn = await pool.get();
      expect(pool.freesize).toBe(1);
      await conn.execute("set", "pool:using", "1");
    }
    expect(pool.freesize).toBe(2);
    {
      using conn = await pool.acquire();
      pool.release(conn); // released by hand: disposal does nothing more
    }
    expect(pool.freesize).toBe(2);
    pool.close();
    await pool.waitClosed();
  });

  test("maxsize: callers wait for a free connection instead of failing", async () => {
    const pool = await aioredis.createPool(["127.0.0.1", server().port], { minsize: 0, maxsize: 2 });
    const a = await pool.acquire();
    const b = await pool.acquire();
    expect(pool.size).toBe(2);
    let third: aioredis.RedisConnection | null = null;
    const waiting = pool.acquire().then((c) => (third = c));
    await sleep(100);
    expect(third).toBeNull();
    pool.release(a);
    await waiting;
    expect(third).toBe(a);
    expect(pool.size).toBe(2);
    pool.release(b);
    pool.release(third!);
    pool.close();
    await pool.waitClosed();
  });

  test("release rules: in a transaction, in subscribe mode, or on another db, a connection is closed", async () => {
    const pool = await aioredis.createPool(["127.0.0.1", server().port], { minsize: 0, maxsize: 5 });
    const tx = await pool.acquire();
    await tx.execute("multi");
    pool.release(tx);
    expect(tx.closed).toBe(true);

    const other = await pool.acquire();
    await other.execute("select", 2);
    pool.release(other);
    expect(other.closed).toBe(true);

    const sub = await pool.acquire();
    await sub.executePubsub("subscribe", "pool:chan");
    expect(sub.inPubsub).toBe(1);
    pool.release(sub);
    expect(sub.closed).toBe(true);

    const fine = await pool.acquire();
    await fine.execute("set", "pool:fine", "1");
    pool.release(fine);
    expect(fine.closed).toBe(false);
    expect(pool.freesize).toBe(1);
    pool.close();
    await pool.waitClosed();
  });

  test("clear() closes the free connections; select() changes the pool's db", async () => {
    const pool = await aioredis.createPool(["127.0.0.1", server().port], { minsize: 2, maxsize: 4, encoding: "utf-8" });
    const used = await pool.acquire();
    await pool.clear();
    expect(pool.freesize).toBe(0);
    expect(pool.size).toBe(1);
    pool.release(used);

    expect(await pool.select(5)).toBe(true);
    expect(pool.db).toBe(5);
    await pool.execute("set", "pool:db5", "five");
    expect(await server().cli("-n", "5", "GET", "pool:db5")).toBe("five");
    const fresh = await pool.acquire();
    expect(fresh.db).toBe(5);
    pool.release(fresh);
    pool.close();
    await pool.waitClosed();
  });

  test("a closed pool refuses with PoolClosedError, and wakes its waiters", async () => {
    const pool = await aioredis.createPool(["127.0.0.1", server().port], { minsize: 1, maxsize: 1 });
    const conn = await pool.acquire();
    const waiter = pool.acquire().catch((e: unknown) => e);
    await sleep(20);
    pool.close();
    expect(await waiter).toBeInstanceOf(aioredis.PoolClosedError);
    await expect(pool.acquire()).rejects.toBeInstanceOf(aioredis.PoolClosedError);
    expect(conn.closed).toBe(true);
    await pool.waitClosed();
  });
});

describe("createRedisPool", () => {
  test("commands share the free connections; blocking ones get a connection of their own", async () => {
    const redis = await aioredis.createRedisPool(`redis://127.0.0.1:${server().port}`, { minsize: 1, maxsize: 3, encoding: "utf-8", timeout: 2 });
    const pool = redis.connection as aioredis.ConnectionsPool<string>;
    expect(pool).toBeInstanceOf(aioredis.ConnectionsPool);
    await redis.delete("pool:q");
    const popped = redis.blpop("pool:q", { timeout: 2 });
    await sleep(30);
    // the shared connection is not stalled by BLPOP
    expect(await redis.set("pool:other", "x")).toBe(true);
    expect(await redis.rpush("pool:q", "item")).toBe(1);
    expect(await popped).toEqual(["pool:q", "item"]);
    expect(redis.inTransaction).toBe(false);
    redis.close();
    await redis.waitClosed();
    expect(redis.closed).toBe(true);
  });

  test("acquire(): an exclusive connection, given back with using", async () => {
    const redis = await aioredis.createRedisPool(["127.0.0.1", server().port], { minsize: 1, maxsize: 2 });
    const pool = redis.connection as aioredis.ConnectionsPool;
    {
      using r = await redis.acquire();
      expect(r).toBeInstanceOf(aioredis.ContextRedis);
      expect(r).toBeInstanceOf(aioredis.Redis);
      expect(pool.freesize).toBe(0);
      expect(await r.select(3)).toBe(true);
      expect(r.db).toBe(3);
    }
    // on another db: closed, not returned
    expect(pool.freesize).toBe(0);
    {
      using r = await redis.acquire();
      expect(r.db).toBe(0);
      expect(await r.incr("pool:acq")).toBeGreaterThan(0);
    }
    expect(pool.freesize).toBe(1);
    const released = await redis.acquire();
    released[Symbol.dispose]();
    expect(() => released.get("k")).toThrow(aioredis.ConnectionClosedError);
    redis.close();
    await redis.waitClosed();
  });

  test("a Redis built over a pool by hand, and the pool closed through it", async () => {
    const pool = await aioredis.createPool(["127.0.0.1", server().port], { encoding: "utf-8" });
    const redis = new aioredis.Redis(pool);
    expect(redis.encoding).toBe("utf-8");
    expect(await redis.echo("hi")).toBe("hi");
    redis.close();
    await redis.waitClosed();
    expect(pool.closed).toBe(true);
  });
});
