/**
 * Cancellation of blocking commands, pipelines, transactions, pub/sub waits, Lock.acquire and
 * scan iterators (docs/cancellation.md), against a real server (and the fault proxy).
 */
import { afterEach, describe, expect, test } from "vitest";
import { AbortError, Redis, TimeoutError } from "../../src/index.js";
import { startProxy, sleep, useRedisServer, type FaultProxy } from "../harness/index.js";

const server = useRedisServer();
const clients: { close(o?: { force?: boolean }): Promise<void> }[] = [];
const proxies: FaultProxy[] = [];

function client(options: { port?: number; maxConnections?: number } = {}): Redis<string> {
  const r = new Redis({ port: options.port ?? server().port, decodeResponses: true, maxConnections: options.maxConnections });
  clients.push(r);
  return r;
}

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close({ force: true });
  for (const p of proxies.splice(0)) await p.close();
});

async function calls(command: string): Promise<number> {
  const stats = await server().cli("INFO", "commandstats");
  const line = stats.split("\n").find((l) => l.startsWith(`cmdstat_${command}:`));
  return line ? Number(/calls=(\d+)/.exec(line)![1]) : 0;
}

/** The clients the server has, as CLIENT LIST lines. */
async function clientList(): Promise<string[]> {
  return (await server().cli("CLIENT", "LIST")).split("\n").filter((l) => l.startsWith("id="));
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await sleep(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const blockedOn = async (key: string) => (await clientList()).some((l) => l.includes("cmd=blpop") && l.includes(" flags=b"));

describe("a blocking command aborted while blocked", () => {
  test("BLPOP: rejects 'may have run', its connection is closed, the server no longer holds it, nothing leaks", async () => {
    const r = client({ maxConnections: 2 });
    await r.ping();
    const baseline = (await clientList()).length;
    // More rounds than maxConnections: a leaked connection would end in MaxConnectionsError.
    for (let round = 0; round < 5; round++) {
      const controller = new AbortController();
      const blocked = r.withOptions({ signal: controller.signal }).blpop(["cancel:queue"], 0);
      await until(() => blockedOn("cancel:queue"), "BLPOP to block");
      controller.abort(new Error(`round ${round}`));
      const error = await blocked.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AbortError);
      expect((error as AbortError).mayHaveRun).toBe(true);
      await until(async () => !(await blockedOn("cancel:queue")), "the server to drop the blocked client");
      await until(async () => (await clientList()).length === baseline, "the client count to come back");
      expect(r.connectionPool.inUseConnections).toBe(0);
    }
    // Nothing was popped by the aborted BLPOPs: a pushed element stays for the next reader.
    await r.rpush("cancel:queue", "x");
    expect(await r.llen("cancel:queue")).toBe(1);
    expect(await r.blpop(["cancel:queue"], 1)).toEqual(["cancel:queue", "x"]);
  });

  test("a per-call timeout on BLPOP 0: TimeoutError, the blocked client is gone", async () => {
    const r = client();
    await r.ping();
    const baseline = (await clientList()).length;
    const error = await r
      .withOptions({ timeout: 0.2 })
      .blpop(["cancel:queue2"], 0)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toMatch(/BLPOP got no reply within its 0.2s timeout; it was sent and may have run/);
    await until(async () => (await clientList()).length === baseline, "the blocked client to go");
    expect(r.connectionPool.inUseConnections).toBe(0);
  });
});

describe("pipelines and transactions", () => {
  test("aborted before execute() writes: nothing is sent", async () => {
    const r = client();
    await r.set("cancel:p", "0");
    await server().cli("CONFIG", "RESETSTAT");
    const controller = new AbortController();
    controller.abort();
    for (const transaction of [false, true]) {
      const pipe = r.pipeline({ transaction }).incr("cancel:p").incr("cancel:p");
      const error = await pipe.execute({ signal: controller.signal }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AbortError);
      expect((error as AbortError).mayHaveRun).toBe(false);
    }
    // Aborted in the same tick as execute(): it never goes out.
    const live = new AbortController();
    const pending = r.pipeline({ transaction: false }).incr("cancel:p").execute({ signal: live.signal });
    live.abort();
    const late = await pending.catch((e: unknown) => e);
    expect(late).toBeInstanceOf(AbortError);
    expect((late as AbortError).mayHaveRun).toBe(false);
    expect(await r.get("cancel:p")).toBe("0");
    expect(await calls("incrby")).toBe(0);
    expect(await calls("multi")).toBe(0);
  });

  test("aborted after the write: the whole batch rejects 'may have run', its replies are drained", async () => {
    const proxy = await startProxy({ host: "127.0.0.1", port: server().port });
    proxies.push(proxy);
    const r = client({ port: proxy.port });
    await r.set("cancel:p2", "0");
    for (const transaction of [false, true]) {
      proxy.stall(true);
      const before = proxy.bytesToServer;
      const controller = new AbortController();
      const pipe = r.pipeline({ transaction });
      for (let i = 0; i < 100; i++) pipe.incr("cancel:p2");
      const pending = pipe.execute({ signal: controller.signal });
      await until(async () => proxy.bytesToServer > before, "the batch to be written");
      const next = r.echo(`after ${transaction}`);
      controller.abort();
      const error = await pending.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AbortError);
      expect((error as AbortError).mayHaveRun).toBe(true);
      expect((error as Error).message).toMatch(/pipeline of \d+ commands was aborted after it was sent/);
      proxy.stall(false);
      expect(await next).toBe(`after ${transaction}`); // its own reply, after 100+ drained ones
    }
    expect(await r.get("cancel:p2")).toBe("200"); // they did run
  });

  test("execute({ timeout }) and transaction(fn, { signal })", async () => {
    const proxy = await startProxy({ host: "127.0.0.1", port: server().port });
    proxies.push(proxy);
    const r = client({ port: proxy.port });
    await r.ping();
    proxy.stall(true);
    const error = await r
      .pipeline()
      .echo("x")
      .execute({ timeout: 0.15 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toMatch(/may have run/);
    proxy.stall(false);
    expect(await r.echo("in step")).toBe("in step");

    await r.set("cancel:t", "5");
    const controller = new AbortController();
    let attempts = 0;
    const tx = r.transaction(
      async (pipe) => {
        attempts++;
        const value = Number(await pipe.immediate.get("cancel:t"));
        controller.abort(new Error("changed my mind"));
        pipe.multi();
        pipe.set("cancel:t", String(value + 1));
      },
      "cancel:t",
      { signal: controller.signal },
    );
    const txError = await tx.catch((e: unknown) => e);
    expect(txError).toBeInstanceOf(AbortError);
    expect((txError as AbortError).cause).toEqual(new Error("changed my mind"));
    expect(attempts).toBe(1);
    expect(await r.get("cancel:t")).toBe("5");
    await expect(r.pipeline().execute({ signal: 1 } as never)).rejects.toThrow("'signal' must be an AbortSignal");
  });
});

describe("pub/sub waits", () => {
  test("getMessage({ signal }) and listen({ signal }) end the wait with AbortError (cause = reason)", async () => {
    const r = client();
    const p = r.pubsub({ ignoreSubscribeMessages: true });
    await p.subscribe("cancel:chan");
    const controller = new AbortController();
    const reason = new Error("enough");
    setTimeout(() => controller.abort(reason), 50);
    const error = await p.getMessage({ timeout: null, signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).cause).toBe(reason);

    const second = new AbortController();
    const seen: string[] = [];
    const listening = (async () => {
      for await (const message of p.listen({ signal: second.signal })) {
        seen.push(String(message.data));
        if (seen.length === 2) second.abort();
      }
    })().catch((e: unknown) => e);
    await sleep(30);
    await r.publish("cancel:chan", "one");
    await r.publish("cancel:chan", "two");
    expect(await listening).toBeInstanceOf(AbortError);
    expect(seen).toEqual(["one", "two"]);
    // The pubsub still works afterwards.
    await r.publish("cancel:chan", "three");
    expect((await p.getMessage({ timeout: 5 }))?.data).toBe("three");
    await p.close();
  });
});

describe("Lock.acquire", () => {
  test("abort ends the blocking loop without taking the lock", async () => {
    const r = client();
    const holder = r.lock("cancel:lock", { timeout: 30 });
    expect(await holder.acquire()).toBe(true);
    const waiter = r.lock("cancel:lock", { sleep: 0.05 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("stop")), 150);
    const error = await waiter.acquire({ signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(waiter.localToken).toBeNull();
    expect(await holder.owned()).toBe(true);
    await holder.release();
    expect(await r.exists("cancel:lock")).toBe(0);
  });

  test("a SET NX that may have run when the abort came is undone: the lock is not left taken", async () => {
    const proxy = await startProxy({ host: "127.0.0.1", port: server().port });
    proxies.push(proxy);
    const r = client({ port: proxy.port });
    await r.ping();
    proxy.stall(true);
    const before = proxy.bytesToServer;
    const controller = new AbortController();
    const lock = r.lock("cancel:lock2", { timeout: 30 });
    const acquiring = lock.acquire({ signal: controller.signal });
    await until(async () => proxy.bytesToServer > before, "SET NX to be written");
    controller.abort();
    proxy.stall(false);
    const error = await acquiring.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).mayHaveRun).toBe(true);
    expect(lock.localToken).toBeNull();
    // The server ran the SET (it was written); the undo released it.
    await until(async () => (await r.exists("cancel:lock2")) === 0, "the lock to be released");
    const other = r.lock("cancel:lock2");
    expect(await other.acquire({ blocking: false })).toBe(true);
    await other.release();
  });

  test("a lock made from a withOptions() view carries its signal", async () => {
    const r = client();
    const holder = r.lock("cancel:lock3", { timeout: 30 });
    await holder.acquire();
    const controller = new AbortController();
    const waiter = r.withOptions({ signal: controller.signal }).lock("cancel:lock3", { sleep: 0.05 });
    setTimeout(() => controller.abort(), 100);
    await expect(waiter.acquire()).rejects.toBeInstanceOf(AbortError);
    expect(await holder.owned()).toBe(true);
    await holder.release();
  });
});

describe("scan iterators", () => {
  test("scanIter({ signal }): an abort between pages ends the iteration; timeout is per page", async () => {
    const r = client();
    for (let i = 0; i < 300; i++) await r.set(`cancel:scan:${i}`, "1");
    const controller = new AbortController();
    const seen: string[] = [];
    const iterate = async () => {
      for await (const key of r.scanIter({ match: "cancel:scan:*", count: 10, signal: controller.signal })) {
        seen.push(key);
        if (seen.length === 15) controller.abort();
      }
    };
    await expect(iterate()).rejects.toBeInstanceOf(AbortError);
    expect(seen.length).toBeGreaterThanOrEqual(15);
    expect(seen.length).toBeLessThan(300);
    // Without an abort the same call walks everything; the per-page timeout is only a bound.
    const all: string[] = [];
    for await (const key of r.scanIter({ match: "cancel:scan:*", count: 50, timeout: 10 })) all.push(key);
    expect(new Set(all).size).toBe(300);
    const fields: string[] = [];
    await r.hset("cancel:h", { mapping: { a: "1", b: "2" } });
    for await (const [field] of r.hscanIter("cancel:h", { signal: new AbortController().signal })) fields.push(field);
    expect(fields.sort()).toEqual(["a", "b"]);
    expect(() => r.scanIter({ signal: "no" as never })).toThrow("'signal' must be an AbortSignal");
  });
});
