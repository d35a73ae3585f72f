import type { Connection } from "./connection/connection.js";
import { Deque } from "./connection/deque.js";
import { ConnectionError, RedisError } from "./errors.js";
import type { ConnectionPool, RedisString } from "./pool.js";
import type { RespValue } from "./protocol/index.js";

/** One command seen by MONITOR, parsed as redis-py's `Monitor.next_command`. */
export interface MonitoredCommand {
  /** Unix time in seconds, with microseconds. */
  time: number;
  db: number;
  clientAddress: string;
  clientPort: string;
  clientType: "tcp" | "unix" | "lua";
  /** The command and its arguments, each quoted word unquoted, joined by spaces. */
  command: string;
}

const MONITOR_LINE = /^\[(\d+) (.*?)\] (.*)$/s;
const QUOTED_WORD = /"(.*?)(?<!\\)"/g;

export function parseMonitorLine(line: string): MonitoredCommand {
  const space = line.indexOf(" ");
  const time = Number(line.slice(0, space));
  const match = MONITOR_LINE.exec(line.slice(space + 1));
  if (space === -1 || !match || Number.isNaN(time)) throw new RedisError(`Unexpected MONITOR output: ${line.slice(0, 80)}`);
  const [, db, clientInfo = "", rest = ""] = match;
  const command = [...rest.matchAll(QUOTED_WORD)]
    .map((m) => m[1])
    .join(" ")
    .replace(/\\"/g, '"');
  let clientAddress: string;
  let clientPort: string;
  let clientType: MonitoredCommand["clientType"];
  if (clientInfo === "lua") {
    [clientAddress, clientPort, clientType] = ["lua", "", "lua"];
  } else if (clientInfo.startsWith("unix")) {
    [clientAddress, clientPort, clientType] = ["unix", clientInfo.slice(5), "unix"];
  } else {
    const colon = clientInfo.lastIndexOf(":");
    [clientAddress, clientPort, clientType] = [clientInfo.slice(0, colon), clientInfo.slice(colon + 1), "tcp"];
  }
  return { time, db: Number(db), clientAddress, clientPort, clientType, command };
}

/**
 * Every command the server runs, as it runs it (redis-py's `Monitor`), on a connection of
 * its own. `for await (const cmd of redis.monitor())`, or `nextCommand()`; `close()` ends it.
 */
export class Monitor<T extends RedisString = Buffer> implements AsyncIterable<MonitoredCommand> {
  private readonly pool: ConnectionPool<T>;
  private connection: Connection | null = null;
  private starting: Promise<Connection> | null = null;
  private readonly lines = new Deque<RespValue>();
  private waiter: (() => void) | null = null;
  private error: Error | null = null;
  private closed = false;

  constructor(pool: ConnectionPool<T>) {
    this.pool = pool;
  }

  /** Sends MONITOR (done by the first `nextCommand()` if not called). */
  start(): Promise<Connection> {
    this.starting ??= (async () => {
      const connection = await this.pool.getConnection();
      if (this.closed) {
        this.pool.release(connection);
        throw new ConnectionError("The monitor is closed");
      }
      this.connection = connection;
      connection.dirty = true;
      connection.onPush = (frame) => {
        for (const item of frame) this.lines.push(item);
        this.waiter?.();
      };
      connection.onDisconnect = (err) => {
        this.error = err ?? new ConnectionError("The monitor's connection was lost");
        this.waiter?.();
      };
      // Set before MONITOR goes out: its +OK still goes to the command (it awaits a reply),
      // and the lines right behind it in the same chunk go to `onPush`.
      connection.pushAllReplies = true;
      await connection.send(["MONITOR"], { decode: true });
      return connection;
    })();
    return this.starting;
  }

  /** The next command the server ran. */
  async nextCommand(): Promise<MonitoredCommand> {
    const connection = await this.start();
    for (;;) {
      const line = this.lines.shift();
      if (line !== undefined) {
        if (line instanceof Error) throw line;
        return parseMonitorLine(Buffer.isBuffer(line) ? line.toString() : String(line));
      }
      if (this.error) throw this.error;
      if (this.closed) throw new ConnectionError("The monitor is closed");
      connection.hold(true);
      try {
        await new Promise<void>((resolve) => (this.waiter = resolve));
      } finally {
        this.waiter = null;
        connection.hold(false);
      }
    }
  }

  /** Commands as they run, until `close()`. */
  async *listen(): AsyncGenerator<MonitoredCommand, void, undefined> {
    while (!this.closed) {
      try {
        yield await this.nextCommand();
      } catch (err) {
        if (this.closed) return;
        throw err;
      }
    }
  }

  [Symbol.asyncIterator](): AsyncGenerator<MonitoredCommand, void, undefined> {
    return this.listen();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.starting) await this.starting.catch(() => {});
    const connection = this.connection;
    this.connection = null;
    if (connection) {
      connection.onPush = null;
      connection.onDisconnect = null;
      this.pool.release(connection);
    }
    this.waiter?.();
  }

  aclose(): Promise<void> {
    return this.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
