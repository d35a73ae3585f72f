/**
 * The cluster router: what to send where (`plan`), the node a part goes to now (`nodeFor`),
 * and the one loop that follows MOVED and ASK and waits out TRYAGAIN, LOADING, CLUSTERDOWN
 * and unreachable nodes (`withRedirects`). The cluster client, its pipelines and its pub/sub
 * all route through here; none of them imports another.
 */
import type { Connection, SendOptions } from "../connection/connection.js";
import { isCancellation } from "../connection/cancel.js";
import { withBlockFor } from "../connection/pending.js";
import { blockingTimeout } from "../commands/routing.js";
import { isMappingArgument, isPlainObject, type CommandSpec } from "../commands/spec.js";
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
  TimeoutError,
  TryAgainError,
} from "../errors.js";
import type { CommandArg, RespValue } from "../protocol/index.js";
import { sleep, type Retry } from "../retry.js";
import type { CommandsParser } from "./commands-parser.js";
import { markMaybeSent, mayHaveRun, type Part, type PartTarget, type Plan } from "./plan.js";
import { byNode, first, isSplittable, planSplit, policyOf, word, type PolicyTarget } from "./policies.js";
import { keySlot, REDIS_CLUSTER_HASH_SLOTS } from "./slots.js";
import { ClusterNode, type NodesManager } from "./topology.js";
import { commandChannel, commandContext, nodeServer, publishRedirect, redirectChannel, traceCommand } from "../tracing.js";

/** Where a command goes when the caller chooses (redis-py's `target_nodes`). */
export type TargetNodes = "primaries" | "replicas" | "all" | "random" | "default-node" | ClusterNode | ClusterNode[] | Record<string, ClusterNode>;

/**
 * How reads are spread when `readFromReplicas` is on (redis-py's `LoadBalancingStrategy`):
 * round robin over the primary and its replicas (default), over the replicas only, or a
 * random replica.
 */
export type LoadBalancingStrategy = "round_robin" | "round_robin_replicas" | "random_replica";

/** Where one attempt of `withRedirects` goes, and what may be done again. */
export interface RedirectRoute {
  target: PartTarget;
  /** Replicas may serve it, and it is sent again after its connection failed once written. */
  readonly: boolean;
  /** The caller chose the node (or holds a connection): every error is thrown as it is. */
  explicit?: boolean;
  /**
   * "follow" (default): ASK sends ASKING and the command to the node it names. "wait": ASK
   * is waited out like TRYAGAIN, for commands whose later commands must run on the owner (WATCH).
   */
  ask?: "follow" | "wait";
  /** The command, for the `aioredis:cluster:redirect` channel. */
  argv?: readonly CommandArg[];
}

/** One attempt of `withRedirects`: where it goes; it sets `sent` once the command is written. */
export interface Hop {
  node: ClusterNode;
  /** Send ASKING first, in the same write. */
  asking: boolean;
  sent: boolean;
}

export interface RouterOptions {
  nodesManager: NodesManager;
  commandsParser: CommandsParser;
  maxRedirections: number;
  retry: Retry;
  loadBalancingStrategy: LoadBalancingStrategy | null;
  encoding: BufferEncoding;
  decodeResponses: boolean;
  /** Loads the topology and the command table when they are not yet. */
  ready: () => Promise<void>;
  isClosed: () => boolean;
}

/** A connection failure after which another node (or the same, reconnected) may be tried. */
export function isNodeFailure(err: unknown): boolean {
  return (
    (err instanceof ConnectionError || err instanceof TimeoutError) &&
    !(err instanceof AuthenticationError) &&
    !(err instanceof MaxConnectionsError) &&
    !isCancellation(err) // the caller's own signal or per-call timeout, not the node
  );
}

/** Splits `args` into the call's arguments and its trailing `{ targetNodes }` keyword, if any. */
export function takeTargetNodes(spec: CommandSpec | null, args: unknown[]): [unknown[], TargetNodes | undefined] {
  const n = args.length;
  if (n === 0) return [args, undefined];
  const last = args[n - 1];
  if (!isPlainObject(last) || !("targetNodes" in last)) return [args, undefined];
  if (spec) {
    const at = spec.restIndex !== -1 && n - 1 >= spec.restIndex ? spec.restIndex : n - 1;
    if (isMappingArgument(spec, at, last)) return [args, undefined];
  }
  const { targetNodes, ...rest } = last as { targetNodes: TargetNodes };
  const head = args.slice(0, n - 1);
  if (Object.keys(rest).length > 0) head.push(rest);
  return [head, targetNodes];
}

