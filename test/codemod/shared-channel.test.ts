/**
 * `v1Channel`, the helper the codemod writes into a module whose class keeps one PubSub for
 * all its subscriptions (codemods/v2/pubsub-shared.ts), evaluated as written against a real
 * server: readers of one PubSub each get their own channel's messages in order; a reader ends
 * after the unsubscribe confirmation of its name with every message that came before it; its
 * queue's bound ends it with an error; closing the PubSub ends every reader.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { v1ChannelText } from "../../codemods/v2/pubsub-shared.js";
import { type PubSub, Redis } from "../../src/index.js";
import { useRedisServer } from "../harness/index.js";

type Reader = Pick<PubSub, "listen">;
type V1Channel = (pubsub: PubSub, name: string) => Promise<Reader>;

const server = useRedisServer();

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const dir = path.join(root, ".tmp", `codemod-shared-channel-${process.pid}`);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The helper as the codemod writes it, in a module of its own (a fresh one, with no readers yet, for each test). */
let made = 0;
async function helper(): Promise<V1Channel> {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `v1-channel-${++made}.ts`);
  const types = JSON.stringify(path.join(root, "src/index.ts"));
  fs.writeFileSync(
    file,
    `import type { PubSub, PubSubMessage } from ${types};\n${v1ChannelText("v1Channel", "PubSub<T>", "PubSubMessage<T>")}\nexport { v1Channel };\n`,
  );
  return ((await import(file)) as { v1Channel: V1Channel }).v1Channel;
}

/** Every message data of a reader's listen(), as text, until it ends or `count` came. */
async function drain(reader: Reader, count = Number.POSITIVE_INFINITY): Promise<string[]> {
  const out: string[] = [];
  for await (const m of reader.listen()) {
    out.push(`${String(m.channel)} ${String(m.data)}`);
    if (out.length === count) break;
  }
  return out;
}

describe("v1Channel: v1's Channels on one v2 PubSub", () => {
  const clients: Redis[] = [];
  const client = (): Redis => {
    const r = new Redis({ port: server().port });
    clients.push(r);
    return r;
  };
  afterEach(async () => {
    for (const r of clients.splice(0)) await r.close();
  });

  it("gives each reader its own channel's messages, in order, on one connection", async () => {
    const v1Channel = await helper();
    const pub = client();
    const pubsub = client().pubsub();
    const a = await v1Channel(pubsub, "a");
    const b = await v1Channel(pubsub, "b");
    const readers = [drain(a, 20), drain(b, 20)];
    for (let i = 0; i < 20; i++) {
      await pub.publish("a", `a${i}`);
      await pub.publish("b", `b${i}`);
    }
    const [gotA, gotB] = await Promise.all(readers);
    expect(gotA).toEqual(Array.from({ length: 20 }, (_, i) => `a a${i}`));
    expect(gotB).toEqual(Array.from({ length: 20 }, (_, i) => `b b${i}`));
    const subscribers = String(await pub.executeCommand("CLIENT", "LIST"))
      .split("\n")
      .filter((line) => /\bsub=2\b/.test(line));
    expect(subscribers).toHaveLength(1);
    // subscribing a channel again gives the same reader, as v1 gave the same Channel
    expect(await v1Channel(pubsub, "a")).toBe(a);
    await pubsub.close();
  });

  it("ends a reader after its unsubscribe confirmation, with every message before it, also when it starts reading late", async () => {
    const v1Channel = await helper();
    const pub = client();
    const pubsub = client().pubsub();
    const late = await v1Channel(pubsub, "late");
    const other = await v1Channel(pubsub, "other");
    for (let i = 0; i < 5; i++) await pub.publish("late", `l${i}`);
    await pubsub.unsubscribe("late");
    await pub.publish("late", "after");
    await pub.publish("other", "o1");
    expect(await drain(late)).toEqual(["late l0", "late l1", "late l2", "late l3", "late l4"]);
    // the other channel goes on
    expect(await drain(other, 1)).toEqual(["other o1"]);
    // a reader that ended stays ended; subscribing again gives a new one
    expect(await drain(late)).toEqual([]);
    const again = await v1Channel(pubsub, "late");
    expect(again).not.toBe(late);
    await pub.publish("late", "l5");
    expect(await drain(again, 1)).toEqual(["late l5"]);
    await pubsub.close();
  });

  it("ends a reader that falls maxQueuedMessages behind with an error, after what is queued", async () => {
    const v1Channel = await helper();
    const pub = client();
    const pubsub = client().pubsub({ maxQueuedMessages: 3 });
    const slow = await v1Channel(pubsub, "slow");
    const fast = await v1Channel(pubsub, "fast");
    for (let i = 0; i < 5; i++) await pub.publish("slow", `s${i}`);
    await pub.publish("fast", "f0");
    // the reader of fast reads the PubSub, which fills the queue of slow
    expect(await drain(fast, 1)).toEqual(["fast f0"]);
    const got: string[] = [];
    await expect(
      (async () => {
        for await (const m of slow.listen()) got.push(String(m.data));
      })(),
    ).rejects.toThrow("channel slow: its reader fell 3 messages behind; later messages were dropped");
    expect(got).toEqual(["s0", "s1", "s2"]);
    await pubsub.close();
  });

  it("ends every reader when the PubSub is closed", async () => {
    const v1Channel = await helper();
    const pubsub = client().pubsub();
    const a = await v1Channel(pubsub, "a");
    const b = await v1Channel(pubsub, "b");
    const readers = Promise.all([drain(a), drain(b)]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await pubsub.close();
    expect(await readers).toEqual([[], []]);
    await expect(v1Channel(pubsub, "c")).rejects.toThrow(/closed/);
  });
});
