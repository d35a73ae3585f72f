/**
 * Issue 14, "Arguments and reply shapes" (items 11, 12, 13, 15, 16, 17, 18, 19): each test pins
 * one redis-py behaviour, named in its title with the redis-py test or source it comes from
 * (redis-py's tests/test_commands.py and tests/test_asyncio/test_commands.py, redis/commands/core.py,
 * redis/asyncio/client.py), against real servers under RESP2 and RESP3.
 */
import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, expectTypeOf, test } from "vitest";
import { RedisCluster } from "../../src/cluster/index.js";
import { truncateText } from "../../src/commands/text.js";
import { DataError, Redis, ResponseError } from "../../src/index.js";
import { describeCommand } from "../../src/pipeline.js";
import { startCluster, type TestCluster } from "../harness/cluster.js";
import { useRedisServer } from "../harness/index.js";

const server = useRedisServer();

describe.each([2, 3] as const)("redis-py's arguments and reply shapes over RESP%i", (protocol) => {
  let r: Redis<string>;
  let rb: Redis<Buffer>;
  const k = (name: string) => `rp${protocol}:${name}`;

  beforeAll(() => {
    r = new Redis({ port: server().port, protocol, decodeResponses: true });
    rb = new Redis({ port: server().port, protocol });
  });
  afterAll(async () => {
    await r.close();
    await rb.close();
  });

  test("11: numeric strings are sent as given (redis-py sends lindex(name, '0'), extract_expire_flags takes ex='10', numkeys as given)", async () => {
    await r.rpush(k("l"), "a", "b", "c");
    expect(await r.lindex(k("l"), "0")).toBe("a");
    expect(await r.lindex(k("l"), "-1")).toBe("c");
    expect(await r.lrange(k("l"), "0", "1")).toEqual(["a", "b"]);
    expect(await r.set(k("s"), "v", { ex: "10" })).toBe(true);
    const ttl = await r.ttl(k("s"));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(10);
    expect(await r.set(k("s2"), "v", { px: "5000" })).toBe(true);
    expect(await r.pttl(k("s2"))).toBeGreaterThan(0);
    expect(await r.lmpop("1", k("l"), { direction: "LEFT" })).toEqual([k("l"), ["a"]]);
    expect(await r.blmpop(1, "1", k("l"), { direction: "RIGHT" })).toEqual([k("l"), ["c"]]);
    await r.zadd(k("z"), { m1: 1, m2: 2 });
    expect(await r.zmpop("1", [k("z")], { min: true })).toEqual([k("z"), [["m1", 1]]]);
    expect(await r.bzmpop(1, "1", [k("z")], { max: true })).toEqual([k("z"), [["m2", 2]]]);
    expect(await r.eval("return KEYS[1]", "1", k("x"))).toBe(k("x"));
    expect(await r.incrbyfloat(k("f"), "1.5" as never)).toBe(1.5);
    // The server judges the range of a number it was given as text, as it does redis-py's.
    await expect(r.lindex(k("l"), "99999999999999999999999")).rejects.toBeInstanceOf(ResponseError);
    // Still refused before sending: values that are no numbers at all (redis-py: int("abc") raises).
    for (const bad of ["abc", "", " 1", "1.5", "0x10", true, [], new Map()]) {
      await expect(r.lindex(k("l"), bad as never)).rejects.toThrow(/LINDEX: argument 'index' must be an integer/);
    }
    // (A trailing plain object is the keyword object: {} leaves 'index' missing.)
    await expect(r.lindex(k("l"), {} as never)).rejects.toThrow(/LINDEX missing required argument 'index'/);
    // Where redis-py checks isinstance(value, int) itself (client_pause, xread count...), a string is refused as there.
    await expect(r.clientPause("50" as never)).rejects.toThrow(/CLIENT PAUSE: argument 'timeout' must be an integer, got a string/);
    await expect(r.xread({ [k("st")]: "0" }, { count: "1" as never })).rejects.toThrow(/XREAD: argument 'count' must be an integer, got a string/);
    await expect(r.set(k("s"), "v", { ex: "ten" })).rejects.toThrow(/SET: argument 'ex' must be a finite number, got a string/);
    await expect(r.lmpop("one" as never, k("l"), { direction: "LEFT" })).rejects.toThrow(/LMPOP: argument 'numKeys' must be an integer/);
    await expect(r.lmpop("2", k("l"), { direction: "LEFT" })).rejects.toThrow(/LMPOP: 'numkeys' must equal the number of keys given \(1\)/);
    // The public types say so too.
    expectTypeOf(r.lindex).parameter(1).toEqualTypeOf<number | string>();
    expectTypeOf<Parameters<typeof r.zmpop>[0]>().toEqualTypeOf<number | string>();
  });

  test("12: mget([]) is [] without a round trip (redis-py's EMPTY_RESPONSE), also at its index in a pipeline and a transaction", async () => {
    expect(await r.mget([])).toEqual([]);
    expect(await rb.mget([])).toEqual([]);
    // No round trip: it resolves on a client whose server is unreachable.
    const offline = new Redis({ port: 1, protocol, retry: null, socketConnectTimeout: 0.2 });
    try {
      expect(await offline.mget([])).toEqual([]);
      expect(await offline.pipeline({ transaction: false }).mget([]).mget([]).execute()).toEqual([[], []]);
    } finally {
      await offline.close();
    }
    await r.set(k("m"), "1");
    // A pipeline leaves it out of what it sends and puts [] at its position (redis-py's _execute_pipeline parse_response).
    expect(
      await r
        .pipeline({ transaction: false })
        .get(k("m"))
        .mget([])
        .mget([k("m")])
        .execute(),
    ).toEqual(["1", [], ["1"]]);
    // A transaction leaves it out of MULTI/EXEC and inserts the value at its index (redis-py's _execute_transaction).
    expect(await r.pipeline().mget([]).incr(k("m")).mget([]).get(k("m")).execute()).toEqual([[], 2, [], "2"]);
    // A transaction of nothing else still runs MULTI/EXEC, and an error's position counts the empty command.
    const results = await r.pipeline().mget([]).lpush(k("m"), "x").execute({ raiseOnError: false });
    expect(results[0]).toEqual([]);
    expect(results[1]).toBeInstanceOf(ResponseError);
    expect((results[1] as Error).message).toMatch(/^Command # 2 \(LPUSH rp\d:m x\) of pipeline caused error: WRONGTYPE/);
    // While watching, commands run at once: the same value.
    await r.transaction(async (pipe) => {
      expect(await pipe.mget([])).toEqual([]);
      pipe.multi();
      pipe.mget([]);
    }, k("m"));
    // MGET with keys is unchanged; no keys at all is still a missing argument.
    expect(await r.mget(k("m"), k("nope"))).toEqual(["2", null]);
    await expect((r.mget as () => Promise<unknown>)()).rejects.toThrow(/MGET missing required argument 'keys'/);
  });

  test("13: the server judges ZREM without members, BITCOUNT/BITPOS modes, a fractional XPENDING idle, REPLICAOF words (redis-py test_zrem, test_bitcount_mode, test_bitpos_mode, test_xpending_range_negative, test_replicaof)", async () => {
    await r.zadd(k("z13"), { a: 1 });
    await expect(r.zrem(k("z13"))).rejects.toThrow(ResponseError);
    await expect(r.zrem(k("z13"))).rejects.toThrow(/wrong number of arguments/);
    await r.set(k("b"), "foobar");
    expect(await r.bitcount(k("b"), 5, 30, "bit")).toBe(17);
    await expect(r.bitcount(k("b"), 5, 30, "but" as never)).rejects.toBeInstanceOf(ResponseError);
    await expect(r.bitpos(k("b"), 1, 7, 15, "bite" as never)).rejects.toBeInstanceOf(ResponseError);
    await r.xadd(k("x"), { foo: "bar" });
    await r.xgroupCreate(k("x"), "g", 0);
    await r.xreadgroup("g", "c1", { [k("x")]: ">" });
    await expect(r.xpendingRange(k("x"), "g", "-", "+", 5, { idle: 1.5 })).rejects.toBeInstanceOf(ResponseError);
    expect(await r.xpendingRange(k("x"), "g", "-", "+", 5, { idle: 1000000 })).toEqual([]);
    // redis-py's own checks stay client-side: idle=-1 is a DataError there too.
    await expect(r.xpendingRange(k("x"), "g", "-", "+", 5, { idle: -1 })).rejects.toBeInstanceOf(DataError);
    // REPLICAOF "NO ONE" as one word: the server refuses it (so the server's replication does not change).
    await expect(r.replicaof("NO ONE")).rejects.toBeInstanceOf(ResponseError);
    // In a pipeline the server's error is annotated with the command's position.
    const results = await r
      .pipeline({ transaction: false })
      .ping()
      .zrem(k("z13"))
      .bitcount(k("b"), 0, 1, "word" as never)
      .execute({ raiseOnError: false });
    expect(results[0]).toBe(true);
    expect((results[1] as Error).message).toMatch(/^Command # 2 \(ZREM rp\d:z13\) of pipeline caused error: .*wrong number of arguments/);
    expect(results[2]).toBeInstanceOf(ResponseError);
    expect((results[2] as Error).message).toMatch(/^Command # 3 \(BITCOUNT rp\d:b 0 1 word\) of pipeline caused error: ERR syntax error/);
  });

  test("15: LCS IDX in redis-py's default shape (test_lcs: [b'matches', [[[4, 7], [5, 8]]], b'len', 6]); COMMAND GETKEYS decoded like other replies; encodingErrors 'ignore' drops invalid bytes", async () => {
    await r.mset({ [k("foo")]: "ohmytext", [k("bar")]: "mynewtext" });
    expect(await r.lcs(k("foo"), k("bar"))).toBe("mytext");
    expect(await r.lcs(k("foo"), k("bar"), { len: true })).toBe(6);
    expect(await r.lcs(k("foo"), k("bar"), { idx: true, minmatchlen: 3 })).toEqual([
      "matches",
      [
        [
          [4, 7],
          [5, 8],
        ],
      ],
      "len",
      6,
    ]);
    expect(await rb.lcs(k("foo"), k("bar"), { idx: true, minmatchlen: 3 })).toEqual([
      Buffer.from("matches"),
      [
        [
          [4, 7],
          [5, 8],
        ],
      ],
      Buffer.from("len"),
      6,
    ]);
    await expect(r.lcs(k("foo"), k("bar"), { len: true, idx: true })).rejects.toBeInstanceOf(ResponseError);
    // The same shape inside a pipeline.
    expect(await r.pipeline().lcs(k("foo"), k("bar"), { idx: true, minmatchlen: 3 }).execute()).toEqual([
      [
        "matches",
        [
          [
            [4, 7],
            [5, 8],
          ],
        ],
        "len",
        6,
      ],
    ]);

    expect(await r.commandGetkeys("MSET", "a", "1", "b", "2")).toEqual(["a", "b"]);
    expect(await rb.commandGetkeys("MSET", "a", "1", "b", "2")).toEqual([Buffer.from("a"), Buffer.from("b")]);

    const ignore = new Redis({ port: server().port, protocol, decodeResponses: true, encodingErrors: "ignore" });
    const replace = new Redis({ port: server().port, protocol, decodeResponses: true, encodingErrors: "replace" });
    try {
      await rb.set(k("bad"), Buffer.from([0x61, 0xff, 0x62, 0xc3]));
      // Python: b"a\xffb\xc3".decode("utf-8", "ignore") == "ab"; "replace" gives "a\ufffdb\ufffd".
      expect(await ignore.get(k("bad"))).toBe("ab");
      expect(await replace.get(k("bad"))).toBe("a\ufffdb\ufffd");
    } finally {
      await ignore.close();
      await replace.close();
    }
  });

  test("16: xread/xreadgroup take redis-py's streams keyword (xreadgroup(group, consumer, streams={stream: '>'}, count=1)); a wrong mapping names what was expected", async () => {
    const s = k("st");
    await r.xadd(s, { foo: "bar" }, { id: "1-0" });
    await r.xadd(s, { foo: "baz" }, { id: "2-0" });
    const positional = await r.xread({ [s]: "0" }, { count: 1 });
    expect(await r.xread({ streams: { [s]: "0" }, count: 1 })).toEqual(positional);
    expect(await r.xread({ streams: new Map([[s, "0"]]) })).toEqual(await r.xread({ [s]: "0" }));
    await r.xgroupCreate(s, "grp", 0);
    const read = await r.xreadgroup("grp", "c1", { streams: { [s]: ">" }, count: 1, noack: false });
    expect(read).toEqual(positional);
    // In a pipeline too.
    expect(
      await r
        .pipeline()
        .xread({ streams: { [s]: "1-0" } })
        .execute(),
    ).toEqual([await r.xread({ [s]: "1-0" })]);
    // Neither a mapping of IDs nor keyword arguments: the message says what was expected.
    await expect(r.xread({ [s]: { nested: true } } as never)).rejects.toThrow(
      /XREAD: argument 'streams' must be a mapping of strings, Buffers or numbers \(or the object of keyword arguments: streams, count, block\), got an object that is neither/,
    );
    await expect(r.hset(k("h16"), { f: [1] } as never)).rejects.toThrow(
      /HSET: argument 'mapping' must be a mapping of strings, Buffers or numbers \(or the object of keyword arguments: name, key, value, mapping, items\)/,
    );
    await expect(r.xread({ streams: { [s]: {} } } as never)).rejects.toThrow(
      /XREAD: argument 'streams' must be a mapping of stream names to IDs, got an object/,
    );
    // The rule cuts both ways: an object of plain values is the mapping, so { count: 1 } reads a stream named "count".
    expect(await r.xread({ count: 1 })).toEqual([]);
    expectTypeOf(r.xread).toBeCallableWith({ streams: { a: "0" }, count: 1 });
    expectTypeOf(r.xreadgroup).toBeCallableWith("g", "c", { streams: { a: ">" }, noack: true });
  });

  test("17: pipeline errors shorten the space-joined command to 100 characters as redis-py's truncate_text (textwrap.shorten); secret arguments stay out", async () => {
    const long = "v".repeat(30);
    const key = k("wrongtype");
    await r.set(key, "x");
    const results = await r
      .pipeline({ transaction: false })
      .lpush(key, long, long, long, long, long)
      .lpush(key, "a".repeat(150))
      .execute({ raiseOnError: false });
    const cmd = `LPUSH ${key} ${Array(5).fill(long).join(" ")}`;
    // textwrap.shorten: whole words that fit in 100 characters with "...", here "LPUSH key v*30 v*30" + "...".
    const shown = truncateText(cmd);
    expect(shown).toBe(`LPUSH ${key} ${long} ${long}...`);
    expect((results[0] as Error).message.startsWith(`Command # 1 (${shown}) of pipeline caused error: WRONGTYPE`)).toBe(true);
    // A word longer than the whole width is broken and then dropped for the placeholder, as Python does.
    expect((results[1] as Error).message).toMatch(new RegExp(`^Command # 2 \\(LPUSH ${key}\\.\\.\\.\\) of pipeline caused error: WRONGTYPE`));
    // Short commands are shown whole, whitespace runs collapse, Buffers are decoded.
    expect(describeCommand(["SET", "a  b", Buffer.from("c")])).toBe("SET a b c");
    expect(truncateText("x".repeat(100))).toBe("x".repeat(100));
    expect(truncateText("well-known ".repeat(12))).toBe(`${"well-known ".repeat(8)}well-...`);
    // Deliberately unlike redis-py: secret commands never show their arguments.
    expect(describeCommand(["CONFIG", "SET", "requirepass", "hunter2"])).toBe("CONFIG SET ...");
    expect(describeCommand(["AUTH", "user", "hunter2"])).toBe("AUTH ...");
    // A huge command is described without joining all of it.
    expect(describeCommand(["MSET", ...Array(200_000).fill("k")])).toMatch(/^MSET k k .*\.\.\.$/);
  });

  test("18: del is delete (Node habit); hset(name, { field: value }) takes a plain object as the mapping; one rule for plain objects at mapping positions", async () => {
    await r.mset({ [k("d1")]: "1", [k("d2")]: "2", [k("d3")]: "3" });
    expect(await r.del(k("d1"), k("d2"))).toBe(2);
    expect(await r.del([k("d3")])).toBe(1);
    expect(await r.pipeline().set(k("d1"), "1").del(k("d1")).execute()).toEqual([true, 1]);
    await expect(r.del()).rejects.toThrow(/DEL needs at least one key/);

    const h = k("h");
    expect(await r.hset(h, { f1: "v1", f2: 2 })).toBe(2);
    expect(await r.hgetall(h)).toEqual({ f1: "v1", f2: "2" });
    expect(await r.hset(h, new Map([["f3", "v3"]]))).toBe(1);
    // redis-py's keyword forms stay: an object holding a mapping or a list is the keyword object.
    expect(await r.hset(h, { mapping: { f4: "v4" }, items: ["f5", "v5"] })).toBe(2);
    expect(await r.hset(h, "f6", "v6", { mapping: { f7: "v7" } })).toBe(2);
    // Positionally at the mapping's own place, a plain object of values is the mapping too.
    expect(await r.hset(h, null as never, null as never, { f8: "v8" })).toBe(1);
    // The rule: an object whose values are all strings, Buffers or numbers is a mapping, so
    // { key, value } sets the fields named "key" and "value", never HSET h f v.
    const amb = k("ambiguous");
    expect(await r.hset(amb, { key: "f", value: "v" })).toBe(2);
    expect(await r.hgetall(amb)).toEqual({ key: "f", value: "v" });
    expect(await r.hexists(amb, "f")).toBe(false);
    // A mapping given twice is refused.
    await expect(r.hset(h, { f: "v" } as never, { mapping: { g: "w" } } as never)).rejects.toThrow(/HSET got multiple values for argument 'mapping'/);
    // The same in a pipeline.
    expect(await r.pipeline().hset(h, { f9: "v9" }).hget(h, "f9").execute()).toEqual([1, "v9"]);
  });

  test("19: SELECT: redis-py (asyncio too) has select(); here it is refused on the shared connection by design, and runs on a connection of one's own", async () => {
    const coverage = fs.readFileSync(new URL("../commands/coverage.test.ts", import.meta.url), "utf8");
    expect(coverage).not.toMatch(/has no select\(\)/);
    expect(coverage).toMatch(/SELECT:\s*\n?\s*["']design choice: redis-py \(asyncio too\) has select\(\)/);
    await expect(r.executeCommand("SELECT", 1)).rejects.toThrow(
      /SELECT changes the state of its connection, which this client shares: use redis.client\(\) for it/,
    );
    const own = r.client();
    try {
      expect(await own.executeCommand("SELECT", 1)).toBe("OK");
      await own.set(k("db1"), "here");
      expect(await r.get(k("db1"))).toBeNull();
      expect(await own.get(k("db1"))).toBe("here");
      await own.delete(k("db1"));
    } finally {
      await own.close();
    }
  });
});

describe.each([2, 3] as const)("redis-py's EMPTY_RESPONSE on a cluster over RESP%i", (protocol) => {
  let cluster: TestCluster;
  let rc: RedisCluster<string>;
  beforeAll(async () => {
    cluster = await startCluster({ primaries: 3, replicasPerPrimary: 0 });
    rc = new RedisCluster({ startupNodes: [cluster.startupNodes[0]!], decodeResponses: true, protocol });
  }, 120_000);
  afterAll(async () => {
    await rc?.close();
    await cluster?.stop();
  });

  test("12: mget([]) on RedisCluster, its pipeline and its transaction (redis-py's asyncio ClusterPipeline skips EMPTY_RESPONSE commands)", async () => {
    expect(await rc.mget([])).toEqual([]);
    await rc.set("{t}a", "1");
    expect(await rc.pipeline().mget([]).get("{t}a").mget([]).execute()).toEqual([[], "1", []]);
    expect(await rc.pipeline({ transaction: true }).mget([]).incr("{t}a").mget([]).execute()).toEqual([[], 2, []]);
    expect(await rc.pipeline().mget([]).execute()).toEqual([[]]);
  });
});
