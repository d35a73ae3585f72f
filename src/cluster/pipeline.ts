import type { Connection, SendOptions } from "../connection/connection.js";
import { COMMANDS, type Commands } from "../commands/index.js";
import { installCommands } from "../commands/install.js";
import { connectionStateCommand, streamingCommand } from "../commands/routing.js";
import { bindArgs, isArgValue, isPlainObject, type CommandSpec } from "../commands/spec.js";
import {
  AskError,
  AuthenticationError,
  ClusterCrossSlotError,
  ClusterDownError,
  ClusterError,
  ConnectionError,
  DataError,
  ExecAbortError,
  MaxConnectionsError,
  MovedError,
  RedisError,
  ResponseError,
  TimeoutError,
  TryAgainError,
  WatchError,
} from "../errors.js";
import { describeCommand } from "../pipeline.js";
import type { RedisString } from "../pool.js";
import type { CommandArg, RespValue } from "../protocol/index.js";
import type { Script } from "../script.js";
import type { RedisClusterImpl, TargetNodes } from "./cluster.js";
import { markMaybeSent, type Part, type Plan } from "./plan.js";
import { keySlot } from "./slots.js";
import type { ClusterNode } from "./topology.js";

interface Queued {
  argv: CommandArg[];
  spec: CommandSpec | null;
  values: unknown[] | null;
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
}

export interface ClusterExecuteOptions {
  /** Throw the first error (annotated with its position) once every reply is in. Default true. */
  raiseOnError?: boolean;
}

