import type { Connection } from "../connection/connection.js";
import { RedisImpl, type Redis } from "../client.js";
import { str, toArray, toNumber } from "../commands/replies.js";
import { ClusterError, DataError } from "../errors.js";
import type { PoolOptions } from "../options.js";
import { ConnectionPoolImpl, type ConnectionPool, type RedisString } from "../pool.js";
import type { RespValue } from "../protocol/index.js";
import type { ConnectionEvents } from "../events.js";
import { publishError } from "../tracing.js";
import { REDIS_CLUSTER_HASH_SLOTS } from "./slots.js";

export type ServerType = "primary" | "replica";

/** `[host, port]` to `[host, port]`: for clusters behind NAT or port forwarding (redis-py's `address_remap`). */
export type AddressRemap = (address: [string, number]) => [string, number];

/**
 * One node of the cluster (redis-py's `ClusterNode`): its address, its role, and a `Redis`
 * client of its own (one pool per node; ordinary commands share one multiplexed connection).
 * Nodes made by the user (`new ClusterNode(host, port)`) are only addresses, e.g. for
 * `startupNodes`; the cluster makes its own.
 */
export class ClusterNode<T extends RedisString = any> {
  readonly host: string;
  readonly port: number;
  /** `host:port`. */
  readonly name: string;
  serverType: ServerType | null;
  private readonly poolOptions: PoolOptions | null;
  private pool: ConnectionPool<T> | null = null;
  private client: Redis<T> | null = null;
  private readonlyConnections = false;
  /** Set once the cluster dropped the node from its topology. */
  retired = false;
  /** @internal Who hears the lifecycle events of this node's connections (the cluster). */
  events: ConnectionEvents | null = null;

  constructor(host: string, port: number, serverType: ServerType | null = null, poolOptions: PoolOptions | null = null) {
    if (typeof host !== "string" || host.length === 0) throw new DataError("ClusterNode: 'host' must be a non-empty string");
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new DataError("ClusterNode: 'port' must be an integer from 0 to 65535");
    this.host = host;
    this.port = port;
    this.name = nodeName(host, port);
    this.serverType = serverType;
    this.poolOptions = poolOptions;
  }

  /** The pool of this node's connections. */
  get connectionPool(): ConnectionPool<T> {
    if (!this.pool) {
      if (!this.poolOptions) throw new DataError(`ClusterNode ${this.name} belongs to no cluster: it has no connections`);
      this.pool = new ConnectionPoolImpl<T>({ ...this.poolOptions, host: this.host, port: this.port, readOnly: this.readonlyConnections });
      this.pool.eventParent = this.events;
    }
    return this.pool;
  }

  /** A `Redis` client for this node alone (redis-py's `redis_connection`). */
  get redis(): Redis<T> {
    this.client ??= new RedisImpl<T>({ connectionPool: this.connectionPool });
    return this.client;
  }

  /** redis-py's name of `redis`. */
  get redisConnection(): Redis<T> {
    return this.redis;
  }

  /** @internal Every connection of this node sends READONLY in its handshake (reads from replicas). */
  setReadonlyConnections(on: boolean): void {
    this.readonlyConnections = on;
    if (this.pool) this.pool.connectionKwargs.readOnly = on;
  }

  /** @internal The connection ordinary commands to this node share. */
  sharedConnection(): Connection {
    return this.connectionPool.sharedConnection();
  }

  /** @internal Closes the node's connections. */
  async disconnect(): Promise<void> {
    if (this.pool) await this.pool.disconnect();
  }

  /** @internal Connections of this node's pool, open or being opened. */
  get openConnections(): number {
    return this.pool ? this.pool.createdConnections : 0;
  }

  /** @internal Closes idle connections now and busy ones once their replies are in. */
  releaseWhenIdle(): void {
    this.pool?.releaseWhenIdle();
  }

