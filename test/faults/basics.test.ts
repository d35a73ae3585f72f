import { describe, expect, test } from "vitest";
import { ConnectionError, ConstantBackoff, NoBackoff, ProtocolError, Redis, Retry } from "../../src/index.js";
import { freePort, startFakeServer, startProxy, startRedisServer, useRedisServer } from "../harness/index.js";

describe("a server killed in the middle of traffic", () => {
  test("in-flight commands reject with ConnectionError; the pool serves again once the server is back", async () => {
    const server = await startRedisServer();
    try {
      const r = new Redis({ port: server.port, retry: new Retry(new ConstantBackoff(0.05), 100), decodeResponses: true });
      await r.set("k", "before");
      // The server sleeps, so the commands behind DEBUG SLEEP are surely in flight when it dies.
      const inFlight: Promise<unknown>[] = [r.executeCommand("DEBUG", "SLEEP", "2")];
      for (let i = 0; i < 2000; i++) inFlight.push(r.incr(`n:${i % 10}`));
      const settled = Promise.allSettled(inFlight);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const killed = server.kill("SIGKILL");
      const results = await settled;
      await killed;
      // Nothing hangs, nothing is silently re-sent: every written command rejects.
      expect(results).toHaveLength(2001);
      for (const result of results) {
        expect(result.status).toBe("rejected");
        expect((result as PromiseRejectedResult).reason).toBeInstanceOf(ConnectionError);
      }
      // Once the client has seen the loss (a command written before that point may have
      // run, so it fails rather than being sent again)...
      const shared = r.connectionPool.sharedConnection();
      for (let i = 0; i < 200 && shared.isConnected; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(shared.isConnected).toBe(false);
      const restarting = server.restart();
      // ...a command issued while the server is down waits for it through the retry policy.
      const afterwards = r.set("k", "after");
      afterwards.catch(() => {});
      await restarting;
      expect(await afterwards).toBe(true);
      expect(await r.get("k")).toBe("after");
      await r.close();
    } finally {
      await server.stop();
    }
  });

  test("with no retries, a command to a dead server fails fast with ConnectionError", async () => {
    const port = await freePort();
    const r = new Redis({ port, retry: new Retry(new NoBackoff(), 0) });
    const err = await r.ping().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as Error).message).toMatch(new RegExp(`Error connecting to 127\\.0\\.0\\.1:${port}|localhost:${port}`));
    await r.close();
  });
});

describe("replies cut and split by a proxy", () => {
  const server = useRedisServer();

  test("a reply cut at every byte rejects with ConnectionError and the next command works", async () => {
    const proxy = await startProxy({ host: "127.0.0.1", port: server().port });
    try {
      const seed = new Redis({ port: server().port });
      const value = "x".repeat(40);
      await seed.set("cut", value);
      await seed.close();
      const r = new Redis({ port: proxy.port, protocol: 2, decodeResponses: true, retry: new Retry(new NoBackoff(), 3) });
      await r.ping();
      const replyLength = `$${value.length}\r\n${value}\r\n`.length;
      for (let n = 0; n < replyLength; n++) {
        proxy.cutAfter(n);
        const err = await r.get("cut").catch((e: unknown) => e);
        expect(err, `cut after ${n} bytes`).toBeInstanceOf(ConnectionError);
        proxy.cutAfter(null);
        expect(await r.get("cut")).toBe(value);
      }
      await r.close();
    } finally {
      await proxy.close();
    }
  });

  test("replies split into 1-byte pieces decode the same", async () => {
    const proxy = await startProxy({ host: "127.0.0.1", port: server().port });
    try {
      const r = new Redis({ port: proxy.port, decodeResponses: true });
      await r.mset({ s1: "héllo wörld", s2: "2" });
      proxy.splitEvery(1);
      expect(await r.mget(["s1", "s2", "s3"])).toEqual(["héllo wörld", "2", null]);
      expect(await r.ping()).toBe(true);
      proxy.splitEvery(null);
      await r.close();
    } finally {
      await proxy.close();
    }
  });
});

describe("a server that speaks garbage", () => {
  test("corrupt bytes give ProtocolError, the connection is replaced", async () => {
    let replies = 0;
    const fake = await startFakeServer((socket, data) => {
      const text = data.toString();
      if (text.includes("HELLO")) {
        socket.write("-ERR unknown command 'HELLO'\r\n");
        return;
      }
      replies++;
      socket.write(replies === 1 ? "?garbage\r\n" : "+PONG\r\n");
    });
    try {
      const r = new Redis({ port: fake.port, retry: new Retry(new NoBackoff(), 1) });
      const err = await r.ping().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProtocolError);
      expect(await r.ping()).toBe(true);
      await r.close();
    } finally {
      await fake.close();
    }
  });
});
