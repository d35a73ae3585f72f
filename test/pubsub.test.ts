import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DataError, PubSubError, Redis, type PubSubMessage } from "../src/index.js";
import { startRedisServer, useRedisServer } from "./harness/index.js";

const server = useRedisServer();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads messages until `count` arrived or `seconds` passed. */
async function collect<T extends string | Buffer>(
  p: { getMessage(o: { timeout: number }): Promise<PubSubMessage<T> | null> },
  count: number,
  seconds = 2,
): Promise<PubSubMessage<T>[]> {
  const out: PubSubMessage<T>[] = [];
  const deadline = Date.now() + seconds * 1000;
  while (out.length < count && Date.now() < deadline) {
    const m = await p.getMessage({ timeout: 0.2 });
    if (m) out.push(m);
  }
  return out;
}

describe.each([2, 3] as const)("PubSub over RESP%i", (protocol) => {
  let r: Redis<string>;
  const c = (name: string) => `ps${protocol}:${name}`;
  beforeAll(() => {
    r = new Redis({ port: server().port, protocol, decodeResponses: true });
  });
  afterAll(() => r.close());

  test("an unsubscribe takes effect when its confirmation is read: the messages before it still reach their handler (redis-py's order)", async () => {
    const p = r.pubsub();
    const handled: string[] = [];
    await p.subscribe({ [c("h")]: (m) => void handled.push(String(m.data)) });
    await p.psubscribe({ [c("hp*")]: (m) => void handled.push(`p:${String(m.data)}`) });
    expect((await collect(p, 2)).map((m) => m.type)).toEqual(["subscribe", "psubscribe"]);
    for (let i = 1; i <= 3; i++) await r.publish(c("h"), `m${i}`);
    await r.publish(c("hp1"), "pm");
    await p.unsubscribe(c("h"));
    await p.punsubscribe(c("hp*"));
    // the confirmations are on their way or queued, not read: still subscribed (redis-py's `subscribed`)
    await sleep(50);
    expect(p.subscribed).toBe(true);
    expect(p.channels).toEqual([c("h")]);
    const rest = await collect(p, 2);
    expect(rest.map((m) => [m.type, m.channel])).toEqual([
      ["unsubscribe", c("h")],
      ["punsubscribe", c("hp*")],
    ]);
    expect(handled).toEqual(["m1", "m2", "m3", "p:pm"]);
    expect(p.subscribed).toBe(false);
    await p.close();
  });

  test("subscribe, psubscribe, messages in redis-py's shape", async () => {
    const p = r.pubsub();
    await p.subscribe(c("a"), c("b"));
    await p.psubscribe(c("p*"));
    const confirmations = await collect(p, 3);
    expect(confirmations).toEqual([
      { type: "subscribe", pattern: null, channel: c("a"), data: 1 },
      { type: "subscribe", pattern: null, channel: c("b"), data: 2 },
      { type: "psubscribe", pattern: null, channel: c("p*"), data: 3 },
    ]);
    expect(await r.publish(c("a"), "hello")).toBe(1);
    await r.publish(c("pX"), "patterned");
    expect(await collect(p, 2)).toEqual([
      { type: "message", pattern: null, channel: c("a"), data: "hello" },
      { type: "pmessage", pattern: c("p*"), channel: c("pX"), data: "patterned" },
    ]);
    expect(p.subscribed).toBe(true);
    await p.unsubscribe();
    await p.punsubscribe();
    const unsubs = await collect(p, 3);
    expect(unsubs.map((m) => m.type).sort()).toEqual(["punsubscribe", "unsubscribe", "unsubscribe"]);
    expect(p.subscribed).toBe(false);
    await p.close();
  });

  test("getMessage returns null when nothing came in time, without busy-looping", async () => {
    const p = r.pubsub({ ignoreSubscribeMessages: true });
    await p.subscribe(c("quiet"));
    expect(await p.getMessage({ timeout: 0 })).toBeNull();
    const started = Date.now();
    const cpuBefore = process.cpuUsage();
    expect(await p.getMessage({ timeout: 0.3 })).toBeNull();
    const elapsed = Date.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    expect(elapsed).toBeGreaterThanOrEqual(250);
    // A busy loop would burn roughly the whole wait in CPU time.
    expect((cpu.user + cpu.system) / 1000).toBeLessThan(elapsed / 2);
    await p.close();
  });

  test("handlers (sync and async) receive their channel's messages", async () => {
    const seen: string[] = [];
    const p = r.pubsub({ ignoreSubscribeMessages: true });
    await p.subscribe({ [c("h1")]: (m) => void seen.push(`h1:${m.data}`) });
    await p.subscribe({
      [c("h2")]: async (m) => {
        await sleep(5);
        seen.push(`h2:${m.data}`);
      },
    });
    await p.subscribe(c("plain"));
    await sleep(50);
    await r.publish(c("h1"), "x");
    await r.publish(c("h2"), "y");
    await r.publish(c("plain"), "z");
    const rest = await collect(p, 1);
    expect(rest).toEqual([{ type: "message", pattern: null, channel: c("plain"), data: "z" }]);
    expect(seen).toEqual([`h1:x`, `h2:y`]);
    await p.close();
  });

  test("a handler replaced by subscribing again, or dropped by unsubscribing, applies to the next message", async () => {
    const seen: string[] = [];
    const p = r.pubsub();
    await p.subscribe({ [c("swap")]: (m) => void seen.push(`first:${m.data}`) });
    await p.psubscribe({ [c("swap-p*")]: (m) => void seen.push(`pattern:${m.data}`) });
    expect(await collect(p, 2)).toHaveLength(2); // both confirmed
    for (const data of ["a", "b", "c"]) await r.publish(c("swap"), data);
    await r.publish(c("swap-p1"), "p");
    await sleep(50);
    // all four queued: handled within one call, which then waits for something for the caller
    expect(await p.getMessage({ timeout: 0.05 })).toBeNull();
    await p.subscribe({ [c("swap")]: (m) => void seen.push(`second:${m.data}`) });
    await p.punsubscribe(c("swap-p*"));
    expect((await collect(p, 2)).map((m) => m.type)).toEqual(["subscribe", "punsubscribe"]);
    await r.publish(c("swap"), "d");
    // "d" is handled before the unsubscribe: a handler is looked up when a message is read,
    // and after the unsubscribe confirmation "d" would have none (as in redis-py)
    for (let i = 0; i < 100 && !seen.includes("second:d"); i++) expect(await p.getMessage({ timeout: 0.05 })).toBeNull();
    await p.unsubscribe(c("swap"));
    expect((await collect(p, 1)).map((m) => m.type)).toEqual(["unsubscribe"]);
    expect(seen).toEqual(["first:a", "first:b", "first:c", "pattern:p", "second:d"]);
    await p.close();
  });

  test("listen() as an iterator: queued messages in order, calls at once, handlers, return()", async () => {
    const p = r.pubsub();
    const handled: string[] = [];
    await p.subscribe(c("it"), { [c("it-h")]: (m: PubSubMessage<string>) => void handled.push(String(m.data)) });
    const it = p.listen();
    // both subscriptions confirmed: the server has them
    expect((await it.next()).value).toMatchObject({ type: "subscribe", channel: c("it") });
    expect((await it.next()).value).toMatchObject({ type: "subscribe", channel: c("it-h") });
    const first = it.next();
    for (const data of ["1", "2", "3", "4"]) await r.publish(c("it"), data);
    await r.publish(c("it-h"), "h1");
    await r.publish(c("it"), "5");
    expect((await first).value).toEqual({ type: "message", pattern: null, channel: c("it"), data: "1" });
    await sleep(50); // the rest is queued by now
    const [a, b] = await Promise.all([it.next(), it.next()]);
    expect([a.value?.data, b.value?.data]).toEqual(["2", "3"]);
    expect((await it.next()).value?.data).toBe("4");
    expect((await it.next()).value?.data).toBe("5");
    expect(handled).toEqual(["h1"]);
    expect(await it.return(undefined)).toEqual({ value: undefined, done: true });
    await r.publish(c("it"), "6");
    await sleep(20);
    expect(await it.next()).toEqual({ value: undefined, done: true });
    expect(it[Symbol.asyncIterator]()).toBe(it);
    await p.close();
  });

  test("listen() yields messages and ends when no subscription remains", async () => {
    const p = r.pubsub();
    await p.subscribe(c("listen"));
    const received: PubSubMessage<string>[] = [];
    const done = (async () => {
      for await (const m of p.listen()) {
        received.push(m);
        if (m.type === "message" && m.data === "stop") await p.unsubscribe(c("listen"));
      }
    })();
    await sleep(50);
    await r.publish(c("listen"), "one");
    await r.publish(c("listen"), "stop");
    await done;
    expect(received.map((m) => [m.type, m.data])).toEqual([
      ["subscribe", 1],
      ["message", "one"],
      ["message", "stop"],
      ["unsubscribe", 0],
    ]);
    await p.close();
  });

  test("run() dispatches to handlers until closed; errors go to the exceptionHandler", async () => {
    const p = r.pubsub();
    const seen: string[] = [];
    const errors: unknown[] = [];
    await p.subscribe({
      [c("run")]: (m) => {
        if (m.data === "boom") throw new Error("handler failed");
        seen.push(String(m.data));
      },
    });
    const running = p.run({ pollTimeout: 0.05, exceptionHandler: (e) => void errors.push(e) });
    await sleep(50);
    await r.publish(c("run"), "1");
    await r.publish(c("run"), "boom");
    await r.publish(c("run"), "2");
    await sleep(200);
    await p.close();
    await running;
    expect(seen).toEqual(["1", "2"]);
    expect(errors).toHaveLength(1);
    const bare = r.pubsub();
    await bare.subscribe(c("no-handler"));
    await expect(bare.run()).rejects.toBeInstanceOf(PubSubError);
    await bare.close();
  });

  test("ssubscribe and ping", async () => {
    const p = r.pubsub();
    await p.ssubscribe(c("shard"));
    expect(await collect(p, 1)).toEqual([{ type: "ssubscribe", pattern: null, channel: c("shard"), data: 1 }]);
    await r.executeCommand("SPUBLISH", c("shard"), "sharded");
    expect(await collect(p, 1)).toEqual([{ type: "smessage", pattern: null, channel: c("shard"), data: "sharded" }]);
    await p.ping();
    const pong = await collect(p, 1);
    expect(pong[0]?.type).toBe("pong");
    await p.sunsubscribe();
    expect((await collect(p, 1))[0]?.type).toBe("sunsubscribe");
    await p.close();
  });

  test("Buffers without decodeResponses", async () => {
    const rb = new Redis({ port: server().port, protocol });
    const p = rb.pubsub({ ignoreSubscribeMessages: true });
    await p.subscribe(c("bin"));
    await sleep(30);
    await rb.publish(c("bin"), Buffer.from([0, 1, 255]));
    const [m] = await collect(p, 1);
    expect(m).toEqual({ type: "message", pattern: null, channel: Buffer.from(c("bin")), data: Buffer.from([0, 1, 255]) });
    await p.close();
    await rb.close();
  });

  test("bad input", async () => {
    const p = r.pubsub();
    await expect(p.getMessage()).rejects.toBeInstanceOf(PubSubError);
    await expect(p.subscribe(42 as never)).rejects.toBeInstanceOf(DataError);
    await expect(p.subscribe({ x: "not a function" } as never)).rejects.toBeInstanceOf(DataError);
    expect(() => r.pubsub({ ignore: true } as never)).toThrow(/unknown option 'ignore'/);
    await p.close();
  });
});

