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
import { StringDecoder } from "node:string_decoder";
import { errorFromReply, DataError, ProtocolError } from "../errors.js";
import {
  CR,
  EMPTY,
  LF,
  MAX_LINE_LENGTH,
  RespReader,
  T_BIGNUM,
  T_BLOBERR,
  T_BULK,
  T_DOUBLE,
  T_ERROR,
  T_SIMPLE,
  T_VERBATIM,
  typeName,
  type RespValue,
} from "./reader.js";

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

/**
 * The decoder: feeds chunks to the reader (reader.ts), and carries over what a chunk boundary
 * cuts: a header line, a bulk payload, the input left when a handler threw.
 */
export class RespDecoder extends RespReader {
  /** True when the decoder is partway through a reply (or holds unparsed input). */
  get pending(): boolean {
    return this.depth > 0 || this.bulkLeft >= 0 || this.hdrLen > 0 || this.stash !== null;
  }

  /** Forgets all state, including a previous protocol error. */
  reset(): void {
    this.gen++;
    this.badText = false;
    this.utf8.forget();
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
      this.utf8.forget();
      throw e;
    }
    if (gen === this.gen) {
      this.offset = chunkBase + chunk.length;
      this.cur = EMPTY;
      // Not kept past the chunk (it would hold the chunk's memory).
      this.utf8.forget();
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

  protected override beginBulk(type: number, len: number): void {
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
  protected override continueBulk(buf: Buffer, pos: number): number {
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
}
