/**
 * RESP command encoder: every command is sent as an array of bulk strings
 * (`*N\r\n$len\r\narg\r\n...`).
 *
 * `WriteBatch` is the hot path. Commands are encoded straight into 64 KiB pool Buffers (headers
 * and short ASCII strings by JS loops, other strings by Node's UTF-8 writer, small Buffers by
 * `set`), so a pipeline of small commands becomes one Buffer chunk per 64 KiB and the socket does
 * no string conversion. Large arguments become chunks of their own: Buffers without a copy,
 * strings as they are, so no giant string or Buffer is ever built.
 * (Measured against building one JS string per batch, as ioredis and node-redis do: about 2x
 * faster end to end for small commands, and no rope flattening in the socket.)
 */
import { describeValue } from "../describe.js";
import { DataError } from "../errors.js";

/** One argument of a command. Numbers and bigints are sent as their decimal text. */
export type CommandArg = string | Buffer | number | bigint;

/** A Buffer argument longer than this is written as its own chunk, without a copy. */
const LARGE_BUFFER = 16 * 1024;
/** A string argument longer than this (UTF-16 units) is written as its own chunk. */
const LARGE_STRING = 16 * 1024;
/**
 * Strings up to this long are written by a JS loop when they turn out to be ASCII: below it
 * the loop (~6 ns a character) beats the fixed cost of Buffer#utf8Write (~80-110 ns).
 */
const SHORT_STRING = 16;
/** Size of the pool Buffers that commands are encoded into. */
const POOL_SIZE = 64 * 1024;
/** Finished chunks (pool buffers of POOL_SIZE, or large arguments) that `addAll` writes out early. */
const EARLY_CHUNKS = 4;
/** Room for a header: type byte, up to 16 digits, CRLF. */
const HEADER_ROOM = 20;

function invalidArg(command: string, position: number, value: unknown): DataError {
  return new DataError(`Invalid argument #${position} to ${command}: expected string, Buffer or number, got ${describeValue(value)}`);
}

function isValidArg(a: unknown): boolean {
  const t = typeof a;
  return t === "string" || t === "bigint" || (t === "number" ? Number.isFinite(a) : a instanceof Buffer);
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
      if (i === 0) throw new DataError(`Invalid command name: expected string or Buffer, got ${describeValue(a)}`);
      const name = args[0];
      throw invalidArg(typeof name === "string" ? name : "command", i, a);
    }
  }
}

/**
 * The largest argument sent: a Redis bulk string holds at most 512 MiB (the server's default
 * `proto-max-bulk-len`); a server sent more closes the connection, failing every command
 * queued behind it.
 */
export const MAX_ARG_BYTES = 512 * 1024 * 1024;

/**
 * Why a command cannot be sent (a `DataError` naming the command, the argument's position
 * and its type or size, never its value), or null. Never throws.
 */
export function commandProblem(args: readonly unknown[]): DataError | null {
  const n = args.length;
  if (n === 0) return new DataError("Cannot send an empty command");
  for (let i = 0; i < n; i++) {
    const a = args[i];
    let bytes: number;
    if (typeof a === "string") {
      // A UTF-16 unit is at most 3 bytes of UTF-8 (or 4 for a pair of them): only long strings are measured.
      if (a.length * 3 <= MAX_ARG_BYTES) continue;
      bytes = Buffer.byteLength(a);
    } else if (a instanceof Buffer) {
      bytes = a.length;
    } else if (isValidArg(a)) {
      continue;
    } else {
      if (i === 0) return new DataError(`Invalid command name: expected string or Buffer, got ${describeValue(a)}`);
      const name = args[0];
      return invalidArg(typeof name === "string" ? name : "command", i, a);
    }
    if (bytes > MAX_ARG_BYTES) {
      const name = args[0];
      const command = typeof name === "string" ? name.toUpperCase() : "command";
      return new DataError(
        `${command}: argument #${i} is ${bytes} bytes, over the ${MAX_ARG_BYTES} bytes (512 MiB) a Redis string may hold; the command was not sent`,
      );
    }
  }
  return null;
}

interface FastWrite {
  utf8Write(text: string, offset: number): number;
}
/** Node's own UTF-8 writer (what `buf.write(text, offset)` ends up calling), if present. */
const hasUtf8Write = typeof (Buffer.prototype as unknown as Partial<FastWrite>).utf8Write === "function";

/** Encodings in which an ASCII character is one byte of the same value. */
function asciiCompatible(encoding: BufferEncoding): boolean {
  return encoding === "utf8" || encoding === "utf-8" || encoding === "latin1" || encoding === "binary" || encoding === "ascii";
}

