import { execFile } from "node:child_process";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, expectTypeOf, inject, test, vi } from "vitest";
import { ClusterNode, ClusterPubSub, keySlot, RedisCluster } from "../../src/cluster/index.js";
import { ClusterCrossSlotError, DataError, ResponseError, WatchError } from "../../src/errors.js";
import { Connection } from "../../src/connection/connection.js";
import { startCluster, type TestCluster } from "../harness/cluster.js";

let cluster: TestCluster;
let rc: RedisCluster<string>;

beforeAll(async () => {
  cluster = await startCluster();
  rc = new RedisCluster({ startupNodes: [cluster.startupNodes[0]!], decodeResponses: true });
}, 60_000);

afterAll(async () => {
  await rc?.close();
  await cluster?.stop();
});

/** Keys spread over many slots (and so over every primary). */
const spread = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}:${i}`);

describe("slots", () => {
  test("CRC16 and hash tags as Redis computes them", async () => {
    for (const key of ["foo", "bar", "{user1}:a", "a{}b", "{}x", "{a}{b}", "x{y", "\u00e9t\u00e9", "123456789"]) {
      expect(keySlot(key)).toBe(Number(await cluster.cli(0, "CLUSTER", "KEYSLOT", key)));
    }
    expect(keySlot("{user1}:name")).toBe(keySlot("{user1}:email"));
    expect(keySlot(Buffer.from("foo"))).toBe(keySlot("foo"));
    expect(rc.keyslot("123456789")).toBe(12739);
  });
});

describe("RedisCluster", () => {
  test("topology: every node known, with roles; the node of a key", async () => {
    await rc.initialize();
    expect(rc.getPrimaries()).toHaveLength(3);
    expect(rc.getReplicas()).toHaveLength(3);
    const owner = await cluster.ownerOf(keySlot("some-key"));
    expect(rc.getNodeFromKey("some-key")?.port).toBe(owner.port);
    expect(rc.getNode("127.0.0.1", owner.port)).toBeInstanceOf(ClusterNode);
    expect(rc.getDefaultNode()?.serverType).toBe("primary");
    expect(String(rc)).toMatch(/^<RedisCluster\(/);
  });

  test("types follow decodeResponses; fromUrl", async () => {
    const buffers = RedisCluster.fromUrl(`redis://127.0.0.1:${cluster.nodes[1]!.port}`);
    try {
      expectTypeOf(buffers).toEqualTypeOf<RedisCluster<Buffer>>();
      expectTypeOf(rc).toEqualTypeOf<RedisCluster<string>>();
      await buffers.set("url-key", "v");
      expect(await buffers.get("url-key")).toEqual(Buffer.from("v"));
      const strings = RedisCluster.fromUrl(`redis://127.0.0.1:${cluster.nodes[2]!.port}`, { decodeResponses: true });
      expectTypeOf(strings).toEqualTypeOf<RedisCluster<string>>();
      expect(await strings.get("url-key")).toBe("v");
      await strings.close();
    } finally {
      await buffers.close();
    }
    expect(() => RedisCluster.fromUrl("redis://127.0.0.1:1/2")).toThrow(DataError);
    expect(() => new RedisCluster({ startupNodes: [{ host: "127.0.0.1", port: 1 }], bogus: 1 } as never)).toThrow(/unknown option 'bogus'/);
  });

  test("single-key commands go to the slot's owner (each key lands on its node)", async () => {
    const keys = spread("route", 60);
    for (const key of keys) await rc.set(key, `v-${key}`);
    for (const key of keys) {
      const owner = await cluster.ownerOf(keySlot(key));
      expect(await owner.server.cli("GET", key)).toBe(`v-${key}`);
    }
    expect(await rc.incr("route:counter", 5)).toBe(5);
    expect(await rc.hset("route:hash", { mapping: { a: "1", b: "2" } })).toBe(2);
    expect(await rc.hgetall("route:hash")).toEqual({ a: "1", b: "2" });
  });

  test("MGET, MSET, DEL, EXISTS, TOUCH, UNLINK across slots: split per slot, merged in order", async () => {
    const keys = spread("multi", 200);
    const mapping = Object.fromEntries(keys.map((k, i) => [k, `value-${i}`]));
    const nodes = new Set(keys.map((k) => rc.getNodeFromKey(k)!.name));
    expect(nodes.size).toBe(3);
    expect(await rc.mset(mapping)).toBe(true);
    const order = [...keys].reverse();
    order.splice(50, 0, "multi:missing");
    const values = await rc.mget(order);
    expect(values).toEqual(order.map((k) => (k === "multi:missing" ? null : mapping[k])));
    expect(await rc.mget(keys[0]!, keys[1]!, keys[2]!)).toEqual(["value-0", "value-1", "value-2"]);
    expect(await rc.exists(...keys, "multi:missing", keys[0]!)).toBe(201);
    expect(await rc.touch(keys)).toBe(200);
    expect(await rc.delete(...keys.slice(0, 100), "multi:missing")).toBe(100);
    expect(await rc.unlink(keys.slice(100))).toBe(100);
    expect(await rc.exists(keys)).toBe(0);
    expect(await rc.mgetNonatomic(["multi:0", "{x}a"])).toEqual([null, null]);
  });

  test("other cross-slot commands fail with CROSSSLOT before anything is sent", async () => {
    const send = vi.spyOn(Connection.prototype, "send");
    try {
      await expect(rc.msetnx({ "xs:a": "1", "xs:b": "2" })).rejects.toBeInstanceOf(ClusterCrossSlotError);
      await expect(rc.rename("xs:a", "xs:b")).rejects.toThrow(/CROSSSLOT.*hash tag/);
      await expect(rc.sunionstore("xs:dest", ["xs:a", "xs:b"])).rejects.toBeInstanceOf(ResponseError);
      await expect(rc.eval("return 1", 2, "xs:a", "xs:b")).rejects.toBeInstanceOf(ClusterCrossSlotError);
      expect(send.mock.calls.filter((c) => String(c[0][0]).toUpperCase() !== "COMMAND")).toHaveLength(0);
    } finally {
      send.mockRestore();
    }
    expect(await rc.exists("xs:a", "xs:b")).toBe(0);
    // With a hash tag they share a slot and work.
    expect(await rc.msetnx({ "{xs}:a": "1", "{xs}:b": "2" })).toBe(true);
    expect(await rc.rename("{xs}:a", "{xs}:c")).toBe(true);
    expect(await rc.sunionstore("{xs}:d", ["{xs}:s1", "{xs}:s2"])).toBe(0);
  });

  test("EVAL, EVALSHA and FCALL are routed by their declared keys", async () => {
    const script = "redis.call('SET', KEYS[1], ARGV[1]); return redis.call('GET', KEYS[2])";
    await rc.set("{ev}:b", "from-b");
    expect(await rc.eval(script, 2, "{ev}:a", "{ev}:b", "x")).toBe("from-b");
    const owner = await cluster.ownerOf(keySlot("{ev}"));
    expect(await owner.server.cli("GET", "{ev}:a")).toBe("x");
    const sha = await rc.scriptLoad(script);
    expect(await rc.scriptExists(sha)).toEqual([true]); // loaded on every primary
    expect(await rc.evalsha(sha, 2, "{ev}:c", "{ev}:b", "y")).toBe("from-b");
    expect(await rc.eval("return 7", 0)).toBe(7);
    await rc.functionLoad("#!lua name=clib\nredis.register_function('getk', function(keys) return redis.call('GET', keys[1]) end)", {
      replace: true,
    });
    expect(await rc.fcall("getk", 1, "{ev}:a")).toBe("x");
    const registered = rc.registerScript("return redis.call('INCRBY', KEYS[1], ARGV[1])");
    expect(await registered({ keys: ["script:counter"], args: [3] })).toBe(3);
    const lock = rc.lock("cluster-lock", { timeout: 5 });
    expect(await lock.acquire()).toBe(true);
    await lock.release();
  });

  test("keyless commands: fan-out with merged replies, or one node; targetNodes chooses", async () => {
    await rc.flushall();
    expect(await rc.dbsize()).toBe(0);
    const keys = spread("keyless", 30);
    await rc.mset(Object.fromEntries(keys.map((k) => [k, "1"])));
    expect(await rc.dbsize()).toBe(30);
    expect((await rc.keys("keyless:*")).sort()).toEqual([...keys].sort());
    expect(await rc.ping()).toBe(true);
    const primaries = rc.getPrimaries();
    const perNode = await Promise.all(primaries.map((node) => rc.withTargetNodes(node).dbsize()));
    expect(perNode.reduce((a, b) => a + Number(b), 0)).toBe(30);
    expect(perNode.every((n) => Number(n) > 0)).toBe(true);
    // Replicas hold copies: "all" sums them too, once replication caught up.
    await expect.poll(() => rc.executeCommand("DBSIZE", { targetNodes: "all" }), { timeout: 5000 }).toBe(60);
    const infos = (await rc.withTargetNodes("primaries").info()) as Record<string, Record<string, unknown>>;
    expect(await rc.withTargetNodes("all").configSet("slowlog-max-len", 200)).toBe(true);
    expect(await rc.withTargetNodes("replicas").configGet("slowlog-max-len")).toEqual(
      Object.fromEntries(rc.getReplicas().map((n) => [n.name, { "slowlog-max-len": "200" }])),
    );
    expect(Object.keys(infos).sort()).toEqual(primaries.map((n) => n.name).sort());
    expect(Object.values(infos)[0]!["redis_version"]).toBeDefined();
    expect((await rc.info())["cluster_enabled"]).toBe(1);
    expect(typeof (await rc.randomkey())).toBe("string");
    expect(await rc.executeCommand("PING", { targetNodes: "random" })).toBe("PONG");
    await expect(rc.executeCommand("PING", { targetNodes: "nowhere" })).rejects.toBeInstanceOf(DataError);
  });

  test("state commands are refused with a pointer to what works", async () => {
    await expect(rc.executeCommand("SELECT", 1)).rejects.toThrow(/only database 0/);
    await expect(rc.executeCommand("WATCH", "k")).rejects.toThrow(/pipeline\(\) or rc.transaction\(\)/);
    await expect(rc.executeCommand("SUBSCRIBE", "c")).rejects.toThrow(/pubsub\(\)/);
  });

  test("scanIter walks every primary", async () => {
    await rc.flushall();
    const keys = spread("scan", 120);
    await rc.mset(Object.fromEntries(keys.map((k) => [k, "1"])));
    await rc.set("other", "1");
    const seen: string[] = [];
    for await (const key of rc.scanIter({ match: "scan:*", count: 20 })) seen.push(key);
    expect(seen.sort()).toEqual([...keys].sort());
    const all: string[] = [];
    for await (const key of rc.scanIter()) all.push(key);
    expect(all).toHaveLength(121);
    await rc.sadd("{s}set", "a", "b", "c");
    const members: string[] = [];
    for await (const m of rc.sscanIter("{s}set")) members.push(m);
    expect(members.sort()).toEqual(["a", "b", "c"]);
  });

  test("blocking commands on the key's node", async () => {
    const popped = rc.blpop(["bq:list"], 2);
    await new Promise((r) => setTimeout(r, 50));
    await rc.rpush("bq:list", "item");
    expect(await popped).toEqual(["bq:list", "item"]);
  });

  test("reads from replicas round-robin with the primary when asked", async () => {
    const reader = new RedisCluster({ startupNodes: cluster.startupNodes, decodeResponses: true, readFromReplicas: true });
    try {
      await rc.set("rr:key", "v");
      await rc.withTargetNodes(rc.getNodeFromKey("rr:key")!).wait(1, 1000);
      const replica = reader.getNodeFromKey("rr:key", true) ?? (await reader.initialize(), reader.getNodeFromKey("rr:key", true))!;
      const stats = async () => Number(/cmdstat_get:calls=(\d+)/.exec(await cluster.cli(cluster.node(replica.port), "INFO", "commandstats"))?.[1] ?? 0);
      const before = await stats();
      for (let i = 0; i < 10; i++) expect(await reader.get("rr:key")).toBe("v");
      expect((await stats()) - before).toBeGreaterThanOrEqual(4);
      // Writes still go to the primary.
      expect(await reader.set("rr:key", "w")).toBe(true);
    } finally {
      await reader.close();
    }
  });
});

