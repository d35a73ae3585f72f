import { afterEach, describe, expect, test } from "vitest";
import { ConnectionPool, DataError, Redis, RedisCluster } from "../../src/index.js";
import { resp, sleep, startCommandServer, useRedisServer, type FakeServer } from "../harness/index.js";

const server = useRedisServer();

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) await c.close();
});

function cached<const O extends object>(options: O = {} as O) {
  const r = new Redis({ port: server().port, clientSideCache: {}, ...options });
  open.push(r);
  return r;
}

function plain() {
  const r = new Redis({ port: server().port, decodeResponses: true });
  open.push(r);
  return r;
}

/** Waits until `check()` is true (an invalidation travels on another connection). */
async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await sleep(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("client-side cache: reads", () => {
  test("a second GET is served from memory without touching the network", async () => {
    const r = cached({ decodeResponses: true });
    await plain().set("csc:a", "1");
    expect(await r.get("csc:a")).toBe("1");
    const connection = r.connectionPool.sharedConnection();
    const writes = connection.writes;
    expect(await r.get("csc:a")).toBe("1");
    expect(await r.get("csc:a")).toBe("1");
    expect(connection.writes).toBe(writes);
    const stats = r.cacheStats()!;
    expect(stats.hits).toBe(2);
    expect(stats.misses).toBe(1);
    expect(stats.entries).toBe(1);
    expect(stats.bytes).toBeGreaterThan(0);
  });

  test("tracking is on for the shared connection, in default mode", async () => {
    const r = cached({ decodeResponses: true });
    const info = (await r.executeCommand("CLIENT", "TRACKINGINFO")) as Map<string, unknown>;
    expect(info.get("flags")).toEqual(["on"]);
  });

  test("a write from another client invalidates the entry", async () => {
    const r = cached({ decodeResponses: true });
    const w = plain();
    await w.set("csc:b", "old");
    expect(await r.get("csc:b")).toBe("old");
    expect(await r.get("csc:b")).toBe("old");
    await w.set("csc:b", "new");
    await until(async () => (await r.get("csc:b")) === "new", "the invalidation");
    expect(r.cacheStats()!.invalidations).toBeGreaterThanOrEqual(1);
  });

  test("the client reads its own writes at once", async () => {
    const r = cached({ decodeResponses: true });
    await r.set("csc:own", "1");
    expect(await r.get("csc:own")).toBe("1");
    expect(await r.get("csc:own")).toBe("1");
    await r.set("csc:own", "2");
    expect(await r.get("csc:own")).toBe("2");
    await r.hset("csc:ownh", "f", "1");
    expect(await r.hget("csc:ownh", "f")).toBe("1");
    await r.hincrby("csc:ownh", "f", 5);
    expect(await r.hget("csc:ownh", "f")).toBe("6");
  });

  test("keys that are not ASCII, as strings or Buffers, are matched by their bytes", async () => {
    const r = cached({ decodeResponses: true });
    const w = plain();
    const key = "csc:clé-ключ-鍵";
    await w.set(key, "1");
    expect(await r.get(key)).toBe("1");
    expect(await r.get(Buffer.from(key))).toBe("1");
    expect(r.cacheStats()!.entries).toBe(1); // the same key and command, whatever form it came in
    await w.set(key, "2");
    await until(() => r.cacheStats()!.entries === 0, "the invalidation of the non-ASCII key");
    expect(await r.get(key)).toBe("2");
    // a key that is not valid UTF-8: its invalidation cannot be decoded, so everything is flushed
    const binary = Buffer.from([0x63, 0x73, 0x63, 0x3a, 0xff, 0xfe]);
    const rb = cached({ decodeResponses: true });
    await w.set(binary, "x");
    await rb.get("csc:other");
    await rb.strlen(binary);
    expect(rb.cacheStats()!.entries).toBe(2);
    const flushes = rb.cacheStats()!.flushes;
    await w.set(binary, "yy");
    await until(() => rb.cacheStats()!.entries === 0, "the flush");
    expect(rb.cacheStats()!.flushes).toBe(flushes + 1);
    expect(await rb.strlen(binary)).toBe(2);
  });

  test("entries are per command and arguments, grouped by key for invalidation", async () => {
    const r = cached({ decodeResponses: true });
    const w = plain();
    await w.hset("csc:h", { mapping: { a: "1", b: "2" } });
    expect(await r.hget("csc:h", "a")).toBe("1");
    expect(await r.hget("csc:h", "b")).toBe("2");
    expect(await r.hgetall("csc:h")).toEqual({ a: "1", b: "2" });
    expect(await r.hlen("csc:h")).toBe(2);
    expect(r.cacheStats()!.entries).toBe(4);
    await w.hset("csc:h", "a", "9");
    await until(() => r.cacheStats()!.entries === 0, "all four entries to go");
    expect(await r.hgetall("csc:h")).toEqual({ a: "9", b: "2" });
  });

  test("a cached value is never returned mutated (Buffers, arrays, objects)", async () => {
    const r = cached();
    const w = plain();
    await w.set("csc:buf", "abc");
    await w.hset("csc:obj", "f", "v");
    await w.rpush("csc:list", "x", "y");
    const first = (await r.get("csc:buf"))!;
    first.write("zzz");
    expect((await r.get("csc:buf"))!.toString()).toBe("abc");
    const hit = (await r.get("csc:buf"))!;
    hit.fill(0);
    expect((await r.get("csc:buf"))!.toString()).toBe("abc");
    const obj = (await r.hgetall("csc:obj")) as Record<string, Buffer>;
    (obj as Record<string, unknown>).f = "changed";
    (obj as Record<string, unknown>).g = "added";
    const again = (await r.hgetall("csc:obj")) as Record<string, Buffer>;
    expect(Object.keys(again)).toEqual(["f"]);
    expect(again.f!.toString()).toBe("v");
    const list = await r.lrange("csc:list", 0, -1);
    list.push(Buffer.from("extra"));
    list[0]!.write("Q");
    expect((await r.lrange("csc:list", 0, -1)).map(String)).toEqual(["x", "y"]);
    expect(r.cacheStats()!.hits).toBeGreaterThanOrEqual(4);
  });

  test("FLUSHALL from another client (a null invalidation) empties the cache", async () => {
    const r = cached({ decodeResponses: true });
    const w = plain();
    await w.mset({ "csc:f1": "1", "csc:f2": "2" });
    await r.get("csc:f1");
    await r.get("csc:f2");
    expect(r.cacheStats()!.entries).toBe(2);
    const flushes = r.cacheStats()!.flushes;
    await w.flushall();
    await until(() => r.cacheStats()!.entries === 0, "the flush");
    expect(r.cacheStats()!.flushes).toBe(flushes + 1);
    expect(await r.get("csc:f1")).toBeNull();
  });

  test("commands that are not cached: multi-key, time, randomness, scans", async () => {
    const r = cached({ decodeResponses: true });
    await r.set("csc:n", "1", { ex: 100 });
    await r.mget("csc:n", "csc:m");
    await r.mget("csc:n", "csc:m");
    await r.ttl("csc:n");
    await r.ttl("csc:n");
    await r.sadd("csc:s", "a");
    await r.srandmember("csc:s");
    await r.srandmember("csc:s");
    await r.objectEncoding("csc:n");
    await r.executeCommand("GET", "csc:n");
    await r.executeCommand("GET", "csc:n");
    expect(r.cacheStats()!.misses).toBe(0);
    expect(r.cacheStats()!.hits).toBe(0);
  });

  test("pipelines, transactions and client() bypass the cache and never return stale data", async () => {
    const r = cached({ decodeResponses: true });
    const w = plain();
    await w.set("csc:p", "1");
    expect(await r.get("csc:p")).toBe("1");
    await w.set("csc:p", "2");
    // the pipeline goes to the server, whatever the cache holds
    expect(await r.pipeline({ transaction: false }).get("csc:p").execute()).toEqual(["2"]);
    expect(await r.pipeline().get("csc:p").execute()).toEqual(["2"]);
    const own = r.client();
    expect(await own.get("csc:p")).toBe("2");
    await own.close();
    const before = r.cacheStats()!;
    await r.pipeline().get("csc:p").execute();
    expect(r.cacheStats()!.hits).toBe(before.hits);
    expect(r.cacheStats()!.misses).toBe(before.misses);
  });

  test("works on a ConnectionPool shared by several clients", async () => {
    const pool = new ConnectionPool({ port: server().port, decodeResponses: true, clientSideCache: { maxEntries: 100 } });
    const a = new Redis({ connectionPool: pool });
    const b = new Redis({ connectionPool: pool });
    try {
      await a.set("csc:pool", "x");
      expect(await a.get("csc:pool")).toBe("x");
      expect(await b.get("csc:pool")).toBe("x");
      expect(pool.clientSideCache!.stats().hits).toBe(1);
      expect(b.cacheStats()).toEqual(a.cacheStats());
    } finally {
      await a.close();
      await b.close();
      await pool.disconnect();
    }
  });

  test("without the option there is no cache and no tracking", async () => {
    const r = plain();
    expect(r.cacheStats()).toBeNull();
    expect(r.connectionPool.clientSideCache).toBeNull();
    const info = (await r.executeCommand("CLIENT", "TRACKINGINFO")) as Map<string, unknown>;
    expect(info.get("flags")).toEqual(["off"]);
  });
});

describe("client-side cache: limits", () => {
  test("LRU eviction by maxEntries", async () => {
    const r = cached({ decodeResponses: true, clientSideCache: { maxEntries: 3 } });
    await r.mset({ "csc:l1": "1", "csc:l2": "2", "csc:l3": "3", "csc:l4": "4" });
    await r.get("csc:l1");
    await r.get("csc:l2");
    await r.get("csc:l3");
    await r.get("csc:l1"); // l1 is now the most recently used, l2 the least
    await r.get("csc:l4"); // evicts l2
    const stats = r.cacheStats()!;
    expect(stats.entries).toBe(3);
    expect(stats.evictions).toBe(1);
    const misses = stats.misses;
    await r.get("csc:l1");
    await r.get("csc:l3");
    await r.get("csc:l4");
    expect(r.cacheStats()!.misses).toBe(misses);
    await r.get("csc:l2");
    expect(r.cacheStats()!.misses).toBe(misses + 1);
  });

  test("maxBytes bounds the estimated size; an entry bigger than the bound is not kept", async () => {
    const r = cached({ decodeResponses: true, clientSideCache: { maxBytes: 2000 } });
    await r.set("csc:big", "x".repeat(5000));
    await r.mset({ "csc:s1": "a".repeat(300), "csc:s2": "b".repeat(300), "csc:s3": "c".repeat(300), "csc:s4": "d".repeat(300) });
    await r.get("csc:big");
    expect(r.cacheStats()!.entries).toBe(0);
    for (const k of ["csc:s1", "csc:s2", "csc:s3", "csc:s4"]) await r.get(k);
    const stats = r.cacheStats()!;
    expect(stats.bytes).toBeLessThanOrEqual(2000);
    expect(stats.entries).toBeLessThan(4);
    expect(stats.evictions).toBeGreaterThanOrEqual(2);
  });

  test("ttl: an entry is not served after its time", async () => {
    const r = cached({ decodeResponses: true, clientSideCache: { ttl: 0.15 } });
    await r.set("csc:ttl", "1");
    await r.get("csc:ttl");
    await r.get("csc:ttl");
    expect(r.cacheStats()!.hits).toBe(1);
    await sleep(200);
    await r.get("csc:ttl");
    expect(r.cacheStats()!.misses).toBe(2);
    expect(r.cacheStats()!.evictions).toBe(1);
  });
});

describe("client-side cache: BCAST mode", () => {
  test("only keys under the prefixes are cached, and any change under them invalidates", async () => {
    const r = cached({ decodeResponses: true, clientSideCache: { mode: "bcast", prefixes: ["bc:"] } });
    const w = plain();
    const info = (await r.executeCommand("CLIENT", "TRACKINGINFO")) as Map<string, unknown>;
    expect(info.get("flags")).toEqual(["on", "bcast"]);
    expect(info.get("prefixes")).toEqual(["bc:"]);
    await w.mset({ "bc:1": "a", "other:1": "b" });
    // the broadcast of that write reaches r's connection before PING's reply (a miss it raced would not be stored)
    await r.ping();
    await r.get("bc:1");
    await r.get("bc:1");
    await r.get("other:1");
    await r.get("other:1");
    expect(r.cacheStats()!.hits).toBe(1);
    expect(r.cacheStats()!.entries).toBe(1);
    await w.set("bc:1", "changed");
    await until(async () => (await r.get("bc:1")) === "changed", "the broadcast invalidation");
  });
});

describe("client-side cache: connection loss", () => {
  test("a lost connection empties the cache; the new one tracks again", async () => {
    const r = cached({ decodeResponses: true, clientName: "csc-reader" });
    const w = plain();
    await w.set("csc:r", "1");
    await r.get("csc:r");
    expect(r.cacheStats()!.entries).toBe(1);
    const flushes = r.cacheStats()!.flushes;
    await w.executeCommand("CLIENT", "KILL", "SKIPME", "yes", "TYPE", "normal");
    await until(() => r.cacheStats()!.entries === 0, "the flush on loss");
    expect(r.cacheStats()!.flushes).toBe(flushes + 1);
    expect(await r.get("csc:r")).toBe("1"); // reconnects, re-enables tracking
    const info = (await r.executeCommand("CLIENT", "TRACKINGINFO")) as Map<string, unknown>;
    expect(info.get("flags")).toEqual(["on"]);
    expect(await r.get("csc:r")).toBe("1");
    await w.set("csc:r", "2");
    await until(async () => (await r.get("csc:r")) === "2", "an invalidation on the new connection");
  });
});

describe("client-side cache: refused without RESP3", () => {
  test("protocol: 2 with the option is a DataError", () => {
    expect(() => new Redis({ protocol: 2, clientSideCache: {} })).toThrow(DataError);
    expect(() => new Redis({ protocol: 2, clientSideCache: {} })).toThrow(/needs RESP3.*protocol: 2/);
    expect(() => new ConnectionPool({ protocol: 2, clientSideCache: { maxEntries: 5 } })).toThrow(/needs RESP3/);
    expect(() => Redis.fromUrl("redis://localhost/?protocol=2", { clientSideCache: {} })).toThrow(/needs RESP3/);
  });

  test("a server without HELLO (RESP2 only): commands reject with a DataError that says so", async () => {
    const fake = await startCommandServer((args, socket) => {
      const name = args[0]!.toUpperCase();
      if (name === "HELLO") socket.write(resp.error("ERR unknown command 'HELLO'"));
      else if (name === "CLIENT") socket.write(resp.simple("OK"));
      else socket.write(resp.bulk("v"));
    });
    const r = new Redis({ port: fake.port, clientSideCache: {}, retry: null });
    try {
      await expect(r.get("k")).rejects.toThrow(DataError);
      await expect(r.get("k")).rejects.toThrow(/clientSideCache needs RESP3/);
    } finally {
      await r.close();
      await fake.close();
    }
  });

  test("RedisCluster refuses the option clearly", () => {
    expect(() => new RedisCluster({ host: "127.0.0.1", port: 1, clientSideCache: {} })).toThrow(/clientSideCache.*not available on RedisCluster/);
  });

  test("bad cache options name the option", () => {
    expect(() => new Redis({ clientSideCache: { maxEntries: 0 } })).toThrow(/'maxEntries' must be a positive integer/);
    expect(() => new Redis({ clientSideCache: { ttl: -1 } })).toThrow(/'ttl' must be a number of seconds/);
    expect(() => new Redis({ clientSideCache: { mode: "optin" as "bcast" } })).toThrow(/'mode' must be 'default' or 'bcast'/);
    expect(() => new Redis({ clientSideCache: { prefixes: ["a"] } })).toThrow(/'prefixes' need mode 'bcast'/);
    expect(() => new Redis({ clientSideCache: { mode: "bcast", prefixes: ["a:", "a:b"] } })).toThrow(/overlap/);
    expect(() => new Redis({ clientSideCache: { maxEntrys: 5 } as object })).toThrow(/unknown option 'maxEntrys'/);
    expect(() => new Redis({ clientSideCache: 5 as unknown as object })).toThrow(/'clientSideCache' must be an object/);
    expect(() => new Redis({ decodeResponses: true, encodingErrors: "ignore", clientSideCache: {} })).toThrow(/encodingErrors 'ignore'/);
  });
});

describe("client-side cache: the race with a reply in flight", () => {
  let fake: FakeServer | null = null;
  afterEach(async () => {
    await fake?.close();
    fake = null;
  });

  /** A RESP3 server that answers GET with `value` and sends an invalidation for the key before or after the reply. */
  async function raceServer(order: "before" | "after", value: () => string) {
    let gets = 0;
    fake = await startCommandServer((args, socket) => {
      const name = args[0]!.toUpperCase();
      if (name === "HELLO") socket.write(resp.map([[resp.bulk("proto"), resp.int(3)]]));
      else if (name === "CLIENT") socket.write(resp.simple("OK"));
      else if (name === "GET") {
        gets++;
        const invalidate = resp.push([resp.bulk("invalidate"), resp.array([resp.bulk(args[1]!)])]);
        // one write: the invalidation and the reply arrive together, in this order
        socket.write(order === "before" ? Buffer.concat([invalidate, resp.bulk(value())]) : Buffer.concat([resp.bulk(value()), invalidate]));
      } else socket.write(resp.simple("OK"));
    });
    return { port: fake.port, gets: () => gets };
  }

  test("an invalidation that overtakes the reply: the reply is returned but not stored", async () => {
    let n = 0;
    const srv = await raceServer("before", () => `v${++n}`);
    const r = new Redis({ port: srv.port, decodeResponses: true, clientSideCache: {} });
    try {
      expect(await r.get("k")).toBe("v1");
      expect(await r.get("k")).toBe("v2");
      expect(srv.gets()).toBe(2);
      expect(r.cacheStats()).toMatchObject({ hits: 0, misses: 2, entries: 0 });
      expect(r.cacheStats()!.invalidations).toBe(2);
    } finally {
      await r.close();
    }
  });

  test("an invalidation right behind the reply drops the entry before anyone can read it", async () => {
    let n = 0;
    const srv = await raceServer("after", () => `v${++n}`);
    const r = new Redis({ port: srv.port, decodeResponses: true, clientSideCache: {} });
    try {
      const [a, b] = await Promise.all([r.get("k"), r.get("k")]);
      expect([a, b]).toEqual(["v1", "v2"]);
      expect(await r.get("k")).toBe("v3");
      expect(srv.gets()).toBe(3);
      expect(r.cacheStats()!.hits).toBe(0);
    } finally {
      await r.close();
    }
  });
});
