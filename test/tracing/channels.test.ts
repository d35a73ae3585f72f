/**
 * The diagnostics channels against a real server: each fires with the documented payload
 * (docs/tracing.md), and no secret ever shows in a payload.
 */
import dc from "node:diagnostics_channel";
import { afterEach, describe, expect, test } from "vitest";
import { CHANNELS, NoBackoff, Redis, redactArgs, Retry } from "../../src/index.js";
import { describeCommand } from "../../src/pipeline.js";
import { commandContext } from "../../src/tracing.js";
import { startRedisServer, useRedisServer } from "../harness/index.js";
import { payloadText, recordAll } from "./helpers.js";

const server = useRedisServer();

let recorder: ReturnType<typeof recordAll> | null = null;
afterEach(() => {
  recorder?.stop();
  recorder = null;
});

function client(options: Record<string, unknown> = {}): Redis<string> {
  return new Redis({ host: "127.0.0.1", port: server().port, decodeResponses: true, ...options }) as Redis<string>;
}

describe("aioredis:command", () => {
  test("a command: start, end, asyncStart, asyncEnd on one context with name, redacted args, server, db, result", async () => {
    const r = client({ db: 2, clientName: "tracer" });
    await r.ping(); // connect before recording
    recorder = recordAll();
    await r.set("tr:key", "value-not-shown");
    expect(await r.get("tr:key")).toBe("value-not-shown");
    recorder.stop();
    const commands = recorder.of(CHANNELS.command);
    expect(commands.map((e) => `${e.snapshot.command} ${e.event}`)).toEqual([
      "SET start",
      "SET end",
      "SET asyncStart",
      "SET asyncEnd",
      "GET start",
      "GET end",
      "GET asyncStart",
      "GET asyncEnd",
    ]);
    const set = commands[0]!;
    expect(new Set(commands.slice(0, 4).map((e) => e.context)).size).toBe(1);
    expect(set.snapshot).toEqual({
      command: "SET",
      args: ["tr:key", "?"],
      serverAddress: "127.0.0.1",
      serverPort: server().port,
      database: 2,
      clientName: "tracer",
    });
    const getEnd = commands[7]!;
    expect(getEnd.snapshot.args).toEqual(["tr:key"]);
    expect(getEnd.snapshot.result).toBe("value-not-shown");
    expect(set.context.batchMode).toBeUndefined();
    await r.close();
  });

  test("executeCommand is traced; an error reply publishes error with the error, then asyncStart/asyncEnd", async () => {
    const r = client();
    await r.set("tr:str", "x");
    recorder = recordAll();
    await expect(r.executeCommand("INCR", "tr:str")).rejects.toThrow(/not an integer/);
    recorder.stop();
    const events = recorder.of(CHANNELS.command);
    expect(events.map((e) => e.event)).toEqual(["start", "end", "error", "asyncStart", "asyncEnd"]);
    expect(events[0]!.snapshot.command).toBe("INCR");
    expect(events[0]!.snapshot.args).toEqual(["tr:str"]);
    expect((events[2]!.snapshot.error as Error).message).toMatch(/not an integer/);
    await r.close();
  });

  test("nothing is published, and the command's own promise is returned, when nobody subscribes", async () => {
    const r = client();
    await r.ping();
    const command = dc.tracingChannel(CHANNELS.command);
    expect(command.hasSubscribers).toBe(false);
    // a subscriber on an unrelated channel does not turn tracing on
    const seen: unknown[] = [];
    const other = (m: unknown) => seen.push(m);
    dc.subscribe("aioredis:test:unrelated", other);
    await r.set("tr:quiet", "1");
    dc.unsubscribe("aioredis:test:unrelated", other);
    expect(seen).toEqual([]);
    await r.close();
  });
});