describe("PubSub after the connection is lost", () => {
  test("reconnects and re-subscribes by itself", async () => {
    const own = await startRedisServer();
    try {
      const r = new Redis({ port: own.port, decodeResponses: true });
      const p = r.pubsub({ ignoreSubscribeMessages: true });
      await p.subscribe("survivor");
      await p.psubscribe("surv*");
      await sleep(50);
      await r.publish("survivor", "before");
      expect((await collect(p, 2)).map((m) => m.data)).toEqual(["before", "before"]);
      // kill the subscriber's connection from the server side
      await r.executeCommand("CLIENT", "KILL", "TYPE", "pubsub");
      let delivered = 0;
      for (let i = 0; i < 50 && delivered === 0; i++) {
        await sleep(50);
        delivered = await r.publish("survivor", "after");
      }
      expect(delivered).toBe(2);
      const after = await collect(p, 2);
      expect(after.map((m) => [m.type, m.data])).toEqual([
        ["message", "after"],
        ["pmessage", "after"],
      ]);
      await p.close();
      await r.close();
    } finally {
      await own.stop();
    }
  });

  test("healthCheckInterval pings a quiet subscription", async () => {
    const own = await startRedisServer();
    try {
      const r = new Redis({ port: own.port, healthCheckInterval: 0.1, decodeResponses: true });
      const p = r.pubsub();
      await p.subscribe("quiet");
      const pings = async () => Number(/cmdstat_ping:calls=(\d+)/.exec(await own.cli("INFO", "commandstats"))?.[1] ?? 0);
      await sleep(450);
      expect(await pings()).toBeGreaterThanOrEqual(2);
      // health-check pongs are not passed on
      const messages = await collect(p, 5, 0.3);
      expect(messages.filter((m) => m.type === "pong")).toEqual([]);
      await p.close();
      await r.close();
    } finally {
      await own.stop();
    }
  });
});

