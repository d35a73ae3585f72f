/**
 * The RESP2/RESP3 reader: one buffer parsed from a position to its end (the type readers and
 * the aggregate stack). What spans chunks (feeding, header lines and bulk payloads cut by a
 * chunk boundary) is RespDecoder's, in decoder.ts, whose header holds the design notes.
 */
import { constants as bufferConstants, isUtf8 } from "node:buffer";
import { errorFromReply, DataError, DecodeError, ProtocolError } from "../errors.js";
import { decodeString, parseDouble, REPLACEMENT_UTF8, Utf8Vouch } from "./text.js";

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

// Frame kinds.
const K_ARRAY = 0;
const K_SET = 1;
const K_PUSH = 2;
const K_MAP = 3;
const K_ATTR = 4;

// Type bytes.
export const T_SIMPLE = 43; // +
export const T_ERROR = 45; // -
const T_INT = 58; // :
export const T_BULK = 36; // $
const T_ARRAY = 42; // *
const T_NULL = 95; // _
const T_BOOL = 35; // #
export const T_DOUBLE = 44; // ,
export const T_BIGNUM = 40; // (
export const T_BLOBERR = 33; // !
export const T_VERBATIM = 61; // =
const T_MAP = 37; // %
const T_SET = 126; // ~
const T_ATTR = 124; // |
const T_PUSH = 62; // >

export const CR = 13;
export const LF = 10;

const BIGNUM_RE = /^[+-]?\d+$/;
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
export const EMPTY = Buffer.alloc(0);

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

const TYPE_NAMES: Record<number, string> = {
  [T_BULK]: "bulk string",
  [T_ARRAY]: "array",
  [T_MAP]: "map",
  [T_SET]: "set",
  [T_PUSH]: "push",
  [T_ATTR]: "attribute",
  [T_BLOBERR]: "blob error",
  [T_VERBATIM]: "verbatim string",
};

export function typeName(type: number): string {
  return TYPE_NAMES[type] ?? "value";
}

function describeByte(b: number): string {
  const hex = "0x" + b.toString(16).padStart(2, "0");
  return b >= 0x20 && b < 0x7f ? `${hex} ('${String.fromCharCode(b)}')` : hex;
}

/**
 * The reader's state and its one-buffer parsing. `RespDecoder` (decoder.ts) adds the chunk
 * layer; the type bytes stay in this module, where the reader's switch compares them.
 */
export abstract class RespReader {
  /** Strings (true) or Buffers (false). Read each time a string is produced: may change between replies. */
  decodeStrings: boolean;
  /**
   * With Buffers: field names (even elements of a top-level array, keys of a top-level map) come as text, as
   * `Buffer#toString()` decodes them (HGETALL). Not a name cut by a chunk boundary. Set per reply, like `decodeStrings`.
   */
  textKeys = false;
  /** Encoding of decoded strings. Read each time a string is produced. */
  encoding: BufferEncoding;
  readonly maxBulkLength: number;
  /** See `DecoderOptions.encodingErrors`. */
  encodingErrors: "strict" | "replace" | "ignore";

  protected readonly handlers: DecoderHandlers;
  /** Set when a string of the value being read was not valid UTF-8 ("strict"). */
  protected badText = false;
  /** Vouches for decoded text by its whole chunk (see `Utf8Vouch`). */
  protected readonly utf8 = new Utf8Vouch();

  // Aggregate stack.
  protected stack: Frame[] = [];
  protected depth = 0;

  // Bulk payload spanning chunks (bulkLeft < 0: not inside a payload).
  protected bulkLeft = -1;
  protected bulkType = 0;
  protected bulkTotal = 0;
  protected bulkCR = false;
  protected bulkParts: Buffer[] = [];
  /**
   * Buffer replies: a bulk string of at most BULK_COPY_MAX bytes that spans chunks is copied
   * into its own Buffer as the chunks arrive (`bulkFill` bytes so far), instead of holding
   * every chunk until the end and joining them with Buffer.concat (bench/README.md, "Profile
   * findings"). Longer ones keep the pieces, so a corrupt length never reserves more than that.
   */
  protected bulkDest: Buffer | null = null;
  protected bulkFill = 0;

