import { installCommands } from "../commands/install.js";
import type { Connection, SendOptions } from "../connection/connection.js";
import { checkOptions, CONNECTION_OPTION_NAMES } from "../connection/resolve.js";
import { COMMANDS, type Commands } from "../commands/index.js";
import { blockingTimeout, connectionStateCommand, streamingCommand } from "../commands/routing.js";
import { installScanIterators, type ScanIterators } from "../commands/scan.js";
import { bindArgs, isArgValue, isPlainObject, type CommandSpec } from "../commands/spec.js";
import type { AsyncMode } from "../commands/types.js";
import {
  AskError,
  AuthenticationError,
  BusyLoadingError,
  ClusterCrossSlotError,
  ClusterDownError,
  ClusterError,
  ConnectionError,
  DataError,
  MaxConnectionsError,
  MovedError,
  RedisError,
  TimeoutError,
  TryAgainError,
} from "../errors.js";
import { createLock, type Lock, type LockClient, type LockOptions } from "../lock.js";
import type { PoolOptions } from "../options.js";
import type { RedisString, ReplyTypeOf } from "../pool.js";
import type { CommandArg, RespValue } from "../protocol/index.js";
import { EqualJitterBackoff, NoBackoff, Retry } from "../retry.js";
import { callableScript, type CallableScript, type ScriptRunner } from "../script.js";
import { runTransaction, type TransactionOptions } from "../transaction.js";
import { mergeUrlOptions } from "../url.js";
import { CommandsParser } from "./commands-parser.js";
import { markMaybeSent, mayHaveRun, type Merge, type Part, type PartTarget, type Plan } from "./plan.js";
import { ClusterPipelineImpl, type ClusterPipeline } from "./pipeline.js";
import { ClusterPubSub, type ClusterPubSubOptions } from "./pubsub.js";
import { keySlot, REDIS_CLUSTER_HASH_SLOTS } from "./slots.js";
import { ClusterNode, NodesManager, nodeName, type AddressRemap } from "./topology.js";

/** Where a command goes when the caller chooses (redis-py's `target_nodes`). */
export type TargetNodes =
  | "primaries"
  | "replicas"
  | "all"
  | "random"
  | "default-node"
  | ClusterNode
  | ClusterNode[]
  | Record<string, ClusterNode>;

/**
 * How reads are spread when `readFromReplicas` is on (redis-py's `LoadBalancingStrategy`):
 * round robin over the primary and its replicas (default), over the replicas only, or a
 * random replica.
 */
export type LoadBalancingStrategy = "round_robin" | "round_robin_replicas" | "random_replica";

export interface ClusterNodeAddress {
  host: string;
  port: number;
}

/** `new RedisCluster(options)`: redis-py's RedisCluster options in camelCase. */
export interface RedisClusterOptions extends Omit<PoolOptions, "timeout" | "unixSocketPath" | "db"> {
  /** Nodes to learn the topology from; any one of them is enough. */
  startupNodes?: (ClusterNodeAddress | [string, number] | ClusterNode)[];
  /** Serve read-only commands from replicas too (round robin with the primary). Default false. */
  readFromReplicas?: boolean;
  loadBalancingStrategy?: LoadBalancingStrategy | null;
  /** MOVED/ASK redirections followed for one command before giving up. Default 5. */
  maxRedirections?: number;
  /** Refuse a topology where a slot has no node. Default true. */
  requireFullCoverage?: boolean;
  /** Replace the startup nodes with every node discovered. Default true. */
  dynamicStartupNodes?: boolean;
  /** Translates the addresses the cluster announces (NAT, port forwarding). */
  addressRemap?: AddressRemap | null;
  /** Seconds between background topology refreshes (nodes that appear, vanish or come back); 0 disables. Default 5. */
  topologyRefreshInterval?: number;
  /** Only 0 exists in a cluster; accepted for symmetry with `Redis`. */
  db?: 0;
}

const CLUSTER_OPTION_CHECKS: Record<string, [(v: unknown) => boolean, string]> = {
  startupNodes: [(v) => Array.isArray(v), "an array of { host, port }"],
  readFromReplicas: [(v) => typeof v === "boolean", "a boolean"],
  loadBalancingStrategy: [
    (v) => v === null || v === "round_robin" || v === "round_robin_replicas" || v === "random_replica",
    "'round_robin', 'round_robin_replicas' or 'random_replica'",
  ],
  maxRedirections: [(v) => Number.isInteger(v) && (v as number) >= 0, "a non-negative integer"],
  requireFullCoverage: [(v) => typeof v === "boolean", "a boolean"],
  dynamicStartupNodes: [(v) => typeof v === "boolean", "a boolean"],
  addressRemap: [(v) => v === null || typeof v === "function", "a function"],
  topologyRefreshInterval: [(v) => typeof v === "number" && Number.isFinite(v) && v >= 0, "a number of seconds"],
  maxConnections: [(v) => Number.isInteger(v) && (v as number) > 0, "a positive integer"],
  db: [(v) => v === 0, "0 (Redis Cluster has only database 0)"],
};

/** Options that are the cluster's own, not passed to the nodes' pools. */
const OWN_OPTIONS = new Set([
  "startupNodes",
  "readFromReplicas",
  "loadBalancingStrategy",
  "maxRedirections",
  "requireFullCoverage",
  "dynamicStartupNodes",
  "addressRemap",
  "topologyRefreshInterval",
  "retry",
  "db",
  "host",
  "port",
]);

