/**
 * Per-call options on RedisCluster (docs/cancellation.md): the same `withOptions()` view, the
 * pipeline's `execute({ signal, timeout })`, and a cancellation is not a node failure.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { RedisCluster } from "../../src/cluster/index.js";
import { AbortError, TimeoutError } from "../../src/errors.js";
import { startCluster, type TestCluster } from "../harness/cluster.js";

let cluster: TestCluster;
let rc: RedisCluster<string>;

beforeAll(async () => {
  cluster = await startCluster({ primaries: 3, replicasPerPrimary: 0 });
  rc = new RedisCluster({ startupNodes: [cluster.startupNodes[0]!], decodeResponses: true });
  await rc.initialize();
}, 60_000);

afterAll(async () => {
  await rc?.close();
  await cluster?.stop();
});

describe("RedisCluster per-call options", () => {
  test("an aborted view rejects before sending; a live one works; the node is not marked failed", async () => {
    await rc.set("cancel:k", "1");
    const controller = new AbortController();
    const view = rc.withOptions({ signal: controller.signal });
    expect(await view.get("cancel:k")).toBe("1");
    controller.abort(new Error("gone"));
    const error = await view.incr("cancel:k").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).mayHaveRun).toBe(false);
    await expect(view.executeCommand("GET", "cancel:k")).rejects.toBeInstanceOf(AbortError);
    expect(await rc.get("cancel:k")).toBe("1");
    expect(rc.getPrimaries()).toHaveLength(3);
  });

  test("BLPOP with a per-call timeout: TimeoutError, not retried on another node", async () => {
    // BLPOP 0 blocks forever: only the per-call timeout can end this call
    const error = await rc
      .withOptions({ timeout: 0.2 })
      .blpop(["cancel:q"], 0)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toMatch(/may have run/);
    await rc.rpush("cancel:q", "x");
    expect(await rc.lpop("cancel:q")).toBe("x"); // the cancelled BLPOP took nothing
  });

  test("pipelines: execute({ signal }) already aborted sends nothing", async () => {
    await rc.set("cancel:p", "0");
    const controller = new AbortController();
    controller.abort();
    for (const transaction of [false, true]) {
      const pipe = rc.pipeline({ transaction }).incr("cancel:p");
      await expect(pipe.execute({ signal: controller.signal })).rejects.toBeInstanceOf(AbortError);
    }
    expect(await rc.pipeline({ transaction: false }).incr("cancel:p").execute({ timeout: 5 })).toEqual([1]);
    expect(await rc.get("cancel:p")).toBe("1");
  });

  test("a pipeline or transaction made from a view carries its options; execute()'s own win", async () => {
    await rc.set("{cancel-view}:n", "0");
    const controller = new AbortController();
    const view = rc.withOptions({ signal: controller.signal });
    expect(await view.pipeline().incr("{cancel-view}:n").execute()).toEqual([1]);
    controller.abort();
    for (const transaction of [false, true]) {
      const error = await view
        .pipeline({ transaction })
        .incr("{cancel-view}:n")
        .execute()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AbortError);
      expect((error as AbortError).mayHaveRun).toBe(false);
    }
    await expect(view.transaction((pipe) => void pipe.incr("{cancel-view}:n"))).rejects.toBeInstanceOf(AbortError);
    expect(await rc.get("{cancel-view}:n")).toBe("1");
    // null clears the view's signal for this execute()
    expect(await view.pipeline().incr("{cancel-view}:n").execute({ signal: null })).toEqual([2]);
  });

  test("scanIter({ signal }) walks every primary and stops on abort", async () => {
    for (let i = 0; i < 200; i++) await rc.set(`cancel:scan:${i}`, "1");
    const all: string[] = [];
    for await (const key of rc.scanIter({ match: "cancel:scan:*", count: 20, timeout: 10 })) all.push(key);
    expect(new Set(all).size).toBe(200);
    const controller = new AbortController();
    const seen: string[] = [];
    const walk = async () => {
      for await (const key of rc.scanIter({ match: "cancel:scan:*", count: 10, signal: controller.signal })) {
        seen.push(key);
        if (seen.length === 5) controller.abort();
      }
    };
    await expect(walk()).rejects.toBeInstanceOf(AbortError);
    expect(seen.length).toBeLessThan(200);
  });
});