export class ClusterRouter {
  readonly nodesManager: NodesManager;
  readonly commandsParser: CommandsParser;
  readonly maxRedirections: number;
  /** Attempts and backoff for TRYAGAIN, CLUSTERDOWN, LOADING and unreachable nodes. */
  readonly retry: Retry;
  readonly loadBalancingStrategy: LoadBalancingStrategy | null;
  readonly encoding: BufferEncoding;
  readonly decodeResponses: boolean;
  /** Loads the topology and the command table when they are not yet. */
  readonly ready: () => Promise<void>;
  private readonly isClosed: () => boolean;
  private roundRobin = 0;

  constructor(options: RouterOptions) {
    this.nodesManager = options.nodesManager;
    this.commandsParser = options.commandsParser;
    this.maxRedirections = options.maxRedirections;
    this.retry = options.retry;
    this.loadBalancingStrategy = options.loadBalancingStrategy;
    this.encoding = options.encoding;
    this.decodeResponses = options.decodeResponses;
    this.ready = options.ready;
    this.isClosed = options.isClosed;
  }

  // ---- backoff and redirections -------------------------------------------------------------

  /** Waits the backoff of the `failures`-th failure in a row (at least `floor` seconds). */
  pause(failures: number, floor = 0): Promise<void> {
    return sleep(Math.max(floor, this.retry.backoff.compute(failures)));
  }

  /** Records a MOVED: the slot's new owner now, a topology refresh soon. */
  noteMoved(err: MovedError): void {
    const owner = this.nodesManager.moveSlot(err.slotId, err.host, err.port);
    this.nodesManager.requestRefresh(owner);
  }

  /** The error of a command redirected more than `maxRedirections` times; the last redirection is its `cause`. */
  tooManyRedirections(err: AskError): ClusterError {
    return new ClusterError(`Too many cluster redirections (more than maxRedirections ${this.maxRedirections}); the last was ${err.message}`, { cause: err });
  }

  /**
   * Runs `attempt` against the node of `route`, following MOVED and ASK (up to
   * `maxRedirections`, then a `ClusterError` whose cause is the last redirection) and retrying
   * TRYAGAIN, LOADING, CLUSTERDOWN and unreachable nodes with backoff (up to `retry`'s
   * attempts, then the last error). A command that may have reached a node that then failed
   * is tried again only when `route.readonly`: a write is never duplicated. Errors thrown
   * after `hop.sent` are marked as "may have run".
   */
  async withRedirects<R>(route: RedirectRoute, attempt: (hop: Hop) => Promise<R>): Promise<R> {
    let redirections = 0;
    let failures = 0;
    let askNode: ClusterNode | null = null;
    for (;;) {
      let hop: Hop | null = null;
      try {
        hop = { node: askNode ?? this.nodeFor(route), asking: askNode !== null, sent: false };
        askNode = null;
        return await attempt(hop);
      } catch (err) {
        const redirected = err instanceof AskError || err instanceof TryAgainError || err instanceof ClusterDownError;
        if (hop?.sent && !redirected) markMaybeSent(err);
        if (route.explicit || this.isClosed()) throw err;
        if (err instanceof AskError && hop && redirectChannel.hasSubscribers) publishRedirect(err, hop.node.name, route.argv);
        if (err instanceof MovedError) {
          if (++redirections > this.maxRedirections) throw this.tooManyRedirections(err);
          this.noteMoved(err);
          continue;
        }
        if (err instanceof AskError && route.ask !== "wait") {
          if (++redirections > this.maxRedirections) throw this.tooManyRedirections(err);
          askNode = this.nodesManager.getOrCreateNode(err.host, err.port);
          continue;
        }
        if (err instanceof AskError || err instanceof TryAgainError || err instanceof BusyLoadingError) {
          if (++failures > this.retry.getRetries()) throw err;
          // A slot half migrated answers ASK, then TRYAGAIN, until its keys are together:
          // those hops are bounded by the retries, not by maxRedirections.
          redirections = 0;
          await this.pause(failures);
          continue;
        }
        if (err instanceof ClusterDownError) {
          if (++failures > this.retry.getRetries()) throw err;
          this.nodesManager.requestRefresh();
          await this.pause(failures, 0.1);
          continue;
        }
        if (isNodeFailure(err)) {
          if (hop) this.nodesManager.nodeFailed(hop.node);
          // It may have run: only a read is sent again.
          if (hop?.sent && !route.readonly) throw err;
          if (++failures > this.retry.getRetries()) throw err;
          await this.pause(failures);
          await this.nodesManager.refresh(null).catch(() => {});
          continue;
        }
        throw err;
      }
    }
  }

