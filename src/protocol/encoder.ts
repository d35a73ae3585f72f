/**
 * RESP command encoder: every command is sent as an array of bulk strings
 * (`*N\r\n$len\r\narg\r\n...`).
 *
 * `WriteBatch` is the hot path. It builds small commands as one JS string (V8 concatenation
 * is cheap: a rope that the socket flattens once), keeps large arguments as chunks of their own
 * (no copy of big Buffers, no giant strings), and packs small Buffer arguments together with the
 * surrounding protocol text into one Buffer so that a pipeline of small binary commands is still
 * a handful of socket writes.
 */
import { DataError } from "../errors.js";

/** One argument of a command. Numbers and bigints are sent as their decimal text. */
export type CommandArg = string | Buffer | number | bigint;

/** A Buffer argument longer than this is written as its own chunk, without a copy. */
const LARGE_BUFFER = 16 * 1024;
/** A string argument longer than this (UTF-16 units) is written as its own chunk. */
const LARGE_STRING = 16 * 1024;
/** The merged text is cut into a new chunk once it is this long (UTF-16 units, ~24 MiB UTF-8 at most). */
const MAX_MERGED = 8 * 1024 * 1024;

/** Describes the type of a rejected argument. Never returns (part of) the value itself. */
function describeType(value: unknown): string {
  if (value === null) return "null";
  const t = typeof value;
  if (t === "number") return "non-finite number";
  if (t !== "object") return t;
  if (Array.isArray(value)) return "array";
  try {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto === null) return "object";
    const ctor: unknown = (proto as { constructor?: unknown }).constructor;
    const name = typeof ctor === "function" ? ctor.name : "";
    return name && name !== "Object" ? name : "object";
  } catch {
    return "object";
  }
}

function invalidArg(command: string, position: number, value: unknown): DataError {
  return new DataError(
    `Invalid argument #${position} to ${command}: expected string, Buffer or number, got ${describeType(value)}`,
  );
}

function isValidArg(a: unknown): boolean {
  const t = typeof a;
  return (
    t === "string" || t === "bigint" || (t === "number" ? Number.isFinite(a) : a instanceof Buffer)
  );
}

/**
 * Checks the arguments of a command (those after the command name; positions are 1-based).
 * Throws `DataError` naming the command, the position and the type, never the value.
 */
export function validateArgs(command: string, args: readonly unknown[]): asserts args is CommandArg[] {
  for (let i = 0; i < args.length; i++) {
    if (!isValidArg(args[i])) throw invalidArg(command, i + 1, args[i]);
  }
}

/** Validates a complete command line (name first) before anything of it is encoded. */
function checkCommand(args: readonly unknown[]): void {
  const n = args.length;
  if (n === 0) throw new DataError("Cannot send an empty command");
  for (let i = 0; i < n; i++) {
    const a = args[i];
    if (typeof a === "string") continue;
    if (!isValidArg(a)) {
      if (i === 0) throw new DataError(`Invalid command name: expected string or Buffer, got ${describeType(a)}`);
      const name = args[0];
      throw invalidArg(typeof name === "string" ? name : "command", i, a);
    }
  }
}

function isUtf8(encoding: BufferEncoding): boolean {
  return encoding === "utf8" || encoding === "utf-8";
}

/**
 * Accumulates encoded commands for one socket write.
 *
 * ```ts
 * const chunks = batch.take();
 * socket.cork();
 * for (const c of chunks) socket.write(c);   // strings are UTF-8 (they only hold UTF-8 text)
 * socket.uncork();
 * ```
 *
 * Buffers handed to `add` must not be modified until the chunks have been written:
 * large ones are passed through without a copy.
 */
export class WriteBatch {
  /** Encoding of string arguments. */
  readonly encoding: BufferEncoding;
  private readonly utf8: boolean;
  /** Finished chunks. */
  private chunks: (string | Buffer)[] = [];
  /** Text not yet in `chunks` (comes after `parts`, if any). */
  private text = "";
  /** Pending small Buffers and the text around them; becomes one Buffer chunk. */
  private parts: (string | Buffer)[] | null = null;
  private commands = 0;

