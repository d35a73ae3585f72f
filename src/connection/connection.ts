import type * as net from "node:net";
import {
  AuthenticationError,
  AuthenticationWrongNumberOfArgsError,
  BusyLoadingError,
  ConnectionError,
  DataError,
  DecodeError,
  ProtocolError,
  RedisError,
  ResponseError,
  TimeoutError,
} from "../errors.js";
import { commandProblem, RespDecoder, WriteBatch, type CommandArg, type RespValue } from "../protocol/index.js";
import { Deque } from "./deque.js";
import { abortError, callTimeoutError, checkCallOptions, DeadlineHeap, unwatchSignal, watchSignal, type CancelTarget, type Cancellation } from "./cancel.js";
import type { ResolvedConnectionOptions } from "./resolve.js";
import { describeAddress, openSocket } from "./socket.js";
import type { ConnectionEvents } from "../events.js";
import { closedChannel, connectChannel, publishError, readyChannel, serverContext, tracePromise, type ConnectTraceContext } from "../tracing.js";

/** Turns a raw reply into the value a command method returns; `context` is the call's `SendOptions.context`. */
export type ReplyTransform = (reply: RespValue, context: any) => unknown;

/** Replies of a batch of commands (a pipeline), gathered into one array and one promise. */
interface BatchCollector {
  replies: RespValue[];
  remaining: number;
  settled: boolean;
  resolve: (replies: RespValue[]) => void;
  reject: (error: Error) => void;
}

/** One command on its way: queued to be written, then awaiting its reply. */
interface PendingCommand {
  args: readonly CommandArg[];
  /** Set for a batch (a pipeline): its replies go to `collector.replies`. */
  collector: BatchCollector | null;
  /** The next reply's position in `collector.replies`. */
  index: number;
  /**
   * A whole batch as one entry (one object for a 100,000-command pipeline, not 100,000):
   * it stays at the head of the queue until `many.length` replies came.
   */
  many: readonly (readonly CommandArg[])[] | null;
  /** False for commands the server answers only with push messages (SUBSCRIBE...). */
  expectsReply: boolean;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  transform: ReplyTransform | undefined;
  context: unknown;
  decode: boolean;
  /** Seconds the server may legitimately block before replying (BLPOP's timeout); -1 = forever. */
  blockFor: number;
  /** When the reply is overdue (ms since the epoch); 0 = never. Set when written. */
  deadline: number;
  /**
   * When the command gives up if it is still not written (ms since the epoch; 0 = never):
   * `socketConnectTimeout + socketTimeout` after it was sent. Also caps `deadline`.
   */
  expires: number;
  /** Set for a call with an `AbortSignal` or a per-call `timeout` (shared by a batch's entries); else null. */
  cancel: Cancellation | null;
}

/** How long commands answered LOADING wait before they are sent again (ms). */
const LOADING_RETRY_MS = 100;

/**
 * The least time between two failed connect rounds (after `n` failed rounds in a row): 50 ms,
 * doubling up to 1 s. It applies even with `retry: null`, so failing callers cannot make a
 * connect storm.
 */
export function roundBackoffMs(failedRounds: number): number {
  return failedRounds <= 0 ? 0 : Math.min(1000, 50 * 2 ** (failedRounds - 1));
}

/** Client-side caching: what a tracking connection calls (the cache, src/cache.ts). */
export interface TrackingTarget {
  /** The `CLIENT TRACKING` command its handshake sends. */
  trackingCommand(): CommandArg[];
  /** An `invalidate` push frame's payload: an array of keys, or null for FLUSHALL/FLUSHDB. */
  invalidate(keys: RespValue): void;
  /** The connection was lost or is being re-made: nothing cached can be trusted. */
  reset(): void;
}

export interface SendOptions {
  transform?: ReplyTransform;
  /** Passed to `transform` with the reply (the call's arguments), so no closure is made per command. */
  context?: unknown;
  /** Override `decodeResponses` for this reply. */
  decode?: boolean;
  /** The server may hold the reply this many seconds (0 = not blocking, -1 = forever). */
  blockFor?: number;
  /** False for SUBSCRIBE and friends, answered only by push messages: resolves once written. */
  expectsReply?: boolean;
  /** Cancels the call (docs/cancellation.md): before it is written it never is; after, it rejects and its reply is discarded. */
  signal?: AbortSignal | null;
  /** Seconds the call may take from `send()` to its reply, else it rejects like an abort with `TimeoutError`. */
  timeout?: number | null;
  /** When the call began (ms since the epoch), when before `send()` (it waited for a connection): `timeout` counts from then. */
  startedAt?: number;
}

