import type { Connection, SendOptions } from "../connection/connection.js";
import type { Commands } from "../commands/index.js";
import { connectionStateCommand, streamingCommand } from "../commands/routing.js";
import type { CommandSpec } from "../commands/spec.js";
import { abortError, isCancellation } from "../connection/cancel.js";
import {
  bindCommand,
  checkCallOptionsObject,
  checkKeys,
  commandArgv,
  installPipelineCommands,
  mergeCallOptions,
  sendOptionsOf,
  type CallOptions,
} from "../core.js";
import { AskError, ClusterCrossSlotError, ClusterDownError, DataError, MovedError, RedisError, TryAgainError, WatchError } from "../errors.js";
import { annotate, describeCommand, sentCommands, transactionResults, type QueuedCommand } from "../pipeline.js";
import type { RedisString } from "../pool.js";
import type { CommandArg, RespValue } from "../protocol/index.js";
import type { Script } from "../script.js";
import { markMaybeSent, type Part, type PartTarget, type Plan } from "./plan.js";
import { isNodeFailure, takeTargetNodes, type ClusterRouter, type TargetNodes } from "./router.js";
import { keySlot } from "./slots.js";
import type { ClusterNode } from "./topology.js";
import { nodeServer, traceBatch, tracingBatch, type BatchRetarget } from "../tracing.js";

interface Queued extends QueuedCommand {
  targetNodes: TargetNodes | undefined;
}

/** One part of one queued command, on its way. */
interface Item {
  command: number;
  part: Part;
  explicit: boolean;
  options: SendOptions | undefined;
  node: ClusterNode | null;
  done: boolean;
  value: unknown;
  error: Error | null;
  /** Send it again on its own (redirected, or its node could not be reached). */
  redo: boolean;
  /** The MOVED, ASK, TRYAGAIN or CLUSTERDOWN reply that sent it again (for its trace). */
  redirect: Error | null;
}

export interface ClusterExecuteOptions {
  /** Throw the first error (annotated with its position) once every reply is in. Default true. */
  raiseOnError?: boolean;
  /** Cancels the batch (docs/cancellation.md): each node's part that is not written yet is never sent. */
  signal?: AbortSignal | null;
  /** Seconds each node's part may take (docs/cancellation.md). */
  timeout?: number | null;
}

function isRedirect(reply: unknown): boolean {
  return reply instanceof AskError || reply instanceof TryAgainError || reply instanceof ClusterDownError;
}

/** The plan of a command answered without the server: no parts. */
const NOTHING_TO_SEND: Plan = { parts: [], merge: null, explicit: false, nodes: [] };

const watchLost = (err: Error): WatchError => new WatchError(`Slot rebalancing occurred while watching keys (${err.message})`);

/**
 * A pipeline of a `RedisCluster` (redis-py's `ClusterPipeline`). Commands queue here; on
 * `execute()` each goes to the node of its slot, one write per node, nodes in parallel, and
 * the results come back in the caller's order. Commands answered with MOVED, ASK or TRYAGAIN,
 * or whose node could not be reached, are sent again on their own. MGET, MSET, DEL, UNLINK,
 * EXISTS and TOUCH across slots are split and merged into one result.
 *
 * With `transaction: true` the commands run in MULTI/EXEC on the owner of their slot: every
 * key must be in one slot. After `watch()` (keys of one slot) commands run at once on a
 * connection of the pipeline's own until `multi()`.
 */
export class ClusterPipelineImpl<T extends RedisString = Buffer> {
  readonly transaction: boolean;
  private readonly router: ClusterRouter;
  private queue: Queued[] = [];
  /** The per-call options of the running `execute()`. */
  private call: CallOptions | undefined;
  private readonly scripts = new Set<Script<any>>();
  private watching = false;
  private explicitTransaction = false;
  private watchSlot: number | null = null;
  private watchNode: ClusterNode | null = null;
  private watchConnection: Connection | null = null;

  /** The per-call options of the `withOptions()` view the pipeline was made from. */
  private readonly callOptions: CallOptions | undefined;

  constructor(router: ClusterRouter, transaction = false, callOptions?: CallOptions) {
    this.router = router;
    this.transaction = transaction;
    this.callOptions = callOptions;
  }

  /** The number of queued commands. */
  get length(): number {
    return this.queue.length;
  }

  /** True between `watch()` and `multi()`: commands run at once. */
  get isWatching(): boolean {
    return this.watching;
  }

