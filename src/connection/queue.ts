import type * as net from "node:net";
import { BusyLoadingError, ConnectionError, DataError, DecodeError, ProtocolError, RedisError, TimeoutError } from "../errors.js";
import { RespDecoder, WriteBatch, type CommandArg, type RespValue } from "../protocol/index.js";
import { callTimeoutError, DeadlineHeap, unwatchSignal, watchSignal, type CancelTarget, type Cancellation } from "./cancel.js";
import { Deque } from "./deque.js";
import { commandName, type PendingCommand, type TrackingTarget } from "./pending.js";
import type { ResolvedConnectionOptions } from "./resolve.js";
import { describeAddress } from "./socket.js";

/** How long commands answered LOADING wait before they are sent again (ms). */
const LOADING_RETRY_MS = 100;

export type State = "idle" | "connecting" | "ready" | "closed";

/** An `invalidate` push frame of client-side caching (the frame's first item, as text or bytes). */
function isInvalidation(frame: RespValue[]): boolean {
  const kind = frame[0];
  return kind === "invalidate" || (Buffer.isBuffer(kind) && kind.length === 10 && kind.toString("latin1") === "invalidate");
}

/**
 * The commands of one connection on their way (see `Connection`, connection.ts, which adds the
 * socket, the handshake and reconnecting): queued and written together on the next tick,
 * replies matched in FIFO order, the one timer for every deadline, the wait of commands
 * answered LOADING, and per-call cancellation.
 */
export abstract class CommandQueue implements CancelTarget {
  readonly options: ResolvedConnectionOptions;
  /** Called with every RESP3 push frame (pub/sub messages, invalidations). */
  onPush: ((frame: RespValue[]) => void) | null = null;
  /**
   * Client-side caching: the cache this connection serves. Its handshake turns `CLIENT
   * TRACKING` on, its `invalidate` push frames go to the cache, and losing the socket empties it.
   */
  tracking: TrackingTarget | null = null;
  /** Socket writes made (each carries every command queued in one tick). */
  writes = 0;

  protected state: State = "idle";
  protected socket: net.Socket | null = null;
  protected readonly decoder: RespDecoder;
  protected readonly toWrite: Deque<PendingCommand> = new Deque();
  protected readonly awaiting: Deque<PendingCommand> = new Deque();
  protected flushScheduled = false;
  protected refed = false;
  protected timer: NodeJS.Timeout | null = null;
  protected timerDeadline = 0;
  protected lastActivity = 0;
  protected closeWhenIdle = false;
  protected readonly address: string;
  protected readonly batch: WriteBatch;
  /** True while the first bytes of the handshake are in flight; user commands wait. */
  protected handshaking = false;
  protected keepRef = 0;
  /** The last reason a socket or a connect round failed, for messages. */
  protected lastError: string | null = null;
  protected drained: (() => void) | null = null;
  /** Commands answered LOADING, to be sent again once the wait is over. */
  protected reloading: PendingCommand[] = [];
  protected loadingTimer: NodeJS.Timeout | null = null;
  /** Replies read so far, and at the last timer check: progress means the socket is alive. */
  protected replyCount = 0;
  protected repliesAtTimer = 0;
  /** Per-call deadlines (`SendOptions.timeout`), watched by the connection's one timer; made on first use. */
  protected callDeadlines: DeadlineHeap | null = null;

  /**
   * RESP2 pub/sub: once subscribed, every reply (messages, confirmations, PING's pong) is
   * a push in all but name; they all go to `onPush`.
   */
  pushAllReplies = false;

  /** Commands written and awaiting replies plus commands not yet written. */
  get pendingCount(): number {
    return this.awaiting.length + this.toWrite.length + this.reloading.length;
  }

  /** Commands not yet written (waiting for the connection, or for a server that is loading). */
  get queuedCount(): number {
    return this.toWrite.length + this.reloading.length;
  }

  constructor(options: ResolvedConnectionOptions) {
    this.options = options;
    this.address = describeAddress(options);
    this.batch = new WriteBatch(options.encoding);
    this.decoder = new RespDecoder(
      {
        onReply: (value) => this.handleReply(value),
        onPush: (frame) => this.handlePush(frame),
      },
      { decodeStrings: options.decodeResponses, encoding: options.encoding, encodingErrors: options.encodingErrors },
    );
  }

  /** Drops the socket (connection.ts). */
  protected abstract teardown(error: Error | null, reconnectQueued: boolean): void;
  /** Opens the socket and runs the handshake (connection.ts). */
  protected abstract startConnecting(): Promise<void>;
  /** Closes the socket now (connection.ts). */
  abstract disconnect(permanently?: boolean, reason?: Error): void;

