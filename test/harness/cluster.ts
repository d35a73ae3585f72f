/**
 * A real Redis Cluster on loopback for tests: `primaries` redis-server processes with
 * `--cluster-enabled yes`, each with `replicasPerPrimary` replicas, joined with CLUSTER MEET,
 * slots assigned with CLUSTER ADDSLOTSRANGE and replicas attached with CLUSTER REPLICATE
 * (faster and more deterministic than `redis-cli --cluster create`, which sleeps between steps).
 */
import { startRedisServer, type RedisServer } from "./redis-server.js";
import { sleep } from "./util.js";

export const CLUSTER_SLOTS = 16384;

export interface ClusterNodeHandle {
  server: RedisServer;
  host: "127.0.0.1";
  port: number;
  /** The node id (CLUSTER MYID). */
  id: string;
  /** `host:port`. */
  name: string;
}

export interface TestCluster {
  /** Every node, primaries first (as created: node i < primaries is a primary at start). */
  nodes: ClusterNodeHandle[];
  /** `{ host, port }` of every node, for `startupNodes`. */
  startupNodes: { host: string; port: number }[];
  /** Runs redis-cli against a node (no implicit `-c`); error replies come back as text. */
  cli(node: ClusterNodeHandle | number, ...args: string[]): Promise<string>;
  /** The node currently owning `slot` as primary (asks a live node with CLUSTER SLOTS). */
  ownerOf(slot: number): Promise<ClusterNodeHandle>;
  /** Current primaries and their replicas, by asking the live nodes. */
  roles(): Promise<{ primaries: ClusterNodeHandle[]; replicas: Map<string, ClusterNodeHandle[]> }>;
  /** Node handle by port or name. */
  node(portOrName: number | string): ClusterNodeHandle;
  /** Waits until every running node reports cluster_state:ok and they agree on CLUSTER SLOTS. */
  waitStable(timeoutMs?: number): Promise<void>;
  /** Waits until CLUSTER SLOTS on every running node lists every running replica. */
  waitSlotsListReplicas(timeoutMs?: number): Promise<void>;
  /**
   * Moves `slot` from its owner to `to`: SETSLOT IMPORTING/MIGRATING, then MIGRATE the keys
   * in batches of `batch` (calling `onBatch` between batches), then SETSLOT NODE everywhere.
   */
  migrateSlot(slot: number, to: ClusterNodeHandle, options?: { batch?: number; onBatch?: (moved: number) => Promise<void> | void }): Promise<number>;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  primaries?: number;
  replicasPerPrimary?: number;
  /** `--cluster-node-timeout` in ms, default 1000. */
  nodeTimeoutMs?: number;
  /** Extra redis-server args for every node. */
  args?: string[];
}

interface NodeLine {
  id: string;
  port: number;
  flags: string[];
  masterId: string;
  slots: [number, number][];
  connected: boolean;
}

function parseNodes(text: string): NodeLine[] {
  const out: NodeLine[] = [];
  for (const line of text.split("\n")) {
    const parts = line.trim().split(" ");
    if (parts.length < 8) continue;
    const [id, addr, flags, masterId, , , , link, ...slots] = parts;
    const port = Number(addr!.split("@")[0]!.split(":").pop());
    const ranges: [number, number][] = [];
    for (const s of slots) {
      if (s.startsWith("[")) continue; // migration marker
      const [a, b] = s.split("-");
      ranges.push([Number(a), Number(b ?? a)]);
    }
    out.push({ id: id!, port, flags: flags!.split(","), masterId: masterId!, slots: ranges, connected: link === "connected" });
  }
  return out;
}