  // ---- where a command goes -------------------------------------------------------------------

  /** The node a part goes to now. */
  nodeFor(part: { target: PartTarget; readonly: boolean }): ClusterNode {
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

  /** What to send where for `argv`. Throws `ClusterCrossSlotError` for keys in several slots. */
  async plan(argv: CommandArg[], specReadonly: boolean | undefined, targetNodes?: TargetNodes): Promise<Plan> {
    const readonly = specReadonly ?? this.commandsParser.isReadonly(argv);
    if (targetNodes !== undefined) {
      const nodes = this.resolveTargetNodes(targetNodes);
      return {
        parts: nodes.map((node) => ({ argv, target: { node }, readonly })),
        merge: nodes.length === 1 ? first : (policyOf(argv)?.[1] ?? byNode),
        explicit: true,
        nodes,
      };
    }
    const name = word(argv[0]);
    if (isSplittable(name)) return planSplit(name, argv, readonly, this.encoding);
    const policy = policyOf(argv);
    if (policy) {
      const [target, merge] = policy;
      if (target === "default-node") return { parts: [{ argv, target: { defaultNode: true }, readonly }], merge: first, explicit: false, nodes: [] };
      const nodes = this.policyNodes(target);
      return { parts: nodes.map((node) => ({ argv, target: { node }, readonly })), merge, explicit: false, nodes };
    }
    let keys = this.commandsParser.keys(argv);
    if (keys === undefined) keys = await this.keysFromServer(argv);
    if (keys.length === 0) {
      const slot = slotArgument(argv);
      const target: PartTarget = slot === null ? { defaultNode: true } : { slot };
      return { parts: [{ argv, target, readonly }], merge: first, explicit: false, nodes: [] };
    }
    const slot = this.slotOfKeys(name, keys);
    return { parts: [{ argv, target: { slot }, readonly }], merge: first, explicit: false, nodes: [] };
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

  private allNodes(): ClusterNode[] {
    return [...this.nodesManager.nodesCache.values()];
  }

  private policyNodes(target: PolicyTarget): ClusterNode[] {
    const primaries = this.nodesManager.primaries();
    switch (target) {
      case "primaries":
        return primaries;
      case "all":
        return this.allNodes();
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
          nodes = this.nodesManager.primaries();
          break;
        case "replicas":
          nodes = this.nodesManager.replicas();
          break;
        case "all":
          nodes = this.allNodes();
          break;
        case "random": {
          const all = this.allNodes();
          if (all.length === 0) throw new ClusterError("The cluster topology is not loaded yet: await rc.initialize() first");
          nodes = [all[Math.floor(Math.random() * all.length)]!];
          break;
        }
        case "default-node": {
          const node = this.nodesManager.defaultNode;
          nodes = node ? [node] : [];
          break;
        }
        default: {
          const node = this.nodesManager.nodesCache.get(target);
          if (!node)
            throw new DataError(
              `targetNodes: unknown node or target '${target}' (use "primaries", "replicas", "all", "random", "default-node" or a ClusterNode)`,
            );
          nodes = [node];
        }
      }
    } else if (isPlainObject(target)) nodes = Object.values(target);
    else throw new DataError('targetNodes must be "primaries", "replicas", "all", "random", "default-node", a ClusterNode or an array of them');
    if (nodes.length === 0) throw new ClusterError(`targetNodes: no node matches ${typeof target === "string" ? `'${target}'` : "the given nodes"}`);
    // A ClusterNode made by the user is an address: use the cluster's node at that address.
    return nodes.map((node) => {
      if (!(node instanceof ClusterNode)) throw new DataError("targetNodes: expected ClusterNode objects");
      return this.nodesManager.nodesCache.get(node.name) ?? this.nodesManager.getOrCreateNode(node.host, node.port);
    });
  }

  // ---- running ----------------------------------------------------------------------------------

  /**
   * Runs a plan: every part (with redirections and retries), then the merge. A command sent
   * to chosen nodes (all primaries...) is planned again after a node failed, when `replan`
   * is given and the command is known not to have run or only reads.
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
          !this.isClosed() &&
          (isNodeFailure(err) || err instanceof ClusterDownError) &&
          (!mayHaveRun(err) || plan.parts.every((p) => p.readonly));
        if (!retryable || ++failures > this.retry.getRetries()) throw err;
        await this.pause(failures);
        await this.nodesManager.refresh(null).catch(() => {});
        plan = await replan!();
      }
    }
  }

  /** Sends one part through `withRedirects`; `explicit`: to its node only, errors as they are. */
  executePart(part: Part, options: SendOptions | undefined, explicit = false): Promise<unknown> {
    if (commandChannel.hasSubscribers === true) return this.tracedPart(part, options, explicit);
    const blockFor = blockingTimeout(part.argv);
    return this.withRedirects({ target: part.target, readonly: part.readonly, explicit, argv: part.argv }, (hop) =>
      blockFor === null ? this.sendTo(hop, part.argv, options) : this.sendBlocking(hop, part.argv, options, blockFor),
    );
  }

  /** The node a target is sent to first, as the topology stands (for traces; null when unknown). */
  expectedNode(target: PartTarget): ClusterNode | null {
    const node = "node" in target ? target.node : "slot" in target ? this.nodesManager.slotsCache[target.slot]?.[0] : this.nodesManager.defaultNode;
    return node ?? null;
  }

  /**
   * `executePart` under an `aioredis:command` trace: one trace per part (a command split over
   * nodes has one per node), whatever the redirections. The server fields start as the node
   * the topology names and follow each hop, so at the end they name the node that answered.
   */
  private tracedPart(part: Part, options: SendOptions | undefined, explicit: boolean): Promise<unknown> {
    const target = part.target;
    const context = commandContext(part.argv, nodeServer(this.expectedNode(target)));
    const blockFor = blockingTimeout(part.argv);
    const run = () =>
      this.withRedirects({ target, readonly: part.readonly, explicit, argv: part.argv }, (hop) => {
        context.serverAddress = hop.node.host;
        context.serverPort = hop.node.port;
        return blockFor === null ? this.sendTo(hop, part.argv, options) : this.sendBlocking(hop, part.argv, options, blockFor);
      });
    return traceCommand(run, context);
  }

  /** On the node's shared connection, connected first: a failure to connect means nothing was sent. */
  private async sendTo(hop: Hop, argv: CommandArg[], options: SendOptions | undefined): Promise<unknown> {
    const connection = hop.node.sharedConnection();
    if (!connection.isConnected) await connection.connect();
    hop.sent = true;
    if (!hop.asking) return connection.send(argv, options);
    // ASKING and the command leave in one write, next to each other on this connection.
    const [, reply] = await connection.sendBatch([["ASKING"], argv], { decode: options?.decode ?? this.decodeResponses });
    if (reply instanceof Error) throw reply;
    return options?.transform ? options.transform(reply as RespValue, options.context) : reply;
  }

  /** On a connection of its own for the duration of the block. */
  private async sendBlocking(hop: Hop, argv: CommandArg[], options: SendOptions | undefined, blockFor: number): Promise<unknown> {
    const pool = hop.node.connectionPool;
    const connection: Connection = await pool.getConnection();
    try {
      hop.sent = true;
      if (hop.asking) await connection.send(["ASKING"]);
      return await connection.send(argv, withBlockFor(options, blockFor));
    } finally {
      pool.release(connection);
    }
  }
}

/** CLUSTER COUNTKEYSINSLOT / GETKEYSINSLOT go to the slot's owner. */
function slotArgument(argv: CommandArg[]): number | null {
  if (word(argv[0]) !== "CLUSTER") return null;
  const sub = word(argv[1]);
  if (sub !== "COUNTKEYSINSLOT" && sub !== "GETKEYSINSLOT") return null;
  const slot = Number(String(argv[2]));
  return Number.isInteger(slot) && slot >= 0 && slot < REDIS_CLUSTER_HASH_SLOTS ? slot : null;
}