  /** Queues any command as is (runs it at once while watching). A trailing `{ targetNodes }` chooses nodes. */
  executeCommand(...args: unknown[]): this {
    const [rest, targetNodes] = takeTargetNodes(null, args);
    const argv = commandArgv(rest);
    if (this.watching && !this.explicitTransaction) return this.runWatched({ argv, spec: null, values: null, targetNodes }) as unknown as this;
    this.queue.push({ argv, spec: null, values: null, targetNodes });
    return this;
  }

  /** Queues one generated command method (or runs it while watching). */
  protected queueCommand(spec: CommandSpec, args: unknown[]): unknown {
    const [rest, targetNodes] = takeTargetNodes(spec, args);
    const { argv, values, empty } = bindCommand(spec, rest);
    const command: Queued = empty ? { argv, spec, values, targetNodes, empty } : { argv, spec, values, targetNodes };
    if (this.watching && !this.explicitTransaction) return this.runWatched(command);
    this.queue.push(command);
    return this;
  }

  /** @internal A `Script` queued in this pipeline: it is loaded on the nodes before the pipeline runs. */
  registerScriptForLoad(script: Script<any>): void {
    this.scripts.add(script);
  }

  /**
   * WATCH keys (all in one slot) on a connection of the pipeline's own to the slot's owner,
   * and switch to immediate mode: commands run at once until `multi()`.
   */
  async watch(...names: (string | Buffer)[]): Promise<boolean> {
    if (this.explicitTransaction) throw new RedisError("Cannot issue a WATCH after a MULTI");
    if (names.length === 0) throw new DataError("WATCH needs at least one key");
    const slot = this.slotOf("WATCH", names);
    if (this.watchSlot !== null && slot !== this.watchSlot) {
      throw new ClusterCrossSlotError(`CROSSSLOT WATCH: the keys are in slot ${slot}, the keys watched before in slot ${this.watchSlot}`, "CROSSSLOT");
    }
    await this.router.ready();
    // Adding keys to a watch: on the connection that holds it, errors as they are.
    const explicit = this.watchConnection !== null;
    // On the primary (not readonly: never a replica); ASK is waited out, since the transaction
    // that follows must run on the slot's owner.
    const target = this.watchNode ? { node: this.watchNode } : { slot };
    await this.router.withRedirects({ target, readonly: false, explicit, ask: "wait" }, async (hop) => {
      let connection = this.watchConnection;
      if (!connection) {
        connection = await hop.node.connectionPool.getConnection();
        this.watchConnection = connection;
        this.watchNode = hop.node;
      }
      hop.sent = true;
      try {
        await connection.send(["WATCH", ...names]);
      } catch (err) {
        if (explicit) throw err instanceof AskError || err instanceof TryAgainError ? watchLost(err) : err;
        // Nothing is watched yet: give the connection back and try again (at the slot's owner).
        this.watchConnection = null;
        this.watchNode = null;
        hop.node.connectionPool.release(connection);
        throw err;
      }
    });
    this.watchSlot = slot;
    this.watching = true;
    return true;
  }

  /** Forgets every watched key. */
  async unwatch(): Promise<boolean> {
    if (this.watchConnection) await this.watchConnection.send(["UNWATCH"]);
    this.watching = false;
    return true;
  }

  /** Ends immediate mode: the commands that follow are queued for `execute()` in MULTI/EXEC. */
  multi(): this {
    if (this.explicitTransaction) throw new RedisError("Cannot issue nested calls to MULTI");
    if (this.queue.length > 0) throw new RedisError("Commands without an initial WATCH have already been issued");
    this.explicitTransaction = true;
    return this;
  }

  /** Drops the queued commands. */
  discard(): void {
    this.queue = [];
  }

