import { afterAll, beforeAll, describe, expect, expectTypeOf, test } from "vitest";
import { DataError, Redis, ResponseError } from "../../src/index.js";
import { BitFieldOperation, type LcsIdxResult } from "../../src/commands/strings.js";
import { useRedisServer } from "../harness/index.js";

const server = useRedisServer();

describe.each([2, 3] as const)("string and bitmap commands over RESP%i", (protocol) => {
  let r: Redis<string>;
  let rb: Redis<Buffer>;
  const k = (name: string) => `p${protocol}:${name}`;

  beforeAll(() => {
    r = new Redis({ port: server().port, protocol, decodeResponses: true });
    rb = new Redis({ port: server().port, protocol });
  });
  afterAll(async () => {
    await r.close();
    await rb.close();
  });

  test("append, strlen, getrange, substr, setrange", async () => {
    expect(await r.append(k("s"), "Hello")).toBe(5);
    expect(await r.append(k("s"), Buffer.from(" World"))).toBe(11);
    expect(await r.strlen(k("s"))).toBe(11);
    expect(await r.strlen(k("nokey"))).toBe(0);
    expect(await r.getrange(k("s"), 0, 4)).toBe("Hello");
    expect(await r.getrange(k("s"), -5, -1)).toBe("World");
    expect(await rb.getrange(k("s"), 0, 0)).toEqual(Buffer.from("H"));
    expect(await r.getrange(k("nokey"), 0, 5)).toBe("");
    expect(await r.substr(k("s"), 6)).toBe("World");
    expect(await r.substr(k("s"), 0, 1)).toBe("He");
    expect(await r.setrange(k("s"), 6, "Redis")).toBe(11);
    expect(await r.get(k("s"))).toBe("Hello Redis");
    expect(await r.setrange(k("pad"), 3, "x")).toBe(4);
    expect(await rb.get(k("pad"))).toEqual(Buffer.from([0, 0, 0, 0x78]));
  });

  test("get, getdel, getset, getex", async () => {
    await r.set(k("g"), "v1");
    expect(await r.getset(k("g"), "v2")).toBe("v1");
    expect(await r.getset(k("gnew"), "x")).toBeNull();
    expect(await r.getex(k("g"))).toBe("v2");
    expect(await r.ttl(k("g"))).toBe(-1);
    expect(await r.getex(k("g"), { ex: 100 })).toBe("v2");
    expect(await r.ttl(k("g"))).toBeGreaterThan(90);
    expect(await r.getex(k("g"), null, 50_000)).toBe("v2");
    expect(await r.pttl(k("g"))).toBeLessThanOrEqual(50_000);
    const at = Math.floor(Date.now() / 1000) + 1000;
    expect(await r.getex(k("g"), { exat: at })).toBe("v2");
    expect(await r.expiretime(k("g"))).toBe(at);
    expect(await r.getex(k("g"), { exat: new Date((at + 10) * 1000) })).toBe("v2");
    expect(await r.expiretime(k("g"))).toBe(at + 10);
    expect(await r.getex(k("g"), { pxat: at * 1000 + 5 })).toBe("v2");
    expect(await r.pexpiretime(k("g"))).toBe(at * 1000 + 5);
    expect(await r.getex(k("g"), { persist: true })).toBe("v2");
    expect(await r.ttl(k("g"))).toBe(-1);
    expect(await r.getex(k("nokey"), { ex: 10 })).toBeNull();
    expect(await rb.getdel(k("g"))).toEqual(Buffer.from("v2"));
    expect(await r.getdel(k("g"))).toBeNull();
    await expect(r.getex(k("g"), { ex: 1, persist: true })).rejects.toThrow(/GETEX: 'ex' and 'persist' are mutually exclusive/);
    await expect(r.getex(k("g"), { px: 1, pxat: 5 })).rejects.toThrow(/GETEX: 'px' and 'pxat' are mutually exclusive/);
  });

  test("set: options, Date expiry, old value", async () => {
    const key = k("set");
    expect(await r.set(key, "a", { nx: true })).toBe(true);
    expect(await r.set(key, "b", { nx: true })).toBeNull();
    expect(await r.set(key, "c", { xx: true, get: true })).toBe("a");
    expect(await rb.set(key, "d", { get: true })).toEqual(Buffer.from("c"));
    const at = Math.floor(Date.now() / 1000) + 2000;
    expect(await r.set(key, "e", { exat: new Date(at * 1000) })).toBe(true);
    expect(await r.expiretime(key)).toBe(at);
    expect(await r.set(key, "f", { keepttl: true })).toBe(true);
    expect(await r.expiretime(key)).toBe(at);
    expect(await r.set(key, "g", { pxat: new Date(at * 1000 + 7) })).toBe(true);
    expect(await r.pexpiretime(key)).toBe(at * 1000 + 7);
    await expect(r.set(key, "x", { ex: 1, keepttl: true })).rejects.toThrow(/SET: 'ex' and 'keepttl' are mutually exclusive/);
    await expect(r.set(key, "x", { exat: "later" as never })).rejects.toThrow(/SET: argument 'exat' must be an integer or a Date/);
  });

  test("setex, psetex, setnx, mset, msetnx, mget", async () => {
    expect(await r.setex(k("ex"), 100, "v")).toBe(true);
    expect(await r.ttl(k("ex"))).toBeGreaterThan(90);
    expect(await r.psetex(k("pex"), 100_000, "v")).toBe(true);
    expect(await r.pttl(k("pex"))).toBeGreaterThan(90_000);
    expect(await r.setnx(k("nx"), "1")).toBe(true);
    expect(await r.setnx(k("nx"), "2")).toBe(false);
    expect(await r.get(k("nx"))).toBe("1");
    expect(await r.mset({ [k("m1")]: "a", [k("m2")]: 2 })).toBe(true);
    expect(await r.msetnx({ [k("m3")]: "c", [k("m4")]: "d" })).toBe(true);
    expect(
      await r.msetnx(
        new Map([
          [k("m4"), "x"],
          [k("m5"), "y"],
        ]),
      ),
    ).toBe(false);
    expect(await r.mget([k("m1"), k("m2"), k("m3"), k("m4"), k("m5")])).toEqual(["a", "2", "c", "d", null]);
    expect(await rb.mget(k("m1"), k("m3"))).toEqual([Buffer.from("a"), Buffer.from("c")]);
    await expect(r.msetnx({})).rejects.toThrow(/MSETNX: 'mapping' must not be empty/);
    await expect(r.setex(k("ex"), 1.5, "v")).rejects.toThrow(/SETEX: argument 'time' must be an integer/);
    await expect(r.setex(k("ex"), 0, "v")).rejects.toBeInstanceOf(ResponseError);
  });

  test("incr, incrby, decr, decrby, incrbyfloat", async () => {
    const n = k("n");
    expect(await r.incr(n)).toBe(1);
    expect(await r.incrby(n)).toBe(2);
    expect(await r.incrby(n, 10)).toBe(12);
    expect(await r.decr(n)).toBe(11);
    expect(await r.decr(n, 5)).toBe(6);
    expect(await r.decrby(n, 7)).toBe(-1);
    expect(await r.decrby(n)).toBe(-2);
    expect(await r.incr(n, 9007199254740000n)).toBe(9007199254739998);
    expect(await r.incrbyfloat(k("f"))).toBe(1);
    expect(await r.incrbyfloat(k("f"), 0.5)).toBe(1.5);
    expect(await rb.incrbyfloat(k("f"), -3)).toBe(-1.5);
    expect(await r.incrbyfloat(k("f"), 5e3)).toBe(4998.5);
    await r.set(k("text"), "abc");
    await expect(r.incr(k("text"))).rejects.toThrow(/not an integer/);
    await expect(r.decrby(n, 1.5)).rejects.toThrow(/DECRBY: argument 'amount' must be an integer/);
    await expect(r.incrbyfloat(n, Infinity)).rejects.toThrow(/INCRBYFLOAT: argument 'amount' must be a finite number/);
    expectTypeOf(() => r.incrbyfloat("x")).returns.resolves.toEqualTypeOf<number>();
  });

  test("lcs", async () => {
    await r.mset({ [k("l1")]: "ohmytext", [k("l2")]: "mynewtext" });
    expect(await r.lcs(k("l1"), k("l2"))).toBe("mytext");
    expect(await rb.lcs(k("l1"), k("l2"))).toEqual(Buffer.from("mytext"));
    expect(await r.lcs(k("l1"), k("l2"), { len: true })).toBe(6);
    expect(await r.lcs(k("l1"), k("l2"), true)).toBe(6);
    // redis-py test_lcs: idx gives its default shape, [b"matches", [...], b"len", 6], on both protocols
    expect(await r.lcs(k("l1"), k("l2"), { idx: true })).toEqual([
      "matches",
      [
        [
          [4, 7],
          [5, 8],
        ],
        [
          [2, 3],
          [0, 1],
        ],
      ],
      "len",
      6,
    ]);
    expect(await rb.lcs(k("l1"), k("l2"), { idx: true, minmatchlen: 4, withmatchlen: true })).toEqual([
      Buffer.from("matches"),
      [[[4, 7], [5, 8], 4]],
      Buffer.from("len"),
      6,
    ]);
    expect(await r.lcs(k("l1"), k("l2"), false, true, 0, true)).toEqual([
      "matches",
      [
        [[4, 7], [5, 8], 4],
        [[2, 3], [0, 1], 2],
      ],
      "len",
      6,
    ]);
    // redis-py lets the server refuse len with idx
    await expect(r.lcs(k("l1"), k("l2"), { len: true, idx: true })).rejects.toBeInstanceOf(ResponseError);
    expectTypeOf(() => r.lcs("a", "b", { idx: true })).returns.resolves.toEqualTypeOf<LcsIdxResult<string>>();
    expectTypeOf(() => r.lcs("a", "b", { len: true })).returns.resolves.toEqualTypeOf<number>();
  });

  test("setbit, getbit, bitcount, bitpos, bitop", async () => {
    const b = k("bits");
    expect(await r.setbit(b, 7, 1)).toBe(0);
    expect(await r.setbit(b, 7, true)).toBe(1);
    expect(await r.setbit(b, 6, 5)).toBe(0);
    expect(await r.setbit(b, 6, false)).toBe(1);
    expect(await r.getbit(b, 7)).toBe(1);
    expect(await r.getbit(b, 6)).toBe(0);
    expect(await r.getbit(b, 1000)).toBe(0);
    await r.set(b, "foobar");
    expect(await r.bitcount(b)).toBe(26);
    expect(await r.bitcount(b, 1, 1)).toBe(6);
    expect(await r.bitcount(b, { start: 5, end: 30, mode: "BIT" })).toBe(17);
    expect(await r.bitcount(b, 1, 1, "byte")).toBe(6);
    await r.set(k("bp"), Buffer.from([0xff, 0xf0, 0x00]));
    expect(await r.bitpos(k("bp"), 0)).toBe(12);
    expect(await r.bitpos(k("bp"), 1, 2)).toBe(-1);
    expect(await r.bitpos(k("bp"), 1, { start: 1, end: -1 })).toBe(8);
    expect(await r.bitpos(k("bp"), 0, 7, 15, "BIT")).toBe(12);
    await r.mset({ [k("b1")]: "abc", [k("b2")]: Buffer.from([0xff, 0xff, 0xff]) });
    expect(await r.bitop("AND", k("bd"), k("b1"), k("b2"))).toBe(3);
    expect(await r.get(k("bd"))).toBe("abc");
    expect(await r.bitop("xor", k("bd"), k("b1"), k("b2"))).toBe(3);
    expect(await rb.get(k("bd"))).toEqual(Buffer.from([0x9e, 0x9d, 0x9c]));
    expect(await r.bitop("NOT", k("bd"), k("b2"))).toBe(3);
    expect(await rb.get(k("bd"))).toEqual(Buffer.from([0, 0, 0]));
    expect(await r.bitop("OR", k("bd"), k("b1"))).toBe(3);

    await expect(r.bitcount(b, 1)).rejects.toThrow(/BITCOUNT: 'start' and 'end' must both be specified/);
    await expect(r.bitcount(b, { mode: "BIT" })).rejects.toThrow(/BITCOUNT: 'mode' needs 'start' and 'end'/);
    // redis-py test_bitcount_mode: a bad mode is the server's ResponseError
    await expect(r.bitcount(b, 0, 1, "WORD" as never)).rejects.toBeInstanceOf(ResponseError);
    await expect(r.bitpos(b, 2 as never)).rejects.toThrow(/BITPOS: argument 'bit' must be 0 or 1/);
    await expect(r.bitpos(b, 1, { end: 3 })).rejects.toThrow(/BITPOS: 'end' needs 'start'/);
    await expect(r.bitop("NAND" as never, k("bd"), b)).rejects.toThrow(/BITOP: argument 'operation' must be one of AND, OR, XOR, NOT/);
    await expect(r.bitop("NOT", k("bd"), b, b)).rejects.toThrow(/BITOP: NOT takes exactly one source key/);
    await expect(r.bitop("AND", k("bd"))).rejects.toThrow(/BITOP needs at least one key/);
    await expect(r.setbit(b, 0, "1" as never)).rejects.toThrow(/SETBIT: argument 'value' must be a number or a boolean, got a string/);
    await expect(r.getbit(b, -1)).rejects.toBeInstanceOf(ResponseError);
  });

  test("bitfield and bitfield_ro", async () => {
    const f = k("bf");
    expect(
      await r.bitfield(f, [
        ["SET", "u8", 0, 200],
        ["GET", "u8", 0],
        ["INCRBY", "u8", 0, 100],
        ["OVERFLOW", "SAT"],
        ["INCRBY", "u8", 0, 100],
        ["overflow", "fail"],
        ["incrby", "u8", 0, 200],
        ["get", "i4", "#1"],
      ]),
    ).toEqual([0, 200, 44, 144, null, 0]);
    expect(await r.bitfield(f)).toEqual([]);
    expect(
      await r.bitfield(f, [
        ["SET", "i64", 64, -9007199254740991n],
        ["GET", "i64", 64],
      ]),
    ).toEqual([0, -9007199254740991]);
    expect(await r.bitfieldRo(f, "u8", 0)).toEqual([144]);
    expect(
      await r.bitfieldRo(f, "u4", 0, [
        ["u4", 4],
        ["u8", "#0"],
      ]),
    ).toEqual([9, 0, 144]);
    expect(await rb.bitfieldRo(f, "u8", 0, [])).toEqual([144]);

    const op = new BitFieldOperation(r, f, "SAT");
    const result = await op.set("u8", 8, 250).incrby("u8", 8, 10).incrby("u8", 8, 1, "WRAP").get("u8", 8).execute();
    expect(result).toEqual([0, 255, 0, 0]);
    expect(op.operations).toEqual([["OVERFLOW", "SAT"]]);
    expect(new BitFieldOperation(r, f).get("u8", 0).command).toEqual(["BITFIELD", f, "GET", "u8", 0]);
    expect(await new BitFieldOperation(rb, f).get("u8", 8).execute()).toEqual([0]);

    await expect(r.bitfield(f, [["MOVE", "u8", 0] as never])).rejects.toThrow(/BITFIELD: argument 'operations' must be one of GET, SET, INCRBY, OVERFLOW/);
    await expect(r.bitfield(f, [["GET", "u8"] as never])).rejects.toThrow(/BITFIELD: a GET operation takes 2 arguments, got 1/);
    await expect(r.bitfield(f, [["SET", "u8", 0, 1.5]])).rejects.toThrow(/BITFIELD: argument 'value' must be an integer/);
    await expect(r.bitfield(f, [["OVERFLOW", "MAYBE" as never]])).rejects.toThrow(/BITFIELD: argument 'overflow' must be one of WRAP, SAT, FAIL/);
    await expect(r.bitfield(f, "GET u8 0" as never)).rejects.toThrow(/BITFIELD: argument 'operations' must be an array of operations/);
    await expect(r.bitfieldRo(f, "u8", 0, [["u8"]] as never)).rejects.toThrow(/BITFIELD_RO: a GET operation takes 2 arguments/);
    await expect(r.bitfieldRo(f, "u8", null as never)).rejects.toThrow(/BITFIELD_RO missing required argument 'offset'/);
    expect(() => new BitFieldOperation(r, f).overflow("NOPE" as never)).toThrow(DataError);
  });

  test("in a pipeline: the same reply shapes, and BitFieldOperation queues", async () => {
    const pipe = r.pipeline({ transaction: true });
    new BitFieldOperation(pipe, k("pbf")).set("u8", 0, 7).get("u8", 0).execute();
    pipe.set(k("p1"), "1").incrbyfloat(k("p1"), 0.25).setnx(k("p1"), "x").getex(k("p1"), { persist: true });
    pipe.lcs(k("p1"), k("p1"), { idx: true });
    const [bits, ok, float, nx, value, lcs] = await pipe.execute();
    expect(bits).toEqual([0, 7]);
    expect([ok, float, nx, value]).toEqual([true, 1.25, false, "1.25"]);
    expect(lcs).toEqual([
      "matches",
      [
        [
          [0, 3],
          [0, 3],
        ],
      ],
      "len",
      4,
    ]);
  });
});

