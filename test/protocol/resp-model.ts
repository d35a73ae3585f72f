/**
 * Test-only RESP3 model: fast-check arbitraries for typed RESP values, a small serializer
 * (independent of the decoder) and the values/events the decoder is expected to produce.
 */
import fc from "fast-check";
import { errorFromReply } from "../../src/errors.js";
import { RespDecoder, type RespValue } from "../../src/protocol/index.js";

export type Model =
  | { t: "simple"; v: string }
  | { t: "error"; v: string }
  | { t: "int"; v: bigint }
  | { t: "bulk"; v: Uint8Array | null }
  | { t: "array"; v: Model[] | null }
  | { t: "null" }
  | { t: "bool"; v: boolean }
  | { t: "double"; v: number; text?: string }
  | { t: "bignum"; v: bigint }
  | { t: "bloberr"; v: string }
  | { t: "verbatim"; fmt: string; v: Uint8Array }
  | { t: "map"; v: [Model, Model][] }
  | { t: "set"; v: Model[] }
  | { t: "push"; v: Model[] }
  | { t: "attr"; attrs: [Model, Model][]; v: Model };

export type DecodeEvent = ["reply", RespValue] | ["push", RespValue[]] | ["attr", Map<RespValue, RespValue>];

// ---- arbitraries ----

/** Text without CR or LF (simple strings and errors). */
const lineText = fc.string({ unit: "grapheme-composite", maxLength: 20 }).map((s) => s.replace(/[\r\n]/g, " "));
const errorText = fc
  .tuple(fc.constantFrom("ERR", "WRONGTYPE", "NOSCRIPT", "MOVED", "ASK", "LOADING", "NOAUTH", "OOM", "X"), lineText)
  .map(([code, rest]) => `${code} ${rest}`);
const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }).map((s) => new Uint8Array(Buffer.from(s))),
  fc.constant(new Uint8Array(Buffer.from("a\r\nb\r\n$3\r\n*1\r\n"))),
);
const int64 = fc.oneof(
  fc.integer({ min: -1000, max: 100000 }).map(BigInt),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.constantFrom(
    BigInt(Number.MAX_SAFE_INTEGER),
    BigInt(Number.MAX_SAFE_INTEGER) + 1n,
    BigInt(Number.MIN_SAFE_INTEGER),
    BigInt(Number.MIN_SAFE_INTEGER) - 1n,
    0n,
  ),
);
const double = fc.oneof(
  fc.double().map((v): Model => ({ t: "double", v })),
  fc.constantFrom<Model>(
    { t: "double", v: 1.5, text: "1.5" },
    { t: "double", v: 10, text: "10" },
    { t: "double", v: 1e300, text: "1e+300" },
    { t: "double", v: -0.25, text: "-.25" },
    { t: "double", v: 3, text: "3." },
    { t: "double", v: 120, text: "1.2E2" },
    { t: "double", v: Infinity, text: "inf" },
    { t: "double", v: -Infinity, text: "-inf" },
    { t: "double", v: NaN, text: "nan" },
  ),
);

const scalar: fc.Arbitrary<Model> = fc.oneof(
  lineText.map((v): Model => ({ t: "simple", v })),
  errorText.map((v): Model => ({ t: "error", v })),
  int64.map((v): Model => ({ t: "int", v })),
  bytes.map((v): Model => ({ t: "bulk", v })),
  fc.constant<Model>({ t: "bulk", v: null }),
  fc.constant<Model>({ t: "array", v: null }),
  fc.constant<Model>({ t: "null" }),
  fc.boolean().map((v): Model => ({ t: "bool", v })),
  double,
  fc.bigInt().map((v): Model => ({ t: "bignum", v })),
  fc.string({ maxLength: 20 }).map((v): Model => ({ t: "bloberr", v: `ERR ${v}\r\nmore` })),
  fc.tuple(fc.constantFrom("txt", "mkd"), bytes).map(([fmt, v]): Model => ({ t: "verbatim", fmt, v })),
);

/** Any RESP3 value, nested; `push` frames only at the top level (see `topLevel`). */
export const model: fc.Arbitrary<Model> = fc.letrec<{ value: Model }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(tie("value"), { maxLength: 5 }).map((v): Model => ({ t: "array", v })),
    fc.array(fc.tuple(tie("value"), tie("value")), { maxLength: 4 }).map((v): Model => ({ t: "map", v })),
    fc.array(tie("value"), { maxLength: 4 }).map((v): Model => ({ t: "set", v })),
    fc.array(tie("value"), { maxLength: 3 }).map((v): Model => ({ t: "push", v })),
    fc.tuple(fc.array(fc.tuple(scalar, scalar), { maxLength: 2 }), tie("value")).map(([attrs, v]): Model => ({ t: "attr", attrs, v })),
  ),
})).value;

/** A sequence of top-level replies (some of them push frames). */
export const replies = fc.array(model, { minLength: 1, maxLength: 8 });

// ---- serializer ----

function bulk(type: string, data: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`${type}${data.length}\r\n`), data, Buffer.from("\r\n")]);
}

function doubleText(m: { v: number; text?: string }): string {
  if (m.text !== undefined) return m.text;
  if (Number.isNaN(m.v)) return "nan";
  if (m.v === Infinity) return "inf";
  if (m.v === -Infinity) return "-inf";
  return String(m.v);
}

