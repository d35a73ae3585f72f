import { describe, expect, test } from "vitest";
import { BlockingConnectionPool, ConnectionError, ConnectionPool, DataError, MaxConnectionsError, Redis } from "../src/index.js";
import { sleep, useRedisServer } from "./harness/index.js";

const server = useRedisServer();

async function connectedClients(): Promise<number> {
  const info = await server().cli("INFO", "clients");
  // redis-cli itself is one of them
  return Number(/connected_clients:(\d+)/.exec(info)?.[1]) - 1;
}

describe("ConnectionPool", () => {
  test("is lazy: no connection before the first command", async () => {
    const before = await connectedClients();
    const pool = new ConnectionPool({ port: server().port });
    const r = new Redis({ connectionPool: pool });
    expect(pool.createdConnections).toBe(0);
    expect(await connectedClients()).toBe(before);
    await r.ping();
    expect(pool.createdConnections).toBe(1);
    expect(await connectedClients()).toBe(before + 1);
    await pool.disconnect();
    expect(pool.createdConnections).toBe(0);
    // still usable after disconnect, like redis-py's
    expect(await r.ping()).toBe(true);
    await pool.disconnect();
  });

  test("maxConnections: MaxConnectionsError once every connection is taken", async () => {
    const pool = new ConnectionPool({ port: server().port, maxConnections: 2 });
    const a = await pool.getConnection();
    const b = await pool.getConnection();
    await expect(pool.getConnection()).rejects.toBeInstanceOf(MaxConnectionsError);
    await expect(pool.getConnection()).rejects.toBeInstanceOf(ConnectionError);
    pool.release(a);
    const c = await pool.getConnection();
    expect(c).toBe(a); // reused, LIFO
    pool.release(b);
    pool.release(c);
    expect(pool.createdConnections).toBe(2);
    await pool.disconnect();
  });

  test("a client's commands are multiplexed; blocking commands take a connection of their own", async () => {
    const pool = new ConnectionPool({ port: server().port, decodeResponses: true });
    const r = new Redis({ connectionPool: pool });
    await r.delete("q");
    const popped = r.executeCommand("BLPOP", "q", 5);
    // While BLPOP waits on its own connection, the shared one keeps serving.
    for (let i = 0; i < 20; i++) expect(await r.ping()).toBe(true);
    expect(pool.createdConnections).toBe(2);
    expect(pool.inUseConnections).toBe(1);
    await r.executeCommand("RPUSH", "q", "job");
    expect(await popped).toEqual(["q", "job"]);
    expect(pool.inUseConnections).toBe(0);
    await pool.disconnect();
  });

  test("checked-out connections are counted and given back once: a second release, or a connection of another pool, changes nothing", async () => {
    const pool = new ConnectionPool({ port: server().port, maxConnections: 3 });
    const other = new ConnectionPool({ port: server().port });
    const [a, b, c] = [await pool.getConnection(), await pool.getConnection(), await pool.getConnection()];
    const stranger = await other.getConnection();
    expect(pool.inUseConnections).toBe(3);
    // given back out of order: the others stay checked out
    pool.release(a);
    pool.release(a);
    pool.release(stranger);
    expect(pool.inUseConnections).toBe(2);
    expect(other.inUseConnections).toBe(1);
    pool.release(c);
    expect(pool.inUseConnections).toBe(1);
    // b is still out: the pool reuses a and c, and refuses a fourth
    const again = [await pool.getConnection(), await pool.getConnection()];
    expect(new Set(again)).toEqual(new Set([a, c]));
    await expect(pool.getConnection()).rejects.toBeInstanceOf(MaxConnectionsError);
    // disconnect closes every checked-out one, and counts none afterwards
    await pool.disconnect();
    expect(pool.inUseConnections).toBe(0);
    for (const conn of [a, b, c]) expect(conn.isConnected).toBe(false);
    pool.release(b);
    expect(pool.inUseConnections).toBe(0);
    other.release(stranger);
    expect(other.inUseConnections).toBe(0);
    await other.disconnect();
  });

  test("a blocking command's connection is back in the pool when its caller resumes, after a reply, an error reply or a lost connection", async () => {
    const pool = new ConnectionPool({ port: server().port, decodeResponses: true });
    const r = new Redis({ connectionPool: pool });
    await r.delete("lend:q", "lend:str");
    await r.set("lend:str", "not a list");
    // 50 consumers looping: each finds its connection back before it sends the next BLPOP,
    // so 50 connections serve every round
    let seen = 0;
    const consumers = Array.from({ length: 50 }, async () => {
      for (let round = 0; round < 20; round++) {
        const got = await r.blpop(["lend:q"], 5);
        expect(got?.[0]).toBe("lend:q");
        seen++;
      }
    });
    for (let i = 0; i < 50 * 20; i++) await r.rpush("lend:q", String(i));
    await Promise.all(consumers);
    expect(seen).toBe(1000);
    expect(pool.inUseConnections).toBe(0);
    expect(pool.createdConnections).toBe(51);
    // an error reply: the caller's catch sees the connection returned and reusable
    const failed = await r.blpop(["lend:str"], 1).catch((err: Error) => ({ err, inUse: pool.inUseConnections }));
    expect(failed).toMatchObject({ err: { message: expect.stringMatching(/WRONGTYPE/) }, inUse: 0 });
    expect(pool.createdConnections).toBe(51);
    // a lost connection: the caller's catch sees it given back (and closed, not reused)
    const waiting = r.blpop(["lend:q"], 5).catch((err: Error) => ({ err, inUse: pool.inUseConnections }));
    await sleep(50);
    await server().cli("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes");
    expect(await waiting).toMatchObject({ err: expect.any(ConnectionError), inUse: 0 });
    await pool.disconnect();
  });

  test("a blocking command's deadline is its timeout plus socketTimeout", async () => {
    const r = new Redis({ port: server().port, socketTimeout: 0.2 });
    await r.delete("empty");
    // BLPOP for 1s on a 0.2s socket timeout: the server's nil reply, not a TimeoutError.
    expect(await r.executeCommand("BLPOP", "empty", 1)).toBeNull();
    await r.close();
  });

  test("new Redis({ connectionPool }) does not close the pool; the pool's own client does", async () => {
    const pool = ConnectionPool.fromUrl(`redis://127.0.0.1:${server().port}`);
    const r = new Redis({ connectionPool: pool });
    await r.ping();
    await r.close();
    expect(pool.createdConnections).toBe(1);
    const other = new Redis({ connectionPool: pool });
    expect(await other.ping()).toBe(true);
    await pool.disconnect();
    expect(pool.createdConnections).toBe(0);
  });

  test("pool options are checked", () => {
    expect(() => new ConnectionPool({ maxConnections: 0 })).toThrow(/'maxConnections' must be a positive integer/);
    expect(() => new ConnectionPool({ max_connections: 3 } as never)).toThrow(/unknown option 'max_connections'/);
    expect(() => new Redis({ connectionPool: {} as never })).toThrow(DataError);
  });

  test("toString shows where, never the password", () => {
    const pool = new ConnectionPool({ host: "127.0.0.1", port: 1234, password: "hunter2", db: 4 });
    expect(String(pool)).toBe("<ConnectionPool(<Connection(host=127.0.0.1,port=1234,db=4)>)>");
    expect(String(new Redis({ connectionPool: pool }))).not.toContain("hunter2");
  });
});

