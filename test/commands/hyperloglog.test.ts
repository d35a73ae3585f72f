import { afterAll, beforeAll, describe, expect, expectTypeOf, test } from "vitest";
import { DataError, Redis, ResponseError } from "../../src/index.js";
import { useRedisServer } from "../harness/index.js";

const server = useRedisServer();

describe.each([2, 3] as const)("HyperLogLog commands over RESP%i", (protocol) => {
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

  test("pfadd, pfcount, pfmerge", async () => {
    expect(await r.pfadd(k("h1"), "a", "b", "c")).toBe(1);
    expect(await r.pfadd(k("h1"), "a", "b")).toBe(0);
    expect(await r.pfadd(k("h1"))).toBe(0);
    expect(await r.pfadd(k("empty"))).toBe(1);
    expect(await rb.pfadd(k("h2"), Buffer.from("c"), 4, "e")).toBe(1);
    expect(await r.pfcount(k("h1"))).toBe(3);
    expect(await r.pfcount(k("h1"), k("h2"))).toBe(5);
    expect(await r.pfcount([k("h1"), k("h2"), k("nokey")])).toBe(5);
    expect(await r.pfcount(k("empty"))).toBe(0);
    expect(await r.pfmerge(k("merged"), k("h1"), k("h2"))).toBe(true);
    expect(await r.pfcount(k("merged"))).toBe(5);
    expect(await rb.pfmerge(k("merged"))).toBe(true);
    const many = Array.from({ length: 1000 }, (_, i) => `m${i}`);
    expect(await r.pfadd(k("big"), ...many)).toBe(1);
    const estimate = await r.pfcount(k("big"));
    expect(Math.abs(estimate - 1000)).toBeLessThan(30);
    await r.set(k("str"), "not a hll");
    await expect(r.pfadd(k("str"), "x")).rejects.toBeInstanceOf(ResponseError);
    expectTypeOf(() => r.pfmerge("a", "b")).returns.resolves.toEqualTypeOf<boolean>();
    expectTypeOf(() => r.pfadd("a", "b")).returns.resolves.toEqualTypeOf<number>();
  });

  test("argument errors", async () => {
    await expect(r.pfcount()).rejects.toThrow(/PFCOUNT needs at least one key/);
    await expect(r.pfadd(k("h1"), null as never)).rejects.toThrow(/PFADD: argument 'values' must be a string, Buffer or number, got null/);
    await expect((r.pfmerge as (...a: unknown[]) => Promise<unknown>)()).rejects.toThrow(/PFMERGE missing required argument 'dest'/);
    await expect(r.pfcount([{}] as never)).rejects.toBeInstanceOf(DataError);
  });
});
