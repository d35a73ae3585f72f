import { afterAll, beforeAll, describe, expect, expectTypeOf, test } from "vitest";
import type { ClusterNodeInfo, ClusterShard, ClusterSlotRange } from "../../src/commands/cluster.js";
import { DataError, Redis, ResponseError } from "../../src/index.js";
import { useRedisServer } from "../harness/index.js";

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

async function atLeast(client: Redis<string>, major: number, minor: number): Promise<boolean> {
  const [ma = 0, mi = 0] = String((await client.info("server")).redis_version)
    .split(".")
    .map(Number);
  return ma > major || (ma === major && mi >= minor);
}

const clusterNode = (name: string) =>
  useRedisServer({
    args: [
      "--cluster-enabled",
      "yes",
      "--cluster-config-file",
      `nodes-${name}-${process.pid}.conf`,
      "--cluster-node-timeout",
      "5000",
      "--repl-diskless-sync-delay",
      "0",
    ],
  });

describe.each([2, 3] as const)("cluster admin commands over RESP%i", (protocol) => {
  // nodes of their own for each protocol run: the tests change the cluster's shape
  const node1 = clusterNode(`p${protocol}-1`);
  const node2 = clusterNode(`p${protocol}-2`);
  let r: Redis<string>;
  let rb: Redis<Buffer>;
  let r2: Redis<string>;
  let myid: string;

  beforeAll(() => {
    r = new Redis({ port: node1().port, protocol, decodeResponses: true });
    rb = new Redis({ port: node1().port, protocol });
    r2 = new Redis({ port: node2().port, protocol, decodeResponses: true });
  });
  afterAll(async () => {
    await r.close();
    await rb.close();
    await r2.close();
  });

  test("one node: slots, keyslot, info, myid", async () => {
    expect(await r.clusterSetConfigEpoch(1)).toBe(true);
    expect(await r.clusterAddslotsrange(0, 8191, 8192, 16383)).toBe(true);
    await waitFor("the cluster to be ok", async () => (await r.clusterInfo()).cluster_state === "ok");
    const info = await r.clusterInfo();
    expect(info).toMatchObject({
      cluster_state: "ok",
      cluster_slots_assigned: "16384",
      cluster_slots_ok: "16384",
      cluster_known_nodes: "1",
      cluster_size: "1",
      cluster_current_epoch: "1",
      cluster_my_epoch: "1",
    });
    expect(Object.values(info).every((v) => typeof v === "string")).toBe(true);
    expect(await rb.clusterInfo()).toEqual(expect.objectContaining({ cluster_state: "ok" }));

    myid = await r.clusterMyid();
    expect(myid).toMatch(/^[0-9a-f]{40}$/);
    expect(await rb.clusterMyid()).toEqual(Buffer.from(myid));

    expect(await r.clusterKeyslot("foo")).toBe(12182);
    expect(await r.clusterKeyslot("{user1}:a")).toBe(await r.clusterKeyslot("user1"));
    expect(await rb.clusterKeyslot(Buffer.from("foo"))).toBe(12182);
    await r.executeCommand("SET", "foo", "bar");
    expect(await r.clusterCountkeysinslot(12182)).toBe(1);
    expect(await r.clusterGetKeysInSlot(12182, 10)).toEqual(["foo"]);
    expect(await rb.clusterGetKeysInSlot(12182, 10)).toEqual([Buffer.from("foo")]);
    expect(await r.clusterGetKeysInSlot(0, 10)).toEqual([]);

    expect(await r.clusterDelslots(100, 101)).toBe(true);
    expect((await r.clusterInfo()).cluster_slots_assigned).toBe("16382");
    expect(await r.clusterAddslots(100, 101)).toBe(true);
    expect(await r.clusterDelslotsrange(200, 210)).toBe(true);
    expect((await r.clusterInfo()).cluster_slots_assigned).toBe("16373");
    expect(await r.clusterAddslotsrange(200, 210)).toBe(true);
    expect((await r.clusterInfo()).cluster_slots_assigned).toBe("16384");
    await expect(r.clusterAddslots(100)).rejects.toThrow(/already busy/);

    expect(await r.clusterSetslot(myid, 300, "NODE")).toBe(true);
    expect(await r.clusterSetslotStable(300)).toBe(true);
    expect(await r.clusterSaveConfig()).toBe(true);
    expect(await r.clusterBumpepoch()).toMatch(/^(BUMPED|STILL) \d+$/);
    expect(await r.clusterCountFailureReport(myid)).toBe(0);
    await expect(r.clusterCountFailureReport("0".repeat(40))).rejects.toThrow(ResponseError);
    expect((await r.clusterHelp())[0]).toMatch(/^CLUSTER <subcommand>/);
    if (await atLeast(r, 7, 2)) expect(await r.clusterMyshardid()).toMatch(/^[0-9a-f]{40}$/);
    else await expect(r.clusterMyshardid()).rejects.toThrow(ResponseError);
  });

  test("one node: nodes, slots, shards, links, replicas", async () => {
    const nodes = await r.clusterNodes();
    const addresses = Object.keys(nodes);
    expect(addresses.length).toBe(1);
    expect(addresses[0]).toMatch(new RegExp(`:${node1().port}$`));
    const me: ClusterNodeInfo = {
      node_id: myid,
      hostname: "",
      flags: "myself,master",
      master_id: "-",
      last_ping_sent: "0",
      last_pong_rcvd: expect.stringMatching(/^\d+$/) as unknown as string,
      epoch: expect.stringMatching(/^\d+$/) as unknown as string,
      slots: [["0", "16383"]],
      migrations: [],
      connected: true,
    };
    expect(nodes[addresses[0]!]).toEqual(me);
    expect(await rb.clusterNodes()).toEqual(nodes);
    expectTypeOf(nodes).toEqualTypeOf<Record<string, ClusterNodeInfo>>();

    const slots = await r.clusterSlots();
    expect(slots).toEqual([[[0, 16383], { primary: [expect.any(String), node1().port], replicas: [] }]]);
    expectTypeOf(slots).toEqualTypeOf<[[number, number], ClusterSlotRange][]>();
    expect(await rb.clusterSlots()).toEqual(slots);

    const shards = await r.clusterShards();
    expect(shards).toEqual([
      {
        slots: [[0, 16383]],
        nodes: [expect.objectContaining({ id: myid, port: node1().port, role: "master", "replication-offset": expect.any(Number), health: "online" })],
      },
    ]);
    expectTypeOf(shards).toEqualTypeOf<ClusterShard[]>();
    expect(await rb.clusterShards()).toEqual(shards);

    expect(await r.clusterLinks()).toEqual([]);
    expect(await r.clusterReplicas(myid)).toEqual({});
    expect(await r.clusterSlaves(myid)).toEqual({});
  });

  test("two nodes: meet, links, migrations, replicate, forget, reset", async () => {
    const id2 = await r2.clusterMyid();
    expect(await r2.clusterMeet("127.0.0.1", node1().port)).toBe(true);
    await waitFor("the nodes to meet", async () => {
      const nodes = Object.values(await r.clusterNodes());
      return nodes.length === 2 && nodes.every((n) => n.connected && !n.flags.includes("handshake"));
    });
    const nodes = await r.clusterNodes();
    expect(Object.keys(nodes).sort()).toEqual([`127.0.0.1:${node1().port}`, `127.0.0.1:${node2().port}`].sort());
    expect(nodes[`127.0.0.1:${node2().port}`]).toMatchObject({ node_id: id2, flags: "master", master_id: "-", slots: [], connected: true });

    await waitFor("the links", async () => (await r.clusterLinks()).length === 2);
    const links = await r.clusterLinks();
    for (const link of links) {
      expect(link).toMatchObject({ direction: expect.stringMatching(/^(to|from)$/), node: id2, "create-time": expect.any(Number), events: expect.any(String) });
      expect(typeof link["send-buffer-allocated"]).toBe("number");
    }
    expect(await rb.clusterLinks()).toEqual(expect.arrayContaining([expect.objectContaining({ node: id2 })]));

    // a slot migrating from node 1, importing into node 2
    expect(await r.clusterSetslot(id2, 400, "migrating")).toBe(true);
    expect(Object.values(await r.clusterNodes()).find((n) => n.node_id === myid)!.migrations).toEqual([{ slot: "400", node_id: id2, state: "migrating" }]);
    expect(await r2.clusterSetslot(myid, 400, "IMPORTING")).toBe(true);
    expect(Object.values(await r2.clusterNodes()).find((n) => n.node_id === id2)!.migrations).toEqual([{ slot: "400", node_id: myid, state: "importing" }]);
    expect(await r.clusterSetslotStable(400)).toBe(true);
    expect(await r2.clusterSetslotStable(400)).toBe(true);
    expect(Object.values(await r.clusterNodes()).find((n) => n.node_id === myid)!.migrations).toEqual([]);

    expect(await r2.clusterReplicate(myid)).toBe(true);
    await waitFor("the replica", async () => Object.keys(await r.clusterReplicas(myid)).length === 1);
    const replicas = await r.clusterReplicas(myid);
    expect(Object.values(replicas)[0]).toMatchObject({ node_id: id2, flags: "slave", master_id: myid });
    expect(await r.clusterSlaves(myid)).toEqual(replicas);
    // CLUSTER SLOTS lists a replica once it has synced (seconds): checked only for its shape here
    for (const [, range] of await r.clusterSlots()) {
      for (const replica of range.replicas) expect(replica).toEqual([expect.any(String), node2().port]);
    }
    expect(await r.clusterCountFailureReport(id2)).toBe(0);
    await expect(r.clusterFailover()).rejects.toThrow(/replica/);

    expect(await r2.clusterReset()).toBe(true);
    expect(await r.clusterForget(id2)).toBe(true);
    expect(Object.keys(await r.clusterNodes()).length).toBe(1);
    expect(await r2.clusterFlushslots()).toBe(true);
    expect(await r2.clusterReset({ soft: false })).toBe(true);
    expect(await r2.clusterMyid()).not.toBe(id2); // a hard reset gives a new id
  });

  test("readonly, readwrite: on client() only", async () => {
    await expect(r.readonly()).rejects.toThrow(/READONLY changes the state of its connection/);
    await expect(r.readwrite()).rejects.toThrow(/READWRITE changes the state of its connection/);
    const c = r.client();
    try {
      expect(await c.readonly()).toBe(true);
      expect(await c.readwrite()).toBe(true);
    } finally {
      await c.close();
    }
  });

  test("argument errors", async () => {
    await expect(r.clusterAddslots()).rejects.toThrow(DataError);
    await expect(r.clusterAddslotsrange(1)).rejects.toThrow(/start\/end pairs/);
    await expect(r.clusterDelslotsrange(1, 2, 3)).rejects.toThrow(DataError);
    await expect(r.clusterDelslots(1.5)).rejects.toThrow(DataError);
    await expect(r.clusterFailover("bogus" as never)).rejects.toThrow(/'option' must be one of/);
    await expect(r.clusterFailover({ option: "takeover" })).rejects.toThrow(ResponseError); // a master
    await expect(r.clusterSetslot(myid, 1, "stable" as never)).rejects.toThrow(/clusterSetslotStable/);
    await expect(r.clusterSetslot(myid, 1, "bogus" as never)).rejects.toThrow(DataError);
    await expect(r.clusterForget("0".repeat(40))).rejects.toThrow(/Unknown node/);
    // @ts-expect-error: a port is a number
    await expect(r.clusterMeet("127.0.0.1", "x")).rejects.toThrow(DataError);
    await expect(r.clusterCountkeysinslot(-1)).rejects.toThrow(ResponseError);
  });
});
