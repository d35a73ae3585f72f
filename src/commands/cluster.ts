import { DataError } from "../errors.js";
import type { CommandArg, RespValue } from "../protocol/index.js";
import { arg, help, nonEmpty, oneOf } from "./args.js";
import { boolOk, objectList, setField, str, toArray, toNumber, toObject, toPairs } from "./replies.js";
import { defineCommands, type CommandSpec } from "./spec.js";
import type { EncodableT, KeyT, Ret } from "./types.js";

/*
 * Cluster administration (redis-py's `ClusterManagementCommands`, without its `target_nodes`
 * arguments: on `Redis` a command goes to the server the client is connected to).
 */

/** A node of CLUSTER NODES / REPLICAS / SLAVES, as redis-py's `parse_cluster_nodes` makes it. */
export interface ClusterNodeInfo {
  node_id: string;
  hostname: string;
  flags: string;
  master_id: string;
  last_ping_sent: string;
  last_pong_rcvd: string;
  epoch: string;
  /** Slot ranges as strings: `["0", "5460"]`, or `["42"]` for a single slot. */
  slots: string[][];
  migrations: { slot: string; node_id: string; state: "migrating" | "importing" }[];
  connected: boolean;
}

/** A slot range of CLUSTER SLOTS: the primary and the replicas as `[host, port]`. */
export interface ClusterSlotRange {
  primary: [string, number];
  replicas: [string, number][];
}

/** A shard of CLUSTER SHARDS: slot ranges as `[start, end]` pairs, nodes as objects. */
export interface ClusterShard {
  slots: [number, number][];
  nodes: Record<string, string | number>[];
}

export interface ClusterCommands<T, M> {
  /** CLUSTER ADDSLOTS slot ... */
  clusterAddslots(...slots: number[]): Ret<M, boolean>;
  /** CLUSTER ADDSLOTSRANGE start end [start end ...] */
  clusterAddslotsrange(...slots: number[]): Ret<M, boolean>;
  /** CLUSTER BUMPEPOCH: `BUMPED <epoch>` or `STILL <epoch>`. */
  clusterBumpepoch(): Ret<M, T>;
  /** CLUSTER COUNT-FAILURE-REPORTS node-id */
  clusterCountFailureReport(nodeId: EncodableT): Ret<M, number>;
  clusterCountkeysinslot(slotId: number): Ret<M, number>;
  /** CLUSTER DELSLOTS slot ... (one command for all the slots). */
  clusterDelslots(...slots: number[]): Ret<M, boolean>;
  /** CLUSTER DELSLOTSRANGE start end [start end ...] */
  clusterDelslotsrange(...slots: number[]): Ret<M, boolean>;
  /** CLUSTER FAILOVER [FORCE|TAKEOVER] (to be sent to a replica). */
  clusterFailover(option?: "FORCE" | "TAKEOVER" | "force" | "takeover" | null): Ret<M, boolean>;
  clusterFailover(options: { option?: "FORCE" | "TAKEOVER" | "force" | "takeover" | null }): Ret<M, boolean>;
  clusterFlushslots(): Ret<M, boolean>;
  clusterForget(nodeId: EncodableT): Ret<M, boolean>;
  /** CLUSTER GETKEYSINSLOT slot count */
  clusterGetKeysInSlot(slot: number, numKeys: number | string): Ret<M, T[]>;
  /** CLUSTER INFO as an object of strings (redis-py's `parse_cluster_info`). */
  clusterInfo(): Ret<M, Record<string, string>>;
  clusterKeyslot(key: KeyT): Ret<M, number>;
  /** CLUSTER LINKS: one object per link. */
  clusterLinks(): Ret<M, Record<string, string | number>[]>;
  clusterMeet(host: string, port: number): Ret<M, boolean>;
  clusterMyid(): Ret<M, T>;
  /** CLUSTER MYSHARDID (Redis 7.2). */
  clusterMyshardid(): Ret<M, string>;
  /** CLUSTER NODES by `host:port`. */
  clusterNodes(): Ret<M, Record<string, ClusterNodeInfo>>;
  /** CLUSTER REPLICAS node-id, parsed as CLUSTER NODES. */
  clusterReplicas(nodeId: EncodableT): Ret<M, Record<string, ClusterNodeInfo>>;
  clusterReplicate(nodeId: EncodableT): Ret<M, boolean>;
  /** CLUSTER RESET SOFT (default) or HARD. */
  clusterReset(soft?: boolean): Ret<M, boolean>;
  clusterReset(options: { soft?: boolean }): Ret<M, boolean>;
  clusterSaveConfig(): Ret<M, boolean>;
  clusterSetConfigEpoch(epoch: number): Ret<M, boolean>;
  /** CLUSTER SETSLOT slot IMPORTING|MIGRATING|NODE node-id (STABLE: `clusterSetslotStable`). */
  clusterSetslot(nodeId: EncodableT, slotId: number, state: "IMPORTING" | "MIGRATING" | "NODE" | "importing" | "migrating" | "node"): Ret<M, boolean>;
  /** CLUSTER SETSLOT slot STABLE */
  clusterSetslotStable(slotId: number): Ret<M, boolean>;
  clusterShards(): Ret<M, ClusterShard[]>;
  /** CLUSTER SLAVES node-id, parsed as CLUSTER NODES. */
  clusterSlaves(nodeId: EncodableT): Ret<M, Record<string, ClusterNodeInfo>>;
  /** CLUSTER SLOTS as `[[start, end], { primary, replicas }]` entries (redis-py's dict keyed by `(start, end)`). */
  clusterSlots(): Ret<M, [[number, number], ClusterSlotRange][]>;
  clusterHelp(): Ret<M, string[]>;
  /** READONLY: changes its connection, so only on `client()`. */
  readonly(): Ret<M, boolean>;
  /** READWRITE: changes its connection, so only on `client()`. */
  readwrite(): Ret<M, boolean>;
}

