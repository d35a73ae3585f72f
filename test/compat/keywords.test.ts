/**
 * aioredis/compat runs what the codemod's compat step leaves (issue 11 item 7):
 * - the keyword forms of V1-API.md rule 2 (`setex(k, { value, seconds })`,
 *   `expire(k, { timeout })`, `xadd({ stream, fields })`, any parameter by name) run
 *   against a real server and type-check (this file is compiled by `tsc` too);
 * - a bare `Redis` annotation, as v1 code without generics writes it, accepts a client
 *   made with `encoding: "utf-8"` as well as a Buffer one.
 */
import { afterAll, beforeAll, describe, expect, expectTypeOf, test } from "vitest";
import * as aioredis from "../../compat/index.js";
import { useRedisServer } from "../harness/index.js";

const server = useRedisServer();

let r: aioredis.Redis<string>;
let b: aioredis.Redis<Buffer>;

beforeAll(async () => {
  r = await aioredis.createRedisPool(["127.0.0.1", server().port], { encoding: "utf-8" });
  b = await aioredis.createRedis(["127.0.0.1", server().port]);
});

afterAll(async () => {
  r.close();
  b.close();
  await Promise.all([r.waitClosed(), b.waitClosed()]);
});

describe("keyword forms (V1-API rule 2)", () => {
  test("setex, psetex, expire, pexpire, expireat take their parameters by name", async () => {
    expect(await r.setex("kw:a", { value: "v", seconds: 100 })).toBe(true);
    expect(await r.get("kw:a")).toBe("v");
    expect(await r.ttl("kw:a")).toBeGreaterThan(90);
    expect(await r.setex({ key: "kw:b", seconds: 50, value: "w" })).toBe(true);
    expect(await r.ttl("kw:b")).toBeGreaterThan(40);
    expect(await r.psetex("kw:c", { milliseconds: 60_000, value: "x" })).toBe(true);
    expect(await r.pttl("kw:c")).toBeGreaterThan(50_000);
    expect(await r.expire("kw:a", { timeout: 1000 })).toBe(true);
    expect(await r.ttl("kw:a")).toBeGreaterThan(900);
    expect(await r.expire({ key: "kw:missing", timeout: 10 })).toBe(false);
    expect(await r.pexpire("kw:b", { timeout: 70_000 })).toBe(true);
    expect(await r.pttl("kw:b")).toBeGreaterThan(60_000);
    const at = Math.floor(Date.now() / 1000) + 500;
    expect(await r.expireat("kw:c", { timestamp: at })).toBe(true);
    expect(await r.ttl("kw:c")).toBeGreaterThan(400);
  });

  test("xadd({ stream, fields }) and the other forms of xadd", async () => {
    const id1 = await r.xadd({ stream: "kw:s", fields: { a: "1" } });
    expect(id1).toMatch(/^\d+-\d+$/);
    // a plain object where `fields` stands is the fields, not keyword arguments
    const id2 = await r.xadd("kw:s", { fields: "literal" });
    const id3 = await r.xadd("kw:s", { b: "2" }, { maxLen: 10, exactLen: true });
    const id4 = await r.xadd("kw:s", { c: "3" }, "*", { maxLen: 10 });
    const entries = await r.xrange("kw:s");
    expect(entries).toEqual([
      [id1, { a: "1" }],
      [id2, { fields: "literal" }],
      [id3, { b: "2" }],
      [id4, { c: "3" }],
    ]);
    expect(await r.xrange({ stream: "kw:s", start: id3, count: 1 })).toEqual([[id3, { b: "2" }]]);
    await expect(async () => r.xadd({ stream: "kw:s" } as never)).rejects.toThrow(/missing required argument 'fields'/);
  });

  test("any parameter by name, with encoding: get, set, hget, lrange, zrange, zadd, eval, publishJson", async () => {
    expect(await r.set({ key: "kw:g", value: "é", expire: 100 })).toBe(true);
    expect(await r.ttl("kw:g")).toBeGreaterThan(90);
    expect(await r.get({ key: "kw:g" })).toBe("é");
    const raw = await r.get({ key: "kw:g", encoding: null });
    expect(raw).toEqual(Buffer.from("é"));
    await r.hset("kw:h", "f", "v");
    expect(await r.hget("kw:h", { field: "f" })).toBe("v");
    expect(await b.hget({ key: "kw:h", field: "f", encoding: "utf-8" })).toBe("v");
    await r.rpush("kw:l", "x", "y", "z");
    expect(await r.lrange("kw:l", { start: 0, stop: 1 })).toEqual(["x", "y"]);
    expect(await b.lrange({ key: "kw:l", start: -1, stop: -1, encoding: "utf-8" })).toEqual(["z"]);
    expect(await r.zadd("kw:z", 1, "one", 2, "two")).toBe(2);
    expect(await r.zrange("kw:z", { withscores: true })).toEqual([
      ["one", 1],
      ["two", 2],
    ]);
    expect(await r.zrange({ key: "kw:z", start: 1, stop: 1 })).toEqual(["two"]);
    expect(await r.eval("return {KEYS[1], ARGV[1]}", { keys: ["k1"], args: ["a1"] })).toEqual(["k1", "a1"]);
    const [ch] = await r.subscribe("kw:pub");
    expect(await r.publishJson({ channel: "kw:pub", obj: { n: 1 } })).toBe(1);
    expect(await ch!.getJson()).toEqual({ n: 1 });
    // a trailing object where `obj` stands is the object to publish
    expect(await r.publishJson("kw:pub", { channel: "not a keyword" })).toBe(1);
    expect(await ch!.getJson()).toEqual({ channel: "not a keyword" });
    await r.unsubscribe("kw:pub");
  });

  test("mistakes are TypeErrors naming the method and the parameter", async () => {
    expect(() => r.setex("kw:e", { value: "v" } as never)).toThrow(new TypeError("setex() missing required argument 'seconds'"));
    expect(() => r.expire("kw:e", { timeout: 1, bogus: 2 } as never)).toThrow(new TypeError("expire() got an unexpected keyword argument 'bogus'"));
    const expire = r.expire as (...args: unknown[]) => unknown;
    expect(() => expire.call(r, "kw:e", 1, { timeout: 2 })).toThrow(new TypeError("expire() got multiple values for argument 'timeout'"));
  });

  test("pipelines and transactions take the keyword forms too", async () => {
    const pipe = r.pipeline();
    const f1 = pipe.setex("kw:p", { value: "1", seconds: 100 });
    const f2 = pipe.expire({ key: "kw:p", timeout: 200 });
    const f3 = pipe.xadd({ stream: "kw:ps", fields: { a: "1" } });
    await pipe.execute();
    expect(await f1).toBe(true);
    expect(await f2).toBe(true);
    expect(await f3).toMatch(/^\d+-\d+$/);
    const tr = r.multiExec();
    const g = tr.get({ key: "kw:p" });
    const t = tr.ttl("kw:p");
    await tr.execute();
    expect(await g).toBe("1");
    expect(await t).toBeGreaterThan(100);
  });

  test("the keyword forms' types", () => {
    const r = null as unknown as aioredis.Redis<string>;
    const b = null as unknown as aioredis.Redis<Buffer>;
    if (r === null) return; // types only (checked by tsc)
    expectTypeOf(r.setex("k", { value: "v", seconds: 1 })).toEqualTypeOf<Promise<boolean>>();
    expectTypeOf(r.expire("k", { timeout: 1 })).toEqualTypeOf<Promise<boolean>>();
    expectTypeOf(r.xadd({ stream: "s", fields: { a: 1 } })).toEqualTypeOf<Promise<string>>();
    expectTypeOf(b.xadd({ stream: "s", fields: { a: 1 } })).toEqualTypeOf<Promise<Buffer>>();
    // positional calls keep their per-call encoding types
    expectTypeOf(b.get("k", { encoding: "utf-8" })).toEqualTypeOf<Promise<string | null>>();
    // @ts-expect-error a required parameter is missing
    void r.setex("k", { value: "v" });
    // @ts-expect-error an unknown keyword
    void r.expire("k", { timeout: 1, bogus: 2 });
    // @ts-expect-error a keyword of the wrong type
    void r.expire("k", { timeout: "soon" });
  });
});

