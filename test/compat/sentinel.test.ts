/**
 * aioredis/compat: Sentinel (`create_sentinel`, `RedisSentinel`, `create_sentinel_pool`) as
 * the v1 documentation described it, against a real sentinel group (a primary, a replica,
 * three sentinels): `master_for` / `slave_for` clients with v1's reply shapes, the SENTINEL
 * commands' shapes, the discovery errors, closing, and a failover the master client follows.
 */
import { execFile } from "node:child_process";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, expectTypeOf, inject, test } from "vitest";
import * as aioredis from "../../compat/index.js";
import { startSentinelGroup, type TestSentinelGroup } from "../harness/sentinel.js";

let group: TestSentinelGroup;
let sentinel: aioredis.RedisSentinel<string>;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  group = await startSentinelGroup();
  sentinel = await aioredis.createSentinel(group.sentinelAddresses, { encoding: "utf-8", timeout: 1 });
}, 60_000);

afterAll(async () => {
  sentinel?.close();
  await sentinel?.waitClosed();
  await group?.stop();
});

describe("createSentinel", () => {
  test("connects to the sentinels; ping gives the raw PONG; addresses may be [host, port] or URLs", async () => {
    expect(sentinel).toBeInstanceOf(aioredis.RedisSentinel);
    expect(sentinel.closed).toBe(false);
    expect(await sentinel.ping()).toEqual(Buffer.from("PONG"));
    const [[host, port], ...rest] = group.sentinelAddresses;
    const byUrl = await aioredis.createSentinel([`redis://${host}:${port}`, ...rest]);
    expectTypeOf(byUrl).toEqualTypeOf<aioredis.RedisSentinel<Buffer>>();
    expect(await byUrl.execute("get-master-addr-by-name", "mymaster")).toEqual([Buffer.from("127.0.0.1"), Buffer.from(String(group.dataNodes[0]!.port))]);
    byUrl.close();
    await byUrl.waitClosed();
  });

  test("no sentinel answering: Error('Could not connect to any sentinel'); bad arguments are TypeErrors", async () => {
    await expect(aioredis.createSentinel([["127.0.0.1", 1]], { timeout: 0.2 })).rejects.toThrow("Could not connect to any sentinel");
    await expect(aioredis.createSentinel("127.0.0.1:26379" as never)).rejects.toThrow(TypeError);
    // 1.3.1's create_sentinel has no `parser` (create_sentinel_pool has)
    await expect(aioredis.createSentinel(group.sentinelAddresses, { parser: null } as never)).rejects.toThrow(/unexpected keyword argument 'parser'/);
  });
});

