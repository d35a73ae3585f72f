/**
 * aioredis/compat: the `Redis` commands with v1's signatures and reply shapes (reference
 * section 3.1), including the quirks v1 code relies on.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as aioredis from "../../compat/index.js";
import { useRedisServer } from "../harness/index.js";

const server = useRedisServer({ args: ["--enable-debug-command", "yes"] });

/** Every method of reference section 3.1 (plus the connection and transaction ones), camelCased. */
const V1_METHODS = {
  generic:
    "delete dump exists expire expireat keys migrate migrateKeys move objectRefcount objectEncoding objectIdletime persist pexpire pexpireat pttl ttl randomkey rename renamenx restore scan iscan sort touch type unlink wait",
  string:
    "append bitcount bitfield bitopAnd bitopOr bitopXor bitopNot bitpos decr decrby get getbit getrange getset incr incrby incrbyfloat mget mset msetnx psetex set setbit setex setnx setrange strlen",
  hash: "hdel hexists hget hgetall hincrby hincrbyfloat hkeys hvals hlen hstrlen hmget hmset hmsetDict hset hsetnx hscan ihscan",
  list: "blpop brpop brpoplpush lindex linsert llen lpush rpush lpushx rpushx lpop rpop lrange lrem lset ltrim rpoplpush",
  set: "sadd srem scard sdiff sinter sunion sdiffstore sinterstore sunionstore sismember smembers smove spop srandmember sscan isscan",
  sortedSet:
    "zadd zcard zcount zincrby zinterstore zunionstore zlexcount zrange zrangebylex zrangebyscore zrank zrevrank zrem zremrangebylex zremrangebyrank zremrangebyscore zrevrange zrevrangebylex zrevrangebyscore zscore zscan izscan zpopmin zpopmax bzpopmin bzpopmax",
  hyperloglog: "pfadd pfcount pfmerge",
  scripting: "eval evalsha scriptExists scriptFlush scriptKill scriptLoad",
  server:
    "bgrewriteaof bgsave clientKill clientReply clientList clientGetname clientPause clientSetname command commandCount commandGetkeys commandInfo configGet configSet configRewrite configResetstat dbsize debugObject debugSleep debugSegfault flushall flushdb info lastsave monitor role save shutdown slaveof slowlogGet slowlogLen slowlogReset sync time",
  connection: "auth echo ping quit select swapdb",
  pubsub: "publish publishJson subscribe psubscribe unsubscribe punsubscribe pubsubChannels pubsubNumsub pubsubNumpat",
  cluster:
    "clusterAddSlots clusterDelSlots clusterCountFailureReports clusterCountKeyInSlots clusterForget clusterGetKeysInSlots clusterKeyslot clusterMeet clusterReplicate clusterReset clusterSaveConfig clusterSetConfigEpoch clusterFailover clusterInfo clusterNodes clusterSetslot clusterSlaves clusterSlots",
  geo: "geoadd geohash geopos geodist georadius georadiusbymember",
  streams:
    "xadd xrange xrevrange xread xreadGroup xgroupCreate xgroupSetid xgroupDestroy xgroupDelconsumer xpending xclaim xack xdel xtrim xlen xinfo xinfoStream xinfoGroups xinfoConsumers xinfoHelp",
  transactions: "multiExec pipeline watch unwatch",
  core: "execute close waitClosed acquire",
};

test("the whole v1 method set is there", () => {
  const names = Object.values(V1_METHODS).flatMap((s) => s.split(" "));
  expect(names.length).toBe(241);
  const missing = names.filter((n) => typeof (aioredis.Redis.prototype as unknown as Record<string, unknown>)[n] !== "function");
  expect(missing).toEqual([]);
});

test("option constants on the class and on instances", async () => {
  expect(aioredis.Redis.SET_IF_NOT_EXIST).toBe("SET_IF_NOT_EXIST");
  expect(aioredis.Redis.ZSET_EXCLUDE_BOTH).toBe("ZSET_EXCLUDE_BOTH");
  expect(aioredis.Redis.SHUTDOWN_NOSAVE).toBe("SHUTDOWN_NOSAVE");
  const redis = await aioredis.createRedis(["127.0.0.1", server().port]);
  expect(redis.SET_IF_EXIST).toBe(aioredis.Redis.SET_IF_EXIST);
  expect(redis.ZSET_AGGREGATE_MAX).toBe("ZSET_AGGREGATE_MAX");
  expect(redis.ZSET_IF_NOT_EXIST).toBe("ZSET_IF_NOT_EXIST");
  redis.close();
  await redis.waitClosed();
});

let r: aioredis.Redis<string>;
let rb: aioredis.Redis<Buffer>;

beforeAll(async () => {
  r = await aioredis.createRedisPool(["127.0.0.1", server().port], { encoding: "utf-8" });
  rb = await aioredis.createRedis(["127.0.0.1", server().port]);
});

afterAll(async () => {
  r.close();
  rb.close();
  await Promise.all([r.waitClosed(), rb.waitClosed()]);
});

describe("connection commands", () => {
  test("ping gives PONG (not true), echo echoes", async () => {
    expect(await rb.ping()).toEqual(Buffer.from("PONG"));
    expect(await r.ping()).toBe("PONG");
    expect(await r.ping("hello")).toBe("hello");
    expect(await rb.ping({ encoding: "utf-8" })).toBe("PONG");
    expect(await rb.echo("héllo", { encoding: "utf-8" })).toBe("héllo");
    expect(await r.echo(Buffer.from([0xff]), { encoding: null })).toEqual(Buffer.from([0xff]));
  });

  test("swapdb, and commands are sent when called, not when awaited", async () => {
    expect(await r.swapdb(7, 8)).toBe(true);
    expect(() => r.swapdb(-1, 2)).toThrow(RangeError);
    const key = "cmd:eager";
    await r.delete(key);
    void r.incr(key); // never awaited: still runs
    await new Promise((res) => setTimeout(res, 30));
    expect(await r.get(key)).toBe("1");
  });
});