/**
 * Accumulates encoded commands for one socket write.
 *
 * ```ts
 * const chunks = batch.take();
 * socket.cork();
 * for (const c of chunks) socket.write(c);   // string chunks are UTF-8
 * socket.uncork();
 * ```
 *
 * Buffers handed to `add` must not be modified until the chunks have been written:
 * large ones are passed through without a copy. Chunks returned by `take()` share pool memory
 * with later batches only in disjoint ranges, so they stay valid until written.
 */
export class WriteBatch {
  /** Encoding of string arguments. */
  readonly encoding: BufferEncoding;
  private readonly utf8: boolean;
  private readonly ascii: boolean;
  /** Finished chunks. */
  private chunks: (string | Buffer)[] = [];
  /** Pool Buffer being filled; bytes [start, off) are encoded but not yet in `chunks`. */
  private buf: Buffer;
  private start = 0;
  private off = 0;
  private commands = 0;
  private markBuf: Buffer;
  private markStart = 0;
  private markOff = 0;
  private markChunks = 0;
  private markCommands = 0;

  constructor(encoding: BufferEncoding = "utf8") {
    if (!Buffer.isEncoding(encoding)) throw new DataError(`Unknown encoding ${JSON.stringify(encoding)}`);
    this.encoding = encoding;
    this.utf8 = encoding === "utf8" || encoding === "utf-8";
    this.ascii = asciiCompatible(encoding);
    this.buf = Buffer.allocUnsafeSlow(POOL_SIZE);
    this.markBuf = this.buf;
  }

  /** Remembers this point, to go back to with `rollback()` (a command that failed half-way through `add`). */
  mark(): void {
    this.markBuf = this.buf;
    this.markStart = this.start;
    this.markOff = this.off;
    this.markChunks = this.chunks.length;
    this.markCommands = this.commands;
  }

  /** Forgets everything added since the last `mark()`. */
  rollback(): void {
    this.buf = this.markBuf;
    this.start = this.markStart;
    this.off = this.markOff;
    this.chunks.length = this.markChunks;
    this.commands = this.markCommands;
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
    this.encode(args);
  }

  /**
   * Appends the commands of a pipeline, in order. Every command is checked before the first
   * is encoded: an invalid argument throws `DataError` and leaves the batch unchanged, as
   * `add` does. With `write`, the finished chunks are handed to it whenever at least
   * `EARLY_CHUNKS` of them are ready (a few hundred KB), so the server starts on the first
   * commands while the rest are still being encoded, instead of waiting for the whole
   * pipeline; the batch can then no longer be rolled back past them.
   */
  addAll(list: readonly (readonly CommandArg[])[], write: ((chunks: (string | Buffer)[]) => void) | null): void {
    for (let i = 0; i < list.length; i++) checkCommand(list[i]!);
    for (let i = 0; i < list.length; i++) {
      this.encode(list[i]!);
      if (write !== null && this.chunks.length >= EARLY_CHUNKS) {
        const ready = this.chunks;
        this.chunks = [];
        this.markChunks = 0;
        write(ready);
      }
    }
  }

  /** Encodes one checked command. */
  private encode(args: readonly CommandArg[]): void {
    const n = args.length;
    this.ensure(HEADER_ROOM);
    this.off = writeHeader(this.buf, this.off, 42 /* * */, n);
    for (let i = 0; i < n; i++) {
      const a = args[i]!;
      if (typeof a === "string") {
        this.addString(a);
      } else if (typeof a === "number" || typeof a === "bigint") {
        const t = String(a);
        this.ensure(t.length + 2 * HEADER_ROOM);
        const buf = this.buf;
        let off = writeHeader(buf, this.off, 36 /* $ */, t.length);
        for (let k = 0; k < t.length; k++) buf[off++] = t.charCodeAt(k);
        buf[off] = 13;
        buf[off + 1] = 10;
        this.off = off + 2;
      } else {
        this.addBuffer(a);
      }
    }
    this.commands++;
  }

  private addString(a: string): void {
    const len = a.length;
    if (len <= SHORT_STRING && this.ascii) {
      // Write it as ASCII; bail out at the first non-ASCII character.
      this.ensure(len + 2 * HEADER_ROOM);
      const buf = this.buf;
      const headerAt = this.off;
      let off = writeHeader(buf, headerAt, 36 /* $ */, len);
      let k = 0;
      for (; k < len; k++) {
        const c = a.charCodeAt(k);
        if (c > 127) break;
        buf[off++] = c;
      }
      if (k === len) {
        buf[off] = 13;
        buf[off + 1] = 10;
        this.off = off + 2;
        return;
      }
      this.off = headerAt;
    }
    if (len > LARGE_STRING) {
      // Its own chunk: no copy into the pool.
      const bytes = Buffer.byteLength(a, this.encoding);
      this.ensure(HEADER_ROOM);
      this.off = writeHeader(this.buf, this.off, 36 /* $ */, bytes);
      this.cut();
      this.chunks.push(this.utf8 ? a : Buffer.from(a, this.encoding));
      this.ensure(2);
      this.buf[this.off] = 13;
      this.buf[this.off + 1] = 10;
      this.off += 2;
      return;
    }
    if (this.utf8 && hasUtf8Write) {
      this.addUtf8(a, len);
      return;
    }
    const bytes = Buffer.byteLength(a, this.encoding);
    this.ensure(bytes + 2 * HEADER_ROOM);
    const buf = this.buf;
    let off = writeHeader(buf, this.off, 36 /* $ */, bytes);
    off += buf.write(a, off, this.encoding);
    buf[off] = 13;
    buf[off + 1] = 10;
    this.off = off + 2;
  }