export async function startCluster(options: ClusterOptions = {}): Promise<TestCluster> {
  const primaries = options.primaries ?? 3;
  const replicasPer = options.replicasPerPrimary ?? 1;
  const total = primaries * (1 + replicasPer);
  const args = [
    "--cluster-enabled",
    "yes",
    "--cluster-config-file",
    "nodes.conf",
    "--cluster-node-timeout",
    String(options.nodeTimeoutMs ?? 1000),
    "--cluster-allow-replica-migration",
    "no",
    "--repl-diskless-sync",
    "yes",
    "--repl-diskless-sync-delay",
    "0",
    "--repl-diskless-load",
    "disabled",
    ...(options.args ?? []),
  ];
  const started = await Promise.allSettled(Array.from({ length: total }, () => startRedisServer({ args })));
  const servers = started.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) {
    await Promise.all(servers.map((s) => s.stop()));
    throw failed.reason;
  }
  const nodes: ClusterNodeHandle[] = [];
  try {
    for (const server of servers) {
      const id = await server.cli("CLUSTER", "MYID");
      nodes.push({ server, host: "127.0.0.1", port: server.port, id, name: `127.0.0.1:${server.port}` });
    }
    // Slots: evenly split among the primaries.
    const per = Math.floor(CLUSTER_SLOTS / primaries);
    await Promise.all(
      nodes.slice(0, primaries).map((node, i) => {
        const start = i * per;
        const end = i === primaries - 1 ? CLUSTER_SLOTS - 1 : (i + 1) * per - 1;
        return expectOk(node.server.cli("CLUSTER", "ADDSLOTSRANGE", String(start), String(end)));
      }),
    );
    // Bump epochs so that every primary has a distinct config epoch (no collision resolution wait).
    await Promise.all(nodes.map((node, i) => node.server.cli("CLUSTER", "SET-CONFIG-EPOCH", String(i + 1))));
    await Promise.all(nodes.slice(1).map((node) => expectOk(nodes[0]!.server.cli("CLUSTER", "MEET", "127.0.0.1", String(node.port)))));
    await waitFor(
      async () => {
        for (const node of nodes) {
          const known = parseNodes(await node.server.cli("CLUSTER", "NODES"));
          if (known.length < total || known.some((n) => n.flags.includes("handshake") || !n.connected)) return false;
        }
        return true;
      },
      15_000,
      "nodes to meet",
    );
    for (let r = 0; r < replicasPer; r++) {
      await Promise.all(
        nodes.slice(0, primaries).map((primary, i) => {
          const replica = nodes[primaries + r * primaries + i]!;
          return expectOk(replica.server.cli("CLUSTER", "REPLICATE", primary.id));
        }),
      );
    }
    const cluster = new TestClusterImpl(nodes, primaries);
    await cluster.waitStable(20_000);
    // Replicas in sync with their primaries.
    await waitFor(
      async () => {
        for (const node of nodes.slice(primaries)) {
          const info = await node.server.cli("INFO", "replication");
          if (!/master_link_status:up/.test(info)) return false;
        }
        return true;
      },
      15_000,
      "replicas to sync",
    );
    // CLUSTER SLOTS lists a replica only once its replication offset is not 0: a replicated
    // write on every primary (FLUSHALL of the empty data set) gets the offsets moving.
    await Promise.all(nodes.slice(0, primaries).map((node) => node.server.cli("FLUSHALL")));
    await cluster.waitSlotsListReplicas(15_000);
    return cluster;
  } catch (err) {
    await Promise.all(servers.map((s) => s.stop()));
    throw err;
  }
}

async function expectOk(reply: Promise<string>): Promise<void> {
  const text = await reply;
  if (text !== "OK") throw new Error(`expected OK, got ${text}`);
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`cluster harness: timed out waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ""}`);
    }
    await sleep(50);
  }
}

class TestClusterImpl implements TestCluster {
  readonly startupNodes: { host: string; port: number }[];

  constructor(
    readonly nodes: ClusterNodeHandle[],
    readonly primaryCount: number,
  ) {
    this.startupNodes = nodes.map((n) => ({ host: n.host, port: n.port }));
  }

  node(portOrName: number | string): ClusterNodeHandle {
    const found = this.nodes.find((n) => n.port === portOrName || n.name === portOrName || n.id === portOrName);
    if (!found) throw new Error(`cluster harness: no node ${String(portOrName)}`);
    return found;
  }

  cli(node: ClusterNodeHandle | number, ...args: string[]): Promise<string> {
    const handle = typeof node === "number" ? this.nodes[node]! : node;
    return handle.server.cli(...args);
  }

  private live(): ClusterNodeHandle[] {
    return this.nodes.filter((n) => n.server.running);
  }

  private async view(): Promise<NodeLine[]> {
    let lastError: unknown;
    for (const node of this.live()) {
      try {
        return parseNodes(await node.server.cli("CLUSTER", "NODES"));
      } catch (err) {
        lastError = err;
      }
    }
    throw lastError ?? new Error("cluster harness: no live node");
  }

  async ownerOf(slot: number): Promise<ClusterNodeHandle> {
    const lines = await this.view();
    for (const line of lines) {
      if (!line.flags.includes("master")) continue;
      if (line.slots.some(([a, b]) => slot >= a && slot <= b)) return this.node(line.port);
    }
    throw new Error(`cluster harness: slot ${slot} has no owner`);
  }