describe("generic", () => {
  test("delete, exists, type, keys, rename", async () => {
    await r.mset("g:a", "1", "g:b", "2");
    expect(await r.exists("g:a", "g:b", "g:none")).toBe(2);
    expect(await r.type("g:a")).toBe("string");
    expect(await rb.type("g:none")).toEqual(Buffer.from("none"));
    expect((await r.keys("g:*")).sort()).toEqual(["g:a", "g:b"]);
    expect(await r.rename("g:a", "g:c")).toBe(true);
    expect(() => r.rename("g:c", "g:c")).toThrow(RangeError);
    expect(await r.renamenx("g:c", "g:b")).toBe(false);
    expect(await r.delete("g:b", "g:c", "g:none")).toBe(2);
  });

  test("expire with a float goes as PEXPIRE; ttl and pttl; persist", async () => {
    await r.set("g:t", "v");
    expect(await r.expire("g:t", 100)).toBe(true);
    expect(await r.ttl("g:t")).toBeGreaterThan(90);
    expect(await r.expire("g:t", 1.5)).toBe(true);
    const pttl = await r.pttl("g:t");
    expect(pttl).toBeGreaterThan(1000);
    expect(pttl).toBeLessThanOrEqual(1500);
    expect(await r.persist("g:t")).toBe(true);
    expect(await r.ttl("g:t")).toBe(-1);
    expect(await r.ttl("g:none")).toBe(-2);
    expect(await r.expire("g:none", 10)).toBe(false);
    expect(await r.expireat("g:t", Math.floor(Date.now() / 1000) + 100)).toBe(true);
    expect(await r.pexpireat("g:t", Date.now() + 100_000)).toBe(true);
    expect(() => r.pexpire("g:t", 1.5)).toThrow(TypeError);
  });

  test("scan gives an integer cursor; iscan iterates everything", async () => {
    const keys = Array.from({ length: 30 }, (_, i) => `g:scan:${i}`);
    await r.mset(...keys.flatMap((k) => [k, "x"]));
    const [cursor, batch] = await r.scan(0, { match: "g:scan:*", count: 5 });
    expect(typeof cursor).toBe("number");
    expect(Array.isArray(batch)).toBe(true);
    const seen: string[] = [];
    for await (const key of r.iscan({ match: "g:scan:*", count: 7 })) seen.push(key);
    expect(seen.sort()).toEqual([...keys].sort());
    let cur: number | string = "0";
    const viaLoop = new Set<string>();
    do {
      const [next, items] = await r.scan(cur, "g:scan:*");
      items.forEach((k) => viaLoop.add(k));
      cur = next;
    } while (cur);
    expect(viaLoop.size).toBe(30);
  });

  test("sort with get patterns, offset/count and asc", async () => {
    await r.delete("g:sort");
    await r.rpush("g:sort", 3, 1, 2);
    await r.mset("w_1", "one", "w_2", "two", "w_3", "three");
    expect(await r.sort("g:sort")).toEqual(["1", "2", "3"]);
    expect(await r.sort("g:sort", { asc: false })).toEqual(["3", "2", "1"]);
    expect(await r.sort("g:sort", "w_*", { offset: 0, count: 2 })).toEqual(["one", "two"]);
    expect(await r.sort("g:sort", { store: "g:sorted" })).toBe(3);
  });

  test("dump/restore, object, move, touch, unlink, randomkey", async () => {
    await r.set("g:d", "value");
    // decoded with the client's encoding, as v1 did: binary data fails as v1's UnicodeDecodeError did
    await expect(r.dump("g:d")).rejects.toThrow(RangeError);
    expect(Buffer.isBuffer(await r.execute("dump", "g:d", { encoding: null }))).toBe(true);
    const raw = (await rb.dump("g:d"))!;
    expect(Buffer.isBuffer(raw)).toBe(true);
    await r.delete("g:r");
    expect(await rb.restore("g:r", 0, raw)).toEqual(Buffer.from("OK"));
    expect(await r.get("g:r")).toBe("value");
    expect(await r.objectEncoding("g:r")).toBe("embstr");
    expect(await rb.objectEncoding("g:r")).toBe("embstr");
    expect(await r.objectRefcount("g:r")).toBe(1);
    expect(typeof (await r.objectIdletime("g:r"))).toBe("number");
    expect(await r.touch("g:r", "g:none")).toBe(1);
    expect(await r.move("g:r", 9)).toBe(true);
    expect(() => r.move("g:r", -1)).toThrow(RangeError);
    expect(await r.unlink("g:d")).toBe(1);
    expect(typeof (await r.randomkey())).toBe("string");
    expect(await r.wait(0, 10)).toBe(0);
  });
});

