import { afterAll, beforeAll, describe, expect, expectTypeOf, test } from "vitest";
import { DataError, Redis, ResponseError } from "../../src/index.js";
import { useRedisServer } from "../harness/index.js";

const server = useRedisServer();
const target = useRedisServer();
const guarded = useRedisServer({ password: "migrate-pw" });

describe.each([2, 3] as const)("generic commands over RESP%i", (protocol) => {
  let r: Redis<string>;
  let rb: Redis<Buffer>;
  const k = (name: string) => `p${protocol}:${name}`;
  const on = (db: number) => new Redis({ port: server().port, protocol, db, decodeResponses: true });

  beforeAll(() => {
    r = new Redis({ port: server().port, protocol, decodeResponses: true });
    rb = new Redis({ port: server().port, protocol });
  });
  afterAll(async () => {
    await r.close();
    await rb.close();
  });

  test("delete, exists, unlink, touch, type, keys", async () => {
    await r.mset({ [k("a")]: "1", [k("b")]: "2", [k("c")]: "3", [k("d")]: "4" });
    expect(await r.exists(k("a"), k("b"), k("zz"), k("a"))).toBe(3);
    expect(await r.exists([k("a")])).toBe(1);
    expect(await r.touch(k("a"), k("zz"))).toBe(1);
    expect(await r.touch([k("a"), k("b")])).toBe(2);
    expect(await r.type(k("a"))).toBe("string");
    expect(await r.type(k("zz"))).toBe("none");
    expect(await rb.type(k("a"))).toEqual(Buffer.from("string"));
    expect((await r.keys(`p${protocol}:[ab]`)).sort()).toEqual([k("a"), k("b")]);
    expect(await rb.keys(k("c"))).toEqual([Buffer.from(k("c"))]);
    expect((await r.keys()).length).toBeGreaterThanOrEqual(4);
    expect(await r.unlink(k("c"), k("zz"))).toBe(1);
    expect(await r.unlink([k("d")])).toBe(1);
    expect(await r.delete(k("a"), k("b"))).toBe(2);
    expect(await r.exists(k("a"), k("b"), k("c"), k("d"))).toBe(0);
    expectTypeOf(() => r.keys()).returns.resolves.toEqualTypeOf<string[]>();
    expectTypeOf(() => rb.type("x")).returns.resolves.toEqualTypeOf<Buffer>();
  });

  test("expire, expireat, pexpire, pexpireat, ttl, pttl, expiretime, pexpiretime, persist", async () => {
    const key = k("ttl");
    await r.set(key, "v");
    expect(await r.ttl(key)).toBe(-1);
    expect(await r.pttl(key)).toBe(-1);
    expect(await r.expiretime(key)).toBe(-1);
    expect(await r.pexpiretime(key)).toBe(-1);
    expect(await r.expire(key, 100, { xx: true })).toBe(false);
    expect(await r.expire(key, 100, { nx: true })).toBe(true);
    expect(await r.expire(key, 200, { nx: true })).toBe(false);
    expect(await r.expire(key, 200, { xx: true, gt: true })).toBe(true);
    expect(await r.expire(key, 150, false, false, true)).toBe(false);
    expect(await r.expire(key, 150, false, false, false, true)).toBe(true);
    expect(await r.ttl(key)).toBeGreaterThan(140);
    expect(await r.ttl(key)).toBeLessThanOrEqual(150);

    const at = Math.floor(Date.now() / 1000) + 1000;
    expect(await r.expireat(key, at)).toBe(true);
    expect(await r.expiretime(key)).toBe(at);
    expect(await r.expireat(key, at - 10, { gt: true })).toBe(false);
    expect(await r.expireat(key, new Date((at + 500) * 1000))).toBe(true);
    expect(await r.expiretime(key)).toBe(at + 500);

    expect(await r.pexpire(key, 50_000)).toBe(true);
    expect(await r.pttl(key)).toBeGreaterThan(49_000);
    expect(await r.pexpire(key, 60_000, { lt: true })).toBe(false);
    const pat = Date.now() + 900_000;
    expect(await r.pexpireat(key, pat)).toBe(true);
    expect(await r.pexpiretime(key)).toBe(pat);
    expect(await r.pexpireat(key, new Date(pat + 1234), { xx: true })).toBe(true);
    expect(await r.pexpiretime(key)).toBe(pat + 1234);

    expect(await r.persist(key)).toBe(true);
    expect(await r.persist(key)).toBe(false);
    expect(await r.ttl(key)).toBe(-1);
    expect(await r.expire(k("nokey"), 10)).toBe(false);
    expect(await r.ttl(k("nokey"))).toBe(-2);
    expect(await r.pttl(k("nokey"))).toBe(-2);
    expect(await r.expiretime(k("nokey"))).toBe(-2);
    expect(await r.pexpiretime(k("nokey"))).toBe(-2);
  });

  test("expire option checks", async () => {
    await expect(r.expire("k", 1, { nx: true, xx: true })).rejects.toThrow(/EXPIRE: 'nx' and 'xx' are mutually exclusive/);
    await expect(r.pexpire("k", 1, { nx: true, lt: true })).rejects.toThrow(/PEXPIRE: 'nx' and 'lt' are mutually exclusive/);
    await expect(r.expireat("k", 1, { gt: true, lt: true })).rejects.toThrow(/EXPIREAT: 'gt' and 'lt' are mutually exclusive/);
    await expect(r.expireat("k", "soon" as never)).rejects.toThrow(/EXPIREAT: argument 'when' must be an integer or a Date, got a string/);
    await expect(r.pexpireat("k", new Date(NaN))).rejects.toThrow(/PEXPIREAT: argument 'when' is an invalid Date/);
    await expect(r.expire("k", 1.5)).rejects.toThrow(/EXPIRE: argument 'time' must be an integer/);
    await expect(r.expire("k", 1, { nx: 1 } as never)).rejects.toBeInstanceOf(DataError);
  });

  test("rename, renamenx, copy, move", async () => {
    await r.set(k("src"), "v");
    expect(await r.rename(k("src"), k("dst"))).toBe(true);
    expect(await r.get(k("dst"))).toBe("v");
    await expect(r.rename(k("src"), k("dst"))).rejects.toBeInstanceOf(ResponseError);
    await r.set(k("other"), "o");
    expect(await r.renamenx(k("dst"), k("other"))).toBe(false);
    expect(await r.renamenx(k("dst"), k("fresh"))).toBe(true);

    expect(await r.copy(k("fresh"), k("copy"))).toBe(true);
    expect(await r.copy(k("fresh"), k("copy"))).toBe(false);
    await r.set(k("fresh"), "v2");
    expect(await r.copy(k("fresh"), k("copy"), { replace: true })).toBe(true);
    expect(await r.get(k("copy"))).toBe("v2");
    expect(await r.copy(k("fresh"), k("copy"), null, true)).toBe(true);
    expect(await r.copy(k("fresh"), k("indb2"), { destinationDb: 2 })).toBe(true);
    const db2 = on(2);
    const db1 = on(1);
    try {
      expect(await db2.get(k("indb2"))).toBe("v2");
      expect(await r.move(k("copy"), 1)).toBe(true);
      expect(await r.move(k("copy"), 1)).toBe(false);
      expect(await db1.get(k("copy"))).toBe("v2");
      expect(await r.exists(k("copy"))).toBe(0);
    } finally {
      await db1.close();
      await db2.close();
    }
  });

  test("randomkey", async () => {
    await r.set(k("rand"), "x");
    expect(typeof (await r.randomkey())).toBe("string");
    expect(Buffer.isBuffer(await rb.randomkey())).toBe(true);
    const empty = on(9);
    try {
      expect(await empty.randomkey()).toBeNull();
    } finally {
      await empty.close();
    }
  });

  test("dump and restore: the payload is a Buffer even with decodeResponses", async () => {
    await r.executeCommand("RPUSH", k("list"), "a", "b", "\u00e9");
    const payload = await r.dump(k("list"));
    expect(Buffer.isBuffer(payload)).toBe(true);
    expect(payload).toEqual(await rb.dump(k("list")));
    expect(await r.dump(k("nokey"))).toBeNull();
    expectTypeOf(() => r.dump("x")).returns.resolves.toEqualTypeOf<Buffer | null>();

    expect(await r.restore(k("restored"), 0, payload!)).toBe("OK");
    expect(await r.executeCommand("LRANGE", k("restored"), 0, -1)).toEqual(["a", "b", "\u00e9"]);
    await expect(r.restore(k("restored"), 0, payload!)).rejects.toThrow(/BUSYKEY/);
    expect(await r.restore(k("restored"), 100_000, payload!, { replace: true })).toBe("OK");
    expect(await r.pttl(k("restored"))).toBeGreaterThan(90_000);
    const at = Date.now() + 500_000;
    expect(await rb.restore(k("restored"), at, payload!, true, true)).toEqual(Buffer.from("OK"));
    expect(await r.pexpiretime(k("restored"))).toBe(at);
    expect(await r.restore(k("restored"), 0, payload!, { replace: true, idletime: 1000 })).toBe("OK");
    expect(await r.objectIdletime(k("restored"))).toBeGreaterThanOrEqual(1000);
    expect(await r.restore(k("restored"), 0, payload!, { replace: true, frequency: 5 })).toBe("OK");
  });

  test("object and its subcommands", async () => {
    await r.set(k("num"), 12345);
    await r.set(k("str"), "hello world");
    expect(await r.objectEncoding(k("num"))).toBe("int");
    expect(await r.object("encoding", k("str"))).toBe("embstr");
    expect(await r.object("ENCODING", k("nokey"))).toBeNull();
    expect(await rb.objectEncoding(k("num"))).toEqual(Buffer.from("int"));
    expect(await r.objectRefcount(k("str"))).toBe(1);
    expect(await r.object("refcount", k("str"))).toBe(1);
    expect(await r.objectIdletime(k("str"))).toBeGreaterThanOrEqual(0);
    expect(await r.object("idletime", k("str"))).toBeGreaterThanOrEqual(0);
    expect(await r.objectIdletime(k("nokey"))).toBeNull();
    await expect(r.objectFreq(k("str"))).rejects.toThrow(/LFU maxmemory policy is not selected/);
    await r.executeCommand("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu");
    try {
      expect(await r.objectFreq(k("str"))).toBeGreaterThanOrEqual(0);
      expect(await r.object("freq", k("str"))).toBeGreaterThanOrEqual(0);
    } finally {
      await r.executeCommand("CONFIG", "SET", "maxmemory-policy", "noeviction");
    }
    const help = await rb.objectHelp();
    expect(help[0]).toMatch(/^OBJECT <subcommand>/);
    expect(help.every((line) => typeof line === "string")).toBe(true);
    await expect(r.object("bogus" as never, k("str"))).rejects.toThrow(/OBJECT: argument 'infotype' must be one of ENCODING, FREQ, IDLETIME, REFCOUNT/);
    await expect(r.object(1 as never, k("str"))).rejects.toBeInstanceOf(DataError);
    expectTypeOf(() => r.object("encoding", "k")).returns.resolves.toEqualTypeOf<string | null>();
    expectTypeOf(() => r.object("refcount", "k")).returns.resolves.toEqualTypeOf<number | null>();
  });

  test("scan", async () => {
    const keys = Array.from({ length: 30 }, (_, i) => k(`scan:${i}`));
    await r.mset(Object.fromEntries(keys.map((key) => [key, "x"])));
    await r.executeCommand("RPUSH", k("scan:list"), "a");
    const seen = new Set<string>();
    let cursor = 0;
    do {
      const [next, page] = await r.scan(cursor, { match: `p${protocol}:scan:*`, count: 5 });
      expect(typeof next).toBe("number");
      page.forEach((key) => seen.add(key));
      cursor = next;
    } while (cursor !== 0);
    expect([...seen].sort()).toEqual([...keys, k("scan:list")].sort());

    const lists: string[] = [];
    cursor = 0;
    do {
      const [next, page] = await r.scan({ cursor, match: `p${protocol}:scan:*`, count: 1000, type: "list" });
      lists.push(...page);
      cursor = next;
    } while (cursor !== 0);
    expect(lists).toEqual([k("scan:list")]);

    const [, first] = await rb.scan(0, `p${protocol}:scan:list`, 10_000, "list");
    expect(first).toEqual([Buffer.from(k("scan:list"))]);
    const [c] = await r.scan();
    expect(Number.isInteger(c)).toBe(true);
    await expect(r.scan(0, { count: "five" as never })).rejects.toThrow(/SCAN: argument 'count' must be an integer/);
  });

  test("sort and sort_ro", async () => {
    const list = k("sort:list");
    await r.executeCommand("RPUSH", list, "3", "1", "2", "10");
    await r.mset({
      [k("sort:w_1")]: "40",
      [k("sort:w_2")]: "30",
      [k("sort:w_3")]: "20",
      [k("sort:w_10")]: "10",
      [k("sort:n_1")]: "one",
      [k("sort:n_2")]: "two",
      [k("sort:n_3")]: "three",
    });
    expect(await r.sort(list)).toEqual(["1", "2", "3", "10"]);
    expect(await r.sort(list, { desc: true })).toEqual(["10", "3", "2", "1"]);
    expect(await r.sort(list, { alpha: true })).toEqual(["1", "10", "2", "3"]);
    expect(await r.sort(list, { start: 1, num: 2 })).toEqual(["2", "3"]);
    expect(await r.sort(list, 1, 2, null, null, true)).toEqual(["3", "2"]);
    expect(await r.sort(list, { by: k("sort:w_*") })).toEqual(["10", "3", "2", "1"]);
    expect(await r.sort(list, { get: k("sort:n_*") })).toEqual(["one", "two", "three", null]);
    expect(await r.sort(list, { get: ["#", k("sort:n_*")], groups: true })).toEqual([
      ["1", "one"],
      ["2", "two"],
      ["3", "three"],
      ["10", null],
    ]);
    expect(await rb.sort(list, { start: 0, num: 1 })).toEqual([Buffer.from("1")]);
    expect(await r.sort(list, { store: k("sort:out"), desc: true })).toBe(4);
    expect(await r.executeCommand("LRANGE", k("sort:out"), 0, -1)).toEqual(["10", "3", "2", "1"]);
    expect(await r.sort(k("sort:nokey"))).toEqual([]);

    expect(await r.sortRo(list)).toEqual(["1", "2", "3", "10"]);
    expect(await r.sortRo(list, { desc: true, start: 0, num: 2 })).toEqual(["10", "3"]);
    expect(await r.sortRo(list, null, null, k("sort:w_*"), "#")).toEqual(["10", "3", "2", "1"]);
    expect(await r.sortRo(list, { get: [k("sort:n_*")], alpha: true })).toEqual(["one", null, "two", "three"]);

    await expect(r.sort(list, { start: 1 })).rejects.toThrow(/SORT: 'start' and 'num' must both be specified/);
    await expect(r.sortRo(list, { num: 1 })).rejects.toThrow(/SORT_RO: 'start' and 'num' must both be specified/);
    await expect(r.sort(list, { get: "#", groups: true })).rejects.toThrow(/SORT: with 'groups', 'get' must be given/);
    await expect(r.sort(list, { groups: true })).rejects.toBeInstanceOf(DataError);
    expectTypeOf(() => r.sort(list, { store: "x" })).returns.resolves.toEqualTypeOf<number>();
    expectTypeOf(() => r.sort(list, { get: ["#", "y"], groups: true })).returns.resolves.toEqualTypeOf<(string | null)[][]>();
  });

  test("wait (a blocking command)", async () => {
    await r.set(k("wait"), "1");
    expect(await r.wait(0, 0)).toBe(0);
    const started = Date.now();
    expect(await r.wait(1, 150)).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    await expect(r.wait(1, 0.5)).rejects.toThrow(/WAIT: argument 'timeout' must be an integer/);
  });

  test("migrate", async () => {
    const dest = new Redis({ port: target().port, protocol, decodeResponses: true });
    const secured = new Redis({ port: guarded().port, password: "migrate-pw", protocol, decodeResponses: true });
    try {
      await r.mset({ [k("mig:1")]: "a", [k("mig:2")]: "b" });
      expect(await r.migrate("127.0.0.1", target().port, [k("mig:1"), k("mig:2")], 0, 5000)).toBe("OK");
      expect(await r.exists(k("mig:1"), k("mig:2"))).toBe(0);
      expect(await dest.mget(k("mig:1"), k("mig:2"))).toEqual(["a", "b"]);
      expect(await r.migrate("127.0.0.1", target().port, k("mig:1"), 0, 5000)).toBe("NOKEY");

      await r.set(k("mig:1"), "again");
      await expect(r.migrate("127.0.0.1", target().port, k("mig:1"), 0, 5000)).rejects.toThrow(/BUSYKEY/);
      expect(await r.migrate("127.0.0.1", target().port, k("mig:1"), 3, 5000, { copy: true, replace: true })).toBe("OK");
      expect(await r.get(k("mig:1"))).toBe("again");
      const dest3 = new Redis({ port: target().port, protocol, db: 3, decodeResponses: true });
      try {
        expect(await dest3.get(k("mig:1"))).toBe("again");
      } finally {
        await dest3.close();
      }
      expect(await rb.migrate("127.0.0.1", guarded().port, [k("mig:1")], 0, 5000, true, false, "migrate-pw")).toEqual(Buffer.from("OK"));
      expect(await secured.get(k("mig:1"))).toBe("again");
      await expect(r.migrate("127.0.0.1", target().port, [], 0, 5000)).rejects.toThrow(/MIGRATE needs at least one key/);
    } finally {
      await dest.close();
      await secured.close();
    }
  });
});

