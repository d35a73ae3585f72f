/**
 * aioredis/compat: v1 pub/sub: `subscribe()` gives `Channel` objects, messages are raw
 * Buffers unless `get({ encoding })`, pattern messages are `[channel, message]`, the end
 * of a stream is `null` then `ChannelClosedError`, and `Receiver` reads many channels.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as aioredis from "../../compat/index.js";
import { useRedisServer } from "../harness/index.js";

const server = useRedisServer();

let pub: aioredis.Redis<string>;
let sub: aioredis.Redis<string>;

beforeAll(async () => {
  pub = await aioredis.createRedis(["127.0.0.1", server().port], { encoding: "utf-8" });
  sub = await aioredis.createRedisPool(["127.0.0.1", server().port], { encoding: "utf-8" });
});

afterAll(async () => {
  pub.close();
  sub.close();
  await Promise.all([pub.waitClosed(), sub.waitClosed()]);
});

/** Publishes once the subscription is confirmed on the server (PUBLISH counts receivers). */
async function publish(channel: string, message: string | Buffer): Promise<number> {
  return pub.publish(channel, message);
}

describe("Channel", () => {
  test("subscribe gives Channels; messages are raw Buffers whatever the client's encoding", async () => {
    const [ch1, ch2] = await sub.subscribe("ps:a", "ps:b");
    expect(ch1).toBeInstanceOf(aioredis.Channel);
    expect(ch1!.name).toEqual(Buffer.from("ps:a"));
    expect(ch1!.isPattern).toBe(false);
    expect(ch1!.isActive).toBe(true);
    expect(sub.inPubsub).toBe(2);
    expect(Object.keys(sub.channels).sort()).toEqual(["ps:a", "ps:b"]);
    expect(sub.channels["ps:a"]).toBe(ch1);
    expect(await publish("ps:a", "hello")).toBe(1);
    expect(await ch1!.get()).toEqual(Buffer.from("hello"));
    await publish("ps:b", "é");
    expect(await ch2!.get({ encoding: "utf-8" })).toBe("é");
    // subscribing again to a name gives the same Channel
    const [again] = await sub.subscribe("ps:a");
    expect(again).toBe(ch1);
    // the pool's other connections still run commands
    expect(await sub.set("ps:k", "v")).toBe(true);
    const replies = await sub.unsubscribe("ps:a", "ps:b");
    expect(replies).toEqual([
      [Buffer.from("unsubscribe"), Buffer.from("ps:a"), 1],
      [Buffer.from("unsubscribe"), Buffer.from("ps:b"), 0],
    ]);
    expect(ch1!.isActive).toBe(false);
    expect(sub.inPubsub).toBe(0);
  });

  test("end of stream: a waiting get() gives null, then ChannelClosedError; iter() ends", async () => {
    const [ch] = await sub.subscribe("ps:end");
    await publish("ps:end", "last");
    const waiting = ch!.get(); // takes "last"
    expect(await waiting).toEqual(Buffer.from("last"));
    const pending = ch!.get();
    await sub.unsubscribe("ps:end");
    expect(await pending).toBeNull();
    expect(ch!.isActive).toBe(false);
    await expect(ch!.get()).rejects.toBeInstanceOf(aioredis.ChannelClosedError);
    expect(await ch!.waitMessage()).toBe(false);

    // messages queued before the unsubscribe are still read
    const [ch2] = await sub.subscribe("ps:drain");
    await publish("ps:drain", "1");
    await publish("ps:drain", "2");
    await sub.unsubscribe("ps:drain");
    const seen: string[] = [];
    for await (const msg of ch2!.iter({ encoding: "utf-8" })) seen.push(msg as string);
    expect(seen).toEqual(["1", "2"]);
  });

  test("waitMessage loop and getJson; publishJson", async () => {
    const [ch] = await sub.subscribe("ps:json");
    const reader = (async () => {
      const got: unknown[] = [];
      while (await ch!.waitMessage()) {
        got.push(await ch!.getJson());
      }
      return got;
    })();
    await pub.publishJson("ps:json", { a: 1 });
    await pub.publishJson("ps:json", [1, "two"]);
    await new Promise((r) => setTimeout(r, 50));
    await sub.unsubscribe("ps:json");
    expect(await reader).toEqual([{ a: 1 }, [1, "two"]]);
  });

  test("patterns: messages are [channel, message], channel left raw", async () => {
    const [pattern] = await sub.psubscribe("ps:p:*");
    expect(pattern!.isPattern).toBe(true);
    expect(Object.keys(sub.patterns)).toEqual(["ps:p:*"]);
    await publish("ps:p:one", "m1");
    expect(await pattern!.get({ encoding: "utf-8" })).toEqual([Buffer.from("ps:p:one"), "m1"]);
    await publish("ps:p:two", JSON.stringify({ x: 2 }));
    expect(await pattern!.get({ encoding: "utf-8", decoder: JSON.parse })).toEqual([Buffer.from("ps:p:two"), { x: 2 }]);
    await publish("ps:p:three", "m3");
    const it = pattern!.iter({ encoding: "utf-8" });
    const first = await it.next();
    expect(first.value).toEqual([Buffer.from("ps:p:three"), "m3"]);
    const replies = await sub.punsubscribe("ps:p:*");
    expect(replies).toEqual([[Buffer.from("punsubscribe"), Buffer.from("ps:p:*"), 0]]);
    expect((await it.next()).done).toBe(true);
  });

  test("Channel objects may be passed to subscribe; pattern-ness must match", async () => {
    const mine = new aioredis.Channel("ps:own", false);
    const [ch] = await sub.subscribe(mine);
    expect(ch).toBe(mine);
    await publish("ps:own", "x");
    expect(await mine.get()).toEqual(Buffer.from("x"));
    await sub.unsubscribe(mine);
    expect(mine.isActive).toBe(false);
    expect(() => sub.subscribe(new aioredis.Channel("p:*", true))).toThrow(RangeError);
    expect(() => sub.subscribe(null as unknown as string)).toThrow(TypeError);
  });
});

