/**
 * Text from reply bytes: short ASCII strings decoded in JS, longer ones by the fastest native
 * slice Node has (the decoder's string path; src/protocol/reader.ts calls it for every string).
 */
import { isUtf8 } from "node:buffer";

/** U+FFFD in UTF-8. */
export const REPLACEMENT_UTF8 = Buffer.from([0xef, 0xbf, 0xbd]);

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
export function decodeString(buf: Buffer, encoding: BufferEncoding, start: number, end: number): string {
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

const DOUBLE_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The number a RESP3 double line (`,`) holds, or undefined when it is not one. */
export function parseDouble(text: string): number | undefined {
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

/**
 * Vouches for decoded text by the buffer it came from. The buffer is checked once (`isUtf8`,
 * native), and when all of it is valid UTF-8, so is every range of it that the reader decodes:
 * such a range is bounded by RESP framing (ASCII: CR after it, a header line or the buffer's
 * start before it), and an ASCII byte can neither continue nor begin a multi-byte sequence cut
 * at the range's edge. One check per chunk replaces a search of every decoded string (10,000
 * searches for an LRANGE of 10,000 elements); only in a buffer that is not valid as a whole is
 * each string searched for U+FFFD.
 */
export class Utf8Vouch {
  private checked: Buffer | null = null;
  private whole = false;

  /** True when `s`, decoded from a framed range of `bytes`, cannot hold U+FFFD for invalid bytes. */
  valid(s: string, bytes: Buffer): boolean {
    if (bytes !== this.checked) {
      this.checked = bytes;
      this.whole = isUtf8(bytes);
    }
    return this.whole || !s.includes("\uFFFD");
  }

  /** Lets go of the last buffer (it would hold the chunk's memory). */
  forget(): void {
    this.checked = null;
  }
}
