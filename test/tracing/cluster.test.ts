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
