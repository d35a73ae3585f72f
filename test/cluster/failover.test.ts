/**
 * The cluster changing under traffic: a slot migrated (ASK, then MOVED), a primary failed
 * over and killed, a node coming back. One cluster for the file; the tests run in order.
 */
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { keySlot, RedisCluster } from "../../src/cluster/index.js";
import { startCluster, type ClusterNodeHandle, type TestCluster } from "../harness/cluster.js";

let cluster: TestCluster;
let rc: RedisCluster<string>;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  cluster = await startCluster();
  rc = new RedisCluster({ startupNodes: [cluster.startupNodes[0]!], decodeResponses: true, topologyRefreshInterval: 0.5 });
  await rc.initialize();
}, 60_000);

afterAll(async () => {
  await rc?.close();
  await cluster?.stop();
});

interface Traffic {
  acked: Map<string, string>;
  errors: { at: number; error: Error }[];
  /** Times (ms since epoch) of acknowledged writes, for recovery measurements. */
  ackTimes: number[];
  /** The same, with the key written. */
  acks: { at: number; key: string }[];
  stop(): Promise<void>;
}

/** `writers` loops writing unique keys made by `keyOf` until stopped; every acknowledged write is recorded. */
function startWriters(
  writers: number,
  keyOf: (writer: number, n: number) => string,
  extra?: (writer: number, n: number) => Promise<void>,
  client: RedisCluster<string> = rc,
): Traffic {
  const acked = new Map<string, string>();
  const errors: { at: number; error: Error }[] = [];
  const ackTimes: number[] = [];
  const acks: { at: number; key: string }[] = [];
  let stopped = false;
  const loops = Array.from({ length: writers }, async (_, w) => {
    for (let n = 0; !stopped; n++) {
      const key = keyOf(w, n);
      const value = `${w}:${n}:${Date.now()}`;
      try {
        if (await client.set(key, value)) {
          acked.set(key, value);
          ackTimes.push(Date.now());
          acks.push({ at: Date.now(), key });
        }
        if (extra) await extra(w, n);
      } catch (error) {
        errors.push({ at: Date.now(), error: error as Error });
        await sleep(5);
      }
    }
  });
  return {
    acked,
    errors,
    ackTimes,
    acks,
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

/** Every acknowledged write, read back (MGET split per slot by the client). */
async function expectAllReadable(acked: Map<string, string>): Promise<void> {
  const keys = [...acked.keys()];
  for (let i = 0; i < keys.length; i += 500) {
    const chunk = keys.slice(i, i + 500);
    const values = await rc.mget(chunk);
    const wrong = chunk.filter((key, j) => values[j] !== acked.get(key));
    expect(wrong, `acknowledged writes not readable: ${wrong.slice(0, 5).join(", ")}`).toEqual([]);
  }
}

function summarize(errors: { error: Error }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const { error } of errors) {
    const what = `${error.name}: ${error.message.replace(/\d+/g, "N").slice(0, 80)}`;
    out[what] = (out[what] ?? 0) + 1;
  }
  return out;
}

async function asking(node: ClusterNodeHandle): Promise<number> {
  return Number(/cmdstat_asking:calls=(\d+)/.exec(await node.server.cli("INFO", "commandstats"))?.[1] ?? 0);
}

describe("cluster under change", () => {
  test("a slot migrated during traffic is answered through ASK, then MOVED; every acknowledged write is readable", async () => {
    // No periodic refresh here: the client learns the new owner from the MOVED of the source.
    const mig = new RedisCluster({ startupNodes: cluster.startupNodes, decodeResponses: true, topologyRefreshInterval: 0 });
    await mig.initialize();
    const tag = "{mig}";
    const slot = keySlot(tag);
    const source = await cluster.ownerOf(slot);
    const { primaries } = await cluster.roles();
    const target = primaries.find((p) => p !== source)!;
    const pre = Array.from({ length: 200 }, (_, i) => `${tag}:pre:${i}`);
    await mig.mset(Object.fromEntries(pre.map((k) => [k, `pre-${k}`])));
    const askingBefore = await asking(target);
    const moved = vi.spyOn(mig.nodesManager, "moveSlot");
    let increments = 0;
    let transactions = 0;
    const pipelined = new Map<string, string>();
    const readErrors: string[] = [];
    const traffic = startWriters(
      4,
      (w, n) => `${tag}:w:${w}:${n}`,
      async (w, n) => {
        // Reads of keys that move, a multi-key read of one slot (TRYAGAIN while split), a counter.
        const k = pre[(w * 37 + n) % pre.length]!;
        const got = await mig.get(k);
        if (got !== `pre-${k}`) readErrors.push(`${k}=${got}`);
        if (n % 5 === 0) {
          const keys = [pre[n % pre.length]!, pre[(n + 1) % pre.length]!, pre[(n + 2) % pre.length]!];
          const values = await mig.mget(keys);
          if (values.some((v, j) => v !== `pre-${keys[j]}`)) readErrors.push(`mget ${keys.join(",")}`);
        }
        if (n % 3 === 0) {
          await mig.incr(`${tag}:counter`);
          increments++;
        }
        if (n % 4 === 1) {
          // A pipeline and a transaction on the moving slot (redirected as a whole or per command).
          const p = `${tag}:p:${w}:${n}`;
          const results = await mig.pipeline().set(p, "piped").get(k).execute();
          if (results[0] !== true || results[1] !== `pre-${k}`) readErrors.push(`pipeline ${JSON.stringify(results)}`);
          else pipelined.set(p, "piped");
          const t = `${tag}:t:${w}:${n}`;
          const tx = await mig.pipeline({ transaction: true }).set(t, "tx").incr(`${tag}:txcount`).execute();
          if (tx[0] !== true) readErrors.push(`transaction ${JSON.stringify(tx)}`);
          else {
            pipelined.set(t, "tx");
            transactions++;
          }
        }
      },
      mig,
    );
    await sleep(200);
    const started = Date.now();
    const movedKeys = await cluster.migrateSlot(slot, target, { batch: 50, onBatch: () => sleep(10) });
    const migrationMs = Date.now() - started;
    await sleep(300);
    await traffic.stop();
    console.log(
      `slot ${slot} migrated ${source.port} -> ${target.port}: ${movedKeys} keys in ${migrationMs} ms; ` +
        `${traffic.acked.size} writes acknowledged, ${traffic.errors.length} errors ${JSON.stringify(summarize(traffic.errors))}; ` +
        `ASKING on target: ${(await asking(target)) - askingBefore}; MOVED handled: ${moved.mock.calls.filter((c) => c[0] === slot).length}`,
    );
    expect(traffic.errors.map((e) => e.error.message)).toEqual([]);
    expect(readErrors).toEqual([]);
    expect(movedKeys).toBeGreaterThanOrEqual(200);
    expect((await asking(target)) - askingBefore).toBeGreaterThan(0);
    expect(moved.mock.calls.some((c) => c[0] === slot && c[2] === target.port)).toBe(true);
    expect(mig.getNodeFromKey(tag)?.port).toBe(target.port);
    await expectAllReadable(traffic.acked);
    await expectAllReadable(pipelined);
    expect(Number(await mig.get(`${tag}:counter`))).toBe(increments);
    expect(Number(await mig.get(`${tag}:txcount`))).toBe(transactions);
    // Every key of the slot is on the new owner: the 200, the counters, and the writes.
    expect(Number(await target.server.cli("CLUSTER", "COUNTKEYSINSLOT", String(slot)))).toBe(200 + 2 + traffic.acked.size + pipelined.size);
    moved.mockRestore();
    await mig.close();
  });

  test("sharded pub/sub follows a slot that moves", async () => {
    const channel = "{mig2}:events";
    const slot = keySlot(channel);
    const p = rc.pubsub({ ignoreSubscribeMessages: true });
    try {
      await p.ssubscribe(channel);
      await sleep(100);
      expect(await rc.spublish(channel, "before")).toBe(1);
      expect((await p.getMessage({ timeout: 2 }))?.data).toBe("before");
      const source = await cluster.ownerOf(slot);
      const { primaries } = await cluster.roles();
      const target = primaries.find((n) => n !== source)!;
      await cluster.migrateSlot(slot, target);
      // The subscription is made again on the new owner by itself.
      await expect
        .poll(
          async () => {
            const receivers = await rc.spublish(channel, "after");
            const m = await p.getMessage({ timeout: 0.2 });
            return receivers === 1 && m?.data === "after";
          },
          { timeout: 8000, interval: 100 },
        )
        .toBe(true);
    } finally {
      await p.close();
    }
  });

  test("a primary failed over (CLUSTER FAILOVER on its replica, then killed) while writers run: every acknowledged write is readable", async () => {
    const tag = "{fo}";
    const slot = keySlot(tag);
    const primary = await cluster.ownerOf(slot);
    const replica = (await cluster.roles()).replicas.get(primary.name)![0]!;
    const traffic = startWriters(6, (w, n) => (n % 2 === 0 ? `${tag}:${w}:${n}` : `fo:${w}:${n}`));
    await sleep(300);
    const t0 = Date.now();
    expect(await replica.server.cli("CLUSTER", "FAILOVER")).toBe("OK");
    await expect.poll(async () => (await replica.server.cli("ROLE")).split("\n")[0], { timeout: 10_000, interval: 20 }).toBe("master");
    const promotedAt = Date.now();
    await primary.server.kill();
    const killedAt = Date.now();
    await sleep(1500);
    await traffic.stop();
    const failoverAcks = traffic.ackTimes.filter((t) => t >= t0).sort((a, b) => a - b);
    let longestGap = 0;
    for (let i = 1; i < failoverAcks.length; i++) longestGap = Math.max(longestGap, failoverAcks[i]! - failoverAcks[i - 1]!);
    console.log(
      `failover of ${primary.port} to ${replica.port}: promoted after ${promotedAt - t0} ms, killed at +${killedAt - t0} ms; ` +
        `${traffic.acked.size} writes acknowledged, ${traffic.errors.length} errors ${JSON.stringify(summarize(traffic.errors))}; ` +
        `longest pause between acknowledged writes from the failover on: ${longestGap} ms`,
    );
    // The writes failed are those in flight to the old primary when it was killed (at most one
    // per writer): they may have run, so they are reported, never sent twice.
    expect(traffic.errors.length).toBeLessThanOrEqual(6);
    expect(traffic.errors.every(({ error }) => error.name === "ConnectionError" || error.name === "TimeoutError")).toBe(true);
    await expectAllReadable(traffic.acked);
    expect(rc.getNodeFromKey(tag)?.port).toBe(replica.port);
    // Writes keep working everywhere.
    expect(await rc.set(`${tag}:after`, "1")).toBe(true);
    expect(await rc.mset({ "after:a": "1", "after:b": "2", "after:c": "3" })).toBe(true);
  });

  test("an unplanned failover (a primary killed, its replica elected by the cluster): writes resume, every acknowledged write is readable", async () => {
    const { primaries, replicas } = await cluster.roles();
    // A shard not touched by the tests above.
    const taken = new Set([(await cluster.ownerOf(keySlot("{fo}"))).name]);
    const primary = primaries.find((p) => !taken.has(p.name) && (replicas.get(p.name)?.length ?? 0) > 0)!;
    const replica = replicas.get(primary.name)![0]!;
    let tag = "";
    for (let i = 0; !tag; i++) if (rc.getNodeFromKey(`{u${i}}`)?.port === primary.port) tag = `{u${i}}`;
    // Half the writers write to the shard that fails, half to the others.
    const others: string[] = [];
    for (let i = 0; others.length < 3; i++) {
      const port = rc.getNodeFromKey(`{o${i}}`)?.port;
      if (port !== primary.port) others.push(`{o${i}}`);
    }
    // Subscribers on the node that will die: SUBSCRIBE pinned to it, SSUBSCRIBE to a channel of its slots.
    const primaryNode = rc.getNode(primary.name)!;
    const classic = rc.pubsub({ node: primaryNode, ignoreSubscribeMessages: true });
    const sharded = rc.pubsub({ ignoreSubscribeMessages: true });
    await classic.subscribe("fo-news");
    await sharded.ssubscribe(`${tag}:events`);
    expect(classic.node).toBe(primaryNode);
    const traffic = startWriters(6, (w, n) => (w % 2 === 0 ? `${tag}:${w}:${n}` : `${others[w >> 1]}:${w}:${n}`));
    await sleep(300);
    // Asynchronous replication may lose writes acknowledged just before a crash: writes pause
    // on the primary and the replica catches up first, so every acknowledged write must survive.
    await primary.server.cli("CLIENT", "PAUSE", "20000", "WRITE");
    await expect
      .poll(
        async () => {
          const m = /master_repl_offset:(\d+)/.exec(await primary.server.cli("INFO", "replication"))?.[1];
          const r = /slave_repl_offset:(\d+)/.exec(await replica.server.cli("INFO", "replication"))?.[1];
          return m !== undefined && m === r;
        },
        { timeout: 5000, interval: 20 },
      )
      .toBe(true);
    const killedAt = Date.now();
    await primary.server.kill();
    await expect.poll(async () => (await replica.server.cli("ROLE")).split("\n")[0], { timeout: 15_000, interval: 50 }).toBe("master");
    const electedAt = Date.now();
    await expect.poll(() => traffic.ackTimes.filter((t) => t > electedAt).length, { timeout: 10_000, interval: 50 }).toBeGreaterThan(100);
    await traffic.stop();
    const gap = (failed: boolean): number => {
      const times = traffic.acks.filter((a) => a.key.startsWith(tag) === failed && a.at > killedAt - 500).map((a) => a.at);
      let longest = 0;
      for (let i = 1; i < times.length; i++) longest = Math.max(longest, times[i]! - times[i - 1]!);
      return longest;
    };
    const tagAcks = [...traffic.acked.keys()].filter((k) => k.startsWith(tag)).length;
    const firstOnFailed = traffic.acks.find((a) => a.key.startsWith(tag) && a.at > killedAt)?.at;
    console.log(
      `unplanned failover of ${primary.port}: replica ${replica.port} elected ${electedAt - killedAt} ms after the kill; ` +
        `first write acknowledged on that shard ${firstOnFailed === undefined ? "never" : `${firstOnFailed - killedAt} ms`} after the kill; ` +
        `${traffic.acked.size} writes acknowledged (${tagAcks} on the failed shard), ${traffic.errors.length} errors ${JSON.stringify(summarize(traffic.errors))}; ` +
        `longest pause between acknowledged writes: ${gap(true)} ms on the failed shard, ${gap(false)} ms on the others`,
    );
    // Once the dead primary is marked FAIL, every node answers CLUSTERDOWN until its replica
    // is elected (cluster-require-full-coverage): the other shards pause too, and the client
    // retries them without an error reaching the caller.
    expect(gap(false)).toBeLessThan(gap(true) + 500);
    // Only writes that were on their way to the dead primary failed (they may have run): at
    // most one per writer of that shard, and never CLUSTERDOWN or TRYAGAIN.
    expect(traffic.errors.length).toBeLessThanOrEqual(3);
    expect(traffic.errors.every(({ error }) => error.name === "ConnectionError" || error.name === "TimeoutError")).toBe(true);
    await expectAllReadable(traffic.acked);
    expect(rc.getNodeFromKey(tag)?.port).toBe(replica.port);
    // Both subscriptions moved off the dead node by themselves.
    try {
      await expect
        .poll(
          async () => {
            await rc.publish("fo-news", "n");
            await rc.spublish(`${tag}:events`, "e").catch(() => 0);
            const got = await Promise.all([classic.getMessage({ timeout: 0.2 }), sharded.getMessage({ timeout: 0.2 })]);
            return got.map((m) => m?.data ?? null);
          },
          { timeout: 10_000, interval: 50 },
        )
        .toEqual(["n", "e"]);
      expect(classic.node).not.toBe(primaryNode);
    } finally {
      await classic.close();
      await sharded.close();
    }
  });

  test("a node that vanished and came back is picked up by the periodic refresh, without a MOVED", async () => {
    const gone = cluster.nodes.find((n) => !n.server.running)!;
    for (const other of cluster.nodes.filter((n) => !n.server.running && n !== gone)) await other.server.restart();
    expect(gone).toBeDefined();
    // The cluster marks it failed; the client drops it.
    await expect.poll(() => rc.getNode(gone.name) === undefined, { timeout: 10_000, interval: 100 }).toBe(true);
    const moved = vi.spyOn(rc.nodesManager, "moveSlot");
    await gone.server.restart();
    // It rejoins as a replica (of the primary that took its slots) and shows up in CLUSTER SLOTS.
    await cluster.waitStable(20_000);
    await expect.poll(() => rc.getNode(gone.name)?.serverType, { timeout: 15_000, interval: 100 }).toBe("replica");
    expect(moved).not.toHaveBeenCalled();
    moved.mockRestore();
  });
});
