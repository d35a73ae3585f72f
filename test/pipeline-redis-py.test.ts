import { describe, expect, test } from "vitest";
import { Redis, ResponseError, WatchError } from "../src/index.js";
import { useRedisServer } from "./harness/index.js";

/** Pipeline and transaction behaviours pinned to redis-py's asyncio `Pipeline` (tests/test_asyncio/test_pipeline.py). */
const server = useRedisServer();

describe.each([2, 3] as const)("pipelines like redis-py, RESP%i", (protocol) => {
  const k = (name: string) => `plrp${protocol}:${name}`;
  const open = (extra: Record<string, unknown> = {}) => new Redis({ port: server().port, protocol, decodeResponses: true, ...extra });

  test("reset() of a watching pipeline sends UNWATCH: the next transaction on that connection is not failed by a stale WATCH", async () => {
    // maxConnections 2: the shared connection plus one of its own, so the second pipeline gets the first one's connection back
    const r = open({ maxConnections: 2 });
    const other = open();
    try {
      await r.set(k("w"), "0");
      const first = r.pipeline();
      await first.watch(k("w"));
      await first.reset(); // gives the connection back: it must not be watching k("w") any more
      await other.set(k("w"), "changed by someone else");
      const second = r.pipeline();
      await second.watch(k("unrelated"));
      second.multi();
      second.set(k("unrelated"), "1");
      expect(await second.execute()).toEqual([true]); // redis-py: no WatchError
      // the same through await using and through a transaction callback that throws
      {
        await using third = r.pipeline();
        await third.watch(k("w"));
      }
      await expect(
        r.transaction(async () => {
          throw new Error("callback failed");
        }, k("w")),
      ).rejects.toThrow("callback failed");
      await other.set(k("w"), "changed again");
      expect(await r.transaction((pipe) => void pipe.multi().set(k("unrelated"), "2"), k("unrelated"))).toEqual([true]);
    } finally {
      await r.close();
      await other.close();
    }
  });

  test("discard() sends DISCARD: the queued commands are dropped by the server and execute() fails like redis-py's", async () => {
    const r = open();
    try {
      await r.delete(k("d"), k("foo"));
      // test_pipeline_discard: a transaction pipeline with a discarded SET
      const pipe = r.pipeline();
      pipe.set(k("d"), "someval");
      await pipe.discard();
      await expect(pipe.execute()).rejects.toBeInstanceOf(ResponseError);
      expect(await r.get(k("d"))).toBeNull();
      // the pipeline is usable afterwards
      pipe.set(k("foo"), "bar");
      expect(await pipe.execute()).toEqual([true]);
      expect(await r.get(k("foo"))).toBe("bar");
      // while watching, DISCARD runs at once; no MULTI is open, so the server refuses it
      const watching = r.pipeline();
      await watching.watch(k("d"));
      await expect(watching.discard()).rejects.toThrow(/DISCARD without MULTI/);
      await watching.reset();
    } finally {
      await r.close();
    }
  });

  test("transaction() retries until it succeeds by default (no cap at 100 attempts)", async () => {
    const r = open();
    const other = open();
    try {
      // the first 150 attempts lose to a concurrent writer; redis-py keeps going, and so does this
      await r.set(k("lossy"), "0");
      let attempts = 0;
      const result = await r.transaction(
        async (pipe) => {
          attempts++;
          const value = Number(await (pipe.get(k("lossy")) as unknown as Promise<string>));
          if (attempts <= 150) await other.incr(k("lossy"));
          pipe.multi();
          pipe.set(k("lossy"), value + 1000);
        },
        k("lossy"),
        { valueFromCallable: false },
      );
      expect(result).toEqual([true]);
      expect(attempts).toBe(151);
      expect(await r.get(k("lossy"))).toBe("1150");
    } finally {
      await r.close();
      await other.close();
    }
  });

  test("contending workers: 20 workers x 10 increments of one counter all land", async () => {
    const r = open({ maxConnections: 30 });
    try {
      await r.set(k("counter"), "0");
      const worker = async () => {
        for (let i = 0; i < 10; i++) {
          await r.transaction(async (pipe) => {
            const value = Number(await (pipe.get(k("counter")) as unknown as Promise<string>));
            pipe.multi();
            pipe.set(k("counter"), value + 1);
          }, k("counter"));
        }
      };
      await Promise.all(Array.from({ length: 20 }, worker));
      expect(await r.get(k("counter"))).toBe("200");
      expect(r.connectionPool.inUseConnections).toBe(0);
    } finally {
      await r.close();
    }
  });

  test("maxAttempts stays an opt-in cap, and watchDelay is honoured between attempts", async () => {
    const r = open();
    try {
      const stamps: number[] = [];
      await expect(
        r.transaction(
          async (pipe) => {
            stamps.push(Date.now());
            await r.set(k("t"), stamps.length);
            pipe.multi();
            pipe.set(k("t"), "never");
          },
          k("t"),
          { maxAttempts: 3, watchDelay: 0.05 },
        ),
      ).rejects.toBeInstanceOf(WatchError);
      expect(stamps).toHaveLength(3);
      for (let i = 1; i < stamps.length; i++) expect(stamps[i]! - stamps[i - 1]!).toBeGreaterThanOrEqual(45);
      await expect(r.transaction(() => {}, k("t"), { maxAttempts: 0 })).rejects.toThrow(/'maxAttempts' must be/);
      await expect(r.transaction(() => {}, k("t"), { watchDelay: -1 })).rejects.toThrow(/'watchDelay' must be/);
    } finally {
      await r.close();
    }
  });

  test("Pipeline has aclose() and close(), which reset it and give its connection back", async () => {
    const r = open();
    try {
      const pipe = r.pipeline();
      await pipe.watch(k("c"));
      expect(r.connectionPool.inUseConnections).toBe(1);
      await pipe.aclose();
      expect(r.connectionPool.inUseConnections).toBe(0);
      expect(pipe.isWatching).toBe(false);
      const other = r.pipeline();
      other.set(k("c"), "1");
      await other.close();
      expect(other.length).toBe(0);
    } finally {
      await r.close();
    }
  });
});