describe("strings", () => {
  test("set NX/XX gives false when not set (not null); expire and pexpire", async () => {
    await r.delete("s:k");
    expect(await r.set("s:k", "v", { exist: r.SET_IF_NOT_EXIST })).toBe(true);
    expect(await r.set("s:k", "v2", { exist: r.SET_IF_NOT_EXIST })).toBe(false);
    expect(await r.set("s:none", "v", { exist: aioredis.Redis.SET_IF_EXIST })).toBe(false);
    expect(await r.set("s:k", "v3", { expire: 10 })).toBe(true);
    expect(await r.ttl("s:k")).toBeGreaterThan(5);
    expect(await r.set("s:k", "v4", { expire: 10, pexpire: 50_000 })).toBe(true);
    expect(await r.ttl("s:k")).toBeGreaterThan(40); // PX wins
    expect(() => r.set("s:k", "v", { expire: 1.5 })).toThrow(TypeError);
    expect(() => r.set("s:k", "v", { ex: 1 } as object)).toThrow(/unexpected keyword argument 'ex'/);
  });

  test("get with per-call encoding; mget; getset; getrange", async () => {
    await rb.set("s:e", "é");
    expect(await rb.get("s:e")).toEqual(Buffer.from("é"));
    expect(await rb.get("s:e", { encoding: "utf-8" })).toBe("é");
    expect(await r.get("s:e", { encoding: null })).toEqual(Buffer.from("é"));
    expect(await r.get("s:none")).toBeNull();
    expect(await r.mget("s:e", "s:none")).toEqual(["é", null]);
    expect(await rb.mget("s:e", "s:none", { encoding: "utf-8" })).toEqual(["é", null]);
    expect(await r.getset("s:e", "new")).toBe("é");
    expect(await r.getrange("s:e", 0, 1)).toBe("ne");
    await rb.set("s:bin", Buffer.from([0xff, 0xfe]));
    await expect(rb.get("s:bin", { encoding: "utf-8" })).rejects.toThrow(RangeError);
  });

  test("counters: incrby needs an integer, incrbyfloat gives a number", async () => {
    await r.delete("s:n");
    expect(await r.incr("s:n")).toBe(1);
    expect(await r.incrby("s:n", 5)).toBe(6);
    expect(await r.decr("s:n")).toBe(5);
    expect(await r.decrby("s:n", 2)).toBe(3);
    expect(await r.incrbyfloat("s:n", 0.5)).toBe(3.5);
    expect(() => r.incrby("s:n", 1.5)).toThrow(TypeError);
    expect(() => r.decrby("s:n", 1.5)).toThrow(TypeError);
  });

  test("mset from pairs or an object; msetnx gives 0/1; setnx a boolean; setex with a float", async () => {
    expect(await r.mset({ "s:m1": "a", "s:m2": "b" })).toBe(true);
    expect(await r.mset("s:m3", "c", "s:m4", "d")).toBe(true);
    expect(() => r.mset("s:m5")).toThrow(TypeError);
    expect(() => r.mset("a", "b", "c")).toThrow(TypeError);
    expect(await r.msetnx("s:m1", "x", "s:m9", "y")).toBe(0);
    await r.delete("s:m8", "s:m9");
    expect(await r.msetnx("s:m8", "x", "s:m9", "y")).toBe(1);
    expect(await r.setnx("s:m1", "z")).toBe(false);
    expect(await r.setex("s:ex", 10, "v")).toBe(true);
    expect(await r.setex("s:ex", 2.5, "v")).toBe(true);
    expect(await r.pttl("s:ex")).toBeLessThanOrEqual(2500);
    expect(await r.psetex("s:ex", 5000, "v")).toBe(true);
    expect(await r.append("s:ex", "w")).toBe(2);
    expect(await r.strlen("s:ex")).toBe(2);
    expect(await r.setrange("s:ex", 1, "xyz")).toBe(4);
  });

  test("bits", async () => {
    await r.delete("s:bits", "s:dest");
    expect(await r.setbit("s:bits", 7, 1)).toBe(0);
    expect(await r.getbit("s:bits", 7)).toBe(1);
    expect(await r.bitcount("s:bits")).toBe(1);
    expect(await r.bitcount("s:bits", 0, 0)).toBe(1);
    expect(() => r.bitcount("s:bits", 0)).toThrow(TypeError);
    expect(await r.bitpos("s:bits", 1)).toBe(7);
    expect(await r.bitpos("s:bits", 1, null, 0)).toBe(7); // end alone: [0, end]
    expect(() => r.bitpos("s:bits", 2 as 1)).toThrow(RangeError);
    expect(await r.bitopAnd("s:dest", "s:bits", "s:bits")).toBe(1);
    expect(await r.bitopOr("s:dest", "s:bits")).toBe(1);
    expect(await r.bitopXor("s:dest", "s:bits")).toBe(1);
    expect(await r.bitopNot("s:dest", "s:bits")).toBe(1);
  });

  test("bitfield(key): the v2 builder, run on this client (aioredis 1.x raised NotImplementedError)", async () => {
    const ops = r.bitfield("s:bf");
    const replies = await ops.set("u8", 0, 200).incrby("u8", 0, 100, "SAT").get("u8", 0).execute();
    expect(replies).toEqual([0, 255, 255]);
    expect(await r.bitfield("s:bf").incrby("u8", 0, 1).execute()).toEqual([0]); // WRAP by default
    expect(() => r.bitfield("s:bf").overflow("NOPE" as "SAT")).toThrow(/OVERFLOW|overflow/);
  });
});

