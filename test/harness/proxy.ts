/**
 * In-process TCP fault injection: a proxy in front of a real server, and a fake
 * server for scripting raw RESP replies.
 */
import * as net from "node:net";
import { setImmediate as immediate } from "node:timers/promises";
import { RespCommandParser } from "./resp.js";
import { sleep } from "./util.js";

export interface FaultProxy {
  host: "127.0.0.1";
  port: number;
  /** Number of client connections currently open through the proxy. */
  readonly connections: number;
  /** Total server->client bytes forwarded so far (all connections). */
  readonly bytesToClient: number;
  /** Total client->server bytes forwarded so far (all connections). */
  readonly bytesToServer: number;
  /** Total client connections accepted so far (including refused ones). */
  readonly accepted: number;
  /** Forward server->client data in n-byte pieces with a setImmediate between pieces; null = off. */
  splitEvery(n: number | null): void;
  /**
   * Server->client latency: each chunk is forwarded `ms` after it arrived from the server
   * (order is kept; delays do not add up across chunks); 0 = off.
   */
  delay(ms: number): void;
  /**
   * Forward `bytes` more server->client bytes (counted over all connections) and then destroy
   * the connection that reached the limit (both sides). One-shot; null disarms.
   */
  cutAfter(bytesServerToClient: number | null): void;
  /** Transform each server->client chunk (applied before splitting); null = off. */
  corrupt(fn: ((chunk: Buffer) => Buffer) | null): void;
  /** While on, server->client data is buffered (not forwarded); turning it off flushes it in order. */
  stall(on: boolean): void;
  /** Destroy all current client connections (and their upstream connections) now. */
  dropConnections(): void;
  /** While on, new connections are accepted then immediately destroyed. */
  refuse(on: boolean): void;
  /** Resolves once `connections === n` (polling), or rejects after timeoutMs. */
  waitForConnections(n: number, timeoutMs?: number): Promise<void>;
  /** Stops listening and destroys all connections. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
  /** server->client forwarding queue: keeps order across async delays/splits */
  chain: Promise<void>;
  dead: boolean;
}

