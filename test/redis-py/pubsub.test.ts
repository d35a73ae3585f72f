/**
 * PubSub behaviours pinned to redis-py (redis/asyncio/client.py `PubSub`, and
 * tests/test_asyncio/test_pubsub.py), under RESP2 and RESP3: issue 14 items 2, 8, 9, 10.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DataError, PubSubError, Redis, type PubSubMessage } from "../../src/index.js";
import { useRedisServer } from "../harness/index.js";

const server = useRedisServer();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Like redis-py's `wait_for_message`: the first message within `seconds`. */
async function waitForMessage<T extends string | Buffer>(
  p: { getMessage(o: { timeout: number; ignoreSubscribeMessages?: boolean }): Promise<PubSubMessage<T> | null> },
  seconds = 2,
  ignoreSubscribeMessages = false,
): Promise<PubSubMessage<T> | null> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    const m = await p.getMessage({ timeout: 0.1, ignoreSubscribeMessages });
    if (m) return m;
  }
  return null;
}

describe.each([2, 3] as const)("redis-py PubSub fidelity over RESP%i", (protocol) => {
  let r: Redis<string>;
  let rb: Redis<Buffer>;
  const c = (name: string) => `rpps${protocol}:${name}`;
  beforeAll(() => {
    r = new Redis({ port: server().port, protocol, decodeResponses: true });
    rb = new Redis({ port: server().port, protocol });
  });
  afterAll(async () => {
    await r.close();
    await rb.close();
  });

  // test_pubsub.py TestPubSubPings.test_send_pubsub_ping / test_send_pubsub_ping_message:
  // make_message(type="pong", channel=None, data="" / "hello world", pattern=None).
  test("item 10: ping() while subscribed: data is empty, or the message", async () => {
    const p = r.pubsub({ ignoreSubscribeMessages: true });
    await p.subscribe(c("foo"));
    await p.ping();
    expect(await waitForMessage(p)).toEqual({ type: "pong", pattern: null, channel: null, data: "" });
    await p.ping({ message: "hello world" });
    expect(await waitForMessage(p)).toEqual({ type: "pong", pattern: null, channel: null, data: "hello world" });
    await p.ping("positional");
    expect(await waitForMessage(p)).toEqual({ type: "pong", pattern: null, channel: null, data: "positional" });
    await p.close();
  });

  // handle_message: a bare b"PONG" reply (PING before any subscription, or any RESP3 PING)
  // becomes [b"pong", b""]; another reply (PING <message>) becomes [b"pong", message].
  test("item 10: ping() before any subscription gives the same pong messages", async () => {
    const p = r.pubsub();
    await p.ping();
    expect(await waitForMessage(p)).toEqual({ type: "pong", pattern: null, channel: null, data: "" });
    await p.ping({ message: "x" });
    expect(await waitForMessage(p)).toEqual({ type: "pong", pattern: null, channel: null, data: "x" });
    await p.close();
  });

  test('item 10: without decodeResponses the pong data is a Buffer (b"" / the message)', async () => {
    const p = rb.pubsub({ ignoreSubscribeMessages: true });
    await p.ping();
    expect(await waitForMessage(p)).toEqual({ type: "pong", pattern: null, channel: null, data: Buffer.alloc(0) });
    await p.subscribe(c("bin"));
    await p.ping({ message: "hello world" });
    expect(await waitForMessage(p)).toEqual({ type: "pong", pattern: null, channel: null, data: Buffer.from("hello world") });
    await p.ping();
    expect(await waitForMessage(p)).toEqual({ type: "pong", pattern: null, channel: null, data: Buffer.alloc(0) });
    await p.close();
  });

  test("item 2: ping arguments are validated before anything is sent; the pubsub keeps working", async () => {
    const p = r.pubsub({ ignoreSubscribeMessages: true });
    await p.subscribe(c("v"));
    await expect(p.ping({ message: { nested: 1 } } as never)).rejects.toBeInstanceOf(DataError);
    await expect(p.ping({ msg: "x" } as never)).rejects.toThrow(/unknown option 'msg'/);
    await expect(p.ping([1] as never)).rejects.toThrow(/'message' must be a string/);
    await expect(p.ping(Number.NaN)).rejects.toBeInstanceOf(DataError);
    await p.ping(7);
    expect(await waitForMessage(p)).toEqual({ type: "pong", pattern: null, channel: null, data: "7" });
    await r.publish(c("v"), "still here");
    expect(await waitForMessage(p)).toMatchObject({ type: "message", data: "still here" });
    await p.close();
  });

  // handle_message: `if ignore_subscribe_messages or self.ignore_subscribe_messages: return None`
  test("item 8: getMessage({ ignoreSubscribeMessages: false }) cannot switch confirmations back on", async () => {
    const p = r.pubsub({ ignoreSubscribeMessages: true });
    await p.subscribe(c("or"));
    expect(await waitForMessage(p, 0.3, false)).toBeNull();
    await r.publish(c("or"), "m");
    expect(await waitForMessage(p, 2, false)).toMatchObject({ type: "message", data: "m" });
    // and the per-call flag alone still ignores them
    const q = r.pubsub();
    await q.subscribe(c("or2"));
    expect(await waitForMessage(q, 0.3, true)).toBeNull();
    await Promise.all([p.close(), q.close()]);
  });

  // run(): `await self.connect()` then loops until cancelled, whatever is subscribed.
  test("item 9: run() started before the first subscribe keeps serving, and past the last unsubscribe", async () => {
    const p = r.pubsub();
    const seen: string[] = [];
    const running = p.run({ pollTimeout: 0.05 });
    await sleep(150);
    await p.subscribe({ [c("late")]: (m) => void seen.push(String(m.data)) });
    await sleep(50);
    await r.publish(c("late"), "1");
    await sleep(100);
    await p.unsubscribe();
    await sleep(150);
    await p.subscribe({ [c("again")]: (m) => void seen.push(String(m.data)) });
    await sleep(50);
    await r.publish(c("again"), "2");
    for (let i = 0; i < 40 && seen.length < 2; i++) await sleep(25);
    expect(seen).toEqual(["1", "2"]);
    let ended = false;
    void running.then(() => {
      ended = true;
    });
    await sleep(20);
    expect(ended).toBe(false);
    await p.close();
    await running;
    expect(ended).toBe(true);
  });

  test("item 9: connect() takes the connection, so getMessage can wait before any subscribe", async () => {
    const p = r.pubsub();
    await expect(p.getMessage()).rejects.toBeInstanceOf(PubSubError);
    await p.connect();
    expect(p.connected).toBe(true);
    expect(await p.getMessage({ timeout: 0.05 })).toBeNull();
    await p.close();
    await expect(p.connect()).rejects.toBeInstanceOf(PubSubError);
  });
});

describe("item 2: an encoder failure rejects that one command (src/connection)", () => {
  test.each([2, 3] as const)("RESP%i: a value that cannot be encoded is a DataError; the connection and its neighbours are fine", async (protocol) => {
    const r = new Redis({ port: server().port, protocol, decodeResponses: true });
    const before = r.set("enc:a", "1");
    const bad = r.executeCommand("SET", "enc:b", { not: "encodable" } as never);
    const after = r.get("enc:a");
    await expect(bad).rejects.toBeInstanceOf(DataError);
    expect(await before).toBe(true);
    expect(await after).toBe("1");
    const p = r.pipeline({ transaction: false });
    p.set("enc:c", "3");
    // validated when queued: the bad command never enters the pipeline
    expect(() => p.executeCommand("SET", "enc:d", [Symbol("x")] as never)).toThrow(DataError);
    p.get("enc:a");
    expect(await p.execute()).toEqual([true, "1"]);
    expect(await r.get("enc:c")).toBe("3");
    await r.close();
  });
});
