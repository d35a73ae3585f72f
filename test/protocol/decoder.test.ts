import { describe, expect, test } from "vitest";
import {
  AskError,
  AuthenticationError,
  BusyLoadingError,
  DecodeError,
  MovedError,
  NoScriptError,
  OutOfMemoryError,
  ProtocolError,
  ResponseError,
} from "../../src/errors.js";
import { RespDecoder, type RespValue } from "../../src/protocol/index.js";
import { recorder, type DecodeEvent } from "./resp-model.js";

const b = (s: string) => Buffer.from(s, "latin1");

/** Decodes `input` (whole) and returns the handler events. */
function decode(input: string | Buffer, decodeStrings = true): DecodeEvent[] {
  const { decoder, events } = recorder({ decodeStrings });
  decoder.feed(typeof input === "string" ? b(input) : input);
  expect(decoder.pending).toBe(false);
  return events;
}

function one(input: string, decodeStrings = true): RespValue {
  const events = decode(input, decodeStrings);
  expect(events).toHaveLength(1);
  expect(events[0]![0]).toBe("reply");
  return events[0]![1];
}

function protocolError(input: string | Buffer | Buffer[], options: { maxBulkLength?: number } = {}): ProtocolError {
  const { decoder } = recorder({ decodeStrings: true, ...options });
  const chunks = Array.isArray(input) ? input : [typeof input === "string" ? b(input) : input];
  try {
    for (const c of chunks) decoder.feed(c);
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError);
    // Stays failed until reset().
    expect(() => decoder.feed(b("+OK\r\n"))).toThrow(ProtocolError);
    return e as ProtocolError;
  }
  throw new Error("expected a ProtocolError");
}

describe("RESP2 types", () => {
  test("simple string", () => {
    expect(one("+OK\r\n")).toBe("OK");
    expect(one("+OK\r\n", false)).toEqual(b("OK"));
    expect(one("+\r\n")).toBe("");
    expect(one("+héllo\r\n".replace("é", "\xc3\xa9"))).toBe("héllo");
  });

  test("error reply is a value, not thrown", () => {
    const err = one("-ERR unknown command 'foo'\r\n");
    expect(err).toBeInstanceOf(ResponseError);
    expect((err as ResponseError).code).toBe("ERR");
    expect((err as ResponseError).message).toBe("ERR unknown command 'foo'");
    expect(one("-WRONGPASS invalid username-password pair\r\n")).toBeInstanceOf(AuthenticationError);
    expect(one("-LOADING Redis is loading\r\n")).toBeInstanceOf(BusyLoadingError);
  });

  test("integers", () => {
    expect(one(":0\r\n")).toBe(0);
    expect(one(":-0\r\n")).toBe(0);
    expect(Object.is(one(":-0\r\n"), 0)).toBe(true);
    expect(one(":1000\r\n")).toBe(1000);
    expect(one(":-42\r\n")).toBe(-42);
    expect(one(":999999999999999\r\n")).toBe(999999999999999);
    expect(one(":9007199254740991\r\n")).toBe(Number.MAX_SAFE_INTEGER);
    expect(one(":-9007199254740991\r\n")).toBe(Number.MIN_SAFE_INTEGER);
    expect(one(":00000000000000000012\r\n")).toBe(12);
    expect(one(":9007199254740992\r\n")).toBe(9007199254740992n);
    expect(one(":-9007199254740992\r\n")).toBe(-9007199254740992n);
    expect(one(":9223372036854775807\r\n")).toBe(9223372036854775807n);
    expect(one(":-9223372036854775808\r\n")).toBe(-9223372036854775808n);
  });

  test("bulk strings", () => {
    expect(one("$5\r\nhello\r\n")).toBe("hello");
    expect(one("$5\r\nhello\r\n", false)).toEqual(b("hello"));
    expect(one("$0\r\n\r\n")).toBe("");
    expect(one("$0\r\n\r\n", false)).toEqual(Buffer.alloc(0));
    expect(one("$-1\r\n")).toBe(null);
    expect(one("$4\r\na\r\nb\r\n", false)).toEqual(b("a\r\nb"));
    const utf8 = Buffer.from("héllo wörld ☃ 😀");
    expect(one(`$${utf8.length}\r\n${utf8.toString("latin1")}\r\n`)).toBe("héllo wörld ☃ 😀");
    const binary = Buffer.from([0, 255, 128, 13, 10, 36]);
    expect(one(`$6\r\n${binary.toString("latin1")}\r\n`, false)).toEqual(binary);
  });

  test("arrays", () => {
    expect(one("*0\r\n")).toEqual([]);
    expect(one("*-1\r\n")).toBe(null);
    expect(one("*3\r\n:1\r\n$3\r\nfoo\r\n*2\r\n+a\r\n$-1\r\n")).toEqual([1, "foo", ["a", null]]);
    expect(one("*2\r\n$1\r\na\r\n*0\r\n", false)).toEqual([b("a"), []]);
  });

  test("errors nested in arrays stay elements, with the right class", () => {
    const v = one(
      "*5\r\n+OK\r\n-WRONGTYPE Operation against a key holding the wrong kind of value\r\n-NOSCRIPT No matching script\r\n" +
        "-MOVED 3999 127.0.0.1:6381\r\n-ASK 12 [::1]:7000\r\n",
    ) as RespValue[];
    expect(v[0]).toBe("OK");
    expect(v[1]).toBeInstanceOf(ResponseError);
    expect((v[1] as ResponseError).code).toBe("WRONGTYPE");
    expect(v[2]).toBeInstanceOf(NoScriptError);
    expect((v[2] as NoScriptError).code).toBe("NOSCRIPT");
    expect(v[3]).toBeInstanceOf(MovedError);
    expect(v[3]).toMatchObject({ slotId: 3999, host: "127.0.0.1", port: 6381 });
    expect(v[4]).toBeInstanceOf(AskError);
    expect(v[4]).not.toBeInstanceOf(MovedError);
    expect(v[4]).toMatchObject({ slotId: 12, host: "::1", port: 7000 });
  });

  test("several replies in one chunk, in order", () => {
    expect(decode("+OK\r\n:1\r\n$1\r\nx\r\n*1\r\n:2\r\n-ERR x\r\n").map((e) => e[1])).toEqual(["OK", 1, "x", [2], new ResponseError("ERR x")]);
  });
});