  toString(): string {
    return `<ClusterNode(${this.name},${this.serverType ?? "unknown"})>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

export function nodeName(host: string, port: number): string {
  return `${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/** A slot range as CLUSTER SLOTS gives it: the primary first, then the replicas. */
interface SlotRange {
  start: number;
  end: number;
  nodes: [string, number][];
}

/** Parses a raw CLUSTER SLOTS reply. An empty host means "the node you asked". */
export function parseClusterSlots(reply: RespValue, askedHost: string): SlotRange[] {
  const ranges: SlotRange[] = [];
  for (const entry of toArray(reply)) {
    const items = toArray(entry);
    const start = toNumber(items[0]!);
    const end = toNumber(items[1]!);
    const nodes: [string, number][] = [];
    for (const nodeInfo of items.slice(2)) {
      const info = toArray(nodeInfo);
      let host = info[0] === null || info[0] === undefined ? "" : str(info[0]);
      const port = toNumber(info[1]!);
      if (host === "?") continue; // the node does not know its address
      if (host === "") host = askedHost;
      nodes.push([host, port]);
    }
    if (nodes.length > 0) ranges.push({ start, end, nodes });
  }
  return ranges;
}

export interface NodesManagerOptions {
  startupNodes: { host: string; port: number }[];
  /** Connection and pool options of every node's pool (without host and port). */
  poolOptions: PoolOptions;
  readonlyConnections: boolean;
  requireFullCoverage: boolean;
  dynamicStartupNodes: boolean;
  addressRemap: AddressRemap | null;
}

function shuffle<X>(items: X[]): X[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/**
 * The cluster's topology (redis-py's `NodesManager`): every node by name, and for each of the
 * 16384 slots its primary followed by its replicas. Refreshed from CLUSTER SLOTS on start, in
 * the background after a MOVED or a failure, and periodically.
 */
export class NodesManager {
  readonly nodesCache = new Map<string, ClusterNode>();
  /** Per slot: `[primary, ...replicas]`; ranges share one array. */
  slotsCache: (ClusterNode[] | undefined)[] = new Array(REDIS_CLUSTER_HASH_SLOTS);
  startupNodes: Map<string, { host: string; port: number }>;
  defaultNode: ClusterNode | null = null;
  /** Times the topology was loaded (for tests and diagnostics). */
  refreshes = 0;
  private readonly options: NodesManagerOptions;
  private refreshing: Promise<void> | null = null;
  private refreshAgain: ClusterNode | null | undefined = undefined;
  private refreshTimer: NodeJS.Timeout | null = null;
  private lastRefreshEnd = 0;
  private readonly retired = new Set<ClusterNode>();
  /** Startup nodes that are not (or not yet) nodes of the topology, used only to ask CLUSTER SLOTS. */
  private readonly probes = new Map<string, ClusterNode>();
  private readonly initialStartupNodes: { host: string; port: number }[];
  private closed = false;
  private initialized = false;
  /** Listeners called after each topology refresh (sharded pub/sub re-homes its channels). */
  readonly onRefresh = new Set<() => void>();
  /** @internal The cluster: hears node connections' events, and topology events (`emitTopology`). */
  events: (ConnectionEvents & { emitTopology(name: string, payload: object): void }) | null = null;

  private topologyEvent(name: "nodeAdded" | "nodeRemoved", node: ClusterNode): void {
    this.events?.emitTopology(name, { name: node.name, host: node.host, port: node.port, serverType: node.serverType });
  }

  /** A refresh nobody awaits failed: the `error` event (origin `cluster-refresh`) and `aioredis:error`. */
  private backgroundRefreshFailed(err: unknown): void {
    publishError(err, "cluster-refresh");
    if (this.events?.wantsEvent("error")) this.events.connectionEvent("error", { error: err, origin: "cluster-refresh" });
  }

  constructor(options: NodesManagerOptions) {
    this.options = options;
    this.initialStartupNodes = options.startupNodes;
    this.startupNodes = new Map(options.startupNodes.map((n) => [nodeName(n.host, n.port), { host: n.host, port: n.port }]));
  }

  get isInitialized(): boolean {
    return this.initialized;
  }

  /** The node for `host:port`, made (and remembered) if it is new. */
  getOrCreateNode(host: string, port: number, serverType: ServerType | null = null): ClusterNode {
    [host, port] = this.remap(host, port);
    const name = nodeName(host, port);
    let node = this.nodesCache.get(name);
    if (!node) {
      node = new ClusterNode(host, port, serverType, this.options.poolOptions);
      node.events = this.events;
      node.setReadonlyConnections(this.options.readonlyConnections);
      this.nodesCache.set(name, node);
      this.topologyEvent("nodeAdded", node);
    } else if (serverType) {
      node.serverType = serverType;
    }
    return node;
  }

  private remap(host: string, port: number): [string, number] {
    return this.options.addressRemap ? this.options.addressRemap([host, port]) : [host, port];
  }

  /**
   * MOVED: the slot's primary is now `host:port`. The slot is patched at once (the old
   * primary is dropped from it, the new one leads); a full refresh follows in the background.
   */
  moveSlot(slot: number, host: string, port: number): ClusterNode {
    const node = this.getOrCreateNode(host, port);
    const current = this.slotsCache[slot];
    if (current && current[0] === node) return node;
    node.serverType = "primary";
    const replicas = current ? current.slice(1).filter((n) => n !== node) : [];
    this.slotsCache[slot] = [node, ...replicas];
    return node;
  }

  /** Loads the topology the first time; throws `ClusterError` naming every node's failure. */
  async initialize(): Promise<void> {
    await this.refresh();
  }

  /** Reloads the topology now (one load at a time; callers share it). */
  refresh(prefer?: ClusterNode | null): Promise<void> {
    if (this.refreshing) {
      if (this.refreshAgain === undefined) this.refreshAgain = prefer ?? null;
      return this.refreshing;
    }
    if (this.refreshTimer) {
      clearTimeout(this.refreshTimer);
      this.refreshTimer = null;
    }
    this.refreshing = this.load(prefer ?? null).finally(() => {
      this.refreshing = null;
      this.lastRefreshEnd = Date.now();
      const again = this.refreshAgain;
      this.refreshAgain = undefined;
      if (again !== undefined) this.requestRefresh(again);
    });
    return this.refreshing;
  }

  /**
   * A refresh in the background; errors are ignored (the current map stays). Requests made
   * while one runs, or within 50 ms of the last one, make one more refresh, not a storm.
   */
  requestRefresh(prefer?: ClusterNode | null): void {
    if (this.closed) return;
    if (this.refreshing || this.refreshTimer) {
      if (this.refreshing && this.refreshAgain === undefined) this.refreshAgain = prefer ?? null;
      return;
    }
    const wait = this.lastRefreshEnd + 50 - Date.now();
    if (wait <= 0) {
      void this.refresh(prefer).catch((err: unknown) => this.backgroundRefreshFailed(err));
      return;
    }
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      if (!this.closed) void this.refresh(prefer).catch((err: unknown) => this.backgroundRefreshFailed(err));
    }, wait);
    this.refreshTimer.unref();
  }

  private async load(prefer: ClusterNode | null): Promise<void> {
    const errors: string[] = [];
    let causes: unknown[] = [];
    const candidates = this.candidates(prefer);
    // The preferred node (the one a MOVED named, which knows it owns the slot) is asked alone
    // first: a node that has not heard of the change yet must not win the race.
    const waves: ClusterNode[][] = [];
    let from = 0;
    if (prefer && candidates[0] === prefer) {
      waves.push([prefer]);
      from = 1;
    }
    for (let i = from; i < candidates.length; i += 3) waves.push(candidates.slice(i, i + 3));
    for (const wave of waves) {
      if (this.closed) return;
      // A few nodes at once: a hung node costs one timeout, not the refresh.
      let answer: [ClusterNode, SlotRange[]];
      try {
        answer = await Promise.any(wave.map((n) => this.querySlots(n)));
      } catch (err) {
        const failures = err instanceof AggregateError ? err.errors : [err];
        causes = causes.concat(failures);
        failures.forEach((e, j) => errors.push(`${wave[j]?.name ?? "?"}: ${(e as Error)?.message ?? String(e)}`));
        continue;
      }
      try {
        this.apply(answer[0], answer[1]);
        return;
      } catch (err) {
        causes.push(err);
        errors.push(`${answer[0].name}: ${(err as Error).message}`);
      }
    }
    throw new ClusterError(`Redis Cluster cannot be reached: no node answered CLUSTER SLOTS (${errors.join("; ") || "no node to ask"})`, { cause: causes[0] });
  }

  /** @internal Nodes to ask, best first: the preferred one, known primaries, other known nodes, then startup nodes. */
  candidates(prefer: ClusterNode | null): ClusterNode[] {
    const seen = new Set<string>();
    const out: ClusterNode[] = [];
    const add = (node: ClusterNode): void => {
      if (seen.has(node.name)) return;
      seen.add(node.name);
      out.push(node);
    };
    if (prefer && !prefer.retired) add(prefer);
    const known = [...this.nodesCache.values()];
    shuffle(known.filter((n) => n.serverType === "primary")).forEach(add);
    shuffle(known.filter((n) => n.serverType !== "primary")).forEach(add);
    for (const { host, port } of this.startupNodes.values()) add(this.probeNode(host, port));
    return out;
  }

  /**
   * A startup node to ask for the topology: the cluster's node at that address if known,
   * else one kept aside (not part of the topology until the cluster names it).
   */
  private probeNode(host: string, port: number): ClusterNode {
    [host, port] = this.remap(host, port);
    const name = nodeName(host, port);
    const known = this.nodesCache.get(name);
    if (known) return known;
    let probe = this.probes.get(name);
    if (!probe || probe.retired) {
      probe = new ClusterNode(host, port, null, this.options.poolOptions);
      probe.events = this.events;
      this.probes.set(name, probe);
    }
    return probe;
  }

  private async querySlots(node: ClusterNode): Promise<[ClusterNode, SlotRange[]]> {
    const connection = node.sharedConnection();
    const reply = (await connection.send(["CLUSTER", "SLOTS"], { decode: true })) as RespValue;
    const ranges = parseClusterSlots(reply, node.host);
    if (ranges.length === 0) throw new ClusterError(`${node.name} has no slots assigned (is the cluster set up?)`);
    return [node, ranges];
  }

  private apply(from: ClusterNode, ranges: SlotRange[]): void {
    const slots: (ClusterNode[] | undefined)[] = new Array(REDIS_CLUSTER_HASH_SLOTS);
    const present = new Set<ClusterNode>();
    const roles = new Map<ClusterNode, ServerType>();
    for (const range of ranges) {
      const nodes = range.nodes.map(([host, port], i) => {
        const node = this.getOrCreateNode(host, port);
        present.add(node);
        // A node listed as primary anywhere is a primary.
        if (i === 0 || roles.get(node) !== "primary") roles.set(node, i === 0 ? "primary" : "replica");
        return node;
      });
      for (let slot = range.start; slot <= range.end; slot++) slots[slot] = nodes;
    }
    if (this.options.requireFullCoverage && !this.initialized) {
      let missing = 0;
      for (let slot = 0; slot < REDIS_CLUSTER_HASH_SLOTS; slot++) if (!slots[slot]) missing++;
      if (missing > 0) {
        throw new ClusterError(
          `All slots are not covered after querying ${from.name}: ${missing} of ${REDIS_CLUSTER_HASH_SLOTS} have no node (pass requireFullCoverage: false to allow it)`,
        );
      }
    }
    if (this.initialized) {
      // A slot missing from this answer (a node in the middle of a change): keep what we knew.
      for (let slot = 0; slot < REDIS_CLUSTER_HASH_SLOTS; slot++) {
        if (slots[slot]) continue;
        const previous = this.slotsCache[slot];
        if (!previous) continue;
        slots[slot] = previous;
        for (const node of previous) present.add(node);
      }
    }
    for (const [node, role] of roles) node.serverType = role;
    this.slotsCache = slots;
    // Nodes gone from the topology: forget them, close their connections once idle.
    for (const [name, node] of this.nodesCache) {
      if (present.has(node)) continue;
      this.nodesCache.delete(name);
      node.retired = true;
      node.releaseWhenIdle();
      this.retired.add(node);
      this.topologyEvent("nodeRemoved", node);
    }
    // Retired nodes are kept only until their last connection is gone.
    for (const node of this.retired) if (node.openConnections === 0) this.retired.delete(node);
    // A startup node that turned out to be a node of the cluster is that node from now on.
    for (const [name, probe] of this.probes) {
      if (!this.nodesCache.has(name)) continue;
      this.probes.delete(name);
      probe.retired = true;
      probe.releaseWhenIdle();
      this.retired.add(probe);
    }
    if (this.options.dynamicStartupNodes) {
      // The nodes discovered replace the startup nodes (the ones given are kept as a last resort).
      this.startupNodes = new Map([
        ...[...present].map((n): [string, { host: string; port: number }] => [n.name, { host: n.host, port: n.port }]),
        ...this.initialStartupNodes.map((n): [string, { host: string; port: number }] => [nodeName(n.host, n.port), { host: n.host, port: n.port }]),
      ]);
    }
    if (!this.defaultNode || this.defaultNode.retired || this.defaultNode.serverType !== "primary") {
      const primaries = [...present].filter((n) => n.serverType === "primary");
      this.defaultNode = primaries.includes(from) ? from : (primaries[Math.floor(Math.random() * primaries.length)] ?? from);
    }
    this.initialized = true;
    this.refreshes++;
    this.events?.emitTopology("topologyRefreshed", { from: from.name, nodes: this.nodesCache.size, refreshes: this.refreshes });
    for (const listener of this.onRefresh) {
      try {
        listener();
      } catch {
        // a listener's failure is its own
      }
    }
  }

  /** A node failed: pick another default node if it was the default, and refresh soon. */
  nodeFailed(node: ClusterNode): void {
    if (this.defaultNode === node) {
      const others = this.primaries().filter((n) => n !== node);
      if (others.length > 0) this.defaultNode = others[Math.floor(Math.random() * others.length)]!;
    }
    this.requestRefresh();
  }

  primaries(): ClusterNode[] {
    return [...this.nodesCache.values()].filter((n) => n.serverType === "primary");
  }

  replicas(): ClusterNode[] {
    return [...this.nodesCache.values()].filter((n) => n.serverType === "replica");
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
    const nodes = [...this.nodesCache.values(), ...this.retired, ...this.probes.values()];
    this.retired.clear();
    this.probes.clear();
    await Promise.all(nodes.map((n) => n.disconnect()));
  }
}
