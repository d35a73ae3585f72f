/**
 * Per-call cancellation of single commands (docs/cancellation.md), against a real server and,
 * to hold replies back after a command was written, the fault proxy.
 */
import { getEventListeners } from "node:events";
import { afterEach, describe, expect, test } from "vitest";
import { withCallOptions } from "../../src/core.js";
import { AbortError, DataError, Redis, TimeoutError } from "../../src/index.js";
import { startFakeServer, startProxy, sleep, useRedisServer, type FaultProxy } from "../harness/index.js";

const server = useRedisServer();
const clients: { close(o?: { force?: boolean }): Promise<void> }[] = [];
const proxies: FaultProxy[] = [];

function client(port = server().port): Redis<string> {
  const r = new Redis({ port, decodeResponses: true });
  clients.push(r);
  return r;
}

async function proxied(): Promise<{ r: Redis<string>; proxy: FaultProxy }> {
  const proxy = await startProxy({ host: "127.0.0.1", port: server().port });
  proxies.push(proxy);
  return { r: client(proxy.port), proxy };
}

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close({ force: true });
  for (const p of proxies.splice(0)) await p.close();
});

/** How many times the server ran `command` since the last CONFIG RESETSTAT. */
async function calls(command: string): Promise<number> {
  const stats = await server().cli("INFO", "commandstats");
  const line = stats.split("\n").find((l) => l.startsWith(`cmdstat_${command}:`));
  return line ? Number(/calls=(\d+)/.exec(line)![1]) : 0;
}

/** Resolves once the proxy forwarded more than `bytes` bytes to the server. */
async function writtenPast(proxy: FaultProxy, bytes: number): Promise<void> {
  for (let i = 0; i < 500 && proxy.bytesToServer <= bytes; i++) await sleep(5);
  expect(proxy.bytesToServer).toBeGreaterThan(bytes);
}