describe("string commands: argument errors", () => {
  let r: Redis<string>;
  beforeAll(() => {
    r = new Redis({ port: server().port, decodeResponses: true });
  });
  afterAll(() => r.close());

  test.each([
    ["append without a value", () => (r.append as (...a: unknown[]) => Promise<unknown>)("k"), /APPEND missing required argument 'value'/],
    ["getrange with a string index", () => r.getrange("k", "zero" as never, 1), /GETRANGE: argument 'start' must be an integer/],
    ["mget without its keys argument", () => (r.mget as () => Promise<unknown>)(), /MGET missing required argument 'keys'/],
    ["psetex with a float", () => r.psetex("k", 1.5, "v"), /PSETEX: argument 'timeMs' must be an integer/],
    ["set with a boolean value", () => r.set("k", true as never), /SET: argument 'value' must be a string, Buffer or number, got a boolean/],
    ["lcs with a bad minmatchlen", () => r.lcs("a", "b", { idx: true, minmatchlen: "two" as never }), /LCS: argument 'minmatchlen' must be an integer/],
    ["an unknown keyword", () => r.getex("k", { exp: 1 } as never), /GETEX got an unknown keyword argument 'exp'/],
  ])("%s", async (_name, call, message) => {
    const promise = call();
    await expect(promise).rejects.toBeInstanceOf(DataError);
    await expect(promise).rejects.toThrow(message);
  });
});
