import { afterAll, beforeAll, describe, expect, expectTypeOf, test } from "vitest";
import { DataError, Redis } from "../../src/index.js";
import { sleep, useRedisServer } from "../harness/index.js";

const server = useRedisServer();

describe.each([2, 3] as const)("list commands over RESP%i", (protocol) => {
  let r: Redis<string>;
  let rb: Redis<Buffer>;
  const k = (name: string) => `l${protocol}:${name}`;
  beforeAll(() => {
    r = new Redis({ port: server().port, protocol, decodeResponses: true });
    rb = new Redis({ port: server().port, protocol });
  });
  afterAll(async () => {
    await r.close();
    await rb.close();
  });

  test("push, pushx, range, len, index, set, trim, rem, insert", async () => {
    const l = k("basic");
    expect(await r.rpush(l, "b", "c")).toBe(2);
    expect(await r.lpush(l, "a")).toBe(3);
    expect(await r.rpushx(l, "d", 5)).toBe(5);
    expect(await r.lpushx(l, "z")).toBe(6);
    expect(await r.lpushx(k("none"), "x")).toBe(0);
    expect(await r.rpushx(k("none"), "x")).toBe(0);
    expect(await r.lrange(l, 0, -1)).toEqual(["z", "a", "b", "c", "d", "5"]);
    expect(await r.llen(l)).toBe(6);
    expect(await r.lindex(l, 1)).toBe("a");
    expect(await r.lindex(l, -1)).toBe("5");
    expect(await r.lindex(l, 100)).toBeNull();
    expect(await r.lset(l, 0, "y")).toBe(true);
    expect(await r.linsert(l, "BEFORE", "b", "ab")).toBe(7);
    expect(await r.linsert(l, "after", "d", "de")).toBe(8);
    expect(await r.linsert(l, "AFTER", "nope", "x")).toBe(-1);
    expect(await r.linsert(k("none"), "AFTER", "nope", "x")).toBe(0);
    expect(await r.lrange(l, 0, -1)).toEqual(["y", "a", "ab", "b", "c", "d", "de", "5"]);
    expect(await r.ltrim(l, 1, -2)).toBe(true);
    expect(await r.lrange(l, 0, -1)).toEqual(["a", "ab", "b", "c", "d", "de"]);
    await r.rpush(l, "a", "a");
    expect(await r.lrem(l, 1, "a")).toBe(1);
    expect(await r.lrem(l, 0, "a")).toBe(2);
    expect(await r.lrem(l, -1, "zz")).toBe(0);
    expect(await r.lrange(l, 0, -1)).toEqual(["ab", "b", "c", "d", "de"]);
    expect(await r.lrange(k("none"), 0, -1)).toEqual([]);
    expect(await r.llen(k("none"))).toBe(0);
    await expect(r.lset(k("none"), 0, "x")).rejects.toThrow(/no such key/);
  });

  test("lpop and rpop with and without count", async () => {
    const l = k("pop");
    await r.rpush(l, "a", "b", "c", "d", "e");
    expect(await r.lpop(l)).toBe("a");
    expect(await r.rpop(l)).toBe("e");
    expect(await r.lpop(l, 2)).toEqual(["b", "c"]);
    expect(await r.rpop(l, { count: 5 })).toEqual(["d"]);
    expect(await r.lpop(l)).toBeNull();
    expect(await r.rpop(l)).toBeNull();
    expect(await r.lpop(l, 2)).toBeNull();
    expect(await r.rpop(l, 2)).toBeNull();
    const popped = await r.lpop(l, 1);
    expectTypeOf(popped).toEqualTypeOf<string[] | null>();
  });

  test("lpos with rank, count and maxlen", async () => {
    const l = k("pos");
    await r.rpush(l, "a", "b", "c", "b", "d", "b");
    expect(await r.lpos(l, "b")).toBe(1);
    expect(await r.lpos(l, "nope")).toBeNull();
    expect(await r.lpos(l, "b", { rank: 2 })).toBe(3);
    expect(await r.lpos(l, "b", { rank: -1 })).toBe(5);
    expect(await r.lpos(l, "b", { count: 0 })).toEqual([1, 3, 5]);
    expect(await r.lpos(l, "b", { count: 2 })).toEqual([1, 3]);
    expect(await r.lpos(l, "b", { count: 0, maxlen: 4 })).toEqual([1, 3]);
    expect(await r.lpos(l, "nope", { count: 1 })).toEqual([]);
    expect(await r.lpos(l, "b", 2, 5, 0)).toEqual([3, 5]);
    expect(await r.lpos(l, "b", -2)).toBe(3);
  });

  test("lmove, rpoplpush and lmpop", async () => {
    const src = k("msrc");
    const dst = k("mdst");
    await r.rpush(src, "a", "b", "c", "d");
    expect(await r.lmove(src, dst)).toBe("a");
    expect(await r.lmove(src, dst, "RIGHT", "LEFT")).toBe("d");
    expect(await r.lmove(src, dst, { src: "right", dest: "right" })).toBe("c");
    expect(await r.lrange(dst, 0, -1)).toEqual(["d", "a", "c"]);
    expect(await r.rpoplpush(src, dst)).toBe("b");
    expect(await r.rpoplpush(src, dst)).toBeNull();
    expect(await r.lmove(src, dst)).toBeNull();
    expect(await r.lrange(dst, 0, -1)).toEqual(["b", "d", "a", "c"]);
    expect(await r.lmpop(2, src, dst, { direction: "LEFT" })).toEqual([dst, ["b"]]);
    expect(await r.lmpop(2, src, dst, { direction: "RIGHT", count: 2 })).toEqual([dst, ["c", "a"]]);
    expect(await r.lmpop(1, dst, { direction: "left", count: 10 })).toEqual([dst, ["d"]]);
    expect(await r.lmpop(2, src, dst, { direction: "LEFT" })).toBeNull();
  });

  test("values are Buffers without decodeResponses", async () => {
    const l = k("bin");
    const bytes = Buffer.from([0, 255, 13, 10]);
    await rb.rpush(l, bytes, "x");
    expect(await rb.lrange(l, 0, -1)).toEqual([bytes, Buffer.from("x")]);
    expect(await rb.lindex(l, 0)).toEqual(bytes);
    expect(await rb.lpos(l, bytes)).toBe(0);
    expect(await rb.lmpop(1, l, { direction: "RIGHT" })).toEqual([Buffer.from(l), [Buffer.from("x")]]);
    expect(await rb.blpop([l], 1)).toEqual([Buffer.from(l), bytes]);
    const moved = await rb.lmove(k("none"), l);
    expectTypeOf(moved).toEqualTypeOf<Buffer | null>();
  });

  test("blocking pops return at once when data is there", async () => {
    const l = k("bl");
    const other = k("bl2");
    await r.rpush(l, "a", "b", "c", "d", "e", "f");
    expect(await r.blpop([other, l], 1)).toEqual([l, "a"]);
    expect(await r.brpop([other, l])).toEqual([l, "f"]);
    expect(await r.blpop(l, { timeout: 1 })).toEqual([l, "b"]);
    expect(await r.brpoplpush(l, other, 1)).toBe("e");
    expect(await r.blmove(l, other, 1, "LEFT", "LEFT")).toBe("c");
    expect(await r.blmove(l, other, 0)).toBe("d");
    expect(await r.blmpop(1, 2, k("none"), other, { direction: "LEFT", count: 5 })).toEqual([other, ["c", "e", "d"]]);
    expect(await r.llen(l)).toBe(0);
  });

  test("blocking pops time out with null", async () => {
    const none = k("empty");
    expect(await r.blpop([none], 0.1)).toBeNull();
    expect(await r.brpop(none, 0.1)).toBeNull();
    expect(await r.brpoplpush(none, k("dst"), 0.1)).toBeNull();
    expect(await r.blmove(none, k("dst"), 0.1, "RIGHT", "LEFT")).toBeNull();
    expect(await r.blmpop(0.1, 1, none, { direction: "RIGHT" })).toBeNull();
  });

  test("a blocked BLPOP does not stall other commands on the same client", async () => {
    const l = k("wait");
    const popped = r.blpop(l, 0);
    await sleep(50);
    const started = Date.now();
    expect(await r.ping()).toBe(true);
    expect(await r.rpush(k("side"), "x")).toBe(1);
    expect(await r.llen(k("side"))).toBe(1);
    expect(Date.now() - started).toBeLessThan(500);
    expect(await r.rpush(l, "v")).toBe(1);
    expect(await popped).toEqual([l, "v"]);
  });

  test("BLPOP with timeout 1 returns null after about 1s even with socketTimeout 0.5", async () => {
    const client = new Redis({ port: server().port, protocol, decodeResponses: true, socketTimeout: 0.5 });
    try {
      const started = Date.now();
      expect(await client.blpop([k("never")], 1)).toBeNull();
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(900);
      expect(elapsed).toBeLessThan(2500);
      expect(await client.ping()).toBe(true);
    } finally {
      await client.close();
    }
  });

  test("argument errors are DataErrors raised before sending", async () => {
    const l = k("err");
    await expect(r.linsert(l, "MIDDLE" as never, "a", "b")).rejects.toThrow(/LINSERT: 'where' must be one of BEFORE, AFTER/);
    await expect(r.lmove(l, l, "UP" as never)).rejects.toThrow(/LMOVE: 'src' must be one of LEFT, RIGHT/);
    await expect(r.blmove(l, l, 1, "LEFT", "DOWN" as never)).rejects.toThrow(/BLMOVE: 'dest' must be one of LEFT, RIGHT/);
    await expect((r.lmpop as (...a: unknown[]) => Promise<unknown>)(1, l)).rejects.toThrow(/LMPOP missing required argument 'direction'/);
    await expect(r.lmpop(2, l, { direction: "LEFT" })).rejects.toThrow(/LMPOP: 'numkeys' must equal the number of keys given \(1\)/);
    await expect(r.blmpop(1, 1, l, { direction: "SIDEWAYS" as never })).rejects.toThrow(/BLMPOP: 'direction' must be one of LEFT, RIGHT/);
    await expect(r.blpop([], 1)).rejects.toThrow(/BLPOP: 'keys' must not be empty/);
    await expect(r.blpop([l], "soon" as never)).rejects.toThrow(/BLPOP: argument 'timeout' must be a finite number/);
    await expect(r.blpop([{}] as never, 1)).rejects.toThrow(/BLPOP: argument 'keys' must be an array/);
    await expect(r.lrange(l, 0, "x" as never)).rejects.toThrow(/LRANGE: argument 'end' must be an integer/);
    await expect(r.lpush(l)).rejects.toThrow(/LPUSH: 'values' must not be empty/);
    await expect(r.rpush(l, true as never)).rejects.toThrow(/RPUSH: argument 'values' must be a string, Buffer or number, got a boolean/);
    await expect(r.lpos(l, "a", { rnk: 1 } as never)).rejects.toThrow(/LPOS got an unknown keyword argument 'rnk'/);
    const err = await r.lpop(l, 1.5).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).not.toContain("1.5");
    expect(await r.exists(l)).toBe(0);
  });
});
