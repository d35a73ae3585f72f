import { afterAll, beforeAll, describe, expect, expectTypeOf, test } from "vitest";
import { DataError, ExecAbortError, type Pipeline, Redis, ResponseError, WatchError } from "../src/index.js";
import { useRedisServer } from "./harness/index.js";

const server = useRedisServer();

describe.each([2, 3] as const)("pipelines over RESP%i", (protocol) => {
  let r: Redis<string>;
  const k = (name: string) => `pl${protocol}:${name}`;
  beforeAll(() => {
    r = new Redis({ port: server().port, protocol, decodeResponses: true });
  });
  afterAll(() => r.close());

  test("chained commands, results transformed like the plain methods", async () => {
    for (const transaction of [true, false]) {
      await r.delete(k("a"), k("n"));
      const pipe = r.pipeline({ transaction });
      expectTypeOf(pipe).toEqualTypeOf<Pipeline<string>>();
      const results = await pipe.set(k("a"), "1").get(k("a")).incr(k("n"), 5).ping().exists(k("a")).executeCommand("GET", k("a")).execute();
      expect(results).toEqual([true, "1", 5, true, 1, "1"]);
      expect(pipe.length).toBe(0);
    }
  });

  test("the usual pipeline and transaction forms (await using, destructured results)", async () => {
    {
      await using pipe = r.pipeline({ transaction: true });
      const [ok1, ok2] = await pipe.set(k("key1"), "value1").set(k("key2"), "value2").execute();
      expect([ok1, ok2]).toEqual([true, true]);
    }
    await r.delete(k("foo"), k("bar"));
    const res = await r.pipeline({ transaction: true }).incr(k("foo")).incr(k("bar")).execute();
    expect(res).toEqual([1, 1]);
  });

  test("1,000 commands leave in one write; 10,000 in a few large ones, the first before the rest is encoded", async () => {
    for (const transaction of [true, false]) {
      await r.ping();
      const connection = r.connectionPool.sharedConnection();
      const small = r.pipeline({ transaction });
      for (let i = 0; i < 1000; i++) small.set(k(`few:${i}`), i);
      let before = connection.writes;
      expect(await small.execute()).toHaveLength(1000);
      expect(connection.writes - before).toBe(1);
      const pipe = r.pipeline({ transaction });
      // About 460 KB encoded: written as soon as 256 KB are ready, then the rest.
      for (let i = 0; i < 10_000; i++) pipe.set(k(`many:${i}`), i);
      before = connection.writes;
      const results = await pipe.execute();
      expect(connection.writes - before).toBe(2);
      expect(results).toHaveLength(10_000);
      expect(results.every((x) => x === true)).toBe(true);
      expect(await r.get(k("many:9999"))).toBe("9999");
    }
  });

  test("a pipeline that fails to encode after its first chunks went out: it fails, the connection is replaced, other commands run", async () => {
    // Arguments are checked before anything is encoded, so only an argument that changes
    // under the encoder gets here: a Buffer whose length getter throws once armed, at its
    // second read (the first is the size check before sending, the second the encoder's).
    let armed = false;
    let reads = 0;
    const trap = Buffer.from("abc");
    Object.defineProperty(trap, "length", {
      get() {
        if (armed && ++reads >= 2) throw new Error("length trap");
        return 3;
      },
    });
    await r.set(k("after"), "ok");
    const pipe = r.pipeline({ transaction: false });
    for (let i = 0; i < 20_000; i++) pipe.set(k(`trap:${i}`), i);
    pipe.set(k("trap:last"), trap);
    armed = true;
    const executed = pipe.execute();
    // written in the same batch as the pipeline (before it: it fails with the connection; after
    // it: it goes back to the queue and runs on the new connection); it settles either way
    const concurrent = r.get(k("after")).then(
      (v) => v,
      (e: Error) => e.name,
    );
    await expect(executed).rejects.toThrow(/encoding failed after part of it was sent \(length trap\)/);
    armed = false;
    expect(["ok", "ConnectionError"]).toContain(await concurrent);
    expect(await r.get(k("after"))).toBe("ok");
  });

  test("an error reply: every reply is read, then the first error is thrown with its position", async () => {
    for (const transaction of [true, false]) {
      await r.set(k("str"), "not a number");
      await r.delete(k("after"));
      const err = await r
        .pipeline({ transaction })
        .set(k("x"), 1)
        .incr(k("str"))
        .set(k("after"), "ran")
        .execute()
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ResponseError);
      expect((err as Error).message).toMatch(new RegExp(`^Command # 2 \\(INCRBY ${k("str")} 1\\) of pipeline caused error: ERR value is not an integer`));
      expect(await r.get(k("after"))).toBe("ran");
      const results = await r.pipeline({ transaction }).set(k("x"), 1).incr(k("str")).get(k("x")).execute({ raiseOnError: false });
      expect(results[0]).toBe(true);
      expect(results[1]).toBeInstanceOf(ResponseError);
      expect(results[2]).toBe("1");
    }
  });

  test("a command rejected while queueing aborts the transaction: ExecAbortError with the cause", async () => {
    await r.delete(k("q"));
    const err = await r
      .pipeline()
      .set(k("q"), 1)
      .executeCommand("INCR", k("q"), "extra-arg")
      .execute()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExecAbortError);
    expect((err as Error).message).toMatch(/EXECABORT.*Command # 2 \(INCR .* extra-arg\) of pipeline caused error: ERR wrong number of arguments/);
    expect(await r.exists(k("q"))).toBe(0);
  });

  test("watch: immediate mode until multi(), WatchError when a watched key changes", async () => {
    await r.set(k("w"), "1");
    const pipe = r.pipeline();
    await pipe.watch(k("w"));
    expect(pipe.isWatching).toBe(true);
    const current = await (pipe.get(k("w")) as unknown as Promise<string>);
    expect(current).toBe("1");
    // the typed view of immediate mode
    const typed: string | null = await pipe.immediate.get(k("w"));
    expect(typed).toBe("1");
    pipe.multi();
    pipe.set(k("w"), Number(current) + 1);
    expect(await pipe.execute()).toEqual([true]);
    expect(await r.get(k("w"))).toBe("2");

    const loser = r.pipeline();
    await loser.watch(k("w"));
    await r.set(k("w"), "changed by someone else");
    loser.multi();
    loser.set(k("w"), "mine");
    await expect(loser.execute()).rejects.toBeInstanceOf(WatchError);
    expect(await r.get(k("w"))).toBe("changed by someone else");
  });

  test("unwatch, discard, reset and await using give the connection back", async () => {
    const pool = r.connectionPool;
    {
      await using pipe = r.pipeline();
      await pipe.watch(k("u"));
      expect(pool.inUseConnections).toBe(1);
      await pipe.unwatch();
      expect(pipe.isWatching).toBe(false);
    }
    expect(pool.inUseConnections).toBe(0);
    const pipe = r.pipeline();
    pipe.set(k("d"), 1).set(k("d"), 2);
    await pipe.reset();
    expect(pipe.length).toBe(0);
    expect(await pipe.execute()).toEqual([]);
    await pipe.watch(k("d"));
    await pipe.reset();
    expect(pool.inUseConnections).toBe(0);
    expect(() => r.pipeline().multi().multi()).toThrow(/nested/);
    expect(() => r.pipeline().immediate).toThrow(/between watch\(\) and multi\(\)/);
  });

  test("transaction(fn, ...watches) retries on WatchError", async () => {
    await r.set(k("t"), "10");
    let calls = 0;
    const result = await r.transaction(
      async (pipe) => {
        calls++;
        const value = Number(await (pipe.get(k("t")) as unknown as Promise<string>));
        if (calls === 1) await r.set(k("t"), "20"); // a concurrent writer wins the first round
        pipe.multi();
        pipe.set(k("t"), value * 2);
        return value * 2;
      },
      k("t"),
      { valueFromCallable: true, watchDelay: 0.01 },
    );
    expect(calls).toBe(2);
    expect(result).toBe(40);
    expect(await r.get(k("t"))).toBe("40");
    const results = await r.transaction((pipe) => {
      pipe.multi();
      pipe.incr(k("t2"));
    }, k("t2"));
    expect(results).toEqual([expect.any(Number)]);
    let attempts = 0;
    await expect(
      r.transaction(
        async (pipe) => {
          attempts++;
          await r.set(k("t3"), attempts);
          pipe.multi();
          pipe.set(k("t3"), "never");
        },
        k("t3"),
        { maxAttempts: 3 },
      ),
    ).rejects.toBeInstanceOf(WatchError);
    expect(attempts).toBe(3);
    expect(r.connectionPool.inUseConnections).toBe(0);
  });

  test("a non-transactional pipeline with a blocking command runs on a connection of its own", async () => {
    await r.delete(k("bq"));
    const pipe = r.pipeline({ transaction: false }).executeCommand("BLPOP", k("bq"), 1);
    const running = pipe.execute();
    // the shared connection is not held up
    expect(await r.ping()).toBe(true);
    expect(await running).toEqual([null]);
  });

  test("bad input is refused when queued", () => {
    expect(() => r.pipeline().set(k("a"), true as never)).toThrow(DataError);
    expect(() => r.pipeline({ transactional: true } as never)).toThrow(/unknown option 'transactional'/);
  });

  test("SUBSCRIBE cannot run in a pipeline", async () => {
    await expect(r.pipeline().executeCommand("SUBSCRIBE", "c").execute()).rejects.toThrow(/use pubsub\(\)/);
  });
});