  /**
   * A string of `len` UTF-16 units as UTF-8, without measuring it first (`Buffer.byteLength`
   * costs about as much as the write): it is written after a header for `len` bytes, which is
   * right exactly when the writer wrote `len` bytes (every unit is at least one byte, and only
   * ASCII is exactly one). Otherwise the header is rewritten for the real length, moving the
   * bytes when its digit count differs.
   */
  private addUtf8(a: string, len: number): void {
    this.ensure(3 * len + 2 * HEADER_ROOM);
    const buf = this.buf;
    const headerAt = this.off;
    const at = writeHeader(buf, headerAt, 36 /* $ */, len);
    const bytes = (buf as unknown as FastWrite).utf8Write(a, at);
    let end = at + bytes;
    if (bytes !== len) {
      // The header for the real length is longer only when it has more digits: move the bytes first.
      const shift = headerLength(bytes) - (at - headerAt);
      if (shift !== 0) buf.copyWithin(at + shift, at, end);
      writeHeader(buf, headerAt, 36 /* $ */, bytes);
      end += shift;
    }
    buf[end] = 13;
    buf[end + 1] = 10;
    this.off = end + 2;
  }

  private addBuffer(b: Buffer): void {
    const len = b.length;
    if (len > LARGE_BUFFER) {
      this.ensure(HEADER_ROOM);
      this.off = writeHeader(this.buf, this.off, 36 /* $ */, len);
      this.cut();
      this.chunks.push(b);
      this.ensure(2);
      this.buf[this.off] = 13;
      this.buf[this.off + 1] = 10;
      this.off += 2;
      return;
    }
    this.ensure(len + 2 * HEADER_ROOM);
    const buf = this.buf;
    let off = writeHeader(buf, this.off, 36 /* $ */, len);
    buf.set(b, off);
    off += len;
    buf[off] = 13;
    buf[off + 1] = 10;
    this.off = off + 2;
  }

  /** Makes room for `bytes` more bytes in the pool. */
  private ensure(bytes: number): void {
    if (this.off + bytes <= this.buf.length) return;
    this.cut();
    this.buf = Buffer.allocUnsafeSlow(bytes > POOL_SIZE ? bytes : POOL_SIZE);
    this.start = 0;
    this.off = 0;
  }

  /** Moves the encoded bytes [start, off) of the pool into `chunks`. */
  private cut(): void {
    if (this.off > this.start) {
      this.chunks.push(this.buf.subarray(this.start, this.off));
      this.start = this.off;
    }
  }

  /** Returns the encoded chunks (in order) and empties the batch. */
  take(): (string | Buffer)[] {
    this.cut();
    const chunks = this.chunks;
    this.chunks = [];
    this.commands = 0;
    return chunks;
  }
}

/** The length of `<type><n>\r\n`. */
function headerLength(n: number): number {
  let digits = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    digits++;
  }
  return digits + 3;
}

/** Writes `<type><n>\r\n` at `off` (0 <= n < 2^53); returns the offset after it. */
function writeHeader(buf: Buffer, off: number, type: number, n: number): number {
  buf[off++] = type;
  if (n < 10) {
    buf[off++] = 48 + n;
  } else if (n < 100) {
    const t = (n / 10) | 0;
    buf[off++] = 48 + t;
    buf[off++] = 48 + n - t * 10;
  } else {
    let digits = 3;
    for (let m = n / 1000; m >= 1; m /= 10) digits++;
    const end = off + digits;
    for (let p = end - 1; p >= off; p--) {
      const q = Math.floor(n / 10);
      buf[p] = 48 + n - q * 10;
      n = q;
    }
    off = end;
  }
  buf[off] = 13;
  buf[off + 1] = 10;
  return off + 2;
}

/** Encodes one command as a single Buffer (tests and rare paths; use `WriteBatch` on hot paths). */
export function encodeCommand(args: readonly CommandArg[], encoding: BufferEncoding = "utf8"): Buffer {
  const batch = new WriteBatch(encoding);
  batch.add(args);
  const chunks = batch.take();
  if (chunks.length === 1 && typeof chunks[0] !== "string") return Buffer.from(chunks[0]!);
  return Buffer.concat(chunks.map((c) => (typeof c === "string" ? Buffer.from(c) : c)));
}
