/**
 * Issue 15 item 5: the static types say what the runtime returns. Each `expectTypeOf` is
 * checked by `tsc` (npm run typecheck); each runtime half against a real server.
 */
import { afterAll, beforeAll, describe, expect, expectTypeOf, test } from "vitest";
import { fromUrl, Redis, type GeoSearchResult, type IntReply, type RedisString } from "../../src/index.js";
import { useRedisServer } from "../harness/index.js";

const server = useRedisServer();

describe("fromUrl follows ?decode_responses= in a literal URL", () => {
  test("types", () => {
    const opts = { retry: null } as const;
    expectTypeOf(fromUrl("redis://h/?decode_responses=true")).toEqualTypeOf<Redis<string>>();
    expectTypeOf(fromUrl("redis://h:6380/0?socket_timeout=1&decode_responses=Yes&protocol=3")).toEqualTypeOf<Redis<string>>();
    expectTypeOf(fromUrl("redis://h/?decode_responses=false")).toEqualTypeOf<Redis<Buffer>>();
    // the URL wins over the options at runtime (mergeUrlOptions), and so in the types
    expectTypeOf(fromUrl("redis://h/?decode_responses=0", { decodeResponses: true })).toEqualTypeOf<Redis<Buffer>>();
    // a literal URL that does not say: the options, else Buffer
    expectTypeOf(fromUrl("redis://h/0")).toEqualTypeOf<Redis<Buffer>>();
    expectTypeOf(fromUrl("redis://h/0", { decodeResponses: true })).toEqualTypeOf<Redis<string>>();
    expectTypeOf(fromUrl("redis://h/0", opts)).toEqualTypeOf<Redis<Buffer>>();
    // a value the type cannot read (percent-encoded): either
    expectTypeOf(fromUrl("redis://h/?decode_responses=%74rue")).toEqualTypeOf<Redis<RedisString>>();
    // a URL known only as string: the options when they say, else either
    const url: string = process.env.NO_SUCH_URL ?? "redis://h";
    expectTypeOf(fromUrl(url)).toEqualTypeOf<Redis<RedisString>>();
    expectTypeOf(fromUrl(url, { decodeResponses: true })).toEqualTypeOf<Redis<string>>();
    expectTypeOf(fromUrl(url, { decodeResponses: false })).toEqualTypeOf<Redis<Buffer>>();
    expectTypeOf(Redis.fromUrl("redis://h/?decode_responses=true")).toEqualTypeOf<Redis<string>>();
  });

  test("runtime agrees", async () => {
    const port = server().port;
    const s = fromUrl(`redis://127.0.0.1:${port}/0?decode_responses=true`);
    const b = fromUrl(`redis://127.0.0.1:${port}/0?decode_responses=false`, { decodeResponses: true });
    await s.set("tt:u", "v");
    expect(await s.get("tt:u")).toBe("v");
    expect(await b.get("tt:u")).toEqual(Buffer.from("v"));
    await Promise.all([s.close(), b.close()]);
  });
});

describe("set() is typed by get", () => {
  let r: Redis<string>;
  beforeAll(() => {
    r = new Redis({ port: server().port, decodeResponses: true });
  });
  afterAll(() => r.close());

  test("true | null without get, the old value with get: true", async () => {
    expectTypeOf(() => r.set("k", "v")).returns.toEqualTypeOf<Promise<true | null>>();
    expectTypeOf(() => r.set("k", "v", { nx: true, ex: 10 })).returns.toEqualTypeOf<Promise<true | null>>();
    expectTypeOf(() => r.set("k", "v", { get: true })).returns.toEqualTypeOf<Promise<string | null>>();
    expectTypeOf(() => r.set("k", "v", { get: true, xx: true })).returns.toEqualTypeOf<Promise<string | null>>();
    expectTypeOf(() => r.set("k", "v", undefined, undefined, undefined, undefined, undefined, true)).returns.toEqualTypeOf<Promise<string | null>>();
    expectTypeOf(() => r.set("k", "v", 10)).returns.toEqualTypeOf<Promise<true | null>>();
    const flag = Math.random() > 2;
    expectTypeOf(() => r.set("k", "v", { get: flag })).returns.toEqualTypeOf<Promise<string | true | null>>();
    expectTypeOf(() => r.pipeline().set("k", "v", { get: true })).returns.toEqualTypeOf<ReturnType<typeof r.pipeline>>();

    await r.delete("tt:s");
    expect(await r.set("tt:s", "1", { nx: true, ex: 10 })).toBe(true);
    expect(await r.set("tt:s", "2", { nx: true, ex: 10 })).toBeNull();
    expect(await r.set("tt:s", "3", { get: true })).toBe("1");
    expect(await r.set("tt:none", "x", { get: true, xx: true })).toBeNull();
  });
});