// ---- replies -------------------------------------------------------------------------------

function parseSlots(ranges: string[]): Pick<ClusterNodeInfo, "slots" | "migrations"> {
  const slots: string[][] = [];
  const migrations: ClusterNodeInfo["migrations"] = [];
  for (const range of ranges) {
    if (range.includes("->-")) {
      const [slot = "", node = ""] = splitOnce(range.slice(1, -1), "->-");
      migrations.push({ slot, node_id: node, state: "migrating" });
    } else if (range.includes("-<-")) {
      const [slot = "", node = ""] = splitOnce(range.slice(1, -1), "-<-");
      migrations.push({ slot, node_id: node, state: "importing" });
    } else {
      slots.push(range.split("-"));
    }
  }
  return { slots, migrations };
}

function splitOnce(text: string, sep: string): [string, string] {
  const at = text.indexOf(sep);
  return [text.slice(0, at), text.slice(at + sep.length)];
}

function parseNodeLine(line: string): [string, ClusterNodeInfo] {
  const items = line.split(" ");
  const [nodeId = "", addr = "", flags = "", masterId = "", ping = "", pong = "", epoch = "", connected = ""] = items;
  const at = addr.indexOf("@");
  const ip = at === -1 ? addr : addr.slice(0, at);
  const hostname = at !== -1 && addr.includes(",") ? (addr.slice(at + 1).split(",")[1] ?? "") : "";
  const node: ClusterNodeInfo = {
    node_id: nodeId,
    hostname,
    flags,
    master_id: masterId,
    last_ping_sent: ping,
    last_pong_rcvd: pong,
    epoch,
    slots: [],
    migrations: [],
    connected: connected === "connected",
  };
  if (items.length >= 9) Object.assign(node, parseSlots(items.slice(8)));
  return [ip, node];
}

function parseNodes(reply: RespValue): Record<string, ClusterNodeInfo> {
  const lines = Array.isArray(reply) ? reply.map(str) : str(reply).split(/\r\n|\n|\r/);
  const out: Record<string, ClusterNodeInfo> = {};
  for (const line of lines) {
    if (!line) continue;
    const [ip, node] = parseNodeLine(line);
    setField(out, ip, node);
  }
  return out;
}

function parseInfo(reply: RespValue): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of str(reply).split(/\r\n|\n|\r/)) {
    if (!line) continue;
    const colon = line.indexOf(":");
    if (colon === -1) continue;
    setField(out, line.slice(0, colon), line.slice(colon + 1));
  }
  return out;
}

function server(reply: RespValue): [string, number] {
  const item = toArray(reply);
  return [str(item[0]!), toNumber(item[1]!)];
}