describe("the shared connection and maxConnections", () => {
  test("every exclusive connection taken: ordinary commands still run on the shared one", async () => {
    const pool = new ConnectionPool({ port: server().port, maxConnections: 1 });
    const r = new Redis({ connectionPool: pool });
    const held = await pool.getConnection();
    await expect(pool.getConnection()).rejects.toBeInstanceOf(MaxConnectionsError);
    expect(await r.ping()).toBe(true);
    expect(pool.createdConnections).toBe(2);
    expect(pool.inUseConnections).toBe(1);
    pool.release(held);
    await pool.disconnect();
  });

  test("close() is graceful, close({ force: true }) is not; the pool stays usable", async () => {
    const pool = new ConnectionPool({ port: server().port });
    const r = new Redis({ connectionPool: pool });
    await r.ping();
    const graceful = Array.from({ length: 100 }, () => r.ping());
    await pool.close();
    expect((await Promise.all(graceful)).every((x) => x === true)).toBe(true);
    await r.ping();
    const forced = Array.from({ length: 100 }, () => r.ping().catch((e: unknown) => e));
    await new Promise((resolve) => setImmediate(resolve));
    await pool.close({ force: true });
    const results = await Promise.all(forced);
    expect(results.every((x) => x instanceof ConnectionError && /may have run|did not run/.test(x.message))).toBe(true);
    expect(await r.ping()).toBe(true);
    expect(String(pool.sharedConnection())).toBe(`<Connection(host=localhost,port=${server().port},db=0)>`);
    await pool.disconnect();
  });
});