const sleep = (seconds: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

function annotate(error: Error, position: number, argv: readonly CommandArg[]): Error {
  error.message = `Command # ${position} (${describeCommand(argv)}) of pipeline caused error: ${error.message}`;
  return error;
}

function isRedirect(reply: unknown): boolean {
  return reply instanceof MovedError || reply instanceof AskError || reply instanceof TryAgainError || reply instanceof ClusterDownError;
}

function sendOptionsOf(command: Queued): SendOptions | undefined {
  const spec = command.spec;
  if (!spec || (!spec.reply && spec.decode === undefined)) return undefined;
  return { transform: spec.reply, context: command.values, decode: spec.decode };
}

/** A trailing `{ targetNodes }` keyword, as `RedisCluster` methods take it. */
function takeTargetNodes(spec: CommandSpec | null, args: unknown[]): [unknown[], TargetNodes | undefined] {
  const n = args.length;
  const last = args[n - 1];
  if (n === 0 || !isPlainObject(last) || !("targetNodes" in last)) return [args, undefined];
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
  private readonly cluster: RedisClusterImpl<T>;
  private queue: Queued[] = [];
  private readonly scripts = new Set<Script<any>>();
  private watching = false;
  private explicitTransaction = false;
  private watchSlot: number | null = null;
  private watchNode: ClusterNode | null = null;
  private watchConnection: Connection | null = null;

  constructor(cluster: RedisClusterImpl<T>, transaction = false) {
    this.cluster = cluster;
    this.transaction = transaction;
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
    const argv = rest as CommandArg[];
    if (argv.length === 0) throw new DataError("executeCommand: no command given");
    argv.forEach((arg, i) => {
      if (!isArgValue(arg)) throw new DataError(`executeCommand: argument #${i + 1} must be a string, Buffer or number`);
    });
    if (this.watching && !this.explicitTransaction) return this.runWatched({ argv, spec: null, values: null, targetNodes }) as unknown as this;
    this.queue.push({ argv, spec: null, values: null, targetNodes });
    return this;
  }

  /** Queues one generated command method (or runs it while watching). */
  protected queueCommand(spec: CommandSpec, args: unknown[]): unknown {
    const [rest, targetNodes] = takeTargetNodes(spec, args);
    const values = bindArgs(spec, rest);
    const argv = spec.build(values);
    const command: Queued = { argv, spec, values, targetNodes };
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
    await this.cluster.initialize();
    const cluster = this.cluster;
    let redirections = 0;
    let failures = 0;
    for (;;) {
      let connection = this.watchConnection;
      if (!connection) {
        const node = cluster.nodeFor({ argv: [], target: { slot }, readonly: false });
        try {
          connection = await node.connectionPool.getConnection();
        } catch (err) {
          if (!(err instanceof ConnectionError) || err instanceof AuthenticationError || ++failures > cluster.retry.getRetries()) throw err;
          cluster.nodesManager.nodeFailed(node);
          await sleep(cluster.retry.backoff.compute(failures));
          await cluster.nodesManager.refresh(null).catch(() => {});
          continue;
        }
        this.watchConnection = connection;
        this.watchNode = node;
      }
      try {
        await connection.send(["WATCH", ...names]);
        break;
      } catch (err) {
        const redirected = err instanceof MovedError || err instanceof AskError || err instanceof TryAgainError;
        if (redirected && this.watching) throw new WatchError(`Slot rebalancing occurred while watching keys (${err.message})`);
        if (!redirected) throw err;
        // Nothing is watched yet: go to the slot's owner instead.
        this.watchNode!.connectionPool.release(connection);
        this.watchConnection = null;
        this.watchNode = null;
        if (err instanceof MovedError) {
          if (++redirections > cluster.maxRedirections) throw err;
          cluster.nodesManager.moveSlot(err.slotId, err.host, err.port);
          cluster.nodesManager.requestRefresh();
        } else {
          if (++failures > cluster.retry.getRetries()) throw err;
          await sleep(cluster.retry.backoff.compute(failures));
        }
      }
    }
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
    for (const key of Object.keys(options)) {
      if (key !== "raiseOnError" && key !== "allowRedirections") throw new DataError(`execute: unknown option '${key}'`);
    }
    const raiseOnError = options.raiseOnError ?? true;
    const queue = this.queue;
    try {
      if (queue.length === 0 && !this.watching) return [];
      for (const command of queue) {
        const streaming = streamingCommand(command.argv);
        if (streaming) throw new DataError(`${String(command.argv[0]).toUpperCase()} cannot run in a pipeline: use ${streaming}`);
        const state = connectionStateCommand(command.argv);
        if (state) throw new DataError(`${state} cannot be queued in a cluster pipeline: use watch()/multi() of a transaction pipeline`);
      }
      await this.cluster.initialize();
      if (this.transaction || this.explicitTransaction) return await this.executeTransaction(queue, raiseOnError);
      return await this.executePipeline(queue, raiseOnError);
    } finally {
      await this.reset();
    }
  }

  // ---- non-transactional ------------------------------------------------------------------

  private async executePipeline(queue: Queued[], raiseOnError: boolean): Promise<unknown[]> {
    const plans: Plan[] = [];
    for (const command of queue) plans.push(await this.cluster.plan(command.argv, command.spec?.readonly, command.targetNodes));
    const items: Item[] = [];
    plans.forEach((plan, i) => {
      const options = sendOptionsOf(queue[i]!);
      for (const part of plan.parts) {
        items.push({ command: i, part, explicit: plan.explicit, options, node: null, done: false, value: undefined, error: null, redo: false });
      }
    });
    const groups = new Map<ClusterNode, Item[]>();
    for (const item of items) {
      try {
        item.node = this.cluster.nodeFor(item.part);
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
        if (this.scripts.size > 0) await this.loadScripts(this.cluster.nodeFor(item.part));
        item.value = await this.cluster.executePart(item.part, item.options, item.explicit);
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
      if (err instanceof AuthenticationError || err instanceof MaxConnectionsError || !(err instanceof ConnectionError || err instanceof TimeoutError)) {
        for (const item of group) item.error = err as Error;
        return;
      }
      this.cluster.nodesManager.nodeFailed(node);
      for (const item of group) item.redo = true; // nothing was sent
      return;
    }
    // Runs of commands that want the same decoding, written together in order.
    const runs: Item[][] = [];
    let decode: boolean | undefined = undefined;
    for (const item of group) {
      const wanted = item.options?.decode;
      const run = runs[runs.length - 1];
      if (run && wanted === decode) run.push(item);
      else {
        runs.push([item]);
        decode = wanted;
      }
    }
    let replies: RespValue[][];
    try {
      replies = await Promise.all(
        runs.map((run) =>
          connection.sendBatch(
            run.map((item) => item.part.argv),
            run[0]!.options?.decode === undefined ? undefined : { decode: run[0]!.options!.decode },
          ),
        ),
      );
    } catch (err) {
      this.cluster.nodesManager.nodeFailed(node);
      for (const item of group) {
        if (item.part.readonly && !item.explicit) item.redo = true;
        else {
          // It may have run: a write is not sent again.
          markMaybeSent(err);
          item.error = err as Error;
        }
      }
      return;
    }
    runs.forEach((run, r) => {
      run.forEach((item, j) => {
        const reply = replies[r]![j]!;
        if (reply instanceof Error) {
          if (!item.explicit && isRedirect(reply)) {
            if (reply instanceof MovedError) {
              const owner = this.cluster.nodesManager.moveSlot(reply.slotId, reply.host, reply.port);
              this.cluster.nodesManager.requestRefresh(owner);
            }
            item.redo = true;
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
    const slot = keySlot(keys[0]!, this.cluster.encoding);
    for (const key of keys) {
      const other = keySlot(key, this.cluster.encoding);
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
      const plan = await this.cluster.plan(command.argv, command.spec?.readonly);
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
    const cluster = this.cluster;
    const part: Part = { argv: [], target: slot === null ? { defaultNode: true } : { slot }, readonly: false };
    const commands = queue.map((c) => c.argv);
    let redirections = 0;
    let failures = 0;
    let askNode: ClusterNode | null = null;
    for (;;) {
      const watched = this.watchConnection;
      const node = watched ? this.watchNode! : (askNode ?? cluster.nodeFor(part));
      const asking = askNode !== null;
      askNode = null;
      let connection: Connection;
      try {
        connection = watched ?? node.sharedConnection();
        if (!connection.isConnected) await connection.connect();
      } catch (err) {
        if (watched || !(err instanceof ConnectionError) || err instanceof AuthenticationError || ++failures > cluster.retry.getRetries()) throw err;
        cluster.nodesManager.nodeFailed(node);
        await sleep(cluster.retry.backoff.compute(failures));
        await cluster.nodesManager.refresh(null).catch(() => {});
        continue;
      }
      if (this.scripts.size > 0) await this.loadScripts(node);
      const argvs: CommandArg[][] = asking ? [["ASKING"], ["MULTI"], ...commands, ["EXEC"]] : [["MULTI"], ...commands, ["EXEC"]];
      let replies: RespValue[];
      try {
        replies = await connection.sendBatch(argvs);
      } catch (err) {
        // EXEC may have run: a transaction is never sent twice.
        markMaybeSent(err);
        if (!watched) cluster.nodesManager.nodeFailed(node);
        throw err;
      }
      const offset = asking ? 1 : 0;
      const multi = replies[offset];
      if (multi instanceof Error) throw multi;
      const queued = replies.slice(offset + 1, offset + 1 + commands.length);
      const exec = replies[replies.length - 1]!;
      // A redirection of any command (or of EXEC) means nothing ran: follow it and run it all again.
      const redirect = queued.find((r) => isRedirect(r)) ?? (isRedirect(exec) ? exec : undefined);
      if (redirect) {
        if (watched) throw new WatchError(`Slot rebalancing occurred while watching keys (${(redirect as Error).message})`);
        if (redirect instanceof MovedError || redirect instanceof AskError) {
          if (++redirections > cluster.maxRedirections) {
            throw new ClusterError(`Too many cluster redirections (more than maxRedirections ${cluster.maxRedirections}); the last was ${redirect.message}`);
          }
          if (redirect instanceof MovedError) {
            const owner = cluster.nodesManager.moveSlot(redirect.slotId, redirect.host, redirect.port);
            cluster.nodesManager.requestRefresh(owner);
          } else {
            askNode = cluster.nodesManager.getOrCreateNode(redirect.host, redirect.port);
          }
          continue;
        }
        if (++failures > cluster.retry.getRetries()) throw redirect as Error;
        if (redirect instanceof ClusterDownError) cluster.nodesManager.requestRefresh();
        else redirections = 0; // TRYAGAIN: ASK hops of a half-migrated slot are bounded by the retries
        await sleep(cluster.retry.backoff.compute(failures));
        continue;
      }
      if (exec instanceof Error) {
        const index = queued.findIndex((r) => r instanceof Error);
        if (index !== -1 && exec instanceof ExecAbortError) {
          const cause = annotate(queued[index] as Error, index + 1, commands[index]!);
          throw new ExecAbortError(`${exec.message} ${cause.message}`, "EXECABORT");
        }
        throw exec;
      }
      if (exec === null) throw new WatchError("Watched variable changed.");
      if (!Array.isArray(exec) || exec.length !== commands.length) throw new ResponseError("Wrong number of response items from pipeline execution");
      return this.transformAll(queue, exec, raiseOnError);
    }
  }

  private transformAll(queue: Queued[], replies: RespValue[], raiseOnError: boolean): unknown[] {
    const results: unknown[] = new Array(queue.length);
    let firstError: Error | null = null;
    for (let i = 0; i < queue.length; i++) {
      const command = queue[i]!;
      const reply = replies[i]!;
      if (reply instanceof Error) {
        const error = annotate(reply, i + 1, command.argv);
        firstError ??= error;
        results[i] = error;
        continue;
      }
      const transform = command.spec?.reply;
      try {
        results[i] = transform ? transform(reply, command.values!) : reply;
      } catch (err) {
        const error = annotate(err as Error, i + 1, command.argv);
        firstError ??= error;
        results[i] = error;
      }
    }
    if (firstError && raiseOnError) throw firstError;
    return results;
  }

  /** While watching: a command runs at once on the pipeline's connection (keys in the watched slot). */
  private runWatched(command: Queued): Promise<unknown> {
    return (async () => {
      const plan = await this.cluster.plan(command.argv, command.spec?.readonly, command.targetNodes);
      const target = plan.parts.length === 1 && plan.nodes.length === 0 ? plan.parts[0]!.target : null;
      if (!target || ("slot" in target && target.slot !== this.watchSlot)) {
        throw new ClusterCrossSlotError(
          `CROSSSLOT ${describeCommand(command.argv)}: while watching, commands must use keys of the watched slot ${this.watchSlot}`,
          "CROSSSLOT",
        );
      }
      const connection = this.watchConnection!;
      const reply = await connection.send(command.argv, sendOptionsOf(command));
      return reply;
    })().catch((err: unknown) => {
      if (err instanceof MovedError || err instanceof AskError) {
        throw new WatchError(`Slot rebalancing occurred while watching keys (${err.message})`);
      }
      throw err;
    });
  }
}

Object.defineProperty(ClusterPipelineImpl, "name", { value: "ClusterPipeline" });

installCommands(ClusterPipelineImpl.prototype, COMMANDS, (self: { queueCommand(spec: CommandSpec, args: unknown[]): unknown }, spec, args) =>
  self.queueCommand(spec, args),
);

export interface ClusterPipelineImpl<T extends RedisString = Buffer> extends Commands<T, ClusterPipeline<T>> {}

/** A pipeline of a `RedisCluster` with string type `T`; its methods chain. */
export type ClusterPipeline<T extends RedisString = Buffer> = ClusterPipelineImpl<T>;
export const ClusterPipeline = ClusterPipelineImpl;
