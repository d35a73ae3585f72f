/**
 * v1's `Pipeline` and `MultiExec`: every `Redis` method is available; each call returns a
 * Promise of its own (calls do not chain) and `execute()` sends them all in one batch.
 */
import { RedisError } from "../src/index.js";
import type { AbcConnection } from "./abc.js";
import { ConnectionClosedError, MultiExecError, PipelineError } from "./errors.js";
import { ConnectionsPool } from "./pool.js";
import type { RedisBase } from "./commands/base.js";
import type { RedisCommands } from "./commands/index.js";
import { bind } from "./calling.js";
import { deferred, isQueued, quiet, waitOk, type Deferred, type RedisString } from "./util.js";

interface BufferedCommand {
  waiter: Deferred<unknown>;
  command: string | Buffer;
  args: unknown[];
}

/** What the commands of a pipeline run on: every command is kept for `execute()` (v1's `_RedisBuffer`). */
class RedisBuffer implements AbcConnection<any> {
  constructor(
    private readonly commands: BufferedCommand[],
    private readonly target: AbcConnection<any>,
  ) {}

  execute(command: string | Buffer, ...args: unknown[]): Promise<any> {
    const waiter = deferred<unknown>();
    this.commands.push({ waiter, command, args });
    return waiter.promise;
  }

  executePubsub(): Promise<unknown[]> {
    throw new TypeError("Pub/Sub commands cannot be sent in a pipeline");
  }

  select(db: number): Promise<boolean> {
    return this.execute("SELECT", db).then(waitOk);
  }

  auth(password: string): Promise<boolean> {
    return this.execute("AUTH", password).then(waitOk);
  }

  close(): void {
    throw new TypeError("close() is not a pipeline command");
  }

  waitClosed(): Promise<void> {
    return Promise.reject(new TypeError("waitClosed() is not a pipeline command"));
  }

  get closed(): boolean {
    return this.target.closed;
  }

  get db(): number {
    return this.target.db;
  }

  get encoding(): string | null {
    return this.target.encoding;
  }

  get address(): [string, number] | string {
    return this.target.address;
  }

  get inTransaction(): boolean {
    return false;
  }

  get inPubsub(): number {
    return 0;
  }

  get pubsubChannels(): Readonly<Record<string, never>> {
    return {};
  }

  get pubsubPatterns(): Readonly<Record<string, never>> {
    return {};
  }
}

/** Methods of `Redis` that make no sense in a pipeline. */
type NotInPipeline =
  | "execute"
  | "close"
  | "waitClosed"
  | "pipeline"
  | "multiExec"
  | "acquire"
  | "iscan"
  | "isscan"
  | "ihscan"
  | "izscan"
  | "subscribe"
  | "psubscribe"
  | "unsubscribe"
  | "punsubscribe"
  | "connection";

/** The `Redis` methods of a pipeline: same signatures, each returning its own Promise. */
export type PipelineCommands<T extends RedisString> = Omit<RedisBase<T> & RedisCommands<T>, NotInPipeline>;

export interface PipelineExecuteOptions {
  /** Put errors in the result array instead of throwing `PipelineError` / `MultiExecError`. */
  returnExceptions?: boolean;
}

const OWN = new Set(["execute", "constructor"]);

/**
 * v1's `Pipeline`: not atomic. Do not await a call before `execute()`: its Promise settles
 * only when the batch has run.
 */
class PipelineImpl<T extends RedisString = Buffer> {
  protected readonly errorClass: typeof PipelineError = PipelineError;
  protected readonly poolOrConn: AbcConnection<any>;
  protected readonly commands: BufferedCommand[] = [];
  protected readonly results: Promise<unknown>[] = [];
  protected readonly redis: Record<string, unknown>;
  protected done = false;

  constructor(poolOrConn: AbcConnection<any>, commandsFactory: (conn: AbcConnection<any>) => object) {
    this.poolOrConn = poolOrConn;
    this.redis = commandsFactory(new RedisBuffer(this.commands, poolOrConn)) as Record<string, unknown>;
    return new Proxy(this, {
      get: (target, prop, receiver) => {
        if (typeof prop === "symbol" || prop in target || OWN.has(prop)) return Reflect.get(target, prop, receiver);
        return target.attribute(prop);
      },
    });
  }

  /** v1's `__getattr__`: a `Redis` method whose call is buffered and recorded. */
  private attribute(name: string): unknown {
    const attr = this.redis[name];
    if (typeof attr !== "function") return attr;
    if (this.done) throw new Error("Pipeline already executed. Create new one.");
    return (...args: unknown[]): Promise<unknown> => {
      let task: Promise<unknown>;
      try {
        const result = (attr as (...a: unknown[]) => unknown).apply(this.redis, args);
        if (result === null || typeof (result as Promise<unknown>)?.then !== "function") {
          throw new TypeError(`${name}() cannot be used in a pipeline`);
        }
        task = Promise.resolve(result);
      } catch (err) {
        task = Promise.reject(err);
      }
      quiet(task);
      this.results.push(task);
      return task;
    };
  }