describe("handlers with Buffer replies", () => {
  test("each message goes to its channel's handler, even when a handler changes the channel Buffer it was given", async () => {
    const r = new Redis({ port: server().port });
    const p = r.pubsub({ ignoreSubscribeMessages: true });
    const seen: string[] = [];
    const handler = (tag: string) => (m: PubSubMessage<Buffer>) => {
      seen.push(`${tag}:${String(m.data)}`);
      // the caller's Buffer: turning it into the other channel's name changes nothing that follows
      m.channel?.write(String(m.channel) === "buf:one" ? "buf:two" : "buf:one");
    };
    await p.subscribe({ "buf:one": handler("one"), "buf:two": handler("two") });
    await sleep(50);
    for (const [channel, data] of [
      ["buf:one", "a"],
      ["buf:one", "b"],
      ["buf:two", "c"],
      ["buf:one", "d"],
    ]) {
      await r.publish(channel!, data!);
    }
    await sleep(50);
    expect(await p.getMessage({ timeout: 0.05 })).toBeNull();
    await p.subscribe({ "buf:one": handler("again") });
    await sleep(50);
    await r.publish("buf:one", "e");
    expect(await p.getMessage({ timeout: 0.2 })).toBeNull();
    expect(seen).toEqual(["one:a", "one:b", "two:c", "one:d", "again:e"]);
    await p.close();
    await r.close();
  });
});

