/**
 * Minimal RESP helpers for scripting fake servers (independent of the client's own codec,
 * so tests do not validate the parser with itself).
 */

type Bytes = string | Buffer;

const CRLF = "\r\n";

function bulkBytes(b: Bytes): Buffer {
  const buf = typeof b === "string" ? Buffer.from(b, "utf8") : b;
  return Buffer.concat([Buffer.from(`$${buf.length}${CRLF}`), buf, Buffer.from(CRLF)]);
}

/** Encoders returning raw wire bytes. */
export const resp = {
  simple: (s: string): Buffer => Buffer.from(`+${s}${CRLF}`),
  error: (s: string): Buffer => Buffer.from(`-${s}${CRLF}`),
  int: (n: number | bigint): Buffer => Buffer.from(`:${n}${CRLF}`),
  bulk: (b: Bytes | null): Buffer => (b === null ? Buffer.from(`$-1${CRLF}`) : bulkBytes(b)),
  /** RESP2 array; items are already-encoded replies. null -> *-1 */
  array: (items: Buffer[] | null): Buffer => (items === null ? Buffer.from(`*-1${CRLF}`) : Buffer.concat([Buffer.from(`*${items.length}${CRLF}`), ...items])),
  /** A client command: array of bulk strings, e.g. resp.command("SET", "k", "v"). */
  command: (...args: Bytes[]): Buffer => Buffer.concat([Buffer.from(`*${args.length}${CRLF}`), ...args.map(bulkBytes)]),
  // RESP3
  null: (): Buffer => Buffer.from(`_${CRLF}`),
  bool: (b: boolean): Buffer => Buffer.from(`#${b ? "t" : "f"}${CRLF}`),
  double: (d: number): Buffer => Buffer.from(`,${Number.isNaN(d) ? "nan" : d === Infinity ? "inf" : d === -Infinity ? "-inf" : String(d)}${CRLF}`),
  bigNumber: (n: bigint | string): Buffer => Buffer.from(`(${n}${CRLF}`),
  verbatim: (format: string, text: string): Buffer => {
    const body = Buffer.from(`${format}:${text}`, "utf8");
    return Buffer.concat([Buffer.from(`=${body.length}${CRLF}`), body, Buffer.from(CRLF)]);
  },
  bulkError: (s: string): Buffer => {
    const body = Buffer.from(s, "utf8");
    return Buffer.concat([Buffer.from(`!${body.length}${CRLF}`), body, Buffer.from(CRLF)]);
  },
  map: (pairs: [Buffer, Buffer][]): Buffer => Buffer.concat([Buffer.from(`%${pairs.length}${CRLF}`), ...pairs.flat()]),
  set: (items: Buffer[]): Buffer => Buffer.concat([Buffer.from(`~${items.length}${CRLF}`), ...items]),
  push: (items: Buffer[]): Buffer => Buffer.concat([Buffer.from(`>${items.length}${CRLF}`), ...items]),
  attribute: (pairs: [Buffer, Buffer][]): Buffer => Buffer.concat([Buffer.from(`|${pairs.length}${CRLF}`), ...pairs.flat()]),
};

/**
 * Incremental parser for what clients send: `*N` arrays of `$len` bulk strings, or inline
 * commands (space separated, CRLF or LF terminated). Throws on malformed input.
 */
export class RespCommandParser {
  private buf: Buffer = Buffer.alloc(0);

  /** Feeds bytes; returns every command completed so far, each as its argument buffers. */
  push(chunk: Buffer): Buffer[][] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: Buffer[][] = [];
    for (;;) {
      const res = this.parseOne();
      if (res === undefined) break;
      out.push(res.args);
      this.buf = this.buf.subarray(res.end);
    }
    return out;
  }

  private parseOne(): { args: Buffer[]; end: number } | undefined {
    const buf = this.buf;
    if (buf.length === 0) return undefined;
    if (buf[0] !== 0x2a /* '*' */) {
      const nl = buf.indexOf(0x0a);
      if (nl < 0) return undefined;
      const line = buf.subarray(0, nl).toString("utf8").replace(/\r$/, "");
      const args = line
        .split(" ")
        .filter((s) => s.length > 0)
        .map((s) => Buffer.from(s, "utf8"));
      if (args.length === 0) {
        this.buf = buf.subarray(nl + 1);
        return this.parseOne();
      }
      return { args, end: nl + 1 };
    }
    let pos = 0;
    const readLine = (): string | undefined => {
      const cr = buf.indexOf(CRLF, pos);
      if (cr < 0) return undefined;
      const line = buf.subarray(pos, cr).toString("latin1");
      pos = cr + 2;
      return line;
    };
    const header = readLine();
    if (header === undefined) return undefined;
    const n = Number(header.slice(1));
    if (!Number.isInteger(n) || n < 0) throw new Error(`bad multibulk header ${JSON.stringify(header)}`);
    const args: Buffer[] = [];
    for (let i = 0; i < n; i++) {
      const h = readLine();
      if (h === undefined) return undefined;
      if (h[0] !== "$") throw new Error(`expected bulk string, got ${JSON.stringify(h)}`);
      const len = Number(h.slice(1));
      if (!Number.isInteger(len) || len < 0) throw new Error(`bad bulk length ${JSON.stringify(h)}`);
      if (buf.length < pos + len + 2) return undefined;
      args.push(Buffer.from(buf.subarray(pos, pos + len)));
      pos += len + 2;
    }
    return { args, end: pos };
  }
}