// ---- where keyless commands go, and how replies from several nodes are merged -------------

const sum: Merge = (values) => values.reduce<number>((a, b) => a + Number(b), 0);
const concat: Merge = (values) => values.flatMap((v) => (Array.isArray(v) ? v : [v]));
const allTrue: Merge = (values) => values.every((v) => v === true || v === 1 || v === "OK");
const first: Merge = (values) => values[0];
const andEach: Merge = (values) => {
  const lists = values as unknown[][];
  return (lists[0] ?? []).map((_, i) => lists.every((l) => Boolean(l[i])));
};
const byNode: Merge = (values, nodes) => {
  const out: Record<string, unknown> = {};
  nodes.forEach((node, i) => (out[node.name] = values[i]));
  return out;
};

type PolicyTarget = "primaries" | "all" | "random-primary" | "default-node";

/** Keyless commands that do not simply go to the default node (redis-py's command flags and result callbacks). */
const POLICIES: Record<string, [PolicyTarget, Merge]> = {
  PING: ["primaries", allTrue],
  DBSIZE: ["primaries", sum],
  KEYS: ["primaries", concat],
  FLUSHALL: ["primaries", allTrue],
  FLUSHDB: ["primaries", allTrue],
  RANDOMKEY: ["random-primary", first],
  "SCRIPT LOAD": ["primaries", first],
  "SCRIPT FLUSH": ["primaries", allTrue],
  "SCRIPT EXISTS": ["primaries", andEach],
  "FUNCTION LOAD": ["primaries", first],
  "FUNCTION DELETE": ["primaries", allTrue],
  "FUNCTION FLUSH": ["primaries", allTrue],
  "FUNCTION RESTORE": ["primaries", allTrue],
  "CONFIG SET": ["all", allTrue],
  "CONFIG RESETSTAT": ["all", allTrue],
  "CONFIG REWRITE": ["all", allTrue],
  "SLOWLOG RESET": ["all", allTrue],
  "MEMORY PURGE": ["all", allTrue],
  "PUBSUB CHANNELS": ["all", concat],
  "PUBSUB NUMPAT": ["all", sum],
  "PUBSUB SHARDCHANNELS": ["primaries", concat],
};

/** Container commands whose policy depends on the subcommand. */
const CONTAINERS = new Set(["SCRIPT", "FUNCTION", "CONFIG", "SLOWLOG", "MEMORY", "PUBSUB", "CLUSTER", "CLIENT", "ACL", "COMMAND", "OBJECT", "XINFO", "LATENCY"]);

/** Multi-key commands split per slot when their keys span slots, and how the parts merge. */
const SPLITTABLE = new Set(["MGET", "MSET", "DEL", "UNLINK", "EXISTS", "TOUCH"]);

function word(arg: CommandArg | undefined): string {
  if (arg === undefined) return "";
  return (typeof arg === "string" ? arg : arg.toString()).toUpperCase();
}

/** The name a policy is looked up by: `DBSIZE`, or `SCRIPT LOAD` for container commands. */
function policyName(argv: readonly CommandArg[]): string {
  const name = word(argv[0]);
  return CONTAINERS.has(name) && argv.length > 1 ? `${name} ${word(argv[1])}` : name;
}