describe("options are checked", () => {
  test("withOptions refuses what is not a signal or a timeout, naming it", () => {
    const r = client();
    expect(() => r.withOptions({ signal: 5 as never })).toThrow(DataError);
    expect(() => r.withOptions({ signal: 5 as never })).toThrow("'signal' must be an AbortSignal");
    expect(() => r.withOptions({ timeout: -1 })).toThrow("'timeout' must be a positive number of seconds or null");
    expect(() => r.withOptions({ timeout: Number.NaN })).toThrow(DataError);
    expect(() => r.withOptions({ timeot: 1 } as never)).toThrow("withOptions: unknown option 'timeot'");
  });

  test("BLPOP's own `timeout` keyword stays BLPOP's parameter; the per-call one lives on the view", async () => {
    const r = client();
    const started = Date.now();
    // BLPOP's timeout (seconds the server blocks): a nil reply, not an error.
    // (the keyword form binds at runtime; its static type is the positional one)
    const blpopKw = (c: Redis<string>, kw: { keys: string[]; timeout: number }) => (c.blpop as unknown as (o: object) => Promise<unknown>).call(c, kw);
    expect(await blpopKw(r, { keys: ["cancel:none"], timeout: 0.1 })).toBeNull();
    expect(await r.blpop(["cancel:none"], 0.1)).toBeNull();
    // The per-call timeout on a view: a TimeoutError.
    await expect(blpopKw(r.withOptions({ timeout: 0.1 }), { keys: ["cancel:none"], timeout: 0 })).rejects.toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  test("a view shares the client and nests: inner options win, null clears", async () => {
    const r = client();
    const controller = new AbortController();
    const view = r.withOptions({ signal: controller.signal });
    await view.set("cancel:view", "1");
    expect(await r.get("cancel:view")).toBe("1");
    expect(view.connectionPool).toBe(r.connectionPool);
    controller.abort();
    await expect(view.get("cancel:view")).rejects.toBeInstanceOf(AbortError);
    expect(await view.withOptions({ signal: null }).get("cancel:view")).toBe("1");
    // The client itself carries no options.
    expect(await r.get("cancel:view")).toBe("1");
  });
});

describe("aborted before it is written: never sent", () => {
  test("an already-aborted signal rejects at once with AbortError (cause = the reason), nothing sent", async () => {
    const r = client();
    await r.set("cancel:c1", "0");
    await server().cli("CONFIG", "RESETSTAT");
    const reason = new Error("user left");
    const signal = AbortSignal.abort(reason);
    const error = await r
      .withOptions({ signal })
      .incr("cancel:c1")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).cause).toBe(reason);
    expect((error as AbortError).mayHaveRun).toBe(false);
    expect((error as Error).message).toMatch(/INCRBY was aborted before it was sent: it did not run/);
    await expect(r.withOptions({ signal }).executeCommand("INCR", "cancel:c1")).rejects.toBeInstanceOf(AbortError);
    expect(await r.get("cancel:c1")).toBe("0");
    expect(await calls("incrby")).toBe(0);
  });

  test("aborted in the same tick as the call (still queued): rejects, never reaches the server", async () => {
    const r = client();
    await r.set("cancel:c2", "0");
    await server().cli("CONFIG", "RESETSTAT");
    const controller = new AbortController();
    const view = r.withOptions({ signal: controller.signal });
    const pending = [view.incr("cancel:c2"), view.incr("cancel:c2"), r.incr("cancel:c2")];
    controller.abort();
    const settled = await Promise.allSettled(pending);
    expect(settled.map((s) => s.status)).toEqual(["rejected", "rejected", "fulfilled"]);
    expect((settled[0] as PromiseRejectedResult).reason.mayHaveRun).toBe(false);
    expect((settled[2] as PromiseFulfilledResult<number>).value).toBe(1);
    expect(await r.get("cancel:c2")).toBe("1");
    expect(await calls("incrby")).toBe(1);
  });

  test("when the only queued command is aborted, nothing holds the connection: a graceful close ends", async () => {
    const r = new Redis({ port: server().port, decodeResponses: true });
    await r.ping();
    const controller = new AbortController();
    const aborted = r.withOptions({ signal: controller.signal }).get("cancel:x");
    controller.abort();
    await expect(aborted).rejects.toBeInstanceOf(AbortError);
    const connection = r.connectionPool.sharedConnection();
    const closing = r.close(); // graceful: waits until nothing is pending
    const outcome = await Promise.race([closing.then(() => "closed"), sleep(3000).then(() => "still waiting")]);
    expect(outcome).toBe("closed");
    expect(connection.pendingCount).toBe(0);
  });

  test("a per-call timeout that expires while the connection is not ready: TimeoutError, it did not run", async () => {
    const silent = await startFakeServer(() => {}); // never answers the handshake
    try {
      const r = new Redis({ port: silent.port, password: "pw", socketTimeout: null, decodeResponses: true });
      const error = await r
        .withOptions({ timeout: 0.2 })
        .get("x")
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TimeoutError);
      expect((error as Error).message).toMatch(/GET could not be sent within its 0.2s timeout; it did not run/);
      await r.close({ force: true });
    } finally {
      await silent.close();
    }
  });
});

