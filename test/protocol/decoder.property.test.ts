import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { isUtf8 } from "node:buffer";
import { DecodeError, ProtocolError } from "../../src/errors.js";
import { RespDecoder, type RespValue } from "../../src/protocol/index.js";
import { encodeAll, expectedEvents, feedSplit, model, recorder, replies, type DecodeEvent, type ExpectOptions } from "./resp-model.js";

const modes: ExpectOptions[] = [{ decodeStrings: true }, { decodeStrings: false }];

/** Sorted cut points inside `length`. */
function cutsFor(length: number) {
  return fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, length - 1) }), { maxLength: 12 }).map((a) => a.sort((x, y) => x - y));
}

interface Outcome {
  events: DecodeEvent[];
  error?: string;
  pending: boolean;
}

/** Feeds the chunks; returns what the handlers saw and the ProtocolError message, if any. */
function run(feed: (d: RespDecoder) => void, options: ExpectOptions = { decodeStrings: true }): Outcome {
  const { decoder, events } = recorder(options);
  try {
    feed(decoder);
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw e;
    return { events, error: e.message, pending: decoder.pending };
  }
  return { events, pending: decoder.pending };
}

describe.each(modes)("round trip (decodeStrings: $decodeStrings)", (options) => {
  test("whole buffer decodes to the expected values", () => {
    fc.assert(
      fc.property(replies, (ms) => {
        const data = encodeAll(ms);
        const out = run((d) => d.feed(data), options);
        expect(out.error).toBeUndefined();
        expect(out.pending).toBe(false);
        expect(out.events).toEqual(expectedEvents(ms, options));
      }),
      { numRuns: 300 },
    );
  });

  test("split at random boundaries decodes the same as whole", () => {
    fc.assert(
      fc.property(
        replies.chain((ms) => {
          const data = encodeAll(ms);
          return fc.tuple(fc.constant(ms), fc.constant(data), cutsFor(data.length));
        }),
        ([ms, data, cuts]) => {
          const whole = run((d) => d.feed(data), options);
          const split = run((d) => feedSplit(d, data, cuts), options);
          expect(split).toEqual(whole);
          expect(split.events).toEqual(expectedEvents(ms, options));
        },
      ),
      { numRuns: 300 },
    );
  });

  test("one byte at a time decodes the same as whole", () => {
    fc.assert(
      fc.property(fc.array(model, { minLength: 1, maxLength: 3 }), (ms) => {
        const data = encodeAll(ms);
        const whole = run((d) => d.feed(data), options);
        const bytes = run((d) => {
          for (let i = 0; i < data.length; i++) d.feed(data.subarray(i, i + 1));
        }, options);
        expect(bytes).toEqual(whole);
      }),
      { numRuns: 150 },
    );
  });
});

/** A reply's field names (even elements of a top-level array, keys of a top-level map) as text, as `toObject` makes them. */
function namesAsText(v: DecodeEvent[1]): DecodeEvent[1] {
  const text = (k: RespValue) => (Buffer.isBuffer(k) ? k.toString() : k);
  if (Array.isArray(v)) return v.map((e, i) => (i % 2 === 0 ? text(e) : e));
  if (v instanceof Map) return new Map([...v].map(([k, e]) => [text(k), e]));
  return v;
}

