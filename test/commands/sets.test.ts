import { afterAll, beforeAll, describe, expect, expectTypeOf, test } from "vitest";
import { DataError, Redis } from "../../src/index.js";
import { useRedisServer } from "../harness/index.js";

const server = useRedisServer();

const sorted = <T>(values: T[]): T[] => [...values].sort();

describe.each([2, 3] as const)("set commands over RESP%i", (protocol) => {
  let r: Redis<string>;
  let rb: Redis<Buffer>;
  const k = (name: string) => `s${protocol}:${name}`;
  beforeAll(() => {
    r = new Redis({ port: server().port, protocol, decodeResponses: true });
    rb = new Redis({ port: server().port, protocol });
  });
  afterAll(async () => {
    await r.close();
    await rb.close();
  });

  test("sadd, srem, scard, smembers, sismember, smismember, smove", async () => {
    const s = k("basic");
    expect(await r.sadd(s, "a", "b", "c", 1)).toBe(4);
    expect(await r.sadd(s, "a", "d")).toBe(1);
    expect(await r.scard(s)).toBe(5);
    expect(sorted(await r.smembers(s))).toEqual(["1", "a", "b", "c", "d"]);
    expect(await r.sismember(s, "a")).toBe(true);
    expect(await r.sismember(s, "z")).toBe(false);
    expect(await r.smismember(s, ["a", "z", 1])).toEqual([true, false, true]);
    expect(await r.smismember(s, "z", "b")).toEqual([false, true]);
    expect(await r.srem(s, "a", "z")).toBe(1);
    expect(await r.smove(s, k("other"), "b")).toBe(true);
    expect(await r.smove(s, k("other"), "b")).toBe(false);
    expect(await r.smembers(k("other"))).toEqual(["b"]);
    expect(sorted(await r.smembers(s))).toEqual(["1", "c", "d"]);
    expect(await r.smembers(k("none"))).toEqual([]);
    expect(await r.scard(k("none"))).toBe(0);
  });

  test("sdiff, sinter, sunion and their STORE forms, sintercard", async () => {
    const [a, b, c] = [k("a"), k("b"), k("c")];
    await r.sadd(a, "1", "2", "3", "4");
    await r.sadd(b, "3", "4", "5");
    await r.sadd(c, "4", "6");
    expect(sorted(await r.sdiff([a, b]))).toEqual(["1", "2"]);
    expect(sorted(await r.sdiff(a, b, c))).toEqual(["1", "2"]);
    expect(sorted(await r.sinter([a, b]))).toEqual(["3", "4"]);
    expect(await r.sinter(a, b, c)).toEqual(["4"]);
    expect(sorted(await r.sunion([a, c]))).toEqual(["1", "2", "3", "4", "6"]);
    expect(sorted(await r.sunion(b, c))).toEqual(["3", "4", "5", "6"]);
    expect(await r.sdiffstore(k("d1"), [a, b])).toBe(2);
    expect(await r.sinterstore(k("d2"), a, b)).toBe(2);
    expect(await r.sunionstore(k("d3"), [a, b, c])).toBe(6);
    expect(sorted(await r.smembers(k("d1")))).toEqual(["1", "2"]);
    expect(await r.scard(k("d3"))).toBe(6);
    expect(await r.sintercard(2, [a, b])).toBe(2);
    expect(await r.sintercard(3, [a, b, c])).toBe(1);
    expect(await r.sintercard(2, [a, b], 1)).toBe(1);
    expect(await r.sintercard(2, [a, b], { limit: 0 })).toBe(2);
    expect(await r.sinter([a, k("none")])).toEqual([]);
  });

  test("spop and srandmember with and without a count", async () => {
    const s = k("rand");
    await r.sadd(s, "a", "b", "c");
    const member = await r.srandmember(s);
    expect(["a", "b", "c"]).toContain(member);
    expect(sorted(await r.srandmember(s, 3))).toEqual(["a", "b", "c"]);
    expect(await r.srandmember(s, -5)).toHaveLength(5);
    expect(await r.srandmember(s, { number: -2 })).toHaveLength(2);
    expect(await r.srandmember(k("none"))).toBeNull();
    expect(await r.srandmember(k("none"), 2)).toEqual([]);
    const popped = await r.spop(s);
    expect(["a", "b", "c"]).toContain(popped);
    const rest = await r.spop(s, { count: 5 });
    expect(sorted([popped!, ...rest])).toEqual(["a", "b", "c"]);
    expect(await r.spop(s)).toBeNull();
    expect(await r.spop(s, 2)).toEqual([]);
    expectTypeOf(rest).toEqualTypeOf<string[]>();
  });

  test("sscan pages through a set", async () => {
    const s = k("scan");
    const members = Array.from({ length: 600 }, (_, i) => `m${i}`);
    expect(await r.sadd(s, ...members)).toBe(600);
    const seen = new Set<string>();
    let cursor = 0;
    let calls = 0;
    do {
      const [next, page] = await r.sscan(s, cursor, null, 20);
      for (const m of page) seen.add(m);
      cursor = next;
      calls++;
    } while (cursor !== 0);
    expect(calls).toBeGreaterThan(1);
    expect(sorted([...seen])).toEqual(sorted(members));
    const [c, matched] = await r.sscan(s, { match: "m59?", count: 10_000 });
    expect(c).toBe(0);
    expect(sorted(matched)).toEqual(Array.from({ length: 10 }, (_, i) => `m59${i}`));
    expect(await r.sscan(k("none"))).toEqual([0, []]);
  });

  test("members are Buffers without decodeResponses", async () => {
    const s = k("bin");
    const bytes = Buffer.from([0, 255, 13, 10]);
    await rb.sadd(s, bytes);
    expect(await rb.smembers(s)).toEqual([bytes]);
    expect(await rb.sismember(s, bytes)).toBe(true);
    expect(await rb.sinter(s)).toEqual([bytes]);
    expect(await rb.sscan(s)).toEqual([0, [bytes]]);
    expect(await rb.srandmember(s, 1)).toEqual([bytes]);
    expect(await rb.spop(s)).toEqual(bytes);
  });

  test("argument errors are DataErrors raised before sending", async () => {
    const s = k("err");
    await expect(r.sadd(s)).rejects.toThrow(/SADD: 'values' must not be empty/);
    await expect(r.sadd(s, ["a"] as never)).rejects.toThrow(/SADD: argument 'values' must be a string, Buffer or number, got an array/);
    await expect(r.sdiff([])).rejects.toThrow(/SDIFF: 'keys' must not be empty/);
    await expect(r.sintercard(3, [s, s])).rejects.toThrow(/SINTERCARD: 'numkeys' must equal the number of keys given \(2\)/);
    await expect(r.sintercard(1, [s], -1.5)).rejects.toThrow(/SINTERCARD: argument 'limit' must be an integer/);
    await expect(r.spop(s, "two" as never)).rejects.toThrow(/SPOP: argument 'count' must be an integer/);
    await expect(r.smismember(s, [])).rejects.toThrow(/SMISMEMBER: 'values' must not be empty/);
    await expect(r.sscan(s, { cursor: {} } as never)).rejects.toThrow(/SSCAN: argument 'cursor' must be/);
    await expect(r.srandmember(s, { count: 2 } as never)).rejects.toThrow(/SRANDMEMBER got an unknown keyword argument 'count'/);
    expect(await r.sismember(s, "x").catch(() => "rejected")).toBe(false);
    const err = await r.smove(s, s, null as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect(await r.exists(s)).toBe(0);
  });
});
