import { installCommands } from "../commands/install.js";
import type { SendOptions } from "../connection/connection.js";
import { COMMANDS, type Commands } from "../commands/index.js";
import { connectionStateCommand, streamingCommand } from "../commands/routing.js";
import { installScanIterators, type ScanIterators } from "../commands/scan.js";
import { isArgValue, isPlainObject, type CommandSpec } from "../commands/spec.js";
import type { AsyncMode } from "../commands/types.js";
import {
  bindCommand,
  checkClientOptions,
  ClientCore,
  sendOptionsOf,
  checkKeys,
  commandArgv,
  installClientCommands,
  withCallOptions,
  type BoundCommand,
  type CallOptions,
  type OptionRule,
} from "../core.js";
import { ClusterError, ConnectionError, DataError, RedisError, TimeoutError } from "../errors.js";
import type { PoolOptions } from "../options.js";
import type { RedisString, ReplyTypeOf } from "../pool.js";
import type { CommandArg, RespValue } from "../protocol/index.js";
import { EqualJitterBackoff, NoBackoff, Retry } from "../retry.js";
import { mergeUrlOptions } from "../url.js";
import { CommandsParser } from "./commands-parser.js";
import { ClusterPipelineImpl, type ClusterPipeline } from "./pipeline.js";
import { word } from "./policies.js";
import { ClusterPubSub, type ClusterPubSubOptions } from "./pubsub.js";
import { ClusterRouter, takeTargetNodes, type LoadBalancingStrategy, type TargetNodes } from "./router.js";
import { keySlot } from "./slots.js";
import { type ClusterNode, NodesManager, nodeName, type AddressRemap } from "./topology.js";
import { safeEmit, type LifecycleEventName } from "../events.js";

export type { LoadBalancingStrategy, TargetNodes } from "./router.js";

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