describe("aioredis:batch", () => {
  test("a pipeline: one batch trace (PIPELINE, size, server) and a command trace per command with batchMode and batchSize", async () => {
    const r = client({ db: 1 });
    await r.ping();
    recorder = recordAll();
    const results = await r.pipeline({ transaction: false }).set("tr:p1", "a").get("tr:p1").incr("tr:p2").execute();
    recorder.stop();
    expect(results).toEqual([true, "a", 1]);
    const batch = recorder.of(CHANNELS.batch);
    expect(batch.map((e) => e.event)).toEqual(["start", "end", "asyncStart", "asyncEnd"]);
    expect(batch[0]!.snapshot).toEqual({ batchMode: "PIPELINE", batchSize: 3, serverAddress: "127.0.0.1", serverPort: server().port, database: 1 });
    const starts = recorder.of(CHANNELS.command, "start");
    expect(starts.map((e) => [e.snapshot.command, e.snapshot.args, e.snapshot.batchMode, e.snapshot.batchSize])).toEqual([
      ["SET", ["tr:p1", "?"], "PIPELINE", 3],
      ["GET", ["tr:p1"], "PIPELINE", 3],
      ["INCRBY", ["tr:p2", "1"], "PIPELINE", 3], // incr() sends INCRBY, as redis-py does
    ]);
    const ends = recorder.of(CHANNELS.command, "asyncEnd");
    expect(ends.map((e) => e.snapshot.result)).toEqual([true, "a", 1]);
    await r.close();
  });

  test("a transaction: MULTI batch; a command that fails at EXEC gets error on its own trace", async () => {
    const r = client();
    await r.set("tr:s", "text");
    recorder = recordAll();
    const results = await r.pipeline().incr("tr:s").set("tr:m", "v").execute({ raiseOnError: false });
    recorder.stop();
    expect(results[0]).toBeInstanceOf(Error);
    const batch = recorder.of(CHANNELS.batch, "start");
    expect(batch.map((e) => [e.snapshot.batchMode, e.snapshot.batchSize])).toEqual([["MULTI", 2]]);
    const commands = recorder.of(CHANNELS.command);
    expect(commands.filter((e) => e.event === "start").map((e) => [e.snapshot.command, e.snapshot.batchMode])).toEqual([
      ["INCRBY", "MULTI"],
      ["SET", "MULTI"],
    ]);
    const errors = recorder.of(CHANNELS.command, "error");
    expect(errors.map((e) => e.snapshot.command)).toEqual(["INCRBY"]);
    await r.close();
  });
});