describe("masterFor / slaveFor", () => {
  test("masterFor(name): a v1 Redis on the master, made without connecting; minsize connections on the first command", async () => {
    const small = await aioredis.createSentinel(group.sentinelAddresses, { minsize: 2, maxsize: 4, timeout: 1 });
    try {
      const redis = small.masterFor("mymaster");
      expectTypeOf(redis).toEqualTypeOf<aioredis.Redis<Buffer>>();
      expect(redis).toBeInstanceOf(aioredis.Redis);
      const pool = redis.connection as aioredis.ManagedPool;
      expect(pool).toBeInstanceOf(aioredis.ManagedPool);
      expect(pool).toBeInstanceOf(aioredis.ConnectionsPool);
      expect(small.masterFor("mymaster").connection).toBe(pool); // one pool per service
      expect(pool.size).toBe(0);
      expect(redis.address).toBeNull(); // v1's None: not discovered yet
      expect(await redis.ping()).toEqual(Buffer.from("PONG"));
      expect(pool.size).toBe(2);
      expect(redis.address).toEqual(["127.0.0.1", (await group.currentMaster()).port]);
      // select(): the pool's new connections (made through the sentinels) use the new db too.
      expect(await redis.select(3)).toBe(true);
      expect(redis.db).toBe(3);
      expect(await redis.set("s:db3", "x")).toBe(true);
      await pool.clear();
      expect(pool.size).toBe(0);
      expect(await redis.get("s:db3")).toEqual(Buffer.from("x"));
      expect(pool.size).toBe(2);
      expect(await sentinel.masterFor("mymaster").exists("s:db3")).toBe(0);
    } finally {
      small.close();
      await small.waitClosed();
    }
  });

  test("masterFor(name): get/set with v1 shapes", async () => {
    const redis = sentinel.masterFor("mymaster");
    expectTypeOf(redis).toEqualTypeOf<aioredis.Redis<string>>();
    expect(await redis.set("s:k", "v")).toBe(true);
    expect(await redis.set("s:k", "w", { exist: redis.SET_IF_NOT_EXIST })).toBe(false); // v1: false, not null
    expect(await redis.get("s:k")).toBe("v");
    expect(await redis.get("s:k", { encoding: null })).toEqual(Buffer.from("v"));
    expect(await redis.hmsetDict("s:h", { a: 1, b: "2" })).toBe(true);
    expect(await redis.hgetall("s:h")).toEqual({ a: "1", b: "2" });
    expect(await redis.zadd("s:z", 1, "one", 2.5, "two")).toBe(2);
    expect(await redis.zrange("s:z", 0, -1, true)).toEqual([
      ["one", 1],
      ["two", 2.5],
    ]);
    const role = await redis.role();
    expect(role.role).toBe("master");
    expect(await redis.delete("s:h", "s:z")).toBe(2);
  });

  test("slaveFor(name): reads from the replica; writes there are ReadOnlyError (not a ReplyError, as in v1)", async () => {
    const master = sentinel.masterFor("mymaster");
    const replica = sentinel.slaveFor("mymaster");
    await master.set("s:replicated", "yes");
    expect(await master.wait(1, 2000)).toBe(1);
    expect(await replica.get("s:replicated")).toBe("yes");
    expect((await replica.role()).role).toBe("slave");
    expect(replica.address).toEqual(["127.0.0.1", group.dataNodes[1]!.port]);
    const err = await replica.set("s:replicated", "no").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(aioredis.ReadOnlyError);
    expect(err).not.toBeInstanceOf(aioredis.ReplyError);
  });

  test("an unknown service: MasterNotFoundError / SlaveNotFoundError on the first command, at once", async () => {
    const started = Date.now();
    const master = sentinel.masterFor("no-such-service");
    const err = await master.get("k").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(aioredis.MasterNotFoundError);
    expect(err).toBeInstanceOf(aioredis.RedisError);
    expect((err as Error).message).toBe("No master found for no-such-service");
    expect(String((err as Error).cause)).toMatch(/No such master with that name/); // what the sentinels said
    await expect(sentinel.slaveFor("no-such-service").get("k")).rejects.toBeInstanceOf(aioredis.SlaveNotFoundError);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test("a wrong password for the data nodes: MasterReplyError wrapping the AuthError (v1's discovery error)", async () => {
    const wrong = await aioredis.createSentinel(group.sentinelAddresses, { password: "wrong", timeout: 1 });
    try {
      const err = await wrong
        .masterFor("mymaster")
        .get("k")
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(aioredis.MasterReplyError);
      expect((err as Error).message).toMatch(/^Service mymaster error \(AuthError: /);
      expect((err as Error).cause).toBeInstanceOf(aioredis.AuthError);
    } finally {
      wrong.close();
      await wrong.waitClosed();
    }
  });
});

describe("SENTINEL commands", () => {
  test("master(): a dict with typed ints and flags as a set; masterAddress()", async () => {
    const [primary] = group.dataNodes;
    const info = await sentinel.master("mymaster");
    expect(info.name).toBe("mymaster");
    expect(info.ip).toBe("127.0.0.1");
    expect(info.port).toBe(primary!.port);
    expect(info.flags).toBeInstanceOf(Set);
    expect([...info.flags]).toEqual(["master"]);
    for (const key of ["quorum", "num-slaves", "num-other-sentinels", "down-after-milliseconds", "failover-timeout", "parallel-syncs", "config-epoch"]) {
      expect(typeof info[key], key).toBe("number");
    }
    expect(info["quorum"]).toBe(2);
    expect(info["num-other-sentinels"]).toBe(2);
    expect(info["down-after-milliseconds"]).toBe(1000);
    expect(typeof info["runid"]).toBe("string");
    expect(await sentinel.masterAddress("mymaster")).toEqual(["127.0.0.1", primary!.port]);
    expect(await sentinel.masterAddress("no-such-service")).toBeNull();
    await expect(sentinel.master("no-such-service")).rejects.toThrow(aioredis.ReplyError);
    // keyword forms (V1-API rule 2), as for Redis
    expect(await sentinel.masterAddress({ name: "mymaster" })).toEqual(["127.0.0.1", primary!.port]);
    expect((await sentinel.master({ name: "mymaster" })).port).toBe(primary!.port);
    expect(await sentinel.masterFor({ name: "mymaster" }).ping()).toBeTruthy();
  });

  test("masters(): { name: state }; slaves() and sentinels(): arrays of states", async () => {
    const masters = await sentinel.masters();
    expect(Object.keys(masters)).toEqual(["mymaster"]);
    expect(masters["mymaster"]!.port).toBe(group.dataNodes[0]!.port);
    expect(masters["mymaster"]!.flags.has("master")).toBe(true);

    const slaves = await sentinel.slaves("mymaster");
    expect(slaves).toHaveLength(1);
    expect(slaves[0]!.port).toBe(group.dataNodes[1]!.port);
    expect(slaves[0]!.flags.has("slave")).toBe(true);
    expect(slaves[0]!["master-port"]).toBe(group.dataNodes[0]!.port);
    expect(typeof slaves[0]!["slave-repl-offset"]).toBe("number");
    expect(slaves[0]!["master-link-status"]).toBe("ok");

    const sentinels = await sentinel.sentinels("mymaster");
    expect(sentinels).toHaveLength(2); // the others
    for (const s of sentinels) {
      expect(s.flags.has("sentinel")).toBe(true);
      expect(group.sentinelAddresses.map(([, p]) => p)).toContain(s.port);
    }
    await expect(sentinel.slaves("no-such-service")).rejects.toThrow(aioredis.ReplyError);
  });

  test("execute() prefixes SENTINEL: raw Buffers, or strings with { encoding }", async () => {
    const addr = await sentinel.execute("get-master-addr-by-name", "mymaster");
    expect(addr).toEqual([Buffer.from("127.0.0.1"), Buffer.from(String(group.dataNodes[0]!.port))]);
    expect(await sentinel.execute("get-master-addr-by-name", "mymaster", { encoding: "utf-8" })).toEqual(["127.0.0.1", String(group.dataNodes[0]!.port)]);
    const quorum = await sentinel.checkQuorum("mymaster");
    expect(Buffer.isBuffer(quorum)).toBe(true);
    expect(quorum.toString()).toMatch(/^OK 3 usable Sentinels/);
  });

  test("set(), monitor(), remove(): true; errors are ReplyErrors", async () => {
    expect(await sentinel.set("mymaster", "down-after-milliseconds", 1000)).toBe(true);
    expect((await sentinel.master("mymaster"))["down-after-milliseconds"]).toBe(1000);
    await expect(sentinel.set("mymaster", "no-such-option", "x")).rejects.toThrow(aioredis.ReplyError);
    const [primary] = group.dataNodes;
    expect(await sentinel.monitor("compat-extra", "127.0.0.1", primary!.port, 2)).toBe(true);
    expect(await sentinel.masterAddress("compat-extra")).toEqual(["127.0.0.1", primary!.port]);
    expect(await sentinel.remove("compat-extra")).toBe(true);
    await expect(sentinel.remove("compat-extra")).rejects.toThrow(aioredis.ReplyError);
  });
});

describe("createSentinelPool / SentinelPool", () => {
  test("masterFor gives the ManagedPool; discoverMaster a connection to the master, its ROLE checked", async () => {
    const pool = await aioredis.createSentinelPool(group.sentinelAddresses, { timeout: 1 });
    try {
      expect(pool).toBeInstanceOf(aioredis.SentinelPool);
      expect(pool.discoverTimeout).toBe(1);
      const managed = pool.masterFor("mymaster");
      expect(managed).toBeInstanceOf(aioredis.ManagedPool);
      expect(await pool.execute("sentinel", "get-master-addr-by-name", "mymaster", { encoding: "utf-8" })).toEqual([
        "127.0.0.1",
        String((await group.currentMaster()).port),
      ]);
      const conn = await pool.discoverMaster("mymaster");
      expect((await conn.execute("role", { encoding: "utf-8" }))[0]).toBe("master");
      conn.close();
      await conn.waitClosed();
      const redis = new aioredis.Redis(managed);
      expect(await redis.incr("s:pool:n")).toBe(1);
      await expect(pool.discoverMaster("no-such-service")).rejects.toBeInstanceOf(aioredis.MasterNotFoundError);
    } finally {
      pool.close();
      await pool.waitClosed();
    }
  });
});

describe("close() + waitClosed()", () => {
  test("a v1 script that never closes its sentinel exits on its own", async () => {
    const compat = path.resolve(path.dirname(inject("distEntry")), "..", "compat", "index.js");
    const script = `
      import * as aioredis from ${JSON.stringify(compat)};
      const sentinel = await aioredis.createSentinel(${JSON.stringify(group.sentinelAddresses)}, { encoding: "utf-8" });
      const redis = sentinel.masterFor("mymaster");
      await redis.set("s:exit", "written");
      console.log(await redis.get("s:exit"), (await sentinel.master("mymaster")).name);
    `;
    const started = Date.now();
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ["--input-type=module", "-e", script], { timeout: 15_000, killSignal: "SIGKILL" }, (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
      );
    });
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe("written mymaster");
    expect(result.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  test("closes the sentinel connections and every masterFor/slaveFor pool", async () => {
    const other = await aioredis.createSentinel(group.sentinelAddresses, { timeout: 1 });
    const master = other.masterFor("mymaster");
    const replica = other.slaveFor("mymaster");
    expect(await master.ping()).toEqual(Buffer.from("PONG"));
    expect(await replica.ping()).toEqual(Buffer.from("PONG"));
    other.close();
    expect(other.closed).toBe(true);
    await other.waitClosed();
    expect(master.closed).toBe(true);
    expect(replica.closed).toBe(true);
    await expect(other.ping()).rejects.toBeInstanceOf(aioredis.PoolClosedError);
    expect(() => other.execute("masters")).toThrow(aioredis.PoolClosedError); // at call time, as v1
    expect(() => other.masterFor("mymaster")).toThrow(aioredis.PoolClosedError);
    await expect(master.get("k")).rejects.toBeInstanceOf(aioredis.PoolClosedError);
    other.close(); // again: nothing
    await other.waitClosed();
  });
});

describe("failover", () => {
  test("SENTINEL FAILOVER: the masterFor client moves to the new master and keeps working", async () => {
    const [oldMaster, newMaster] = group.dataNodes as [(typeof group.dataNodes)[0], (typeof group.dataNodes)[0]];
    const redis = sentinel.masterFor("mymaster");
    expect(await redis.set("fo:before", "1")).toBe(true);
    expect(await redis.wait(1, 2000)).toBe(1);
    expect(redis.address).toEqual(["127.0.0.1", oldMaster!.port]);

    // A writer keeps going through the failover; the failures it sees are v1 errors.
    const errors: unknown[] = [];
    let acked = 0;
    let stopped = false;
    const writer = (async () => {
      for (let n = 0; !stopped; n++) {
        try {
          if (await redis.set(`fo:${n}`, String(n))) acked++;
        } catch (err) {
          errors.push(err);
          await sleep(20);
        }
      }
    })();
    await sleep(100);

    expect(await sentinel.failover("mymaster")).toBe(true);
    await group.waitForMaster(newMaster!, 20_000);
    await expect.poll(() => redis.address, { timeout: 10_000, interval: 50 }).toEqual(["127.0.0.1", newMaster!.port]);
    const ackedAtSwitch = acked;
    await expect.poll(() => acked, { timeout: 10_000, interval: 50 }).toBeGreaterThan(ackedAtSwitch + 10);
    stopped = true;
    await writer;

    for (const err of errors) {
      expect(err instanceof aioredis.ConnectionClosedError || err instanceof aioredis.ReadOnlyError, String(err)).toBe(true);
    }
    // Settled: every command works, on the new master, with the data written before.
    const errorsBefore = errors.length;
    for (let i = 0; i < 20; i++) expect(await redis.set(`fo:after:${i}`, "x")).toBe(true);
    expect(errors.length).toBe(errorsBefore);
    expect(await redis.get("fo:before")).toBe("1");
    expect((await redis.role()).role).toBe("master");
    expect(await sentinel.masterAddress("mymaster")).toEqual(["127.0.0.1", newMaster!.port]);
  });
});