const CLUSTER_OPTION_CHECKS: Record<string, OptionRule> = {
  clientSideCache: [(v) => v === null, "null (client-side caching is not available on RedisCluster yet)"],
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

/**
 * A client for Redis Cluster (redis-py's `RedisCluster`): every command method of `Redis`,
 * routed by the slot of its keys to the node that owns it. The topology is loaded from
 * CLUSTER SLOTS on the first command (or `initialize()`), patched at once on MOVED and
 * refreshed in the background after MOVED, failures, and every `topologyRefreshInterval`.
 * Multi-key commands whose keys span slots (MGET, MSET, DEL, UNLINK, EXISTS, TOUCH) are split
 * per slot and merged in the caller's order; other cross-slot commands fail before sending.
 */
export class RedisClusterImpl<T extends RedisString = Buffer> extends ClientCore<T, ClusterPipeline<T>> {
  readonly nodesManager: NodesManager;
  readonly commandsParser = new CommandsParser();
  readonly readFromReplicas: boolean;
  readonly loadBalancingStrategy: LoadBalancingStrategy | null;
  readonly maxRedirections: number;
  /** The cluster-level retry policy: attempts and backoff for TRYAGAIN, CLUSTERDOWN and unreachable nodes. */
  readonly retry: Retry;
  /** @internal Slot -> node, and the one loop that follows redirections: what the pipelines and pub/sub use. */
  readonly router: ClusterRouter;
  readonly encoding: BufferEncoding;
  readonly decodeResponses: boolean;
  private initializing: Promise<void> | null = null;
  private parserLoading: Promise<void> | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;
  private readonly refreshInterval: number;
  private closed = false;

  constructor(options: RedisClusterOptions = {}) {
    super();
    checkClientOptions("RedisCluster", options, CLUSTER_OPTION_CHECKS);
    const poolOptions: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(options)) {
      if (!OWN_OPTIONS.has(name) && value !== undefined) poolOptions[name] = value;
    }
    // Retries happen at the cluster level: a node's connection does not retry by itself.
    poolOptions.retry = new Retry(new NoBackoff(), 0);
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
    this.nodesManager.events = this;
    this.router = new ClusterRouter({
      nodesManager: this.nodesManager,
      commandsParser: this.commandsParser,
      maxRedirections: this.maxRedirections,
      retry: this.retry,
      loadBalancingStrategy: this.loadBalancingStrategy,
      encoding: this.encoding,
      decodeResponses: this.decodeResponses,
      ready: () => this.ensureReady(),
      isClosed: () => this.closed,
    });
  }

  /** @internal Lifecycle events of the nodes' connections, emitted on the cluster (docs/events.md). */
  connectionEvent(name: LifecycleEventName, payload: object): void {
    safeEmit(this, name, payload);
  }

  /** @internal */
  wantsEvent(name: LifecycleEventName): boolean {
    return this.listenerCount(name) > 0;
  }

  /** @internal `topologyRefreshed`, `nodeAdded`, `nodeRemoved`. */
  emitTopology(name: string, payload: object): void {
    safeEmit(this, name, payload);
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
  override executeCommand(...args: unknown[]): Promise<any> {
    const [rest, targetNodes] = takeTargetNodes(null, args);
    let argv: CommandArg[];
    try {
      argv = commandArgv(rest);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.run(argv, withCallOptions(undefined, this.callOptions), undefined, targetNodes);
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

  /** @internal Runs one generated command method (sent to `forcedTargets` for `withTargetNodes()` views). */
  override runCommand(spec: CommandSpec, args: unknown[], forcedTargets?: TargetNodes): Promise<unknown> {
    let command: BoundCommand;
    let targetNodes: TargetNodes | undefined = forcedTargets;
    try {
      if (targetNodes === undefined) [args, targetNodes] = takeTargetNodes(spec, args);
      command = bindCommand(spec, args);
    } catch (err) {
      return Promise.reject(err);
    }
    if (command.empty) return Promise.resolve(command.empty.value);
    return this.run(command.argv, withCallOptions(sendOptionsOf(spec, command.values), this.callOptions), spec, targetNodes);
  }

  private async run(
    argv: CommandArg[],
    options: SendOptions | undefined,
    spec: CommandSpec | undefined,
    targetNodes: TargetNodes | undefined,
  ): Promise<unknown> {
    const refused = this.refusal(argv);
    if (refused) throw refused;
    await this.ensureReady();
    const plan = () => this.router.plan(argv, spec?.readonly, targetNodes);
    return this.router.executePlan(await plan(), options, plan);
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

  // ---- pipelines, pub/sub, helpers -------------------------------------------------------

  /**
   * A cluster pipeline: commands are queued and, on `execute()`, sent per node (one write per
   * node, nodes in parallel) and returned in the caller's order. With `transaction: true`
   * every key must be in one slot (MULTI/EXEC on its owner). Not async, as in redis-py.
   */
  pipeline(options: { transaction?: boolean } = {}): ClusterPipeline<T> {
    checkKeys("pipeline", options, ["transaction", "shardHint"]);
    return new ClusterPipelineImpl<T>(this.router, options.transaction ?? false);
  }

  /**
   * Pub/sub for the cluster: SUBSCRIBE and PSUBSCRIBE on one node (`node`, or the owner of the
   * first channel's slot), SSUBSCRIBE on the owner of each shard channel's slot, followed when
   * the slot moves. Not async, as in redis-py.
   */
  pubsub(options: ClusterPubSubOptions = {}): ClusterPubSub<T> {
    return new ClusterPubSub<T>(this.router, options);
  }

  /** MGET across slots, split per slot (redis-py's `mget_nonatomic`; `mget` does the same here). */
  mgetNonatomic(keys: (string | Buffer)[] | string | Buffer, ...args: (string | Buffer)[]): Promise<(T | null)[]> {
    return this.mget(keys, ...args);
  }

  /** MSET across slots, split per slot (redis-py's `mset_nonatomic`; `mset` does the same here). */
  msetNonatomic(mapping: Record<string, string | Buffer | number> | Map<string | Buffer, string | Buffer | number>): Promise<boolean> {
    return this.mset(mapping);
  }

  /** Every key of every primary (SCAN on each), optionally matching `match` and of type `type`. */
  async *scanIterAll(match?: string | Buffer | null, count?: number | null, type?: string | null): AsyncGenerator<T, void, undefined> {
    await this.ensureReady();
    for (const node of this.getPrimaries()) {
      const view = this.withTargetNodes(node);
      let cursor = 0;
      do {
        const [next, keys]: [number, T[]] = await view.scan(cursor, match, count, type);
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

  toString(): string {
    return `<RedisCluster(${
      this.getNodes()
        .map((n) => n.name)
        .join(",") || [...this.nodesManager.startupNodes.keys()].join(",")
    })>`;
  }
}

installClientCommands(RedisClusterImpl.prototype);

/** The prototype of `withTargetNodes()` views: every command method, sent to the view's nodes. */
const targetedProto: object = Object.create(null);
installCommands(targetedProto, COMMANDS, (self: { cluster: RedisClusterImpl; targetNodes: TargetNodes }, spec, args) =>
  self.cluster.runCommand(spec, args, self.targetNodes),
);

installScanIterators(RedisClusterImpl.prototype);

// scanIter walks every primary (the node-local SCAN cursor means nothing elsewhere).
Object.defineProperty(RedisClusterImpl.prototype, "scanIter", {
  value: function (this: RedisClusterImpl, ...args: unknown[]) {
    let match: unknown;
    let count: unknown;
    let type: unknown;
    let host: RedisClusterImpl = this;
    const last = args[args.length - 1];
    if (isPlainObject(last)) {
      args = args.slice(0, -1);
      for (const key of Object.keys(last)) {
        if (!["match", "count", "type", "signal", "timeout"].includes(key)) throw new DataError(`scanIter got an unknown keyword argument '${key}'`);
      }
      ({ match, count, type } = last as { match?: unknown; count?: unknown; type?: unknown });
      // Per-call options (docs/cancellation.md): every page is asked through a view carrying them.
      const { signal, timeout } = last as CallOptions;
      if (signal || timeout) host = this.withOptions({ signal, timeout });
    }
    if (args.length > 3) throw new DataError(`scanIter takes at most 3 positional arguments, got ${args.length}`);
    match ??= args[0];
    count ??= args[1];
    type ??= args[2];
    if (match != null && !isArgValue(match)) throw new DataError("scanIter: argument 'match' must be a string, Buffer or number");
    if (count != null && !(Number.isInteger(count) && (count as number) > 0)) throw new DataError("scanIter: argument 'count' must be a positive integer");
    if (type != null && typeof type !== "string") throw new DataError("scanIter: argument 'type' must be a string");
    return host.scanIterAll(match as string | null, count as number | null, type as string | null);
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