describe("connect, ready, closed, pool, pub/sub", () => {
  test("connect is traced per attempt, then connection:ready; close publishes connection:closed (application_close)", async () => {
    recorder = recordAll();
    const r = client({ protocol: 3 });
    await r.ping();
    const connects = recorder.of(CHANNELS.connect);
    expect(connects.map((e) => e.event)).toEqual(["start", "end", "asyncStart", "asyncEnd"]);
    expect(connects[0]!.snapshot).toMatchObject({ serverAddress: "127.0.0.1", serverPort: server().port, database: 0, attempt: 1, connects: 0 });
    const ready = recorder.of(CHANNELS.connectionReady);
    expect(ready).toHaveLength(1);
    expect(ready[0]!.snapshot).toMatchObject({ serverAddress: "127.0.0.1", serverPort: server().port, protocol: 3 });
    expect(typeof ready[0]!.snapshot.createTimeMs).toBe("number");
    await r.close();
    const closed = recorder.of(CHANNELS.connectionClosed);
    expect(closed.map((e) => e.snapshot.reason)).toEqual(["application_close"]);
    recorder.stop();
  });

  test("a server gone: connection:closed with reason error; a refused connect attempt publishes connect error", async () => {
    const own = await startRedisServer();
    recorder = recordAll();
    const r = new Redis({ host: "127.0.0.1", port: own.port, retry: new Retry(new NoBackoff(), 0) });
    try {
      await r.ping();
      await own.kill();
      await expect(r.ping()).rejects.toThrow();
      const closed = recorder.of(CHANNELS.connectionClosed);
      expect(closed[0]!.snapshot.reason).toBe("error");
      expect(closed[0]!.snapshot.error).toBeInstanceOf(Error);
      // the next command connects again: refused, traced as a connect error
      await expect(r.ping()).rejects.toThrow();
      const failed = recorder.of(CHANNELS.connect, "error");
      expect(failed.length).toBeGreaterThan(0);
      expect(failed[0]!.snapshot).toMatchObject({ serverPort: own.port, connects: 1 });
      expect(failed[0]!.snapshot.error).toBeInstanceOf(Error);
    } finally {
      recorder.stop();
      await r.close();
      await own.stop();
    }
  });

  test("pool acquire and release around a blocking command", async () => {
    const r = client();
    await r.ping();
    recorder = recordAll();
    await r.blpop(["tr:nothing"], 0.05);
    recorder.stop();
    const acquire = recorder.of(CHANNELS.poolAcquire);
    const release = recorder.of(CHANNELS.poolRelease);
    expect(acquire).toHaveLength(1);
    expect(release).toHaveLength(1);
    expect(acquire[0]!.snapshot).toMatchObject({ serverAddress: "127.0.0.1", serverPort: server().port, inUse: 1 });
    expect(release[0]!.snapshot).toMatchObject({ inUse: 0, idle: 1 });
    await r.close();
  });

  test("pubsub:message for message and pmessage: direction in, channel, pattern, sharded; never the body", async () => {
    const r = client();
    const p = r.pubsub();
    await p.subscribe("tr:chan");
    await p.psubscribe("tr:pat:*");
    recorder = recordAll();
    await r.publish("tr:chan", "body-one");
    await r.publish("tr:pat:x", "body-two");
    const got: string[] = [];
    while (got.length < 2) {
      const m = await p.getMessage({ ignoreSubscribeMessages: true, timeout: 1 });
      if (m) got.push(String(m.data));
    }
    recorder.stop();
    const messages = recorder.of(CHANNELS.pubsubMessage).map((e) => e.snapshot);
    expect(messages).toEqual([
      { direction: "in", kind: "message", channel: "tr:chan", sharded: false },
      { direction: "in", kind: "pmessage", channel: "tr:pat:x", pattern: "tr:pat:*", sharded: false },
    ]);
    expect(payloadText(recorder.events)).not.toContain("body-");
    await p.aclose();
    await r.close();
  });
});

