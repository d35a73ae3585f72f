/**
 * Lifecycle events (docs/events.md) against a real server killed and restarted: their order
 * and payloads, forwarding from pool to client, and no unhandled `error` without a listener.
 */
import { EventEmitter } from "node:events";
import { expect, test } from "vitest";
import { ConnectionPool, ExponentialBackoff, NoBackoff, Redis, Retry } from "../../src/index.js";
import { safeEmit } from "../../src/events.js";
import { freePort, startRedisServer } from "../harness/index.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await sleep(10);
  }
}

test("connected, ready, closed (error), reconnecting, connected, ready, in order, across a kill and restart", async () => {
  const server = await startRedisServer();
  const r = new Redis({ host: "127.0.0.1", port: server.port, protocol: 3 });
  const seen: string[] = [];
  const payloads: Record<string, any[]> = {};
  for (const name of ["connected", "ready", "closed", "reconnecting", "error"]) {
    r.on(name, (p: unknown) => {
      seen.push(name);
      if (!payloads[name]) payloads[name] = [];
      payloads[name].push(p);
    });
  }
  try {
    await r.ping();
    expect(seen).toEqual(["connected", "ready"]);
    expect(payloads.ready![0]).toMatchObject({
      serverAddress: "127.0.0.1",
      serverPort: server.port,
      database: 0,
      protocol: 3,
      address: `127.0.0.1:${server.port}`,
    });
    await server.kill();
    await until(() => seen.includes("closed"));
    expect(payloads.closed![0]).toMatchObject({ reason: "error", serverPort: server.port });
    expect(payloads.closed![0].error).toBeInstanceOf(Error);
    await server.restart();
    expect(await r.ping()).toBe(true);
    expect(seen).toEqual(["connected", "ready", "closed", "reconnecting", "connected", "ready"]);
    expect(payloads.reconnecting![0]).toMatchObject({ attempt: 1, serverPort: server.port });
    expect(typeof payloads.reconnecting![0].delay).toBe("number");
    await r.close();
    expect(seen.at(-1)).toBe("closed");
    expect(payloads.closed!.at(-1)).toMatchObject({ reason: "application_close" });
  } finally {
    await r.close();
    await server.stop();
  }
}, 30_000);

test("reconnecting carries each retry's attempt and backoff delay while the server is down", async () => {
  const port = await freePort();
  const r = new Redis({ host: "127.0.0.1", port, retry: new Retry(new ExponentialBackoff(0.04, 0.01), 3) });
  const reconnecting: { attempt: number; delay: number }[] = [];
  r.on("reconnecting", (e: { attempt: number; delay: number }) => reconnecting.push(e));
  await expect(r.ping()).rejects.toThrow();
  // attempts 2, 3, 4 after failures 1, 2, 3, with the policy's delays (0.01 * 2^(n-1) s, capped at 0.04)
  expect(reconnecting.map((e) => e.attempt)).toEqual([2, 3, 4]);
  expect(reconnecting.map((e) => Math.round(e.delay))).toEqual([20, 40, 40]);
  await r.close();
});

test("no listener: a failed background reconnect and a lost server throw nothing (no unhandled 'error')", async () => {
  const server = await startRedisServer();
  const unhandled: unknown[] = [];
  const onUncaught = (err: unknown) => unhandled.push(err);
  process.on("uncaughtException", onUncaught);
  const pool = new ConnectionPool({ host: "127.0.0.1", port: server.port, retry: new Retry(new NoBackoff(), 1) });
  const r = new Redis({ connectionPool: pool });
  // listeners for everything except `error`, so the events are built and emitted
  const events: string[] = [];
  for (const name of ["connected", "ready", "closed", "reconnecting"]) r.on(name, () => events.push(name));
  try {
    await r.ping();
    await server.kill();
    // a command queued while the server is gone: its reconnect fails in the background
    await Promise.allSettled([r.ping(), r.ping()]);
    await sleep(100);
    expect(events).toContain("closed");
    expect(pool.listenerCount("error")).toBe(0);
    expect(unhandled).toEqual([]);
  } finally {
    process.off("uncaughtException", onUncaught);
    await r.close();
    await pool.disconnect();
    await server.stop();
  }
});

test("safeEmit drops an unheard 'error' and survives a throwing listener", async () => {
  const emitter = new EventEmitter();
  expect(safeEmit(emitter, "error", { error: new Error("x"), origin: "test" })).toBe(false);
  const thrown: unknown[] = [];
  const onUncaught = (err: unknown) => thrown.push(err);
  process.on("uncaughtException", onUncaught);
  try {
    emitter.on("ready", () => {
      throw new Error("listener failed");
    });
    expect(safeEmit(emitter, "ready", {})).toBe(true); // does not throw here
    await new Promise((resolve) => setImmediate(resolve));
    expect((thrown[0] as Error).message).toBe("listener failed");
  } finally {
    process.off("uncaughtException", onUncaught);
  }
});

test("forwarding is lazy and detached on close: a client adds one forwarder per event name it listens to", async () => {
  const pool = new ConnectionPool({ host: "127.0.0.1", port: 1 });
  const a = new Redis({ connectionPool: pool });
  const b = new Redis({ connectionPool: pool });
  expect(pool.listenerCount("ready")).toBe(0);
  a.on("ready", () => {});
  a.on("ready", () => {});
  expect(pool.listenerCount("ready")).toBe(1);
  b.on("closed", () => {});
  expect(pool.listenerCount("closed")).toBe(1);
  await a.close();
  await b.close();
  expect(pool.listenerCount("ready")).toBe(0);
  expect(pool.listenerCount("closed")).toBe(0);
});

test("PubSub reports its connection's events once it holds it: closed, reconnecting, connected, ready after a restart", async () => {
  const server = await startRedisServer();
  const r = new Redis({ host: "127.0.0.1", port: server.port, decodeResponses: true });
  const p = r.pubsub();
  const seen: string[] = [];
  for (const name of ["connected", "ready", "closed", "reconnecting"]) p.on(name, () => seen.push(name));
  const clientSeen: string[] = [];
  r.on("ready", () => clientSeen.push("ready"));
  try {
    await p.subscribe("ev:chan");
    // the first connect happens in the pool, before the PubSub holds the connection: the client hears it
    expect(seen).toEqual([]);
    expect(clientSeen).toEqual(["ready"]);
    await r.ping(); // the shared connection: its events reach the client, not the PubSub
    await server.kill();
    await until(() => seen.includes("closed"));
    await server.restart();
    await until(() => seen.includes("ready"), 10_000);
    expect(seen[0]).toBe("closed");
    expect(seen.slice(-2)).toEqual(["connected", "ready"]);
    expect(seen).toContain("reconnecting");
    expect(clientSeen).toContain("ready");
    await r.publish("ev:chan", "after");
    let m = await p.getMessage({ timeout: 2, ignoreSubscribeMessages: true });
    while (m && m.type !== "message") m = await p.getMessage({ timeout: 2, ignoreSubscribeMessages: true });
    expect(m?.data).toBe("after");
  } finally {
    await p.aclose();
    await r.close();
    await server.stop();
  }
}, 30_000);