describe("RESP3 types", () => {
  test("null, booleans", () => {
    expect(one("_\r\n")).toBe(null);
    expect(one("#t\r\n")).toBe(true);
    expect(one("#f\r\n")).toBe(false);
  });

  test("doubles", () => {
    expect(one(",1.5\r\n")).toBe(1.5);
    expect(one(",-0.25\r\n")).toBe(-0.25);
    expect(one(",10\r\n")).toBe(10);
    expect(one(",1.5e10\r\n")).toBe(1.5e10);
    expect(one(",1E-3\r\n")).toBe(0.001);
    expect(one(",inf\r\n")).toBe(Infinity);
    expect(one(",-inf\r\n")).toBe(-Infinity);
    expect(one(",+inf\r\n")).toBe(Infinity);
    expect(one(",nan\r\n")).toBeNaN();
    expect(one(",-nan\r\n")).toBeNaN();
  });

  test("big numbers", () => {
    expect(one("(3492890328409238509324850943850943825024385\r\n")).toBe(3492890328409238509324850943850943825024385n);
    expect(one("(-12\r\n")).toBe(-12n);
    expect(one("(0\r\n")).toBe(0n);
  });

  test("blob errors", () => {
    const e = one("!21\r\nSYNTAX invalid syntax\r\n");
    expect(e).toBeInstanceOf(ResponseError);
    expect((e as ResponseError).code).toBe("SYNTAX");
    const oom = one("!16\r\nOOM out\r\nof mem.\r\n");
    expect(oom).toBeInstanceOf(OutOfMemoryError);
    expect((oom as Error).message).toBe("OOM out\r\nof mem.");
    expect(one("!-1\r\n")).toBe(null);
  });

  test("verbatim strings drop the format prefix", () => {
    expect(one("=15\r\ntxt:Some string\r\n")).toBe("Some string");
    expect(one("=15\r\ntxt:Some string\r\n", false)).toEqual(b("Some string"));
    expect(one("=4\r\nmkd:\r\n")).toBe("");
  });

  test("maps, sets", () => {
    const m = one("%2\r\n+first\r\n:1\r\n+second\r\n*2\r\n:2\r\n:3\r\n");
    expect(m).toBeInstanceOf(Map);
    expect([...(m as Map<RespValue, RespValue>)]).toEqual([
      ["first", 1],
      ["second", [2, 3]],
    ]);
    expect(one("%0\r\n")).toEqual(new Map());
    expect(one("~3\r\n+a\r\n:1\r\n#f\r\n")).toEqual(["a", 1, false]);
    expect(one("~0\r\n")).toEqual([]);
    const bin = one("%1\r\n$1\r\nk\r\n$1\r\nv\r\n", false) as Map<RespValue, RespValue>;
    expect([...bin]).toEqual([[b("k"), b("v")]]);
  });

  test("attributes go to onAttribute; the following value is the reply", () => {
    const events = decode("|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.1923\r\n*2\r\n:2039123\r\n:9543892\r\n");
    expect(events).toEqual([
      ["attr", new Map([["key-popularity", new Map([["a", 0.1923]])]])],
      ["reply", [2039123, 9543892]],
    ]);
    // Inside an aggregate an attribute is not an element.
    expect(decode("*2\r\n:1\r\n|1\r\n+ttl\r\n:3600\r\n+x\r\n")).toEqual([
      ["attr", new Map([["ttl", 3600]])],
      ["reply", [1, "x"]],
    ]);
    expect(decode("|0\r\n:5\r\n")).toEqual([
      ["attr", new Map()],
      ["reply", 5],
    ]);
  });

  test("attributes without an onAttribute handler are skipped", () => {
    const replies: RespValue[] = [];
    const d = new RespDecoder({ onReply: (v) => replies.push(v), onPush: () => {} }, { decodeStrings: true });
    d.feed(b("|1\r\n+a\r\n+b\r\n:1\r\n*1\r\n|0\r\n+x\r\n"));
    expect(replies).toEqual([1, ["x"]]);
  });

  test("push frames", () => {
    expect(decode(">3\r\n+message\r\n+chan\r\n$5\r\nhello\r\n:7\r\n")).toEqual([
      ["push", ["message", "chan", "hello"]],
      ["reply", 7],
    ]);
    expect(decode(">0\r\n")).toEqual([["push", []]]);
    // Not at the top level: an ordinary array.
    expect(decode("*1\r\n>1\r\n:1\r\n")).toEqual([["reply", [[1]]]]);
  });
});