describe("per-command decoding in pipelines", () => {
  test("DUMP stays a Buffer inside pipelines and transactions on a decoding client", async () => {
    const r = new Redis({ port: server().port, decodeResponses: true });
    await r.set("dump-me", "payload");
    const direct = await r.dump("dump-me");
    expect(Buffer.isBuffer(direct)).toBe(true);
    for (const transaction of [false, true]) {
      const [dumped, value] = await r.pipeline({ transaction }).dump("dump-me").get("dump-me").execute();
      expect(Buffer.isBuffer(dumped)).toBe(true);
      expect((dumped as Buffer).equals(direct as Buffer)).toBe(true);
      expect(value).toBe("payload");
    }
    await r.close();
  });
});

describe("transaction() under contention", () => {
  test("50 concurrent incrementers: every one wins in the end, the final value is exact", async () => {
    const r = new Redis({ port: server().port, decodeResponses: true, maxConnections: 100 });
    await r.set("contended", "0");
    let attempts = 0;
    await Promise.all(
      Array.from({ length: 50 }, () =>
        r.transaction(
          async (pipe) => {
            attempts++;
            const value = Number(await (pipe.get("contended") as unknown as Promise<string>));
            await new Promise((resolve) => setImmediate(resolve)); // let the others interleave
            pipe.multi();
            pipe.set("contended", value + 1);
          },
          "contended",
          { maxAttempts: 1000 },
        ),
      ),
    );
    expect(await r.get("contended")).toBe("50");
    expect(attempts).toBeGreaterThan(50); // some rounds lost to a concurrent writer and were retried
    expect(r.connectionPool.inUseConnections).toBe(0);
    await r.close();
  });
});