  async roles(): Promise<{ primaries: ClusterNodeHandle[]; replicas: Map<string, ClusterNodeHandle[]> }> {
    const lines = await this.view();
    const byId = new Map(lines.map((l) => [l.id, l]));
    const primaries: ClusterNodeHandle[] = [];
    const replicas = new Map<string, ClusterNodeHandle[]>();
    for (const line of lines) {
      if (line.flags.includes("fail")) continue;
      if (line.flags.includes("master") && line.slots.length > 0) primaries.push(this.node(line.port));
    }
    for (const line of lines) {
      if (!line.flags.includes("slave") || line.flags.includes("fail")) continue;
      const master = byId.get(line.masterId);
      if (!master) continue;
      const key = `127.0.0.1:${master.port}`;
      replicas.set(key, [...(replicas.get(key) ?? []), this.node(line.port)]);
    }
    return { primaries, replicas };
  }

  async waitStable(timeoutMs = 20_000): Promise<void> {
    await waitFor(
      async () => {
        let reference: string | null = null;
        for (const node of this.live()) {
          const info = await node.server.cli("CLUSTER", "INFO");
          if (!/cluster_state:ok/.test(info)) return false;
          const lines = parseNodes(await node.server.cli("CLUSTER", "NODES"));
          // Every live node seen by every other, no failure flags pending on live nodes.
          const livePorts = new Set(this.live().map((n) => n.port));
          for (const line of lines) {
            if (livePorts.has(line.port) && (line.flags.includes("fail?") || line.flags.includes("fail") || line.flags.includes("handshake"))) return false;
          }
          const portOf = new Map(lines.map((l) => [l.id, l.port]));
          const slotsView = lines
            .filter((l) => livePorts.has(l.port))
            .map((l) =>
              l.flags.includes("master") ? `${l.port}:${l.slots.map(([a, b]) => `${a}-${b}`).join(",")}` : `${l.port}>${portOf.get(l.masterId) ?? "?"}`,
            )
            .sort()
            .join("|");
          if (reference === null) reference = slotsView;
          else if (reference !== slotsView) return false;
        }
        return true;
      },
      timeoutMs,
      "the cluster to be stable (cluster_state:ok and one slot map)",
    );
  }

  /** Waits until CLUSTER SLOTS on every running node lists every running replica. */
  async waitSlotsListReplicas(timeoutMs = 15_000): Promise<void> {
    await waitFor(
      async () => {
        const { replicas } = await this.roles();
        const wanted = [...replicas.values()].flat().filter((n) => n.server.running);
        for (const node of this.live()) {
          const lines = new Set((await node.server.cli("CLUSTER", "SLOTS")).split("\n").map((l) => l.trim()));
          if (wanted.some((r) => !lines.has(String(r.port)))) return false;
        }
        return true;
      },
      timeoutMs,
      "CLUSTER SLOTS to list the replicas",
    );
  }

  async migrateSlot(slot: number, to: ClusterNodeHandle, options: { batch?: number; onBatch?: (moved: number) => Promise<void> | void } = {}): Promise<number> {
    const from = await this.ownerOf(slot);
    if (from === to) return 0;
    const batch = options.batch ?? 10;
    await expectOk(to.server.cli("CLUSTER", "SETSLOT", String(slot), "IMPORTING", from.id));
    await expectOk(from.server.cli("CLUSTER", "SETSLOT", String(slot), "MIGRATING", to.id));
    let moved = 0;
    for (;;) {
      const keysText = await from.server.cli("CLUSTER", "GETKEYSINSLOT", String(slot), String(batch));
      const keys = keysText.split("\n").filter((k) => k.length > 0);
      if (keys.length === 0) break;
      const reply = await from.server.cli("MIGRATE", to.host, String(to.port), "", "0", "5000", "KEYS", ...keys);
      if (reply !== "OK" && reply !== "NOKEY") throw new Error(`MIGRATE failed: ${reply}`);
      moved += keys.length;
      await options.onBatch?.(moved);
    }
    // The importing node first, then the source, then everyone else (as redis-cli does).
    await expectOk(to.server.cli("CLUSTER", "SETSLOT", String(slot), "NODE", to.id));
    await expectOk(from.server.cli("CLUSTER", "SETSLOT", String(slot), "NODE", to.id));
    for (const node of this.live()) {
      if (node === to || node === from) continue;
      await node.server.cli("CLUSTER", "SETSLOT", String(slot), "NODE", to.id).catch(() => "");
    }
    return moved;
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.server.stop()));
  }
}
