/**
 * Resumable, zero-copy RESP2/RESP3 decoder.
 *
 * Design notes (this is the hot path of every reply):
 * - One pass over each chunk; nothing already consumed is parsed or copied again (except a
 *   length/integer/boolean line cut by a chunk boundary, at most ~22 bytes, which is re-read so
 *   that errors show exactly as they would in one chunk).
 * - Containers are kept on an explicit stack of reusable frames, so nesting depth is bounded
 *   by memory only, never by the JS call stack.
 * - A bulk string inside one chunk is a `subarray` of it (or decoded straight from it); one that
 *   spans chunks is kept as a list of pieces and joined once when complete (Buffer.concat, or
 *   for UTF-8 text a StringDecoder over the pieces, which avoids the intermediate copy).
 * - A header line cut by a chunk boundary is the only other thing copied: its bytes (at most
 *   64 KiB) are joined with the rest of the line from the next chunk and parsed from there.
 * - Integers and lengths are parsed from the bytes by hand; short ASCII strings are decoded in JS.
 * - Every chunk boundary gives the same result as the whole stream: same values, same errors,
 *   same error offsets (checked by property tests).
 */
import { constants as bufferConstants, isUtf8 } from "node:buffer";
import { StringDecoder } from "node:string_decoder";
import { errorFromReply, DataError, DecodeError, ProtocolError } from "../errors.js";

export type RespValue = null | boolean | number | bigint | string | Buffer | Error | RespValue[] | Map<RespValue, RespValue>;

export interface DecoderHandlers {
  /** A complete top-level reply (error replies arrive here as `Error` values, not thrown). */
  onReply(value: RespValue): void;
  /** A top-level RESP3 push frame (`>`). */
  onPush(value: RespValue[]): void;
  /** A RESP3 attribute (`|`); the value that follows it is the reply (or element) it describes. */
  onAttribute?(value: Map<RespValue, RespValue>): void;
}

export interface DecoderOptions {
  /** Produce strings (true) or Buffers (false, the default) for simple, bulk and verbatim strings. */
  decodeStrings?: boolean;
  /** Encoding used when `decodeStrings` is true. Default "utf8". */
  encoding?: BufferEncoding;
  /** Largest accepted bulk string / blob error / verbatim string. Default 512 MiB. */
  maxBulkLength?: number;
  /**
   * Text that is not valid UTF-8 (with a UTF-8 `encoding` and `decodeStrings`):
   * "strict" (default) turns the whole reply into a `DecodeError`, "replace" gives U+FFFD for
   * the invalid bytes, "ignore" leaves them out.
   */
  encodingErrors?: "strict" | "replace" | "ignore";
}

/** Longest header line accepted (bytes between the type byte and CR). */
export const MAX_LINE_LENGTH = 64 * 1024;
/** Largest accepted aggregate length. */
const MAX_CONTAINER = 2 ** 32;
/** Bulk strings at least this long are decoded through the guarded slow path. */
const HUGE_STRING = 2 ** 28;
const DEFAULT_MAX_BULK = 512 * 1024 * 1024;
/** U+FFFD in UTF-8. */
const REPLACEMENT_UTF8 = Buffer.from([0xef, 0xbf, 0xbd]);

// Frame kinds.
const K_ARRAY = 0;
const K_SET = 1;
const K_PUSH = 2;
const K_MAP = 3;
const K_ATTR = 4;

// Type bytes.
const T_SIMPLE = 43; // +
const T_ERROR = 45; // -
const T_INT = 58; // :
const T_BULK = 36; // $
const T_ARRAY = 42; // *
const T_NULL = 95; // _
const T_BOOL = 35; // #
const T_DOUBLE = 44; // ,
const T_BIGNUM = 40; // (
const T_BLOBERR = 33; // !
const T_VERBATIM = 61; // =
const T_MAP = 37; // %
const T_SET = 126; // ~
const T_ATTR = 124; // |
const T_PUSH = 62; // >

const CR = 13;
const LF = 10;

const DOUBLE_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const BIGNUM_RE = /^[+-]?\d+$/;
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const EMPTY = Buffer.alloc(0);

const fcc = String.fromCharCode;

