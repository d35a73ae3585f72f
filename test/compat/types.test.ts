/**
 * aioredis/compat: the static types v1-style code sees (checked by `tsc`; the assertions
 * are no-ops at run time). Replies are strings with an encoding, Buffers without, and a
 * per-call `{ encoding }` changes the type of that call.
 */
import { expectTypeOf, test } from "vitest";
import type * as aioredis from "../../compat/index.js";

test("reply types follow the encoding", () => {
  type StringPool = Awaited<ReturnType<typeof aioredis.createRedisPool<{ encoding: "utf-8" }>>>;
  type BufferClient = Awaited<ReturnType<typeof aioredis.createRedis<{}>>>;
  expectTypeOf<StringPool>().toEqualTypeOf<aioredis.Redis<string>>();
  expectTypeOf<BufferClient>().toEqualTypeOf<aioredis.Redis<Buffer>>();

  const r = null as unknown as aioredis.Redis<string>;
  const b = null as unknown as aioredis.Redis<Buffer>;
  if (r === null) return; // types only
  expectTypeOf(r.get("k")).toEqualTypeOf<Promise<string | null>>();
  expectTypeOf(r.get("k", { encoding: null })).toEqualTypeOf<Promise<Buffer | null>>();
  expectTypeOf(b.get("k")).toEqualTypeOf<Promise<Buffer | null>>();
  expectTypeOf(b.get("k", { encoding: "utf-8" })).toEqualTypeOf<Promise<string | null>>();
  expectTypeOf(r.set("k", "v", { expire: 10, exist: r.SET_IF_NOT_EXIST })).toEqualTypeOf<Promise<boolean>>();
  expectTypeOf(r.hgetall("h")).toEqualTypeOf<Promise<Record<string, string>>>();
  expectTypeOf(r.smembers("s")).toEqualTypeOf<Promise<string[]>>();
  expectTypeOf(r.zscore("z", "m")).toEqualTypeOf<Promise<number | null>>();
  expectTypeOf(r.ping()).toEqualTypeOf<Promise<string>>();
  expectTypeOf(r.scan(0, { match: "k:*" })).toEqualTypeOf<Promise<[number, string[]]>>();
  expectTypeOf(r.iscan({ match: "k:*" })).toMatchTypeOf<AsyncIterable<string>>();
  expectTypeOf(r.subscribe("c")).toEqualTypeOf<Promise<aioredis.Channel[]>>();
  expectTypeOf(r.multiExec().incr("k")).toEqualTypeOf<Promise<number>>();
  expectTypeOf(r.pipeline().execute({ returnExceptions: true })).toEqualTypeOf<Promise<any[]>>();
  expectTypeOf(r.acquire()).toEqualTypeOf<Promise<aioredis.ContextRedis<string>>>();
});
