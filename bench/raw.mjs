/**
 * A tiny RESP2 client used by the benchmark itself (never measured): loading data, reading
 * INFO, waiting for blocked clients and firing pre-encoded PUBLISH batches. It is kept apart
 * from every client under test so that no client's code or heap helps or hurts another.
 */
import * as net from "node:net";

/** Encodes one command as RESP (an array of bulk strings). */
export function encode(args) {
  let out = `*${args.length}\r\n`;
  for (const a of args) {
    const s = String(a);
    out += `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
  }
  return out;
}

/** Parses one reply at `pos`; returns [value, nextPos] or null when incomplete. */
function parse(buf, pos) {
  if (pos >= buf.length) return null;
  const cr = buf.indexOf("\r\n", pos);
  if (cr < 0) return null;
  const type = buf[pos];
  const line = buf.toString("utf8", pos + 1, cr);
  const after = cr + 2;
  switch (type) {
    case 0x2b: // +
      return [line, after];
    case 0x2d: // -
      return [new Error(line), after];
    case 0x3a: // :
      return [Number(line), after];
    case 0x24: {
      // $
      const n = Number(line);
      if (n < 0) return [null, after];
      if (buf.length < after + n + 2) return null;
      return [buf.toString("utf8", after, after + n), after + n + 2];
    }
    case 0x2a: {
      // *
      const n = Number(line);
      if (n < 0) return [null, after];
      const items = [];
      let p = after;
      for (let i = 0; i < n; i++) {
        const r = parse(buf, p);
        if (!r) return null;
        items.push(r[0]);
        p = r[1];
      }
      return [items, p];
    }
    default:
      throw new Error(`raw client: unexpected reply type ${String.fromCharCode(type)}`);
  }
}

export class RawClient {
  static connect(host, port) {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port }, () => {
        socket.off("error", reject);
        socket.setNoDelay(true);
        resolve(new RawClient(socket));
      });
      socket.once("error", reject);
    });
  }

  constructor(socket) {
    this.socket = socket;
    this.buf = Buffer.alloc(0);
    this.waiting = [];
    /** Replies to skip (fire-and-forget writes): counted, not kept. */
    this.discard = 0;
    this.discarded = 0;
    this.onDiscarded = null;
    socket.on("data", (chunk) => this.onData(chunk));
    socket.on("error", (err) => this.failAll(err));
    socket.on("close", () => this.failAll(new Error("raw client: connection closed")));
  }

  onData(chunk) {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    let pos = 0;
    if (this.discard > 0) {
      // Fast path for fire-and-forget integer replies (PUBLISH): count CRLF-terminated lines.
      while (this.discard > 0) {
        const cr = this.buf.indexOf(10, pos);
        if (cr < 0) break;
        if (this.buf[pos] !== 0x3a) throw new Error(`raw client: unexpected reply to a discarded command: ${this.buf.toString("utf8", pos, cr)}`);
        pos = cr + 1;
        this.discard--;
        this.discarded++;
      }
      if (this.discard === 0 && this.onDiscarded) {
        const done = this.onDiscarded;
        this.onDiscarded = null;
        done();
      }
    }
    while (this.waiting.length > 0) {
      const r = parse(this.buf, pos);
      if (!r) break;
      pos = r[1];
      const { resolve, reject } = this.waiting.shift();
      if (r[0] instanceof Error) reject(r[0]);
      else resolve(r[0]);
    }
    this.buf = pos >= this.buf.length ? Buffer.alloc(0) : this.buf.subarray(pos);
  }

  failAll(err) {
    for (const w of this.waiting.splice(0)) w.reject(err);
  }

  /** Sends one command and resolves with its reply. */
  command(...args) {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.socket.write(encode(args));
    });
  }

  /** Sends many commands in one write; resolves with every reply (rejects on the first error). */
  async pipeline(commands) {
    const replies = commands.map(
      () =>
        new Promise((resolve, reject) => {
          this.waiting.push({ resolve, reject });
        }),
    );
    this.socket.write(commands.map(encode).join(""));
    return Promise.all(replies);
  }

  /** Writes pre-encoded commands whose `count` integer replies are only counted. Resolves when all came. */
  fire(encoded, count) {
    if (this.waiting.length > 0) throw new Error("raw client: fire() while replies are awaited");
    return new Promise((resolve) => {
      this.discard += count;
      this.onDiscarded = resolve;
      this.socket.write(encoded);
    });
  }

  close() {
    this.socket.end();
    this.socket.destroy();
  }
}

/** Parses INFO text into { field: value }. */
export function parseInfo(text) {
  const out = {};
  for (const line of String(text).split("\r\n")) {
    const i = line.indexOf(":");
    if (i > 0 && !line.startsWith("#")) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}