describe("Receiver", () => {
  test("one reader for many channels and patterns: [sender, message]", async () => {
    const mpsc = new aioredis.Receiver();
    const [a, p] = [mpsc.channel("ps:r:a"), mpsc.pattern("ps:rp:*")];
    expect(mpsc.channel("ps:r:a")).toBe(a);
    await sub.subscribe(a);
    await sub.psubscribe(p);
    expect(Object.keys(mpsc.channels)).toEqual(["ps:r:a"]);
    expect(Object.keys(mpsc.patterns)).toEqual(["ps:rp:*"]);
    expect(mpsc.isActive).toBe(true);
    await publish("ps:r:a", "to a");
    await publish("ps:rp:x", "to p");
    const [s1, m1] = await mpsc.get({ encoding: "utf-8" });
    expect(s1).toBe(a);
    expect(m1).toBe("to a");
    const [s2, m2] = await mpsc.get();
    expect(s2).toBe(p);
    expect(m2).toEqual([Buffer.from("ps:rp:x"), Buffer.from("to p")]);
    await expect(a.get()).rejects.toThrow("MPSC channel does not allow direct get() calls");

    await publish("ps:r:a", "again");
    const seen: unknown[] = [];
    const reader = (async () => {
      for await (const [sender, msg] of mpsc.iter({ encoding: "utf-8" })) seen.push([sender.name.toString(), msg]);
    })();
    await new Promise((r) => setTimeout(r, 50));
    await sub.unsubscribe("ps:r:a");
    await sub.punsubscribe("ps:rp:*");
    // no sender left: the receiver stops itself, and the iterator ends
    await reader;
    expect(seen).toEqual([["ps:r:a", "again"]]);
    expect(mpsc.isActive).toBe(false);
    expect(await mpsc.waitMessage()).toBe(false);
    await expect(mpsc.get()).rejects.toBeInstanceOf(aioredis.ChannelClosedError);
  });

  test("stop() drops later messages", async () => {
    const mpsc = new aioredis.Receiver();
    await sub.subscribe(mpsc.channel("ps:stop"));
    mpsc.stop();
    await publish("ps:stop", "ignored");
    await sub.unsubscribe("ps:stop");
    expect(mpsc.isActive).toBe(false);
    await expect(mpsc.get()).rejects.toBeInstanceOf(aioredis.ChannelClosedError);
  });
});

describe("closing", () => {
  test("closing the client ends its channels", async () => {
    const redis = await aioredis.createRedis(["127.0.0.1", server().port]);
    const [ch] = await redis.subscribe("ps:close");
    const pending = ch!.get();
    redis.close();
    expect(await pending).toBeNull();
    expect(ch!.isActive).toBe(false);
    await redis.waitClosed();
  });

  test("an idle subscription does not keep the process busy reading", async () => {
    // nobody waits on the channel: messages wait in the subscriber until read
    const redis = await aioredis.createRedis(["127.0.0.1", server().port]);
    const [ch] = await redis.subscribe("ps:idle");
    await publish("ps:idle", "1");
    await publish("ps:idle", "2");
    await new Promise((r) => setTimeout(r, 150));
    expect(await ch!.get()).toEqual(Buffer.from("1"));
    expect(await ch!.get()).toEqual(Buffer.from("2"));
    redis.close();
    await redis.waitClosed();
  });
});