describe("waiting can be stopped", () => {
  test("getMessage({ signal }) rejects with the abort reason", async () => {
    const r = new Redis({ port: server().port });
    const p = r.pubsub({ ignoreSubscribeMessages: true });
    await p.subscribe("aborted");
    const controller = new AbortController();
    const waiting = p.getMessage({ timeout: null, signal: controller.signal });
    setTimeout(() => controller.abort(new Error("stop waiting")), 50);
    await expect(waiting).rejects.toThrow("stop waiting");
    await p.close();
    await r.close();
  });

  test("initialize() connects before the first command", async () => {
    const r = new Redis({ port: server().port });
    expect(await r.initialize()).toBe(r);
    expect(r.connectionPool.sharedConnection().isConnected).toBe(true);
    const c = r.client();
    await c.initialize();
    expect(c.connection?.isConnected).toBe(true);
    await c.close();
    await r.close();
  });
});

describe("PubSub bounds and honesty", () => {
  test("maxQueuedMessages and overflow are checked", () => {
    const r = new Redis({ port: 1 });
    expect(() => r.pubsub({ maxQueuedMessages: 0 })).toThrow(/'maxQueuedMessages' must be a positive integer/);
    expect(() => r.pubsub({ overflow: "block" as never })).toThrow(/'overflow' must be 'pause' or 'drop'/);
    const p = r.pubsub({ maxQueuedMessages: 5, overflow: "drop" });
    expect([p.maxQueuedMessages, p.overflow, p.droppedMessages, p.subscribed, p.connected]).toEqual([5, "drop", 0, false, false]);
  });

  test("a subscribe that could not connect leaves nothing subscribed", async () => {
    const r = new Redis({ port: 1, retry: null });
    const p = r.pubsub();
    await expect(p.subscribe("nowhere")).rejects.toBeInstanceOf(Error);
    expect(p.subscribed).toBe(false);
    expect(p.channels).toEqual([]);
    await p.close();
  });
});