describe("hashes", () => {
  test("hgetall is an object ({} when missing); hmsetDict merges; hsetnx gives 0/1", async () => {
    await r.delete("h:1");
    expect(await r.hgetall("h:none")).toEqual({});
    expect(await r.hmsetDict("h:1", { a: 1, b: "two" }, { c: 3, b: "kw wins" })).toBe(true);
    expect(await r.hgetall("h:1")).toEqual({ a: "1", b: "kw wins", c: "3" });
    expect(await rb.hgetall("h:1")).toEqual({ a: Buffer.from("1"), b: Buffer.from("kw wins"), c: Buffer.from("3") });
    expect(await rb.hgetall("h:1", { encoding: "utf-8" })).toEqual({ a: "1", b: "kw wins", c: "3" });
    expect(() => r.hmsetDict("h:1")).toThrow(TypeError);
    expect(() => r.hmsetDict("h:1", {})).toThrow(RangeError);
    expect(() => r.hmsetDict("h:1", {}, {}, {})).toThrow(TypeError);
    expect(await r.hmset("h:1", "d", 4, "e", 5)).toBe(true);
    expect(() => r.hmset("h:1", "d", 4, "e")).toThrow(TypeError);
    expect(await r.hset("h:1", "f", "6")).toBe(1);
    expect(await r.hset("h:1", "f", "7")).toBe(0);
    expect(await r.hsetnx("h:1", "f", "8")).toBe(0);
    expect(await r.hexists("h:1", "f")).toBe(true);
    expect(await r.hget("h:1", "f")).toBe("7");
    expect(await r.hmget("h:1", "a", "zz")).toEqual(["1", null]);
    expect(await r.hlen("h:1")).toBe(6);
    expect(await r.hstrlen("h:1", "b")).toBe(7);
    expect((await r.hkeys("h:1")).sort()).toEqual(["a", "b", "c", "d", "e", "f"]);
    expect((await r.hvals("h:1")).length).toBe(6);
    expect(await r.hdel("h:1", "d", "e")).toBe(2);
  });

  test("hincrby takes increment by keyword; hincrbyfloat gives a number", async () => {
    await r.delete("h:n");
    expect(await r.hincrby("h:n", "x")).toBe(1);
    expect(await r.hincrby("h:n", "x", { increment: 2 })).toBe(3);
    expect(await r.hincrby("h:n", "x", -1)).toBe(2);
    expect(await r.hincrbyfloat("h:n", "y", 1.25)).toBe(1.25);
    expect(await r.hincrbyfloat("h:n", "y")).toBe(2.25);
  });

  test("hscan gives a list of pairs; ihscan iterates pairs", async () => {
    await r.delete("h:s");
    await r.hmsetDict("h:s", { a: "1", b: "2" });
    const [cursor, pairs] = await r.hscan("h:s");
    expect(cursor).toBe(0);
    expect(pairs.sort()).toEqual([
      ["a", "1"],
      ["b", "2"],
    ]);
    const seen: [string, string][] = [];
    for await (const pair of r.ihscan("h:s", { match: "*" })) seen.push(pair);
    expect(seen.sort()).toEqual([
      ["a", "1"],
      ["b", "2"],
    ]);
  });
});

describe("lists", () => {
  test("blpop takes keys as rest arguments and timeout by keyword; gives an array or null", async () => {
    await r.delete("l:a", "l:b");
    await r.rpush("l:b", "x");
    expect(await r.blpop("l:a", "l:b", { timeout: 1 })).toEqual(["l:b", "x"]);
    expect(await r.brpop("l:a", { timeout: 1 })).toBeNull();
    expect(() => r.blpop("l:a", { timeout: 1.5 })).toThrow(TypeError);
    expect(() => r.blpop("l:a", { timeout: -1 })).toThrow(RangeError);
    await r.rpush("l:a", "y");
    expect(await r.brpoplpush("l:a", "l:b", 1)).toBe("y");
    expect(await rb.brpoplpush("l:none", "l:b", 1)).toBeNull();
  });

  test("linsert after by default; lset gives the raw OK; ltrim true", async () => {
    await r.delete("l:c");
    await r.rpush("l:c", "a", "c");
    expect(await r.linsert("l:c", "a", "b")).toBe(3);
    expect(await r.linsert("l:c", "a", "0", true)).toBe(4);
    expect(await r.lrange("l:c", 0, -1)).toEqual(["0", "a", "b", "c"]);
    expect(await r.lset("l:c", 0, "z")).toBe("OK");
    expect(await rb.lset("l:c", 0, "z")).toEqual(Buffer.from("OK"));
    expect(await r.ltrim("l:c", 0, 2)).toBe(true);
    expect(await r.llen("l:c")).toBe(3);
    expect(await r.lindex("l:c", 1)).toBe("a");
    expect(await r.lrem("l:c", 0, "a")).toBe(1);
    expect(await r.lpush("l:c", "p")).toBe(3);
    expect(await r.lpushx("l:none", "p")).toBe(0);
    expect(await r.rpushx("l:c", "q")).toBe(4);
    expect(await r.lpop("l:c")).toBe("p");
    expect(await r.rpop("l:c", { encoding: null })).toEqual(Buffer.from("q"));
    expect(await r.rpoplpush("l:c", "l:d")).toBe("b");
  });
});

describe("sets", () => {
  test("smembers, sdiff, sinter, sunion are arrays; sismember and smove give 0/1", async () => {
    await r.delete("t:a", "t:b");
    expect(await r.sadd("t:a", "1", "2", "3")).toBe(3);
    await r.sadd("t:b", "2", "3", "4");
    const members = await r.smembers("t:a");
    expect(Array.isArray(members)).toBe(true);
    expect(members.sort()).toEqual(["1", "2", "3"]);
    expect((await r.sdiff("t:a", "t:b")).sort()).toEqual(["1"]);
    expect((await r.sinter("t:a", "t:b")).sort()).toEqual(["2", "3"]);
    expect((await r.sunion("t:a", "t:b")).sort()).toEqual(["1", "2", "3", "4"]);
    expect(await r.sismember("t:a", "1")).toBe(1);
    expect(await r.sismember("t:a", "9")).toBe(0);
    expect(await r.smove("t:a", "t:b", "1")).toBe(1);
    expect(await r.scard("t:b")).toBe(4);
    expect(await r.sdiffstore("t:c", "t:b", "t:a")).toBe(2);
    expect(await r.sinterstore("t:c", "t:b", "t:a")).toBe(2);
    expect(await r.sunionstore("t:c", "t:b", "t:a")).toBe(4);
    expect(await r.srem("t:c", "1", "2")).toBe(2);
    expect(typeof (await r.spop("t:c"))).toBe("string");
    expect((await r.spop("t:c", 5)).length).toBe(1);
    expect((await r.srandmember("t:b", 2)).length).toBe(2);
    const [cursor, scanned] = await r.sscan("t:b");
    expect(cursor).toBe(0);
    expect(scanned.length).toBe(4);
    const seen: string[] = [];
    for await (const m of r.isscan("t:b")) seen.push(m);
    expect(seen.sort()).toEqual(["1", "2", "3", "4"]);
  });
});

