/**
 * Fault matrix: a server that stops answering (SIGSTOP, or one that accepts and never
 * replies). Every command settles within socketConnectTimeout + socketTimeout of its call
 * (plus its own blocking timeout), whatever state the connection is in.
 */
import { describe, expect, test } from "vitest";
import { Redis, Retry, ConstantBackoff, TimeoutError, ConnectionError } from "../../src/index.js";
import { startFakeServer, startRedisServer, sleep } from "../harness/index.js";
import { report, timed } from "./report.js";

const SOCKET_TIMEOUT = 0.4;
const CONNECT_TIMEOUT = 0.3;
const BOUND_MS = (SOCKET_TIMEOUT + CONNECT_TIMEOUT) * 1000;
/** Timers and a loaded machine: the bound is checked with this much slack. */
const SLACK_MS = 400;

describe("a server that accepts and never answers", () => {
  test("the first command settles within socketConnectTimeout + socketTimeout, not after every handshake attempt", async () => {
    const silent = await startFakeServer(() => {});
    try {
      // The default retry policy: 10 retries of the handshake (that took ~60 s with 5 s timeouts).
      const r = new Redis({ port: silent.port, socketTimeout: SOCKET_TIMEOUT, socketConnectTimeout: CONNECT_TIMEOUT });
      const results = await Promise.all([timed(r.get("a")), timed(r.set("b", "1")), timed(r.executeCommand("PING"))]);
      for (const result of results) {
        expect(result.ok).toBe(false);
        expect(result.error).toBeInstanceOf(TimeoutError);
        expect((result.error as Error).message).toMatch(/could not be sent .* it did not run/);
      }
      const worst = Math.max(...results.map((x) => x.ms));
      report("accepts, never answers", { commands: results.length, worstMs: worst, boundMs: BOUND_MS });
      expect(worst).toBeLessThan(BOUND_MS + SLACK_MS);
      expect((results[0]!.error as Error).message).toContain("GET");
      await r.close({ force: true });
    } finally {
      await silent.close();
    }
  });
});

describe("SIGSTOP under traffic", () => {
  test("commands in flight, queued and new all settle within the bound; the client recovers after SIGCONT", async () => {
    const server = await startRedisServer();
    try {
      const r = new Redis({
        port: server.port,
        socketTimeout: SOCKET_TIMEOUT,
        socketConnectTimeout: CONNECT_TIMEOUT,
        retry: new Retry(new ConstantBackoff(0.05), 50),
        decodeResponses: true,
      });
      await r.set("k", "v");
      server.pause();
      const calls: Promise<{ ok: boolean; error?: unknown; ms: number }>[] = [];
      // in flight on the live socket
      for (let i = 0; i < 200; i++) calls.push(timed(r.get("k")));
      // issued later: while the socket is timing out, then while reconnecting
      for (const gap of [100, 200, 200, 300, 400]) {
        await sleep(gap);
        for (let i = 0; i < 20; i++) calls.push(timed(r.incr("n")));
      }
      const results = await Promise.all(calls);
      const worst = Math.max(...results.map((x) => x.ms));
      const timeouts = results.filter((x) => x.error instanceof TimeoutError).length;
      const connectionErrors = results.filter((x) => x.error instanceof ConnectionError).length;
      const resolved = results.filter((x) => x.ok).length;
      report("SIGSTOP", { commands: results.length, resolved, timeouts, connectionErrors, worstMs: worst, boundMs: BOUND_MS });
      expect(resolved).toBe(0);
      expect(timeouts + connectionErrors).toBe(results.length);
      expect(worst).toBeLessThan(BOUND_MS + SLACK_MS);
      server.resume();
      // back: the next command reconnects and works
      let value: unknown = null;
      for (let i = 0; i < 20 && value !== "v"; i++) value = await r.get("k").catch(() => null);
      expect(value).toBe("v");
      await r.close();
    } finally {
      server.resume();
      await server.stop();
    }
  });
});

describe("a server that never answers, on paths that need a connection of their own", () => {
  test("client(), blocking commands and subscribe settle within the same bound", async () => {
    const silent = await startFakeServer(() => {});
    try {
      const r = new Redis({ port: silent.port, socketTimeout: SOCKET_TIMEOUT, socketConnectTimeout: CONNECT_TIMEOUT });
      const bound = r.client();
      const pubsub = r.pubsub();
      const results = await Promise.all([timed(bound.get("a")), timed(r.blpop(["q"], 1)), timed(pubsub.subscribe("c"))]);
      for (const result of results) expect(result.error).toBeInstanceOf(TimeoutError);
      const worst = Math.max(...results.map((x) => x.ms));
      report("accepts, never answers / own connections", { calls: results.length, worstMs: worst, boundMs: BOUND_MS });
      expect(worst).toBeLessThan(BOUND_MS + SLACK_MS);
      expect(pubsub.subscribed).toBe(false);
      await Promise.all([pubsub.close(), bound.close(), r.close({ force: true })]);
    } finally {
      await silent.close();
    }
  });
});
