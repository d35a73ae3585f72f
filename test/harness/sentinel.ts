/**
 * A real Sentinel group on loopback for tests: a primary, a replica (`--replicaof`) and three
 * sentinels (`redis-server <conf> --sentinel`, each with a config file of its own, which
 * Sentinel rewrites) monitoring the primary with quorum 2.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { startRedisServer, type RedisServer } from "./redis-server.js";
import { makeTmpDir, sleep } from "./util.js";

export interface SentinelGroupOptions {
  serviceName?: string;
  sentinels?: number;
  quorum?: number;
  /** `sentinel down-after-milliseconds`, default 1000. */
  downAfterMs?: number;
  /** `sentinel failover-timeout`, default 3000. */
  failoverTimeoutMs?: number;
}

export interface TestSentinelGroup {
  serviceName: string;
  /** The data nodes: [initial primary, initial replica]. */
  dataNodes: RedisServer[];
  sentinels: RedisServer[];
  /** `[host, port]` of each sentinel, for `new Sentinel(...)`. */
  sentinelAddresses: [string, number][];
  /** The data node the sentinels currently name as master. */
  currentMaster(): Promise<RedisServer>;
  /** Waits until every running sentinel names `server` as the master. */
  waitForMaster(server: RedisServer, timeoutMs?: number): Promise<void>;
  /** Waits until every running sentinel sees the master healthy, `replicas` replicas and the other sentinels. */
  waitReady(replicas?: number, timeoutMs?: number): Promise<void>;
  /** Waits until every running sentinel sees `replica` as a replica (not down) and its link to the master is up. */
  waitReplicaHealthy(replica: RedisServer, timeoutMs?: number): Promise<void>;
  /** `SENTINEL MASTER <name>` of one sentinel, as an object. */
  masterInfo(sentinel?: RedisServer): Promise<Record<string, string>>;
  stop(): Promise<void>;
}

function pairs(text: string): Record<string, string> {
  const lines = text.split("\n");
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < lines.length; i += 2) out[lines[i]!.trim()] = lines[i + 1]!.trim();
  return out;
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
    if (Date.now() > deadline) throw new Error(`sentinel harness: timed out waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ""}`);
    await sleep(50);
  }
}

const DATA_ARGS = ["--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0", "--repl-ping-replica-period", "1"];

export async function startSentinelGroup(options: SentinelGroupOptions = {}): Promise<TestSentinelGroup> {
  const serviceName = options.serviceName ?? "mymaster";
  const count = options.sentinels ?? 3;
  const quorum = options.quorum ?? 2;
  const started: RedisServer[] = [];
  try {
    const primary = await startRedisServer({ args: DATA_ARGS });
    started.push(primary);
    const replica = await startRedisServer({ args: [...DATA_ARGS, "--replicaof", "127.0.0.1", String(primary.port)] });
    started.push(replica);
    // The replica is online before the sentinels start, so their first INFO of the primary finds it.
    await waitFor(async () => /slave0:.*state=online/.test(await primary.cli("INFO", "replication")), 15_000, "the replica to sync");
    const sentinels = await Promise.all(
      Array.from({ length: count }, async () => {
        const dir = makeTmpDir("sentinel-conf");
        const conf = path.join(dir, "sentinel.conf");
        fs.writeFileSync(
          conf,
          [
            `sentinel monitor ${serviceName} 127.0.0.1 ${primary.port} ${quorum}`,
            `sentinel down-after-milliseconds ${serviceName} ${options.downAfterMs ?? 1000}`,
            `sentinel failover-timeout ${serviceName} ${options.failoverTimeoutMs ?? 3000}`,
            `sentinel parallel-syncs ${serviceName} 1`,
            "",
          ].join("\n"),
        );
        return startRedisServer({ configFile: conf, args: ["--sentinel"], readyMarker: "Sentinel ID is" });
      }),
    );
    started.push(...sentinels);
    const group = new SentinelGroupImpl(serviceName, [primary, replica], sentinels);
    await group.waitReady(1, 20_000);
    return group;
  } catch (err) {
    await Promise.all(started.map((s) => s.stop()));
    throw err;
  }
}

class SentinelGroupImpl implements TestSentinelGroup {
  readonly sentinelAddresses: [string, number][];

  constructor(
    readonly serviceName: string,
    readonly dataNodes: RedisServer[],
    readonly sentinels: RedisServer[],
  ) {
    this.sentinelAddresses = sentinels.map((s) => [s.host, s.port]);
  }

  private live(): RedisServer[] {
    return this.sentinels.filter((s) => s.running);
  }

  async masterInfo(sentinel?: RedisServer): Promise<Record<string, string>> {
    return pairs(await (sentinel ?? this.live()[0]!).cli("SENTINEL", "MASTER", this.serviceName));
  }

  async currentMaster(): Promise<RedisServer> {
    const info = await this.masterInfo();
    const found = this.dataNodes.find((n) => n.port === Number(info["port"]));
    if (!found) throw new Error(`sentinel harness: the master ${info["ip"]}:${info["port"]} is not a data node of the group`);
    return found;
  }

  async waitForMaster(server: RedisServer, timeoutMs = 20_000): Promise<void> {
    await waitFor(
      async () => {
        for (const sentinel of this.live()) {
          const addr = (await sentinel.cli("SENTINEL", "GET-MASTER-ADDR-BY-NAME", this.serviceName)).split("\n");
          if (Number(addr[1]) !== server.port) return false;
        }
        return true;
      },
      timeoutMs,
      `every sentinel to name port ${server.port} as master`,
    );
  }

  async waitReady(replicas = 1, timeoutMs = 20_000): Promise<void> {
    const others = this.live().length - 1;
    await waitFor(
      async () => {
        for (const sentinel of this.live()) {
          const info = await this.masterInfo(sentinel);
          const flags = (info["flags"] ?? "").split(",");
          if (!flags.includes("master") || flags.some((f) => f === "s_down" || f === "o_down" || f === "failover_in_progress")) return false;
          if (Number(info["num-slaves"]) < replicas || Number(info["num-other-sentinels"]) < others) return false;
        }
        return true;
      },
      timeoutMs,
      "the sentinels to see the master, its replicas and each other",
    );
  }

  async waitReplicaHealthy(replica: RedisServer, timeoutMs = 20_000): Promise<void> {
    await waitFor(
      async () => {
        for (const sentinel of this.live()) {
          const text = await sentinel.cli("SENTINEL", "REPLICAS", this.serviceName);
          // redis-cli prints each replica's fields one per line, replicas one after another.
          const lines = text.split("\n").map((l) => l.trim());
          let ok = false;
          for (let i = 0; i + 1 < lines.length; i++) {
            if (lines[i] === "port" && Number(lines[i + 1]) === replica.port) {
              const rest = lines.slice(i);
              ok = (rest[rest.indexOf("flags") + 1] ?? "") === "slave";
            }
          }
          if (!ok) return false;
        }
        // The sentinels refresh a replica's link status only every 10 s: ask the replica itself.
        return /master_link_status:up/.test(await replica.cli("INFO", "replication"));
      },
      timeoutMs,
      `the sentinels to see port ${replica.port} as a healthy replica`,
    );
  }

  async stop(): Promise<void> {
    await Promise.all([...this.sentinels, ...this.dataNodes].map((s) => s.stop()));
  }
}
