import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { DataError } from "../../src/errors.js";
import { encodeCommand, validateArgs, WriteBatch, type CommandArg } from "../../src/protocol/index.js";

/** Reference encoder: the obvious, slow implementation. */
function reference(args: readonly CommandArg[], encoding: BufferEncoding = "utf8"): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : typeof a === "string" ? Buffer.from(a, encoding) : Buffer.from(String(a));
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from("\r\n"));
  }
  return Buffer.concat(parts);
}

function joined(chunks: (string | Buffer)[]): Buffer {
  return Buffer.concat(chunks.map((c) => (typeof c === "string" ? Buffer.from(c, "utf8") : c)));
}

describe("encodeCommand", () => {
  test("exact bytes for mixed arguments", () => {
    const bin = Buffer.from([0x00, 0x0d, 0x0a, 0xff, 0x80, 0x24]);
    const out = encodeCommand(["SET", "kéy☃😀", bin, 42, -1.5, 12345678901234567890n, ""]);
    expect(out.toString("latin1")).toBe(
      Buffer.concat([
        Buffer.from("*7\r\n$3\r\nSET\r\n$11\r\n"),
        Buffer.from("kéy☃😀"),
        Buffer.from("\r\n$6\r\n"),
        bin,
        Buffer.from("\r\n$2\r\n42\r\n$4\r\n-1.5\r\n$20\r\n12345678901234567890\r\n$0\r\n\r\n"),
      ]).toString("latin1"),
    );
  });

  test("strings whose UTF-8 length has more digits than their length in characters", () => {
    // Over 16 characters a string is written after a header for its character count and the
    // header is redone when it was not ASCII: 17 -> 34, 34 -> 102 (two to three digits), 20 lone
    // surrogates -> 60 bytes of U+FFFD, 3,400 -> 10,200 (four to five digits).
    for (const text of ["é".repeat(17), "☃".repeat(34), "\ud800".repeat(20), `${"a".repeat(16)}😀`, "€".repeat(3400)]) {
      const batch = new WriteBatch();
      batch.add(["SET", text, "k".repeat(40)]);
      expect(joined(batch.take())).toEqual(reference(["SET", text, "k".repeat(40)]));
    }
  });

  test("empty Buffer, zero, negative zero and big numbers", () => {
    expect(encodeCommand(["X", Buffer.alloc(0), 0, -0, 1e21, -7n]).toString()).toBe(
      "*6\r\n$1\r\nX\r\n$0\r\n\r\n$1\r\n0\r\n$1\r\n0\r\n$5\r\n1e+21\r\n$2\r\n-7\r\n",
    );
  });

  test("length headers of every size", () => {
    for (const n of [0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 1001, 9999, 10000, 65535, 65536, 100000, 1 << 20]) {
      const s = "x".repeat(n);
      const b = Buffer.alloc(n, 0x61);
      expect(encodeCommand(["A", s, b]).equals(reference(["A", s, b]))).toBe(true);
    }
  });

  test("other string encodings", () => {
    const args: CommandArg[] = ["SET", "k\u00e9y", "\u00ff\u0001", 5];
    expect(encodeCommand(args, "latin1").equals(reference(args, "latin1"))).toBe(true);
    expect(encodeCommand(args, "utf16le").equals(reference(args, "utf16le"))).toBe(true);
    expect(encodeCommand(args, "utf-8").equals(reference(args))).toBe(true);
    const long = "é".repeat(40000);
    expect(encodeCommand(["SET", long], "latin1").equals(reference(["SET", long], "latin1"))).toBe(true);
  });

  test("matches the reference encoder on arbitrary arguments", () => {
    const arg = fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 100 }),
      fc.string({ unit: "binary", maxLength: 100 }),
      fc.uint8Array({ maxLength: 100 }).map((u) => Buffer.from(u)),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.bigInt(),
    );
    fc.assert(
      fc.property(fc.array(arg, { minLength: 1, maxLength: 10 }), (args) => {
        expect(encodeCommand(args).equals(reference(args))).toBe(true);
      }),
    );
  });
});

