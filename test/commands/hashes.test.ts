import { afterAll, beforeAll, describe, expect, expectTypeOf, test } from "vitest";
import { DataError, Redis } from "../../src/index.js";
import { useRedisServer } from "../harness/index.js";

const server = useRedisServer();

describe.each([2, 3] as const)("hash commands over RESP%i", (protocol) => {
  let r: Redis<string>;
  let rb: Redis<Buffer>;
  const k = (name: string) => `h${protocol}:${name}`;
  beforeAll(() => {
    r = new Redis({ port: server().port, protocol, decodeResponses: true });
    rb = new Redis({ port: server().port, protocol });
  });
  afterAll(async () => {
    await r.close();
    await rb.close();
  });

  test("hgetall with Buffer replies: names as strings (as Buffer#toString decodes them), values as Buffers, every field of a hash read in many socket chunks", async () => {
    const h = k("big");
    const fields = new Map<Buffer, Buffer>();
    // names of varied lengths, so that socket reads cut some of them; one not valid UTF-8, one `__proto__`
    for (let i = 0; i < 3000; i++) fields.set(Buffer.from(`field:${"x".repeat(i % 37)}:${i}`), Buffer.from(`value:${i}`));
    fields.set(Buffer.from([0x66, 0xff, 0xfe]), Buffer.from([0, 1, 2]));
    fields.set(Buffer.from("__proto__"), Buffer.from("p"));
    await rb.hset(h, { mapping: fields });
    const got = (await rb.hgetall(h)) as Record<string, unknown>;
    const raw = await rb.executeCommand("HGETALL", h);
    const pairs: [Buffer, Buffer][] = raw instanceof Map ? [...raw] : [];
    if (Array.isArray(raw)) for (let i = 0; i < raw.length; i += 2) pairs.push([raw[i] as Buffer, raw[i + 1] as Buffer]);
    expect(pairs).toHaveLength(fields.size);
    expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
    expect(Object.keys(got)).toHaveLength(fields.size);
    for (const [name, value] of pairs) {
      expect(Buffer.isBuffer(name) && Buffer.isBuffer(value)).toBe(true);
      const v = got[name.toString()];
      expect(Buffer.isBuffer(v) && v.equals(value)).toBe(true);
    }
    expect(got[Buffer.from([0x66, 0xff, 0xfe]).toString()]).toEqual(Buffer.from([0, 1, 2]));
    expect(Object.hasOwn(got, "__proto__")).toBe(true);
    // In a pipeline the same reply makes the same object.
    const [again] = await rb.pipeline().hgetall(h).execute();
    expect(again).toEqual(got);
  });

  test("hset in all its forms, hget, hgetall, hlen, hkeys, hvals", async () => {
    const h = k("set");
    expect(await r.hset(h, "a", "1")).toBe(1);
    expect(await r.hset(h, "a", "2")).toBe(0);
    expect(await r.hset(h, { mapping: { b: 2, c: Buffer.from("3") } })).toBe(2);
    expect(await r.hset(h, { items: ["d", "4", "e", 5] })).toBe(2);
    expect(await r.hset(h, "f", 6, { mapping: { g: "7" }, items: ["h", "8"] })).toBe(3);
    // A plain object of values is the mapping (the rule of every mapping position): { key, value } sets fields "key" and "value".
    expect(await r.hset(k("kv"), { key: "i", value: "9" })).toBe(2);
    expect(await r.hgetall(k("kv"))).toEqual({ key: "i", value: "9" });
    expect(await r.hset(h, { i: "9" })).toBe(1);
    expect(
      await r.hset(
        h,
        null,
        null,
        new Map<string | Buffer, string>([
          ["j", "10"],
          [Buffer.from("k"), "11"],
        ]),
      ),
    ).toBe(2);
    expect(await r.hset(h, null, null, null, ["l", "12"])).toBe(1);
    expect(await r.hget(h, "a")).toBe("2");
    expect(await r.hget(h, "nope")).toBeNull();
    expect(await r.hget(k("none"), "a")).toBeNull();
    expect(await r.hlen(h)).toBe(12);
    expect(await r.hgetall(h)).toEqual({
      a: "2",
      b: "2",
      c: "3",
      d: "4",
      e: "5",
      f: "6",
      g: "7",
      h: "8",
      i: "9",
      j: "10",
      k: "11",
      l: "12",
    });
    expect((await r.hkeys(h)).sort()).toEqual(["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"]);
    expect((await r.hvals(h)).map(Number).sort((x, y) => x - y)).toEqual([2, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(await r.hgetall(k("none"))).toEqual({});
    expect(await r.hkeys(k("none"))).toEqual([]);
  });

  test("values are Buffers without decodeResponses; field names of objects are strings", async () => {
    const h = k("bin");
    const bytes = Buffer.from([0, 255, 13, 10]);
    await rb.hset(h, { mapping: new Map([[bytes, bytes]]) });
    await rb.hset(h, "x", "y");
    const all = await rb.hgetall(h);
    expect(all).toEqual({ [bytes.toString()]: bytes, x: Buffer.from("y") });
    expect(await rb.hget(h, bytes)).toEqual(bytes);
    expect(await rb.hmget(h, ["x", "nope"])).toEqual([Buffer.from("y"), null]);
    expect((await rb.hkeys(h)).every((v) => Buffer.isBuffer(v))).toBe(true);
    expect(await rb.hvals(h)).toContainEqual(bytes);
    const [cursor, page] = await rb.hscan(h);
    expect(cursor).toBe(0);
    expect(page).toEqual({ [bytes.toString()]: bytes, x: Buffer.from("y") });
    expect(await rb.hrandfield(h, 5, true)).toHaveLength(2);
    expectTypeOf(all).toEqualTypeOf<Record<string, Buffer>>();
  });

  test("hdel, hexists, hsetnx, hstrlen, hmget, hmset", async () => {
    const h = k("misc");
    expect(await r.hmset(h, { a: "1", b: "22", c: "333" })).toBe(true);
    expect(await r.hmset(h, new Map([["d", 4]]))).toBe(true);
    expect(await r.hexists(h, "a")).toBe(true);
    expect(await r.hexists(h, "z")).toBe(false);
    expect(await r.hsetnx(h, "a", "x")).toBe(0);
    expect(await r.hsetnx(h, "z", "x")).toBe(1);
    expect(await r.hstrlen(h, "c")).toBe(3);
    expect(await r.hstrlen(h, "nope")).toBe(0);
    expect(await r.hmget(h, ["a", "b", "nope"])).toEqual(["1", "22", null]);
    expect(await r.hmget(h, "a", "c")).toEqual(["1", "333"]);
    expect(await r.hmget(h, "d")).toEqual(["4"]);
    expect(await r.hdel(h, "a", "b", "nope")).toBe(2);
    expect(await r.hdel(h, "a")).toBe(0);
    expect(await r.hgetall(h)).toEqual({ c: "333", d: "4", z: "x" });
  });

  test("hincrby and hincrbyfloat", async () => {
    const h = k("incr");
    expect(await r.hincrby(h, "n")).toBe(1);
    expect(await r.hincrby(h, "n", 10)).toBe(11);
    expect(await r.hincrby(h, "n", { amount: -20 })).toBe(-9);
    expect(await r.hincrby(h, "big", 2n ** 40n)).toBe(2 ** 40);
    expect(await r.hincrbyfloat(h, "f")).toBe(1);
    expect(await r.hincrbyfloat(h, "f", 0.5)).toBe(1.5);
    expect(await r.hincrbyfloat(h, "f", { amount: -3 })).toBe(-1.5);
    expect(await rb.hincrbyfloat(h, "f", 1e3)).toBe(998.5);
  });

  test("hrandfield with and without count and values", async () => {
    const h = k("rand");
    await r.hset(h, { mapping: { a: "1", b: "2", c: "3" } });
    const one = await r.hrandfield(h);
    expect(["a", "b", "c"]).toContain(one);
    expect(await r.hrandfield(k("none"))).toBeNull();
    expect((await r.hrandfield(h, 3)).sort()).toEqual(["a", "b", "c"]);
    expect(await r.hrandfield(h, -5)).toHaveLength(5);
    const pairs = await r.hrandfield(h, 3, true);
    expect(pairs.sort()).toEqual([
      ["a", "1"],
      ["b", "2"],
      ["c", "3"],
    ]);
    const viaKeywords = await r.hrandfield(h, { count: 2, withvalues: true });
    expect(viaKeywords).toHaveLength(2);
    for (const [field, value] of viaKeywords) expect(await r.hget(h, field)).toBe(value);
    expect(await r.hrandfield(k("none"), 2, true)).toEqual([]);
    expect(await r.hrandfield(k("none"), 2)).toEqual([]);
    expectTypeOf(pairs).toEqualTypeOf<[string, string][]>();
  });

  test("hscan pages through a hash", async () => {
    const h = k("scan");
    const mapping: Record<string, string> = {};
    for (let i = 0; i < 600; i++) mapping[`f${i}`] = `v${i}`;
    await r.hset(h, { mapping });
    expect(await r.executeCommand("OBJECT", "ENCODING", h)).toBe("hashtable");
    const seen: Record<string, string> = {};
    let cursor = 0;
    let calls = 0;
    do {
      const [next, page] = await r.hscan(h, cursor, null, 50);
      Object.assign(seen, page);
      cursor = next;
      calls++;
    } while (cursor !== 0);
    expect(calls).toBeGreaterThan(1);
    expect(seen).toEqual(mapping);
    const [c, matched] = await r.hscan(h, { match: "f29?", count: 1000 });
    expect(c).toBe(0);
    expect(matched).toEqual(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`f29${i}`, `v29${i}`])));
    expect(await r.hscan(k("none"))).toEqual([0, {}]);
  });

  test("argument errors are DataErrors raised before sending", async () => {
    const h = k("err");
    await expect(r.hset(h, {})).rejects.toThrow(/HSET: no field\/value pairs given/);
    await expect(r.hset(h, "a", undefined as never, { items: [] })).rejects.toThrow(/HSET: 'key' was given without a 'value'/);
    await expect(r.hset(h, { items: ["a"] })).rejects.toThrow(/HSET: 'items' must hold an even number/);
    await expect(r.hset(h, { items: [true] as never })).rejects.toThrow(/HSET: argument 'items' must be/);
    await expect(r.hset(h, { mapping: [] as never })).rejects.toThrow(/HSET: argument 'mapping' must be a plain object or a Map/);
    await expect(r.hset(h, { mapping: { a: {} } as never })).rejects.toThrow(DataError);
    await expect(r.hmset(h, {})).rejects.toThrow(/HMSET: 'mapping' must not be empty/);
    await expect(r.hmset(h, "a" as never)).rejects.toThrow(/HMSET: argument 'mapping' must be a plain object or a Map/);
    await expect(r.hrandfield(h, { withvalues: true })).rejects.toThrow(/HRANDFIELD: 'withvalues' needs 'count'/);
    await expect(r.hincrby(h, "n", 1.5)).rejects.toThrow(/HINCRBY: argument 'amount' must be an integer/);
    await expect(r.hdel(h)).rejects.toThrow(/HDEL: 'keys' must not be empty/);
    await expect(r.hget(h, ["a"] as never)).rejects.toThrow(/HGET: argument 'key' must be/);
    await expect(r.hscan(h, { cursor: 0, matc: "x" } as never)).rejects.toThrow(/HSCAN got an unknown keyword argument 'matc'/);
    for (const err of await Promise.all([r.hset(h, {}).catch((e: unknown) => e), r.hmset(h, {}).catch((e: unknown) => e)])) {
      expect(err).toBeInstanceOf(DataError);
    }
    expect(await r.exists(h)).toBe(0);
  });
});
