import type * as net from "node:net";
import { AuthenticationError, ConnectionError, DataError, TimeoutError } from "../errors.js";
import { commandProblem, type CommandArg, type RespValue } from "../protocol/index.js";
import { abortError, checkCallOptions } from "./cancel.js";
import { runHandshake } from "./handshake.js";
import { commandName, type BatchCollector, type SendOptions } from "./pending.js";
import { CommandQueue } from "./queue.js";
import type { ResolvedConnectionOptions } from "./resolve.js";
import { openSocket } from "./socket.js";
import type { ConnectionEvents } from "../events.js";
import { connectChannel, serverContext, tracePromise, type ConnectTraceContext } from "../tracing.js";
import { announce, announceClosed, announceReady, reportBackgroundError } from "./lifecycle.js";

export type { ReplyTransform, SendOptions, TrackingTarget } from "./pending.js";

/**
 * The least time between two failed connect rounds (after `n` failed rounds in a row): 50 ms,
 * doubling up to 1 s. It applies even with `retry: null`, so failing callers cannot make a
 * connect storm.
 */
export function roundBackoffMs(failedRounds: number): number {
  return failedRounds <= 0 ? 0 : Math.min(1000, 50 * 2 ** (failedRounds - 1));
}

const noop = (): void => {};

/**
 * One socket to one server and the commands flowing through it.
 *
 * Commands are queued and written together on the next tick (one write per tick, however
 * many commands), replies are matched in FIFO order. The socket does not hold the event
 * loop open while no reply is awaited. A lost socket rejects the commands that were written
 * (they may have run: they are never re-sent) and, when `reconnect` is set, reconnects for
 * the commands that were not written yet.
 */
export class Connection extends CommandQueue {
  /** Reconnect by itself after the socket is lost. Off for connections bound to one client. */
  reconnect: boolean;
  /** Called when the socket is lost or closed, with the reason. */
  onDisconnect: ((error: Error | null) => void) | null = null;
  /** Handshake hook run after AUTH/HELLO/SETNAME/SELECT, e.g. to re-subscribe. */
  onConnect: ((connection: Connection) => Promise<void>) | null = null;
  /** Commands changed the connection's state (SELECT, WATCH, ...): a pool must not reuse it. */
  dirty = false;
  /** @internal Its slot among its pool's checked-out connections (pool.ts), -1 when not checked out. */
  lentAt = -1;
  /** @internal Gives it back to its pool: made once, by the pool's `releaserOf()`. */
  releaser: (() => void) | null = null;
  /** The RESP version agreed with the server. */
  protocol: 2 | 3 = 2;
  /** The number of times a socket was opened and handshaken. */
  connects = 0;
  /** Who hears this connection's lifecycle events (its pool), or nobody. */
  events: ConnectionEvents | null = null;
  /** Attempts in the current connect round, when the last one started, and whether `disconnect()` is closing the socket. */
  private attempts = 0;
  private attemptStartedAt = 0;
  private closingByClient = false;
  private connecting: Promise<void> | null = null;
  private lostReason: string | null = null;
  /** Consecutive connect rounds that failed, and the earliest time of the next round. */
  private failedRounds = 0;
  private nextRoundAt = 0;
  /** Set while the server is unreachable (lost, or a connect attempt failed) until it is back. */
  private offline = false;
  /** `close()` without force: no new commands; the socket closes once nothing is pending. */
  private draining = false;
  /** Messages of pub/sub paused by the subscriber (its queue is full): the socket is not read. */
  private readPaused = false;

  constructor(options: ResolvedConnectionOptions, reconnect = true) {
    super(options);
    this.reconnect = reconnect;
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
        textKeys: options?.textKeys ?? false,
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
          textKeys: false,
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
          textKeys: false,
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
        textKeys: options.textKeys ?? false,
        blockFor,
        deadline: 0,
        expires: this.expiry(),
        cancel,
      });
      this.queued();
      if (callTimeout !== null) this.armTimer();
    });
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
  override disconnect(permanently = false, reason?: Error): void {
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

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** `<Connection(host=...,port=...,db=...)>`: where it goes, never a secret. */
  override toString(): string {
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

  protected override startConnecting(): Promise<void> {
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
          onRetry: (failures, delay, err) => announce(this, "reconnecting", { attempt: failures + 1, delay: delay * 1000, error: err as Error }),
        },
      );
    // After a failed round the next one waits a little, whatever the retry policy says.
    const wait = this.nextRoundAt - Date.now();
    if (this.connects > 0 || this.failedRounds > 0) announce(this, "reconnecting", { attempt: 1, delay: Math.max(wait, 0), error: null });
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
        announceReady(this, this.attemptStartedAt);
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

  private async connectOnce(): Promise<void> {
    if (this.isClosed) throw this.closedError();
    const socket = await openSocket(this.options);
    if (this.isClosed) {
      socket.destroy();
      throw new ConnectionError(`Connection to ${this.address} is closed`);
    }
    announce(this, "connected", {});
    this.socket = socket;
    this.decoder.reset();
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (err) => this.onSocketError(socket, err));
    socket.on("close", () => this.onSocketClose(socket));
    this.refed = true;
    this.updateRef();
    this.handshaking = true;
    try {
      await runHandshake(this, (args) => this.sendNow(args));
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
  protected override teardown(error: Error | null, reconnectQueued: boolean): void {
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
    if (socket) announceClosed(this, this.closingByClient || this.state === "closed", error);
    if (!reconnectQueued || this.state === "closed") {
      this.armTimer();
      return;
    }
    if (this.toWrite.length > 0) {
      if (this.reconnect && this.state === "idle") {
        this.startConnecting().catch((err: Error) => reportBackgroundError(this, err));
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
}