function parseClusterSlots(reply: RespValue): [[number, number], ClusterSlotRange][] {
  return toArray(reply).map((raw) => {
    const slot = toArray(raw);
    return [[toNumber(slot[0]!), toNumber(slot[1]!)], { primary: server(slot[2]!), replicas: slot.slice(3).map(server) }];
  });
}

function parseShards(reply: RespValue): ClusterShard[] {
  return toArray(reply).map((raw) => {
    const shard = toObject(raw);
    const slots = toPairs(shard.slots ?? null).map(([start, end]): [number, number] => [toNumber(start), toNumber(end)]);
    const nodes = objectList(shard.nodes ?? null) as Record<string, string | number>[];
    return { slots, nodes };
  });
}

// ---- the table -----------------------------------------------------------------------------

function slotList(command: string, values: unknown, pairs: boolean): CommandArg[] {
  const slots = nonEmpty(command, "slots", values, "at least one slot");
  if (pairs && slots.length % 2 !== 0) throw new DataError(`${command} takes start/end pairs: a range lacks its end`);
  for (const slot of slots) {
    if (!Number.isInteger(slot)) throw new DataError(`${command}: slots must be integers`);
  }
  return slots;
}

const SETSLOT_STATES = ["IMPORTING", "MIGRATING", "NODE"] as const;