describe("WriteBatch", () => {
  test("many commands in one batch", () => {
    const batch = new WriteBatch();
    expect(batch.isEmpty).toBe(true);
    expect(batch.count).toBe(0);
    const all: CommandArg[][] = [];
    for (let i = 0; i < 5000; i++) {
      const cmd: CommandArg[] =
        i % 3 === 0 ? ["SET", `key:${i}`, `välue-${i}`] : i % 3 === 1 ? ["GET", `key:${i}`] : ["SET", `k${i}`, Buffer.from([i & 255, 13, 10])];
      batch.add(cmd);
      all.push(cmd);
    }
    expect(batch.isEmpty).toBe(false);
    expect(batch.count).toBe(5000);
    const chunks = batch.take();
    expect(batch.isEmpty).toBe(true);
    expect(batch.count).toBe(0);
    expect(joined(chunks).equals(Buffer.concat(all.map((c) => reference(c))))).toBe(true);
    // Small commands are packed: far fewer chunks than commands.
    expect(chunks.length).toBeLessThan(10);
    expect(batch.take()).toEqual([]);
  });

  test("addAll hands out finished chunks early; the bytes are those of add(), in order", () => {
    const batch = new WriteBatch();
    batch.add(["PING"]);
    const list: CommandArg[][] = [];
    for (let i = 0; i < 20_000; i++) list.push(i % 2 ? ["SET", `key:${i}`, `välue-${"x".repeat(i % 50)}`] : ["SET", `k${i}`, Buffer.from([i & 255, 13, 10])]);
    const early: (string | Buffer)[][] = [];
    batch.addAll(list, (chunks) => early.push(chunks));
    expect(early.length).toBeGreaterThan(1);
    const all = [...early.flat(), ...batch.take()];
    expect(joined(all).equals(Buffer.concat([reference(["PING"]), ...list.map((c) => reference(c))]))).toBe(true);
  });

  test("addAll checks every command before encoding any: a bad one throws and nothing is handed out", () => {
    const batch = new WriteBatch();
    batch.add(["PING"]);
    batch.mark();
    const list: unknown[][] = Array.from({ length: 20_000 }, (_, i) => ["SET", `key:${i}`, "v".repeat(40)]);
    list.push(["SET", "last", { not: "an argument" }]);
    const early: unknown[] = [];
    expect(() => batch.addAll(list as CommandArg[][], (chunks) => early.push(chunks))).toThrow(/argument #2 to SET/);
    expect(early).toEqual([]);
    batch.rollback();
    expect(joined(batch.take()).equals(reference(["PING"]))).toBe(true);
  });

  test("later batches do not disturb chunks already taken", () => {
    const batch = new WriteBatch();
    batch.add(["SET", "a", "1"]);
    const first = batch.take();
    const snapshot = joined(first);
    for (let i = 0; i < 20000; i++) batch.add(["SET", `k${i}`, "v".repeat(i % 50)]);
    batch.take();
    expect(joined(first).equals(snapshot)).toBe(true);
    expect(snapshot.toString()).toBe("*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n");
  });

  test("a large Buffer is passed as its own chunk without a copy", () => {
    const big = Buffer.alloc(1 << 20, 7);
    const batch = new WriteBatch();
    batch.add(["GET", "before"]);
    batch.add(["SET", "k", big]);
    batch.add(["GET", "after"]);
    const chunks = batch.take();
    expect(chunks.some((c) => c === big)).toBe(true);
    expect(joined(chunks).equals(Buffer.concat([reference(["GET", "before"]), reference(["SET", "k", big]), reference(["GET", "after"])]))).toBe(true);
  });

  test("a large string is its own chunk; no chunk is a giant merged string", () => {
    const big = "é".repeat(100_000);
    const batch = new WriteBatch();
    batch.add(["SET", "k", big]);
    batch.add(["SET", "k2", "small"]);
    const chunks = batch.take();
    expect(chunks).toContain(big);
    expect(joined(chunks).equals(Buffer.concat([reference(["SET", "k", big]), reference(["SET", "k2", "small"])]))).toBe(true);
  });

  test("a pipeline of many megabytes stays in bounded chunks", () => {
    const batch = new WriteBatch();
    const value = "v".repeat(1000);
    for (let i = 0; i < 20_000; i++) batch.add(["SET", `key:${i}`, value]);
    const chunks = batch.take();
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(256 * 1024);
    const total = chunks.reduce((n, c) => n + (typeof c === "string" ? Buffer.byteLength(c) : c.length), 0);
    let expectedTotal = 0;
    for (let i = 0; i < 20_000; i++) expectedTotal += reference(["SET", `key:${i}`, value]).length;
    expect(total).toBe(expectedTotal);
  });

  test("an invalid command leaves the batch unchanged", () => {
    const batch = new WriteBatch();
    batch.add(["PING"]);
    expect(() => batch.add(["SET", "k", true as unknown as string])).toThrow(DataError);
    expect(() => batch.add([])).toThrow(DataError);
    expect(batch.count).toBe(1);
    expect(joined(batch.take()).toString()).toBe("*1\r\n$4\r\nPING\r\n");
  });

  test("add() rejects bad arguments with the position after the command name", () => {
    const batch = new WriteBatch();
    expect(() => batch.add(["SET", "k", null as unknown as string])).toThrow("Invalid argument #2 to SET: expected string, Buffer or number, got null");
    expect(() => batch.add(["INCRBY", "k", NaN])).toThrow("Invalid argument #2 to INCRBY");
    expect(() => batch.add([{} as unknown as string])).toThrow("Invalid command name");
  });

  test("unknown encodings are rejected", () => {
    expect(() => new WriteBatch("nope" as BufferEncoding)).toThrow(DataError);
  });
});

describe("validateArgs", () => {
  const secret = "hunter2-SECRET";
  class Custom {
    toString() {
      return secret;
    }
  }
  const cases: [unknown, string][] = [
    [true, "a boolean"],
    [false, "a boolean"],
    [undefined, "undefined"],
    [null, "null"],
    [{ password: secret }, "an object"],
    [Object.create(null), "an object"],
    [[secret], "an array"],
    [Symbol(secret), "a symbol"],
    [() => secret, "a function"],
    [NaN, "NaN"],
    [Infinity, "Infinity"],
    [-Infinity, "-Infinity"],
    [new Custom(), "a Custom"],
    [new Uint8Array([1, 2]), "a Uint8Array"],
    [new Date(0), "a Date"],
  ];

  test.each(cases)("rejects %s", (bad, typeName) => {
    let caught: unknown;
    try {
      validateArgs("SET", ["key", bad]);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(DataError);
    const message = (caught as DataError).message;
    expect(message).toBe(`Invalid argument #2 to SET: expected string, Buffer or number, got ${typeName}`);
    expect(message).not.toContain(secret);
    expect(message).not.toContain("key");
  });

  test("accepts strings, Buffers, finite numbers and bigints", () => {
    const args: unknown[] = ["a", Buffer.from("b"), 0, -1.5, 2 ** 60, 10n, ""];
    expect(() => validateArgs("MSET", args)).not.toThrow();
    validateArgs("MSET", args);
    // narrowed: usable as command arguments
    expect(encodeCommand(["MSET", ...args]).length).toBeGreaterThan(0);
  });

  test("positions are 1-based", () => {
    expect(() => validateArgs("HSET", ["h", "f", "v", false])).toThrow("Invalid argument #4 to HSET");
    expect(() => validateArgs("GET", [undefined])).toThrow("Invalid argument #1 to GET");
  });
});
