/**
 * The queue of a client's pipeline. Past `ENCODE_FROM` commands, each queued command is
 * encoded at once into the pipeline's own `WriteBatch`, so the pipeline keeps of it only what
 * the reply needs (the method's spec and bound values) and not its argument list: a
 * 100,000-command pipeline holds 100,000 fewer arrays for the garbage collector to move, and
 * `execute()` hands the connection bytes that are ready to write. The argument list of such a
 * command is made again from its spec and values in the rare cases that need it (describing a
 * failed command, a traced pipeline, replies decoded per command). A short pipeline keeps its
 * argument lists and the connection encodes them with its other commands, into its shared
 * pool: a batch of its own would cost a short transaction more than it saves.
 */
import { blockingTimeout, Route } from "./commands/routing.js";
import type { CommandSpec, EmptyResponse } from "./commands/spec.js";
import type { EncodedCommands } from "./connection/connection.js";
import { commandName } from "./connection/pending.js";
import { DataError } from "./errors.js";
import { commandProblem, encodeCommand, WriteBatch, type CommandArg } from "./protocol/index.js";
import { tracingBatch } from "./tracing.js";

/** A command queued in a pipeline (of a client or of a cluster). */
export interface QueuedCommand {
  /** Its argument list; null when the pipeline encoded it as it was queued (see `argvOf`). */
  argv: CommandArg[] | null;
  /** The command method's spec and bound arguments, for its reply function; null for `executeCommand`. */
  spec: CommandSpec | null;
  values: unknown[] | null;
  /** A call with nothing to ask the server: not sent, its value put at its position (redis-py's `EMPTY_RESPONSE`). */
  empty?: EmptyResponse;
}

/** The argument list of a queued command: as queued, or built again from its spec and values. */
export function argvOf(command: QueuedCommand): CommandArg[] {
  return command.argv ?? command.spec!.build(command.values!);
}

/** The commands of a queue that are sent: all but those answered without the server. */
export function sentCommands<Q extends QueuedCommand>(queue: readonly Q[]): readonly Q[] {
  return queue.some((c) => c.empty) ? queue.filter((c) => !c.empty) : queue;
}

/** A pipeline encodes its commands as they are queued from this many on. */
const ENCODE_FROM = 128;
/** A pipeline batch starts with a pool this small (it grows to the connection's 64 KiB). */
const FIRST_POOL = 8 * 1024;
const MULTI = encodeCommand(["MULTI"]);
const EXEC = encodeCommand(["EXEC"]);

export class PipelineQueue {
  readonly commands: QueuedCommand[] = [];
  private readonly encoding: BufferEncoding;
  /** The pipeline's own batch, once it encodes its commands (past `ENCODE_FROM`). */
  private batch: WriteBatch | null = null;
  /** Commands to send so far: all but those answered without the server. */
  private sent = 0;
  /** Commands encoded so far. */
  private encodedCount = 0;
  /** The first command that cannot be sent: `execute()` fails with it and sends nothing. */
  problem: DataError | null = null;
  /** Some command is not a plain one (it changes the connection's state, blocks or streams). */
  special = false;
  /** Some command changes the connection's state (SELECT, CLIENT SETNAME...). */
  changesState = false;
  /** Some command blocks with a timeout (BLPOP...): outside a transaction it needs a connection of its own. */
  blocks = false;
  /** The first command that streams (MONITOR, SUBSCRIBE...), which cannot run in a pipeline. */
  streaming: CommandArg[] | null = null;
  /** Some spec sets `decode`: replies are then decoded command by command. */
  decodeVaries = false;
  /** Some spec wants its reply undecoded (`decode: false`, as DUMP). */
  undecoded = false;

  constructor(encoding: BufferEncoding) {
    this.encoding = encoding;
  }

  get length(): number {
    return this.commands.length;
  }

  /** True when the commands are encoded (`encoded()`); else `execute()` sends their argument lists. */
  get isEncoded(): boolean {
    return this.batch !== null;
  }

  /**
   * Queues a command: `spec` and `values` for a command method, `spec` null for
   * `executeCommand`. `empty`: a call answered without the server, neither sent nor encoded.
   */
  push(argv: CommandArg[], route: Route, spec: CommandSpec | null, values: unknown[] | null, empty?: EmptyResponse): void {
    if (empty) {
      this.commands.push({ argv, spec, values, empty });
      return;
    }
    if (route !== Route.Plain) this.noteRoute(argv, route);
    if (spec?.decode !== undefined) {
      this.decodeVaries = true;
      if (spec.decode === false) this.undecoded = true;
    }
    const command: QueuedCommand = { argv, spec, values };
    this.commands.push(command);
    this.sent++;
    if (this.batch !== null) {
      this.encode(command, this.batch);
    } else if (this.sent >= ENCODE_FROM) {
      const batch = new WriteBatch(this.encoding, FIRST_POOL);
      this.batch = batch;
      for (const queued of this.commands) if (!queued.empty) this.encode(queued, batch);
    }
  }

  private noteRoute(argv: CommandArg[], route: Route): void {
    this.special = true;
    if (route === Route.State) this.changesState = true;
    else if (route === Route.Streaming) this.streaming ??= argv;
    else if (route === Route.Blocking && blockingTimeout(argv) !== null) this.blocks = true;
  }

  /**
   * Encodes a queued command and lets go of its argument list (kept for `executeCommand`'s,
   * which have no spec to build it again from, and while traces listen). One that cannot be
   * sent becomes the queue's `problem` (with the message `sendBatch` gives).
   */
  private encode(command: QueuedCommand, batch: WriteBatch): void {
    const argv = command.argv!;
    const position = ++this.encodedCount;
    if (command.spec !== null && !tracingBatch()) command.argv = null;
    if (this.problem !== null) return;
    batch.mark();
    try {
      const problem = commandProblem(argv);
      if (problem) {
        this.problem = new DataError(`Command #${position} of the batch: ${problem.message}; nothing was sent`);
        return;
      }
      batch.add(argv);
    } catch (err) {
      // Only an argument that misbehaves when read (a Buffer whose `length` getter throws) gets here.
      batch.rollback();
      this.problem = new DataError(
        `Command #${position} of the batch: ${commandName(argv)}: cannot encode the command (${(err as Error).message}); nothing was sent`,
      );
    }
  }

  /** The argument lists of the commands (for traces). */
  argvs(): CommandArg[][] {
    return this.commands.map(argvOf);
  }

  /**
   * The encoded sent commands, once (the batch is emptied), inside MULTI/EXEC when
   * `transaction`. Call only when `isEncoded` and `problem` is null.
   */
  encoded(transaction: boolean): EncodedCommands {
    const chunks = this.batch!.take();
    if (transaction) {
      chunks.unshift(MULTI);
      chunks.push(EXEC);
    }
    return new EncodedQueue(chunks, this.commands, this.sent, transaction);
  }
}

/** What `PipelineQueue.encoded()` hands the connection. */
class EncodedQueue implements EncodedCommands {
  readonly length: number;

  constructor(
    readonly chunks: (string | Buffer)[],
    private readonly commands: readonly QueuedCommand[],
    sent: number,
    private readonly transaction: boolean,
  ) {
    this.length = transaction ? sent + 2 : sent;
  }

  name(index: number): string {
    if (this.transaction) {
      if (index === 0) return "MULTI";
      if (index === this.length - 1) return "EXEC";
      index--;
    }
    for (let i = 0, sent = 0; i < this.commands.length; i++) {
      const command = this.commands[i]!;
      if (command.empty) continue;
      if (sent++ === index) return commandName(argvOf(command));
    }
    return "command";
  }
}