const noop = (): void => {};

type State = "idle" | "connecting" | "ready" | "closed";

function commandName(args: readonly CommandArg[] | undefined): string {
  const name = args?.[0];
  return typeof name === "string" ? name.toUpperCase() : Buffer.isBuffer(name) ? name.toString("latin1").toUpperCase() : "command";
}

/** An `invalidate` push frame of client-side caching (the frame's first item, as text or bytes). */
function isInvalidation(frame: RespValue[]): boolean {
  const kind = frame[0];
  return kind === "invalidate" || (Buffer.isBuffer(kind) && kind.length === 10 && kind.toString("latin1") === "invalidate");
}

/** Commands that change what the connection is, rather than the data. */
const UNKNOWN_COMMAND = /^ERR unknown command|^ERR unknown or disabled command/i;

/**
 * One socket to one server and the commands flowing through it.
 *
 * Commands are queued and written together on the next tick (one write per tick, however
 * many commands), replies are matched in FIFO order. The socket does not hold the event
 * loop open while no reply is awaited. A lost socket rejects the commands that were written
 * (they may have run: they are never re-sent) and, when `reconnect` is set, reconnects for
 * the commands that were not written yet.
 */
export class Connection implements CancelTarget {
  readonly options: ResolvedConnectionOptions;
  /** Reconnect by itself after the socket is lost. Off for connections bound to one client. */
  reconnect: boolean;
  /** Called with every RESP3 push frame (pub/sub messages, invalidations). */
  onPush: ((frame: RespValue[]) => void) | null = null;
  /** Called when the socket is lost or closed, with the reason. */
  onDisconnect: ((error: Error | null) => void) | null = null;
  /** Handshake hook run after AUTH/HELLO/SETNAME/SELECT, e.g. to re-subscribe. */
  onConnect: ((connection: Connection) => Promise<void>) | null = null;
  /**
   * Client-side caching: the cache this connection serves. Its handshake turns `CLIENT
   * TRACKING` on, its `invalidate` push frames go to the cache, and losing the socket empties it.
   */
  tracking: TrackingTarget | null = null;
  /** Commands changed the connection's state (SELECT, WATCH, ...): a pool must not reuse it. */
  dirty = false;
  /** The RESP version agreed with the server. */
  protocol: 2 | 3 = 2;
  /** The number of times a socket was opened and handshaken. */
  connects = 0;
  /** Socket writes made (each carries every command queued in one tick). */
  writes = 0;
  /** Who hears this connection's lifecycle events (its pool), or nobody. */
  events: ConnectionEvents | null = null;
  /** Attempts in the current connect round, when the last one started, and whether `disconnect()` is closing the socket. */
  private attempts = 0;
  private attemptStartedAt = 0;
  private closingByClient = false;

  private state: State = "idle";
  private socket: net.Socket | null = null;
  private readonly decoder: RespDecoder;
  private readonly toWrite: Deque<PendingCommand> = new Deque();
  private readonly awaiting: Deque<PendingCommand> = new Deque();
  private flushScheduled = false;
  private refed = false;
  private timer: NodeJS.Timeout | null = null;
  private timerDeadline = 0;
  private lastActivity = 0;
  private connecting: Promise<void> | null = null;
  private closeWhenIdle = false;
  private readonly address: string;
  private readonly batch: WriteBatch;
  /** True while the first bytes of the handshake are in flight; user commands wait. */
  private handshaking = false;
  private keepRef = 0;
  private lostReason: string | null = null;
  /** Consecutive connect rounds that failed, and the earliest time of the next round. */
  private failedRounds = 0;
  private nextRoundAt = 0;
  /** Set while the server is unreachable (lost, or a connect attempt failed) until it is back. */
  private offline = false;
  /** The last reason a socket or a connect round failed, for messages. */
  private lastError: string | null = null;
  /** `close()` without force: no new commands; the socket closes once nothing is pending. */
  private draining = false;
  private drained: (() => void) | null = null;
  /** Commands answered LOADING, to be sent again once the wait is over. */
  private reloading: PendingCommand[] = [];
  private loadingTimer: NodeJS.Timeout | null = null;
  /** Messages of pub/sub paused by the subscriber (its queue is full): the socket is not read. */
  private readPaused = false;
  /** Replies read so far, and at the last timer check: progress means the socket is alive. */
  private replyCount = 0;
  private repliesAtTimer = 0;
  /** Per-call deadlines (`SendOptions.timeout`), watched by the connection's one timer; made on first use. */
  private callDeadlines: DeadlineHeap | null = null;

