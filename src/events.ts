/**
 * Lifecycle events (EventEmitter), without tracing: how they are emitted safely and how they
 * travel from a connection to its pool to the clients of that pool.
 *
 * A connection does not emit: it tells its owner (`ConnectionEvents`, the pool), which emits
 * on itself. A client forwards its pool's events to its own listeners, and attaches a
 * forwarder to the pool only for an event name someone listens to on the client (one
 * forwarder per name, made on the first listener, removed on `close()`). Nothing is built or
 * emitted for an event nobody listens to, and an `error` event with no listener is dropped:
 * emitting never throws. See docs/events.md.
 */
import type { EventEmitter } from "node:events";
import type { ServerContext } from "./tracing.js";

/** The events of a connection, emitted by its pool and forwarded by clients. */
export const LIFECYCLE_EVENTS = ["connected", "ready", "reconnecting", "closed", "error"] as const;
export type LifecycleEventName = (typeof LIFECYCLE_EVENTS)[number];

/** What a client forwards from its pool: the lifecycle events, and `failover` of a Sentinel pool. */
export const FORWARDED_EVENTS: readonly string[] = [...LIFECYCLE_EVENTS, "failover"];

/** `failover`: a Sentinel's master moved (after `+switch-master`, confirmed with ROLE). */
export interface FailoverEvent {
  service: string;
  /** The new master, `[host, port]`. */
  address: [string, number];
  /** The master before, when known (on a pool). */
  previous?: [string, number] | null;
}

/** `connected`: the socket is open (the handshake comes next). */
export interface ConnectedEvent extends ServerContext {
  /** `host:port` or `unix:path`. */
  address: string;
}

/** `ready`: the handshake is done; commands flow. */
export interface ReadyEvent extends ConnectedEvent {
  protocol: 2 | 3;
}

/** `reconnecting`: another connect attempt will start after `delay` milliseconds. */
export interface ReconnectingEvent extends ConnectedEvent {
  /** The attempt about to be made: 2 for the first retry of a round, or 1 when a lost connection starts a new round. */
  attempt: number;
  /** Milliseconds until it starts. */
  delay: number;
  /** Why the previous attempt or the socket failed. */
  error: Error | null;
}

/** `closed`: a socket is gone. */
export interface ClosedEvent extends ConnectedEvent {
  reason: "application_close" | "error";
  error?: Error;
}

/** `error`: an error no caller sees (a background reconnect failing, a failed topology refresh). */
export interface ErrorEvent {
  error: Error;
  /** `reconnect`, `cluster-refresh`, `sentinel`, `pubsub`, ... */
  origin: string;
  address?: string;
}

/** What a connection reports to its owner. */
export interface ConnectionEvents {
  connectionEvent(name: LifecycleEventName, payload: object): void;
  /** True when anyone listens to `name` (payloads are built only then). */
  wantsEvent(name: LifecycleEventName): boolean;
}

/**
 * Emits `name` on `emitter` when it has listeners, and only then: with no `error` listener,
 * an `error` is dropped instead of thrown. A listener that throws does not break the caller
 * (a connection in the middle of a teardown): its exception is rethrown on the next tick,
 * where Node reports it as an uncaught exception, as for any event listener.
 */
export function safeEmit(emitter: EventEmitter, name: string, payload: unknown): boolean {
  if (emitter.listenerCount(name) === 0) return false;
  try {
    emitter.emit(name, payload);
  } catch (err) {
    process.nextTick(() => {
      throw err;
    });
  }
  return true;
}

/**
 * Forwards lifecycle events of `source` to `target`, lazily: a forwarder for an event name
 * is attached to `source` when the first listener for that name is added to `target`.
 * Returns a function that detaches every forwarder (call it when `target` is closed).
 */
export function forwardLifecycle(source: EventEmitter, target: EventEmitter, names: readonly string[] = FORWARDED_EVENTS): () => void {
  const attached = new Map<string, (payload: unknown) => void>();
  let stopped = false;
  const onNewListener = (name: string | symbol): void => {
    if (stopped || typeof name !== "string" || attached.has(name) || !names.includes(name)) return;
    const forward = (payload: unknown): void => void safeEmit(target, name, payload);
    attached.set(name, forward);
    source.on(name, forward);
  };
  target.on("newListener", onNewListener);
  for (const name of names) if (target.listenerCount(name) > 0) onNewListener(name);
  return () => {
    stopped = true;
    target.off("newListener", onNewListener);
    for (const [name, forward] of attached) source.off(name, forward);
    attached.clear();
  };
}

/**
 * The events of a connection taken from a pool by an object that reports them too (PubSub):
 * told to the pool as before, then emitted on `emitter`.
 */
export function alsoEmitOn(pool: ConnectionEvents, emitter: EventEmitter): ConnectionEvents {
  return {
    connectionEvent(name, payload) {
      if (pool.wantsEvent(name)) pool.connectionEvent(name, payload);
      safeEmit(emitter, name, payload);
    },
    wantsEvent: (name) => emitter.listenerCount(name) > 0 || pool.wantsEvent(name),
  };
}