describe("aborted after it is written: may have run, its reply is discarded", () => {
  test("the next command on the shared connection gets its own reply", async () => {
    const { r, proxy } = await proxied();
    await r.set("cancel:c3", "0");
    proxy.stall(true);
    const before = proxy.bytesToServer;
    const controller = new AbortController();
    const aborted = r.withOptions({ signal: controller.signal }).incr("cancel:c3");
    await writtenPast(proxy, before);
    const after = r.get("cancel:c3"); // behind the aborted INCR on the same connection
    controller.abort(new Error("too slow"));
    const error = await aborted.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).mayHaveRun).toBe(true);
    expect((error as Error).message).toMatch(/INCRBY was aborted after it was sent: it may have run/);
    proxy.stall(false);
    expect(await after).toBe("1"); // GET's reply, not INCR's (1 too, so check types next)
    expect(await r.ping()).toBe(true);
    expect(await r.echo("mine")).toBe("mine");
    expect(r.connectionPool.sharedConnection().connects).toBe(1); // the connection was kept
  });

  test("a per-call timeout after the write: TimeoutError that says it may have run; the stream stays in step", async () => {
    const { r, proxy } = await proxied();
    await r.ping();
    proxy.stall(true);
    const slow = r.withOptions({ timeout: 0.15 }).echo("late");
    const next = r.echo("next");
    const error = await slow.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toMatch(/ECHO got no reply within its 0.15s timeout; it was sent and may have run/);
    proxy.stall(false);
    expect(await next).toBe("next");
    expect(r.connectionPool.sharedConnection().connects).toBe(1);
  });

  test("many interleaved aborts and commands: every caller gets its own reply", async () => {
    const { r, proxy } = await proxied();
    proxy.delay(2);
    await r.ping();
    const n = 3000;
    const outcomes: Promise<string>[] = [];
    let abortedBefore = 0;
    let abortedAfter = 0;
    let plain = 0;
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    for (let i = 0; i < n; i++) {
      const kind = random();
      if (kind < 0.5) {
        plain++;
        outcomes.push(r.echo(`v${i}`).then((v) => (v === `v${i}` ? "ok" : `WRONG ${i}: ${v}`)));
        continue;
      }
      const controller = new AbortController();
      const p = r.withOptions({ signal: controller.signal }).echo(`v${i}`);
      outcomes.push(
        p.then(
          (v) => (v === `v${i}` ? "ok" : `WRONG ${i}: ${v}`),
          (e: AbortError) => {
            if (!(e instanceof AbortError)) return `unexpected ${e}`;
            if (e.mayHaveRun) abortedAfter++;
            else abortedBefore++;
            return "aborted";
          },
        ),
      );
      if (kind < 0.65) controller.abort();
      else setTimeout(() => controller.abort(), Math.floor(random() * 20));
      if (i % 200 === 0) await sleep(1);
    }
    const results = await Promise.all(outcomes);
    const wrong = results.filter((x) => x !== "ok" && x !== "aborted");
    expect(wrong).toEqual([]);
    expect(results.filter((x) => x === "ok").length).toBeGreaterThanOrEqual(plain);
    expect(abortedBefore).toBeGreaterThan(0);
    expect(abortedAfter).toBeGreaterThan(0);
    proxy.delay(0);
    expect(await r.echo("last")).toBe("last");
    expect(r.connectionPool.sharedConnection().pendingCount).toBe(0);
  });
});

describe("listeners", () => {
  test("10,000 commands with one long-lived signal: one listener at most, none once settled, no warning", async () => {
    const r = client();
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on("warning", onWarning);
    try {
      const controller = new AbortController();
      const view = r.withOptions({ signal: controller.signal, timeout: 30 });
      for (let round = 0; round < 10; round++) {
        const batch: Promise<unknown>[] = [];
        for (let i = 0; i < 1000; i++) batch.push(view.incr("cancel:many"));
        expect(getEventListeners(controller.signal, "abort").length).toBe(1);
        await Promise.all(batch);
      }
      for (let i = 0; i < 200; i++) await view.get("cancel:many"); // one by one too
      expect(await r.get("cancel:many")).toBe("10000");
      expect(getEventListeners(controller.signal, "abort").length).toBe(0);
      await sleep(10);
      expect(warnings.filter((w) => w.name === "MaxListenersExceededWarning")).toEqual([]);
    } finally {
      process.off("warning", onWarning);
    }
  });
});

describe("nothing when unused", () => {
  test("a call without signal or timeout keeps its send options object and makes no cancellation state", async () => {
    const send = { decode: false };
    expect(withCallOptions(send, undefined)).toBe(send);
    expect(withCallOptions(undefined, undefined)).toBeUndefined();
    expect(withCallOptions(send, { signal: null, timeout: null })).toBe(send);
    const r = client();
    const connection = r.connectionPool.sharedConnection();
    for (let i = 0; i < 100; i++) await Promise.all([r.set("cancel:plain", String(i)), r.get("cancel:plain"), r.executeCommand("PING")]);
    expect((connection as unknown as { callDeadlines: unknown }).callDeadlines).toBeNull();
    // The first call with a timeout makes the connection's deadline heap, once.
    await r.withOptions({ timeout: 5 }).get("cancel:plain");
    expect((connection as unknown as { callDeadlines: unknown }).callDeadlines).not.toBeNull();
  });
});