describe("textKeys (Buffer replies)", () => {
  test("wherever the chunks are cut, the replies are those without it, field names as text", () => {
    fc.assert(
      fc.property(
        replies.chain((ms) => {
          const data = encodeAll(ms);
          return fc.tuple(fc.constant(data), cutsFor(data.length));
        }),
        ([data, cuts]) => {
          const plain = run((d) => d.feed(data), { decodeStrings: false });
          const keyed = run(
            (d) => {
              d.textKeys = true;
              feedSplit(d, data, cuts);
            },
            { decodeStrings: false },
          );
          expect(keyed.error).toBe(plain.error);
          expect(keyed.events.map(([kind, v]) => [kind, kind === "reply" ? namesAsText(v) : v])).toEqual(
            plain.events.map(([kind, v]) => [kind, kind === "reply" ? namesAsText(v) : v]),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("handlers that throw", () => {
  test("no reply is lost or repeated when handlers throw at random points", () => {
    fc.assert(
      fc.property(
        replies.chain((ms) => {
          const data = encodeAll(ms);
          return fc.tuple(fc.constant(ms), fc.constant(data), cutsFor(data.length), fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }));
        }),
        ([ms, data, cuts, throwAt]) => {
          const events: DecodeEvent[] = [];
          let n = 0;
          const maybeThrow = () => {
            if (throwAt[n++ % throwAt.length]) throw new Error("handler failure");
          };
          const decoder = new RespDecoder(
            {
              onReply: (v) => (events.push(["reply", v]), maybeThrow()),
              onPush: (v) => (events.push(["push", v]), maybeThrow()),
              onAttribute: (v) => (events.push(["attr", v]), maybeThrow()),
            },
            { decodeStrings: true, encodingErrors: "replace" },
          );
          const feedChecked = (chunk: Buffer) => {
            try {
              decoder.feed(chunk);
            } catch (e) {
              expect((e as Error).message).toBe("handler failure");
            }
          };
          let prev = 0;
          for (const c of [...cuts, data.length]) {
            if (c <= prev) continue;
            feedChecked(data.subarray(prev, c));
            prev = c;
          }
          // Drain whatever a throwing handler left behind.
          for (let i = 0; i < 100 && decoder.pending; i++) feedChecked(Buffer.alloc(0));
          expect(decoder.pending).toBe(false);
          expect(events).toEqual(expectedEvents(ms, { decodeStrings: true }));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("corrupt input", () => {
  /** Valid encodings with a few bytes flipped, inserted or removed. */
  const mutated = fc
    .tuple(
      replies.map(encodeAll),
      fc.array(
        fc.tuple(
          fc.constantFrom("flip", "insert", "delete", "special"),
          fc.nat(),
          fc.integer({ min: 0, max: 255 }),
          fc.constantFrom(13, 10, 45, 48, 57, 36, 42, 58, 43, 95, 35, 44, 40, 33, 61, 37, 126, 124, 62),
        ),
        { minLength: 1, maxLength: 4 },
      ),
    )
    .map(([data, edits]) => {
      const bytes = [...data];
      for (const [kind, at, value, special] of edits) {
        const i = bytes.length === 0 ? 0 : at % bytes.length;
        if (kind === "flip") bytes[i] = value;
        else if (kind === "insert") bytes.splice(i, 0, value);
        else if (kind === "delete") bytes.splice(i, 1);
        else bytes[i] = special;
      }
      return Buffer.from(bytes);
    });

  const randomBytes = fc.oneof(
    fc.uint8Array({ maxLength: 200 }).map((u) => Buffer.from(u)),
    // Mostly protocol-looking bytes.
    fc.array(fc.constantFrom(..."+-:$*_#,(!=%~|>\r\n0123456789-abc".split("")), { maxLength: 200 }).map((a) => Buffer.from(a.join(""), "latin1")),
  );

  const corrupt = fc.oneof(mutated, randomBytes);

  test("decodes values or throws ProtocolError (same whether whole or split)", () => {
    fc.assert(
      fc.property(
        corrupt.chain((data) => fc.tuple(fc.constant(data), cutsFor(data.length))),
        ([data, cuts]) => {
          const whole = run((d) => d.feed(data));
          const split = run((d) => feedSplit(d, data, cuts));
          expect(split).toEqual(whole);
        },
      ),
      { numRuns: 2000 },
    );
  });

  test("one byte at a time behaves like whole", () => {
    fc.assert(
      fc.property(corrupt, (data) => {
        const whole = run((d) => d.feed(data));
        const bytes = run((d) => {
          for (let i = 0; i < data.length; i++) d.feed(data.subarray(i, i + 1));
        });
        expect(bytes).toEqual(whole);
      }),
      { numRuns: 500 },
    );
  });

  test("a failed decoder keeps failing with ProtocolError", () => {
    fc.assert(
      fc.property(corrupt, randomBytes, (data, more) => {
        const { decoder } = recorder({ decodeStrings: false });
        try {
          decoder.feed(data);
        } catch (e) {
          expect(e).toBeInstanceOf(ProtocolError);
          expect(() => decoder.feed(Buffer.concat([more, Buffer.from("+OK\r\n")]))).toThrow(ProtocolError);
        }
      }),
      { numRuns: 300 },
    );
  });

  test("lengths claimed by corrupt headers do not allocate memory up front", () => {
    const { decoder } = recorder({ decodeStrings: false });
    const before = process.memoryUsage();
    // 100,000 nested arrays each claiming 4 billion elements, then a bulk claiming 512 MiB.
    const header = Buffer.from("*4294967295\r\n".repeat(1000));
    for (let i = 0; i < 100; i++) decoder.feed(header);
    const nested = Buffer.from("*60000\r\n".repeat(1000));
    for (let i = 0; i < 100; i++) decoder.feed(nested);
    decoder.feed(Buffer.from("%4294967296\r\n~4294967296\r\n$536870912\r\nabc"));
    expect(decoder.pending).toBe(true);
    const after = process.memoryUsage();
    const grown = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);
    expect(grown).toBeLessThan(200 * 1024 * 1024);
    decoder.reset();
    expect(decoder.pending).toBe(false);
  });
});

describe('encodingErrors "strict" wherever the chunks are cut', () => {
  // Text payloads: valid UTF-8 (multi-byte characters included, so cuts fall inside them) or
  // arbitrary bytes (mostly invalid UTF-8, incomplete sequences at either edge included).
  const payload = fc.oneof(
    fc.string({ unit: "grapheme", maxLength: 12 }).map((s) => Buffer.from(s)),
    fc.uint8Array({ maxLength: 12 }).map((a) => Buffer.from(a)),
    fc.constantFrom(Buffer.from([0xc3]), Buffer.from([0xa9]), Buffer.from([0xe2, 0x82]), Buffer.from("é€😀")),
  );
  const reply = fc.array(payload, { maxLength: 6 });
  const encode = (r: Buffer[]) =>
    Buffer.concat([Buffer.from(`*${r.length}\r\n`), ...r.flatMap((p) => [Buffer.from(`$${p.length}\r\n`), p, Buffer.from("\r\n")])]);

  test("a reply is a DecodeError exactly when one of its strings is not valid UTF-8, however it is split", () => {
    fc.assert(
      fc.property(
        fc.array(reply, { minLength: 1, maxLength: 6 }).chain((rs) => {
          const data = Buffer.concat(rs.map(encode));
          return fc.tuple(fc.constant(rs), fc.constant(data), cutsFor(data.length));
        }),
        ([rs, data, cuts]) => {
          const got: RespValue[] = [];
          const d = new RespDecoder({ onReply: (v) => got.push(v), onPush: () => {} }, { decodeStrings: true });
          feedSplit(d, data, cuts);
          expect(got).toHaveLength(rs.length);
          rs.forEach((r, i) => {
            if (r.every((p) => isUtf8(p))) expect(got[i]).toEqual(r.map((p) => p.toString("utf8")));
            else expect(got[i]).toBeInstanceOf(DecodeError);
          });
        },
      ),
      { numRuns: 400 },
    );
  });
});