/** Decodes 0..8 ASCII bytes in JS (much cheaper than a native call); undefined if any byte is not ASCII. */
function shortAscii(buf: Buffer, s: number, n: number): string | undefined {
  switch (n) {
    case 0:
      return "";
    case 1: {
      const a = buf[s]!;
      return a & 128 ? undefined : fcc(a);
    }
    case 2: {
      const a = buf[s]!,
        b = buf[s + 1]!;
      return (a | b) & 128 ? undefined : fcc(a, b);
    }
    case 3: {
      const a = buf[s]!,
        b = buf[s + 1]!,
        c = buf[s + 2]!;
      return (a | b | c) & 128 ? undefined : fcc(a, b, c);
    }
    case 4: {
      const a = buf[s]!,
        b = buf[s + 1]!,
        c = buf[s + 2]!,
        d = buf[s + 3]!;
      return (a | b | c | d) & 128 ? undefined : fcc(a, b, c, d);
    }
    case 5: {
      const a = buf[s]!,
        b = buf[s + 1]!,
        c = buf[s + 2]!,
        d = buf[s + 3]!,
        e = buf[s + 4]!;
      return (a | b | c | d | e) & 128 ? undefined : fcc(a, b, c, d, e);
    }
    case 6: {
      const a = buf[s]!,
        b = buf[s + 1]!,
        c = buf[s + 2]!,
        d = buf[s + 3]!,
        e = buf[s + 4]!,
        f = buf[s + 5]!;
      return (a | b | c | d | e | f) & 128 ? undefined : fcc(a, b, c, d, e, f);
    }
    case 7: {
      const a = buf[s]!,
        b = buf[s + 1]!,
        c = buf[s + 2]!,
        d = buf[s + 3]!,
        e = buf[s + 4]!,
        f = buf[s + 5]!;
      const g = buf[s + 6]!;
      return (a | b | c | d | e | f | g) & 128 ? undefined : fcc(a, b, c, d, e, f, g);
    }
    default: {
      const a = buf[s]!,
        b = buf[s + 1]!,
        c = buf[s + 2]!,
        d = buf[s + 3]!,
        e = buf[s + 4]!,
        f = buf[s + 5]!;
      const g = buf[s + 6]!,
        h = buf[s + 7]!;
      return (a | b | c | d | e | f | g | h) & 128 ? undefined : fcc(a, b, c, d, e, f, g, h);
    }
  }
}

interface FastSlice {
  utf8Slice(start: number, end: number): string;
}
/** Node's own UTF-8 slice (what `toString("utf8", ...)` ends up calling), if present. */
const hasUtf8Slice = typeof (Buffer.prototype as unknown as Partial<FastSlice>).utf8Slice === "function";

/** `buf.toString(encoding, start, end)`, with fast paths for UTF-8. */
function decodeString(buf: Buffer, encoding: BufferEncoding, start: number, end: number): string {
  if (encoding === "utf8" || encoding === "utf-8") {
    const n = end - start;
    if (n <= 8) {
      const s = shortAscii(buf, start, n);
      if (s !== undefined) return s;
    }
    if (hasUtf8Slice) return (buf as unknown as FastSlice).utf8Slice(start, end);
  }
  return buf.toString(encoding, start, end);
}

/**
 * Buffer replies up to this length that span chunks are copied in as they arrive (reserved
 * when the first piece comes, so at most this much ahead of the data); longer ones are joined.
 */
const BULK_COPY_MAX = 8 * 1024 * 1024;

/** The payload pieces as one Buffer (a new object every time: values may be Map keys). */
function concatParts(parts: Buffer[], total: number): Buffer {
  return parts.length === 1 ? parts[0]! : parts.length === 0 ? Buffer.alloc(0) : Buffer.concat(parts, total);
}

/** Byte `i` of the concatenation of `parts` (-1 past the end). */
function byteAt(parts: Buffer[], i: number): number {
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k]!;
    if (i < p.length) return p[i]!;
    i -= p.length;
  }
  return -1;
}

/** A partially filled aggregate. Frames are reused: the stack only grows. */
class Frame {
  kind = K_ARRAY;
  array: RespValue[] | null = null;
  map: Map<RespValue, RespValue> | null = null;
  /** Elements received so far (for maps: keys and values counted separately). */
  index = 0;
  /** Elements expected (for maps: 2 * entries). */
  length = 0;
  /** Pending map key. */
  key: RespValue = null;
}

function typeName(type: number): string {
  switch (type) {
    case T_BULK:
      return "bulk string";
    case T_ARRAY:
      return "array";
    case T_MAP:
      return "map";
    case T_SET:
      return "set";
    case T_PUSH:
      return "push";
    case T_ATTR:
      return "attribute";
    case T_BLOBERR:
      return "blob error";
    case T_VERBATIM:
      return "verbatim string";
    default:
      return "value";
  }
}

function describeByte(b: number): string {
  const hex = "0x" + b.toString(16).padStart(2, "0");
  return b >= 0x20 && b < 0x7f ? `${hex} ('${String.fromCharCode(b)}')` : hex;
}