  constructor(encoding: BufferEncoding = "utf8") {
    if (!Buffer.isEncoding(encoding)) throw new DataError(`Unknown encoding ${JSON.stringify(encoding)}`);
    this.encoding = encoding;
    this.utf8 = isUtf8(encoding);
  }

  /** True when nothing was added since the last `take()`. */
  get isEmpty(): boolean {
    return this.commands === 0;
  }

  /** Number of commands added since the last `take()`. */
  get count(): number {
    return this.commands;
  }

  /**
   * Appends one command: `args[0]` is the command name (or its first word), the rest its
   * arguments. Invalid arguments throw `DataError` (position counted after the name) and leave
   * the batch unchanged.
   */
  add(args: readonly CommandArg[]): void {
    checkCommand(args);
    const n = args.length;
    let s = this.text + "*" + n + "\r\n";
    for (let i = 0; i < n; i++) {
      const a = args[i]!;
      if (typeof a === "string") {
        if (!this.utf8) {
          s = this.addBuffer(s, Buffer.from(a, this.encoding));
        } else if (a.length <= LARGE_STRING) {
          s += "$" + Buffer.byteLength(a) + "\r\n" + a + "\r\n";
        } else {
          this.text = s + "$" + Buffer.byteLength(a) + "\r\n";
          this.flush();
          this.chunks.push(a);
          s = "\r\n";
        }
      } else if (typeof a === "number" || typeof a === "bigint") {
        const t = String(a);
        s += "$" + t.length + "\r\n" + t + "\r\n";
      } else {
        s = this.addBuffer(s, a);
      }
    }
    this.text = s;
    this.commands++;
    if (s.length >= MAX_MERGED) this.flush();
  }

  /** Appends a Buffer argument after the text `s`; returns the text that follows it. */
  private addBuffer(s: string, b: Buffer): string {
    const len = b.length;
    if (len === 0) return s + "$0\r\n\r\n";
    s += "$" + len + "\r\n";
    if (len > LARGE_BUFFER) {
      this.text = s;
      this.flush();
      this.chunks.push(b);
    } else {
      const parts = this.parts ?? (this.parts = []);
      parts.push(s, b);
    }
    return "\r\n";
  }

  /** Moves the pending text and small Buffers into `chunks`. */
  private flush(): void {
    const parts = this.parts;
    const text = this.text;
    if (parts !== null) {
      if (text.length > 0) parts.push(text);
      this.chunks.push(concatParts(parts));
      this.parts = null;
    } else if (text.length > 0) {
      this.chunks.push(text);
    }
    this.text = "";
  }

  /** Returns the encoded chunks (in order) and empties the batch. */
  take(): (string | Buffer)[] {
    this.flush();
    const chunks = this.chunks;
    this.chunks = [];
    this.commands = 0;
    return chunks;
  }
}

/** Packs UTF-8 text and Buffers into one Buffer. */
function concatParts(parts: (string | Buffer)[]): Buffer {
  let total = 0;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    total += typeof p === "string" ? Buffer.byteLength(p) : p.length;
  }
  const out = Buffer.allocUnsafe(total);
  let off = 0;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    off += typeof p === "string" ? out.write(p, off) : p.copy(out, off);
  }
  return out;
}

/** Encodes one command as a single Buffer (tests and rare paths; use `WriteBatch` on hot paths). */
export function encodeCommand(args: readonly CommandArg[], encoding: BufferEncoding = "utf8"): Buffer {
  const batch = new WriteBatch(encoding);
  batch.add(args);
  const chunks = batch.take();
  if (chunks.length === 1) {
    const c = chunks[0]!;
    return typeof c === "string" ? Buffer.from(c) : c;
  }
  return Buffer.concat(chunks.map((c) => (typeof c === "string" ? Buffer.from(c) : c)));
}
