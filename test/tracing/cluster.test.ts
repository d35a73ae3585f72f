/**
 * Tracing and events of RedisCluster against a real cluster: a slot moved under the client
 * gives a MOVED on `aioredis:cluster:redirect`, the command's trace follows it to the new
 * owner, and the topology events fire.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { CHANNELS, keySlot, RedisCluster } from "../../src/index.js";
import { startCluster, type TestCluster } from "../harness/cluster.js";
import { recordAll } from "./helpers.js";

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startCluster({ primaries: 3 });
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
});

test("topology events on start; a MOVED is published and the command's trace ends on the new owner", async () => {
  const rc = new RedisCluster({ startupNodes: [cluster.startupNodes[0]!], decodeResponses: true, topologyRefreshInterval: 0 });
  const added: string[] = [];
  const refreshed: { from: string; nodes: number }[] = [];
  rc.on("nodeAdded", (n: { name: string }) => added.push(n.name));
  rc.on("topologyRefreshed", (e: { from: string; nodes: number }) => refreshed.push(e));
  // the nodes' connections report to the cluster
  const ready: number[] = [];
  rc.on("ready", (e: { serverPort: number }) => ready.push(e.serverPort));
  const recorder = recordAll();
  try {
    await rc.initialize();
    expect(refreshed.length).toBeGreaterThanOrEqual(1);
    expect(refreshed[0]!.nodes).toBe(cluster.nodes.length);
    for (const node of cluster.nodes) expect(added).toContain(`127.0.0.1:${node.port}`);
    expect(ready).toContain(cluster.startupNodes[0]!.port);

    const key = "{tr-moved}:k";
    const slot = keySlot(key);
    await rc.set(key, "v");
    const source = await cluster.ownerOf(slot);
    const { primaries } = await cluster.roles();
    const target = primaries.find((p) => p !== source)!;
    await cluster.migrateSlot(slot, target);
    recorder.events.length = 0;

    expect(await rc.get(key)).toBe("v");

    const redirects = recorder.of(CHANNELS.clusterRedirect).map((e) => e.snapshot);
    expect(redirects).toEqual([{ kind: "MOVED", slot, from: `127.0.0.1:${source.port}`, to: `127.0.0.1:${target.port}`, command: "GET" }]);
    const trace = recorder.of(CHANNELS.command);
    expect(trace.map((e) => e.event)).toEqual(["start", "end", "asyncStart", "asyncEnd"]);
    expect(trace[0]!.snapshot).toMatchObject({ command: "GET", args: [key], serverPort: source.port });
    expect(trace[3]!.snapshot).toMatchObject({ serverAddress: "127.0.0.1", serverPort: target.port, result: "v" });
    expect(ready).toContain(target.port);
  } finally {
    recorder.stop();
    await rc.close();
  }
}, 60_000);

/** The node (port) that owns each key now. */
async function ownersOf(keys: string[]): Promise<Map<string, number>> {
  const owners = new Map<string, number>();
  for (const key of keys) owners.set(key, (await cluster.ownerOf(keySlot(key))).port);
  return owners;
}

/** Keys whose slots are owned by at least two different primaries. */
async function keysOnTwoNodes(prefix: string): Promise<{ keys: string[]; owners: Map<string, number> }> {
  const keys = ["a", "b", "c", "d", "e", "f"].map((t) => `{${prefix}-${t}}:k`);
  const owners = await ownersOf(keys);
  expect(new Set(owners.values()).size).toBeGreaterThanOrEqual(2);
  return { keys, owners };
}