  /** Empties the queue, unwatches and gives back the pipeline's own connection. */
  async reset(): Promise<void> {
    this.queue = [];
    this.scripts.clear();
    this.explicitTransaction = false;
    const watching = this.watching;
    this.watching = false;
    this.watchSlot = null;
    const connection = this.watchConnection;
    const node = this.watchNode;
    this.watchConnection = null;
    this.watchNode = null;
    if (connection && node) {
      if (watching && connection.isConnected) await connection.send(["UNWATCH"]).catch(() => {});
      node.connectionPool.release(connection);
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.reset();
  }

  /**
   * Sends the queued commands and resolves with their results in order. With `raiseOnError`
   * (the default) the first error is thrown, annotated with its position, once every reply
   * is in; otherwise errors stand in the results.
   */
  async execute(options: ClusterExecuteOptions = {}): Promise<any[]> {
    checkKeys("execute", options, ["raiseOnError", "allowRedirections", "signal", "timeout"]);
    const raiseOnError = options.raiseOnError ?? true;
    const { raiseOnError: _, allowRedirections: __, ...own } = options as ClusterExecuteOptions & { allowRedirections?: unknown };
    // execute()'s own signal and timeout over those of the view the pipeline was made from
    this.call = mergeCallOptions(this.callOptions, checkCallOptionsObject("execute", own));
    const signal = this.call?.signal;
    const queue = this.queue;
    try {
      if (queue.length === 0 && !this.watching) return [];
      if (signal?.aborted) throw abortError(`pipeline of ${queue.length} commands`, signal, false);
      for (const command of queue) {
        const streaming = streamingCommand(command.argv);
        if (streaming) throw new DataError(`${String(command.argv[0]).toUpperCase()} cannot run in a pipeline: use ${streaming}`);
        const state = connectionStateCommand(command.argv);
        if (state) throw new DataError(`${state} cannot be queued in a cluster pipeline: use watch()/multi() of a transaction pipeline`);
      }
      await this.router.ready();
      if (this.transaction || this.explicitTransaction) return await this.executeTransaction(queue, raiseOnError);
      return await this.executePipeline(queue, raiseOnError);
    } finally {
      await this.reset();
    }
  }

  // ---- non-transactional ------------------------------------------------------------------

  private async executePipeline(queue: Queued[], raiseOnError: boolean): Promise<unknown[]> {
    const plans: Plan[] = [];
    // A command answered without the server (MGET of no keys) has no parts: nothing is sent for it.
    for (const command of queue)
      plans.push(command.empty ? NOTHING_TO_SEND : await this.router.plan(command.argv, command.spec?.readonly, command.targetNodes));
    const items: Item[] = [];
    plans.forEach((plan, i) => {
      const options = sendOptionsOf(queue[i]!.spec, queue[i]!.values);
      for (const part of plan.parts) {
        items.push({ command: i, part, explicit: plan.explicit, options, node: null, done: false, value: undefined, error: null, redo: false, redirect: null });
      }
    });
    const groups = new Map<ClusterNode, Item[]>();
    for (const item of items) {
      try {
        item.node = this.router.nodeFor(item.part);
      } catch {
        item.redo = true; // e.g. a slot not covered right now: on its own, with retries
        continue;
      }
      const group = groups.get(item.node);
      if (group) group.push(item);
      else groups.set(item.node, [item]);
    }
    await Promise.all([...groups].map(([node, group]) => this.sendGroup(node, group)));
    // Redirected and unsent commands, on their own, in the caller's order.
    for (const item of items) {
      if (!item.redo) continue;
      try {
        if (this.scripts.size > 0) await this.loadScripts(this.router.nodeFor(item.part));
        item.value = await this.router.executePart(item.part, item.options, item.explicit);
      } catch (err) {
        item.error = err as Error;
      }
      item.done = true;
    }
    return this.assemble(queue, plans, items, raiseOnError);
  }

  private async sendGroup(node: ClusterNode, group: Item[]): Promise<void> {
    let connection: Connection;
    try {
      if (this.scripts.size > 0) await this.loadScripts(node);
      connection = node.sharedConnection();
      if (!connection.isConnected) await connection.connect();
    } catch (err) {
      if (!isNodeFailure(err)) {
        for (const item of group) item.error = err as Error;
        return;
      }
      this.router.nodesManager.nodeFailed(node);
      for (const item of group) item.redo = true; // nothing was sent
      return;
    }
    // Runs of commands that want the same decoding, written together in order.
    const runs: Item[][] = [];
    let decode: boolean | undefined;
    for (const item of group) {
      const wanted = item.options?.decode;
      const run = runs[runs.length - 1];
      if (run && wanted === decode) run.push(item);
      else {
        runs.push([item]);
        decode = wanted;
      }
    }
    const send = (): Promise<void> =>
      Promise.all(
        runs.map((run) =>
          connection.sendBatch(
            run.map((item) => item.part.argv),
            {
              decode: run[0]!.options?.decode,
              signal: this.call?.signal,
              timeout: this.call?.timeout,
            },
          ),
        ),
      ).then((replies) => this.takeReplies(runs, replies));
    try {
      if (tracingBatch()) {
        // One batch trace per node written to; each command's entry is what that node's reply made of it.
        await traceBatch(
          "PIPELINE",
          group.map((item) => item.part.argv),
          nodeServer(node),
          () => send().then(() => group.map(outcomeOf)),
        );
      } else await send();
    } catch (err) {
      if (isCancellation(err)) {
        for (const item of group) item.error = err as Error;
        return;
      }
      this.router.nodesManager.nodeFailed(node);
      for (const item of group) {
        if (item.part.readonly && !item.explicit) item.redo = true;
        else {
          // It may have run: a write is not sent again.
          markMaybeSent(err);
          item.error = err as Error;
        }
      }
    }
  }

  /** Each item's reply: its value (transformed), its error, or a redirection to follow (`redo`). */
  private takeReplies(runs: Item[][], replies: RespValue[][]): void {
    runs.forEach((run, r) => {
      run.forEach((item, j) => {
        const reply = replies[r]![j]!;
        if (reply instanceof Error) {
          if (!item.explicit && isRedirect(reply)) {
            if (reply instanceof MovedError) this.router.noteMoved(reply);
            item.redo = true;
            item.redirect = reply;
            return;
          }
          item.error = reply;
          item.done = true;
          return;
        }
        const transform = item.options?.transform;
        try {
          item.value = transform ? transform(reply, item.options!.context) : reply;
        } catch (err) {
          item.error = err as Error;
        }
        item.done = true;
      });
    });
  }

  private assemble(queue: Queued[], plans: Plan[], items: Item[], raiseOnError: boolean): unknown[] {
    const results: unknown[] = new Array(queue.length);
    const perCommand: Item[][] = queue.map(() => []);
    for (const item of items) perCommand[item.command]!.push(item);
    let firstError: Error | null = null;
    perCommand.forEach((parts, i) => {
      const empty = queue[i]!.empty;
      if (empty) {
        results[i] = empty.value;
        return;
      }
      const failed = parts.find((p) => p.error);
      if (failed) {
        const error = annotate(failed.error!, i + 1, queue[i]!.argv);
        firstError ??= error;
        results[i] = error;
        return;
      }
      const plan = plans[i]!;
      const values = parts.map((p) => p.value);
      try {
        results[i] = plan.parts.length === 1 && plan.nodes.length === 0 ? values[0] : plan.merge ? plan.merge(values, plan.nodes) : values;
      } catch (err) {
        const error = annotate(err as Error, i + 1, queue[i]!.argv);
        firstError ??= error;
        results[i] = error;
      }
    });
    if (firstError && raiseOnError) throw firstError;
    return results;
  }

  /** SCRIPT LOAD of the pipeline's scripts on a node (idempotent), so EVALSHA finds them. */
  private async loadScripts(node: ClusterNode): Promise<void> {
    const connection = node.sharedConnection();
    const replies = await connection.sendBatch([...this.scripts].map((s) => ["SCRIPT", "LOAD", s.script]));
    const failed = replies.find((r) => r instanceof Error);
    if (failed) throw failed;
  }

  // ---- transactions -----------------------------------------------------------------------

  private slotOf(what: string, keys: readonly CommandArg[]): number {
    const slot = keySlot(keys[0]!, this.router.encoding);
    for (const key of keys) {
      const other = keySlot(key, this.router.encoding);
      if (other !== slot) {
        throw new ClusterCrossSlotError(
          `CROSSSLOT ${what}: keys in slots ${slot} and ${other}; a cluster transaction needs every key in one slot (use a hash tag such as {user1}:a)`,
          "CROSSSLOT",
        );
      }
    }
    return slot;
  }

  /** The one slot of a transaction's commands (null: no keys at all). */
  private async transactionSlot(queue: Queued[]): Promise<number | null> {
    let slot: number | null = this.watchSlot;
    for (let i = 0; i < queue.length; i++) {
      const command = queue[i]!;
      if (command.targetNodes !== undefined) throw new DataError(`Command # ${i + 1}: targetNodes cannot be used in a cluster transaction`);
      if (command.empty) continue; // not sent
      const plan = await this.router.plan(command.argv, command.spec?.readonly);
      if (plan.parts.length !== 1 || plan.nodes.length > 0) {
        if (plan.nodes.length > 0) {
          throw new DataError(`Command # ${i + 1} (${describeCommand(command.argv)}) goes to several nodes and cannot run in a cluster transaction`);
        }
        throw new ClusterCrossSlotError(
          `CROSSSLOT Command # ${i + 1} (${describeCommand(command.argv)}) has keys in several slots; a cluster transaction needs every key in one slot (use a hash tag such as {user1}:a)`,
          "CROSSSLOT",
        );
      }
      const target = plan.parts[0]!.target;
      if (!("slot" in target)) continue;
      if (slot === null) slot = target.slot;
      else if (slot !== target.slot) {
        throw new ClusterCrossSlotError(
          `CROSSSLOT Command # ${i + 1} (${describeCommand(command.argv)}) is in slot ${target.slot}, an earlier key in slot ${slot}; ` +
            "a cluster transaction needs every key in one slot (use a hash tag such as {user1}:a)",
          "CROSSSLOT",
        );
      }
    }
    return slot;
  }

  private async executeTransaction(queue: Queued[], raiseOnError: boolean): Promise<unknown[]> {
    const slot = await this.transactionSlot(queue);
    const commands = sentCommands(queue).map((c) => c.argv);
    // A watching transaction runs on its own connection: nothing is followed, a redirection means the watch is lost.
    const target: PartTarget = this.watchNode ? { node: this.watchNode } : slot === null ? { defaultNode: true } : { slot };
    if (!tracingBatch()) return this.runTransaction(queue, commands, target, raiseOnError, null);
    // One batch trace for all the hops: its server fields follow each MOVED or ASK to the node written to.
    return traceBatch(
      "MULTI",
      queue.map((c) => c.argv),
      nodeServer(this.router.expectedNode(target)),
      (retarget) => this.runTransaction(queue, commands, target, raiseOnError, retarget),
    );
  }

  private runTransaction(
    queue: Queued[],
    commands: CommandArg[][],
    target: PartTarget,
    raiseOnError: boolean,
    retarget: BatchRetarget | null,
  ): Promise<unknown[]> {
    const watched = this.watchConnection;
    return this.router.withRedirects({ target, readonly: false, explicit: watched !== null }, async (hop) => {
      const node = hop.node;
      retarget?.(node.host, node.port);
      const connection = watched ?? node.sharedConnection();
      if (!connection.isConnected) await connection.connect();
      if (this.scripts.size > 0) await this.loadScripts(node);
      const argvs: CommandArg[][] = hop.asking ? [["ASKING"], ["MULTI"], ...commands, ["EXEC"]] : [["MULTI"], ...commands, ["EXEC"]];
      hop.sent = true; // EXEC may have run: a transaction is never sent twice
      const replies = await connection.sendBatch(argvs, { signal: this.call?.signal, timeout: this.call?.timeout });
      const offset = hop.asking ? 1 : 0;
      const queued = replies.slice(offset + 1, offset + 1 + commands.length);
      const exec = replies[replies.length - 1]!;
      // A redirection of any command (or of EXEC) means nothing ran: it is followed and all of it sent again.
      const redirect = queued.find((r) => isRedirect(r)) ?? (isRedirect(exec) ? exec : undefined);
      if (redirect) throw watched ? watchLost(redirect as Error) : (redirect as Error);
      return transactionResults(queue, replies[offset], queued, exec, raiseOnError);
    });
  }

  /** While watching: a command runs at once on the pipeline's connection (keys in the watched slot). */
  private runWatched(command: Queued): Promise<unknown> {
    if (command.empty) return Promise.resolve(command.empty.value);
    return (async () => {
      const plan = await this.router.plan(command.argv, command.spec?.readonly, command.targetNodes);
      const target = plan.parts.length === 1 && plan.nodes.length === 0 ? plan.parts[0]!.target : null;
      if (!target || ("slot" in target && target.slot !== this.watchSlot)) {
        throw new ClusterCrossSlotError(
          `CROSSSLOT ${describeCommand(command.argv)}: while watching, commands must use keys of the watched slot ${this.watchSlot}`,
          "CROSSSLOT",
        );
      }
      const connection = this.watchConnection!;
      return connection.send(command.argv, sendOptionsOf(command.spec, command.values));
    })().catch((err: unknown) => {
      throw err instanceof AskError ? watchLost(err) : err;
    });
  }
}

/** What a traced command of a cluster pipeline's node write ended with (an `Error` goes to the trace's `error`). */
function outcomeOf(item: Item): unknown {
  return item.error ?? (item.redo ? item.redirect : item.value);
}

Object.defineProperty(ClusterPipelineImpl, "name", { value: "ClusterPipeline" });

installPipelineCommands(ClusterPipelineImpl.prototype);

export interface ClusterPipelineImpl<T extends RedisString = Buffer> extends Commands<T, ClusterPipeline<T>> {}

/** A pipeline of a `RedisCluster` with string type `T`; its methods chain. */
export type ClusterPipeline<T extends RedisString = Buffer> = ClusterPipelineImpl<T>;
export const ClusterPipeline = ClusterPipelineImpl;