describe("BlockingConnectionPool", () => {
  test("waits for a free connection, then times out", async () => {
    const pool = new BlockingConnectionPool({ port: server().port, maxConnections: 1, timeout: 0.3 });
    expect(pool.maxConnections).toBe(1);
    const a = await pool.getConnection();
    const waiting = pool.getConnection();
    setTimeout(() => pool.release(a), 50);
    const b = await waiting;
    expect(b).toBe(a);
    const started = Date.now();
    const err = await pool.getConnection().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as Error).message).toMatch(/No connection available within 0.3s/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    pool.release(b);
    await pool.disconnect();
  });

  test("defaults to 50 connections and 20 seconds", () => {
    const pool = new BlockingConnectionPool();
    expect(pool.maxConnections).toBe(50);
    expect(pool.timeout).toBe(20);
  });
});

describe("client()", () => {
  test("a client bound to one connection, with await using", async () => {
    const r = new Redis({ port: server().port, decodeResponses: true });
    const pool = r.connectionPool;
    {
      await using conn = r.client();
      await conn.set("my-key", "value");
      expect(await conn.get("my-key")).toBe("value");
      expect(pool.inUseConnections).toBe(1);
      // connection-scoped state is allowed here
      expect(await conn.executeCommand("SELECT", 5)).toBe("OK");
      expect(await conn.get("my-key")).toBeNull();
    }
    expect(pool.inUseConnections).toBe(0);
    // the connection changed db, so it was closed rather than returned to the pool
    expect(await r.get("my-key")).toBe("value");
    await r.close();
  });

  test("WATCH on a client() and concurrent commands pipelined on its connection", async () => {
    const r = new Redis({ port: server().port, decodeResponses: true });
    const conn = r.client();
    await conn.executeCommand("WATCH", "w");
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => conn.echo(String(i))));
    expect(results).toEqual(Array.from({ length: 100 }, (_, i) => String(i)));
    await conn.executeCommand("MULTI");
    await conn.executeCommand("SET", "w", "1");
    expect(await conn.executeCommand("EXEC")).toEqual(["OK"]);
    await conn.close();
    await r.close();
  });

  test("does not reconnect after its connection is lost", async () => {
    const r = new Redis({ port: server().port, decodeResponses: true });
    const conn = r.client();
    const id = await conn.executeCommand("CLIENT", "ID");
    await r.executeCommand("CLIENT", "KILL", "ID", id);
    const err = await conn.ping().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    const again = await conn.ping().catch((e: unknown) => e);
    expect(again).toBeInstanceOf(ConnectionError);
    expect((again as Error).message).toMatch(/does not reconnect/);
    await conn.close();
    // the pool is fine
    expect(await r.ping()).toBe(true);
    await r.close();
  });
});