  constructor(options: ResolvedConnectionOptions, reconnect = true) {
    this.options = options;
    this.reconnect = reconnect;
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

  /** `host:port` or `unix:path`. */
  get description(): string {
    return this.address;
  }

  get isConnected(): boolean {
    return this.state === "ready";
  }

  get isClosed(): boolean {
    return this.state === "closed";
  }

  /** Commands written and awaiting replies plus commands not yet written. */
  get pendingCount(): number {
    return this.awaiting.length + this.toWrite.length + this.reloading.length;
  }

  /** Commands not yet written (waiting for the connection, or for a server that is loading). */
  get queuedCount(): number {
    return this.toWrite.length + this.reloading.length;
  }

  /** True while the connection cannot reach its server (after a loss or a failed attempt, until it is back). */
  get isOffline(): boolean {
    return this.offline;
  }

  /**
   * Stops (or resumes) reading the socket. While paused nothing is read, so the server's own
   * output buffer fills and its `client-output-buffer-limit` applies (pub/sub backpressure).
   */
  pauseReading(on: boolean): void {
    if (on === this.readPaused) return;
    this.readPaused = on;
    const socket = this.socket;
    if (!socket) return;
    if (on) socket.pause();
    else socket.resume();
  }

  /** The expiry of a command sent now (see `PendingCommand.expires`). */
  private expiry(): number {
    const timeout = this.options.socketTimeout;
    if (timeout === null) return 0;
    const connectTimeout = this.options.socketConnectTimeout ?? timeout;
    return Date.now() + (connectTimeout + timeout) * 1000;
  }

  /** Why a new command cannot be queued now, or null. */
  private refusal(args: readonly CommandArg[], count: number): Error | null {
    if (this.state === "closed") return this.closedError();
    if (this.draining) return new ConnectionError(`Connection to ${this.address} is closing: ${commandName(args)} was not sent`);
    if (this.offline && this.state !== "ready") {
      const max = this.options.maxQueuedCommands;
      if (this.queuedCount + count > max) {
        return new ConnectionError(
          `Connection to ${this.address} is down and ${this.queuedCount} commands already wait for it ` +
            `(maxQueuedCommands ${max}): ${commandName(args)} was refused and did not run`,
        );
      }
    }
    return null;
  }

  /**
   * Opens the socket and runs the handshake now, instead of on the first command. Like a
   * command, it gives up with `TimeoutError` after `socketConnectTimeout + socketTimeout`
   * (the attempt itself goes on under the retry policy).
   */
  connect(): Promise<void> {
    if (this.state === "ready") return Promise.resolve();
    if (this.state === "closed") return Promise.reject(this.closedError());
    const connecting = this.startConnecting();
    const timeout = this.options.socketTimeout;
    if (timeout === null) return connecting;
    const limit = (this.options.socketConnectTimeout ?? timeout) + timeout;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        const why = this.lastError ? ` (${this.lastError})` : "";
        reject(new TimeoutError(`Timeout connecting to ${this.address}: not ready within ${limit}s${why}`));
      }, limit * 1000);
      timer.unref();
      connecting.then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err);
        },
      );
    });
  }

  /**
   * Queues a command. It is written with every other command sent in the same tick.
   * `args` must already be validated (see `validateArgs`).
   */
  send(args: readonly CommandArg[], options?: SendOptions): Promise<unknown> {
    if (options !== undefined && (options.signal || options.timeout)) return this.sendCancellable(args, options);
    return new Promise((resolve, reject) => {
      const problem = this.refusal(args, 1) ?? commandProblem(args);
      if (problem) {
        reject(problem);
        return;
      }
      this.toWrite.push({
        args,
        collector: null,
        index: 0,
        many: null,
        expectsReply: options?.expectsReply ?? true,
        resolve,
        reject,
        transform: options?.transform,
        context: options?.context,
        decode: options?.decode ?? this.options.decodeResponses,
        blockFor: options?.blockFor ?? 0,
        deadline: 0,
        expires: this.expiry(),
        cancel: null,
      });
      this.queued();
    });
  }

  /**
   * Queues several commands to be written together, contiguously, and resolves with all
   * their replies in order (error replies stand in the array as `ResponseError` objects).
   * Rejects only if the connection fails before every reply arrived.
   */
  sendBatch(
    commands: readonly (readonly CommandArg[])[],
    options?: { decode?: boolean; decodeEach?: readonly (boolean | undefined)[]; signal?: AbortSignal | null; timeout?: number | null; startedAt?: number },
  ): Promise<RespValue[]> {
    const signal = options?.signal ?? null;
    const callTimeout = options?.timeout ?? null;
    const what = `pipeline of ${commands.length} commands`;
    if (signal !== null || callTimeout !== null) {
      try {
        checkCallOptions("sendBatch", signal, callTimeout);
      } catch (err) {
        return Promise.reject(err);
      }
      if (signal?.aborted) return Promise.reject(abortError(what, signal, false));
    }
    return new Promise((resolve, reject) => {
      const refused = this.refusal(commands[0] ?? [], commands.length);
      if (refused) {
        reject(refused);
        return;
      }
      if (commands.length === 0) {
        resolve([]);
        return;
      }
      for (let i = 0; i < commands.length; i++) {
        const problem = commandProblem(commands[i]!);
        if (problem) {
          reject(new DataError(`Command #${i + 1} of the batch: ${problem.message}; nothing was sent`));
          return;
        }
      }
      const expires = this.expiry();
      const collector: BatchCollector = {
        replies: new Array(commands.length),
        remaining: commands.length,
        settled: false,
        resolve,
        reject,
      };
      const cancel = signal !== null || callTimeout !== null ? this.startCall(what, signal, callTimeout, false, reject, options?.startedAt) : null;
      if (cancel) {
        collector.resolve = (replies) => {
          if (this.finishCall(cancel)) resolve(replies);
        };
        collector.reject = (error) => {
          if (this.finishCall(cancel)) reject(error);
        };
      }
      const decode = options?.decode ?? this.options.decodeResponses;
      const decodeEach = options?.decodeEach;
      if (!decodeEach) {
        this.toWrite.push({
          args: commands[0]!,
          collector,
          index: 0,
          many: commands,
          expectsReply: true,
          resolve: noop,
          reject: noop,
          transform: undefined,
          context: undefined,
          decode,
          blockFor: 0,
          deadline: 0,
          expires,
          cancel,
        });
        this.queued();
        if (callTimeout !== null) this.armTimer();
        return;
      }
      for (let i = 0; i < commands.length; i++) {
        this.toWrite.push({
          args: commands[i]!,
          collector,
          index: i,
          many: null,
          expectsReply: true,
          resolve: noop,
          reject: noop,
          transform: undefined,
          context: undefined,
          decode: decodeEach?.[i] ?? decode,
          blockFor: 0,
          deadline: 0,
          expires,
          cancel,
        });
      }
      this.queued();
      if (callTimeout !== null) this.armTimer();
    });
  }

  // ---- cancellation (docs/cancellation.md) ---------------------------------------------

  /** `send()` for a call with a signal or a per-call timeout: the same, plus a `Cancellation`. */
  private sendCancellable(args: readonly CommandArg[], options: SendOptions): Promise<unknown> {
    const signal = options.signal ?? null;
    const callTimeout = options.timeout ?? null;
    try {
      checkCallOptions(commandName(args), signal, callTimeout);
    } catch (err) {
      return Promise.reject(err);
    }
    if (signal?.aborted) return Promise.reject(abortError(commandName(args), signal, false));
    return new Promise((resolve, reject) => {
      const problem = this.refusal(args, 1) ?? commandProblem(args);
      if (problem) {
        reject(problem);
        return;
      }
      const blockFor = options.blockFor ?? 0;
      const cancel = this.startCall(commandName(args), signal, callTimeout, blockFor !== 0, reject, options.startedAt);
      this.toWrite.push({
        args,
        collector: null,
        index: 0,
        many: null,
        expectsReply: options.expectsReply ?? true,
        resolve: (value) => {
          if (this.finishCall(cancel)) resolve(value);
        },
        reject: (error) => {
          if (this.finishCall(cancel)) reject(error);
        },
        transform: options.transform,
        context: options.context,
        decode: options.decode ?? this.options.decodeResponses,
        blockFor,
        deadline: 0,
        expires: this.expiry(),
        cancel,
      });
      this.queued();
      if (callTimeout !== null) this.armTimer();
    });
  }

  /** The `Cancellation` of a new call, watching its signal and its deadline. */
  private startCall(
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
  private finishCall(cancel: Cancellation): boolean {
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
  private expireCalls(now: number): void {
    const heap = this.callDeadlines;
    if (heap === null) return;
    for (const cancel of heap.takeExpired(now)) this.cancelCall(cancel, callTimeoutError(cancel));
  }

  /**
   * RESP2 pub/sub: once subscribed, every reply (messages, confirmations, PING's pong) is
   * a push in all but name; they all go to `onPush`.
   */
  pushAllReplies = false;

  private queued(): void {
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

  /** Keeps the event loop alive while this connection has a standing purpose (a subscription). */
  hold(on: boolean): void {
    this.keepRef += on ? 1 : -1;
    this.updateRef();
  }

  /** Closes the socket once every pending reply has arrived. New commands still work until then. */
  closeWhenDone(): void {
    if (this.pendingCount === 0) {
      this.disconnect();
    } else {
      this.closeWhenIdle = true;
    }
  }

  /**
   * Closes the socket now. Commands awaiting replies reject with `ConnectionError`. The
   * connection may be used again afterwards (it reconnects) unless `permanently`.
   */
  disconnect(permanently = false, reason?: Error): void {
    const error = reason ?? new ConnectionError(`Connection to ${this.address} closed by the client while the command awaited its reply: it may have run`);
    this.closingByClient = true;
    try {
      this.teardown(error, true);
    } finally {
      this.closingByClient = false;
    }
    if (permanently) {
      this.state = "closed";
      this.clearLoadingWait();
      this.failAll(this.toWrite, new ConnectionError(`Connection to ${this.address} closed by the client before the command was sent: it did not run`));
      this.checkDrained();
    }
  }

  /**
   * Closes for good and waits for the socket to be gone: at once (like `disconnect(true)`),
   * or with `graceful: true` once every pending command settled: no new command is taken,
   * those queued are written and every reply is awaited (each within its own deadline).
   */
  async close(options?: { graceful?: boolean }): Promise<void> {
    if (options?.graceful && this.state !== "closed" && this.pendingCount > 0) {
      this.draining = true;
      await new Promise<void>((resolve) => {
        this.drained = resolve;
        this.checkDrained();
      });
    }
    const socket = this.socket;
    this.disconnect(true);
    if (socket && !socket.destroyed) {
      await new Promise<void>((resolve) => socket.once("close", () => resolve()));
    }
  }

  private checkDrained(): void {
    if (this.drained && this.pendingCount === 0) {
      const done = this.drained;
      this.drained = null;
      done();
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** `<Connection(host=...,port=...,db=...)>`: where it goes, never a secret. */
  toString(): string {
    const o = this.options;
    const where = o.unixSocketPath ? `path=${o.unixSocketPath}` : `host=${o.host},port=${o.port}`;
    return `<Connection(${where},db=${o.db})>`;
  }

  toJSON(): string {
    return this.toString();
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  // ---- connecting ----------------------------------------------------------------------

  private startConnecting(): Promise<void> {
    if (this.connecting) return this.connecting;
    this.state = "connecting";
    this.attempts = 0;
    const retry = this.options.retry;
    const run = () =>
      retry.callWithRetry(
        () => this.connectAttempt(),
        (err) => {
          this.offline = true;
          this.lastError = (err as Error).message;
          this.teardown(null, false);
        },
        {
          isRetryable: (err) => this.state !== "closed" && retry.isRetryable(err) && !(err instanceof AuthenticationError) && !(err instanceof DataError),
          onRetry: (failures, delay, err) => this.reconnecting(failures + 1, delay * 1000, err as Error),
        },
      );
    // After a failed round the next one waits a little, whatever the retry policy says.
    const wait = this.nextRoundAt - Date.now();
    if (this.connects > 0 || this.failedRounds > 0) this.reconnecting(1, Math.max(wait, 0), null);
    const attempt =
      wait > 0
        ? new Promise<void>((resolve) => setTimeout(resolve, wait)).then(() => {
            if (this.state === "closed") throw this.closedError();
            return run();
          })
        : run();
    this.connecting = attempt.then(
      () => {
        this.connecting = null;
        if (this.state !== "connecting") return;
        this.state = "ready";
        this.offline = false;
        this.lastError = null;
        this.failedRounds = 0;
        this.nextRoundAt = 0;
        this.setRef(this.pendingCount > 0);
        this.scheduleFlush();
        this.announceReady();
      },
      (err: Error) => {
        this.connecting = null;
        this.offline = true;
        this.lastError = err.message;
        this.failedRounds++;
        this.nextRoundAt = Date.now() + roundBackoffMs(this.failedRounds);
        if (this.state === "connecting") this.state = "idle";
        this.failAll(this.toWrite, err);
        this.checkDrained();
        this.updateRef();
        throw err;
      },
    );
    return this.connecting;
  }

  // ---- lifecycle events and traces (connect / close) ------------------------------------------

  /** One attempt (`connectOnce`), under an `aioredis:connect` trace when someone listens. */
  private connectAttempt(): Promise<void> {
    this.attempts++;
    this.attemptStartedAt = Date.now();
    if (connectChannel.hasSubscribers !== true) return this.connectOnce();
    const context = serverContext(this.options) as ConnectTraceContext;
    context.attempt = this.attempts;
    context.connects = this.connects;
    return tracePromise(connectChannel, () => this.connectOnce(), context);
  }

  private lifecycle(name: "connected" | "ready" | "reconnecting" | "closed", extra: object): void {
    const events = this.events;
    if (events === null || !events.wantsEvent(name)) return;
    events.connectionEvent(name, { ...serverContext(this.options), address: this.address, ...extra });
  }

  private reconnecting(attempt: number, delayMs: number, error: Error | null): void {
    this.lifecycle("reconnecting", { attempt, delay: delayMs, error });
  }

  private announceReady(): void {
    this.lifecycle("ready", { protocol: this.protocol });
    if (readyChannel.hasSubscribers) {
      readyChannel.publish({ ...serverContext(this.options), protocol: this.protocol, createTimeMs: Date.now() - this.attemptStartedAt });
    }
  }

  private announceClosed(error: Error | null): void {
    const reason = this.closingByClient || this.state === "closed" ? "application_close" : "error";
    const extra = reason === "error" && error ? { reason, error } : { reason };
    this.lifecycle("closed", extra);
    if (closedChannel.hasSubscribers) closedChannel.publish({ ...serverContext(this.options), ...extra });
  }

  /** A connect round that no caller awaits failed (a reconnect in the background). */
  private backgroundError(err: Error): void {
    publishError(err, "reconnect", serverContext(this.options));
    const events = this.events;
    if (events !== null && events.wantsEvent("error")) events.connectionEvent("error", { error: err, origin: "reconnect", address: this.address });
  }

  private async connectOnce(): Promise<void> {
    if (this.isClosed) throw this.closedError();
    const socket = await openSocket(this.options);
    if (this.isClosed) {
      socket.destroy();
      throw new ConnectionError(`Connection to ${this.address} is closed`);
    }
    this.lifecycle("connected", {});
    this.socket = socket;
    this.decoder.reset();
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (err) => this.onSocketError(socket, err));
    socket.on("close", () => this.onSocketClose(socket));
    this.refed = true;
    this.updateRef();
    this.handshaking = true;
    try {
      await this.handshake();
      if (this.onConnect) await this.onConnect(this);
    } catch (err) {
      this.teardown(err as Error, false);
      throw err;
    } finally {
      this.handshaking = false;
    }
    this.connects++;
    this.lastActivity = Date.now();
    // Paused by a subscriber with a full queue: the handshake was read, the rest waits.
    if (this.readPaused) socket.pause();
  }

  private async handshake(): Promise<void> {
    const opts = this.options;
    let username = opts.username;
    let password = opts.password;
    if (opts.credentialProvider) {
      const creds = await opts.credentialProvider.getCredentials();
      if (creds === null || typeof creds !== "object")
        throw new DataError("credentialProvider.getCredentials() must return an object { username?, password? }");
      for (const key of ["username", "password"] as const) {
        const value = creds[key];
        if (value !== undefined && value !== null && typeof value !== "string")
          throw new DataError(`credentialProvider.getCredentials(): '${key}' must be a string`);
      }
      username = creds.username ?? null;
      password = creds.password ?? null;
    }
    // As redis-py: a user name alone authenticates as that user with an empty password
    // (never a silent fall back to `default`).
    const authenticate = Boolean(password || username);
    if (authenticate) password ??= "";
    this.protocol = 2;
    let nameSet = false;
    if (opts.protocol === 3) {
      const hello: CommandArg[] = ["HELLO", "3"];
      if (authenticate) hello.push("AUTH", username || "default", password!);
      if (opts.clientName) hello.push("SETNAME", opts.clientName);
      try {
        await this.sendNow(hello);
        this.protocol = 3;
        nameSet = opts.clientName !== null;
      } catch (err) {
        // Servers before 6.0 have no HELLO: speak RESP2 and AUTH the old way.
        if (!(err instanceof ResponseError && (UNKNOWN_COMMAND.test(err.message) || err.code === "NOPROTO"))) throw err;
        if (authenticate) await this.auth(username, password!);
      }
    } else if (authenticate) {
      await this.auth(username, password!);
    }
    const setup: Promise<unknown>[] = [];
    if (opts.clientName && !nameSet) setup.push(this.sendNow(["CLIENT", "SETNAME", opts.clientName]));
    if (opts.db !== 0) setup.push(this.sendNow(["SELECT", opts.db]));
    if (opts.readOnly) setup.push(this.sendNow(["READONLY"]));
    if (setup.length > 0) await Promise.all(setup);
    if (this.tracking) await this.startTracking(this.tracking);
  }

  /**
   * Client-side caching: turns tracking on. The cache was emptied when the previous socket
   * went (teardown); commands queued since then are written after this, so they are tracked.
   */
  private async startTracking(tracking: TrackingTarget): Promise<void> {
    if (this.protocol !== 3) {
      throw new DataError(
        `clientSideCache needs RESP3, but the server at ${this.address} answered HELLO 3 with an error (Redis before 6.0 speaks only RESP2): the cache cannot be used with it`,
      );
    }
    await this.sendNow(tracking.trackingCommand());
  }

  private async auth(username: string | null, password: string): Promise<void> {
    try {
      await this.sendNow(username ? ["AUTH", username, password] : ["AUTH", password]);
    } catch (err) {
      // A server before 6.0 knows only AUTH <password>.
      if (!(err instanceof AuthenticationWrongNumberOfArgsError) || !username) throw err;
      await this.sendNow(["AUTH", password]);
    }
  }

  /** Writes a handshake command at once, ahead of any queued command. */
  private sendNow(args: CommandArg[]): Promise<unknown> {
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

  private scheduleFlush(): void {
    if (this.toWrite.length > 0 && !this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(this.flushNow);
    }
  }

  private readonly flushNow = (): void => {
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
  private healthCheck(): void {
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

  private writeCommands(commands: PendingCommand[], batch: WriteBatch = this.batch): void {
    const socket = this.socket;
    if (!socket) return;
    const timeout = this.options.socketTimeout;
    let unanswered: PendingCommand[] | null = null;
    for (const command of commands) {
      const cancel = command.cancel;
      if (cancel !== null) {
        if (cancel.done) continue; // cancelled before it was written: it never is
        cancel.written = true;
      }
      const many = command.many;
      // Nothing may throw here: a command that cannot be encoded fails alone.
      batch.mark();
      try {
        if (many) for (let i = 0; i < many.length; i++) batch.add(many[i]!);
        else batch.add(command.args);
      } catch (err) {
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
      if (this.awaiting.length === 0) this.decoder.decodeStrings = command.decode;
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
    if (chunks.length === 1) {
      socket.write(chunks[0]!, wipe);
    } else {
      socket.cork();
      for (let i = 0; i < chunks.length; i++) socket.write(chunks[i]!, i === chunks.length - 1 ? wipe : undefined);
      socket.uncork();
    }
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

  // ---- reading -------------------------------------------------------------------------

  private onData(chunk: Buffer): void {
    try {
      this.decoder.feed(chunk);
    } catch (err) {
      const error = err instanceof RedisError ? err : new ProtocolError(`Protocol error: ${(err as Error).message}`);
      this.teardown(error, true);
    }
  }

  private handleReply(value: RespValue): void {
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
      command = null as unknown as PendingCommand;
    }
    const next = this.awaiting.peek();
    // Push messages between replies are decoded as the connection's options say.
    this.decoder.decodeStrings = next ? next.decode : this.options.decodeResponses;
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
  private nowIdle(): void {
    this.setRef(false);
    if (this.closeWhenIdle) this.disconnect();
    this.checkDrained();
  }

  /**
   * The server answered LOADING (it is loading its dataset after a restart): the command did
   * not run. It is sent again after a short wait, in order with the others answered LOADING,
   * unless its time is up. Returns false when it is not to wait (it then rejects).
   */
  private waitForLoading(command: PendingCommand): boolean {
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
  private requeueLoading(): void {
    if (this.reloading.length === 0) return;
    const rest = this.toWrite.drain();
    for (const command of this.reloading) this.toWrite.push(command);
    for (const command of rest) this.toWrite.push(command);
    this.reloading = [];
  }

  private clearLoadingWait(): void {
    if (this.loadingTimer) {
      clearTimeout(this.loadingTimer);
      this.loadingTimer = null;
    }
    this.requeueLoading();
  }

  private handlePush(frame: RespValue[]): void {
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
  private armTimer(): void {
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
  private expireQueued(now: number): void {
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

  private rejectCommand(command: PendingCommand, error: Error): void {
    const collector = command.collector;
    if (!collector) command.reject(error);
    else if (!collector.settled) {
      collector.settled = true;
      collector.reject(error);
    }
  }

  private readonly onTimer = (): void => {
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

  // ---- losing the socket ---------------------------------------------------------------

  private onSocketError(socket: net.Socket, err: NodeJS.ErrnoException): void {
    if (socket !== this.socket) return;
    this.offline = true;
    this.teardown(new ConnectionError(`Connection to ${this.address} lost: ${err.code ?? err.message}`, { cause: err }), true);
  }

  private onSocketClose(socket: net.Socket): void {
    if (socket !== this.socket) return;
    this.offline = true;
    this.teardown(new ConnectionError(`Connection to ${this.address} closed by the server`), true);
  }

  /**
   * Drops the socket. Written commands reject with `error`; unwritten ones wait for the
   * next socket when `reconnectQueued` and `reconnect` allow it, and reject otherwise.
   */
  private teardown(error: Error | null, reconnectQueued: boolean): void {
    const socket = this.socket;
    this.socket = null;
    this.closeWhenIdle = false;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (socket) {
      socket.removeAllListeners("data");
      socket.destroy();
      socket.on("error", () => {});
    }
    const failure = error ?? new ConnectionError(`Connection to ${this.address} lost`);
    this.failAll(this.awaiting, failure);
    this.decoder.reset();
    this.clearLoadingWait();
    const wasReady = this.state === "ready";
    if (error) this.lastError = error.message;
    if (this.state === "ready") this.state = "idle";
    if (socket && this.tracking) this.tracking.reset(); // invalidations may be missed from now on
    if (socket && this.onDisconnect) this.onDisconnect(error);
    if (socket) this.announceClosed(error);
    if (!reconnectQueued || this.state === "closed") {
      this.armTimer();
      return;
    }
    if (this.toWrite.length > 0) {
      if (this.reconnect && this.state === "idle") {
        this.startConnecting().catch((err: Error) => this.backgroundError(err));
      } else if (!this.reconnect && wasReady) {
        this.failAll(this.toWrite, failure);
      }
    }
    if (!this.reconnect && wasReady) {
      this.state = "closed";
      this.lostReason = failure.message;
    }
    this.checkDrained();
    this.armTimer();
    this.updateRef();
  }

  private closedError(): ConnectionError {
    return new ConnectionError(
      this.lostReason
        ? `Connection to ${this.address} was lost and this connection does not reconnect (${this.lostReason})`
        : `Connection to ${this.address} is closed`,
    );
  }

  private failAll(queue: Deque<PendingCommand>, error: Error): void {
    while (queue.length > 0) this.rejectCommand(queue.shift()!, error);
  }

  private setRef(on: boolean): void {
    if (on === this.refed) return;
    this.refed = on;
    this.updateRef();
  }

  private updateRef(): void {
    const socket = this.socket;
    if (!socket) return;
    if (this.refed || this.keepRef > 0 || this.awaiting.length > 0 || this.toWrite.length > 0) socket.ref();
    else socket.unref();
  }
}