function parseDouble(text: string): number | undefined {
  if (DOUBLE_RE.test(text)) return Number(text);
  switch (text.toLowerCase()) {
    case "inf":
    case "+inf":
      return Infinity;
    case "-inf":
      return -Infinity;
    case "nan":
    case "-nan":
    case "+nan":
      return NaN;
    default:
      return undefined;
  }
}

export class RespDecoder {
  /** Strings (true) or Buffers (false). Read each time a string is produced: may change between replies. */
  decodeStrings: boolean;
  /** Encoding of decoded strings. Read each time a string is produced. */
  encoding: BufferEncoding;
  readonly maxBulkLength: number;
  /** See `DecoderOptions.encodingErrors`. */
  encodingErrors: "strict" | "replace" | "ignore";

  private readonly handlers: DecoderHandlers;
  /** Set when a string of the value being read was not valid UTF-8 ("strict"). */
  private badText = false;

  // Aggregate stack.
  private stack: Frame[] = [];
  private depth = 0;

  // Bulk payload spanning chunks (bulkLeft < 0: not inside a payload).
  private bulkLeft = -1;
  private bulkType = 0;
  private bulkTotal = 0;
  private bulkCR = false;
  private bulkParts: Buffer[] = [];
  /**
   * Buffer replies: a bulk string of at most BULK_COPY_MAX bytes that spans chunks is copied
   * into its own Buffer as the chunks arrive (`bulkFill` bytes so far), instead of holding
   * every chunk until the end and joining them with Buffer.concat (bench/README.md, "Profile
   * findings"). Longer ones keep the pieces, so a corrupt length never reserves more than that.
   */
  private bulkDest: Buffer | null = null;
  private bulkFill = 0;

  // Header line cut by a chunk boundary.
  private hdr: Buffer[] = [];
  private hdrLen = 0;
  private hdrCR = false;
  private hdrOffset = 0;

  /** Stream offset of the first byte of the chunk being fed. */
  private offset = 0;
  /** Stream offset of byte 0 of the buffer being parsed (for error messages). */
  private base = 0;
  /** Buffer being parsed and the position after the last value handed to a handler. */
  private cur: Buffer = EMPTY;
  private pos = 0;
  /** Result of readLength/readInteger: index after the CRLF, or -1 if the line is incomplete. */
  private next = 0;

  /** Bumped by reset(): a handler that resets the decoder stops the current feed. */
  private gen = 0;
  private inHandler = false;
  private failed: ProtocolError | null = null;
  /** Input left unparsed because a handler threw. */
  private stash: Buffer[] | null = null;

  constructor(handlers: DecoderHandlers, options: DecoderOptions = {}) {
    this.handlers = handlers;
    this.decodeStrings = options.decodeStrings ?? false;
    this.encoding = options.encoding ?? "utf8";
    this.encodingErrors = options.encodingErrors ?? "strict";
    const max = options.maxBulkLength ?? DEFAULT_MAX_BULK;
    if (!(max >= 0)) throw new DataError("maxBulkLength must be a non-negative number");
    this.maxBulkLength = Math.min(Math.floor(max), bufferConstants.MAX_LENGTH);
  }

  /** True when the decoder is partway through a reply (or holds unparsed input). */
  get pending(): boolean {
    return this.depth > 0 || this.bulkLeft >= 0 || this.hdrLen > 0 || this.stash !== null;
  }

  /** Forgets all state, including a previous protocol error. */
  reset(): void {
    this.gen++;
    this.badText = false;
    this.stack = [];
    this.depth = 0;
    this.bulkLeft = -1;
    this.bulkParts = [];
    this.bulkDest = null;
    this.bulkCR = false;
    this.hdr = [];
    this.hdrLen = 0;
    this.hdrCR = false;
    this.offset = 0;
    this.base = 0;
    this.cur = EMPTY;
    this.pos = 0;
    this.failed = null;
    this.stash = null;
    this.inHandler = false;
  }

  /**
   * Parses as many complete replies as `chunk` completes, calling the handlers synchronously in
   * order. The decoder keeps references into `chunk` (zero copy): don't modify it afterwards.
   * Throws `ProtocolError` on invalid input, and again on every later call until `reset()`.
   * If a handler throws, the exception propagates and the unparsed rest of the chunk is kept
   * for the next `feed`.
   */
  feed(chunk: Buffer): void {
    if (this.inHandler) throw new Error("RespDecoder.feed() must not be called from a decoder handler");
    if (this.failed !== null) {
      throw new ProtocolError(`Protocol error: decoder stopped after an earlier error (${this.failed.message})`);
    }
    if (this.stash === null) {
      if (chunk.length > 0) this.feedOne(chunk);
      return;
    }
    const list = this.stash;
    this.stash = null;
    if (chunk.length > 0) list.push(chunk);
    for (let i = 0; i < list.length; i++) {
      const gen = this.gen;
      try {
        this.feedOne(list[i]!);
      } catch (e) {
        if (this.failed === null && gen === this.gen) {
          const rest = (this.stash ?? ([] as Buffer[])).concat(list.slice(i + 1));
          this.stash = rest.length > 0 ? rest : null;
        }
        throw e;
      }
      if (gen !== this.gen) return;
    }
  }

