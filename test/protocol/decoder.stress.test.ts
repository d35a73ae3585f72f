import { describe, expect, test } from "vitest";
import { RespDecoder, type RespValue } from "../../src/protocol/index.js";

function collect(decodeStrings: boolean) {
  const replies: RespValue[] = [];
  const decoder = new RespDecoder({ onReply: (v) => replies.push(v), onPush: () => {} }, { decodeStrings });
  return { decoder, replies };
}

/** `depth` arrays nested in each other, the innermost holding `:42`; each level also holds a string. */
function nested(depth: number): Buffer {
  return Buffer.from("*2\r\n+s\r\n".repeat(depth) + ":42\r\n");
}

/** Walks the nesting iteratively (toEqual would recurse); returns the depth reached, or -1 if malformed. */
function measure(value: RespValue): number {
  let depth = 0;
  let v = value;
  while (Array.isArray(v)) {
    if (v.length !== 2 || v[0] !== "s") return -1;
    v = v[1]!;
    depth++;
  }
  return v === 42 ? depth : -1;
}

describe("deep nesting uses no recursion", () => {
  for (const depth of [10_000, 100_000]) {
    test(`${depth} nested arrays, whole`, () => {
      const { decoder, replies } = collect(true);
      decoder.feed(nested(depth));
      expect(replies).toHaveLength(1);
      expect(measure(replies[0]!)).toBe(depth);
    });

    test(`${depth} nested arrays, split into small chunks`, () => {
      const { decoder, replies } = collect(true);
      const data = nested(depth);
      let pendingThroughout = true;
      for (let i = 0; i < data.length; i += 7) {
        decoder.feed(data.subarray(i, i + 7));
        if (i + 7 < data.length) pendingThroughout &&= decoder.pending;
      }
      expect(pendingThroughout).toBe(true);
      expect(replies).toHaveLength(1);
      expect(measure(replies[0]!)).toBe(depth);
      expect(decoder.pending).toBe(false);
    });
  }

  test("100,000 nested maps and attributes", () => {
    const { decoder, replies } = collect(false);
    const depth = 100_000;
    decoder.feed(Buffer.from("%1\r\n|1\r\n_\r\n_\r\n:1\r\n".repeat(depth) + "_\r\n"));
    let v = replies[0]!;
    let n = 0;
    while (v instanceof Map && v.size === 1 && v.has(1)) {
      v = v.get(1)!;
      n++;
    }
    expect(v).toBe(null);
    expect(n).toBe(depth);
  });
});

describe("large bulk strings", () => {
  const size = 64 * 1024 * 1024;
  const payload = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i += 4096) payload.fill(i & 0x7f, i, i + 4096);
  const data = Buffer.concat([Buffer.from(`*2\r\n$${size}\r\n`), payload, Buffer.from("\r\n:7\r\n")]);

  for (const decodeStrings of [false, true]) {
    test(`64 MiB bulk string in 64 KiB chunks (decodeStrings: ${decodeStrings})`, () => {
      const { decoder, replies } = collect(decodeStrings);
      const chunk = 64 * 1024;
      // Offset the chunking so that the payload starts mid-chunk.
      for (let i = 0; i < data.length; i += chunk) decoder.feed(data.subarray(i, i + chunk));
      expect(replies).toHaveLength(1);
      const [value, seven] = replies[0] as [RespValue, RespValue];
      expect(seven).toBe(7);
      if (decodeStrings) {
        expect(typeof value).toBe("string");
        const s = value as string;
        expect(s.length).toBe(size);
        for (let i = 0; i < size; i += 4096 * 97) expect(s.charCodeAt(i)).toBe(i & 0x7f);
        expect(Buffer.from(s, "latin1").equals(payload)).toBe(true);
      } else {
        expect(Buffer.isBuffer(value)).toBe(true);
        expect((value as Buffer).equals(payload)).toBe(true);
      }
    });
  }

  test("bulk string inside one large chunk is zero-copy", () => {
    const { decoder, replies } = collect(false);
    decoder.feed(data);
    const [value] = replies[0] as [Buffer];
    expect(value.buffer).toBe(data.buffer);
    expect(value.length).toBe(size);
  });
});
