/**
 * Runs the OpenTelemetry-style subscriber of docs/tracing.md (examples/otel-subscriber.ts,
 * which the doc shows verbatim) against a real server and checks the spans it makes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { subscribeRedisSpans, type SpanLike, type TracerLike } from "../../examples/otel-subscriber.js";
import { Redis } from "../../src/index.js";
import { useRedisServer } from "../harness/index.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const server = useRedisServer();

interface RecordedSpan {
  name: string;
  kind: number;
  attributes: Record<string, string | number | boolean>;
  status: { code: number; message?: string } | null;
  exceptions: Error[];
  ended: boolean;
}

/** An in-memory tracer with the shape of @opentelemetry/api's. */
function memoryTracer(): TracerLike & { spans: RecordedSpan[] } {
  const spans: RecordedSpan[] = [];
  return {
    spans,
    startSpan(name, options) {
      const span: RecordedSpan = { name, kind: options.kind, attributes: { ...options.attributes }, status: null, exceptions: [], ended: false };
      spans.push(span);
      const handle: SpanLike = {
        setAttribute(k, v) {
          span.attributes[k] = v;
        },
        setStatus(s) {
          span.status = s;
        },
        recordException: (e) => void span.exceptions.push(e),
        end() {
          span.ended = true;
        },
      };
      return handle;
    },
  };
}

test("docs/tracing.md shows examples/otel-subscriber.ts as it is", () => {
  const doc = fs.readFileSync(path.join(root, "docs/tracing.md"), "utf8");
  const file = fs.readFileSync(path.join(root, "examples/otel-subscriber.ts"), "utf8");
  const block = /<!-- example:otel-subscriber -->\s*```ts\n([\s\S]*?)```/.exec(doc)?.[1];
  expect(block).toBe(file);
});

test("the example subscriber makes one CLIENT span per command and per batch, with semconv attributes", async () => {
  const tracer = memoryTracer();
  const r = new Redis({ host: "127.0.0.1", port: server().port, db: 3, decodeResponses: true });
  await r.ping();
  const stop = subscribeRedisSpans(tracer);
  try {
    await r.set("otel:k", "secret-value");
    await r.get("otel:k");
    await r.pipeline().set("otel:a", "1").incr("otel:a").execute();
    await expect(r.executeCommand("HINCRBY", "otel:k", "f", "1")).rejects.toThrow(/WRONGTYPE/);
  } finally {
    stop();
    await r.close();
  }
  const spans = tracer.spans;
  expect(spans.every((s) => s.ended && s.kind === 2)).toBe(true);
  expect(spans.map((s) => s.name)).toEqual(["SET", "GET", "MULTI", "SET", "INCRBY", "HINCRBY"]);
  const base = { "db.system.name": "redis", "server.address": "127.0.0.1", "server.port": server().port, "db.namespace": "3" };
  expect(spans[0]!.attributes).toEqual({ ...base, "db.operation.name": "SET", "db.query.text": "SET otel:k ?" });
  expect(spans[1]!.attributes).toEqual({ ...base, "db.operation.name": "GET", "db.query.text": "GET otel:k" });
  expect(spans[2]!.attributes).toEqual({ ...base, "db.operation.name": "MULTI", "db.operation.batch.size": 2 });
  expect(spans[3]!.attributes).toMatchObject({ "db.query.text": "SET otel:a ?", "db.operation.batch.size": 2 });
  const failed = spans[5]!;
  expect(failed.attributes).toMatchObject({ "db.query.text": "HINCRBY otel:k f 1", "error.type": "ResponseError", "db.response.status_code": "WRONGTYPE" });
  expect(failed.status?.code).toBe(2);
  expect(failed.exceptions).toHaveLength(1);
  expect(JSON.stringify(spans)).not.toContain("secret-value");
});
