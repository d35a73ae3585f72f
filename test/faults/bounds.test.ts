/**
 * Fault matrix: memory bounds. A PubSub whose reader does not keep up stops reading the
 * socket at `maxQueuedMessages` (so the server's client-output-buffer-limit applies) or drops
 * with a count; commands waiting for a connection that is down are limited by
 * `maxQueuedCommands`.
 */
import { describe, expect, test } from "vitest";
import { ConnectionError, ConstantBackoff, Redis, Retry } from "../../src/index.js";
import { freePort, sleep, startRedisServer, useRedisServer } from "../harness/index.js";
import { report } from "./report.js";

const MESSAGES = 50_000;
const PAYLOAD = "x".repeat(200);

async function flood(publisher: Redis<any>, channel: string, count: number): Promise<void> {
  for (let sent = 0; sent < count; sent += 1000) {
    const pipe = publisher.pipeline({ transaction: false });
    for (let i = 0; i < 1000; i++) pipe.publish(channel, PAYLOAD);
    await pipe.execute();
  }
}

describe("a PubSub with a slow consumer", () => {
  const server = useRedisServer({ args: ["--client-output-buffer-limit", "pubsub 4mb 2mb 60"] });

  test('overflow "pause": the queue stops at the limit, the server holds the rest, and its buffer limit applies', async () => {
    const r = new Redis({ port: server().port, decodeResponses: true });
    const p = r.pubsub({ maxQueuedMessages: 1000, ignoreSubscribeMessages: true });
    await p.subscribe("firehose");
    const heapBefore = process.memoryUsage().heapUsed;
    const publisher = new Redis({ port: server().port });
    await flood(publisher, "firehose", MESSAGES);
    await sleep(200);
    const queued = p.queuedMessages;
    const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
    // The server disconnected the paused subscriber once its output buffer passed 4 MB:
    // the reader is told that messages were lost (after the messages that came before).
    let err: unknown = null;
    let read = 0;
    for (;;) {
      try {
        const m = await p.getMessage({ timeout: 0.3 });
        if (!m) break;
        read++;
      } catch (e) {
        err ??= e;
      }
    }
    report("slow consumer / pause", {
      published: MESSAGES,
      payloadBytes: PAYLOAD.length,
      maxQueuedMessages: 1000,
      queuedAtPeak: queued,
      heapGrowthMb,
      readAfterwards: read,
      lossReported: err instanceof ConnectionError,
    });
    // bounded by the limit plus what one socket read carried
    expect(queued).toBeLessThan(1000 + 1000);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as Error).message).toMatch(/paused on a full queue.*messages were lost/);
    // ...and the subscription is back
    let receivers = 0;
    for (let i = 0; i < 100 && receivers === 0; i++) {
      await sleep(20);
      receivers = Number(await publisher.publish("firehose", "again"));
    }
    expect(receivers).toBe(1);
    await publisher.close();
    await p.close();
    await r.close();
  });

  test('overflow "drop": keeps reading, drops past the limit and counts them', async () => {
    const r = new Redis({ port: server().port, decodeResponses: true });
    const p = r.pubsub({ maxQueuedMessages: 1000, overflow: "drop", ignoreSubscribeMessages: true });
    await p.subscribe("drops");
    const publisher = new Redis({ port: server().port });
    await flood(publisher, "drops", 20_000);
    for (let i = 0; i < 100 && p.queuedMessages + p.droppedMessages < 20_001; i++) await sleep(20);
    const queued = p.queuedMessages;
    let kept = 0;
    while (await p.getMessage({ timeout: 0 })) kept++;
    report("slow consumer / drop", { published: 20_000, queuedAtPeak: queued, kept, dropped: p.droppedMessages });
    // the subscribe confirmation took one of the 1000 places
    expect(queued).toBe(1000);
    expect(kept + p.droppedMessages).toBe(20_000);
    await publisher.close();
    await p.close();
    await r.close();
  });
});

describe("the offline queue", () => {
  test("while the server is down, commands past maxQueuedCommands are refused at once", async () => {
    const port = await freePort();
    const r = new Redis({ port, maxQueuedCommands: 1000, retry: new Retry(new ConstantBackoff(0.05), 100), socketTimeout: 0.5, socketConnectTimeout: 0.5 });
    // the first failed attempt makes the connection "down"
    const first = r.ping().catch((e: unknown) => e);
    await sleep(100);
    const results = await Promise.allSettled(Array.from({ length: 5000 }, (_, i) => r.set(`k${i}`, "v")));
    const refused = results.filter(
      (x) => x.status === "rejected" && x.reason instanceof ConnectionError && /maxQueuedCommands 1000/.test((x.reason as Error).message),
    ).length;
    const others = results.length - refused;
    report("offline queue", { issued: 5000, maxQueuedCommands: 1000, refusedAtOnce: refused, waitedThenFailed: others });
    expect(refused).toBe(4000 + 1); // the PING holds one of the 1000 places
    await first;
    await r.close({ force: true });
  });

  test("commands that waited are sent once the server is up", async () => {
    const server = await startRedisServer();
    try {
      await server.kill("SIGKILL");
      const r = new Redis({ port: server.port, retry: new Retry(new ConstantBackoff(0.05), 100), decodeResponses: true });
      const waiting = Promise.all(Array.from({ length: 100 }, (_, i) => r.set(`w${i}`, "v")));
      await sleep(200);
      await server.restart();
      expect((await waiting).every((x) => x === true)).toBe(true);
      await r.close();
    } finally {
      await server.stop();
    }
  });
});
