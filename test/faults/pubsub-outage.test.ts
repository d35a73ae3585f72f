/**
 * Fault matrix: an outage longer than the retry budget with a PubSub. It keeps trying for as
 * long as it has subscriptions, reports the failed round to its reader, and subscribes again
 * once the server is back.
 */
import { describe, expect, test } from "vitest";
import { ConnectionError, ConstantBackoff, Redis, Retry } from "../../src/index.js";
import { sleep, startRedisServer } from "../harness/index.js";
import { report } from "./report.js";

describe("PubSub through an outage longer than the retry budget", () => {
  test("the gap is reported, subscriptions come back after the server does, subscribed/connected tell the truth", async () => {
    const server = await startRedisServer();
    try {
      // A retry budget of about 0.2 s; the outage lasts 1.5 s.
      const options = {
        port: server.port,
        decodeResponses: true,
        retry: new Retry(new ConstantBackoff(0.1), 2),
        socketConnectTimeout: 0.5,
        socketTimeout: 0.5,
      } as const;
      const r = new Redis(options);
      const p = r.pubsub({ ignoreSubscribeMessages: true });
      await p.subscribe("news");
      await p.psubscribe("ne*");
      expect(await r.publish("news", "before")).toBe(2);
      expect((await p.getMessage({ timeout: 1 }))?.data).toBe("before");
      expect((await p.getMessage({ timeout: 1 }))?.data).toBe("before");

      await server.kill("SIGKILL");
      const outageStarted = Date.now();
      // The reader sees the gap: an error, once, then waits quietly.
      let gapError: unknown = null;
      while (Date.now() - outageStarted < 1500) {
        try {
          await p.getMessage({ timeout: 0.2 });
        } catch (err) {
          gapError ??= err;
        }
      }
      expect(gapError).toBeInstanceOf(ConnectionError);
      expect((gapError as Error).message).toMatch(/keeps trying and subscribes again/);
      expect(p.subscribed).toBe(true);
      expect(p.connected).toBe(false);

      await server.restart();
      const backAt = Date.now();
      const publisher = new Redis({ port: server.port });
      let receivers = 0;
      while (receivers < 2 && Date.now() - backAt < 5000) {
        await sleep(20);
        receivers = Number(await publisher.publish("news", "after"));
      }
      const resubscribedMs = Date.now() - backAt;
      expect(receivers).toBe(2);
      expect(p.connected).toBe(true);
      const got: unknown[] = [];
      for (let i = 0; i < 20 && !got.includes("after"); i++) {
        const m = await p.getMessage({ timeout: 0.5 });
        if (m) got.push(m.data);
      }
      expect(got).toContain("after");
      const channels = await publisher.executeCommand("PUBSUB", "CHANNELS");
      report("pubsub long outage", {
        outageMs: backAt - outageStarted,
        gapReported: gapError !== null,
        resubscribedAfterServerMs: resubscribedMs,
        serverChannels: (channels as unknown[]).length,
      });
      await publisher.close();
      await p.close();
      expect(p.subscribed).toBe(false);
      await r.close();
    } finally {
      await server.stop();
    }
  });
});