  // Header line cut by a chunk boundary.
  protected hdr: Buffer[] = [];
  protected hdrLen = 0;
  protected hdrCR = false;
  protected hdrOffset = 0;

  /** Stream offset of the first byte of the chunk being fed. */
  protected offset = 0;
  /** Stream offset of byte 0 of the buffer being parsed (for error messages). */
  protected base = 0;
  /** Buffer being parsed and the position after the last value handed to a handler. */
  protected cur: Buffer = EMPTY;
  protected pos = 0;
  /** Result of readLength/readInteger: index after the CRLF, or -1 if the line is incomplete. */
  protected next = 0;

  /** Bumped by reset(): a handler that resets the decoder stops the current feed. */
  protected gen = 0;
  protected inHandler = false;
  protected failed: ProtocolError | null = null;
  /** Input left unparsed because a handler threw. */
  protected stash: Buffer[] | null = null;

  constructor(handlers: DecoderHandlers, options: DecoderOptions = {}) {
    this.handlers = handlers;
    this.decodeStrings = options.decodeStrings ?? false;
    this.encoding = options.encoding ?? "utf8";
    this.encodingErrors = options.encodingErrors ?? "strict";
    const max = options.maxBulkLength ?? DEFAULT_MAX_BULK;
    if (!(max >= 0)) throw new DataError("maxBulkLength must be a non-negative number");
    this.maxBulkLength = Math.min(Math.floor(max), bufferConstants.MAX_LENGTH);
  }

  /** Starts a bulk / blob error / verbatim payload of `len` bytes (decoder.ts). */
  protected abstract beginBulk(type: number, len: number): void;
  /** Continues a bulk payload at buf[pos]: the position after it, or -1 (decoder.ts). */
  protected abstract continueBulk(buf: Buffer, pos: number): number;

  /** Keeps the incomplete header line buf[pos..] for the next chunk. */
  protected savePartial(buf: Buffer, pos: number): void {
    this.hdr = [Buffer.from(buf.subarray(pos))];
    this.hdrLen = buf.length - pos;
    this.hdrCR = buf[buf.length - 1] === CR;
    this.hdrOffset = this.base + pos;
  }

  protected fail(message: string, at: number): never {
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
  protected run(buf: Buffer, pos: number): void {
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
          value = this.decodeStrings ? this.text(buf, start, stop) : this.textKeys ? this.field(buf, start, stop) : buf.subarray(start, stop);
          pos = stop + 2;
          break;
        }
        case T_SIMPLE: {
          const cr = this.findCR(buf, pos + 1, end);
          if (cr < 0) return this.savePartial(buf, pos);
          value = this.decodeStrings ? this.text(buf, pos + 1, cr) : this.textKeys ? this.field(buf, pos + 1, cr) : buf.subarray(pos + 1, cr);
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
  protected emit(value: RespValue): boolean {
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

  /** `buf[start, end)` with Buffer replies and `textKeys`: text for a field name, else a view of it. */
  protected field(buf: Buffer, start: number, end: number): Buffer | string {
    const f = this.depth === 1 ? this.stack[0]! : null;
    const name = f !== null && (f.kind === K_ARRAY || f.kind === K_MAP) && (f.index & 1) === 0;
    return name ? decodeString(buf, "utf8", start, end) : buf.subarray(start, end);
  }

  /** Decodes `buf[start, end)` as text, minding `encodingErrors`. */
  protected text(buf: Buffer, start: number, end: number): string {
    const s = decodeString(buf, this.encoding, start, end);
    return this.checkText(s, buf, start, end);
  }

  /** `s` decoded from `bytes[start, end)`: invalid UTF-8 is an error ("strict") or left out ("ignore"). */
  protected checkText(s: string, bytes: Buffer, start: number, end: number): string {
    const mode = this.encodingErrors;
    if (mode === "replace") return s;
    const encoding = this.encoding;
    if (encoding !== "utf8" && encoding !== "utf-8") return s;
    if (this.utf8.valid(s, bytes)) return s;
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
  protected decodeFailure(): RespValue[] {
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
