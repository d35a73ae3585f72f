/**
 * An OpenTelemetry-style subscriber for aioredis's diagnostics channels: one CLIENT span per
 * command and per pipeline/transaction, with the stable database semantic-convention
 * attributes. docs/tracing.md shows this file; test/tracing/otel-example.test.ts runs it.
 *
 * It needs only a tracer shaped like @opentelemetry/api's (`trace.getTracer("aioredis")`
 * fits): aioredis itself depends on nothing.
 *
 *   import { trace } from "@opentelemetry/api";
 *   const stop = subscribeRedisSpans(trace.getTracer("aioredis"));
 */
import dc from "node:diagnostics_channel";
import { CHANNELS, queryText, type BatchTraceContext, type CommandTraceContext } from "../src/index.js";

/** The parts of an OpenTelemetry `Span` this subscriber uses. */
export interface SpanLike {
  setAttribute(key: string, value: string | number | boolean): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  recordException(error: Error): unknown;
  end(): void;
}

/** The parts of an OpenTelemetry `Tracer` this subscriber uses. */
export interface TracerLike {
  startSpan(name: string, options: { kind: number; attributes: Record<string, string | number> }): SpanLike;
}

/** `SpanKind.CLIENT` and `SpanStatusCode.ERROR` of @opentelemetry/api. */
const SPAN_KIND_CLIENT = 2;
const STATUS_ERROR = 2;

/** The attributes every span gets: where the command went. */
function serverAttributes(context: CommandTraceContext | BatchTraceContext): Record<string, string | number> {
  const attributes: Record<string, string | number> = {
    "db.system.name": "redis",
    "server.address": context.serverAddress,
    "db.namespace": String(context.database),
  };
  // semconv: server.port only when it is not the default
  if (context.serverPort !== undefined && context.serverPort !== 6379) attributes["server.port"] = context.serverPort;
  return attributes;
}

/** Subscribes; returns a function that unsubscribes. */
export function subscribeRedisSpans(tracer: TracerLike): () => void {
  // One span per trace, found again from the context object the five events share.
  const spans = new WeakMap<object, SpanLike>();

  const fail = (context: { error?: unknown }): void => {
    const span = spans.get(context);
    const error = context.error;
    if (!span || !(error instanceof Error)) return;
    span.recordException(error);
    span.setAttribute("error.type", error.constructor.name);
    // db.response.status_code: the error prefix the server sent (ERR, WRONGTYPE, ...)
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string") span.setAttribute("db.response.status_code", code);
    span.setStatus({ code: STATUS_ERROR, message: error.message });
  };
  const finish = (context: object): void => {
    spans.get(context)?.end();
    spans.delete(context);
  };

  const command = {
    start(message: unknown) {
      const context = message as CommandTraceContext;
      const attributes = serverAttributes(context);
      attributes["db.operation.name"] = context.command;
      // the arguments are already redacted by aioredis (values are `?`)
      attributes["db.query.text"] = queryText(context);
      if (context.batchMode) attributes["db.operation.batch.size"] = context.batchSize!;
      spans.set(context, tracer.startSpan(context.command, { kind: SPAN_KIND_CLIENT, attributes }));
    },
    end() {},
    asyncStart() {},
    asyncEnd: (message: unknown) => finish(message as object),
    error: (message: unknown) => fail(message as CommandTraceContext),
  };

  const batch = {
    start(message: unknown) {
      const context = message as BatchTraceContext;
      const attributes = serverAttributes(context);
      attributes["db.operation.name"] = context.batchMode;
      if (context.batchSize !== 1) attributes["db.operation.batch.size"] = context.batchSize;
      spans.set(context, tracer.startSpan(context.batchMode, { kind: SPAN_KIND_CLIENT, attributes }));
    },
    end() {},
    asyncStart() {},
    asyncEnd: (message: unknown) => finish(message as object),
    error: (message: unknown) => fail(message as BatchTraceContext),
  };

  const commandChannel = dc.tracingChannel(CHANNELS.command);
  const batchChannel = dc.tracingChannel(CHANNELS.batch);
  commandChannel.subscribe(command);
  batchChannel.subscribe(batch);
  return () => {
    commandChannel.unsubscribe(command);
    batchChannel.unsubscribe(batch);
  };
}
