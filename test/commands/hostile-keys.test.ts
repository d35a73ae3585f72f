/**
 * Replies that become objects keep every field, whatever its name, and never change an
 * object's prototype: a field called `__proto__` is an own property (a plain `obj[key] = value`
 * would instead set the prototype, to a Buffer with Buffer replies, and lose the field), and
 * `constructor`, `toString`, `hasOwnProperty`... are own properties that shadow the inherited
 * ones. The objects stay ordinary objects (prototype `Object.prototype`), like redis-py's dicts.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parseClientInfoFields } from "../../src/commands/server-client.js";
import { parseInfo } from "../../src/commands/server.js";
import { toObject } from "../../src/commands/replies.js";
import { Redis } from "../../src/index.js";
import { useRedisServer } from "../harness/index.js";

const server = useRedisServer();

const HOSTILE = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "isPrototypeOf", "__defineGetter__", "plain"];

/** The own field `name` of `obj`, read without going through any accessor. */
function own(obj: object, name: string): unknown {
  return Object.getOwnPropertyDescriptor(obj, name)?.value;
}

/** `obj` is an ordinary object with exactly the hostile fields, each holding `fieldValue(name)`. */
function expectHostileFields(obj: unknown, fieldValue: (name: string) => string, buffers: boolean): void {
  expect(obj).toBeTypeOf("object");
  const o = obj as object;
  expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
  expect(Object.keys(o).sort()).toEqual([...HOSTILE].sort());
  for (const name of HOSTILE) {
    const value = own(o, name);
    if (buffers) {
      expect(Buffer.isBuffer(value), name).toBe(true);
      expect((value as Buffer).toString(), name).toBe(fieldValue(name));
    } else {
      expect(value, name).toBe(fieldValue(name));
    }
  }
  // the object still behaves as an object
  expect(Object.entries(o)).toHaveLength(HOSTILE.length);
  expect(JSON.parse(JSON.stringify(o))).toBeTypeOf("object");
}

const fieldValue = (name: string) => `v:${name}`;
const hostileMap = () => new Map(HOSTILE.map((name) => [name, fieldValue(name)]));

