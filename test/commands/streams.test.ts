import { afterAll, beforeAll, describe, expect, expectTypeOf, test } from "vitest";
import { DataError, Redis, ResponseError } from "../../src/index.js";
import type { StreamEntry, XAutoClaimReply, XReadReply } from "../../src/commands/streams.js";
import { useRedisServer } from "../harness/index.js";

const server = useRedisServer();
const anyNumber = expect.any(Number);

describe.each([2, 3] as const)("stream commands over RESP%i", (protocol) => {
  let r: Redis<string>;
  let rb: Redis<Buffer>;
  const k = (name: string): string => `p${protocol}:${name}`;

  beforeAll(() => {
    r = new Redis({ port: server().port, protocol, decodeResponses: true });
    rb = new Redis({ port: server().port, protocol });
  });
  afterAll(async () => {
    await r.close();
    await rb.close();
  });

  test("xadd, xlen, xrange, xrevrange", async () => {
    const s = k("basic");
    expect(await r.xadd(s, { a: "1", b: 2 }, { id: "1-1" })).toBe("1-1");
    expect(await r.xadd(s, new Map([["c", "3"]]), "2-0")).toBe("2-0");
    const auto = await r.xadd(s, { d: "4" });
    expect(auto).toMatch(/^\d+-\d+$/);
    expect(await r.xlen(s)).toBe(3);
    expect(await r.xrange(s)).toEqual([
      ["1-1", { a: "1", b: "2" }],
      ["2-0", { c: "3" }],
      [auto, { d: "4" }],
    ]);
    expect(await r.xrange(s, "1-2", "+", 1)).toEqual([["2-0", { c: "3" }]]);
    expect(await r.xrange(s, { min: "2", count: 5 })).toEqual([
      ["2-0", { c: "3" }],
      [auto, { d: "4" }],
    ]);
    expect(await r.xrevrange(s, "+", "-", { count: 2 })).toEqual([
      [auto, { d: "4" }],
      ["2-0", { c: "3" }],
    ]);
    expect(await r.xrevrange(s, { max: "2-0" })).toEqual([
      ["2-0", { c: "3" }],
      ["1-1", { a: "1", b: "2" }],
    ]);
    expect(await r.xrange(k("missing"))).toEqual([]);
    // values stay Buffers without decodeResponses; field names are object keys
    const [[id, fields]] = (await rb.xrange(s, "-", "+", 1)) as [StreamEntry<Buffer>];
    expect(id).toEqual(Buffer.from("1-1"));
    expect(fields).toEqual({ a: Buffer.from("1"), b: Buffer.from("2") });
    expect(await rb.xadd(k("bin"), { bin: Buffer.from([0, 255]) }, "9-9")).toEqual(Buffer.from("9-9"));
    expect(await rb.xrevrange(k("bin"), "+", "-", 1)).toEqual([[Buffer.from("9-9"), { bin: Buffer.from([0, 255]) }]]);
    expectTypeOf(await r.xrange(s)).toEqualTypeOf<StreamEntry<string>[]>();
  });

  test("xadd trimming, nomkstream, xtrim, xdel", async () => {
    const s = k("trim");
    for (let i = 1; i <= 5; i++) await r.xadd(s, { i }, `${i}-0`);
    expect(await r.xadd(s, { i: 6 }, { id: "6-0", maxlen: 3, approximate: false })).toBe("6-0");
    expect(await r.xlen(s)).toBe(3);
    expect(await r.xadd(s, { i: 7 }, "7-0", null, false, false, "5-0")).toBe("7-0");
    expect((await r.xrange(s)).map(([id]) => id)).toEqual(["5-0", "6-0", "7-0"]);
    expect(await r.xadd(s, { i: 8 }, { id: "8-0", maxlen: 100, limit: 10 })).toBe("8-0");
    expect(await r.xadd(k("nomk"), { a: 1 }, { nomkstream: true })).toBeNull();
    expect(await r.xlen(k("nomk"))).toBe(0);
    expect(await r.xtrim(s, { maxlen: 2, approximate: false })).toBe(2);
    expect(await r.xtrim(s, null, false, "8-0")).toBe(1);
    expect(await r.xtrim(s, { maxlen: 5, approximate: true, limit: 10 })).toBe(0);
    expect(await r.xlen(s)).toBe(1);
    expect(await r.xdel(s, "8-0", "1-0")).toBe(1);
    expect(await r.xlen(s)).toBe(0);
  });

  test("xadd and xtrim argument errors", async () => {
    const s = k("errors");
    await expect(r.xadd(s, {})).rejects.toThrow(DataError);
    await expect(r.xadd(s, { a: 1 }, { maxlen: 1, minid: "1" })).rejects.toThrow(/XADD: 'maxlen' and 'minid' are mutually exclusive/);
    await expect(r.xadd(s, { a: 1 }, { maxlen: -1 })).rejects.toThrow(/XADD: 'maxlen' must be a non-negative integer/);
    await expect(r.xadd(s, { a: 1 }, { maxlen: 1.5 })).rejects.toThrow(/XADD: argument 'maxlen' must be an integer/);
    await expect(r.xadd(s, { a: { nested: 1 } } as never)).rejects.toThrow(/XADD: argument 'fields'/);
    await expect(r.xadd(s, "nope" as never)).rejects.toThrow(/XADD: argument 'fields' must be a plain object or a Map/);
    await expect(r.xtrim(s, {})).rejects.toThrow(/XTRIM needs one of 'maxlen' and 'minid'/);
    await expect(r.xtrim(s, { maxlen: 1, minid: "0" })).rejects.toThrow(/mutually exclusive/);
    await expect(r.xdel(s)).rejects.toThrow(DataError);
    await expect(r.xrange(s, "-", "+", 0)).rejects.toThrow(/XRANGE: 'count' must be a positive integer/);
    await expect(r.xrevrange(s, { count: -1 })).rejects.toThrow(DataError);
    await expect(r.xsetid(s, "1-0", { entriesAdded: -1 })).rejects.toThrow(DataError);
    expect(await r.xlen(s)).toBe(0);
  });

  test("xread", async () => {
    const s1 = k("read1");
    const s2 = k("read2");
    await r.xadd(s1, { a: 1 }, "1-0");
    await r.xadd(s1, { b: 2 }, "2-0");
    await r.xadd(s2, { c: 3 }, "1-0");
    expect(await r.xread({ [s1]: "0", [s2]: "0" })).toEqual([
      [
        s1,
        [
          ["1-0", { a: "1" }],
          ["2-0", { b: "2" }],
        ],
      ],
      [s2, [["1-0", { c: "3" }]]],
    ]);
    expect(await r.xread({ [s1]: "1-0" }, 1)).toEqual([[s1, [["2-0", { b: "2" }]]]]);
    expect(await r.xread(new Map([[s1, "0"]]), { count: 1 })).toEqual([[s1, [["1-0", { a: "1" }]]]]);
    expect(await r.xread({ [s1]: "$" })).toEqual([]);
    expect(await rb.xread({ [s2]: 0 })).toEqual([[Buffer.from(s2), [[Buffer.from("1-0"), { c: Buffer.from("3") }]]]]);
    expectTypeOf(await r.xread({ [s1]: "0" })).toEqualTypeOf<XReadReply<string>>();
    await expect(r.xread({})).rejects.toThrow(/XREAD: 'streams' must be a non-empty mapping/);
    await expect(r.xread({ [s1]: "0" }, { block: -1 })).rejects.toThrow(/XREAD: 'block' must be a non-negative integer/);
    await expect(r.xread({ [s1]: "0" }, 0)).rejects.toThrow(/XREAD: 'count' must be a positive integer/);
    await expect(r.xread({ [s1]: null } as never)).rejects.toThrow(/XREAD: argument 'streams'/);
  });

  test("xread with block waits on its own connection", async () => {
    const s = k("block");
    await r.xadd(s, { a: 0 }, "1-0");
    const started = Date.now();
    expect(await r.xread({ [s]: "$" }, { block: 150 })).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);

    const waiting = r.xread({ [s]: "$" }, null, 0);
    // the shared connection is not held up by the blocked read
    expect(await r.xlen(s)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await rb.xadd(s, { b: "new" }, "2-0");
    expect(await waiting).toEqual([[s, [["2-0", { b: "new" }]]]]);
  });

  test("consumer groups: create, readgroup, pending, ack, claim, autoclaim", async () => {
    const s = k("group");
    expect(await r.xgroupCreate(s, "g", { id: "0", mkstream: true })).toBe(true);
    await expect(r.xgroupCreate(s, "g")).rejects.toThrow(ResponseError);
    expect(await r.xgroupCreate(s, "g2", "$", false, 0)).toBe(true);
    expect(await r.xgroupCreateconsumer(s, "g", "alice")).toBe(1);
    expect(await r.xgroupCreateconsumer(s, "g", "alice")).toBe(0);
    await r.xadd(s, { n: 1 }, "1-0");
    await r.xadd(s, { n: 2 }, "2-0");
    await r.xadd(s, { n: 3 }, "3-0");

    expect(await r.xreadgroup("g", "alice", { [s]: ">" }, { count: 2 })).toEqual([
      [
        s,
        [
          ["1-0", { n: "1" }],
          ["2-0", { n: "2" }],
        ],
      ],
    ]);
    expect(await r.xreadgroup("g", "bob", { [s]: ">" })).toEqual([[s, [["3-0", { n: "3" }]]]]);
    expect(await r.xreadgroup("g", "bob", { [s]: ">" }, 1, 10)).toEqual([]);
    expect(await r.xreadgroup("g2", "carol", { [s]: "0" }, { noack: true })).toEqual([[s, []]]);

    expect(await r.xpending(s, "g")).toEqual({
      pending: 3,
      min: "1-0",
      max: "3-0",
      consumers: [
        { name: "alice", pending: 2 },
        { name: "bob", pending: 1 },
      ],
    });
    expect(await r.xpending(s, "g2")).toEqual({ pending: 0, min: null, max: null, consumers: [] });
    expect(await r.xpendingRange(s, "g", "-", "+", 10)).toEqual([
      { message_id: "1-0", consumer: "alice", time_since_delivered: anyNumber, times_delivered: 1 },
      { message_id: "2-0", consumer: "alice", time_since_delivered: anyNumber, times_delivered: 1 },
      { message_id: "3-0", consumer: "bob", time_since_delivered: anyNumber, times_delivered: 1 },
    ]);
    expect(await r.xpendingRange(s, "g", "-", "+", 10, { consumername: "bob", idle: 0 })).toEqual([
      { message_id: "3-0", consumer: "bob", time_since_delivered: anyNumber, times_delivered: 1 },
    ]);
    expect(await r.xpendingRange(s, "g", "-", "+", 10, null, 3_600_000)).toEqual([]);

    // XCLAIM
    expect(await r.xclaim(s, "g", "bob", 0, ["1-0"])).toEqual([["1-0", { n: "1" }]]);
    expect(await r.xclaim(s, "g", "carol", 0, ["1-0", "2-0"], { justid: true, idle: 10, retrycount: 5 })).toEqual(["1-0", "2-0"]);
    expect(await r.xclaim(s, "g", "dave", 0, ["2-0"], null, Date.now() - 1000, null, true, false)).toEqual([["2-0", { n: "2" }]]);
    const [, , , times] = Object.values((await r.xpendingRange(s, "g", "1-0", "1-0", 1))[0]!);
    expect(times).toBe(5);

    // XAUTOCLAIM
    const claimed = await r.xautoclaim(s, "g", "erin", 0);
    expect(claimed).toEqual([
      "0-0",
      [
        ["1-0", { n: "1" }],
        ["2-0", { n: "2" }],
        ["3-0", { n: "3" }],
      ],
      [],
    ]);
    expectTypeOf(claimed).toEqualTypeOf<XAutoClaimReply<string>>();
    expect(await r.xautoclaim(s, "g", "frank", 0, { startId: "2-0", count: 1 })).toEqual(["3-0", [["2-0", { n: "2" }]], []]);
    const ids = await r.xautoclaim(s, "g", "frank", 0, { justid: true });
    expect(ids).toEqual(["1-0", "2-0", "3-0"]);
    expectTypeOf(ids).toEqualTypeOf<string[]>();
    await r.xdel(s, "3-0");
    expect(await r.xautoclaim(s, "g", "gina", 0, "0-0", 10, false)).toEqual([
      "0-0",
      [
        ["1-0", { n: "1" }],
        ["2-0", { n: "2" }],
      ],
      ["3-0"],
    ]);

    // XACK
    expect(await r.xack(s, "g", "1-0", "2-0", "9-0")).toBe(2);
    expect((await r.xpending(s, "g")).pending).toBe(0);

    await expect(r.xclaim(s, "g", "x", 0, [])).rejects.toThrow(/XCLAIM: 'messageIds' must be a non-empty list/);
    await expect(r.xclaim(s, "g", "x", -1, ["1-0"])).rejects.toThrow(/XCLAIM: 'minIdleTime' must be a non-negative integer/);
    await expect(r.xautoclaim(s, "g", "x", 0, { count: -1 })).rejects.toThrow(DataError);
    await expect(r.xpendingRange(s, "g", "-", "+", null as never)).rejects.toThrow(/XPENDING needs all of 'min', 'max' and 'count'/);
    await expect(r.xreadgroup("g", "x", {})).rejects.toThrow(/XREADGROUP: 'streams' must be a non-empty mapping/);
    await expect(r.xack(s, "g")).rejects.toThrow(DataError);
  });

  test("xpendingRange without a range is the summary, as redis-py", async () => {
    const s = k("pendsummary");
    await r.xgroupCreate(s, "g", "0", true);
    await r.xadd(s, { a: 1 }, "1-0");
    await r.xreadgroup("g", "c", { [s]: ">" });
    expect(await r.xpendingRange(s, "g", null as never, null as never, null as never)).toEqual({
      pending: 1,
      min: "1-0",
      max: "1-0",
      consumers: [{ name: "c", pending: 1 }],
    });
    await expect(r.xpendingRange(s, "g", null as never, null as never, null as never, "c")).rejects.toThrow(DataError);
  });

  test("deleted entries read from the history come back with empty fields", async () => {
    const s = k("history");
    await r.xgroupCreate(s, "g", "0", true);
    await r.xadd(s, { a: 1 }, "1-0");
    await r.xadd(s, { b: 2 }, "2-0");
    await r.xreadgroup("g", "c", { [s]: ">" });
    await r.xdel(s, "1-0");
    expect(await r.xreadgroup("g", "c", { [s]: "0" })).toEqual([
      [
        s,
        [
          ["1-0", {}],
          ["2-0", { b: "2" }],
        ],
      ],
    ]);
  });

  test("xgroup setid, delconsumer, destroy and xsetid", async () => {
    const s = k("admin");
    await r.xadd(s, { a: 1 }, "1-0");
    await r.xadd(s, { a: 2 }, "2-0");
    await r.xgroupCreate(s, "g", "$");
    expect(await r.xreadgroup("g", "c", { [s]: ">" })).toEqual([]);
    expect(await r.xgroupSetid(s, "g", "0")).toBe(true);
    expect(await r.xgroupSetid(s, "g", "0", { entriesRead: 0 })).toBe(true);
    expect((await r.xreadgroup("g", "c", { [s]: ">" }))[0]![1]).toHaveLength(2);
    expect(await r.xgroupDelconsumer(s, "g", "c")).toBe(2);
    expect(await r.xgroupDelconsumer(s, "g", "nobody")).toBe(0);
    expect(await r.xgroupDestroy(s, "g")).toBe(true);
    expect(await r.xgroupDestroy(s, "g")).toBe(false);

    expect(await r.xsetid(s, "5-0")).toBe(true);
    expect(await r.xsetid(s, "6-0", 10, "3-0")).toBe(true);
    expect(await r.xsetid(s, "7-0", { entriesAdded: 11, maxDeletedId: "4-0" })).toBe(true);
    const info = await r.xinfoStream(s);
    expect(info["last-generated-id"]).toBe("7-0");
    expect(info["entries-added"]).toBe(11);
    expect(info["max-deleted-entry-id"]).toBe("4-0");
    await expect(r.xsetid(s, "1-0")).rejects.toThrow(ResponseError);
  });

  test("xinfo stream, groups, consumers", async () => {
    const s = k("info");
    await r.xadd(s, { a: 1 }, "1-0");
    await r.xadd(s, { b: 2 }, "2-0");
    await r.xgroupCreate(s, "g", "0");
    await r.xreadgroup("g", "c", { [s]: ">" }, 1);

    expect(await r.xinfoStream(s)).toEqual({
      length: 2,
      "radix-tree-keys": 1,
      "radix-tree-nodes": 2,
      "last-generated-id": "2-0",
      "max-deleted-entry-id": "0-0",
      "entries-added": 2,
      "recorded-first-entry-id": "1-0",
      groups: 1,
      "first-entry": ["1-0", { a: "1" }],
      "last-entry": ["2-0", { b: "2" }],
    });
    const full = await r.xinfoStream(s, { full: true });
    expect(full).toEqual({
      length: 2,
      "radix-tree-keys": 1,
      "radix-tree-nodes": 2,
      "last-generated-id": "2-0",
      "max-deleted-entry-id": "0-0",
      "entries-added": 2,
      "recorded-first-entry-id": "1-0",
      entries: { "1-0": { a: "1" }, "2-0": { b: "2" } },
      groups: [
        {
          name: "g",
          "last-delivered-id": "1-0",
          "entries-read": 1,
          lag: 1,
          "pel-count": 1,
          pending: [["1-0", "c", anyNumber, 1]],
          consumers: [{ name: "c", "seen-time": anyNumber, "pel-count": 1, pending: [["1-0", anyNumber, 1]] }],
        },
      ],
    });
    expect((await r.xinfoStream(s, true)).entries).toEqual(full.entries);
    expect(await r.xinfoGroups(s)).toEqual([{ name: "g", consumers: 1, pending: 1, "last-delivered-id": "1-0", "entries-read": 1, lag: 1 }]);
    expect(await r.xinfoConsumers(s, "g")).toEqual([{ name: "c", pending: 1, idle: anyNumber }]);

    // an empty stream has no first and last entries
    await r.xtrim(s, { maxlen: 0, approximate: false });
    const empty = await r.xinfoStream(s);
    expect(empty["first-entry"]).toBeNull();
    expect(empty["last-entry"]).toBeNull();
    expect(empty.length).toBe(0);

    const binary = await rb.xinfoStream(s, { full: true });
    expect(binary["last-generated-id"]).toEqual(Buffer.from("2-0"));
    expect(binary.groups[0]!.name).toEqual(Buffer.from("g"));
    await expect(r.xinfoStream(k("nope"))).rejects.toThrow(ResponseError);
  });

  test("xgroup help and xinfo help", async () => {
    const groupHelp = await rb.xgroupHelp();
    expect(groupHelp[0]).toMatch(/^XGROUP <subcommand>/);
    expect(groupHelp.every((line) => typeof line === "string")).toBe(true);
    const infoHelp = await r.xinfoHelp();
    expect(infoHelp[0]).toMatch(/^XINFO <subcommand>/);
    expectTypeOf(await rb.xinfoHelp()).toEqualTypeOf<string[]>();
  });
});