describe("decoder behaviour", () => {
  test("bulk strings inside one chunk are zero-copy views of it", () => {
    const chunk = b("*2\r\n$5\r\nhello\r\n+OK\r\n");
    const v = one(chunk.toString("latin1"), false);
    expect(v).toEqual([b("hello"), b("OK")]);
    const { decoder, events } = recorder({ decodeStrings: false });
    decoder.feed(chunk);
    const [hello, ok] = events[0]![1] as Buffer[];
    expect(hello!.buffer).toBe(chunk.buffer);
    expect(hello!.byteOffset).toBe(chunk.byteOffset + 8);
    expect(ok!.buffer).toBe(chunk.buffer);
  });

  test("decodeStrings and encoding are read per reply", () => {
    const seen: RespValue[] = [];
    const settings: [boolean, BufferEncoding][] = [
      [true, "latin1"],
      [true, "utf8"],
      [false, "utf8"],
      [true, "hex"],
      [true, "utf8"],
      [false, "utf8"],
    ];
    const d: RespDecoder = new RespDecoder({
      onReply(v) {
        seen.push(v);
        [d.decodeStrings, d.encoding] = settings[seen.length - 1]!;
      },
      onPush() {},
    });
    expect(d.decodeStrings).toBe(false);
    expect(d.encoding).toBe("utf8");
    const e = "\xc3\xa9";
    d.feed(b(`$2\r\n${e}\r\n$2\r\n${e}\r\n+${e}\r\n*1\r\n$2\r\n${e}\r\n=6\r\ntxt:${e}\r\n$2\r\n${e}`));
    d.feed(b("\r\n"));
    expect(seen).toEqual([b(e), "Ã©", "é", [b(e)], "c3a9", "é"]);
  });

  test("textKeys: with Buffers, the field names of a top-level array or map come as text, nothing else does", () => {
    const { decoder, events } = recorder({ decodeStrings: false });
    decoder.textKeys = true;
    // RESP2 flat pairs; a name that is not valid UTF-8 decodes as Buffer#toString would.
    decoder.feed(b("*6\r\n$1\r\na\r\n$1\r\n1\r\n+b\r\n+2\r\n$2\r\n\xff\xfe\r\n$1\r\n3\r\n"));
    // RESP3 map; values that are aggregates keep Buffers inside; a nested map's keys stay Buffers.
    decoder.feed(b("%2\r\n$1\r\nk\r\n*2\r\n$1\r\nx\r\n$1\r\ny\r\n$1\r\nm\r\n%1\r\n$1\r\ni\r\n$1\r\nj\r\n"));
    // A push frame and a set are not replies with field names.
    decoder.feed(b(">3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$4\r\ndata\r\n~2\r\n$1\r\np\r\n$1\r\nq\r\n"));
    // A lone string is not a field name.
    decoder.feed(b("$3\r\nabc\r\n"));
    const replies = events.map((e) => e[1]);
    expect(replies[0]).toEqual(["a", b("1"), "b", b("2"), Buffer.from([0xff, 0xfe]).toString(), b("3")]);
    expect(replies[1]).toEqual(
      new Map<RespValue, RespValue>([
        ["k", [b("x"), b("y")]],
        ["m", new Map([[b("i"), b("j")]])],
      ]),
    );
    expect(replies[2]).toEqual([b("message"), b("c"), b("data")]);
    expect(replies[3]).toEqual([b("p"), b("q")]);
    expect(replies[4]).toEqual(b("abc"));
    // Off again: every string a Buffer.
    decoder.textKeys = false;
    decoder.feed(b("*2\r\n$1\r\na\r\n$1\r\n1\r\n"));
    expect(events.at(-1)![1]).toEqual([b("a"), b("1")]);
  });

  test("textKeys: a field name cut by a chunk boundary still comes as a Buffer", () => {
    const { decoder, events } = recorder({ decodeStrings: false });
    decoder.textKeys = true;
    decoder.feed(b("*4\r\n$5\r\nfie"));
    decoder.feed(b("ld\r\n$1\r\n1\r\n$4\r\nname\r\n$1\r\n2\r\n"));
    expect(events[0]![1]).toEqual([b("field"), b("1"), "name", b("2")]);
  });

  test("other encodings", () => {
    const { decoder, events } = recorder({ decodeStrings: true, encoding: "hex" });
    decoder.feed(b("$2\r\n\x01\xff\r\n+\x10\r\n"));
    expect(events.map((e) => e[1])).toEqual(["01ff", "10"]);
  });

  test("pending is true partway through a reply", () => {
    const { decoder, events } = recorder({ decodeStrings: true });
    expect(decoder.pending).toBe(false);
    decoder.feed(b("*2\r\n:1"));
    expect(decoder.pending).toBe(true);
    decoder.feed(b("\r\n$3\r\nab"));
    expect(decoder.pending).toBe(true);
    decoder.feed(b("c\r"));
    expect(decoder.pending).toBe(true);
    decoder.feed(b("\n+"));
    expect(events).toEqual([["reply", [1, "abc"]]]);
    expect(decoder.pending).toBe(true);
    decoder.feed(b("OK\r\n"));
    expect(decoder.pending).toBe(false);
    decoder.feed(Buffer.alloc(0));
    expect(events).toEqual([
      ["reply", [1, "abc"]],
      ["reply", "OK"],
    ]);
  });

  test("a bulk string split across chunks is assembled once", () => {
    const { decoder, events } = recorder({ decodeStrings: false });
    decoder.feed(b("$10\r\n0123"));
    decoder.feed(b("456"));
    decoder.feed(b("789\r\n"));
    expect(events).toEqual([["reply", b("0123456789")]]);
  });

  test("every Buffer value is its own object (values can be Map keys)", () => {
    const { decoder, events } = recorder({ decodeStrings: false });
    const data = b("%2\r\n$0\r\n\r\n:1\r\n$0\r\n\r\n:2\r\n");
    for (let i = 0; i < data.length; i++) decoder.feed(data.subarray(i, i + 1));
    const m = events[0]![1] as Map<RespValue, RespValue>;
    expect(m.size).toBe(2);
    expect([...m.values()]).toEqual([1, 2]);
  });

  test("a multibyte character split across chunks decodes whole", () => {
    const { decoder, events } = recorder({ decodeStrings: true });
    const s = Buffer.from("x€😀y");
    decoder.feed(Buffer.concat([b(`=${s.length + 4}\r\ntxt:`), s.subarray(0, 2)]));
    decoder.feed(s.subarray(2, 6));
    decoder.feed(Buffer.concat([s.subarray(6), b("\r\n")]));
    expect(events).toEqual([["reply", "x€😀y"]]);
  });

  test("reset() drops a partial reply and a failure", () => {
    const { decoder, events } = recorder({ decodeStrings: true });
    decoder.feed(b("*3\r\n:1\r\n$5\r\nab"));
    decoder.reset();
    expect(decoder.pending).toBe(false);
    decoder.feed(b("+OK\r\n"));
    expect(() => decoder.feed(b("?"))).toThrow(ProtocolError);
    expect(() => decoder.feed(b("+OK\r\n"))).toThrow(ProtocolError);
    decoder.reset();
    decoder.feed(b(":5\r\n"));
    expect(events).toEqual([
      ["reply", "OK"],
      ["reply", 5],
    ]);
  });

  test("a handler that resets the decoder stops the current chunk", () => {
    const seen: RespValue[] = [];
    const d: RespDecoder = new RespDecoder(
      {
        onReply(v) {
          seen.push(v);
          if (v === "STOP") d.reset();
        },
        onPush() {},
      },
      { decodeStrings: true },
    );
    d.feed(b("+a\r\n+STOP\r\n+lost\r\n*2\r\n"));
    expect(d.pending).toBe(false);
    d.feed(b("+b\r\n"));
    expect(seen).toEqual(["a", "STOP", "b"]);
  });

  test("if a handler throws, the rest of the chunk is decoded on the next feed", () => {
    const seen: RespValue[] = [];
    const d = new RespDecoder(
      {
        onReply(v) {
          seen.push(v);
          if (typeof v === "string" && v.startsWith("throw")) throw new Error(`boom ${v}`);
        },
        onPush() {},
      },
      { decodeStrings: true },
    );
    expect(() => d.feed(b("+a\r\n+throw1\r\n+b\r\n$6\r\nthrow2\r\n+c\r\n*2\r\n:1"))).toThrow("boom throw1");
    expect(seen).toEqual(["a", "throw1"]);
    expect(d.pending).toBe(true);
    expect(() => d.feed(b("\r\n:2\r\n"))).toThrow("boom throw2");
    expect(seen).toEqual(["a", "throw1", "b", "throw2"]);
    d.feed(Buffer.alloc(0));
    expect(seen).toEqual(["a", "throw1", "b", "throw2", "c", [1, 2]]);
    expect(d.pending).toBe(false);
    // Offsets in later errors still count from the start of the stream.
    expect(() => d.feed(b("?"))).toThrow("at offset 45");
  });

  test("feed() from inside a handler is refused", () => {
    const d: RespDecoder = new RespDecoder(
      {
        onReply() {
          d.feed(b("+x\r\n"));
        },
        onPush() {},
      },
      { decodeStrings: true },
    );
    expect(() => d.feed(b("+a\r\n"))).toThrow("must not be called from a decoder handler");
  });
});

