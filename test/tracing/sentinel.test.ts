/** `failover` on the Sentinel and on its master clients, against a real sentinel group. */
import { afterAll, beforeAll, expect, test } from "vitest";
import { Sentinel } from "../../src/index.js";
import { startSentinelGroup, type TestSentinelGroup } from "../harness/sentinel.js";

let group: TestSentinelGroup;

beforeAll(async () => {
  group = await startSentinelGroup();
}, 60_000);

afterAll(async () => {
  await group?.stop();
});

test("SENTINEL FAILOVER: 'failover' on the Sentinel and on the master client, with the new address", async () => {
  const sentinel = new Sentinel(group.sentinelAddresses, { socketTimeout: 2 });
  const master = sentinel.masterFor("mymaster", { decodeResponses: true, socketTimeout: 2 });
  const onSentinel: { service: string; address: [string, number] }[] = [];
  const onClient: { service: string; address: [string, number]; previous: [string, number] | null }[] = [];
  sentinel.on("failover", (e) => onSentinel.push(e));
  master.on("failover", (e: (typeof onClient)[number]) => onClient.push(e));
  const [oldMaster, oldReplica] = group.dataNodes;
  try {
    expect(await master.set("fo:tr", "1")).toBe(true);
    await master.wait(1, 2000);
    expect(await group.sentinels[0]!.cli("SENTINEL", "FAILOVER", "mymaster")).toBe("OK");
    await expect.poll(() => onClient.length, { timeout: 20_000, interval: 20 }).toBe(1);
    expect(onClient[0]).toEqual({ service: "mymaster", address: ["127.0.0.1", oldReplica!.port], previous: ["127.0.0.1", oldMaster!.port] });
    expect(onSentinel).toEqual([{ service: "mymaster", address: ["127.0.0.1", oldReplica!.port] }]);
    await expect.poll(() => master.get("fo:tr").catch(() => null), { timeout: 10_000, interval: 50 }).toBe("1");
  } finally {
    await master.close();
    await sentinel.close();
  }
}, 60_000);
