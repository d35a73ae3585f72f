/**
 * "node floor": the least a Redis client on Node's `net` must do, measured beside the real
 * clients to show how far above its peers any Node client can get in a scenario. It is not a
 * client: no options, no checks, no timeouts, no reconnection, no errors raised (an error reply
 * is returned as an Error value), RESP2 only. What it does do is what every client must:
 * encode each command, write the commands of one tick together (one write), parse every reply
 * into a value (Buffers, or strings in string mode, zero-copy slices of the read chunk where
 * they fit in it) and resolve one Promise per command.
 *
 * When the floor is itself below 1.2x the best peer in a scenario, a goal of 1.2x there is
 * out of reach for any client built the same way: the rest of the time is the kernel's and
 * the server's (bench/README.md, "The Node floor").
 */
import * as net from "node:net";

const CR = 13;
/** Bulk strings larger than this that do not fit in one read are copied into a Buffer of their own as they arrive. */
const BIG_BULK = 64 * 1024;

/** Parses a decimal integer in buf[start, end). */
function intAt(buf, start, end) {
  let i = start;
  let sign = 1;
  if (buf[i] === 45) {
    sign = -1;
    i++;
  }
  let n = 0;
  for (; i < end; i++) n = n * 10 + (buf[i] - 48);
  return sign * n;
}

/** A streaming RESP2 parser: `feed(chunk)` calls `onReply(value)` for every complete reply. */
export class MiniParser {
  constructor(decode, onReply) {
    this.decode = decode;
    this.onReply = onReply;
    /** Unparsed bytes of an incomplete reply element. */
    this.rest = null;
    /** A large bulk string being filled: its Buffer, how much is filled, and CRLF bytes still to skip. */
    this.big = null;
    this.bigFill = 0;
    this.skip = 0;
    /** Open arrays: [array, next index] pairs, innermost last. */
    this.stack = [];
  }

  feed(chunk) {
    let pos = 0;
    if (this.big !== null) {
      const n = Math.min(this.big.length - this.bigFill, chunk.length);
      chunk.copy(this.big, this.bigFill, 0, n);
      this.bigFill += n;
      pos = n;
      if (this.bigFill < this.big.length) return;
      const value = this.decode ? this.big.toString() : this.big;
      this.big = null;
      this.skip = 2;
      this.place(value);
    }
    if (this.skip > 0) {
      const n = Math.min(this.skip, chunk.length - pos);
      this.skip -= n;
      pos += n;
      if (pos >= chunk.length) return;
    }
    let buf = chunk;
    if (this.rest !== null) {
      buf = Buffer.concat([this.rest, chunk.subarray(pos)]);
      pos = 0;
      this.rest = null;
    }
    const end = buf.length;
    while (pos < end) {
      const start = pos;
      const type = buf[pos];
      const cr = buf.indexOf(CR, pos + 1);
      if (cr < 0 || cr + 1 >= end) {
        this.rest = buf.subarray(start);
        return;
      }
      let value;
      switch (type) {
        case 43: // +
          value = buf.toString("latin1", pos + 1, cr);
          pos = cr + 2;
          break;
        case 45: // -
          value = new Error(buf.toString("utf8", pos + 1, cr));
          pos = cr + 2;
          break;
        case 58: // :
          value = intAt(buf, pos + 1, cr);
          pos = cr + 2;
          break;
        case 36: {
          // $
          const n = intAt(buf, pos + 1, cr);
          const at = cr + 2;
          if (n < 0) {
            value = null;
            pos = at;
            break;
          }
          if (at + n + 2 <= end) {
            value = this.decode ? buf.toString("utf8", at, at + n) : buf.subarray(at, at + n);
            pos = at + n + 2;
            break;
          }
          if (n > BIG_BULK) {
            this.big = Buffer.allocUnsafe(n);
            this.bigFill = buf.copy(this.big, 0, at, end);
            return;
          }
          this.rest = buf.subarray(start);
          return;
        }
        case 42: {
          // *
          const n = intAt(buf, pos + 1, cr);
          pos = cr + 2;
          if (n > 0) {
            this.stack.push([new Array(n), 0]);
            continue;
          }
          value = n < 0 ? null : [];
          break;
        }
        default:
          throw new Error(`node floor: unexpected reply type ${String.fromCharCode(type)}`);
      }
      this.place(value);
    }
  }

  /** Puts a value into the innermost open array, or hands it out as a reply. */
  place(value) {
    let v = value;
    const stack = this.stack;
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      top[0][top[1]++] = v;
      if (top[1] < top[0].length) return;
      stack.pop();
      v = top[0];
    }
    this.onReply(v);
  }
}