export async function startProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  const pairs = new Set<Pair>();
  let split: number | null = null;
  let delayMs = 0;
  let cutRemaining: number | null = null;
  let corruptFn: ((chunk: Buffer) => Buffer) | null = null;
  let refusing = false;
  let unstall: { promise: Promise<void>; resolve: () => void } | undefined;
  let bytesToClient = 0;
  let bytesToServer = 0;
  let accepted = 0;

  const kill = (pair: Pair): void => {
    if (pair.dead) return;
    pair.dead = true;
    pair.client.destroy();
    pair.upstream.destroy();
    pairs.delete(pair);
  };

  const forward = async (pair: Pair, chunk: Buffer, arrivedAt: number): Promise<void> => {
    if (pair.dead) return;
    if (unstall) await unstall.promise;
    const wait = arrivedAt + delayMs - Date.now();
    if (delayMs > 0 && wait > 0) await sleep(wait);
    if (pair.dead) return;
    let data = corruptFn ? corruptFn(chunk) : chunk;
    while (data.length > 0) {
      if (split !== null) {
        // yield before every piece so each one reaches the client as a separate read
        await immediate();
        if (unstall) await unstall.promise;
        if (pair.dead) return;
      }
      let n = split !== null && split > 0 ? Math.min(split, data.length) : data.length;
      let cutNow = false;
      if (cutRemaining !== null) {
        if (n >= cutRemaining) {
          n = cutRemaining;
          cutNow = true;
        }
        cutRemaining -= n;
      }
      if (n > 0) {
        pair.client.write(data.subarray(0, n));
        bytesToClient += n;
      }
      data = data.subarray(n);
      if (cutNow) {
        cutRemaining = null;
        // let the last bytes reach the kernel before closing
        await immediate();
        kill(pair);
        return;
      }
    }
  };

  /** Runs `step` after everything already queued for this connection (server->client order). */
  const enqueue = (pair: Pair, step: () => void | Promise<void>): void => {
    pair.chain = pair.chain.then(step).catch(() => kill(pair)); // e.g. a throwing corrupt() fn
  };

  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    accepted++;
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = net.connect({ host: target.host, port: target.port, allowHalfOpen: true });
    const pair: Pair = { client, upstream, chain: Promise.resolve(), dead: false };
    pairs.add(pair);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.on("error", () => kill(pair));
    upstream.on("error", () => {
      // flush what was already received, then close
      enqueue(pair, () => kill(pair));
    });
    client.on("data", (d: Buffer) => {
      if (pair.dead) return;
      bytesToServer += d.length;
      upstream.write(d);
    });
    client.on("end", () => {
      if (!pair.dead) upstream.end();
    });
    client.on("close", () => kill(pair));
    upstream.on("data", (d: Buffer) => {
      const arrivedAt = Date.now();
      enqueue(pair, () => forward(pair, d, arrivedAt));
    });
    upstream.on("end", () => {
      enqueue(pair, () => {
        if (!pair.dead) pair.client.end();
      });
    });
    upstream.on("close", () => {
      enqueue(pair, () => {
        if (pair.dead) return;
        // graceful if the client already got FIN; otherwise just close
        if (pair.client.writableEnded) {
          pair.client.once("close", () => kill(pair));
          setTimeout(() => kill(pair), 1000).unref();
        } else {
          kill(pair);
        }
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port: 0, host: "127.0.0.1" }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const addr = server.address() as net.AddressInfo;

  const proxy: FaultProxy = {
    host: "127.0.0.1",
    port: addr.port,
    get connections() {
      return pairs.size;
    },
    get bytesToClient() {
      return bytesToClient;
    },
    get bytesToServer() {
      return bytesToServer;
    },
    get accepted() {
      return accepted;
    },
    splitEvery(n) {
      if (n !== null && (!Number.isInteger(n) || n < 1)) throw new RangeError("splitEvery: n must be a positive integer or null");
      split = n;
    },
    delay(ms) {
      delayMs = ms;
    },
    cutAfter(bytes) {
      cutRemaining = bytes;
    },
    corrupt(fn) {
      corruptFn = fn;
    },
    stall(on) {
      if (on && !unstall) {
        let resolve!: () => void;
        const promise = new Promise<void>((r) => (resolve = r));
        unstall = { promise, resolve };
      } else if (!on && unstall) {
        const u = unstall;
        unstall = undefined;
        u.resolve();
      }
    },
    dropConnections() {
      for (const pair of [...pairs]) kill(pair);
    },
    refuse(on) {
      refusing = on;
    },
    async waitForConnections(n, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (pairs.size !== n) {
        if (Date.now() > deadline) throw new Error(`proxy: ${pairs.size} connections, expected ${n}`);
        await sleep(5);
      }
    },
    async close() {
      if (unstall) {
        const u = unstall;
        unstall = undefined;
        u.resolve();
      }
      for (const pair of [...pairs]) kill(pair);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    [Symbol.asyncDispose]() {
      return this.close();
    },
  };
  return proxy;
}

// ---------------------------------------------------------------------------

export interface FakeServer {
  host: "127.0.0.1";
  port: number;
  /** Currently open client sockets. */
  sockets: Set<net.Socket>;
  /** Destroys all client sockets and stops listening. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

async function listenFake(onConnection: (socket: net.Socket) => void): Promise<FakeServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
    onConnection(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port: 0, host: "127.0.0.1" }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const addr = server.address() as net.AddressInfo;
  const fake: FakeServer = {
    host: "127.0.0.1",
    port: addr.port,
    sockets,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    [Symbol.asyncDispose]() {
      return this.close();
    },
  };
  return fake;
}

/**
 * A raw TCP server on 127.0.0.1: `handler` is called with every chunk a client sends
 * (chunks may hold partial or several commands; see startCommandServer for parsed ones).
 */
export async function startFakeServer(handler: (socket: net.Socket, data: Buffer) => void): Promise<FakeServer> {
  return listenFake((socket) => {
    socket.on("data", (d: Buffer) => handler(socket, d));
  });
}

/**
 * A fake server that parses the RESP commands clients send (arrays of bulk strings, or
 * inline commands) and calls `onCommand(args, socket)` once per command, in order.
 * Reply with `socket.write(resp.simple("OK"))` etc.; ignore to leave a command unanswered.
 */
export async function startCommandServer(onCommand: (args: string[], socket: net.Socket, raw: Buffer[]) => void): Promise<FakeServer> {
  return listenFake((socket) => {
    const parser = new RespCommandParser();
    socket.on("data", (d: Buffer) => {
      let cmds: Buffer[][];
      try {
        cmds = parser.push(d);
      } catch {
        socket.destroy();
        return;
      }
      for (const raw of cmds) {
        if (socket.destroyed) return;
        onCommand(
          raw.map((b) => b.toString("utf8")),
          socket,
          raw,
        );
      }
    });
  });
}