describe("a bare Redis annotation (v1 code without generics)", () => {
  /** A helper as v1-era code declares it: no type argument. */
  async function touch(redis: aioredis.Redis, key: string): Promise<string> {
    await redis.set(key, "1");
    const value = await redis.get(key);
    return value === null ? "" : value.toString();
  }

  class Store {
    constructor(readonly redis: aioredis.Redis) {}
  }

  test("accepts a client made with an encoding, and one without; both run", async () => {
    expect(await touch(r, "kw:bare:1")).toBe("1");
    expect(await touch(b, "kw:bare:2")).toBe("1");
    const stores = [new Store(r), new Store(b)];
    expect(await stores[0]!.redis.incr("kw:bare:1")).toBe(2);
    expect(await stores[1]!.redis.incr("kw:bare:2")).toBe(2);
    const pool: aioredis.Redis = await aioredis.createRedisPool(["127.0.0.1", server().port], { encoding: "utf-8" });
    expect(await pool.get("kw:bare:1")).toBe("2");
    pool.close();
    await pool.waitClosed();
  });

  test("a bare Redis is untyped like the v1 code written against it (any); a typed client keeps its own", () => {
    const r = null as unknown as aioredis.Redis<string>;
    const b = null as unknown as aioredis.Redis<Buffer>;
    if (r === null) return; // types only (checked by tsc)
    const bare: aioredis.Redis = r;
    expectTypeOf(bare.get("k")).toEqualTypeOf<Promise<any>>();
    // v1 code that annotated a bare Redis and hands its replies to Buffer-typed helpers still compiles
    const takesBuffer = (_: Buffer | null) => {};
    void bare.get("k").then(takesBuffer);
    const bufferClient: aioredis.Redis = b;
    void bufferClient;
    expectTypeOf(r.get("k")).toEqualTypeOf<Promise<string | null>>();
    const ctx: aioredis.ContextRedis = null as unknown as aioredis.ContextRedis<string>;
    const pipe: aioredis.Pipeline = r.pipeline();
    const tr: aioredis.MultiExec = b.multiExec();
    void ctx;
    void pipe;
    void tr;
  });
});