describe("sorted sets", () => {
  beforeAll(async () => {
    await r.delete("z:1");
    await r.zadd("z:1", 1, "one", 2.5, "two", 3, "three");
  });

  test("zadd score-first pairs with exist/changed/incr; bad scores are TypeError", async () => {
    await r.delete("z:2");
    expect(await r.zadd("z:2", 1, "a", 2, "b")).toBe(2);
    expect(await r.zadd("z:2", 5, "a", { exist: r.ZSET_IF_NOT_EXIST })).toBe(0);
    expect(await r.zadd("z:2", 5, "a", 6, "c", { changed: true })).toBe(2);
    expect(await r.zadd("z:2", 5, "a", { incr: true })).toBe("10");
    expect(await rb.zadd("z:2", 1, "a", { incr: true })).toEqual(Buffer.from("11"));
    expect(() => r.zadd("z:2", "1" as unknown as number, "a")).toThrow(TypeError);
    expect(() => r.zadd("z:2", 1, "a", 2)).toThrow(TypeError);
    expect(() => r.zadd("z:2", 1, "a", 2, "b", { incr: true })).toThrow(RangeError);
  });

  test("integral scores come back as integers; withscores is the 4th positional", async () => {
    expect(await r.zscore("z:1", "one")).toBe(1);
    expect(Number.isInteger(await r.zscore("z:1", "one"))).toBe(true);
    expect(await r.zscore("z:1", "two")).toBe(2.5);
    expect(await r.zscore("z:1", "none")).toBeNull();
    expect(await r.zrange("z:1")).toEqual(["one", "two", "three"]);
    expect(await r.zrange("z:1", 0, -1, true)).toEqual([
      ["one", 1],
      ["two", 2.5],
      ["three", 3],
    ]);
    expect(await rb.zrange("z:1", 0, 0, { withscores: true, encoding: "utf-8" })).toEqual([["one", 1]]);
    expect(await r.zrevrange("z:1", 0, 0, true)).toEqual([["three", 3]]);
    expect(await r.zincrby("z:1", 1, "one")).toBe(2);
    expect(await r.zincrby("z:1", -1, "one")).toBe(1);
    expect(await r.zincrby("z:1", 0.5, "one")).toBe(1.5);
    await r.zincrby("z:1", -0.5, "one");
  });

  test("score ranges: -inf..inf defaults, exclude, offset/count; zrevrangebyscore takes max first", async () => {
    expect(await r.zrangebyscore("z:1")).toEqual(["one", "two", "three"]);
    expect(await r.zrangebyscore("z:1", 1, 3, true)).toEqual([
      ["one", 1],
      ["two", 2.5],
      ["three", 3],
    ]);
    expect(await r.zrangebyscore("z:1", 1, 3, { exclude: r.ZSET_EXCLUDE_MIN })).toEqual(["two", "three"]);
    expect(await r.zrangebyscore("z:1", 1, 3, { exclude: r.ZSET_EXCLUDE_BOTH })).toEqual(["two"]);
    expect(await r.zrangebyscore("z:1", 1, 3, false, 1, 1)).toEqual(["two"]);
    expect(() => r.zrangebyscore("z:1", 1, 3, false, 1)).toThrow(TypeError);
    expect(await r.zrevrangebyscore("z:1", 3, 1, { offset: 0, count: 2 })).toEqual(["three", "two"]);
    expect(await r.zrevrangebyscore("z:1", { max: 10, min: 0, withscores: true })).toEqual([
      ["three", 3],
      ["two", 2.5],
      ["one", 1],
    ]);
    expect(await r.zcount("z:1")).toBe(3);
    expect(await r.zcount("z:1", 1, 3, { exclude: r.ZSET_EXCLUDE_MAX })).toBe(2);
    expect(() => r.zcount("z:1", 5, 1)).toThrow(RangeError);
  });

  test("lex ranges take Buffers and add the brackets; zrevrangebylex sends max first", async () => {
    await r.delete("z:lex");
    await r.zadd("z:lex", 0, "a", 0, "b", 0, "c", 0, "d");
    expect(await r.zrangebylex("z:lex")).toEqual(["a", "b", "c", "d"]);
    expect(await r.zrangebylex("z:lex", Buffer.from("b"), Buffer.from("c"))).toEqual(["b", "c"]);
    expect(await r.zrangebylex("z:lex", Buffer.from("a"), Buffer.from("d"), false, false)).toEqual(["b", "c"]);
    expect(await r.zrangebylex("z:lex", { offset: 1, count: 2 })).toEqual(["b", "c"]);
    expect(() => r.zrangebylex("z:lex", "a" as unknown as Buffer)).toThrow(TypeError);
    expect(await r.zrevrangebylex("z:lex", Buffer.from("b"), Buffer.from("c"))).toEqual(["c", "b"]);
    expect(await r.zlexcount("z:lex", Buffer.from("b"))).toBe(3);
    expect(await r.zremrangebylex("z:lex", Buffer.from("a"), Buffer.from("a"))).toBe(1);
  });

  test("ranks, removal, stores with weights and aggregate, zscan pairs, pops raw", async () => {
    expect(await r.zrank("z:1", "two")).toBe(1);
    expect(await r.zrevrank("z:1", "two")).toBe(1);
    expect(await r.zrank("z:1", "none")).toBeNull();
    expect(await r.zcard("z:1")).toBe(3);
    await r.delete("z:w");
    await r.zadd("z:w", 10, "one");
    expect(await r.zunionstore("z:u", "z:1", "z:w")).toBe(3);
    expect(await r.zscore("z:u", "one")).toBe(11);
    expect(await r.zunionstore("z:u", ["z:1", 2], ["z:w", 1], { withWeights: true, aggregate: r.ZSET_AGGREGATE_MAX })).toBe(3);
    expect(await r.zscore("z:u", "one")).toBe(10);
    expect(await r.zinterstore("z:i", "z:1", "z:w", { aggregate: r.ZSET_AGGREGATE_MIN })).toBe(1);
    expect(await r.zscore("z:i", "one")).toBe(1);
    const [cursor, pairs] = await r.zscan("z:1");
    expect(cursor).toBe(0);
    expect(pairs).toContainEqual(["two", 2.5]);
    const seen: [string, number][] = [];
    for await (const pair of r.izscan("z:1")) seen.push(pair);
    expect(seen).toContainEqual(["one", 1]);
    await r.delete("z:p");
    await r.zadd("z:p", 1, "a", 2, "b", 3, "c");
    expect(await r.zpopmin("z:p")).toEqual(["a", "1"]);
    expect(await r.zpopmax("z:p", 2)).toEqual(["c", "3", "b", "2"]);
    expect(await r.bzpopmin("z:p", { timeout: 1 })).toBeNull();
    await r.zadd("z:p", 4, "d");
    expect(await r.bzpopmax("z:none", "z:p", { timeout: 1 })).toEqual(["z:p", "d", "4"]);
    await r.zadd("z:p", 1, "a", 2, "b", 3, "c");
    expect(await r.zremrangebyrank("z:p", 0, 0)).toBe(1);
    expect(await r.zremrangebyscore("z:p", 2, 3, { exclude: r.ZSET_EXCLUDE_MAX })).toBe(1);
    expect(await r.zrem("z:p", "c", "x")).toBe(1);
  });
});