test("a cluster pipeline: one batch trace per node written to, its commands traced with their node, redacted and with their own results", async () => {
  const rc = new RedisCluster({ startupNodes: [cluster.startupNodes[0]!], decodeResponses: true, topologyRefreshInterval: 0 });
  const recorder = recordAll();
  try {
    await rc.initialize();
    const { keys, owners } = await keysOnTwoNodes("tr-pipe");
    recorder.events.length = 0;

    const pipe = rc.pipeline();
    for (const key of keys) pipe.set(key, "secret-value");
    pipe.incr(keys[1]!); // not an integer: an error reply
    pipe.set(keys[1]!, "x");
    pipe.incr(keys[1]!); // again
    pipe.get(keys[0]!);
    const results = await pipe.execute({ raiseOnError: false });
    expect(results.slice(0, keys.length)).toEqual(keys.map(() => true));
    expect(results[keys.length]).toBeInstanceOf(Error);
    expect(results[keys.length + 1]).toBe(true);
    expect(results[keys.length + 2]).toBeInstanceOf(Error);
    expect(results[keys.length + 3]).toBe("secret-value");

    const batchStarts = recorder.of(CHANNELS.batch, "start");
    const nodes = new Set(owners.values());
    expect(batchStarts).toHaveLength(nodes.size);
    // each node's batch holds the commands of that node's keys, and names that node
    const sent = [...keys, keys[1]!, keys[1]!, keys[1]!, keys[0]!];
    for (const start of batchStarts) {
      const port = start.snapshot.serverPort as number;
      expect(nodes.has(port)).toBe(true);
      expect(start.snapshot).toMatchObject({ batchMode: "PIPELINE", serverAddress: "127.0.0.1", database: 0 });
      expect(start.snapshot.batchSize).toBe(sent.filter((k) => owners.get(k) === port).length);
      const events = recorder.events.filter((e) => e.channel === CHANNELS.batch && e.context === start.context).map((e) => e.event);
      expect(events).toEqual(["start", "end", "asyncStart", "asyncEnd"]);
      expect(Array.isArray(start.context.result)).toBe(true);
      expect((start.context.result as unknown[]).length).toBe(start.snapshot.batchSize);
    }
    expect(batchStarts.reduce((n, s) => n + (s.snapshot.batchSize as number), 0)).toBe(sent.length);

    // one command trace per queued command, on its node, redacted, with its own result or error
    const commandStarts = recorder.of(CHANNELS.command, "start");
    expect(commandStarts).toHaveLength(sent.length);
    for (const start of commandStarts) {
      const key = (start.snapshot.args as string[])[0]!;
      expect(start.snapshot.serverPort).toBe(owners.get(key));
      expect(start.snapshot.batchMode).toBe("PIPELINE");
      const batch = batchStarts.find((b) => b.snapshot.serverPort === start.snapshot.serverPort)!;
      expect(start.snapshot.batchSize).toBe(batch.snapshot.batchSize);
    }
    const sets = commandStarts.filter((s) => s.snapshot.command === "SET").map((s) => s.snapshot.args);
    expect(sets).toHaveLength(keys.length + 1);
    for (const args of sets) expect((args as string[])[1]).toBe("?");
    // the value is hidden from what the traces start with (a GET's `result` is the value itself, by design)
    expect(commandStarts.flatMap((s) => s.snapshot.args as string[])).not.toContain("secret-value");
    const incrs = commandStarts.filter((s) => s.snapshot.command === "INCRBY");
    expect(incrs).toHaveLength(2);
    for (const incr of incrs) {
      expect(incr.context.error).toBeInstanceOf(Error);
      expect(recorder.events.filter((e) => e.context === incr.context).map((e) => e.event)).toEqual(["start", "end", "error", "asyncStart", "asyncEnd"]);
    }
    const get = commandStarts.find((s) => s.snapshot.command === "GET")!;
    expect(get.context.result).toBe("secret-value");
    expect(get.context.error).toBeUndefined();
  } finally {
    recorder.stop();
    await rc.close();
  }
}, 60_000);

