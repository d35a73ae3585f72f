/**
 * A local 3-primary Redis Cluster for the cluster scenarios, started the way
 * test/harness/cluster.ts does it (without replicas): redis-server processes with
 * `--cluster-enabled yes` on free loopback ports (bench/server.mjs, never 6379), slots split
 * evenly with CLUSTER ADDSLOTSRANGE, distinct config epochs, CLUSTER MEET, then a wait until
 * every node reports cluster_state:ok and agrees on the slots.
 */
import { RawClient, parseInfo } from "./raw.mjs";
import { startServer } from "./server.mjs";

const SLOTS = 16384;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function on(node, ...args) {
  const c = await RawClient.connect(node.host, node.port);
  try {
    return await c.command(...args);
  } finally {
    c.close();
  }
}

async function waitFor(check, what, timeoutMs) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      /* not yet */
    }
    if (Date.now() > until) throw new Error(`cluster: timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Starts the cluster. Returns { nodes: [{host, port}], stop() }. */
export async function startCluster({ primaries = 3, log = () => {} } = {}) {
  const args = ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000"];
  const started = await Promise.allSettled(Array.from({ length: primaries }, () => startServer({ args, local: true })));
  const servers = started.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  const stop = () => Promise.all(servers.map((s) => s.stop()));
  try {
    const failed = started.find((r) => r.status === "rejected");
    if (failed) throw failed.reason;
    const nodes = servers.map((s) => ({ host: s.host, port: s.port }));
    const per = Math.floor(SLOTS / primaries);
    for (let i = 0; i < primaries; i++) {
      const end = i === primaries - 1 ? SLOTS - 1 : (i + 1) * per - 1;
      await on(nodes[i], "CLUSTER", "ADDSLOTSRANGE", String(i * per), String(end));
      await on(nodes[i], "CLUSTER", "SET-CONFIG-EPOCH", String(i + 1));
    }
    for (const n of nodes.slice(1)) await on(nodes[0], "CLUSTER", "MEET", n.host, String(n.port));
    await waitFor(
      async () => {
        const views = [];
        for (const n of nodes) {
          if (parseInfo(await on(n, "CLUSTER", "INFO")).cluster_state !== "ok") return false;
          views.push(JSON.stringify(await on(n, "CLUSTER", "SLOTS")));
        }
        return views.every((v) => v === views[0]) && JSON.parse(views[0]).length === primaries;
      },
      "cluster_state:ok on every node",
      30_000,
    );
    log(`started a ${primaries}-primary cluster on ${nodes.map((n) => n.port).join(", ")}`);
    return { nodes, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