/** Appends one command's RESP encoding to `out` (strings, with Buffer arguments as their own parts). */
function encodeInto(out, args) {
  let text = `*${args.length}\r\n`;
  for (const a of args) {
    if (Buffer.isBuffer(a)) {
      out.push(`${text}$${a.length}\r\n`, a);
      text = "\r\n";
    } else {
      const s = typeof a === "string" ? a : String(a);
      text += `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
    }
  }
  out.push(text);
}

/** One connection: commands written once per tick, replies matched in order. */
class FloorConnection {
  static connect(host, port, decode) {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port, noDelay: true });
      socket.once("error", reject);
      socket.once("connect", () => {
        socket.off("error", reject);
        socket.on("error", () => {});
        resolve(new FloorConnection(socket, decode));
      });
    });
  }

  constructor(socket, decode) {
    this.socket = socket;
    this.out = [];
    this.scheduled = false;
    this.waiters = [];
    this.head = 0;
    /** Set while subscribed: called with each message's payload. */
    this.onMessage = null;
    this.parser = new MiniParser(decode, (v) => this.reply(v));
    this.flush = () => {
      this.scheduled = false;
      const out = this.out;
      this.out = [];
      if (out.length === 1) this.socket.write(out[0]);
      else {
        this.socket.cork();
        for (const part of out) this.socket.write(part);
        this.socket.uncork();
      }
    };
    socket.on("data", (chunk) => this.parser.feed(chunk));
  }

  reply(v) {
    if (this.onMessage !== null && Array.isArray(v) && v.length === 3 && String(v[0]) === "message") {
      this.onMessage(v[2]);
      return;
    }
    const w = this.waiters[this.head];
    this.waiters[this.head++] = undefined;
    if (this.head === this.waiters.length) {
      this.waiters.length = 0;
      this.head = 0;
    }
    w(v);
  }

  schedule() {
    if (!this.scheduled) {
      this.scheduled = true;
      process.nextTick(this.flush);
    }
  }

  command(...args) {
    encodeInto(this.out, args);
    this.schedule();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Sends `commands` together and resolves to their replies, in order (one Promise for all). */
  batch(commands) {
    for (const args of commands) encodeInto(this.out, args);
    this.schedule();
    return new Promise((resolve) => {
      const replies = new Array(commands.length);
      let got = 0;
      const take = (v) => {
        replies[got++] = v;
        if (got === replies.length) resolve(replies);
      };
      for (let i = 0; i < commands.length; i++) this.waiters.push(take);
    });
  }

  close() {
    this.socket.destroy();
  }
}

function pairsToObject(pairs) {
  const out = {};
  for (let i = 0; i < pairs.length; i += 2) {
    const name = pairs[i];
    out[typeof name === "string" ? name : name.toString()] = pairs[i + 1];
  }
  return out;
}

/** The bench adapter (bench/clients.mjs) of the floor: the scenarios on one server. */
export async function nodeFloor({ host, port, mode }) {
  const decode = mode === "string";
  const c = await FloorConnection.connect(host, port, decode);
  const extra = [];
  const dup = async () => {
    const d = await FloorConnection.connect(host, port, decode);
    extra.push(d);
    return d;
  };
  return {
    notes: [],
    get: (k) => c.command("GET", k),
    set: (k, v) => c.command("SET", k, v),
    mget: (keys) => c.command("MGET", ...keys),
    lrange: (k) => c.command("LRANGE", k, 0, -1),
    hgetall: (k) => c.command("HGETALL", k).then(pairsToObject),
    rpush: (k, ...v) => c.command("RPUSH", k, ...v),
    pipelineSet(keys, value) {
      const commands = new Array(keys.length);
      for (let i = 0; i < keys.length; i++) commands[i] = ["SET", keys[i], value];
      return c.batch(commands);
    },
    async subscribe(channel, onMessage) {
      const sub = await dup();
      await sub.command("SUBSCRIBE", channel);
      sub.onMessage = onMessage;
      return async () => {
        sub.onMessage = null;
        sub.close();
      };
    },
    async blockingConsumers(n) {
      const conns = await Promise.all(Array.from({ length: n }, dup));
      return {
        pops: conns.map((d) => (k, t) => d.command("BLPOP", k, t).then((x) => (x == null ? null : x[1]))),
        close: async () => {
          for (const d of conns) d.close();
        },
      };
    },
    async close() {
      for (const d of extra) d.close();
      c.close();
    },
  };
}
