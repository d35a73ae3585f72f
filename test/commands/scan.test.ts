import { afterAll, beforeAll, describe, expect, expectTypeOf, test } from "vitest";
import { DataError, Redis } from "../../src/index.js";
import { useRedisServer } from "../harness/index.js";

const server = useRedisServer();

const N = 1200;

async function collect<X>(iterator: AsyncIterable<X>): Promise<X[]> {
  const out: X[] = [];
  for await (const item of iterator) out.push(item);
  return out;
}

describe.each([2, 3] as const)("scan iterators over RESP%i", (protocol) => {
  let r: Redis<string>;
  let rb: Redis<Buffer>;
  const k = (name: string) => `p${protocol}:${name}`;
  const ids = Array.from({ length: N }, (_, i) => i);

  beforeAll(async () => {
    r = new Redis({ port: server().port, protocol, decodeResponses: true });
    rb = new Redis({ port: server().port, protocol });
    // Populated with raw commands so these tests depend on nothing but the iterators.
    for (let i = 0; i < N; i += 200) {
      const chunk = ids.slice(i, i + 200);
      await r.executeCommand("MSET", ...chunk.flatMap((j) => [k(`key:${j}`), String(j)]));
      await r.executeCommand("SADD", k("set"), ...chunk.map((j) => `m${j}`));
      await r.executeCommand("HSET", k("hash"), ...chunk.flatMap((j) => [`f${j}`, `v${j}`]));
      await r.executeCommand("ZADD", k("zset"), ...chunk.flatMap((j) => [j / 2, `z${j}`]));
    }
    await r.executeCommand("RPUSH", k("key:list"), "x");
  });
  afterAll(async () => {
    await r.close();
    await rb.close();
  });

  test("scanIter visits every key (small COUNT), match and type filter", async () => {
    const keys = await collect(r.scanIter({ match: `p${protocol}:key:*`, count: 7 }));
    const unique = new Set(keys);
    expect(unique.size).toBe(N + 1);
    for (const i of ids) expect(unique.has(k(`key:${i}`))).toBe(true);
    expect(unique.has(k("key:list"))).toBe(true);

    expect(await collect(r.scanIter({ match: `p${protocol}:key:*`, count: 50, type: "list" }))).toEqual([k("key:list")]);
    // positional, in redis-py's order: match, count, type
    expect(await collect(r.scanIter(`p${protocol}:key:11?`, 100))).toHaveLength(10);
    const buffers = await collect(rb.scanIter(`p${protocol}:key:list`, null, "list"));
    expect(buffers).toEqual([Buffer.from(k("key:list"))]);
    expectTypeOf(() => r.scanIter()).returns.toEqualTypeOf<AsyncGenerator<string, void, undefined>>();
    expectTypeOf(() => rb.scanIter()).returns.toEqualTypeOf<AsyncGenerator<Buffer, void, undefined>>();
  });

  test("sscanIter visits every member", async () => {
    const members = new Set(await collect(r.sscanIter(k("set"), { count: 5 })));
    expect(members).toEqual(new Set(ids.map((i) => `m${i}`)));
    expect((await collect(r.sscanIter(k("set"), "m10?"))).sort()).toEqual(ids.filter((i) => i >= 100 && i < 110).map((i) => `m${i}`));
    const raw = await collect(rb.sscanIter(k("set"), { match: "m7", count: 1000 }));
    expect(raw).toEqual([Buffer.from("m7")]);
    expect(await collect(r.sscanIter(k("nokey")))).toEqual([]);
  });

  test("hscanIter yields [field, value] pairs", async () => {
    const pairs = await collect(r.hscanIter(k("hash"), { count: 5 }));
    const map = new Map(pairs);
    expect(map.size).toBe(N);
    for (const i of ids) expect(map.get(`f${i}`)).toBe(`v${i}`);
    expect(await collect(r.hscanIter(k("hash"), "f42"))).toEqual([["f42", "v42"]]);
    expect(await collect(rb.hscanIter(k("hash"), { match: "f43", count: 2000 }))).toEqual([["f43", Buffer.from("v43")]]);
    expectTypeOf(() => rb.hscanIter("h")).returns.toEqualTypeOf<AsyncGenerator<[string, Buffer], void, undefined>>();
  });

  test("zscanIter yields [member, score] pairs, scores cast with scoreCastFunc", async () => {
    const pairs = await collect(r.zscanIter(k("zset"), { count: 5 }));
    const map = new Map(pairs);
    expect(map.size).toBe(N);
    for (const i of ids) expect(map.get(`z${i}`)).toBe(i / 2);
    expect(await collect(r.zscanIter(k("zset"), { match: "z7", scoreCastFunc: (s) => `#${Number(s)}` }))).toEqual([["z7", "#3.5"]]);
    expect(await collect(rb.zscanIter(k("zset"), "z9", 1000))).toEqual([[Buffer.from("z9"), 4.5]]);
    const cast = r.zscanIter(k("zset"), "z8", null, (s) => Math.round(Number(s)));
    expectTypeOf(cast).toEqualTypeOf<AsyncGenerator<[string, number], void, undefined>>();
    expect(await collect(cast)).toEqual([["z8", 4]]);
  });

  test("an iterator can stop early", async () => {
    const seen: string[] = [];
    for await (const key of r.scanIter({ match: `p${protocol}:key:*`, count: 10 })) {
      seen.push(key);
      if (seen.length === 3) break;
    }
    expect(seen).toHaveLength(3);
  });

  test("argument errors are thrown at the call, before anything is sent", () => {
    expect(() => r.scanIter({ pattern: "x" } as never)).toThrow(/scanIter got an unknown keyword argument 'pattern'/);
    expect(() => r.scanIter({ count: 0 })).toThrow(/scanIter: argument 'count' must be a positive integer$/);
    expect(() => (r.scanIter as (...a: unknown[]) => unknown)("a", 1, "hash", "extra")).toThrow(/scanIter takes at most 3 positional arguments, got 4/);
    expect(() => r.sscanIter(k("set"), { count: 2.5 })).toThrow(/sscanIter: argument 'count' must be a positive integer$/);
    expect(() => r.scanIter({ match: [] as never })).toThrow(/scanIter: argument 'match' must be a string, Buffer or number, got an array/);
    expect(() => r.sscanIter(undefined as never)).toThrow(/sscanIter missing required argument 'name'/);
    expect(() => (r.hscanIter as (...a: unknown[]) => unknown)(k("hash"), "f1", { match: "f2" })).toThrow(/hscanIter got multiple values for argument 'match'/);
    expect(() => r.zscanIter(k("zset"), { scoreCastFunc: 3 as never })).toThrow(DataError);
    expect(() => r.zscanIter(k("zset"), { scoreCastFunc: 3 as never })).toThrow(/zscanIter: argument 'scoreCastFunc' must be a function/);
  });
});