describe("long pipelines and socketTimeout", () => {
  test("a pipeline whose replies take longer than socketTimeout succeeds while replies keep coming", async () => {
    // 250 ms, not less: on a loaded machine the server itself may be descheduled for tens of ms
    const r = new Redis({ port: server().port, socketTimeout: 0.25 });
    const pipe = r.pipeline({ transaction: false });
    for (let i = 0; i < 200_000; i++) pipe.set(`long:${i % 1000}`, i);
    // 200,000 replies take far longer than 250 ms to arrive: only the progress rule keeps it alive
    const started = Date.now();
    const results = await pipe.execute();
    const took = Date.now() - started;
    console.log(`200,000-command pipeline with socketTimeout 250 ms: ${took} ms`);
    expect(results).toHaveLength(200_000);
    await r.close();
  });
});

describe("pipelines of a single-connection client run on its connection", () => {
  test("after SELECT 1 on client(), the pipeline reads and writes db 1", async () => {
    const r = new Redis({ port: server().port, decodeResponses: true });
    const db0 = new Redis({ port: server().port, decodeResponses: true, db: 0 });
    const db1 = new Redis({ port: server().port, decodeResponses: true, db: 1 });
    await db0.delete("sc:select");
    await db1.set("sc:select", "in db 1");
    const c = r.client();
    try {
      expect(await c.executeCommand("SELECT", 1)).toBe("OK");
      for (const transaction of [true, false]) {
        const results = await c.pipeline({ transaction }).get("sc:select").set("sc:written", String(transaction)).execute();
        expect(results).toEqual(["in db 1", true]);
        expect(await db1.get("sc:written")).toBe(String(transaction));
        expect(await db0.get("sc:written")).toBeNull();
      }
      // the pipeline ran on the client's own connection, not a new one
      expect(r.connectionPool.inUseConnections).toBe(1);
    } finally {
      await c.close();
      await db1.delete("sc:select", "sc:written");
      await Promise.all([r.close(), db0.close(), db1.close()]);
    }
  });

  test("WATCH on client(), then a pipeline: its EXEC honours the watch (no lost update)", async () => {
    const r = new Redis({ port: server().port, decodeResponses: true });
    await r.set("sc:balance", "100");
    const c = r.client();
    try {
      expect(await c.executeCommand("WATCH", "sc:balance")).toBe("OK");
      const seen = Number(await c.get("sc:balance"));
      await r.set("sc:balance", "150"); // a concurrent writer on another connection
      const pipe = c.pipeline({ transaction: true }).set("sc:balance", String(seen - 30));
      await expect(pipe.execute()).rejects.toBeInstanceOf(WatchError);
      expect(await r.get("sc:balance")).toBe("150");
      // EXEC ended the watch: the same pattern without a concurrent writer succeeds
      expect(await c.executeCommand("WATCH", "sc:balance")).toBe("OK");
      const now = Number(await c.get("sc:balance"));
      expect(
        await c
          .pipeline()
          .set("sc:balance", String(now - 30))
          .execute(),
      ).toEqual([true]);
      expect(await r.get("sc:balance")).toBe("120");
      // pipe.watch() and transaction() on client() use its connection too, and leave it bound
      await expect(
        c.transaction(
          async (p) => {
            await r.set("sc:balance", "999");
            p.multi();
            p.set("sc:balance", "0");
          },
          "sc:balance",
          { maxAttempts: 1 },
        ),
      ).rejects.toBeInstanceOf(WatchError);
      expect(await r.get("sc:balance")).toBe("999");
      expect(c.connection).not.toBeNull();
      expect(await c.ping()).toBe(true);
      expect(r.connectionPool.inUseConnections).toBe(1);
    } finally {
      await c.close();
      await r.delete("sc:balance");
      await r.close();
    }
  });
});
