import type { ConnectionEvents } from "../events.js";
import { closedChannel, publishError, readyChannel, serverContext } from "../tracing.js";
import type { ResolvedConnectionOptions } from "./resolve.js";

/*
 * A connection's lifecycle, told to its listeners (its pool's events) and to the diagnostics
 * channels (docs/tracing.md): connected, ready, reconnecting, closed, and errors of connect rounds
 * no caller awaits. The connect trace itself is in connection.ts (`connectAttempt`).
 */

/** What these read of a connection (its public members). */
interface LifecycleSource {
  readonly options: ResolvedConnectionOptions;
  /** `host:port` or `unix:path`. */
  readonly description: string;
  readonly protocol: 2 | 3;
  readonly events: ConnectionEvents | null;
}

/** A lifecycle event for the connection's listeners, if any wants it. */
export function announce(source: LifecycleSource, name: "connected" | "ready" | "reconnecting" | "closed", extra: object): void {
  const events = source.events;
  if (events === null || !events.wantsEvent(name)) return;
  events.connectionEvent(name, { ...serverContext(source.options), address: source.description, ...extra });
}

/** The handshake finished: `ready`, with the time since the attempt started. */
export function announceReady(source: LifecycleSource, attemptStartedAt: number): void {
  announce(source, "ready", { protocol: source.protocol });
  if (readyChannel.hasSubscribers) {
    readyChannel.publish({ ...serverContext(source.options), protocol: source.protocol, createTimeMs: Date.now() - attemptStartedAt });
  }
}

/** The socket went: closed by the application (`byClient`), or lost with `error`. */
export function announceClosed(source: LifecycleSource, byClient: boolean, error: Error | null): void {
  const reason = byClient ? "application_close" : "error";
  const extra = reason === "error" && error ? { reason, error } : { reason };
  announce(source, "closed", extra);
  if (closedChannel.hasSubscribers) closedChannel.publish({ ...serverContext(source.options), ...extra });
}

/** A connect round that no caller awaits failed (a reconnect in the background). */
export function reportBackgroundError(source: LifecycleSource, err: Error): void {
  publishError(err, "reconnect", serverContext(source.options));
  const events = source.events;
  if (events !== null && events.wantsEvent("error")) events.connectionEvent("error", { error: err, origin: "reconnect", address: source.description });
}