  /**
   * Sends every buffered command in one batch (on a connection of the pool's, for a pool
   * client) and resolves with the results, converted as the methods' are. Any error
   * throws `PipelineError` (`MultiExecError` for `multiExec()`) carrying every error,
   * unless `returnExceptions`. Runs once.
   */
  async execute(options?: PipelineExecuteOptions): Promise<any[]> {
    const a = bind("execute", "*, returnExceptions?", options === undefined ? [] : [options]);
    const returnExceptions = Boolean(a.returnExceptions);
    if (this.done) throw new Error("Pipeline already executed. Create new one.");
    this.done = true;
    if (this.commands.length === 0) return this.gatherResult(returnExceptions);
    const target = this.poolOrConn;
    if (target instanceof ConnectionsPool) {
      const conn = await target.acquire();
      try {
        return await this.doExecute(conn, returnExceptions);
      } finally {
        target.release(conn);
      }
    }
    return this.doExecute(target, returnExceptions);
  }

  protected async doExecute(conn: AbcConnection<any>, returnExceptions: boolean): Promise<any[]> {
    await Promise.allSettled(this.sendPipeline(conn, (command, reply) => command.waiter.resolve(reply)));
    return this.gatherResult(returnExceptions);
  }

  /** Writes every buffered command (same tick, so one write); `onReply` takes each reply. */
  protected sendPipeline(conn: AbcConnection<any>, onReply: (command: BufferedCommand, reply: unknown) => void): Promise<unknown>[] {
    const sent: Promise<unknown>[] = [];
    for (const command of this.commands) {
      try {
        const reply = conn.execute(command.command, ...command.args);
        sent.push(
          reply.then(
            (value) => onReply(command, value),
            (err: unknown) => command.waiter.reject(err),
          ),
        );
      } catch (err) {
        command.waiter.reject(err);
      }
    }
    return sent;
  }

  protected async gatherResult(returnExceptions: boolean): Promise<any[]> {
    const settled = await Promise.allSettled(this.results);
    const errors: unknown[] = [];
    const results = settled.map((s) => {
      if (s.status === "fulfilled") return s.value;
      errors.push(s.reason);
      return s.reason;
    });
    if (errors.length > 0 && !returnExceptions) throw new this.errorClass(errors);
    return results;
  }
}

/**
 * v1's `MultiExec`: MULTI, the commands and EXEC in one batch. A changed WATCHed key
 * makes `execute()` throw `MultiExecError` while each command's Promise rejects with
 * `WatchVariableError`.
 */
class MultiExecImpl<T extends RedisString = Buffer> extends PipelineImpl<T> {
  protected override readonly errorClass: typeof PipelineError = MultiExecError;

  protected override async doExecute(conn: AbcConnection<any>, returnExceptions: boolean): Promise<any[]> {
    const waiters: BufferedCommand[] = [];
    let multi: Promise<unknown>;
    try {
      multi = conn.execute("MULTI");
    } catch (err) {
      for (const command of this.commands) command.waiter.reject(err);
      throw err;
    }
    const sent = this.sendPipeline(conn, (command, reply) => {
      if (isQueued(reply)) waiters.push(command);
      else command.waiter.resolve(reply);
    });
    let exec: Promise<unknown>;
    try {
      exec = conn.execute("EXEC");
    } catch (err) {
      for (const command of this.commands) command.waiter.reject(err);
      return this.gatherResult(returnExceptions);
    }
    await Promise.allSettled([multi, ...sent]);
    if (conn.closed) {
      const error = new ConnectionClosedError("Connection closed or corrupted");
      for (const command of this.commands) command.waiter.reject(error);
    } else {
      let results: unknown;
      try {
        results = await exec;
      } catch (err) {
        for (const command of waiters) command.waiter.reject(err);
        return this.gatherResult(returnExceptions);
      }
      const values = Array.isArray(results) ? results : [];
      waiters.forEach((command, i) => {
        if (i >= values.length) {
          command.waiter.reject(new RedisError("Results does not match waiters"));
          return;
        }
        const value = values[i];
        if (value instanceof RedisError) command.waiter.reject(value);
        else command.waiter.resolve(value);
      });
    }
    return this.gatherResult(returnExceptions);
  }
}

export type Pipeline<T extends RedisString = any> = PipelineImpl<T> & PipelineCommands<T>;
export type MultiExec<T extends RedisString = any> = MultiExecImpl<T> & PipelineCommands<T>;

export interface PipelineConstructor {
  new <T extends RedisString = Buffer>(poolOrConn: AbcConnection<T>, commandsFactory: (conn: AbcConnection<any>) => object): Pipeline<T>;
  readonly prototype: PipelineImpl<any>;
}

export interface MultiExecConstructor {
  new <T extends RedisString = Buffer>(poolOrConn: AbcConnection<T>, commandsFactory: (conn: AbcConnection<any>) => object): MultiExec<T>;
  readonly prototype: MultiExecImpl<any>;
}

Object.defineProperty(PipelineImpl, "name", { value: "Pipeline" });
Object.defineProperty(MultiExecImpl, "name", { value: "MultiExec" });

export const Pipeline = PipelineImpl as unknown as PipelineConstructor;
export const MultiExec = MultiExecImpl as unknown as MultiExecConstructor;