  private feedOne(chunk: Buffer): void {
    const gen = this.gen;
    const chunkBase = this.offset;
    let take = 0;
    let line: Buffer | null = null;
    try {
      if (this.hdrLen > 0) {
        take = this.takeHeader(chunk);
        if (take < 0) {
          this.offset = chunkBase + chunk.length;
          return;
        }
        line = this.joinHeader(chunk, take);
        this.base = this.hdrOffset;
        this.cur = line;
        this.pos = 0;
        this.run(line, 0);
        if (gen !== this.gen) return;
      }
      this.base = chunkBase;
      this.cur = chunk;
      this.pos = take;
      this.run(chunk, take);
    } catch (e) {
      if (gen !== this.gen || this.failed !== null) throw e;
      if (!this.inHandler) {
        // Not ours to throw and not a handler's: never let another kind of error escape.
        const err = new ProtocolError(`Protocol error: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
        this.failed = err;
        throw err;
      }
      // A handler threw: keep what was not parsed yet.
      this.inHandler = false;
      const restStart = this.cur === chunk ? this.pos : take;
      this.stash = restStart < chunk.length ? [chunk.subarray(restStart)] : null;
      this.offset = chunkBase + restStart;
      this.cur = EMPTY;
      throw e;
    }
    if (gen === this.gen) {
      this.offset = chunkBase + chunk.length;
      this.cur = EMPTY;
    }
  }

  /**
   * Continues a header line cut by a chunk boundary. Returns how many bytes of `chunk` complete
   * it, or -1 when the whole chunk was absorbed and the line is still incomplete.
   */
  private takeHeader(chunk: Buffer): number {
    if (this.hdrCR) return 1;
    const k = chunk.indexOf(CR);
    if (k >= 0 && k < chunk.length - 1) return k + 2;
    const type = this.hdr[0]![0]!;
    if (type !== T_SIMPLE && type !== T_ERROR && type !== T_DOUBLE && type !== T_BIGNUM) {
      // A short structured line (length, integer, boolean, null; at most ~22 bytes before it is
      // complete or invalid): parse it again with the new bytes, so that an error shows exactly
      // as it would have in one chunk. It ends incomplete again (saved anew) or throws.
      this.hdr.push(chunk);
      const line = Buffer.concat(this.hdr, this.hdrLen + chunk.length);
      this.base = this.hdrOffset;
      this.hdr = [];
      this.hdrLen = 0;
      this.hdrCR = false;
      this.cur = line;
      this.pos = 0;
      this.run(line, 0);
      return -1;
    }
    const len = this.hdrLen + chunk.length;
    // Content is everything after the type byte, less a trailing CR.
    const content = len - 1 - (k >= 0 ? 1 : 0);
    if (content > MAX_LINE_LENGTH) {
      this.base = this.hdrOffset;
      this.fail(`header line longer than ${MAX_LINE_LENGTH} bytes`, 0);
    }
    this.hdr.push(Buffer.from(chunk));
    this.hdrLen = len;
    this.hdrCR = k >= 0;
    return -1;
  }

  private joinHeader(chunk: Buffer, take: number): Buffer {
    const parts = this.hdr;
    parts.push(chunk.subarray(0, take));
    const line = Buffer.concat(parts, this.hdrLen + take);
    this.hdr = [];
    this.hdrLen = 0;
    this.hdrCR = false;
    return line;
  }

  /** Keeps the incomplete header line buf[pos..] for the next chunk. */
  private savePartial(buf: Buffer, pos: number): void {
    this.hdr = [Buffer.from(buf.subarray(pos))];
    this.hdrLen = buf.length - pos;
    this.hdrCR = buf[buf.length - 1] === CR;
    this.hdrOffset = this.base + pos;
  }

  private fail(message: string, at: number): never {
    const err = new ProtocolError(`Protocol error: ${message} at offset ${this.base + at}`);
    this.failed = err;
    // Nothing partial is worth keeping now.
    this.stack = [];
    this.depth = 0;
    this.bulkLeft = -1;
    this.bulkParts = [];
    this.bulkDest = null;
    this.hdr = [];
    this.hdrLen = 0;
    throw err;
  }

  /** Parses `buf` from `pos` to its end. */
  private run(buf: Buffer, pos: number): void {
    const end = buf.length;
    const gen = this.gen;
    if (this.bulkLeft >= 0) {
      pos = this.continueBulk(buf, pos);
      if (pos < 0) return;
    }
    while (pos < end) {
      const type = buf[pos]!;
      let value: RespValue;
      switch (type) {
        case T_BULK: {
          const len = this.readLength(buf, pos + 1, end, this.maxBulkLength, type);
          const start = this.next;
          if (start < 0) return this.savePartial(buf, pos);
          if (len < 0) {
            value = null;
            pos = start;
            break;
          }
          const stop = start + len;
          if (stop + 2 > end || len >= HUGE_STRING) {
            this.beginBulk(type, len);
            pos = this.continueBulk(buf, start);
            if (pos < 0) return;
            continue;
          }
          if (buf[stop] !== CR || buf[stop + 1] !== LF) {
            this.fail("expected CRLF after bulk string payload", buf[stop] !== CR ? stop : stop + 1);
          }
          value = this.decodeStrings ? this.text(buf, start, stop) : buf.subarray(start, stop);
          pos = stop + 2;
          break;
        }
        case T_SIMPLE: {
          const cr = this.findCR(buf, pos + 1, end);
          if (cr < 0) return this.savePartial(buf, pos);
          value = this.decodeStrings ? this.text(buf, pos + 1, cr) : buf.subarray(pos + 1, cr);
          pos = cr + 2;
          break;
        }
        case T_INT: {
          value = this.readInteger(buf, pos + 1, end);
          if (this.next < 0) return this.savePartial(buf, pos);
          pos = this.next;
          break;
        }
        case T_ARRAY:
        case T_SET:
        case T_PUSH: {
          const len = this.readLength(buf, pos + 1, end, MAX_CONTAINER, type);
          if (this.next < 0) return this.savePartial(buf, pos);
          if (len < 0 && type === T_PUSH) this.fail("invalid push length", pos);
          pos = this.next;
          if (len > 0) {
            this.pushFrame(type === T_ARRAY ? K_ARRAY : type === T_SET ? K_SET : K_PUSH, len, end - pos);
            continue;
          }
          if (len < 0) {
            value = null;
          } else if (type === T_PUSH && this.depth === 0) {
            this.pos = pos;
            this.inHandler = true;
            this.handlers.onPush(this.badText ? this.decodeFailure() : []);
            this.inHandler = false;
            if (gen !== this.gen) return;
            continue;
          } else {
            value = [];
          }
          break;
        }
        case T_ERROR: {
          const cr = this.findCR(buf, pos + 1, end);
          if (cr < 0) return this.savePartial(buf, pos);
          value = errorFromReply(buf.toString("utf8", pos + 1, cr));
          pos = cr + 2;
          break;
        }
        case T_MAP:
        case T_ATTR: {
          const len = this.readLength(buf, pos + 1, end, MAX_CONTAINER, type);
          if (this.next < 0) return this.savePartial(buf, pos);
          if (len < 0 && type === T_ATTR) this.fail("invalid attribute length", pos);
          pos = this.next;
          if (len > 0) {
            this.pushFrame(type === T_MAP ? K_MAP : K_ATTR, len * 2, end - pos);
            continue;
          }
          if (len < 0) {
            value = null;
          } else if (type === T_ATTR) {
            this.pos = pos;
            this.inHandler = true;
            this.handlers.onAttribute?.(new Map());
            this.inHandler = false;
            if (gen !== this.gen) return;
            continue;
          } else {
            value = new Map();
          }
          break;
        }
        case T_NULL: {
          if (pos + 2 >= end) {
            if (pos + 1 < end && buf[pos + 1] !== CR) this.fail("expected CRLF after null", pos + 1);
            return this.savePartial(buf, pos);
          }
          if (buf[pos + 1] !== CR || buf[pos + 2] !== LF) this.fail("expected CRLF after null", pos + 1);
          value = null;
          pos += 3;
          break;
        }
        case T_BOOL: {
          const c = pos + 1 < end ? buf[pos + 1]! : -1;
          if (c !== -1 && c !== 116 && c !== 102) this.fail(`invalid boolean ${describeByte(c)}`, pos + 1);
          if (pos + 3 >= end) {
            if (pos + 2 < end && buf[pos + 2] !== CR) this.fail("expected CRLF after boolean", pos + 2);
            return this.savePartial(buf, pos);
          }
          if (buf[pos + 2] !== CR || buf[pos + 3] !== LF) this.fail("expected CRLF after boolean", pos + 2);
          value = c === 116;
          pos += 4;
          break;
        }
        case T_DOUBLE: {
          const cr = this.findCR(buf, pos + 1, end);
          if (cr < 0) return this.savePartial(buf, pos);
          const d = parseDouble(buf.toString("latin1", pos + 1, cr));
          if (d === undefined) this.fail("invalid double", pos + 1);
          value = d;
          pos = cr + 2;
          break;
        }
        case T_BIGNUM: {
          const cr = this.findCR(buf, pos + 1, end);
          if (cr < 0) return this.savePartial(buf, pos);
          const text = buf.toString("latin1", pos + 1, cr);
          if (!BIGNUM_RE.test(text)) this.fail("invalid big number", pos + 1);
          value = BigInt(text);
          pos = cr + 2;
          break;
        }
        case T_BLOBERR:
        case T_VERBATIM: {
          const len = this.readLength(buf, pos + 1, end, this.maxBulkLength, type);
          const start = this.next;
          if (start < 0) return this.savePartial(buf, pos);
          if (len < 0) {
            value = null;
            pos = start;
            break;
          }
          if (type === T_VERBATIM && len < 4) this.fail("invalid verbatim string length", pos + 1);
          this.beginBulk(type, len);
          pos = this.continueBulk(buf, start);
          if (pos < 0) return;
          continue;
        }
        default:
          this.fail(`unexpected type byte ${describeByte(type)}`, pos);
      }
      // Hand the value to its container, or to the handler.
      const depth = this.depth;
      if (depth === 0) {
        this.pos = pos;
        this.inHandler = true;
        this.handlers.onReply(this.badText ? this.decodeFailure()[0]! : value);
        this.inHandler = false;
        if (gen !== this.gen) return;
      } else {
        const f = this.stack[depth - 1]!;
        if (f.kind <= K_PUSH && f.index + 1 < f.length) {
          // Fast path: an element that does not complete its array.
          f.array![f.index++] = value;
          continue;
        }
        this.pos = pos;
        if (!this.emit(value)) return;
      }
    }
  }

  /**
   * Adds a complete value to the innermost open aggregate, closing every aggregate it completes,
   * and hands a completed top-level value to its handler. Returns false if a handler reset the
   * decoder.
   */
  private emit(value: RespValue): boolean {
    const gen = this.gen;
    let depth = this.depth;
    while (depth > 0) {
      const f = this.stack[depth - 1]!;
      const kind = f.kind;
      if (kind <= K_PUSH) {
        f.array![f.index++] = value;
      } else if ((f.index & 1) === 0) {
        f.key = value;
        f.index++;
        return true;
      } else {
        f.map!.set(f.key, value);
        f.key = null;
        f.index++;
      }
      if (f.index < f.length) return true;
      // The aggregate is complete.
      depth--;
      this.depth = depth;
      if (kind <= K_PUSH) {
        value = f.array!;
        f.array = null;
      } else {
        value = f.map!;
        f.map = null;
      }
      if (depth === 0 && this.stack.length > 1024) this.stack.length = 1024;
      if (kind === K_ATTR) {
        this.inHandler = true;
        this.handlers.onAttribute?.(value as Map<RespValue, RespValue>);
        this.inHandler = false;
        return gen === this.gen;
      }
      if (kind === K_PUSH && depth === 0) {
        this.inHandler = true;
        this.handlers.onPush(this.badText ? this.decodeFailure() : (value as RespValue[]));
        this.inHandler = false;
        return gen === this.gen;
      }
    }
    this.inHandler = true;
    this.handlers.onReply(this.badText ? this.decodeFailure()[0]! : value);
    this.inHandler = false;
    return gen === this.gen;
  }

  /** Decodes `buf[start, end)` as text, minding `encodingErrors`. */
  private text(buf: Buffer, start: number, end: number): string {
    const s = decodeString(buf, this.encoding, start, end);
    return this.checkText(s, buf, start, end);
  }

  /** `s` decoded from `bytes[start, end)`: invalid UTF-8 is an error ("strict") or left out ("ignore"). */
  private checkText(s: string, bytes: Buffer, start: number, end: number): string {
    const mode = this.encodingErrors;
    if (mode === "replace" || !s.includes("\uFFFD")) return s;
    const encoding = this.encoding;
    if (encoding !== "utf8" && encoding !== "utf-8") return s;
    const raw = bytes.subarray(start, end);
    if (isUtf8(raw)) return s;
    if (mode === "strict") {
      this.badText = true;
      return s;
    }
    // "ignore": U+FFFD that was really in the text (EF BF BD) stays.
    return raw.includes(REPLACEMENT_UTF8) ? s : s.replace(/\uFFFD/g, "");
  }

  /** The value reported instead of a reply whose text was not valid UTF-8. */
  private decodeFailure(): RespValue[] {
    this.badText = false;
    return [
      new DecodeError(
        `the reply is not valid ${this.encoding === "utf8" ? "UTF-8" : this.encoding} (encodingErrors "strict"); ` +
          `read it as bytes with decodeResponses: false, or choose encodingErrors "replace" or "ignore". The command ran`,
      ),
    ];
  }

  /** Opens an aggregate of `length` elements; `avail` is the number of bytes left in the buffer. */
  private pushFrame(kind: number, length: number, avail: number): void {
    let f = this.stack[this.depth];
    if (f === undefined) {
      f = new Frame();
      this.stack.push(f);
    }
    f.kind = kind;
    f.index = 0;
    f.length = length;
    f.key = null;
    if (kind === K_MAP || kind === K_ATTR) {
      f.map = new Map();
    } else {
      // Preallocate only when the elements can be in this buffer (each takes at least 3 bytes):
      // memory then stays proportional to the input, whatever length a corrupt header claims.
      // Very large lengths grow instead: a huge preallocated array would be a slow dictionary.
      f.array = length * 3 <= avail && length <= 65536 ? new Array<RespValue>(length) : [];
    }
    this.depth++;
  }

  private beginBulk(type: number, len: number): void {
    this.bulkType = type;
    this.bulkTotal = len;
    this.bulkLeft = len;
    this.bulkCR = false;
    this.bulkParts = [];
    this.bulkDest = null;
  }

  /**
   * Continues a bulk payload at buf[pos]. Returns the position after it, or -1 when the buffer
   * ended first (or a handler reset the decoder).
   */
  private continueBulk(buf: Buffer, pos: number): number {
    const end = buf.length;
    const left = this.bulkLeft;
    if (left > 0) {
      const avail = end - pos;
      if (avail < left) {
        if (avail > 0) {
          if (this.bulkDest === null && left === this.bulkTotal && left <= BULK_COPY_MAX && this.bulkType === T_BULK && !this.decodeStrings) {
            this.bulkDest = Buffer.allocUnsafe(left);
            this.bulkFill = 0;
          }
          if (this.bulkDest !== null) this.bulkFill += buf.copy(this.bulkDest, this.bulkFill, pos, end);
          else this.bulkParts.push(buf.subarray(pos));
        }
        this.bulkLeft = left - avail;
        return -1;
      }
      if (this.bulkDest !== null) buf.copy(this.bulkDest, this.bulkFill, pos, pos + left);
      else this.bulkParts.push(buf.subarray(pos, pos + left));
      pos += left;
      this.bulkLeft = 0;
    }
    if (!this.bulkCR) {
      if (pos >= end) return -1;
      if (buf[pos] !== CR) this.fail(`expected CRLF after ${typeName(this.bulkType)} payload`, pos);
      pos++;
      this.bulkCR = true;
    }
    if (pos >= end) return -1;
    if (buf[pos] !== LF) this.fail(`expected CRLF after ${typeName(this.bulkType)} payload`, pos);
    pos++;
    const parts = this.bulkDest !== null ? [this.bulkDest] : this.bulkParts;
    this.bulkParts = [];
    this.bulkDest = null;
    this.bulkLeft = -1;
    this.bulkCR = false;
    const value = this.bulkValue(this.bulkType, parts, this.bulkTotal, pos);
    this.pos = pos;
    return this.emit(value) ? pos : -1;
  }

  /**
   * The value of a complete bulk / blob error / verbatim payload made of `parts` (`total` bytes).
   * `pos` (just after the payload's CRLF) is for error offsets.
   */
  private bulkValue(type: number, parts: Buffer[], total: number, pos: number): RespValue {
    let skip = 0;
    if (type === T_VERBATIM) {
      if (byteAt(parts, 3) !== 58) this.fail("invalid verbatim string (expected a 'xxx:' format prefix)", pos - total - 2);
      skip = 4;
    } else if (type === T_BLOBERR) {
      return errorFromReply(concatParts(parts, total).toString("utf8"));
    }
    if (!this.decodeStrings) {
      const data = concatParts(parts, total);
      return skip === 0 ? data : data.subarray(skip);
    }
    const encoding = this.encoding;
    try {
      if (parts.length > 1 && (encoding === "utf8" || encoding === "utf-8")) {
        // Decode piece by piece (a StringDecoder keeps characters cut between pieces whole):
        // no intermediate copy of the whole payload; V8 joins the pieces as a rope.
        // Each piece is searched for U+FFFD while it is still a flat string: searching the joined
        // rope would flatten (copy) the whole payload, which doubled the cost of a 1 MB GET.
        const check = this.encodingErrors !== "replace";
        const sd = new StringDecoder("utf8");
        let text = "";
        let suspect = false;
        for (let i = 0; i < parts.length; i++) {
          let p = parts[i]!;
          if (skip > 0) {
            if (p.length <= skip) {
              skip -= p.length;
              continue;
            }
            p = p.subarray(skip);
            skip = 0;
          }
          const piece = sd.write(p);
          if (check && !suspect && piece.includes("\uFFFD")) suspect = true;
          text += piece;
        }
        const last = sd.end();
        if (check && !suspect && last.includes("\uFFFD")) suspect = true;
        text += last;
        return suspect ? this.checkText(text, concatParts(parts, total), skip, total) : text;
      }
      const whole = concatParts(parts, total);
      return this.checkText(whole.toString(encoding, skip), whole, skip, total);
    } catch (e) {
      // Longer than the longest JS string: keep the stream in sync and report this reply only.
      return new DataError(`Reply of ${total - skip} bytes is too long to decode as a string; read it as a Buffer`, { cause: e });
    }
  }

  /**
   * Index of the CR ending the line that starts at buf[i], or -1 if the line is incomplete.
   * Throws on CR not followed by LF and on lines longer than MAX_LINE_LENGTH.
   */
  private findCR(buf: Buffer, i: number, end: number): number {
    const lim = i + MAX_LINE_LENGTH + 1;
    const stop = lim < end ? lim : end;
    let j = i;
    while (j < stop && buf[j] !== CR) j++;
    if (j === stop) {
      if (stop === lim) this.fail(`header line longer than ${MAX_LINE_LENGTH} bytes`, i - 1);
      return -1;
    }
    if (j + 1 >= end) return -1;
    if (buf[j + 1] !== LF) this.fail("expected CRLF", j);
    return j;
  }

  /**
   * Parses the length line after a type byte at buf[i - 1]: `-1` or 0..max. Sets `next` to the
   * index after its CRLF, or -1 if the line is incomplete.
   */
  private readLength(buf: Buffer, i: number, end: number, max: number, type: number): number {
    let neg = false;
    if (i < end && buf[i] === 45) {
      neg = true;
      i++;
    }
    const first = i;
    let n = 0;
    let c = -1;
    while (i < end) {
      c = buf[i]!;
      if (c < 48 || c > 57) break;
      n = n * 10 + (c - 48);
      if (n > max) this.fail(`invalid ${typeName(type)} length (larger than ${max})`, first - (neg ? 2 : 1));
      i++;
    }
    if (i - first > 20) this.fail(`invalid ${typeName(type)} length (too many digits)`, first);
    if (i >= end) {
      this.next = -1;
      return 0;
    }
    if (c !== CR) this.fail(`invalid ${typeName(type)} length: unexpected byte ${describeByte(c)}`, i);
    if (i === first) this.fail(`invalid ${typeName(type)} length`, i);
    if (i + 1 >= end) {
      this.next = -1;
      return 0;
    }
    if (buf[i + 1] !== LF) this.fail("expected CRLF", i);
    this.next = i + 2;
    if (!neg) return n;
    if (n === 1) return -1;
    if (n === 0) return 0;
    return this.fail(`invalid ${typeName(type)} length (negative)`, first - 2);
  }

  /** Parses an integer line (after ':'); sets `next` like readLength. */
  private readInteger(buf: Buffer, i: number, end: number): number | bigint {
    const lineStart = i;
    if (i < end && buf[i] === 45) i++;
    const first = i;
    let n = 0;
    let c = -1;
    while (i < end) {
      c = buf[i]!;
      if (c < 48 || c > 57) break;
      n = n * 10 + (c - 48);
      i++;
    }
    if (i - first > 20) this.fail("invalid integer (too many digits)", first);
    if (i >= end) {
      this.next = -1;
      return 0;
    }
    if (c !== CR) this.fail(`invalid integer: unexpected byte ${describeByte(c)}`, i);
    if (i === first) this.fail("invalid integer", i);
    if (i + 1 >= end) {
      this.next = -1;
      return 0;
    }
    if (buf[i + 1] !== LF) this.fail("expected CRLF", i);
    this.next = i + 2;
    if (i - first <= 15) return first !== lineStart ? 0 - n : n;
    const big = BigInt(buf.toString("latin1", lineStart, i));
    return big >= MIN_SAFE && big <= MAX_SAFE ? Number(big) : big;
  }
}