describe("hyperloglog and scripting", () => {
  test("pf*", async () => {
    await r.delete("hll:a", "hll:b", "hll:c");
    expect(await r.pfadd("hll:a", "x", "y")).toBe(1);
    expect(await r.pfadd("hll:b", "z")).toBe(1);
    expect(await r.pfcount("hll:a", "hll:b")).toBe(3);
    expect(await r.pfmerge("hll:c", "hll:a", "hll:b")).toBe(true);
    expect(await r.pfcount("hll:c")).toBe(3);
  });

  test("eval(script, keys, args) positional or by keyword; scripts by sha", async () => {
    const script = "return {KEYS[1], ARGV[1]}";
    expect(await r.eval(script, ["k1"], [10])).toEqual(["k1", "10"]);
    expect(await r.eval(script, { keys: ["k2"], args: ["x"] })).toEqual(["k2", "x"]);
    expect(await r.eval("return 1")).toBe(1);
    expect(() => r.eval(script, "k1" as unknown as string[])).toThrow(TypeError);
    const sha = await r.scriptLoad(script);
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(await r.evalsha(sha, ["k3"], ["y"])).toEqual(["k3", "y"]);
    expect(await r.scriptExists(sha, "0".repeat(40))).toEqual([1, 0]);
    expect(await r.scriptFlush()).toBe(true);
    const err = await r.evalsha(sha).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(aioredis.ReplyError);
    expect((err as Error).message).toMatch(/^NOSCRIPT/);
    await expect(r.scriptKill()).rejects.toThrow(/NOTBUSY/);
  });
});