describe("secrets", () => {
  test("AUTH, HELLO, ACL SETUSER, CONFIG SET requirepass, MIGRATE AUTH: no secret in any payload or pipeline error", async () => {
    const own = await startRedisServer({ password: "handshake-secret-1" });
    recorder = recordAll();
    const r = new Redis({ port: own.port, password: "handshake-secret-1", clientName: "sec", decodeResponses: true });
    try {
      await r.ping();
      // connection state commands go through a client bound to its own connection
      const bound = r.client();
      await bound.executeCommand("AUTH", "handshake-secret-1");
      await bound.executeCommand("AUTH", "default", "handshake-secret-1");
      await bound.executeCommand("HELLO", "3", "AUTH", "default", "handshake-secret-1");
      await bound.close();
      await r.executeCommand("ACL", "SETUSER", "tr-user", "on", ">acl-secret-2", "~*", "+@all");
      await r.executeCommand("CONFIG", "SET", "requirepass", "config-secret-4");
      await r.executeCommand("CONFIG", "SET", "requirepass", "handshake-secret-1");
      await r.executeCommand("MIGRATE", "127.0.0.1", "1", "", "0", "100", "AUTH", "migrate-secret-5", "KEYS", "k").catch(() => {});
      await r.executeCommand("MIGRATE", "127.0.0.1", "1", "", "0", "100", "AUTH2", "u", "migrate-secret-6", "KEYS", "k").catch(() => {});
      const piped = await r
        .pipeline({ transaction: false })
        .executeCommand("CONFIG", "SET", "requirepass", "pipe-secret-7")
        .executeCommand("AUTH", "wrong-secret-8")
        .execute({ raiseOnError: false });
      await r.executeCommand("CONFIG", "SET", "requirepass", "handshake-secret-1").catch(() => {});
      const errors = piped.filter((x) => x instanceof Error).map((e) => (e as Error).message);
      expect(errors.length).toBeGreaterThan(0);
      for (const m of errors) expect(m).not.toMatch(/secret/);
      const text = payloadText(recorder.events);
      expect(recorder.of(CHANNELS.command, "start").length).toBeGreaterThanOrEqual(10);
      expect(text).toContain("SETUSER");
      expect(text).not.toMatch(/secret-\d/);
      expect(text).not.toContain("tr-user");
      expect(recorder.of(CHANNELS.command, "start").find((e) => e.snapshot.command === "CONFIG")!.snapshot.args).toEqual(["SET", "?", "?"]);
    } finally {
      recorder.stop();
      await r.close();
      await own.stop();
    }
  });

  test("redaction table: keys kept, values hidden; secret commands as error messages show them", () => {
    expect(redactArgs(["SET", "k", "v", "EX", 10])).toEqual(["k", "?", "?", "?"]);
    expect(redactArgs(["HSET", "h", "f", "v"])).toEqual(["h", "f", "?"]);
    expect(redactArgs(["MGET", "a", "b"])).toEqual(["?", "?"]); // not in the table: every argument hidden
    expect(redactArgs(["GET", Buffer.from("bk")])).toEqual(["bk"]);
    expect(redactArgs(["ECHO", "hi"])).toEqual(["?"]);
    expect(redactArgs(["AUTH", "user", "pw"])).toEqual(["?", "?"]);
    expect(redactArgs(["acl", "setuser", "u", ">pw"])).toEqual(["SETUSER", "?", "?"]);
    expect(redactArgs(["SENTINEL", "SET", "m", "auth-pass", "pw"])).toEqual(["SET", "?", "?", "?"]);
    expect(describeCommand(["ACL", "SETUSER", "u", ">pw"])).toBe("ACL SETUSER ...");
    expect(describeCommand(["AUTH", "pw"])).toBe("AUTH ...");
    // the same name in another case, or as a Buffer, gets the same rule (rules are kept per name as sent)
    for (let i = 0; i < 2; i++) {
      expect(redactArgs(["set", "k", "v"])).toEqual(["k", "?"]);
      expect(redactArgs([Buffer.from("Set"), "k", "v"])).toEqual(["k", "?"]);
      expect(redactArgs(["Auth", "pw"])).toEqual(["?"]);
      expect(redactArgs(["config", "set", "requirepass", "pw"])).toEqual(["SET", "?", "?"]);
    }
  });

  test("a command's trace context: the server fields, then the name and the redacted arguments, in that order", () => {
    const tcp = { host: "db.local", port: 6380, unixSocketPath: null, db: 3, clientName: null };
    const named = { ...tcp, clientName: "worker-1" };
    const unix = { host: "localhost", port: 6379, unixSocketPath: "/tmp/redis.sock", db: 0, clientName: null };
    const get = commandContext(["get", "k"], tcp);
    expect(Object.entries(get)).toEqual([
      ["serverAddress", "db.local"],
      ["serverPort", 6380],
      ["database", 3],
      ["command", "GET"],
      ["args", ["k"]],
    ]);
    expect(Object.entries(commandContext([Buffer.from("HSET"), "h", "f", "v"], named))).toEqual([
      ["serverAddress", "db.local"],
      ["serverPort", 6380],
      ["database", 3],
      ["clientName", "worker-1"],
      ["command", "HSET"],
      ["args", ["h", "f", "?"]],
    ]);
    expect(Object.entries(commandContext(["PING"], unix))).toEqual([
      ["serverAddress", "/tmp/redis.sock"],
      ["serverPort", undefined],
      ["database", 0],
      ["command", "PING"],
      ["args", []],
    ]);
    // each call its own object (subscribers keep per-trace state keyed by it)
    expect(commandContext(["get", "k"], tcp)).not.toBe(get);
  });
});