describe("protocol errors", () => {
  test("unknown type byte names the byte and the offset", () => {
    const e = protocolError("+OK\r\n$2\r\nab\r\n:1\r\nA\r\n");
    expect(e.message).toBe("Protocol error: unexpected type byte 0x41 ('A') at offset 17");
    expect(protocolError(b("\x00")).message).toBe("Protocol error: unexpected type byte 0x00 at offset 0");
    // Offsets count from the start of the stream, across chunks.
    expect(protocolError([b("+OK\r"), b("\n*1\r\n"), b(":1\r\n?")]).message).toContain("0x3f ('?') at offset 13");
  });

  test("missing CRLF after a bulk payload", () => {
    expect(protocolError("$3\r\nabcd\r\n").message).toMatch(/expected CRLF after bulk string payload at offset 7/);
    expect(protocolError("$3\r\nabc\rx").message).toMatch(/expected CRLF/);
    expect(protocolError([b("$3\r\nab"), b("c"), b("\r"), b("X")]).message).toMatch(/expected CRLF .* at offset 8/);
    expect(protocolError("!3\r\nabcde").message).toMatch(/expected CRLF after blob error payload/);
  });

  test("CR not followed by LF in a header line", () => {
    expect(protocolError("+OK\rX").message).toMatch(/expected CRLF at offset 3/);
    expect(protocolError("$3\r$").message).toMatch(/expected CRLF/);
    expect(protocolError(":12\rx").message).toMatch(/expected CRLF/);
  });

  test("invalid lengths", () => {
    expect(protocolError("$abc\r\n").message).toMatch(/invalid bulk string length: unexpected byte 0x61 \('a'\)/);
    expect(protocolError("$\r\n").message).toMatch(/invalid bulk string length/);
    expect(protocolError("$-\r\n").message).toMatch(/invalid bulk string length/);
    expect(protocolError("$-2\r\n").message).toMatch(/invalid bulk string length \(negative\)/);
    expect(protocolError("*-5\r\n").message).toMatch(/invalid array length \(negative\)/);
    expect(protocolError("*1 \r\n").message).toMatch(/invalid array length: unexpected byte 0x20/);
    expect(protocolError("*+1\r\n").message).toMatch(/invalid array length/);
    expect(protocolError("%-1x").message).toMatch(/invalid map length/);
    expect(protocolError(">-1\r\n").message).toMatch(/invalid push length/);
    expect(protocolError("|-1\r\n").message).toMatch(/invalid attribute length/);
    expect(protocolError("=3\r\nabc\r\n").message).toMatch(/invalid verbatim string length/);
    expect(protocolError("$00000000000000000000000001\r\n").message).toMatch(/too many digits/);
  });

  test("bulk length over maxBulkLength, container length over 2^32", () => {
    expect(protocolError("$536870913\r\n").message).toMatch(/invalid bulk string length \(larger than 536870912\)/);
    expect(protocolError("$11\r\nhello world\r\n", { maxBulkLength: 10 }).message).toMatch(/larger than 10/);
    expect(protocolError("*4294967297\r\n").message).toMatch(/invalid array length \(larger than 4294967296\)/);
    expect(protocolError("%99999999999999999999\r\n").message).toMatch(/invalid map length/);
    expect(protocolError("!999999999999\r\n").message).toMatch(/invalid blob error length/);
  });

  test("invalid integers, booleans, doubles, big numbers, nulls, verbatim prefixes", () => {
    expect(protocolError(":\r\n").message).toMatch(/invalid integer at offset 1/);
    expect(protocolError(":-\r\n").message).toMatch(/invalid integer/);
    expect(protocolError(":12a\r\n").message).toMatch(/invalid integer: unexpected byte 0x61/);
    expect(protocolError(":1.5\r\n").message).toMatch(/invalid integer/);
    expect(protocolError("#x\r\n").message).toMatch(/invalid boolean 0x78/);
    expect(protocolError("#tt\r\n").message).toMatch(/expected CRLF after boolean/);
    expect(protocolError(",abc\r\n").message).toMatch(/invalid double/);
    expect(protocolError(",\r\n").message).toMatch(/invalid double/);
    expect(protocolError(", 1\r\n").message).toMatch(/invalid double/);
    expect(protocolError(",0x10\r\n").message).toMatch(/invalid double/);
    expect(protocolError("(12a\r\n").message).toMatch(/invalid big number/);
    expect(protocolError("(\r\n").message).toMatch(/invalid big number/);
    expect(protocolError("_x\r\n").message).toMatch(/expected CRLF after null/);
    expect(protocolError("=6\r\ntxt-ab\r\n").message).toMatch(/invalid verbatim string/);
  });

  test("a header line longer than 64 KiB without CRLF", () => {
    const long = "+" + "x".repeat(70_000);
    expect(protocolError(long).message).toMatch(/header line longer than 65536 bytes at offset 0/);
    // Across many chunks: does not buffer forever.
    const chunks = [b("*1\r\n+")];
    for (let i = 0; i < 100; i++) chunks.push(b("y".repeat(1000)));
    expect(protocolError(chunks).message).toMatch(/header line longer than 65536 bytes at offset 4/);
    // Digits too: a length line of endless zeros.
    expect(protocolError([b("*"), ...Array.from({ length: 100 }, () => b("0".repeat(1000)))]).message).toMatch(/too many digits|longer than/);
    expect(protocolError(":" + "1".repeat(70_000)).message).toMatch(/invalid integer \(too many digits\)/);
    expect(protocolError([b(":"), b("1".repeat(10)), b("1".repeat(11))]).message).toMatch(/too many digits/);
    // But a long line that fits is fine.
    expect(one("+" + "z".repeat(65_536) + "\r\n")).toHaveLength(65_536);
  });

  test("a failed decoder keeps throwing ProtocolError until reset()", () => {
    const { decoder } = recorder({ decodeStrings: true });
    expect(() => decoder.feed(b("+OK\r\n&"))).toThrow(ProtocolError);
    for (let i = 0; i < 3; i++) expect(() => decoder.feed(b("+OK\r\n"))).toThrow(/decoder stopped after an earlier error/);
    decoder.reset();
    decoder.feed(b("+OK\r\n"));
  });
});

