import { afterAll, beforeAll, beforeEach, describe, expect, expectTypeOf, test } from "vitest";
import { Redis } from "../../src/index.js";
import { useRedisServer } from "../harness/index.js";

const server = useRedisServer();

describe.each([2, 3] as const)("sorted set commands over RESP%i", (protocol) => {
  let r: Redis<string>;
  let rb: Redis<Buffer>;
  const k = (name: string) => `z${protocol}:${name}`;
  const z = k("z");
  beforeAll(() => {
    r = new Redis({ port: server().port, protocol, decodeResponses: true });
    rb = new Redis({ port: server().port, protocol });
  });
  afterAll(async () => {
    await r.close();
    await rb.close();
  });
  beforeEach(async () => {
    await r.delete(z);
    await r.zadd(z, { a: 1, b: 2, c: 3.5, d: -Infinity, e: Infinity });
  });

  test("zadd with every option", async () => {
    const s = k("add");
    await r.delete(s);
    expect(await r.zadd(s, { a: 1, b: "2" })).toBe(2);
    expect(
      await r.zadd(
        s,
        new Map<string | Buffer, number>([
          ["c", 3],
          [Buffer.from("d"), 4],
        ]),
      ),
    ).toBe(2);
    expect(await r.zadd(s, { a: 10, x: 0 }, { nx: true })).toBe(1);
    expect(await r.zscore(s, "a")).toBe(1);
    expect(await r.zadd(s, { a: 10, y: 0 }, { xx: true })).toBe(0);
    expect(await r.zscore(s, "a")).toBe(10);
    expect(await r.zscore(s, "y")).toBeNull();
    expect(await r.zadd(s, { a: 11, b: 2, z: 1 }, { ch: true })).toBe(2);
    expect(await r.zadd(s, { a: 5 }, { gt: true })).toBe(0);
    expect(await r.zadd(s, { a: 5 }, { lt: true, ch: true })).toBe(1);
    expect(await r.zadd(s, { a: 2.5 }, { incr: true })).toBe(7.5);
    expect(await r.zadd(s, { new: 1 }, { incr: true, xx: true })).toBeNull();
    expect(await r.zadd(s, { a: 1 }, { incr: true, nx: true })).toBeNull();
    // positional, in redis-py's order: nx, xx, ch, incr, gt, lt
    expect(await r.zadd(s, { a: 1 }, false, false, false, true)).toBe(8.5);
    expect(await r.zadd(s, { a: 100, q: 1 }, false, false, true, false, true)).toBe(2);
    expect(await r.zscore(s, "a")).toBe(100);
    const incremented = await r.zadd(s, { a: 1 }, { incr: true });
    expectTypeOf(incremented).toEqualTypeOf<number | null>();
  });

  test("zcard, zcount, zlexcount, zscore, zmscore, zincrby, zrank, zrevrank, zrem", async () => {
    expect(await r.zcard(z)).toBe(5);
    expect(await r.zcard(k("none"))).toBe(0);
    expect(await r.zcount(z, 1, 3.5)).toBe(3);
    expect(await r.zcount(z, "(1", "+inf")).toBe(3);
    expect(await r.zcount(z, -Infinity, Infinity)).toBe(5);
    expect(await r.zscore(z, "c")).toBe(3.5);
    expect(await r.zscore(z, "d")).toBe(-Infinity);
    expect(await r.zscore(z, "e")).toBe(Infinity);
    expect(await r.zscore(z, "nope")).toBeNull();
    expect(await r.zmscore(z, ["a", "nope", "e"])).toEqual([1, null, Infinity]);
    expect(await r.zmscore(z, "c")).toEqual([3.5]);
    expect(await r.zincrby(z, 0.25, "c")).toBe(3.75);
    expect(await r.zincrby(z, -1, "new")).toBe(-1);
    expect(await r.zrank(z, "d")).toBe(0);
    expect(await r.zrank(z, "a")).toBe(2);
    expect(await r.zrank(z, "nope")).toBeNull();
    expect(await r.zrevrank(z, "e")).toBe(0);
    expect(await r.zrevrank(z, "nope")).toBeNull();
    expect(await r.zrem(z, "new", "nope")).toBe(1);
    const lex = k("lex");
    await r.zadd(lex, { a: 0, b: 0, c: 0, d: 0 });
    expect(await r.zlexcount(lex, "-", "+")).toBe(4);
    expect(await r.zlexcount(lex, "[b", "(d")).toBe(2);
  });

  test("zrange by index, score and lex, with scores, limits and desc", async () => {
    expect(await r.zrange(z, 0, -1)).toEqual(["d", "a", "b", "c", "e"]);
    expect(await r.zrange(z, 0, 1, { withscores: true })).toEqual([
      ["d", -Infinity],
      ["a", 1],
    ]);
    expect(await r.zrange(z, 0, 1, { desc: true })).toEqual(["e", "c"]);
    expect(await r.zrange(z, 0, 1, true, true)).toEqual([
      ["e", Infinity],
      ["c", 3.5],
    ]);
    expect(await r.zrange(z, 1, 3, { byscore: true })).toEqual(["a", "b"]);
    expect(await r.zrange(z, "(1", Infinity, { byscore: true, withscores: true })).toEqual([
      ["b", 2],
      ["c", 3.5],
      ["e", Infinity],
    ]);
    expect(await r.zrange(z, Infinity, 2, { byscore: true, desc: true, offset: 1, num: 2 })).toEqual(["c", "b"]);
    expect(await r.zrange(z, -Infinity, Infinity, { byscore: true, offset: 0, num: 2, withscores: true })).toEqual([
      ["d", -Infinity],
      ["a", 1],
    ]);
    const lex = k("lex");
    await r.zadd(lex, { a: 0, b: 0, c: 0, d: 0 });
    expect(await r.zrange(lex, "[b", "+", { bylex: true })).toEqual(["b", "c", "d"]);
    expect(await r.zrange(lex, "+", "-", { bylex: true, desc: true, offset: 1, num: 2 })).toEqual(["c", "b"]);
    expect(await r.zrange(k("none"), 0, -1)).toEqual([]);
    expect(await r.zrange(k("none"), 0, -1, { withscores: true })).toEqual([]);
    const pairs = await r.zrange(z, 0, -1, { withscores: true });
    expectTypeOf(pairs).toEqualTypeOf<[string, number][]>();
    const names = await r.zrange(z, 0, -1);
    expectTypeOf(names).toEqualTypeOf<string[]>();
  });

  test("scoreCastFunc gets each score as a number, the same under both protocols", async () => {
    const seen: unknown[] = [];
    const cast = (score: number) => {
      seen.push(score);
      return `#${score}`;
    };
    const cast2 = await r.zrange(z, 0, -1, { withscores: true, scoreCastFunc: cast });
    expect(cast2).toEqual([
      ["d", "#-Infinity"],
      ["a", "#1"],
      ["b", "#2"],
      ["c", "#3.5"],
      ["e", "#Infinity"],
    ]);
    expect(seen).toEqual([-Infinity, 1, 2, 3.5, Infinity]);
    expectTypeOf(cast2).toEqualTypeOf<[string, string][]>();
    expect(await r.zrange(z, 0, 0, false, true, Math.round)).toEqual([["d", -Infinity]]);
    expect(await r.zrevrange(z, 1, 1, { withscores: true, scoreCastFunc: (s) => s * 2 })).toEqual([["c", 7]]);
    expect(await r.zrangebyscore(z, 3, 4, { withscores: true, scoreCastFunc: Math.floor })).toEqual([["c", 3]]);
    expect(await r.zrevrangebyscore(z, 4, 3, null, null, true, (s) => String(s))).toEqual([["c", "3.5"]]);
    expect(await r.zunion([z], { withscores: true, scoreCastFunc: (s) => s > 0 })).toEqual([
      ["d", false],
      ["a", true],
      ["b", true],
      ["c", true],
      ["e", true],
    ]);
    const [, page] = await r.zscan(z, { scoreCastFunc: (s) => -s });
    expect(page.sort()).toEqual([
      ["a", -1],
      ["b", -2],
      ["c", -3.5],
      ["d", Infinity],
      ["e", -Infinity],
    ]);
    // A tiny fraction keeps its exact value (RESP2 sends "0.10000000000000001", RESP3 a double).
    await r.zadd(z, { f: 0.1 });
    expect(await r.zscore(z, "f")).toBe(0.1);
    expect(await r.zrangebyscore(z, 0.1, 0.1, { withscores: true, scoreCastFunc: (s) => s })).toEqual([["f", 0.1]]);
  });

  test("zrangebyscore, zrevrangebyscore, zrevrange, zrangebylex, zrevrangebylex", async () => {
    expect(await r.zrangebyscore(z, 1, 3.5)).toEqual(["a", "b", "c"]);
    expect(await r.zrangebyscore(z, "-inf", "(2", { withscores: true })).toEqual([
      ["d", -Infinity],
      ["a", 1],
    ]);
    expect(await r.zrangebyscore(z, -Infinity, Infinity, 1, 2)).toEqual(["a", "b"]);
    expect(await r.zrangebyscore(z, -Infinity, Infinity, { start: 3, num: 10, withscores: true })).toEqual([
      ["c", 3.5],
      ["e", Infinity],
    ]);
    expect(await r.zrevrangebyscore(z, 3.5, 1)).toEqual(["c", "b", "a"]);
    expect(await r.zrevrangebyscore(z, Infinity, "(3.5", { withscores: true })).toEqual([["e", Infinity]]);
    expect(await r.zrevrangebyscore(z, "+inf", "-inf", 0, 2)).toEqual(["e", "c"]);
    expect(await r.zrevrange(z, 0, 1)).toEqual(["e", "c"]);
    expect(await r.zrevrange(z, 0, 1, true)).toEqual([
      ["e", Infinity],
      ["c", 3.5],
    ]);
    expect(await r.zrevrange(z, -1, -1, { withscores: true })).toEqual([["d", -Infinity]]);
    const lex = k("lex");
    await r.zadd(lex, { a: 0, b: 0, c: 0, d: 0 });
    expect(await r.zrangebylex(lex, "-", "+")).toEqual(["a", "b", "c", "d"]);
    expect(await r.zrangebylex(lex, "(a", "[c")).toEqual(["b", "c"]);
    expect(await r.zrangebylex(lex, "-", "+", 1, 2)).toEqual(["b", "c"]);
    expect(await r.zrangebylex(lex, "-", "+", { start: 3, num: 5 })).toEqual(["d"]);
    expect(await r.zrevrangebylex(lex, "+", "-")).toEqual(["d", "c", "b", "a"]);
    expect(await r.zrevrangebylex(lex, "[c", "(a", { start: 0, num: 1 })).toEqual(["c"]);
  });

  test("zrangestore and the zremrange family", async () => {
    const dst = k("dst");
    expect(await r.zrangestore(dst, z, 0, 1)).toBe(2);
    expect(await r.zrange(dst, 0, -1, { withscores: true })).toEqual([
      ["d", -Infinity],
      ["a", 1],
    ]);
    expect(await r.zrangestore(dst, z, 1, Infinity, { byscore: true, desc: false, offset: 1, num: 5 })).toBe(3);
    expect(await r.zrange(dst, 0, -1)).toEqual(["b", "c", "e"]);
    expect(await r.zrangestore(dst, z, 0, 0, false, false, true)).toBe(1);
    expect(await r.zrange(dst, 0, -1)).toEqual(["e"]);
    expect(await r.zremrangebyrank(z, 0, 0)).toBe(1);
    expect(await r.zremrangebyscore(z, 3, Infinity)).toBe(2);
    expect(await r.zrange(z, 0, -1)).toEqual(["a", "b"]);
    const lex = k("lex");
    await r.zadd(lex, { a: 0, b: 0, c: 0, d: 0 });
    expect(await r.zremrangebylex(lex, "[b", "[c")).toBe(2);
    expect(await r.zrange(lex, 0, -1)).toEqual(["a", "d"]);
    expect(await r.zrangestore(dst, lex, "[a", "+", { bylex: true, offset: 1, num: 1 })).toBe(1);
    expect(await r.zrange(dst, 0, -1)).toEqual(["d"]);
  });

  test("zinter, zunion, zdiff and their STORE forms, zintercard", async () => {
    const [x, y] = [k("x"), k("y")];
    await r.delete(x, y);
    await r.zadd(x, { a: 1, b: 2, c: 3 });
    await r.zadd(y, { b: 10, c: 20, d: 30 });
    expect(await r.zinter([x, y])).toEqual(["b", "c"]);
    expect(await r.zinter([x, y], null, true)).toEqual([
      ["b", 12],
      ["c", 23],
    ]);
    expect(await r.zinter([x, y], { aggregate: "MAX", withscores: true })).toEqual([
      ["b", 10],
      ["c", 20],
    ]);
    expect(await r.zinter({ [x]: 10, [y]: 1 }, "min", true)).toEqual([
      ["b", 10],
      ["c", 20],
    ]);
    expect(
      await r.zinter(
        new Map([
          [x, 2],
          [y, 0.5],
        ]),
        { withscores: true },
      ),
    ).toEqual([
      ["b", 9],
      ["c", 16],
    ]);
    expect(await r.zunion([x, y])).toEqual(["a", "b", "c", "d"]);
    expect(await r.zunion([x, y], "SUM", true)).toEqual([
      ["a", 1],
      ["b", 12],
      ["c", 23],
      ["d", 30],
    ]);
    expect(await r.zunion({ [x]: 1, [y]: -1 }, { aggregate: "min", withscores: true })).toEqual([
      ["d", -30],
      ["c", -20],
      ["b", -10],
      ["a", 1],
    ]);
    expect(await r.zdiff([x, y])).toEqual(["a"]);
    expect(await r.zdiff([y, x], true)).toEqual([["d", 30]]);
    expect(await r.zdiff([x], { withscores: true })).toEqual([
      ["a", 1],
      ["b", 2],
      ["c", 3],
    ]);
    const dst = k("agg");
    expect(await r.zinterstore(dst, [x, y])).toBe(2);
    expect(await r.zrange(dst, 0, -1, { withscores: true })).toEqual([
      ["b", 12],
      ["c", 23],
    ]);
    expect(await r.zinterstore(dst, { [x]: 3, [y]: 0 }, { aggregate: "MAX" })).toBe(2);
    expect(await r.zrange(dst, 0, -1, { withscores: true })).toEqual([
      ["b", 6],
      ["c", 9],
    ]);
    expect(await r.zunionstore(dst, [x, y], "MIN")).toBe(4);
    expect(await r.zrange(dst, 0, -1, { withscores: true })).toEqual([
      ["a", 1],
      ["b", 2],
      ["c", 3],
      ["d", 30],
    ]);
    expect(await r.zunionstore(dst, new Map([[x, 2]]))).toBe(3);
    expect(await r.zrange(dst, 0, -1, { withscores: true })).toEqual([
      ["a", 2],
      ["b", 4],
      ["c", 6],
    ]);
    expect(await r.zdiffstore(dst, [y, x])).toBe(1);
    expect(await r.zrange(dst, 0, -1)).toEqual(["d"]);
    expect(await r.zintercard(2, [x, y])).toBe(2);
    expect(await r.zintercard(2, [x, y], 1)).toBe(1);
    expect(await r.zintercard(1, x, { limit: 0 })).toBe(3);
  });

  test("zpopmin, zpopmax, zmpop, zrandmember", async () => {
    expect(await r.zpopmin(z)).toEqual([["d", -Infinity]]);
    expect(await r.zpopmax(z)).toEqual([["e", Infinity]]);
    expect(await r.zpopmin(z, 2)).toEqual([
      ["a", 1],
      ["b", 2],
    ]);
    expect(await r.zpopmax(z, { count: 5 })).toEqual([["c", 3.5]]);
    expect(await r.zpopmin(z)).toEqual([]);
    expect(await r.zpopmax(z, 2)).toEqual([]);
    await r.zadd(z, { a: 1, b: 2, c: 3 });
    expect(await r.zmpop(2, [k("none"), z], { min: true })).toEqual([z, [["a", 1]]]);
    expect(await r.zmpop(1, [z], false, true, 5)).toEqual([
      z,
      [
        ["c", 3],
        ["b", 2],
      ],
    ]);
    expect(await r.zmpop(1, z, { max: true })).toBeNull();
    await r.zadd(z, { a: 1, b: 2, c: 3 });
    const one = await r.zrandmember(z);
    expect(["a", "b", "c"]).toContain(one);
    expect(await r.zrandmember(k("none"))).toBeNull();
    expect((await r.zrandmember(z, 3)).sort()).toEqual(["a", "b", "c"]);
    expect(await r.zrandmember(z, -4)).toHaveLength(4);
    const pairs = await r.zrandmember(z, 3, true);
    expect(pairs.sort()).toEqual([
      ["a", 1],
      ["b", 2],
      ["c", 3],
    ]);
    expect(await r.zrandmember(z, { count: -2, withscores: true })).toHaveLength(2);
    expect(await r.zrandmember(k("none"), 2, true)).toEqual([]);
    expectTypeOf(pairs).toEqualTypeOf<[string, number][]>();
  });

  test("blocking pops: at once when there is data, null on timeout", async () => {
    const none = k("empty");
    expect(await r.bzpopmin([none, z], 1)).toEqual([z, "d", -Infinity]);
    expect(await r.bzpopmax(z)).toEqual([z, "e", Infinity]);
    expect(await r.bzpopmin(z, { timeout: 1 })).toEqual([z, "a", 1]);
    expect(await r.bzmpop(1, 2, [none, z], { max: true, count: 10 })).toEqual([
      z,
      [
        ["c", 3.5],
        ["b", 2],
      ],
    ]);
    expect(await r.bzpopmin(none, 0.1)).toBeNull();
    expect(await r.bzpopmax([none], 0.1)).toBeNull();
    expect(await r.bzmpop(0.1, 1, none, true)).toBeNull();
    const waiting = r.bzpopmax(none, 0);
    expect(await r.zadd(none, { late: 7 })).toBe(1);
    expect(await waiting).toEqual([none, "late", 7]);
  });

  test("zscan pages through a sorted set", async () => {
    const s = k("scan");
    const mapping: Record<string, number> = {};
    for (let i = 0; i < 300; i++) mapping[`m${i}`] = i / 4;
    await r.zadd(s, mapping);
    const seen: Record<string, number> = {};
    let cursor = 0;
    let calls = 0;
    do {
      const [next, page] = await r.zscan(s, cursor, null, 20);
      for (const [member, score] of page) seen[member] = score;
      cursor = next;
      calls++;
    } while (cursor !== 0);
    expect(calls).toBeGreaterThan(1);
    expect(seen).toEqual(mapping);
    const [c, matched] = await r.zscan(s, { match: "m29?", count: 10_000 });
    expect(c).toBe(0);
    expect(matched.sort()).toEqual(Array.from({ length: 10 }, (_, i) => [`m29${i}`, (290 + i) / 4]));
    expect(await r.zscan(k("none"))).toEqual([0, []]);
  });

  test("members are Buffers without decodeResponses; scores stay numbers", async () => {
    const s = k("bin");
    const bytes = Buffer.from([0, 255, 13, 10]);
    await rb.delete(s);
    await rb.zadd(s, new Map([[bytes, 1.5]]));
    await rb.zadd(s, { x: 2 });
    expect(await rb.zrange(s, 0, -1)).toEqual([bytes, Buffer.from("x")]);
    expect(await rb.zrange(s, 0, -1, { withscores: true })).toEqual([
      [bytes, 1.5],
      [Buffer.from("x"), 2],
    ]);
    expect(await rb.zscore(s, bytes)).toBe(1.5);
    expect(await rb.zincrby(s, 1, "x")).toBe(3);
    expect(await rb.zscan(s)).toEqual([
      0,
      [
        [bytes, 1.5],
        [Buffer.from("x"), 3],
      ],
    ]);
    expect(await rb.zmpop(1, [s], { min: true })).toEqual([Buffer.from(s), [[bytes, 1.5]]]);
    expect(await rb.bzpopmax(s, 1)).toEqual([Buffer.from(s), Buffer.from("x"), 3]);
    const typed = await rb.zrange(s, 0, -1, { withscores: true });
    expectTypeOf(typed).toEqualTypeOf<[Buffer, number][]>();
  });

  test("replies are shaped the same inside a pipeline (transaction)", async () => {
    const results = await r
      .pipeline()
      .zadd(k("pipe"), { a: 1, b: 2 })
      .zrange(k("pipe"), 0, -1, { withscores: true, scoreCastFunc: (s) => s * 10 })
      .zpopmin(k("pipe"))
      .zscore(k("pipe"), "b")
      .zmpop(1, [k("pipe")], { max: true })
      .execute();
    expect(results).toEqual([
      2,
      [
        ["a", 10],
        ["b", 20],
      ],
      [["a", 1]],
      2,
      [k("pipe"), [["b", 2]]],
    ]);
  });

  test("argument errors are DataErrors raised before sending", async () => {
    const s = k("err");
    await r.delete(s);
    await expect(r.zadd(s, {})).rejects.toThrow(/ZADD: 'mapping' must hold at least one member\/score pair/);
    await expect(r.zadd(s, { a: 1 }, { nx: true, xx: true })).rejects.toThrow(/ZADD: 'nx' and 'xx' are mutually exclusive/);
    await expect(r.zadd(s, { a: 1 }, { gt: true, lt: true })).rejects.toThrow(/ZADD: 'gt' and 'lt' are mutually exclusive/);
    await expect(r.zadd(s, { a: 1 }, { nx: true, lt: true })).rejects.toThrow(/ZADD: 'nx' and 'lt' are mutually exclusive/);
    await expect(r.zadd(s, { a: 1, b: 2 }, { incr: true })).rejects.toThrow(/ZADD: 'incr' works with a single member\/score pair only/);
    await expect(r.zadd(s, { a: NaN })).rejects.toThrow(/ZADD: argument 'mapping' must be a number or a string, got NaN/);
    await expect(r.zadd(s, ["a", 1] as never)).rejects.toThrow(/ZADD: argument 'mapping' must be a plain object or a Map/);
    await expect(r.zrange(s, 0, 1, { byscore: true, bylex: true })).rejects.toThrow(/ZRANGE: 'byscore' and 'bylex' are mutually exclusive/);
    await expect(r.zrange(s, 0, 1, { byscore: true, offset: 1 })).rejects.toThrow(/ZRANGE: 'offset' and 'num' must both be given, or neither/);
    await expect(r.zrange(s, "-", "+", { bylex: true, withscores: true })).rejects.toThrow(/ZRANGE: 'bylex' and 'withscores' are mutually exclusive/);
    await expect(r.zrange(s, 0, 1, { withscores: true, scoreCastFunc: "float" as never })).rejects.toThrow(
      /ZRANGE: argument 'scoreCastFunc' must be a function, got a string/,
    );
    await expect(r.zrange(s, {} as never, 1)).rejects.toThrow(/ZRANGE: argument 'start' must be a number or a string, got an object/);
    await expect(r.zrangebyscore(s, 0, 1, { start: 0 })).rejects.toThrow(/ZRANGEBYSCORE: 'start' and 'num' must both be given/);
    await expect(r.zrangebylex(s, "-", "+", null, 2)).rejects.toThrow(/ZRANGEBYLEX: 'start' and 'num' must both be given/);
    await expect(r.zinter([s], "AVG" as never)).rejects.toThrow(/ZINTER: 'aggregate' must be SUM, MIN or MAX/);
    await expect(r.zunion({ [s]: "x" } as never)).rejects.toThrow(/ZUNION: argument 'keys' must be a mapping of keys to numeric weights, got a string/);
    // An object holding a list is no mapping of weights: it is the keyword object (redis-py's zunion(keys=[...], withscores=True)).
    expect(await r.zunion({ keys: [s], withscores: true } as never)).toEqual(await r.zunion([s], { withscores: true }));
    await expect(r.zunionstore(s, [])).rejects.toThrow(/ZUNIONSTORE: 'keys' must not be empty/);
    await expect(r.zinter(true as never)).rejects.toThrow(/ZINTER: argument 'keys' must be a list of keys or a mapping of keys to weights/);
    await expect(r.zmpop(1, [s], {})).rejects.toThrow(/ZMPOP: exactly one of 'min' and 'max' must be set/);
    await expect(r.zmpop(1, [s], { min: true, max: true })).rejects.toThrow(/ZMPOP: exactly one of 'min' and 'max'/);
    await expect(r.zmpop(2, [s], { min: true })).rejects.toThrow(/ZMPOP: 'numKeys' must equal the number of keys given \(1\)/);
    await expect(r.bzmpop(1, 1, [s], { count: 2 })).rejects.toThrow(/BZMPOP: exactly one of 'min' and 'max' must be set/);
    await expect(r.zintercard(2, [s])).rejects.toThrow(/ZINTERCARD: 'numkeys' must equal the number of keys given/);
    await expect(r.zmscore(s, [])).rejects.toThrow(/ZMSCORE: 'members' must not be empty/);
    await expect(r.zrandmember(s, { withscores: true })).rejects.toThrow(/ZRANDMEMBER: 'withscores' needs 'count'/);
    await expect(r.zincrby(s, "one" as never, "a")).rejects.toThrow(/ZINCRBY: argument 'amount' must be a finite number/);
    await expect(r.zscan(s, { scoreCastFunc: 1 as never })).rejects.toThrow(/ZSCAN: argument 'scoreCastFunc' must be a function/);
    await expect(r.bzpopmin([s], -Infinity)).rejects.toThrow(/BZPOPMIN: argument 'timeout' must be a finite number/);
    // redis-py zrem(name, *values) sends ZREM name: the server refuses it
    await expect(r.zrem(s)).rejects.toThrow(/wrong number of arguments/);
    expect(await r.exists(s)).toBe(0);
  });
});
