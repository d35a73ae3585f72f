import * as net from "node:net";
import { afterAll, beforeAll, describe, expect, expectTypeOf, test } from "vitest";
import { Redis } from "../../src/index.js";
import { useRedisServer } from "../harness/index.js";

const server = useRedisServer();

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

const encode = (...words: string[]): string => `*${words.length}\r\n${words.map((w) => `$${Buffer.byteLength(w)}\r\n${w}\r\n`).join("")}`;

/** A subscriber on a raw connection of its own: writes the commands in RESP and keeps what comes back. */
class RawSubscriber {
  private readonly socket: net.Socket;
  private readonly chunks: Buffer[] = [];
  readonly ready: Promise<void>;

  constructor(port: number, commands: string[][]) {
    this.socket = net.connect({ host: "127.0.0.1", port });
    this.socket.on("data", (d: Buffer) => this.chunks.push(d));
    this.socket.on("error", () => {});
    this.ready = new Promise((resolve) => {
      this.socket.once("connect", () => {
        this.socket.write(commands.map((c) => encode(...c)).join(""));
        resolve();
      });
    });
  }

  received(): string {
    return Buffer.concat(this.chunks).toString();
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.socket.once("close", () => resolve());
      this.socket.destroy();
    });
  }
}

describe.each([2, 3] as const)("pub/sub introspection over RESP%i", (protocol) => {
  let r: Redis<string>;
  let rb: Redis<Buffer>;
  const ch = (name: string): string => `p${protocol}:${name}`;

  beforeAll(() => {
    r = new Redis({ port: server().port, protocol, decodeResponses: true });
    rb = new Redis({ port: server().port, protocol });
  });
  afterAll(async () => {
    await r.close();
    await rb.close();
  });

  test("channels, numsub, numpat, shardchannels, shardnumsub, spublish", async () => {
    expect(await r.pubsubChannels(ch("*"))).toEqual([]);
    expect(await r.pubsubNumpat()).toBe(0);
    const a = new RawSubscriber(server().port, [["SUBSCRIBE", ch("a"), ch("b")]]);
    const b = new RawSubscriber(server().port, [
      ["SUBSCRIBE", ch("a")],
      ["PSUBSCRIBE", ch("*")],
      ["SSUBSCRIBE", ch("s")],
    ]);
    try {
      await Promise.all([a.ready, b.ready]);
      await waitFor(
        "the subscriptions",
        async () => (await r.pubsubNumsub(ch("a")))[0]![1] === 2 && (await r.pubsubNumpat()) === 1 && (await r.pubsubShardchannels()).length === 1,
      );

      expect((await r.pubsubChannels(ch("*"))).sort()).toEqual([ch("a"), ch("b")]);
      expect(await r.pubsubChannels({ pattern: ch("b") })).toEqual([ch("b")]);
      expect(await r.pubsubChannels()).toEqual(expect.arrayContaining([ch("a"), ch("b")]));
      expect((await rb.pubsubChannels(ch("*"))).map(String).sort()).toEqual([ch("a"), ch("b")]);
      expect(Buffer.isBuffer((await rb.pubsubChannels(ch("a")))[0])).toBe(true);

      expect(await r.pubsubNumsub(ch("a"), ch("b"), ch("none"))).toEqual([
        [ch("a"), 2],
        [ch("b"), 1],
        [ch("none"), 0],
      ]);
      expect(await r.pubsubNumsub()).toEqual([]);
      expect(await rb.pubsubNumsub(ch("b"))).toEqual([[Buffer.from(ch("b")), 1]]);
      expectTypeOf(await r.pubsubNumsub(ch("a"))).toEqualTypeOf<[string, number][]>();
      expectTypeOf(await rb.pubsubNumsub(ch("a"))).toEqualTypeOf<[Buffer, number][]>();

      expect(await r.pubsubNumpat()).toBe(1);

      expect(await r.pubsubShardchannels()).toEqual([ch("s")]);
      expect(await r.pubsubShardchannels(ch("x*"))).toEqual([]);
      expect(await r.pubsubShardchannels({ pattern: ch("s") })).toEqual([ch("s")]);
      expect(await rb.pubsubShardchannels()).toEqual([Buffer.from(ch("s"))]);
      expect(await r.pubsubShardnumsub(ch("s"), ch("none"))).toEqual([
        [ch("s"), 1],
        [ch("none"), 0],
      ]);
      expect(await rb.pubsubShardnumsub(ch("s"))).toEqual([[Buffer.from(ch("s")), 1]]);

      expect(await r.spublish(ch("s"), "hello shard")).toBe(1);
      expect(await r.spublish(ch("nobody"), "lost")).toBe(0);
      expect(await rb.spublish(Buffer.from(ch("s")), Buffer.from([0, 255]))).toBe(1);
      await waitFor("the shard message", () => b.received().includes("hello shard"));
      expect(b.received()).toContain("smessage");
    } finally {
      await a.close();
      await b.close();
    }
    await waitFor("the subscribers to go", async () => (await r.pubsubNumpat()) === 0 && (await r.pubsubChannels(ch("*"))).length === 0);
    expect(await r.pubsubShardchannels()).toEqual([]);
  });

  test("help", async () => {
    expect((await r.pubsubHelp())[0]).toMatch(/^PUBSUB <subcommand>/);
    expect((await rb.pubsubHelp())[0]).toMatch(/^PUBSUB <subcommand>/);
  });
});