describe("encodingErrors", () => {
  const invalid = Buffer.concat([Buffer.from("$4\r\nab"), Buffer.from([0xff, 0xfe]), Buffer.from("\r\n")]);
  const decodeWith = (encodingErrors: "strict" | "replace" | "ignore", data: Buffer) => {
    const replies: unknown[] = [];
    const d = new RespDecoder({ onReply: (v) => replies.push(v), onPush: (v) => replies.push(["push", v]) }, { decodeStrings: true, encodingErrors });
    d.feed(data);
    return replies;
  };

  test('"strict" (the default) reports invalid UTF-8 as a DecodeError for that reply only', () => {
    const data = Buffer.concat([invalid, Buffer.from("$2\r\nok\r\n")]);
    const replies = decodeWith("strict", data);
    expect(replies).toHaveLength(2);
    expect(replies[0]).toBeInstanceOf(DecodeError);
    expect((replies[0] as Error).message).toMatch(/not valid UTF-8/);
    expect(replies[1]).toBe("ok");
    // the default is strict
    const d = new RespDecoder({ onReply: (v) => replies.push(v), onPush: () => {} }, { decodeStrings: true });
    d.feed(invalid);
    expect(replies[2]).toBeInstanceOf(DecodeError);
  });

  test("strict flags a whole array and a push with one bad element, and text spanning chunks", () => {
    const arr = Buffer.concat([Buffer.from("*2\r\n$1\r\na\r\n"), invalid]);
    expect(decodeWith("strict", arr)[0]).toBeInstanceOf(DecodeError);
    const push = Buffer.concat([Buffer.from(">2\r\n$1\r\na\r\n"), invalid]);
    const pushed = decodeWith("strict", push)[0] as [string, unknown[]];
    expect(pushed[1][0]).toBeInstanceOf(DecodeError);
    const replies: unknown[] = [];
    const d = new RespDecoder({ onReply: (v) => replies.push(v), onPush: () => {} }, { decodeStrings: true });
    for (let i = 0; i < invalid.length; i++) d.feed(invalid.subarray(i, i + 1));
    expect(replies[0]).toBeInstanceOf(DecodeError);
  });

  test('valid text with a real U+FFFD passes "strict"; "replace" and "ignore" keep going', () => {
    const real = Buffer.from("x\uFFFDy");
    const data = Buffer.concat([Buffer.from(`$${real.length}\r\n`), real, Buffer.from("\r\n")]);
    expect(decodeWith("strict", data)).toEqual(["x\uFFFDy"]);
    expect(decodeWith("replace", invalid)).toEqual(["ab\uFFFD\uFFFD"]);
    expect(decodeWith("ignore", invalid)).toEqual(["ab"]);
  });
});
