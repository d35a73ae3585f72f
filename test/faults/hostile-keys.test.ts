/**
 * Fault matrix: hostile field names in replies. Every reply-to-object conversion keeps every
 * field (also `__proto__`, `constructor`...) as an own property and never touches a prototype,
 * under RESP2 and RESP3, with string and Buffer replies. (test/commands/hostile-keys.test.ts
 * covers each converter one by one; this row counts across the object-shaped replies.)
 */
import { describe, expect, test } from "vitest";
import { Redis } from "../../src/index.js";
import { useRedisServer } from "../harness/index.js";
import { report } from "./report.js";

const server = useRedisServer();
const HOSTILE = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "__defineGetter__", "prototype"];

describe("hostile field names in replies", () => {
  test("HGETALL, HSCAN, XRANGE, XREAD and XINFO keep every field and never change a prototype", async () => {
    let replies = 0;
    let lost = 0;
    let prototypesTouched = 0;
    const check = (obj: unknown, expected: string[], buffers: boolean) => {
      replies++;
      const o = obj as Record<string, unknown>;
      if (Object.getPrototypeOf(o) !== Object.prototype) prototypesTouched++;
      for (const name of expected) {
        if (!Object.hasOwn(o, name)) {
          lost++;
          continue;
        }
        const value = o[name];
        const text = buffers ? (Buffer.isBuffer(value) ? value.toString() : null) : value;
        if (text !== `v:${name}`) lost++;
      }
    };
    for (const protocol of [2, 3] as const) {
      for (const decodeResponses of [true, false]) {
        const r = new Redis({ port: server().port, protocol, decodeResponses });
        const key = (s: string) => `hostile-row:${protocol}:${decodeResponses}:${s}`;
        const fields = Object.fromEntries(HOSTILE.map((name) => [name, `v:${name}`]));
        const mapping = new Map(Object.entries(fields));
        await r.hset(key("h"), { mapping });
        check(await r.hgetall(key("h")), HOSTILE, !decodeResponses);
        const [, page] = await r.hscan(key("h"), 0, { count: 100 });
        check(page, HOSTILE, !decodeResponses);
        const id = await r.xadd(key("s"), mapping);
        for (const [, entry] of await r.xrange(key("s"))) check(entry, HOSTILE, !decodeResponses);
        const read = await r.xread({ [key("s")]: "0" });
        for (const [, entries] of read as [unknown, [unknown, unknown][]][]) for (const [, entry] of entries) check(entry, HOSTILE, !decodeResponses);
        const info = (await r.xinfoStream(key("s"))) as Record<string, unknown>;
        replies++;
        if (Object.getPrototypeOf(info) !== Object.prototype) prototypesTouched++;
        expect(id).toBeTruthy();
        await r.close();
      }
    }
    report("hostile keys", { replies, fieldsLost: lost, prototypesTouched });
    expect(lost).toBe(0);
    expect(prototypesTouched).toBe(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