  /** Keeps the event loop alive while this connection has a standing purpose (a subscription). */
  hold(on: boolean): void {
    this.keepRef += on ? 1 : -1;
    this.updateRef();
  }

  protected queued(): void {
    this.setRef(true);
    if (this.state === "ready") {
      if (!this.flushScheduled && !this.handshaking && !this.loadingTimer) {
        this.flushScheduled = true;
        process.nextTick(this.flushNow);
      }
      return;
    }
    if (this.state === "idle") {
      this.startConnecting().catch(() => {
        /* the queued commands were rejected with the cause */
      });
    }
    this.armTimer();
  }

  protected checkDrained(): void {
    if (this.drained && this.pendingCount === 0) {
      const done = this.drained;
      this.drained = null;
      done();
    }
  }

  /** The `Cancellation` of a new call, watching its signal and its deadline. */
  protected startCall(
    what: string,
    signal: AbortSignal | null,
    timeout: number | null,
    blocking: boolean,
    reject: (error: Error) => void,
    startedAt?: number,
  ): Cancellation {
    const cancel: Cancellation = {
      target: this,
      signal,
      timeout,
      callDeadline: timeout === null ? 0 : (startedAt ?? Date.now()) + timeout * 1000,
      what,
      written: false,
      done: false,
      reject,
      blocking,
    };
    if (signal !== null) watchSignal(cancel);
    if (timeout !== null) {
      if (this.callDeadlines === null) this.callDeadlines = new DeadlineHeap();
      this.callDeadlines.push(cancel);
    }
    return cancel;
  }

  /** Marks a call settled; false when it already was (a reply after an abort is dropped here). */
  protected finishCall(cancel: Cancellation): boolean {
    if (cancel.done) return false;
    cancel.done = true;
    if (cancel.signal !== null) unwatchSignal(cancel);
    if (cancel.callDeadline !== 0) this.callDeadlines?.settled();
    return true;
  }

  /**
   * @internal Cancels a call (its signal aborted, or its per-call timeout expired). Not
   * written yet: it is skipped when the queue is written, so it never runs. Written: it
   * rejects now and its reply, when it comes, is read and dropped, so the replies of the
   * commands after it still go to their callers. A blocking command written and waiting
   * (BLPOP) would hold its connection for as long as the server blocks it: that connection
   * is closed instead (blocking commands have a connection of their own).
   */
  cancelCall(cancel: Cancellation, error: Error): void {
    if (!this.finishCall(cancel)) return;
    cancel.reject(error);
    if (cancel.written && cancel.blocking && this.socket !== null) {
      this.disconnect(false, new ConnectionError(`Connection to ${this.address} closed to stop a blocking command that was cancelled (${cancel.what})`));
    }
  }

  /** Cancels the calls whose per-call timeout passed. */
  protected expireCalls(now: number): void {
    const heap = this.callDeadlines;
    if (heap === null) return;
    for (const cancel of heap.takeExpired(now)) this.cancelCall(cancel, callTimeoutError(cancel));
  }