describe("cluster pipelines", () => {
  test("non-transactional: split per node, results in the caller's order", async () => {
    const keys = spread("pipe", 50);
    const pipe = rc.pipeline({ transaction: false });
    keys.forEach((k, i) => pipe.set(k, String(i)));
    keys.forEach((k) => pipe.incr(k));
    pipe.mget(keys.slice(0, 5));
    pipe.delete(...keys.slice(45));
    const results = await pipe.execute();
    expect(results.slice(0, 50).every((r) => r === true)).toBe(true);
    expect(results.slice(50, 100)).toEqual(keys.map((_, i) => i + 1));
    expect(results[100]).toEqual(["1", "2", "3", "4", "5"]);
    expect(results[101]).toBe(5);
    expect(pipe.length).toBe(0);
  });

  test("errors stand at their position (raiseOnError: false) or are thrown annotated", async () => {
    await rc.set("perr:str", "x");
    const results = await rc.pipeline().incr("perr:n").lpush("perr:str", "a").get("perr:str").execute({ raiseOnError: false });
    expect(results[0]).toBe(1);
    expect(results[1]).toBeInstanceOf(ResponseError);
    expect((results[1] as Error).message).toMatch(/^Command # 2 \(LPUSH perr:str a\) of pipeline caused error: WRONGTYPE/);
    expect(results[2]).toBe("x");
    await expect(rc.pipeline().lpush("perr:str", "a").execute()).rejects.toThrow(/WRONGTYPE/);
  });

  test("transactions within one slot; a clear error across slots", async () => {
    const results = await rc.pipeline({ transaction: true }).set("{tx}:a", "1").incr("{tx}:a").get("{tx}:a").execute();
    expect(results).toEqual([true, 2, "2"]);
    await expect(rc.pipeline({ transaction: true }).set("tx:a", "1").set("tx:b", "1").execute()).rejects.toThrow(/CROSSSLOT.*one slot/);
    await expect(rc.pipeline({ transaction: true }).dbsize().execute()).rejects.toThrow(/several nodes/);
    expect(await rc.get("tx:a")).toBeNull();
  });

  test("WATCH on a slot and rc.transaction() with retries", async () => {
    await rc.set("{w}:balance", "10");
    const result = await rc.transaction(async (pipe) => {
      const balance = Number(await (pipe.get("{w}:balance") as unknown as Promise<string>));
      pipe.multi();
      pipe.set("{w}:balance", String(balance - 3));
    }, "{w}:balance");
    expect(result).toEqual([true]);
    expect(await rc.get("{w}:balance")).toBe("7");
    // A watched key changed by someone else: WatchError.
    const pipe = rc.pipeline({ transaction: true });
    await pipe.watch("{w}:balance");
    await rc.set("{w}:balance", "100");
    pipe.multi();
    pipe.set("{w}:balance", "0");
    await expect(pipe.execute()).rejects.toBeInstanceOf(WatchError);
    expect(await rc.get("{w}:balance")).toBe("100");
    const crossPipe = rc.pipeline({ transaction: true });
    await expect(crossPipe.watch("w:a", "w:b")).rejects.toBeInstanceOf(ClusterCrossSlotError);
    await crossPipe.reset();
  });
});

describe("cluster pub/sub", () => {
  test("SUBSCRIBE on one node hears PUBLISH from anywhere", async () => {
    const p = rc.pubsub();
    expect(p).toBeInstanceOf(ClusterPubSub);
    try {
      await p.subscribe("news");
      expect(await p.getMessage({ timeout: 2 })).toEqual({ type: "subscribe", pattern: null, channel: "news", data: 1 });
      const other = rc.getPrimaries().find((n) => n !== p.node)!;
      await other.redis.publish("news", "hello");
      expect(await p.getMessage({ timeout: 2 })).toEqual({ type: "message", pattern: null, channel: "news", data: "hello" });
    } finally {
      await p.close();
    }
  });

  test("SSUBSCRIBE on each slot's owner; messages from every shard in one stream", async () => {
    const channels = ["shard:a", "shard:b", "shard:c", "shard:d"];
    expect(new Set(channels.map((c) => rc.getNodeFromKey(c)!.name)).size).toBeGreaterThan(1);
    const p = rc.pubsub({ ignoreSubscribeMessages: true });
    const handled: string[] = [];
    try {
      await p.ssubscribe(...channels.slice(0, 3), { "shard:d": (m) => void handled.push(String(m.data)) });
      expect(p.shardChannels).toHaveLength(4);
      await new Promise((r) => setTimeout(r, 100));
      for (const channel of channels) expect(await rc.spublish(channel, `to-${channel}`)).toBe(1);
      const got: string[] = [];
      const deadline = Date.now() + 3000;
      while ((got.length < 3 || handled.length < 1) && Date.now() < deadline) {
        const m = await p.getMessage({ timeout: 0.5 });
        if (m) got.push(`${m.type}:${m.channel}:${m.data}`);
      }
      expect(got.sort()).toEqual(channels.slice(0, 3).map((c) => `smessage:${c}:to-${c}`));
      expect(handled).toEqual(["to-shard:d"]);
    } finally {
      await p.close();
    }
  });
});

describe("clean-up without ceremony", () => {
  test("a script using the cluster (and sharded pub/sub) that never closes it exits on its own", async () => {
    const entry = path.join(path.dirname(inject("distEntry")), "cluster", "index.js");
    const script = `
      import { RedisCluster } from ${JSON.stringify(entry)};
      const rc = new RedisCluster({ startupNodes: [{ host: "127.0.0.1", port: ${cluster.nodes[0]!.port} }], decodeResponses: true, readFromReplicas: true });
      await rc.mset({ "exit:a": "1", "exit:b": "2" });
      const p = rc.pubsub();
      await p.ssubscribe("exit:channel");
      await p.getMessage({ timeout: 0.1 });
      console.log((await rc.mget(["exit:a", "exit:b"])).join(","));
    `;
    const started = Date.now();
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ["--input-type=module", "-e", script], { timeout: 15_000, killSignal: "SIGKILL" }, (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
      );
    });
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe("1,2");
    expect(result.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