describe("generic commands: argument errors", () => {
  let r: Redis<string>;
  beforeAll(() => {
    r = new Redis({ port: server().port, decodeResponses: true });
  });
  afterAll(() => r.close());

  test.each([
    ["copy with a bad db", () => r.copy("a", "b", "x" as never), /COPY: argument 'destinationDb' must be an integer, got a string/],
    ["delete nothing", () => r.delete([]), /DEL needs at least one key/],
    ["unlink nothing", () => r.unlink(), /UNLINK needs at least one key/],
    ["touch nothing", () => r.touch(), /TOUCH needs at least one key/],
    ["exists with an object key", () => r.exists([{}] as never), /EXISTS: argument 'names' must be/],
    ["move with a string db", () => r.move("a", "one" as never), /MOVE: argument 'db' must be an integer/],
    ["restore without a value", () => (r.restore as (...a: unknown[]) => Promise<unknown>)("a", 0), /RESTORE missing required argument 'value'/],
    ["restore with a bad idletime", () => r.restore("a", 0, "x", { idletime: 1.5 }), /RESTORE: argument 'idletime' must be an integer/],
    ["sort with a bad desc", () => r.sort("a", { desc: "yes" as never }), /SORT: argument 'desc' must be a boolean/],
    ["an unknown keyword", () => r.sort("a", { limit: 3 } as never), /SORT got an unknown keyword argument 'limit'/],
    ["wait without a timeout", () => (r.wait as (...a: unknown[]) => Promise<unknown>)(1), /WAIT missing required argument 'timeout'/],
  ])("%s", async (_name, call, message) => {
    const promise = call();
    await expect(promise).rejects.toBeInstanceOf(DataError);
    await expect(promise).rejects.toThrow(message);
  });
});
