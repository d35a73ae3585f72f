/**
 * aioredis/compat: `pipeline()` and `multiExec()` as v1 documented them: each call a
 * Promise of its own, `execute()` once, `PipelineError` / `MultiExecError` carrying every
 * error, and WATCH failures surfacing as `WatchVariableError` on the commands.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as aioredis from "../../compat/index.js";
import { useRedisServer } from "../harness/index.js";

const server = useRedisServer();

let pool: aioredis.Redis<string>;
let single: aioredis.Redis<Buffer>;

beforeAll(async () => {
  pool = await aioredis.createRedisPool(["127.0.0.1", server().port], { encoding: "utf-8", minsize: 1, maxsize: 4 });
  single = await aioredis.createRedis(["127.0.0.1", server().port]);
});

afterAll(async () => {
  pool.close();
  single.close();
  await Promise.all([pool.waitClosed(), single.waitClosed()]);
});

describe.each([
  ["a pool client", () => pool as aioredis.Redis<any>],
  ["a single-connection client", () => single as aioredis.Redis<any>],
])("on %s", (_name, client) => {
  test("pipeline: calls return Promises (no chaining); execute sends all, converted as the methods are", async () => {
    const redis = client();
    await redis.delete("p:foo", "p:h");
    const pipe = redis.pipeline();
    const f1 = pipe.incr("p:foo");
    const f2 = pipe.incr("p:foo");
    const f3 = pipe.set("p:bar", "x", { exist: redis.SET_IF_EXIST });
    const f4 = pipe.hmsetDict("p:h", { a: 1 });
    const f5 = pipe.hgetall("p:h", { encoding: "utf-8" });
    const f6 = pipe.zadd("p:z", 1, "one");
    expect(f1).toBeInstanceOf(Promise);
    const results = await pipe.execute();
    expect(results).toEqual([1, 2, false, true, { a: "1" }, expect.any(Number)]);
    expect(await f1).toBe(1);
    expect(await f2).toBe(2);
    expect(await f3).toBe(false);
    expect(await f4).toBe(true);
    expect(await f5).toEqual({ a: "1" });
    await f6;
  });

  test("pipeline: errors do not stop the others; PipelineError carries them all, or returnExceptions", async () => {
    const redis = client();
    await redis.set("p:str", "x");
    const pipe = redis.pipeline();
    const ok = pipe.incr("p:cnt");
    const bad = pipe.incr("p:str");
    const invalid = pipe.incrby("p:cnt", 1.5); // validation error: lands in its Promise
    const after = pipe.get("p:str");
    const err = await pipe.execute().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(aioredis.PipelineError);
    expect(err).not.toBeInstanceOf(aioredis.MultiExecError);
    const errors = (err as aioredis.PipelineError).errors;
    expect(errors).toHaveLength(2);
    expect(errors[0]).toBeInstanceOf(aioredis.ReplyError);
    expect(errors[1]).toBeInstanceOf(TypeError);
    expect(typeof (await ok)).toBe("number");
    await expect(bad).rejects.toBeInstanceOf(aioredis.ReplyError);
    await expect(invalid).rejects.toBeInstanceOf(TypeError);
    expect(String(await after)).toBe("x");

    const pipe2 = redis.pipeline();
    pipe2.incr("p:str");
    pipe2.get("p:str");
    const results = await pipe2.execute({ returnExceptions: true });
    expect(results[0]).toBeInstanceOf(aioredis.ReplyError);
    expect(String(results[1])).toBe("x");
  });

  test("pipeline: execute once; an empty pipeline sends nothing", async () => {
    const redis = client();
    const pipe = redis.pipeline();
    expect(await pipe.execute()).toEqual([]);
    await expect(pipe.execute()).rejects.toThrow("Pipeline already executed");
    expect(() => pipe.get("x")).toThrow("Pipeline already executed");
  });

  test("multiExec: results in order; exec-time errors fail only their command; MultiExecError", async () => {
    const redis = client();
    await redis.delete("m:a");
    await redis.set("m:s", "str");
    const tr = redis.multiExec();
    const f1 = tr.incr("m:a");
    const f2 = tr.lpush("m:s", "x"); // WRONGTYPE at EXEC time
    const f3 = tr.incr("m:a");
    const err = await tr.execute().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(aioredis.MultiExecError);
    expect(err).toBeInstanceOf(aioredis.PipelineError);
    expect(await f1).toBe(1);
    await expect(f2).rejects.toThrow(/^WRONGTYPE/);
    expect(await f3).toBe(2);

    const tr2 = redis.multiExec();
    tr2.incr("m:a");
    tr2.lpush("m:s", "x");
    const results = await tr2.execute({ returnExceptions: true });
    expect(results[0]).toBe(3);
    expect(results[1]).toBeInstanceOf(aioredis.ReplyError);

    const tr3 = redis.multiExec();
    const g1 = tr3.get("m:a", { encoding: "utf-8" });
    const g2 = tr3.get("m:a", { encoding: null });
    expect(await tr3.execute()).toEqual(["3", Buffer.from("3")]);
    expect(await g1).toBe("3");
    expect(await g2).toEqual(Buffer.from("3"));
  });

  test("multiExec: a queue-time error aborts the whole transaction", async () => {
    const redis = client();
    const tr = redis.multiExec();
    const good = tr.incr("m:b");
    const wrong = tr.mset(); // MSET without arguments: refused when queued
    const err = await tr.execute().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(aioredis.MultiExecError);
    await expect(wrong).rejects.toThrow(/wrong number of arguments/);
    await expect(good).rejects.toThrow(/^EXECABORT/);
  });
});

describe("WATCH", () => {
  test("a changed key: execute() throws MultiExecError, each command rejects with WatchVariableError", async () => {
    await pool.set("w:k", "1");
    using r = await pool.acquire();
    expect(await r.watch("w:k")).toBe(true);
    const current = Number(await r.get("w:k"));
    await pool.set("w:k", "changed"); // another connection
    const tr = r.multiExec();
    const f1 = tr.set("w:k", String(current + 1));
    const f2 = tr.incr("w:other");
    const err = await tr.execute().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(aioredis.MultiExecError);
    expect(err).not.toBeInstanceOf(aioredis.WatchVariableError);
    await expect(f1).rejects.toBeInstanceOf(aioredis.WatchVariableError);
    await expect(f2).rejects.toBeInstanceOf(aioredis.WatchVariableError);
    expect(await pool.get("w:k")).toBe("changed");
    expect(r.inTransaction).toBe(false);
  });

  test("an unchanged key: the transaction runs; unwatch", async () => {
    await pool.set("w:k2", "1");
    {
      using r = await pool.acquire();
      await r.watch("w:k2");
      const tr = r.multiExec();
      const f = tr.incr("w:k2");
      expect(await tr.execute()).toEqual([2]);
      expect(await f).toBe(2);
      expect(await r.unwatch()).toBe(true);
    }
    // on a single connection, watch and multiExec share the connection already
    await single.watch("w:k2");
    const tr = single.multiExec();
    tr.get("w:k2", { encoding: "utf-8" });
    expect(await tr.execute()).toEqual(["2"]);
  });

  test("with a pool, WATCH on the client may go to another connection than MULTI/EXEC (v1's caveat)", async () => {
    // this still runs: it just does not protect anything
    expect(await pool.watch("w:k3")).toBe(true);
    const tr = pool.multiExec();
    tr.set("w:k3", "v");
    expect(await tr.execute()).toEqual([true]);
  });
});

test("a pool's pipeline runs on one connection of its own, which goes back afterwards", async () => {
  const redis = await aioredis.createRedisPool(["127.0.0.1", server().port], { minsize: 1, maxsize: 2 });
  const conns = redis.connection as aioredis.ConnectionsPool;
  const pipe = redis.pipeline();
  pipe.clientSetname("pipe-conn");
  const name = pipe.clientGetname({ encoding: "utf-8" });
  await pipe.execute();
  expect(await name).toBe("pipe-conn");
  expect(conns.freesize).toBe(1);
  redis.close();
  await redis.waitClosed();
});