export function serialize(m: Model, out: Buffer[] = []): Buffer[] {
  switch (m.t) {
    case "simple":
      out.push(Buffer.from(`+${m.v}\r\n`));
      break;
    case "error":
      out.push(Buffer.from(`-${m.v}\r\n`));
      break;
    case "int":
      out.push(Buffer.from(`:${m.v}\r\n`));
      break;
    case "bulk":
      out.push(m.v === null ? Buffer.from("$-1\r\n") : bulk("$", m.v));
      break;
    case "array":
      if (m.v === null) {
        out.push(Buffer.from("*-1\r\n"));
      } else {
        out.push(Buffer.from(`*${m.v.length}\r\n`));
        for (const e of m.v) serialize(e, out);
      }
      break;
    case "null":
      out.push(Buffer.from("_\r\n"));
      break;
    case "bool":
      out.push(Buffer.from(m.v ? "#t\r\n" : "#f\r\n"));
      break;
    case "double":
      out.push(Buffer.from(`,${doubleText(m)}\r\n`));
      break;
    case "bignum":
      out.push(Buffer.from(`(${m.v}\r\n`));
      break;
    case "bloberr":
      out.push(bulk("!", Buffer.from(m.v)));
      break;
    case "verbatim":
      out.push(bulk("=", Buffer.concat([Buffer.from(`${m.fmt}:`), m.v])));
      break;
    case "map":
      out.push(Buffer.from(`%${m.v.length}\r\n`));
      for (const [k, v] of m.v) {
        serialize(k, out);
        serialize(v, out);
      }
      break;
    case "set":
      out.push(Buffer.from(`~${m.v.length}\r\n`));
      for (const e of m.v) serialize(e, out);
      break;
    case "push":
      out.push(Buffer.from(`>${m.v.length}\r\n`));
      for (const e of m.v) serialize(e, out);
      break;
    case "attr":
      out.push(Buffer.from(`|${m.attrs.length}\r\n`));
      for (const [k, v] of m.attrs) {
        serialize(k, out);
        serialize(v, out);
      }
      serialize(m.v, out);
      break;
  }
  return out;
}

export function encodeAll(ms: Model[]): Buffer {
  const out: Buffer[] = [];
  for (const m of ms) serialize(m, out);
  return Buffer.concat(out);
}

// ---- expected decoder output ----

export interface ExpectOptions {
  decodeStrings: boolean;
  encoding?: BufferEncoding;
}

function str(data: Uint8Array | string, o: ExpectOptions): string | Buffer {
  const buf = typeof data === "string" ? Buffer.from(data) : Buffer.from(data);
  return o.decodeStrings ? buf.toString(o.encoding ?? "utf8") : buf;
}

/** The value the decoder must produce; attribute events are appended to `events` in stream order. */
export function expected(m: Model, o: ExpectOptions, events: DecodeEvent[]): RespValue {
  switch (m.t) {
    case "simple":
      return str(m.v, o);
    case "error":
      return errorFromReply(m.v);
    case "int":
      return m.v >= BigInt(Number.MIN_SAFE_INTEGER) && m.v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(m.v) : m.v;
    case "bulk":
      return m.v === null ? null : str(m.v, o);
    case "array":
      return m.v === null ? null : m.v.map((e) => expected(e, o, events));
    case "null":
      return null;
    case "bool":
      return m.v;
    case "double":
      return m.v === 0 ? 0 : m.v;
    case "bignum":
      return m.v;
    case "bloberr":
      return errorFromReply(m.v);
    case "verbatim":
      return str(m.v, o);
    case "map": {
      const map = new Map<RespValue, RespValue>();
      for (const [k, v] of m.v) {
        const key = expected(k, o, events);
        map.set(key, expected(v, o, events));
      }
      return map;
    }
    case "set":
    case "push":
      return m.v.map((e) => expected(e, o, events));
    case "attr": {
      const map = new Map<RespValue, RespValue>();
      for (const [k, v] of m.attrs) {
        const key = expected(k, o, events);
        map.set(key, expected(v, o, events));
      }
      events.push(["attr", map]);
      return expected(m.v, o, events);
    }
  }
}

/** Expected handler events for a sequence of top-level replies. */
export function expectedEvents(ms: Model[], o: ExpectOptions): DecodeEvent[] {
  const events: DecodeEvent[] = [];
  for (const m of ms) {
    // A push frame is delivered to onPush when it is the top-level value (after attributes).
    let inner = m;
    while (inner.t === "attr") inner = inner.v;
    const value = expected(m, o, events);
    if (inner.t === "push") events.push(["push", value as RespValue[]]);
    else events.push(["reply", value]);
  }
  return events;
}

// ---- decoding helpers ----

export function recorder(options: ExpectOptions & { maxBulkLength?: number } = { decodeStrings: false }) {
  const events: DecodeEvent[] = [];
  const decoder = new RespDecoder(
    {
      onReply: (v) => events.push(["reply", v]),
      onPush: (v) => events.push(["push", v]),
      onAttribute: (v) => events.push(["attr", v]),
    },
    // The model decodes arbitrary bytes as Buffer#toString does: invalid UTF-8 becomes U+FFFD.
    { encodingErrors: "replace", ...options },
  );
  return { decoder, events };
}

/** Feeds `data` cut at the given (sorted, deduplicated) offsets. */
export function feedSplit(decoder: RespDecoder, data: Buffer, cuts: readonly number[]): void {
  let prev = 0;
  for (const c of cuts) {
    if (c <= prev || c >= data.length) continue;
    decoder.feed(data.subarray(prev, c));
    prev = c;
  }
  decoder.feed(data.subarray(prev));
}