describe("integer replies that can pass 2^53 are typed number | bigint", () => {
  test("INCRBY beyond 2^53 is a bigint at runtime and in the types", async () => {
    const r = new Redis({ port: server().port, decodeResponses: true });
    expectTypeOf(() => r.incr("c")).returns.toEqualTypeOf<Promise<IntReply>>();
    expectTypeOf(() => r.incrby("c", 1)).returns.toEqualTypeOf<Promise<number | bigint>>();
    expectTypeOf(() => r.decrby("c", 1)).returns.toEqualTypeOf<Promise<number | bigint>>();
    expectTypeOf(() => r.hincrby("h", "f", 1)).returns.toEqualTypeOf<Promise<number | bigint>>();
    expectTypeOf(() => r.pttl("c")).returns.toEqualTypeOf<Promise<number | bigint>>();
    expectTypeOf(() => r.bitfield("b", [["incrby", "i64", 0, 1]])).returns.toEqualTypeOf<Promise<(number | bigint | null)[]>>();
    // replies bounded well below 2^53 stay number
    expectTypeOf(() => r.strlen("c")).returns.toEqualTypeOf<Promise<number>>();
    expectTypeOf(() => r.llen("c")).returns.toEqualTypeOf<Promise<number>>();

    await r.set("tt:big", "9007199254740990");
    const small = await r.incrby("tt:big", 1);
    expect(small).toBe(9007199254740991);
    const big = await r.incrby("tt:big", 10);
    expect(big).toBe(9007199254741001n);
    await r.hset("tt:h", "f", "9223372036854775800");
    expect(await r.hincrby("tt:h", "f", 1)).toBe(9223372036854775801n);
    await r.delete("tt:bf");
    const [field] = await r.bitfield("tt:bf", [["incrby", "i64", 0, 9007199254740993n]]);
    expect(field).toBe(9007199254740993n);
    await r.close();
  });
});

describe("keyword objects after positional arguments", () => {
  test("xgroupCreate(s, g, '$', { mkstream: true })", async () => {
    const r = new Redis({ port: server().port, decodeResponses: true });
    await r.delete("tt:stream");
    const created = r.xgroupCreate("tt:stream", "g", "$", { mkstream: true });
    expectTypeOf(created).toEqualTypeOf<Promise<boolean>>();
    expect(await created).toBe(true);
    expect(await r.exists("tt:stream")).toBe(1);
    // the first optional parameter positionally, then keywords (generated for every such method)
    const ex = r.set("tt:kw", "v", 100, { nx: true });
    expectTypeOf(ex).toEqualTypeOf<Promise<true | null>>();
    expect(await ex).toBe(true);
    expect(await r.ttl("tt:kw")).toBeGreaterThan(90);
    await r.hset("tt:hs", { mapping: { a: "1", ab: "2", b: "3" } });
    const scanned = r.hscan("tt:hs", 0, { match: "a*" });
    expectTypeOf(scanned).toEqualTypeOf<Promise<[number, Record<string, string>]>>();
    expect(Object.keys((await scanned)[1]).sort()).toEqual(["a", "ab"]);
    await r.geoadd("tt:geo", [13.361389, 38.115556, "Palermo", 15.087269, 37.502669, "Catania"]);
    const near = r.georadius("tt:geo", 15, 37, 200, "km", { withdist: true, sort: "ASC" });
    expectTypeOf(near).toEqualTypeOf<Promise<GeoSearchResult<string>[]>>();
    expect((await near).length).toBe(2);
    await r.close();
  });
});
