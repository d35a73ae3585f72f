/**
 * The benchmark's "node floor" (bench/floor.mjs) is a measuring instrument: its parser must
 * read every reply shape the scenarios get, however the bytes are cut into reads, or its
 * rates would mean nothing.
 */
import { describe, expect, it } from "vitest";
// @ts-expect-error -- plain ESM benchmark module without types
import { MiniParser } from "../bench/floor.mjs";

const wire = Buffer.concat([
  Buffer.from("+OK\r\n:-12\r\n$-1\r\n*-1\r\n*0\r\n$0\r\n\r\n-ERR wrong type\r\n"),
  Buffer.from("*2\r\n$3\r\nkey\r\n*2\r\n:1\r\n$5\r\nhello\r\n"),
  Buffer.from(`$${70_000}\r\n${"x".repeat(70_000)}\r\n`),
  Buffer.from("*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$4\r\ndata\r\n+PONG\r\n"),
]);

function parseIn(pieces: Buffer[], decode: boolean): unknown[] {
  const out: unknown[] = [];
  const p = new MiniParser(decode, (v: unknown) => out.push(v));
  for (const piece of pieces) p.feed(piece);
  return out;
}

function expected(decode: boolean): unknown[] {
  const s = (text: string) => (decode ? text : Buffer.from(text));
  return [
    "OK",
    -12,
    null,
    null,
    [],
    s(""),
    new Error("ERR wrong type"),
    [s("key"), [1, s("hello")]],
    s("x".repeat(70_000)),
    [s("message"), s("ch"), s("data")],
    "PONG",
  ];
}

describe("bench/floor.mjs MiniParser", () => {
  for (const decode of [true, false]) {
    it(`reads every reply shape in one read and cut at every byte (${decode ? "strings" : "Buffers"})`, () => {
      expect(parseIn([wire], decode)).toEqual(expected(decode));
      const bytes = [...wire].map((b) => Buffer.from([b]));
      expect(parseIn(bytes, decode)).toEqual(expected(decode));
      for (const cut of [1, 5, 17, 4096, 65_536]) {
        const pieces: Buffer[] = [];
        for (let i = 0; i < wire.length; i += cut) pieces.push(wire.subarray(i, i + cut));
        expect(parseIn(pieces, decode), `reads of ${cut} bytes`).toEqual(expected(decode));
      }
    });
  }
});