const sleep = (seconds: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** Splits `args` into the call's arguments and its `targetNodes` keyword, if any. */
function takeTargetNodes(spec: CommandSpec | null, args: unknown[]): [unknown[], TargetNodes | undefined] {
  const n = args.length;
  if (n === 0) return [args, undefined];
  const last = args[n - 1];
  if (!isPlainObject(last) || !("targetNodes" in last)) return [args, undefined];
  if (spec) {
    const at = spec.restIndex !== -1 && n - 1 >= spec.restIndex ? spec.restIndex : n - 1;
    if (spec.mappingPositions.has(at)) return [args, undefined];
  }
  const { targetNodes, ...rest } = last as { targetNodes: TargetNodes };
  const head = args.slice(0, n - 1);
  if (Object.keys(rest).length > 0) head.push(rest);
  return [head, targetNodes];
}

/**
 * A client for Redis Cluster (redis-py's `RedisCluster`): every command method of `Redis`,
 * routed by the slot of its keys to the node that owns it. The topology is loaded from
 * CLUSTER SLOTS on the first command (or `initialize()`), patched at once on MOVED and
 * refreshed in the background after MOVED, failures, and every `topologyRefreshInterval`.
 * Multi-key commands whose keys span slots (MGET, MSET, DEL, UNLINK, EXISTS, TOUCH) are split
 * per slot and merged in the caller's order; other cross-slot commands fail before sending.
 */
export class RedisClusterImpl<T extends RedisString = Buffer> {
  readonly nodesManager: NodesManager;
  readonly commandsParser = new CommandsParser();
  readonly readFromReplicas: boolean;
  readonly loadBalancingStrategy: LoadBalancingStrategy | null;
  readonly maxRedirections: number;
  /** The cluster-level retry policy: attempts and backoff for TRYAGAIN, CLUSTERDOWN and unreachable nodes. */
  readonly retry: Retry;
  readonly encoding: BufferEncoding;
  readonly decodeResponses: boolean;
  declare readonly __replyType?: T;
  private initializing: Promise<void> | null = null;
  private parserLoading: Promise<void> | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;
  private readonly refreshInterval: number;
  private closed = false;
  private roundRobin = 0;

  constructor(options: RedisClusterOptions = {}) {
    if (options === null || typeof options !== "object") throw new DataError("RedisCluster: options must be an object");
    for (const [name, value] of Object.entries(options)) {
      if (value === undefined) continue;
      const check = CLUSTER_OPTION_CHECKS[name];
      if (!check && !CONNECTION_OPTION_NAMES.has(name)) throw new DataError(`RedisCluster: unknown option '${name}'`);
      if (check && !check[0](value)) throw new DataError(`RedisCluster: option '${name}' must be ${check[1]}`);
    }
    const poolOptions: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(options)) {
      if (!OWN_OPTIONS.has(name) && value !== undefined) poolOptions[name] = value;
    }
    // Retries happen at the cluster level: a node's connection does not retry by itself.
    poolOptions.retry = new Retry(new NoBackoff(), 0);
    checkOptions("RedisCluster", poolOptions, { maxConnections: CLUSTER_OPTION_CHECKS.maxConnections! });
    const startupNodes: ClusterNodeAddress[] = [];
    for (const node of options.startupNodes ?? []) {
      if (Array.isArray(node)) startupNodes.push({ host: node[0], port: node[1] });
      else if (node && typeof node === "object" && typeof node.host === "string" && Number.isInteger(node.port)) {
        startupNodes.push({ host: node.host, port: node.port });
      } else throw new DataError("RedisCluster: each startup node must be { host, port } or [host, port]");
    }
    if (options.host !== undefined || options.port !== undefined || startupNodes.length === 0) {
      if (options.host === undefined && startupNodes.length === 0 && options.port === undefined) {
        throw new DataError("RedisCluster: give 'startupNodes' (or 'host' and 'port') of at least one node");
      }
      startupNodes.push({ host: options.host ?? "localhost", port: options.port ?? 6379 });
    }
    this.readFromReplicas = options.readFromReplicas ?? (options.loadBalancingStrategy ? true : false);
    this.loadBalancingStrategy = options.loadBalancingStrategy ?? (this.readFromReplicas ? "round_robin" : null);
    this.maxRedirections = options.maxRedirections ?? 5;
    this.retry = options.retry ? options.retry.clone() : new Retry(new EqualJitterBackoff(1, 0.05), 10);
    this.encoding = (options.encoding ?? "utf8") as BufferEncoding;
    this.decodeResponses = options.decodeResponses ?? false;
    this.refreshInterval = options.topologyRefreshInterval ?? 5;
    this.nodesManager = new NodesManager({
      startupNodes,
      poolOptions: poolOptions as PoolOptions,
      readonlyConnections: this.readFromReplicas,
      requireFullCoverage: options.requireFullCoverage ?? true,
      dynamicStartupNodes: options.dynamicStartupNodes ?? true,
      addressRemap: options.addressRemap ?? null,
    });
  }

  /** A cluster client from the URL of any one node; options in the URL win over `options`. */
  static fromUrl(url: string, options?: RedisClusterOptions): RedisClusterImpl<any> {
    const merged = mergeUrlOptions(url, options ?? {}) as RedisClusterOptions & { unixSocketPath?: unknown; timeout?: unknown };
    if (merged.unixSocketPath) throw new DataError("RedisCluster.fromUrl: Redis Cluster needs a redis:// or rediss:// URL");
    delete merged.unixSocketPath;
    delete merged.timeout;
    if (merged.db !== undefined && merged.db !== 0) throw new DataError("RedisCluster.fromUrl: Redis Cluster has only database 0");
    return new this(merged);
  }

  // ---- topology ---------------------------------------------------------------------------

  /** Loads the topology and the command table now, instead of on the first command. */
  async initialize(): Promise<this> {
    await this.ensureReady();
    return this;
  }

  private ensureReady(): Promise<void> {
    if (this.closed) return Promise.reject(new ClusterError("The cluster client is closed"));
    if (this.nodesManager.isInitialized && this.commandsParser.loaded) return Promise.resolve();
    if (!this.initializing) {
      this.initializing = (async () => {
        if (!this.nodesManager.isInitialized) await this.nodesManager.initialize();
        if (!this.commandsParser.loaded) await this.loadCommands();
        this.startPeriodicRefresh();
      })().finally(() => {
        this.initializing = null;
      });
    }
    return this.initializing;
  }

  private loadCommands(): Promise<void> {
    this.parserLoading ??= (async () => {
      const errors: string[] = [];
      const nodes = this.nodesManager.candidates(this.nodesManager.defaultNode);
      for (const node of nodes) {
        try {
          const reply = (await node.sharedConnection().send(["COMMAND"], { decode: true })) as RespValue;
          this.commandsParser.load(reply);
          return;
        } catch (err) {
          if (err instanceof RedisError && !(err instanceof ConnectionError) && !(err instanceof TimeoutError)) {
            // Refused (ACL): guess keys as the first argument.
            this.commandsParser.useFallback();
            return;
          }
          errors.push(`${node.name}: ${(err as Error).message}`);
        }
      }
      throw new ClusterError(`Cannot load the command table from the cluster (${errors.join("; ")})`);
    })().finally(() => {
      this.parserLoading = null;
    });
    return this.parserLoading;
  }

  private startPeriodicRefresh(): void {
    if (this.refreshTimer || this.refreshInterval <= 0 || this.closed) return;
    this.refreshTimer = setInterval(() => this.nodesManager.requestRefresh(), this.refreshInterval * 1000);
    this.refreshTimer.unref();
  }

  /** Every known node. */
  getNodes(): ClusterNode<T>[] {
    return [...this.nodesManager.nodesCache.values()];
  }

  getPrimaries(): ClusterNode<T>[] {
    return this.nodesManager.primaries();
  }

  getReplicas(): ClusterNode<T>[] {
    return this.nodesManager.replicas();
  }

  getRandomNode(): ClusterNode<T> {
    const nodes = this.getNodes();
    if (nodes.length === 0) throw new ClusterError("The cluster topology is not loaded yet: await rc.initialize() first");
    return nodes[Math.floor(Math.random() * nodes.length)]!;
  }

  /** The node keyless commands go to (a primary). */
  getDefaultNode(): ClusterNode<T> | null {
    return this.nodesManager.defaultNode;
  }

  setDefaultNode(node: ClusterNode): boolean {
    const known = this.nodesManager.nodesCache.get(node.name);
    if (!known) return false;
    this.nodesManager.defaultNode = known;
    return true;
  }

  /** The node at `host:port` (or by name `"host:port"`), if known. */
  getNode(hostOrName: string, port?: number): ClusterNode<T> | undefined {
    const name = port === undefined ? hostOrName : nodeName(hostOrName, port);
    return this.nodesManager.nodesCache.get(name);
  }

  /** The slot of a key (hash tags honoured). */
  keyslot(key: string | Buffer | number): number {
    return keySlot(key, this.encoding);
  }

  /** The node serving `key`: its primary, or with `replica` a replica when there is one. */
  getNodeFromKey(key: string | Buffer | number, replica = false): ClusterNode<T> | undefined {
    const nodes = this.nodesManager.slotsCache[this.keyslot(key)];
    if (!nodes) return undefined;
    return replica && nodes.length > 1 ? nodes[1] : nodes[0];
  }

  // ---- running commands -------------------------------------------------------------------

  /**
   * Sends any command as is (redis-py's `execute_command`), routed by its keys; a trailing
   * `{ targetNodes }` chooses the nodes. Replies are not parsed.
   */
  executeCommand(...args: unknown[]): Promise<any> {
    const [rest, targetNodes] = takeTargetNodes(null, args);
    let argv: CommandArg[];
    if (typeof rest[0] === "string" && rest[0].includes(" ")) {
      argv = [...rest[0].split(" ").filter((w) => w.length > 0), ...(rest.slice(1) as CommandArg[])];
    } else {
      argv = rest as CommandArg[];
    }
    if (argv.length === 0) return Promise.reject(new DataError("executeCommand: no command given"));
    for (let i = 0; i < argv.length; i++) {
      if (!isArgValue(argv[i])) {
        return Promise.reject(
          new DataError(`executeCommand: argument #${i + 1} must be a string, Buffer or number, got ${describeValue(argv[i])}`),
        );
      }
    }
    return this.run(argv, undefined, undefined, targetNodes);
  }

  /**
   * The command methods, sent to `targetNodes` (redis-py's `target_nodes=` keyword, typed):
   * `rc.withTargetNodes("all").configSet("maxmemory", "1gb")`. The replies of several nodes
   * are merged as for the keyless fan-out (DBSIZE summed, KEYS concatenated, PING and
   * OK-replies all true) or, for other commands, an object by node name; the static types
   * are those of one node's reply.
   */
  withTargetNodes(targetNodes: TargetNodes): Commands<T, AsyncMode> {
    if (targetNodes === undefined || targetNodes === null) throw new DataError("withTargetNodes: give the target nodes");
    const view = Object.create(targetedProto) as { cluster: RedisClusterImpl<T>; targetNodes: TargetNodes };
    view.cluster = this;
    view.targetNodes = targetNodes;
    return view as unknown as Commands<T, AsyncMode>;
  }

  /** Runs one generated command method. */
  protected runCommand(spec: CommandSpec, args: unknown[], forcedTargets?: TargetNodes): Promise<unknown> {
    let argv: CommandArg[];
    let values: unknown[];
    let targetNodes: TargetNodes | undefined = forcedTargets;
    try {
      if (targetNodes === undefined) [args, targetNodes] = takeTargetNodes(spec, args);
      values = bindArgs(spec, args);
      argv = spec.build(values);
    } catch (err) {
      return Promise.reject(err);
    }
    const options: SendOptions | undefined =
      spec.reply || spec.decode !== undefined ? { transform: spec.reply, context: values, decode: spec.decode } : undefined;
    return this.run(argv, options, spec, targetNodes);
  }

  private async run(argv: CommandArg[], options: SendOptions | undefined, spec: CommandSpec | undefined, targetNodes: TargetNodes | undefined): Promise<unknown> {
    const refused = this.refusal(argv);
    if (refused) throw refused;
    await this.ensureReady();
    const plan = await this.plan(argv, spec?.readonly, targetNodes);
    return this.executePlan(plan, options, () => this.plan(argv, spec?.readonly, targetNodes));
  }

  /** Commands a cluster client cannot run as plain commands, with what to use instead. */
  private refusal(argv: CommandArg[]): RedisError | null {
    if (this.closed) return new ClusterError("The cluster client is closed");
    const streaming = streamingCommand(argv);
    if (streaming) return new DataError(`${word(argv[0])} is not available as a plain command: use ${streaming}`);
    const state = connectionStateCommand(argv);
    if (state) {
      if (state === "SELECT") return new DataError("SELECT is not allowed in Redis Cluster: it has only database 0");
      if (state === "READONLY" || state === "READWRITE") {
        return new DataError(`${state}: the cluster client manages it (use the readFromReplicas option)`);
      }
      return new DataError(`${state} changes the state of a connection, which the cluster client shares: use rc.pipeline() or rc.transaction()`);
    }
    return null;
  }

  /** @internal What to send where for `argv`. Throws `ClusterCrossSlotError` for keys in several slots. */
  async plan(argv: CommandArg[], specReadonly: boolean | undefined, targetNodes?: TargetNodes): Promise<Plan> {
    const readonly = specReadonly ?? this.commandsParser.isReadonly(argv);
    if (targetNodes !== undefined) {
      const nodes = this.resolveTargetNodes(targetNodes);
      const policy = POLICIES[policyName(argv)];
      return {
        parts: nodes.map((node) => ({ argv, target: { node }, readonly })),
        merge: nodes.length === 1 ? first : (policy?.[1] ?? byNode),
        explicit: true,
        nodes,
      };
    }
    const name = word(argv[0]);
    if (SPLITTABLE.has(name)) return this.planSplit(name, argv, readonly);
    const policy = POLICIES[policyName(argv)];
    if (policy) {
      const [target, merge] = policy;
      if (target === "default-node") return { parts: [{ argv, target: { defaultNode: true }, readonly }], merge: first, explicit: false, nodes: [] };
      const nodes = this.policyNodes(target);
      return { parts: nodes.map((node) => ({ argv, target: { node }, readonly })), merge, explicit: false, nodes };
    }
    let keys = this.commandsParser.keys(argv);
    if (keys === undefined) keys = await this.keysFromServer(argv);
    if (keys.length === 0) {
      const slot = this.slotArgument(argv);
      const target: PartTarget = slot === null ? { defaultNode: true } : { slot };
      return { parts: [{ argv, target, readonly }], merge: first, explicit: false, nodes: [] };
    }
    const slot = this.slotOfKeys(name, keys);
    return { parts: [{ argv, target: { slot }, readonly }], merge: first, explicit: false, nodes: [] };
  }

  /** CLUSTER COUNTKEYSINSLOT / GETKEYSINSLOT go to the slot's owner. */
  private slotArgument(argv: CommandArg[]): number | null {
    if (word(argv[0]) !== "CLUSTER") return null;
    const sub = word(argv[1]);
    if (sub !== "COUNTKEYSINSLOT" && sub !== "GETKEYSINSLOT") return null;
    const slot = Number(String(argv[2]));
    return Number.isInteger(slot) && slot >= 0 && slot < REDIS_CLUSTER_HASH_SLOTS ? slot : null;
  }

  /** The one slot of `keys`, or `ClusterCrossSlotError` before anything is sent. */
  private slotOfKeys(name: string, keys: readonly CommandArg[]): number {
    const slot = keySlot(keys[0]!, this.encoding);
    for (let i = 1; i < keys.length; i++) {
      const other = keySlot(keys[i]!, this.encoding);
      if (other !== slot) {
        throw new ClusterCrossSlotError(
          `CROSSSLOT Keys in request don't hash to the same slot (${name}: key #1 is in slot ${slot}, key #${i + 1} in slot ${other}); ` +
            "in Redis Cluster a multi-key command needs all its keys in one slot: use a hash tag such as {user1}:a, {user1}:b",
          "CROSSSLOT",
        );
      }
    }
    return slot;
  }

  private async keysFromServer(argv: CommandArg[]): Promise<CommandArg[]> {
    const node = this.nodesManager.defaultNode;
    if (!node) return [];
    try {
      const reply = (await node.sharedConnection().send(["COMMAND", "GETKEYS", ...argv])) as RespValue;
      return Array.isArray(reply) ? (reply as CommandArg[]) : [];
    } catch {
      return []; // e.g. "Invalid arguments": the node will say so when it runs the command
    }
  }

  /** MGET, MSET, DEL, UNLINK, EXISTS, TOUCH: one part per slot, merged in the caller's order. */
  private planSplit(name: string, argv: CommandArg[], readonly: boolean): Plan {
    const pairs = name === "MSET";
    const step = pairs ? 2 : 1;
    const groups = new Map<number, number[]>(); // slot -> indexes of keys (in argv)
    for (let i = 1; i < argv.length; i += step) {
      const slot = keySlot(argv[i]!, this.encoding);
      const group = groups.get(slot);
      if (group) group.push(i);
      else groups.set(slot, [i]);
    }
    if (groups.size <= 1) {
      const slot = groups.keys().next().value ?? 0;
      return { parts: [{ argv, target: { slot }, readonly }], merge: first, explicit: false, nodes: [] };
    }
    const parts: Part[] = [];
    const positions: number[][] = [];
    for (const [slot, indexes] of groups) {
      const partArgv: CommandArg[] = [argv[0]!];
      for (const i of indexes) {
        partArgv.push(argv[i]!);
        if (pairs) partArgv.push(argv[i + 1]!);
      }
      parts.push({ argv: partArgv, target: { slot }, readonly });
      positions.push(indexes.map((i) => (i - 1) / step));
    }
    let merge: Merge;
    if (name === "MGET") {
      const total = (argv.length - 1) / step;
      merge = (values) => {
        const out = new Array<unknown>(total);
        values.forEach((value, p) => {
          const list = value as unknown[];
          positions[p]!.forEach((at, j) => (out[at] = list[j]));
        });
        return out;
      };
    } else if (name === "MSET") {
      merge = allTrue;
    } else {
      merge = sum;
    }
    return { parts, merge, explicit: false, nodes: [] };
  }

  private policyNodes(target: PolicyTarget): ClusterNode[] {
    const primaries = this.nodesManager.primaries();
    switch (target) {
      case "primaries":
        return primaries;
      case "all":
        return this.getNodes();
      case "random-primary":
        return primaries.length > 0 ? [primaries[Math.floor(Math.random() * primaries.length)]!] : [];
      default:
        return this.nodesManager.defaultNode ? [this.nodesManager.defaultNode] : [];
    }
  }

  private resolveTargetNodes(target: TargetNodes): ClusterNode[] {
    let nodes: ClusterNode[];
    if (target instanceof ClusterNode) nodes = [target];
    else if (Array.isArray(target)) nodes = target;
    else if (typeof target === "string") {
      switch (target) {
        case "primaries":
          nodes = this.getPrimaries();
          break;
        case "replicas":
          nodes = this.getReplicas();
          break;
        case "all":
          nodes = this.getNodes();
          break;
        case "random":
          nodes = [this.getRandomNode()];
          break;
        case "default-node": {
          const node = this.nodesManager.defaultNode;
          nodes = node ? [node] : [];
          break;
        }
        default: {
          const node = this.nodesManager.nodesCache.get(target);
          if (!node) throw new DataError(`targetNodes: unknown node or target '${target}' (use "primaries", "replicas", "all", "random", "default-node" or a ClusterNode)`);
          nodes = [node];
        }
      }
    } else if (isPlainObject(target)) nodes = Object.values(target);
    else throw new DataError("targetNodes must be \"primaries\", \"replicas\", \"all\", \"random\", \"default-node\", a ClusterNode or an array of them");
    if (nodes.length === 0) throw new ClusterError(`targetNodes: no node matches ${typeof target === "string" ? `'${target}'` : "the given nodes"}`);
    // A ClusterNode made by the user is an address: use the cluster's node at that address.
    return nodes.map((node) => {
      if (!(node instanceof ClusterNode)) throw new DataError("targetNodes: expected ClusterNode objects");
      return this.nodesManager.nodesCache.get(node.name) ?? this.nodesManager.getOrCreateNode(node.host, node.port);
    });
  }

  /**
   * @internal Runs a plan: every part (with redirections and retries), then the merge. A
   * command sent to chosen nodes (all primaries...) is planned again after a node failed,
   * when `replan` is given and the command is known not to have run or only reads.
   */
  async executePlan(plan: Plan, options: SendOptions | undefined, replan?: () => Promise<Plan>): Promise<unknown> {
    if (plan.nodes.length === 0) {
      if (plan.parts.length === 1) return this.executePart(plan.parts[0]!, options, plan.explicit);
      const values = await Promise.all(plan.parts.map((part) => this.executePart(part, options, plan.explicit)));
      return plan.merge ? plan.merge(values, plan.nodes) : values;
    }
    for (let failures = 0; ; ) {
      if (plan.parts.length === 0) throw new ClusterError("No node to send the command to (is the topology loaded?)");
      try {
        const values = await Promise.all(plan.parts.map((part) => this.executePart(part, options, true)));
        return plan.merge ? plan.merge(values, plan.nodes) : values;
      } catch (err) {
        const retryable =
          !plan.explicit &&
          replan !== undefined &&
          !this.closed &&
          (err instanceof ConnectionError || err instanceof TimeoutError || err instanceof ClusterDownError) &&
          !(err instanceof AuthenticationError) &&
          !(err instanceof MaxConnectionsError) &&
          (!mayHaveRun(err) || plan.parts.every((p) => p.readonly));
        if (!retryable || ++failures > this.retry.getRetries()) throw err;
        await sleep(this.retry.backoff.compute(failures));
        await this.nodesManager.refresh(null).catch(() => {});
        plan = await replan!();
      }
    }
  }

  /** @internal The node a part goes to now. */
  nodeFor(part: Part): ClusterNode {
    const target = part.target;
    if ("node" in target) return target.node;
    if ("defaultNode" in target) {
      const node = this.nodesManager.defaultNode;
      if (!node) throw new ClusterError("The cluster has no default node (is the topology loaded?)");
      return node;
    }
    const nodes = this.nodesManager.slotsCache[target.slot];
    if (!nodes || nodes.length === 0) {
      throw new ClusterDownError(`CLUSTERDOWN Slot ${target.slot} is not covered by any known node`, "CLUSTERDOWN");
    }
    if (!part.readonly || !this.loadBalancingStrategy || nodes.length === 1) return nodes[0]!;
    switch (this.loadBalancingStrategy) {
      case "round_robin":
        return nodes[this.roundRobin++ % nodes.length]!;
      case "round_robin_replicas":
        return nodes[1 + (this.roundRobin++ % (nodes.length - 1))]!;
      default:
        return nodes[1 + Math.floor(Math.random() * (nodes.length - 1))]!;
    }
  }

  /**
   * @internal Sends one part, following MOVED and ASK (up to `maxRedirections`), and retrying
   * TRYAGAIN, CLUSTERDOWN, LOADING and unreachable nodes with backoff (up to `retry`'s attempts).
   * A command that may have reached a node that then failed is sent again only when it is
   * read-only: a write is never duplicated.
   */
  async executePart(part: Part, options: SendOptions | undefined, explicit = false): Promise<unknown> {
    let redirections = 0;
    let failures = 0;
    let askNode: ClusterNode | null = null;
    const blockFor = blockingTimeout(part.argv);
    for (;;) {
      let node: ClusterNode | null = null;
      const state = { sent: false };
      try {
        node = askNode ?? this.nodeFor(part);
        const asking = askNode !== null;
        askNode = null;
        if (blockFor !== null) return await this.sendBlocking(node, part.argv, options, blockFor, asking, state);
        return await this.sendTo(node, part.argv, options, asking, state);
      } catch (err) {
        if (state.sent) markMaybeSent(err);
        if (explicit || this.closed) throw err;
        if (err instanceof MovedError) {
          if (++redirections > this.maxRedirections) throw this.tooManyRedirections(err);
          const owner = this.nodesManager.moveSlot(err.slotId, err.host, err.port);
          this.nodesManager.requestRefresh(owner);
          continue;
        }
        if (err instanceof AskError) {
          if (++redirections > this.maxRedirections) throw this.tooManyRedirections(err);
          askNode = this.nodesManager.getOrCreateNode(err.host, err.port);
          continue;
        }
        if (err instanceof TryAgainError || err instanceof BusyLoadingError) {
          if (++failures > this.retry.getRetries()) throw err;
          // A slot half migrated answers ASK, then TRYAGAIN, until its keys are together:
          // those hops are bounded by the retries, not by maxRedirections.
          redirections = 0;
          await sleep(this.retry.backoff.compute(failures));
          continue;
        }
        if (err instanceof ClusterDownError) {
          if (++failures > this.retry.getRetries()) throw err;
          this.nodesManager.requestRefresh();
          await sleep(Math.max(0.1, this.retry.backoff.compute(failures)));
          continue;
        }
        if ((err instanceof ConnectionError || err instanceof TimeoutError) && !(err instanceof AuthenticationError) && !(err instanceof MaxConnectionsError)) {
          if (node) this.nodesManager.nodeFailed(node);
          // It may have run: only a read is sent again.
          if (state.sent && !part.readonly) throw err;
          if (++failures > this.retry.getRetries()) throw err;
          await sleep(this.retry.backoff.compute(failures));
          await this.nodesManager.refresh(null).catch(() => {});
          continue;
        }
        throw err;
      }
    }
  }

  private tooManyRedirections(err: MovedError | AskError): ClusterError {
    return new ClusterError(
      `Too many cluster redirections (more than maxRedirections ${this.maxRedirections}); the last was ${err.message}`,
      { cause: err },
    );
  }

  /** The node's shared connection, connected: a failure here means the command was not sent. */
  private async sendTo(node: ClusterNode, argv: CommandArg[], options: SendOptions | undefined, asking: boolean, state: { sent: boolean }): Promise<unknown> {
    const connection = node.sharedConnection();
    if (!connection.isConnected) await connection.connect();
    state.sent = true;
    if (!asking) return connection.send(argv, options);
    // ASKING and the command leave in one write, next to each other on this connection.
    const [, reply] = await connection.sendBatch([["ASKING"], argv], { decode: options?.decode ?? this.decodeResponses });
    if (reply instanceof Error) throw reply;
    return options?.transform ? options.transform(reply as RespValue, options.context) : reply;
  }

  private async sendBlocking(
    node: ClusterNode,
    argv: CommandArg[],
    options: SendOptions | undefined,
    blockFor: number,
    asking: boolean,
    state: { sent: boolean },
  ): Promise<unknown> {
    const pool = node.connectionPool;
    const connection: Connection = await pool.getConnection();
    try {
      state.sent = true;
      if (asking) await connection.send(["ASKING"]);
      return await connection.send(argv, { ...options, blockFor });
    } finally {
      pool.release(connection);
    }
  }

  // ---- pipelines, pub/sub, helpers -------------------------------------------------------

  /**
   * A cluster pipeline: commands are queued and, on `execute()`, sent per node (one write per
   * node, nodes in parallel) and returned in the caller's order. With `transaction: true`
   * every key must be in one slot (MULTI/EXEC on its owner). Not async, as in redis-py.
   */
  pipeline(options: { transaction?: boolean } = {}): ClusterPipeline<T> {
    if (options === null || typeof options !== "object") throw new DataError("pipeline: options must be an object");
    for (const key of Object.keys(options)) {
      if (key !== "transaction" && key !== "shardHint") throw new DataError(`pipeline: unknown option '${key}'`);
    }
    return new ClusterPipelineImpl<T>(this as unknown as RedisClusterImpl<T>, options.transaction ?? false) as unknown as ClusterPipeline<T>;
  }

  /**
   * Runs `fn(pipe)` in a transaction on the slot of the watched keys, retrying on
   * `WatchError` (redis-py's `transaction`). Every key must be in one slot.
   */
  async transaction<R>(
    fn: (pipe: ClusterPipeline<T>) => R | Promise<R>,
    ...watches: (string | Buffer | TransactionOptions)[]
  ): Promise<any> {
    return runTransaction(() => this.pipeline({ transaction: true }), fn, watches);
  }

  /**
   * Pub/sub for the cluster: SUBSCRIBE and PSUBSCRIBE on one node (`node`, or the owner of the
   * first channel's slot), SSUBSCRIBE on the owner of each shard channel's slot, followed when
   * the slot moves. Not async, as in redis-py.
   */
  pubsub(options: ClusterPubSubOptions = {}): ClusterPubSub<T> {
    return new ClusterPubSub<T>(this as unknown as RedisClusterImpl<T>, options);
  }

  /** A distributed lock on `name`, on the node owning its slot (redis-py's `lock()`). */
  lock(name: string | Buffer, options?: LockOptions): Lock<T> {
    return createLock<T>(this as unknown as LockClient, name, options);
  }

  /** A Lua script run by EVALSHA on the node of its keys, loaded there when missing. */
  registerScript(script: string | Buffer): CallableScript<T> {
    return callableScript<T>(this as unknown as ScriptRunner, script);
  }

  /** MGET across slots, split per slot (redis-py's `mget_nonatomic`; `mget` does the same here). */
  mgetNonatomic(keys: (string | Buffer)[] | string | Buffer, ...args: (string | Buffer)[]): Promise<(T | null)[]> {
    return (this as unknown as { mget(k: unknown, ...a: unknown[]): Promise<(T | null)[]> }).mget(keys, ...args);
  }

  /** MSET across slots, split per slot (redis-py's `mset_nonatomic`; `mset` does the same here). */
  msetNonatomic(mapping: Record<string, string | Buffer | number> | Map<string | Buffer, string | Buffer | number>): Promise<boolean> {
    return (this as unknown as { mset(m: unknown): Promise<boolean> }).mset(mapping);
  }

  /** Every key of every primary (SCAN on each), optionally matching `match` and of type `type`. */
  async *scanIterAll(match?: string | Buffer | null, count?: number | null, type?: string | null): AsyncGenerator<T, void, undefined> {
    await this.ensureReady();
    for (const node of this.getPrimaries()) {
      let cursor: number | string = 0;
      do {
        const [next, keys] = (await (this as unknown as { scan(...a: unknown[]): Promise<[number | string, T[]]> }).scan(cursor, match, count, type, {
          targetNodes: node,
        })) as [number | string, T[]];
        cursor = next;
        yield* keys;
      } while (Number(cursor) !== 0);
    }
  }

  // ---- lifecycle --------------------------------------------------------------------------

  /** Closes every node's connections. Commands afterwards reject. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.refreshTimer = null;
    if (this.initializing) await this.initializing.catch(() => {});
    await this.nodesManager.close();
  }

  /** Alias of `close()`. */
  aclose(): Promise<void> {
    return this.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  toString(): string {
    return `<RedisCluster(${this.getNodes().map((n) => n.name).join(",") || [...this.nodesManager.startupNodes.keys()].join(",")})>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

installCommands(RedisClusterImpl.prototype, COMMANDS, (self: RedisClusterImpl, spec, args) =>
  (self as unknown as { runCommand(spec: CommandSpec, args: unknown[]): Promise<unknown> }).runCommand(spec, args),
);

/** The prototype of `withTargetNodes()` views: every command method, sent to the view's nodes. */
const targetedProto: object = Object.create(null);
installCommands(targetedProto, COMMANDS, (self: { cluster: RedisClusterImpl; targetNodes: TargetNodes }, spec, args) =>
  (self.cluster as unknown as { runCommand(spec: CommandSpec, args: unknown[], t: TargetNodes): Promise<unknown> }).runCommand(spec, args, self.targetNodes),
);

installScanIterators(RedisClusterImpl.prototype);

// scanIter walks every primary (the node-local SCAN cursor means nothing elsewhere).
Object.defineProperty(RedisClusterImpl.prototype, "scanIter", {
  value: function (this: RedisClusterImpl, ...args: unknown[]) {
    let match: unknown;
    let count: unknown;
    let type: unknown;
    const last = args[args.length - 1];
    if (isPlainObject(last)) {
      args = args.slice(0, -1);
      for (const key of Object.keys(last)) {
        if (key !== "match" && key !== "count" && key !== "type") throw new DataError(`scanIter got an unknown keyword argument '${key}'`);
      }
      ({ match, count, type } = last as { match?: unknown; count?: unknown; type?: unknown });
    }
    if (args.length > 3) throw new DataError(`scanIter takes at most 3 positional arguments, got ${args.length}`);
    match ??= args[0];
    count ??= args[1];
    type ??= args[2];
    if (match != null && !isArgValue(match)) throw new DataError("scanIter: argument 'match' must be a string, Buffer or number");
    if (count != null && !(Number.isInteger(count) && (count as number) > 0)) throw new DataError("scanIter: argument 'count' must be a positive integer");
    if (type != null && typeof type !== "string") throw new DataError("scanIter: argument 'type' must be a string");
    return this.scanIterAll(match as string | null, count as number | null, type as string | null);
  },
  writable: true,
  configurable: true,
});

export interface RedisClusterImpl<T extends RedisString = Buffer> extends Commands<T, AsyncMode>, ScanIterators<T> {}

/** A cluster client whose string replies are `T` (`Buffer`, or `string` with `decodeResponses: true`). */
export type RedisCluster<T extends RedisString = Buffer> = RedisClusterImpl<T>;

export interface RedisClusterConstructor {
  new <const O extends RedisClusterOptions = {}>(options?: O): RedisCluster<ReplyTypeOf<O>>;
  readonly prototype: RedisCluster<RedisString>;
  fromUrl<const O extends RedisClusterOptions = {}>(url: string, options?: O): RedisCluster<ReplyTypeOf<O>>;
}

Object.defineProperty(RedisClusterImpl, "name", { value: "RedisCluster" });

export const RedisCluster = RedisClusterImpl as unknown as RedisClusterConstructor;