export const CLUSTER_COMMANDS: Record<string, CommandSpec> = defineCommands({
  clusterAddslots: {
    command: "CLUSTER ADDSLOTS",
    params: ["...slots"],
    build: ({ slots }) => ["CLUSTER", "ADDSLOTS", ...slotList("CLUSTER ADDSLOTS", slots, false)],
    reply: boolOk,
  },
  clusterAddslotsrange: {
    command: "CLUSTER ADDSLOTSRANGE",
    params: ["...slots"],
    build: ({ slots }) => ["CLUSTER", "ADDSLOTSRANGE", ...slotList("CLUSTER ADDSLOTSRANGE", slots, true)],
    reply: boolOk,
  },
  clusterBumpepoch: { command: "CLUSTER BUMPEPOCH", params: [], build: () => ["CLUSTER", "BUMPEPOCH"] },
  clusterCountFailureReport: {
    command: "CLUSTER COUNT-FAILURE-REPORTS",
    params: ["nodeId"],
    build: ({ nodeId }) => ["CLUSTER", "COUNT-FAILURE-REPORTS", arg(nodeId)],
  },
  clusterCountkeysinslot: {
    command: "CLUSTER COUNTKEYSINSLOT",
    params: ["slotId:int"],
    build: ({ slotId }) => ["CLUSTER", "COUNTKEYSINSLOT", arg(slotId)],
    readonly: true,
  },
  clusterDelslots: {
    command: "CLUSTER DELSLOTS",
    params: ["...slots"],
    build: ({ slots }) => ["CLUSTER", "DELSLOTS", ...slotList("CLUSTER DELSLOTS", slots, false)],
    reply: boolOk,
  },
  clusterDelslotsrange: {
    command: "CLUSTER DELSLOTSRANGE",
    params: ["...slots"],
    build: ({ slots }) => ["CLUSTER", "DELSLOTSRANGE", ...slotList("CLUSTER DELSLOTSRANGE", slots, true)],
    reply: boolOk,
  },
  clusterFailover: {
    command: "CLUSTER FAILOVER",
    params: ["option?"],
    build: ({ option }) =>
      option === undefined ? ["CLUSTER", "FAILOVER"] : ["CLUSTER", "FAILOVER", oneOf("CLUSTER FAILOVER", "option", option, ["FORCE", "TAKEOVER"])],
    reply: boolOk,
  },
  clusterFlushslots: { command: "CLUSTER FLUSHSLOTS", params: [], build: () => ["CLUSTER", "FLUSHSLOTS"], reply: boolOk },
  clusterForget: { command: "CLUSTER FORGET", params: ["nodeId"], build: ({ nodeId }) => ["CLUSTER", "FORGET", arg(nodeId)], reply: boolOk },
  clusterGetKeysInSlot: {
    command: "CLUSTER GETKEYSINSLOT",
    params: ["slot:int", "numKeys:int"],
    build: ({ slot, numKeys }) => ["CLUSTER", "GETKEYSINSLOT", arg(slot), arg(numKeys)],
    reply: toArray,
    readonly: true,
  },
  clusterInfo: { command: "CLUSTER INFO", params: [], build: () => ["CLUSTER", "INFO"], reply: parseInfo, decode: true },
  clusterKeyslot: { command: "CLUSTER KEYSLOT", params: ["key"], build: ({ key }) => ["CLUSTER", "KEYSLOT", arg(key)] },
  clusterLinks: {
    command: "CLUSTER LINKS",
    params: [],
    build: () => ["CLUSTER", "LINKS"],
    reply: objectList,
    decode: true,
  },
  clusterMeet: {
    command: "CLUSTER MEET",
    params: ["host", "port:int"],
    build: ({ host, port }) => ["CLUSTER", "MEET", arg(host), arg(port)],
    reply: boolOk,
  },
  clusterMyid: { command: "CLUSTER MYID", params: [], build: () => ["CLUSTER", "MYID"] },
  clusterMyshardid: { command: "CLUSTER MYSHARDID", params: [], build: () => ["CLUSTER", "MYSHARDID"], reply: str, decode: true },
  clusterNodes: { command: "CLUSTER NODES", params: [], build: () => ["CLUSTER", "NODES"], reply: parseNodes, decode: true },
  clusterReplicas: {
    command: "CLUSTER REPLICAS",
    params: ["nodeId"],
    build: ({ nodeId }) => ["CLUSTER", "REPLICAS", arg(nodeId)],
    reply: parseNodes,
    decode: true,
  },
  clusterReplicate: {
    command: "CLUSTER REPLICATE",
    params: ["nodeId"],
    build: ({ nodeId }) => ["CLUSTER", "REPLICATE", arg(nodeId)],
    reply: boolOk,
  },
  clusterReset: {
    command: "CLUSTER RESET",
    params: ["soft?:bool"],
    build: ({ soft }) => ["CLUSTER", "RESET", soft === false ? "HARD" : "SOFT"],
    reply: boolOk,
  },
  clusterSaveConfig: { command: "CLUSTER SAVECONFIG", params: [], build: () => ["CLUSTER", "SAVECONFIG"], reply: boolOk },
  clusterSetConfigEpoch: {
    command: "CLUSTER SET-CONFIG-EPOCH",
    params: ["epoch:int"],
    build: ({ epoch }) => ["CLUSTER", "SET-CONFIG-EPOCH", arg(epoch)],
    reply: boolOk,
  },
  clusterSetslot: {
    command: "CLUSTER SETSLOT",
    params: ["nodeId", "slotId:int", "state"],
    build(p) {
      const text = typeof p.state === "string" ? p.state : Buffer.isBuffer(p.state) ? p.state.toString() : "";
      if (text.toLowerCase() === "stable") throw new DataError("CLUSTER SETSLOT: for the 'stable' state use clusterSetslotStable");
      const state = oneOf("CLUSTER SETSLOT", "state", p.state, SETSLOT_STATES);
      return ["CLUSTER", "SETSLOT", arg(p.slotId), state, arg(p.nodeId)];
    },
    reply: boolOk,
  },
  clusterSetslotStable: {
    command: "CLUSTER SETSLOT",
    params: ["slotId:int"],
    build: ({ slotId }) => ["CLUSTER", "SETSLOT", arg(slotId), "STABLE"],
    reply: boolOk,
  },
  clusterShards: { command: "CLUSTER SHARDS", params: [], build: () => ["CLUSTER", "SHARDS"], reply: parseShards, decode: true },
  clusterSlaves: {
    command: "CLUSTER SLAVES",
    params: ["nodeId"],
    build: ({ nodeId }) => ["CLUSTER", "SLAVES", arg(nodeId)],
    reply: parseNodes,
    decode: true,
  },
  clusterSlots: { command: "CLUSTER SLOTS", params: [], build: () => ["CLUSTER", "SLOTS"], reply: parseClusterSlots, decode: true },
  clusterHelp: help("CLUSTER"),
  readonly: { command: "READONLY", params: [], build: () => ["READONLY"], reply: boolOk },
  readwrite: { command: "READWRITE", params: [], build: () => ["READWRITE"], reply: boolOk },
});