describe("server", () => {
  test("info is nested by section with string values", async () => {
    const info = await r.info();
    expect(typeof info.server!.redis_version).toBe("string");
    expect(info.server!.tcp_port).toBe(String(server().port));
    const all = await rb.info("keyspace");
    expect(Object.keys(all)).toEqual(["keyspace"]);
    expect(all.keyspace!.db0).toMatchObject({ keys: expect.any(String) });
    expect(() => r.info("")).toThrow(RangeError);
  });

  test("time is one number; config_get an object; client list named tuples", async () => {
    const now = await r.time();
    expect(typeof now).toBe("number");
    expect(Math.abs(now - Date.now() / 1000)).toBeLessThan(5);
    expect(await r.configGet("maxmemory")).toEqual({ maxmemory: "0" });
    expect(await r.configSet("slowlog-max-len", 100)).toBe(true);
    expect(await r.configResetstat()).toBe(true);
    expect(await r.clientSetname("compat-test")).toBe(true);
    expect(await rb.clientGetname()).toBeNull();
    const clients = await r.clientList();
    expect(clients.length).toBeGreaterThan(0);
    const mine = clients.find((c) => c.name === "compat-test")!;
    expect(mine).toBeDefined();
    expect(mine.addr).toMatch(/^127\.0\.0\.1:/);
    expect(typeof mine.qbuf_free).toBe("string");
    expect(Array.isArray(mine)).toBe(true);
    expect(await r.clientPause(1)).toBe(true);
  });

  test("clientKill, clientReply ON (OFF/SKIP refused), monitor (aioredis 1.x raised NotImplementedError for all three)", async () => {
    const victim = await aioredis.createRedis(["127.0.0.1", server().port]);
    await victim.clientSetname("compat-victim");
    const addr = (await r.clientList()).find((c) => c.name === "compat-victim")!.addr;
    expect(await r.clientKill(addr)).toBe(true);
    expect((await r.clientList()).some((c) => c.name === "compat-victim")).toBe(false);
    await expect(r.clientKill(addr)).rejects.toThrow(/No such client/);
    victim.close();
    await victim.waitClosed();

    expect(await r.clientReply("ON")).toBe(true);
    expect(() => r.clientReply("OFF")).toThrow(/in order/);
    expect(() => r.clientReply("SKIP")).toThrow(/in order/);
    expect(() => r.clientReply("MAYBE" as "ON")).toThrow(RangeError);
    expect(await r.ping()).toBe("PONG"); // replies still in step

    const m = r.monitor();
    await m.start();
    await r.set("compat:monitored", "1");
    let seen = "";
    for (let i = 0; i < 20 && !seen.includes("compat:monitored"); i++) seen = (await m.nextCommand()).command;
    expect(seen).toContain("compat:monitored");
    await m.close();
    const tr = r.multiExec();
    // a pipeline records the call; its Promise rejects
    await expect(Promise.resolve(tr.monitor() as unknown)).rejects.toThrow(/pipeline or transaction/);
    void tr.execute().catch(() => {});
  });

  test("role, lastsave, dbsize, save (raw OK), slowlog, command, debug", async () => {
    const role = await r.role();
    expect(role[0]).toBe("master");
    expect(role.role).toBe("master");
    expect(typeof role.replicationOffset).toBe("number");
    expect(Array.isArray(role.slaves)).toBe(true);
    expect(typeof (await r.lastsave())).toBe("number");
    expect(typeof (await r.dbsize())).toBe("number");
    expect(await r.save()).toBe("OK");
    expect(await rb.save()).toEqual(Buffer.from("OK"));
    expect(typeof (await r.slowlogLen())).toBe("number");
    expect(Array.isArray(await r.slowlogGet(1))).toBe(true);
    expect(await r.slowlogReset()).toBe(true);
    expect(await r.commandCount()).toBeGreaterThan(100);
    const [info] = await r.commandInfo("get");
    expect(info[0]).toBe("get");
    expect(await rb.commandGetkeys("set", "ck", "v")).toEqual(["ck"]);
    expect((await r.command()).length).toBeGreaterThan(100);
    await r.set("srv:obj", "x");
    expect(String(await r.debugObject("srv:obj"))).toContain("encoding:");
    expect(await r.debugSleep(0)).toBe(true);
    // v1's wait_ok: "Background saving started" is not OK, so false
    expect(await r.bgsave()).toBe(false);
    expect(await r.flushdb({ asyncOp: false }).then(() => true)).toBe(true);
    await expect(r.sync()).rejects.toThrow(TypeError);
  });

  test("slaveof(null) is SLAVEOF NO ONE", async () => {
    expect(await r.slaveof(null)).toBe("OK");
  });
});

describe("pub/sub helpers and cluster stubs", () => {
  test("pubsub_numsub is an object; publish counts; cluster stubs give null", async () => {
    expect(await r.pubsubNumsub("nobody", "neither")).toEqual({ nobody: 0, neither: 0 });
    expect(await r.publish("nobody", "x")).toBe(0);
    expect(await r.publishJson("nobody", { a: 1 })).toBe(0);
    expect(await r.pubsubChannels()).toEqual([]);
    expect(await r.pubsubNumpat()).toBe(0);
    expect(r.clusterInfo()).toBeNull();
    expect(r.clusterNodes()).toBeNull();
    expect(r.clusterSlots()).toBeNull();
    expect(r.clusterFailover()).toBeNull();
    expect(r.clusterSlaves("id")).toBeNull();
    expect(r.clusterSetslot()).toBeNull();
    expect(() => r.clusterAddSlots(1, "2" as unknown as number)).toThrow(TypeError);
    await expect(r.clusterKeyslot("k")).rejects.toThrow(/cluster support disabled/);
    expect(() => r.clusterGetKeysInSlots(1, 1, {} as { encoding: null })).toThrow(/missing required argument 'encoding'/);
  });
});

describe("geo", () => {
  test("geopos gives GeoPoint tuples; georadius with with* gives GeoMember tuples", async () => {
    await r.delete("geo");
    expect(await r.geoadd("geo", 13.361389, 38.115556, "Palermo", 15.087269, 37.502669, "Catania")).toBe(2);
    const [palermo, missing] = await r.geopos("geo", "Palermo", "Nowhere");
    expect(missing).toBeNull();
    expect(palermo!.longitude).toBeCloseTo(13.361389, 4);
    expect(palermo![1]).toBeCloseTo(38.115556, 4);
    const dist = await r.geodist("geo", "Palermo", "Catania", "km");
    expect(dist).toBeCloseTo(166.27, 1);
    expect(await r.geodist("geo", "Palermo", "Nowhere")).toBeNull();
    expect((await r.geohash("geo", "Palermo"))[0]).toBe("sqc8b49rny0");
    expect(await r.georadius("geo", 15, 37, 200, "km", { sort: "ASC" })).toEqual(["Catania", "Palermo"]);
    const members = await r.georadius("geo", 15, 37, 200, "km", { withDist: true, withCoord: true, sort: "ASC", count: 1 });
    expect(members).toHaveLength(1);
    const [m] = members;
    expect(m.member).toBe("Catania");
    expect(m.dist).toBeCloseTo(56.44, 1);
    expect(m.hash).toBeNull();
    expect(m.coord.longitude).toBeCloseTo(15.087269, 4);
    const byMember = await r.georadiusbymember("geo", "Palermo", 200, "km", { withHash: true });
    expect(byMember.map((x: aioredis.GeoMember) => typeof x.hash)).toEqual(["number", "number"]);
    expect(() => r.georadius("geo", 15, 37, 200, "yards")).toThrow(RangeError);
  });
});

