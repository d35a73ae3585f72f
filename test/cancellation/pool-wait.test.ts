/**
 * The wait for a free connection of a BlockingConnectionPool ends with the caller's signal
 * (AbortError) or per-call timeout (TimeoutError), leaves nothing behind, and a release goes
 * to the next caller still waiting (docs/cancellation.md), against a real server.
 */
import { getEventListeners } from "node:events";
import { afterEach, describe, expect, test } from "vitest";
import { AbortError, BlockingConnectionPool, ConnectionError, Redis, TimeoutError } from "../../src/index.js";
import type { Connection } from "../../src/connection/connection.js";
import { sleep, useRedisServer } from "../harness/index.js";

const server = useRedisServer();
const closing: { close(o?: { force?: boolean }): Promise<void> }[] = [];

afterEach(async () => {
  for (const c of closing.splice(0)) await c.close({ force: true });
});

/** A pool of one connection, that one checked out: every other caller waits. */
async function exhausted(timeout: number | null = null) {
  const pool = new BlockingConnectionPool({ port: server().port, maxConnections: 1, timeout });
  closing.push(pool);
  const held = await pool.getConnection();
  return { pool, held };
}

/** The pool's queue of waiting callers (internal). */
const waiting = (pool: BlockingConnectionPool<any>): number => (pool as unknown as { waitingCount: number }).waitingCount;