  /** Writes a handshake command at once, ahead of any queued command. */
  protected sendNow(args: CommandArg[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const socket = this.socket;
      if (!socket) {
        reject(new ConnectionError(`Connection to ${this.address} lost during the handshake`));
        return;
      }
      const command: PendingCommand = {
        args,
        collector: null,
        index: 0,
        many: null,
        expectsReply: true,
        resolve,
        reject,
        transform: undefined,
        context: undefined,
        decode: true,
        textKeys: false,
        blockFor: 0,
        deadline: 0,
        expires: 0,
        cancel: null,
      };
      // Handshake arguments carry the password: encoded into a batch of their own (never into
      // the shared pool buffer), and only the command name is kept while the reply is awaited.
      this.writeCommands([command], new WriteBatch(this.options.encoding));
      command.args = [args[0]!];
    });
  }

  // ---- writing -------------------------------------------------------------------------

  protected scheduleFlush(): void {
    if (this.toWrite.length > 0 && !this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(this.flushNow);
    }
  }

  protected readonly flushNow = (): void => {
    this.flushScheduled = false;
    if (this.state !== "ready" || this.handshaking || this.loadingTimer || this.toWrite.length === 0) return;
    const interval = this.options.healthCheckInterval;
    if (interval > 0 && this.awaiting.length === 0 && Date.now() - this.lastActivity > interval * 1000) {
      this.healthCheck();
      return;
    }
    this.writeCommands(this.toWrite.drain());
  };

  /**
   * The connection was idle for longer than `healthCheckInterval`: PING before the queued
   * commands go out, so a dead socket is found while they can still go elsewhere.
   */
  protected healthCheck(): void {
    this.handshaking = true;
    this.sendNow(["PING"]).then(
      () => {
        this.handshaking = false;
        this.scheduleFlush();
      },
      () => {
        this.handshaking = false;
        // teardown already ran; the queued commands reconnect or fail
      },
    );
  }

  protected writeCommands(commands: PendingCommand[], batch: WriteBatch = this.batch): void {
    const socket = this.socket;
    if (!socket) return;
    const timeout = this.options.socketTimeout;
    let unanswered: PendingCommand[] | null = null;
    for (let k = 0; k < commands.length; k++) {
      const command = commands[k]!;
      const cancel = command.cancel;
      if (cancel !== null) {
        if (cancel.done) continue; // cancelled before it was written: it never is
        cancel.written = true;
      }
      const many = command.many;
      // Nothing may throw here: a command that cannot be encoded fails alone.
      batch.mark();
      try {
        if (many) {
          // A pipeline's first chunks go out while the rest is encoded (the shared batch
          // only: a handshake's own batch is wiped after one write).
          this.wroteEarly = false;
          batch.addAll(many, batch === this.batch ? this.writeEarly : null);
        } else batch.add(command.args);
      } catch (err) {
        if (many && this.wroteEarly) {
          this.failMidWrite(commands, k, unanswered, batch, err as Error);
          return;
        }
        batch.rollback();
        const error =
          err instanceof RedisError
            ? err
            : new DataError(`${commandName(command.args)}: cannot encode the command (${(err as Error).message}); it was not sent`);
        this.rejectCommand(command, error);
        continue;
      }
      if (!command.expectsReply) {
        (unanswered ??= []).push(command);
        continue;
      }
      if (this.awaiting.length === 0) {
        this.decoder.decodeStrings = command.decode;
        this.decoder.textKeys = command.textKeys;
      }
      this.awaiting.push(command);
    }
    const chunks = batch.take();
    if (chunks.length === 0) {
      // Nothing went out (every command was cancelled or could not be encoded): maybe idle now.
      if (this.awaiting.length === 0 && this.toWrite.length === 0 && this.reloading.length === 0) this.nowIdle();
      return;
    }
    this.writes++;
    // A handshake's bytes (its own batch) hold the password: zeroed once written, so the
    // memory never shows it again (Buffer.allocUnsafe hands out memory as it was left).
    const wipe =
      batch === this.batch
        ? undefined
        : () => {
            for (const chunk of chunks) if (typeof chunk !== "string") chunk.fill(0);
          };
    this.writeChunks(socket, chunks, wipe);
    if (unanswered) for (const command of unanswered) command.resolve(undefined);
    this.setRef(this.awaiting.length > 0);
    if (timeout !== null) {
      // Deadlines count from the write, not from the start of encoding (a big batch takes a while).
      const replyBy = Date.now() + timeout * 1000;
      for (const command of commands) {
        if (!command.expectsReply || command.blockFor < 0) continue;
        command.deadline = (command.expires !== 0 && command.expires < replyBy ? command.expires : replyBy) + command.blockFor * 1000;
      }
      this.armTimer();
    }
  }

  /**
   * A pipeline (`commands[k]`) failed to encode after part of it was written: its replies, and
   * those of the commands written before it, can no longer be matched, so the connection goes.
   * (Every argument is checked before anything is encoded: this is not a bad argument.) What is
   * left in the batch is dropped, the pipeline fails, the commands before it fail as any written
   * command does when its connection is lost, and the commands after it (never written) go back
   * to the queue, to be sent after the reconnection.
   */
  private failMidWrite(commands: PendingCommand[], k: number, unanswered: PendingCommand[] | null, batch: WriteBatch, err: Error): void {
    batch.take();
    const command = commands[k]!;
    this.rejectCommand(
      command,
      new DataError(`${commandName(command.args)}: encoding failed after part of it was sent (${err.message}); it may have partly run`),
    );
    const lost = new ConnectionError(`Connection to ${this.address} closed: a pipeline failed half-way through encoding`);
    if (unanswered) for (const c of unanswered) this.rejectCommand(c, lost);
    for (let i = k + 1; i < commands.length; i++) this.toWrite.push(commands[i]!);
    this.teardown(lost, true);
  }

  /** Set when the pipeline being encoded had chunks written before the rest was encoded. */
  private wroteEarly = false;
  /** What `WriteBatch.addAll` calls with a pipeline's first chunks (one function, not one per pipeline). */
  private readonly writeEarly = (chunks: (string | Buffer)[]): void => {
    this.wroteEarly = true;
    this.writes++;
    this.writeChunks(this.socket!, chunks);
  };

  /** Writes encoded chunks in one go; `done` runs after the last one is written. */
  private writeChunks(socket: net.Socket, chunks: (string | Buffer)[], done?: () => void): void {
    if (chunks.length === 1) {
      socket.write(chunks[0]!, done);
    } else {
      socket.cork();
      for (let i = 0; i < chunks.length; i++) socket.write(chunks[i]!, i === chunks.length - 1 ? done : undefined);
      socket.uncork();
    }
  }

  // ---- reading -------------------------------------------------------------------------

  protected onData(chunk: Buffer): void {
    try {
      this.decoder.feed(chunk);
    } catch (err) {
      const error = err instanceof RedisError ? err : new ProtocolError(`Protocol error: ${(err as Error).message}`);
      this.teardown(error, true);
    }
  }

  protected handleReply(value: RespValue): void {
    // Pub/sub: RESP2 messages are plain arrays, and an error answering SUBSCRIBE (which
    // has no reply entry) has no command to go to: both belong to the subscriber.
    if (this.onPush && (this.pushAllReplies ? this.awaiting.length === 0 || Array.isArray(value) : this.awaiting.length === 0 && value instanceof Error)) {
      this.onPush(Array.isArray(value) ? value : [value]);
      return;
    }
    this.replyCount++;
    let command = this.awaiting.peek();
    if (!command) {
      throw new ProtocolError(`Protocol error: a reply arrived from ${this.address} with no command waiting for it`);
    }
    const many = command.many;
    if (value instanceof DecodeError) {
      value = new DecodeError(`${commandName(many ? many[command.index] : command.args)}: ${value.message}`);
    }
    if (many) {
      command.collector!.replies[command.index++] = value;
      if (command.index < many.length) return; // the batch keeps the head of the queue
    }
    command = this.awaiting.shift()!;
    if (value instanceof BusyLoadingError && !many && !command.collector && this.waitForLoading(command)) {
      value = null;
      command = undefined;
    }
    const next = this.awaiting.peek();
    // Push messages between replies are decoded as the connection's options say.
    this.decoder.decodeStrings = next ? next.decode : this.options.decodeResponses;
    this.decoder.textKeys = next ? next.textKeys : false;
    const collector = command ? command.collector : null;
    if (!command) {
      // answered LOADING: it did not run and waits to be sent again
    } else if (collector) {
      if (!many) collector.replies[command.index] = value;
      collector.remaining -= many ? many.length : 1;
      if (collector.remaining === 0 && !collector.settled) {
        collector.settled = true;
        collector.resolve(collector.replies);
      }
    } else if (value instanceof Error) {
      command.reject(value);
    } else if (command.transform) {
      try {
        command.resolve(command.transform(value, command.context));
      } catch (err) {
        command.reject(err as Error);
      }
    } else {
      command.resolve(value);
    }
    if (this.awaiting.length === 0) {
      this.lastActivity = Date.now();
      if (this.toWrite.length === 0 && this.reloading.length === 0) this.nowIdle();
    }
  }

  /** Nothing is pending any more: let the process exit, and finish a close that waited. */
  protected nowIdle(): void {
    this.setRef(false);
    if (this.closeWhenIdle) this.disconnect();
    this.checkDrained();
  }

  /**
   * The server answered LOADING (it is loading its dataset after a restart): the command did
   * not run. It is sent again after a short wait, in order with the others answered LOADING,
   * unless its time is up. Returns false when it is not to wait (it then rejects).
   */
  protected waitForLoading(command: PendingCommand): boolean {
    if (this.state === "closed" || (command.expires !== 0 && Date.now() + LOADING_RETRY_MS >= command.expires)) return false;
    command.deadline = 0;
    this.reloading.push(command);
    if (!this.loadingTimer) {
      this.loadingTimer = setTimeout(() => {
        this.loadingTimer = null;
        this.requeueLoading();
        this.scheduleFlush();
      }, LOADING_RETRY_MS);
    }
    return true;
  }

  /** Puts the commands answered LOADING back at the head of the queue. */
  protected requeueLoading(): void {
    if (this.reloading.length === 0) return;
    const rest = this.toWrite.drain();
    for (const command of this.reloading) this.toWrite.push(command);
    for (const command of rest) this.toWrite.push(command);
    this.reloading = [];
  }

  protected clearLoadingWait(): void {
    if (this.loadingTimer) {
      clearTimeout(this.loadingTimer);
      this.loadingTimer = null;
    }
    this.requeueLoading();
  }

  protected handlePush(frame: RespValue[]): void {
    if (this.tracking) {
      if (isInvalidation(frame)) {
        this.tracking.invalidate(frame[1] ?? null);
        return;
      }
      // a push whose text did not decode may have been an invalidation: nothing cached is sure
      if (frame.length === 1 && frame[0] instanceof DecodeError) this.tracking.reset();
    }
    if (this.onPush) this.onPush(frame);
  }

  // ---- timeouts ------------------------------------------------------------------------

  /**
   * One timer per connection, not one per command: it is set for the oldest command's
   * deadline and, when it fires, re-armed for the next one if the oldest has been answered.
   * A reply is overdue when `socketTimeout` passed with no reply at all: while replies keep
   * coming (a long pipeline), the head gets more time.
   */
  protected armTimer(): void {
    const head = this.awaiting.peek();
    let when = head && head.deadline !== 0 ? head.deadline : 0;
    const queued = this.state === "ready" && !this.handshaking ? undefined : this.toWrite.peek();
    if (queued && queued.expires !== 0 && (when === 0 || queued.expires < when)) when = queued.expires;
    const call = this.callDeadlines !== null ? this.callDeadlines.next() : 0;
    if (call !== 0 && (when === 0 || call < when)) when = call;
    if (when === 0) return;
    if (this.timer && this.timerDeadline <= when) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDeadline = when;
    this.repliesAtTimer = this.replyCount;
    this.timer = setTimeout(this.onTimer, Math.max(0, when - Date.now()));
    this.timer.unref();
  }

  /**
   * Rejects the commands still unwritten at their expiry: the connection did not come up (or
   * the handshake did not finish) within `socketConnectTimeout + socketTimeout`.
   */
  protected expireQueued(now: number): void {
    const queue = this.toWrite;
    let head = queue.peek();
    while (head && head.expires !== 0 && head.expires <= now) {
      queue.shift();
      const waited = (this.options.socketConnectTimeout ?? this.options.socketTimeout ?? 0) + (this.options.socketTimeout ?? 0);
      const why = this.lastError ?? (this.state === "ready" ? "the handshake did not finish" : "the connection is not ready");
      this.rejectCommand(
        head,
        new TimeoutError(`Timeout: ${commandName(head.args)} could not be sent to ${this.address} within ${waited}s (${why}); it did not run`),
      );
      head = queue.peek();
    }
    this.checkDrained();
  }

  protected rejectCommand(command: PendingCommand, error: Error): void {
    const collector = command.collector;
    if (!collector) command.reject(error);
    else if (!collector.settled) {
      collector.settled = true;
      collector.reject(error);
    }
  }

  protected readonly onTimer = (): void => {
    this.timer = null;
    const now = Date.now();
    if (this.callDeadlines !== null) this.expireCalls(now);
    if (this.state !== "ready" || this.handshaking) this.expireQueued(now);
    const head = this.awaiting.peek();
    if (!head) {
      this.armTimer();
      return;
    }
    if (head.deadline !== 0 && head.deadline <= now && this.replyCount !== this.repliesAtTimer && this.options.socketTimeout !== null) {
      // Replies kept coming (a long pipeline): the socket is not stuck, give the head more time.
      head.deadline = now + (this.options.socketTimeout + Math.max(0, head.blockFor)) * 1000;
    }
    this.repliesAtTimer = this.replyCount;
    if (head.deadline !== 0 && head.deadline <= now) {
      const error = new TimeoutError(
        `Timeout reading from ${this.address}: no reply within ${this.options.socketTimeout}s; the command was sent and may have run`,
      );
      // The reply may still come: the stream is out of step, so the socket goes.
      this.teardown(error, true);
      return;
    }
    this.armTimer();
  };

  protected failAll(queue: Deque<PendingCommand>, error: Error): void {
    while (queue.length > 0) this.rejectCommand(queue.shift()!, error);
  }

  protected setRef(on: boolean): void {
    if (on === this.refed) return;
    this.refed = on;
    this.updateRef();
  }

  protected updateRef(): void {
    const socket = this.socket;
    if (!socket) return;
    if (this.refed || this.keepRef > 0 || this.awaiting.length > 0 || this.toWrite.length > 0) socket.ref();
    else socket.unref();
  }
}