test("a cluster transaction: one MULTI batch trace, and after a slot moved its server fields end on the new owner", async () => {
  const rc = new RedisCluster({ startupNodes: [cluster.startupNodes[0]!], decodeResponses: true, topologyRefreshInterval: 0 });
  const recorder = recordAll();
  try {
    await rc.initialize();
    const a = "{tr-tx}:a";
    const b = "{tr-tx}:b";
    const slot = keySlot(a);
    const owner = await cluster.ownerOf(slot);
    recorder.events.length = 0;

    const tx = rc.pipeline({ transaction: true });
    tx.set(a, "1").incr(a).get(b);
    expect(await tx.execute()).toEqual([true, 2, null]);
    const [start] = recorder.of(CHANNELS.batch, "start");
    expect(recorder.of(CHANNELS.batch).map((e) => e.event)).toEqual(["start", "end", "asyncStart", "asyncEnd"]);
    expect(start!.snapshot).toMatchObject({ batchMode: "MULTI", batchSize: 3, serverAddress: "127.0.0.1", serverPort: owner.port, database: 0 });
    expect(start!.context.result).toEqual([true, 2, null]);
    const commands = recorder.of(CHANNELS.command, "start").map((e) => e.snapshot);
    expect(commands.map((c) => [c.command, c.args, c.batchMode, c.batchSize, c.serverPort])).toEqual([
      ["SET", [a, "?"], "MULTI", 3, owner.port],
      ["INCRBY", [a, "1"], "MULTI", 3, owner.port],
      ["GET", [b], "MULTI", 3, owner.port],
    ]);

    // the slot moves: the transaction is redirected and sent again; one trace follows it
    const { primaries } = await cluster.roles();
    const target = primaries.find((p) => p.port !== owner.port)!;
    await cluster.migrateSlot(slot, target);
    recorder.events.length = 0;
    const again = rc.pipeline({ transaction: true });
    again.incr(a).get(a);
    expect(await again.execute()).toEqual([3, "3"]);
    const batch = recorder.of(CHANNELS.batch);
    expect(batch.map((e) => e.event)).toEqual(["start", "end", "asyncStart", "asyncEnd"]);
    expect(batch[0]!.snapshot.serverPort).toBe(owner.port);
    expect(batch[3]!.snapshot).toMatchObject({ serverPort: target.port, batchSize: 2, result: [3, "3"] });
    const ends = recorder.of(CHANNELS.command, "asyncEnd").map((e) => e.snapshot);
    expect(ends.map((c) => [c.command, c.serverPort, c.result])).toEqual([
      ["INCRBY", target.port, 3],
      ["GET", target.port, "3"],
    ]);
    expect(recorder.of(CHANNELS.clusterRedirect).map((e) => e.snapshot.kind)).toEqual(["MOVED"]);
  } finally {
    recorder.stop();
    await rc.close();
  }
}, 60_000);

test("a cluster pipeline command redirected by MOVED: its node batch records the redirection, the resend is its own command trace", async () => {
  const rc = new RedisCluster({ startupNodes: [cluster.startupNodes[0]!], decodeResponses: true, topologyRefreshInterval: 0 });
  const recorder = recordAll();
  try {
    await rc.initialize();
    const key = "{tr-pipe-moved}:k";
    const slot = keySlot(key);
    await rc.set(key, "v");
    const source = await cluster.ownerOf(slot);
    const { primaries } = await cluster.roles();
    const target = primaries.find((p) => p.port !== source.port)!;
    await cluster.migrateSlot(slot, target);
    recorder.events.length = 0;

    expect(await rc.pipeline().get(key).execute()).toEqual(["v"]);
    const batch = recorder.of(CHANNELS.batch);
    expect(batch.map((e) => e.event)).toEqual(["start", "end", "asyncStart", "asyncEnd"]);
    expect(batch[0]!.snapshot).toMatchObject({ batchMode: "PIPELINE", batchSize: 1, serverPort: source.port });
    const traces = recorder.of(CHANNELS.command, "start").map((e) => e.context);
    expect(traces).toHaveLength(2);
    // in the batch: the MOVED reply
    expect(traces[0]).toMatchObject({ command: "GET", batchMode: "PIPELINE", serverPort: source.port });
    expect((traces[0]!.error as Error).message).toMatch(/^MOVED/);
    // sent again on its own to the new owner
    expect(traces[1]).toMatchObject({ command: "GET", args: [key], serverPort: target.port, result: "v" });
    expect(traces[1]!.batchMode).toBeUndefined();
  } finally {
    recorder.stop();
    await rc.close();
  }
}, 60_000);