describe.each([2, 3] as const)("hostile field names over RESP%i", (protocol) => {
  let r: Redis<string>;
  let rb: Redis<Buffer>;
  const k = (name: string) => `hostile${protocol}:${name}`;
  beforeAll(() => {
    r = new Redis({ port: server().port, protocol, decodeResponses: true });
    rb = new Redis({ port: server().port, protocol });
  });
  afterAll(async () => {
    await r.close();
    await rb.close();
  });

  test("HGETALL and HSCAN keep every field, with string and Buffer replies", async () => {
    const h = k("hash");
    expect(await r.hset(h, { mapping: hostileMap() })).toBe(HOSTILE.length);
    expectHostileFields(await r.hgetall(h), fieldValue, false);
    expectHostileFields(await rb.hgetall(h), fieldValue, true);
    const [cursor, page] = await r.hscan(h, 0, null, 100);
    expect(cursor).toBe(0);
    expectHostileFields(page, fieldValue, false);
    const [, bufferPage] = await rb.hscan(h, 0, null, 100);
    expectHostileFields(bufferPage, fieldValue, true);
    const iterated: [string, string][] = [];
    for await (const pair of r.hscanIter(h)) iterated.push(pair);
    expect(iterated.map(([f]) => f).sort()).toEqual([...HOSTILE].sort());
  });

  test("a big HGETALL (108 fields) keeps every hostile field, in order", async () => {
    const h = k("bighash");
    const names = [...Array.from({ length: 100 }, (_, i) => `f${i}`), ...HOSTILE];
    expect(await r.hset(h, { mapping: new Map(names.map((n) => [n, fieldValue(n)])) })).toBe(names.length);
    for (const [client, buffers] of [
      [r, false],
      [rb, true],
    ] as const) {
      const obj = (await client.hgetall(h)) as Record<string, unknown>;
      expect(Object.getPrototypeOf(obj)).toBe(Object.prototype);
      expect(Object.keys(obj)).toEqual(names);
      for (const name of HOSTILE) {
        const value = own(obj, name);
        expect(buffers ? (value as Buffer).toString() : value, name).toBe(fieldValue(name));
      }
      expect(Object.hasOwn(JSON.parse(JSON.stringify(obj)), "__proto__")).toBe(true);
    }
  });

  test("stream entries keep every field: XRANGE, XREVRANGE, XREAD, XREADGROUP, XCLAIM, XAUTOCLAIM, XINFO STREAM", async () => {
    const s = k("stream");
    const id = await r.xadd(s, hostileMap(), { id: "1-1" });
    expect(id).toBe("1-1");
    for (const client of [r, rb] as Redis<any>[]) {
      const buffers = client === rb;
      const [[rangeId, fields]] = await client.xrange(s);
      expect(String(rangeId)).toBe("1-1");
      expectHostileFields(fields, fieldValue, buffers);
      expectHostileFields((await client.xrevrange(s))[0]![1], fieldValue, buffers);
      const read = await client.xread(new Map([[s, "0"]]));
      expectHostileFields(read[0]![1][0]![1], fieldValue, buffers);
      const info = await client.xinfoStream(s);
      expect(Object.getPrototypeOf(info)).toBe(Object.prototype);
      expectHostileFields(info["first-entry"]![1], fieldValue, buffers);
      expectHostileFields(info["last-entry"]![1], fieldValue, buffers);
      const full = await client.xinfoStream(s, true);
      expect(Object.getPrototypeOf(full)).toBe(Object.prototype);
      expect(Object.getPrototypeOf(full.entries)).toBe(Object.prototype);
      expectHostileFields(own(full.entries, "1-1"), fieldValue, buffers);
    }
    // a group and a consumer with hostile names too
    expect(await r.xgroupCreate(s, "__proto__", "0")).toBe(true);
    const grouped = await r.xreadgroup("__proto__", "constructor", new Map([[s, ">"]]));
    expectHostileFields(grouped[0]![1][0]![1], fieldValue, false);
    const claimed = await r.xclaim(s, "__proto__", "toString", 0, ["1-1"]);
    expectHostileFields(claimed[0]![1], fieldValue, false);
    const autoclaimed = (await rb.xautoclaim(s, "__proto__", "constructor", 0, "0")) as [Buffer, [Buffer, object][]];
    expectHostileFields(autoclaimed[1][0]![1], fieldValue, true);
    const groups = await r.xinfoGroups(s);
    expect(groups.map((g) => g.name)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(groups[0])).toBe(Object.prototype);
    const consumers = await r.xinfoConsumers(s, "__proto__");
    expect(consumers.map((c) => c.name).sort()).toEqual(["constructor", "toString"]);
    for (const c of consumers) expect(Object.getPrototypeOf(c)).toBe(Object.prototype);
  });

  test("server-keyed objects (CONFIG GET, INFO, CLIENT INFO, MEMORY STATS) are ordinary objects", async () => {
    const config = await r.configGet("maxmemory*");
    expect(Object.getPrototypeOf(config)).toBe(Object.prototype);
    expect(own(config, "maxmemory-policy")).toBeTypeOf("string");
    expect(Object.keys(await r.configGet("__proto__"))).toEqual([]);
    for (const client of [r, rb] as Redis<any>[]) {
      const info = await client.info();
      expect(Object.getPrototypeOf(info)).toBe(Object.prototype);
      expect(own(info, "redis_version")).toBeDefined();
      const clientInfo = await client.clientInfo();
      expect(Object.getPrototypeOf(clientInfo)).toBe(Object.prototype);
      expect(own(clientInfo, "id")).toBeTypeOf("number");
      const stats = await client.memoryStats();
      expect(Object.getPrototypeOf(stats)).toBe(Object.prototype);
    }
  });
});

describe("the reply-to-object conversions themselves", () => {
  const cases: [string, () => unknown][] = [
    ["a RESP3 map with string keys", () => toObject(new Map(HOSTILE.map((n) => [n, fieldValue(n)])))],
    ["a RESP3 map with Buffer keys", () => toObject(new Map(HOSTILE.map((n) => [Buffer.from(n), fieldValue(n)])))],
    ["a RESP2 flat array", () => toObject(HOSTILE.flatMap((n) => [n, fieldValue(n)]))],
    ["a RESP2 flat array of Buffers", () => toObject(HOSTILE.flatMap((n) => [Buffer.from(n), fieldValue(n)]))],
    ["INFO text", () => parseInfo(HOSTILE.map((n) => `${n}:${fieldValue(n)}`).join("\r\n"))],
    ["CLIENT LIST fields", () => parseClientInfoFields(HOSTILE.map((n) => `${n}=${fieldValue(n)}`).join(" "))],
  ];
  test.each(cases)("%s", (_, convert) => expectHostileFields(convert(), fieldValue, false));

  test("a Buffer value under __proto__ stays a field and never becomes the prototype", () => {
    const value = Buffer.from("payload");
    const obj = toObject(["__proto__", value, "a", Buffer.from("1")]);
    expect(Object.getPrototypeOf(obj)).toBe(Object.prototype);
    expect(own(obj, "__proto__")).toBe(value);
    expect(Object.keys(obj)).toEqual(["__proto__", "a"]);
    expect((obj as { a: Buffer }).a.toString()).toBe("1");
  });

  test("INFO sub-values (a=1,b=2) keep hostile names", () => {
    const info = parseInfo("db0:__proto__=1,constructor=2,plain=3");
    const db0 = own(info, "db0") as object;
    expect(Object.getPrototypeOf(db0)).toBe(Object.prototype);
    expect(Object.keys(db0).sort()).toEqual(["__proto__", "constructor", "plain"]);
    expect(own(db0, "__proto__")).toBe(1);
  });
});
