/**
 * Issue 14 item 6: the types of a pipeline after `watch()` say what it does at runtime.
 * redis-py (redis/asyncio/client.py `Pipeline.execute_command`: `if (self.watching or
 * command_name == "WATCH") and not self.explicit_transaction: return self.immediate_execute_command`)
 * runs commands at once between WATCH and MULTI; tests/test_asyncio/test_pipeline.py
 * `test_watch_succeed` / `test_transaction_callable` use that mode.
 * Type assertions are checked by `tsc` (npm run typecheck); the runtime half by vitest.
 */
import { afterAll, beforeAll, describe, expect, expectTypeOf, test } from "vitest";
import { Redis, type Pipeline, type WatchingPipeline } from "../../src/index.js";
import { useRedisServer } from "../harness/index.js";

const server = useRedisServer();

describe("WatchingPipeline", () => {
  let r: Redis<string>;
  beforeAll(() => {
    r = new Redis({ port: server().port, decodeResponses: true });
  });
  afterAll(() => r.close());

  test("watch() resolves to the same pipeline typed for immediate execution; multi() to the queueing one", async () => {
    await r.set("tw:a", "1");
    const pipe = r.pipeline();
    expectTypeOf(pipe).toEqualTypeOf<Pipeline<string>>();
    expectTypeOf(pipe.get).returns.toEqualTypeOf<Pipeline<string>>();
    const w = await pipe.watch("tw:a");
    expectTypeOf(w).toEqualTypeOf<WatchingPipeline<string>>();
    expect(w).toBe(pipe);
    const value = w.get("tw:a");
    expectTypeOf(value).toEqualTypeOf<Promise<string | null>>();
    expect(value).toBeInstanceOf(Promise);
    expect(await value).toBe("1");
    expectTypeOf<ReturnType<typeof w.incr>>().toEqualTypeOf<Promise<number | bigint>>();
    const tx = w.multi();
    expectTypeOf(tx).toEqualTypeOf<Pipeline<string>>();
    expect(tx).toBe(pipe);
    const queued = tx.set("tw:a", "2");
    expectTypeOf(queued).toEqualTypeOf<Pipeline<string>>();
    expect(queued).toBe(pipe);
    expect(await tx.execute()).toEqual([true]);
    expect(await r.get("tw:a")).toBe("2");
  });

  test("a Buffer client's watching pipeline reads Buffers", async () => {
    const rb = new Redis({ port: server().port });
    await rb.set("tw:b", "x");
    const w = await rb.pipeline().watch("tw:b");
    expectTypeOf(w).toEqualTypeOf<WatchingPipeline<Buffer>>();
    expectTypeOf(w.get("tw:b")).toEqualTypeOf<Promise<Buffer | null>>();
    expect(await w.get("tw:b")).toEqual(Buffer.from("x"));
    await w.reset();
    await rb.close();
  });

  test("unwatch() resolves to the pipeline typed for queueing", async () => {
    const w = await r.pipeline().watch("tw:u");
    const p = await w.unwatch();
    expectTypeOf(p).toEqualTypeOf<Pipeline<string>>();
    expect(p.isWatching).toBe(false);
    expect(p.get("tw:u")).toBe(p);
    expect(await p.execute()).toHaveLength(1);
  });

  test("transaction(fn, key) passes fn the watching pipeline; without keys, the queueing one", async () => {
    await r.set("tw:c", "5");
    const result = await r.transaction(async (pipe) => {
      expectTypeOf(pipe).toEqualTypeOf<WatchingPipeline<string>>();
      const current = await pipe.get("tw:c");
      expectTypeOf(current).toEqualTypeOf<string | null>();
      const tx = pipe.multi();
      tx.set("tw:c", Number(current) + 1);
    }, "tw:c");
    expect(result).toEqual([true]);
    expect(await r.get("tw:c")).toBe("6");
    const noKeys = await r.transaction((pipe) => {
      expectTypeOf(pipe).toEqualTypeOf<Pipeline<string>>();
      pipe.set("tw:d", "1").get("tw:d");
    });
    expect(noKeys).toEqual([true, "1"]);
    const withOptions = await r.transaction(
      async (pipe) => {
        expectTypeOf(pipe).toEqualTypeOf<WatchingPipeline<string>>();
        return pipe.get("tw:d");
      },
      "tw:d",
      { valueFromCallable: true },
    );
    expect(withOptions).toBe("1");
    // keys of unknown number: either mode, said as a union
    const keys: string[] = ["tw:d"];
    await r.transaction(
      (pipe) => {
        expectTypeOf(pipe).toEqualTypeOf<WatchingPipeline<string> | Pipeline<string>>();
      },
      ...keys,
    );
  });

  test("redis-py's `pipe.multi(); pipe.set(...)` on the same object still works at runtime", async () => {
    await r.set("tw:e", "1");
    const pipe = r.pipeline();
    const w = await pipe.watch("tw:e");
    const v = await w.get("tw:e");
    pipe.multi();
    pipe.set("tw:e", `${v}+`);
    expect(await pipe.execute()).toEqual([true]);
    expect(await r.get("tw:e")).toBe("1+");
  });

  test("pipe.immediate stays (deprecated alias)", async () => {
    await r.set("tw:f", "f");
    const w = await r.pipeline().watch("tw:f");
    expectTypeOf(w.immediate.get("tw:f")).toEqualTypeOf<Promise<string | null>>();
    expect(await w.immediate.get("tw:f")).toBe("f");
    await w.reset();
  });
});