describe("streams", () => {
  test("xadd/xrange with field objects; xread flattened to [stream, id, fields]", async () => {
    await r.delete("st");
    const id1 = await r.xadd("st", { a: "1", b: "2" });
    expect(id1).toMatch(/^\d+-\d+$/);
    const id2 = await r.xadd("st", { c: "3" }, { maxLen: 10 });
    expect(await r.xlen("st")).toBe(2);
    expect(await r.xrange("st")).toEqual([
      [id1, { a: "1", b: "2" }],
      [id2, { c: "3" }],
    ]);
    expect(await r.xrevrange("st", "+", "-", 1)).toEqual([[id2, { c: "3" }]]);
    expect(await r.xread(["st"], { timeout: null, latestIds: ["0"] })).toEqual([
      ["st", id1, { a: "1", b: "2" }],
      ["st", id2, { c: "3" }],
    ]);
    expect(await r.xread(["st"], 50, null, [id2])).toEqual([]); // timed out
    expect(() => r.xread("st" as unknown as string[])).toThrow(TypeError);
    expect(() => r.xread(["st"], { latestIds: ["0", "0"] })).toThrow(RangeError);
    expect(await r.xtrim("st", 1, true)).toBe(1);
    expect(await r.xdel("st", id2)).toBe(1);
  });

  test("consumer groups: BUSYGROUP is BusyGroupError; xgroupDestroy is always false", async () => {
    await r.delete("sg");
    expect(await r.xgroupCreate("sg", "g", "$", true)).toBe(true);
    const err = await r.xgroupCreate("sg", "g").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(aioredis.BusyGroupError);
    expect(err).toBeInstanceOf(aioredis.ReplyError);
    const id = await r.xadd("sg", { f: "v" });
    const read = await r.xreadGroup("g", "c1", ["sg"], { latestIds: [">"], timeout: null });
    expect(read).toEqual([["sg", id, { f: "v" }]]);
    const pending = await r.xpending("sg", "g");
    expect(pending[0]).toBe(1);
    expect(await r.xpending("sg", "g", "-", "+", 10)).toHaveLength(1);
    expect(() => r.xpending("sg", "g", "-")).toThrow(RangeError);
    expect(await r.xclaim("sg", "g", "c2", 0, id)).toEqual([[id, { f: "v" }]]);
    expect(await r.xack("sg", "g", id)).toBe(1);
    const groups = await r.xinfoGroups("sg");
    expect(groups[0]!.name).toBe("g");
    const consumers = await r.xinfoConsumers("sg", "g");
    expect(consumers.map((c) => c.name).sort()).toEqual(["c1", "c2"]);
    const info = await r.xinfo("sg");
    expect(info.length).toBe(1);
    expect(await r.xinfoStream("sg")).toMatchObject({ groups: 1 });
    expect(String(await r.xinfoHelp())).toContain("\n");
    expect(await r.xgroupSetid("sg", "g", "0")).toBe(true);
    expect(await r.xgroupDelconsumer("sg", "g", "c1")).toBe(0);
    expect(await r.xgroupDestroy("sg", "g")).toBe(false);
  });
});

describe("the v1 error hierarchy", () => {
  test("classes and their parents", () => {
    const { RedisError, ReplyError, ReadOnlyError, PipelineError, MultiExecError, WatchVariableError } = aioredis;
    expect(new aioredis.AuthError("x")).toBeInstanceOf(ReplyError);
    expect(new aioredis.MaxClientsError("x")).toBeInstanceOf(ReplyError);
    expect(new aioredis.BusyGroupError("x")).toBeInstanceOf(ReplyError);
    expect(new ReadOnlyError("x")).toBeInstanceOf(RedisError);
    expect(new ReadOnlyError("x")).not.toBeInstanceOf(ReplyError);
    expect(new WatchVariableError("WATCH variable has changed")).toBeInstanceOf(MultiExecError);
    expect(new MultiExecError([])).toBeInstanceOf(PipelineError);
    expect(new aioredis.ConnectionForcedCloseError()).toBeInstanceOf(aioredis.ConnectionClosedError);
    expect(new aioredis.PoolClosedError()).toBeInstanceOf(RedisError);
    expect(new aioredis.ChannelClosedError()).toBeInstanceOf(RedisError);
    expect(new aioredis.ProtocolError("x")).toBeInstanceOf(RedisError);
    for (const cls of [aioredis.MasterNotFoundError, aioredis.SlaveNotFoundError, aioredis.MasterReplyError, aioredis.SlaveReplyError]) {
      expect(new cls("x")).toBeInstanceOf(RedisError);
    }
    // v1's ReplyError picks the subclass from the message
    expect(new ReplyError("NOAUTH Authentication required.")).toBeInstanceOf(aioredis.AuthError);
    expect(new ReplyError("ERR max number of clients reached")).toBeInstanceOf(aioredis.MaxClientsError);
    expect(new ReplyError("ERR other")).not.toBeInstanceOf(aioredis.AuthError);
    const errors = [new Error("a"), new Error("b")];
    const pe = new PipelineError(errors);
    expect(pe.errors).toEqual(errors);
    expect(pe.args[0]).toBe("PipelineError errors:");
    expect(pe.name).toBe("PipelineError");
  });

  test("READONLY replies are ReadOnlyError, which is not a ReplyError", async () => {
    const replica = await aioredis.createRedis(["127.0.0.1", server().port], { encoding: "utf-8" });
    await r.set("ro:k", "v");
    // a replica of a port nobody listens on: its data stays, writes are refused
    expect(await r.slaveof("127.0.0.1", 1)).toBe("OK");
    try {
      const err = await replica.set("ro:k", "x").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(aioredis.ReadOnlyError);
      expect(err).not.toBeInstanceOf(aioredis.ReplyError);
      expect((err as Error).message).toMatch(/^READONLY/);
    } finally {
      await r.slaveof(null);
      replica.close();
    }
  });
});