async function calls(command: string): Promise<number> {
  const stats = await server().cli("INFO", "commandstats");
  const line = stats.split("\n").find((l) => l.startsWith(`cmdstat_${command}:`));
  return line ? Number(/calls=(\d+)/.exec(line)![1]) : 0;
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (check()) return;
    await sleep(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("BlockingConnectionPool.getConnection({ signal, timeout })", () => {
  test("10,000 waits aborted (one shared signal, and one signal each) leave no waiter and no abort listener", async () => {
    const { pool, held } = await exhausted();
    const shared = new AbortController();
    const waits = Array.from({ length: 5_000 }, () =>
      pool.getConnection({ signal: shared.signal, what: "BLPOP" }).then(
        () => "got one",
        (e: unknown) => e,
      ),
    );
    const own = Array.from({ length: 5_000 }, () => new AbortController());
    const ownWaits = own.map((c) =>
      pool.getConnection({ signal: c.signal }).then(
        () => "got one",
        (e: unknown) => e,
      ),
    );
    expect(waiting(pool)).toBe(10_000);
    // one listener on the shared signal, however many waits use it
    expect(getEventListeners(shared.signal, "abort")).toHaveLength(1);

    shared.abort(new Error("request ended"));
    for (const c of own) c.abort();
    const errors = [...(await Promise.all(waits)), ...(await Promise.all(ownWaits))];
    for (const error of errors) {
      expect(error).toBeInstanceOf(AbortError);
      expect((error as AbortError).mayHaveRun).toBe(false);
    }
    expect((errors[0] as Error).message).toBe("BLPOP was aborted before it was sent: it did not run (request ended)");
    expect((errors[0] as Error).cause).toBe(shared.signal.reason);
    expect(waiting(pool)).toBe(0);
    expect(getEventListeners(shared.signal, "abort")).toHaveLength(0);
    for (const c of own.slice(0, 100)) expect(getEventListeners(c.signal, "abort")).toHaveLength(0);

    // the pool still works: a release goes to a caller waiting now
    const next = pool.getConnection();
    expect(waiting(pool)).toBe(1);
    pool.release(held);
    const connection = await next;
    expect(connection).toBe(held);
    expect(await connection.send(["PING"])).toEqual(Buffer.from("PONG"));
    pool.release(connection);
    expect(waiting(pool)).toBe(0);
  });

  test("a per-call timeout ends the wait with TimeoutError; the waiter leaves the queue and its signal", async () => {
    const { pool } = await exhausted(30);
    const controller = new AbortController();
    const waits = Array.from({ length: 1_000 }, () => pool.getConnection({ signal: controller.signal, timeout: 0.05, what: "BRPOP" }).catch((e: unknown) => e));
    const errors = await Promise.all(waits);
    for (const error of errors) {
      expect(error).toBeInstanceOf(TimeoutError);
      expect((error as Error).message).toBe("Timeout: BRPOP could not be sent within its 0.05s timeout; it did not run");
    }
    expect(waiting(pool)).toBe(0);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  test("a release goes to the next caller still waiting, past those whose wait was cancelled", async () => {
    const { pool, held } = await exhausted(30);
    const order: string[] = [];
    /** Notes who got a connection, in order. */
    const got = (name: string) => (c: Connection) => {
      order.push(name);
      return c;
    };
    const cancelled = Array.from({ length: 4 }, () => new AbortController());
    const c0 = pool.getConnection({ signal: cancelled[0]!.signal }).catch(() => order.push("c0 cancelled"));
    const first = pool.getConnection().then(got("first"));
    const c1 = pool.getConnection({ signal: cancelled[1]!.signal }).catch(() => order.push("c1 cancelled"));
    const c2 = pool.getConnection({ signal: cancelled[2]!.signal }).catch(() => order.push("c2 cancelled"));
    const second = pool.getConnection({ signal: cancelled[3]!.signal }).then(got("second"));
    for (const c of cancelled.slice(0, 3)) c.abort();
    await Promise.all([c0, c1, c2]);
    expect(waiting(pool)).toBe(2);

    pool.release(held);
    // a newcomer arriving right after the release does not take the connection handed to "first"
    const late = pool.getConnection().then(got("late"));
    const firstGot = await first;
    expect(firstGot).toBe(held);
    expect(order).toEqual(["c0 cancelled", "c1 cancelled", "c2 cancelled", "first"]);
    expect(waiting(pool)).toBe(2);

    pool.release(firstGot);
    const third = await second;
    expect(third).toBe(held);
    // "second" got it, although its signal could still abort: a wait that ended is not cancelled afterwards
    cancelled[3]!.abort();
    pool.release(third);
    expect(await late).toBe(held);
    expect(order).toEqual(["c0 cancelled", "c1 cancelled", "c2 cancelled", "first", "second", "late"]);
    pool.release(held);
    expect(waiting(pool)).toBe(0);
  });

  test("disconnect() frees the slots: the callers waiting get connections, in order", async () => {
    const { pool, held } = await exhausted(30);
    const waits = [pool.getConnection(), pool.getConnection()];
    expect(waiting(pool)).toBe(2);
    await pool.disconnect();
    expect(held.isClosed).toBe(true);
    const first = await waits[0]!;
    expect(first).not.toBe(held);
    expect(await first.send(["PING"])).toEqual(Buffer.from("PONG"));
    expect(waiting(pool)).toBe(1);
    pool.release(first);
    expect(await waits[1]).toBe(first);
    pool.release(first);
    expect(waiting(pool)).toBe(0);
  });

  test("an already aborted signal rejects at once, before any connection is taken", async () => {
    const pool = new BlockingConnectionPool({ port: server().port, maxConnections: 1 });
    closing.push(pool);
    const controller = new AbortController();
    controller.abort();
    await expect(pool.getConnection({ signal: controller.signal, what: "BLPOP" })).rejects.toBeInstanceOf(AbortError);
    expect(pool.createdConnections).toBe(0);
  });

  test("the pool's own timeout still ends a wait with ConnectionError when the call's timeout is longer", async () => {
    const { pool } = await exhausted(0.05);
    const error = await pool.getConnection({ timeout: 30 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(/^No connection available within 0.05s/);
    expect(waiting(pool)).toBe(0);
  });
});

describe("through a client whose pool is exhausted", () => {
  function client() {
    const pool = new BlockingConnectionPool({ port: server().port, maxConnections: 1, timeout: 30, decodeResponses: true });
    const r = new Redis({ connectionPool: pool });
    closing.push(r, pool);
    return { r, pool };
  }

  test("a blocking command waiting for a connection: its signal ends the wait, nothing reaches the server", async () => {
    const { r, pool } = client();
    const holder = r.client();
    await holder.ping(); // takes the only connection
    const before = await calls("blpop");
    const controller = new AbortController();
    const blocked = r.withOptions({ signal: controller.signal }).blpop(["pool-wait:q"], 0);
    await until(() => waiting(pool) === 1, "BLPOP to wait for a connection");
    controller.abort();
    const error = await blocked.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).mayHaveRun).toBe(false);
    expect((error as Error).message).toMatch(/^BLPOP was aborted before it was sent: it did not run/);
    expect(waiting(pool)).toBe(0);

    // a per-call timeout ends it too
    const timedOut = await r
      .withOptions({ timeout: 0.1 })
      .blpop(["pool-wait:q"], 0)
      .catch((e: unknown) => e);
    expect(timedOut).toBeInstanceOf(TimeoutError);
    expect((timedOut as Error).message).toBe("Timeout: BLPOP could not be sent within its 0.1s timeout; it did not run");
    expect(await calls("blpop")).toBe(before);

    // a live one behind them gets the connection when the holder gives it back, and runs
    const live = r.withOptions({ signal: new AbortController().signal }).blpop(["pool-wait:q"], 5);
    await until(() => waiting(pool) === 1, "the live BLPOP to wait");
    await holder.close();
    await r.rpush("pool-wait:q", "x");
    expect(await live).toEqual(["pool-wait:q", "x"]);
    expect(await calls("blpop")).toBe(before + 1);
  });

  test("a per-call timeout counts from the call: after a wait for a connection, the command gets what is left of it", async () => {
    const { r, pool } = client();
    const holder = r.client();
    await holder.ping();
    const blocked = r.withOptions({ timeout: 2 }).blpop(["pool-wait:empty"], 0);
    await until(() => waiting(pool) === 1, "BLPOP to wait for a connection");
    await holder.close();
    const error = await blocked.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    // its own timeout named, whatever part of it the wait took
    expect((error as Error).message).toBe("Timeout: BLPOP got no reply within its 2s timeout; it was sent and may have run (its reply is discarded)");
    await until(() => pool.inUseConnections === 0, "the connection to come back");
  });

  test("a client() command and a pipeline that needs a connection of its own: their signal ends the wait", async () => {
    const { r, pool } = client();
    const holder = r.client();
    await holder.ping();
    const controller = new AbortController();
    const own = r.client();
    closing.push(own);
    const get = own.withOptions({ signal: controller.signal }).get("pool-wait:k");
    const pipe = r.pipeline({ transaction: false });
    pipe.blpop(["pool-wait:q2"], 1);
    const batch = pipe.execute({ signal: controller.signal });
    await until(() => waiting(pool) === 2, "both to wait for a connection");
    controller.abort();
    const [getError, batchError] = await Promise.all([get.catch((e: unknown) => e), batch.catch((e: unknown) => e)]);
    expect(getError).toBeInstanceOf(AbortError);
    expect((getError as Error).message).toMatch(/^GET was aborted before it was sent/);
    expect(batchError).toBeInstanceOf(AbortError);
    expect((batchError as Error).message).toMatch(/^pipeline of 1 commands was aborted before it was sent/);
    expect(waiting(pool)).toBe(0);

    // the client() still works once a connection is free
    await holder.close();
    expect(await own.set("pool-wait:k", "v")).toBe(true);
    expect(await own.get("pool-wait:k")).toBe("v");
  });
});
