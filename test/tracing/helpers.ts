/** Recording subscribers for the tracing tests. */
import dc from "node:diagnostics_channel";
import { CHANNELS } from "../../src/index.js";

export interface TraceEvent {
  channel: string;
  event: "start" | "end" | "asyncStart" | "asyncEnd" | "error" | "publish";
  /** The context object (shared by the five events of one trace), or the point message. */
  context: Record<string, unknown>;
  /** A copy of the context's fields at the time of the event. */
  snapshot: Record<string, unknown>;
}

const TRACING = [CHANNELS.command, CHANNELS.batch, CHANNELS.connect] as const;
const POINTS = [
  CHANNELS.connectionReady,
  CHANNELS.connectionClosed,
  CHANNELS.poolAcquire,
  CHANNELS.poolRelease,
  CHANNELS.pubsubMessage,
  CHANNELS.clusterRedirect,
  CHANNELS.error,
] as const;

/** Subscribes to every aioredis channel; `stop()` unsubscribes. */
export function recordAll(): { events: TraceEvent[]; stop(): void; of(channel: string, event?: TraceEvent["event"]): TraceEvent[] } {
  const events: TraceEvent[] = [];
  const undo: (() => void)[] = [];
  for (const name of TRACING) {
    const channel = dc.tracingChannel(name);
    const record = (event: TraceEvent["event"]) => (message: unknown) => {
      const context = message as Record<string, unknown>;
      events.push({ channel: name, event, context, snapshot: { ...context } });
    };
    const handlers = {
      start: record("start"),
      end: record("end"),
      asyncStart: record("asyncStart"),
      asyncEnd: record("asyncEnd"),
      error: record("error"),
    };
    channel.subscribe(handlers);
    undo.push(() => channel.unsubscribe(handlers));
  }
  for (const name of POINTS) {
    const handler = (message: unknown) => {
      const context = message as Record<string, unknown>;
      events.push({ channel: name, event: "publish", context, snapshot: { ...context } });
    };
    dc.subscribe(name, handler);
    undo.push(() => dc.unsubscribe(name, handler));
  }
  return {
    events,
    stop: () => {
      for (const u of undo) u();
    },
    of: (channel, event) => events.filter((e) => e.channel === channel && (event === undefined || e.event === event)),
  };
}

/** Every string reachable from the recorded payloads (Buffers as text, errors by message and stack), for leak checks. */
export function payloadText(events: TraceEvent[]): string {
  const seen = new Set<unknown>();
  const parts: string[] = [];
  const visit = (value: unknown, depth: number): void => {
    if (depth > 6 || value === null || value === undefined) return;
    if (typeof value === "string") parts.push(value);
    else if (typeof value === "number" || typeof value === "boolean") parts.push(String(value));
    else if (Buffer.isBuffer(value)) parts.push(value.toString("latin1"));
    else if (typeof value === "object") {
      if (seen.has(value)) return;
      seen.add(value);
      if (value instanceof Error) parts.push(value.message, value.stack ?? "");
      for (const v of Object.values(value as Record<string, unknown>)) visit(v, depth + 1);
      if (value instanceof Map) {
        for (const [k, v] of value) {
          visit(k, depth + 1);
          visit(v, depth + 1);
        }
      }
    }
  };
  for (const e of events) {
    visit(e.context, 0);
    visit(e.snapshot, 0);
  }
  return parts.join("\n");
}
