/**
 * aioredis/compat: connections and factories, from what the v1 documentation promised
 * (`create_connection`, `create_redis`: addresses, db, password, ssl, encoding, timeout,
 * `execute`, `closed`, `close()` + `wait_closed()`).
 */
import * as net from "node:net";
import { afterAll, describe, expect, test } from "vitest";
import * as aioredis from "../../compat/index.js";
import { RedisError as V2RedisError, TimeoutError } from "../../src/index.js";
import { startRedisServer, useRedisServer, type RedisServer } from "../harness/index.js";

const server = useRedisServer({ unixSocket: true });
const protectedServer = useRedisServer({ password: "sEcRet" });

describe("createConnection", () => {
  test("execute sends at once; replies are Buffers, or strings with the connection's encoding", async () => {
    const conn = await aioredis.createConnection(["127.0.0.1", server().port]);
    expect(await conn.execute("set", "conn:k", "value")).toEqual(Buffer.from("OK"));
    expect(await conn.execute("get", "conn:k")).toEqual(Buffer.from("value"));
    expect(await conn.execute("GET", "conn:k", { encoding: "utf-8" })).toBe("value");
    expect(await conn.execute("incr", "conn:n")).toBe(1);
    expect(await conn.execute("get", "conn:missing")).toBeNull();
    conn.close();
    await conn.waitClosed();

    const text = await aioredis.createConnection(`redis://127.0.0.1:${server().port}`, { encoding: "utf-8" });
    expect(text.encoding).toBe("utf-8");
    expect(await text.execute("get", "conn:k")).toBe("value");
    expect(await text.execute("get", "conn:k", { encoding: null })).toEqual(Buffer.from("value"));
    expect(await text.execute("mget", "conn:k", "conn:missing")).toEqual(["value", null]);
    text.close();
    await text.waitClosed();
  });

  test("commands issued together leave together and reply in order (v1's implicit pipelining)", async () => {
    const conn = await aioredis.createConnection(["127.0.0.1", server().port], { encoding: "utf-8" });
    await conn.execute("del", "conn:order");
    const replies = await Promise.all(Array.from({ length: 50 }, () => conn.execute("incr", "conn:order")));
    expect(replies).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    conn.close();
    await conn.waitClosed();
  });

  test("bad arguments throw synchronously: null, booleans, objects, a closed connection", async () => {
    const conn = await aioredis.createConnection(["127.0.0.1", server().port]);
    expect(() => conn.execute("set", "k", null)).toThrow(TypeError);
    expect(() => conn.execute("set", "k", true)).toThrow(TypeError);
    expect(() => conn.execute("set", "k", ["a"])).toThrow(TypeError);
    expect(() => conn.execute(null as unknown as string)).toThrow(TypeError);
    expect(() => conn.execute("get", "k", { encoding: "utf-8", other: 1 })).toThrow(TypeError);
    // floats go as Python's repr, infinities as inf
    await conn.execute("del", "conn:z");
    await conn.execute("zadd", "conn:z", 1.5, "a", Infinity, "b");
    expect(await conn.execute("zscore", "conn:z", "b", { encoding: "utf-8" })).toBe("inf");
    conn.close();
    expect(conn.closed).toBe(true);
    expect(() => conn.execute("ping")).toThrow(aioredis.ConnectionClosedError);
    await conn.waitClosed();
  });

  test("server errors are ReplyError with the server's whole message", async () => {
    const conn = await aioredis.createConnection(["127.0.0.1", server().port]);
    await conn.execute("set", "conn:str", "x");
    const err = await conn.execute("incr", "conn:str").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(aioredis.ReplyError);
    expect(err).toBeInstanceOf(aioredis.RedisError);
    expect((err as Error).message).toBe("ERR value is not an integer or out of range");
    const wrongType = await conn.execute("lpush", "conn:str", "x").catch((e: unknown) => e);
    expect((wrongType as Error).message).toMatch(/^WRONGTYPE/);
    conn.close();
  });

  test("addresses: [host, port], redis:// URLs with db in the path or the query, unix paths", async () => {
    const byTuple = await aioredis.createConnection(["127.0.0.1", server().port]);
    expect(byTuple.address).toEqual(["127.0.0.1", server().port]);
    expect(byTuple.db).toBe(0);
    byTuple.close();

    const byPath = await aioredis.createConnection(`redis://127.0.0.1:${server().port}/3`);
    expect(byPath.db).toBe(3);
    await byPath.execute("set", "conn:db3", "here");
    byPath.close();

    const byQuery = await aioredis.createConnection(`redis://127.0.0.1:${server().port}?db=3&encoding=utf-8`);
    expect(byQuery.db).toBe(3);
    expect(byQuery.encoding).toBe("utf-8");
    expect(await byQuery.execute("get", "conn:db3")).toBe("here");
    byQuery.close();

    // URL options win over keyword arguments
    const urlWins = await aioredis.createConnection(`redis://127.0.0.1:${server().port}/3`, { db: 5 });
    expect(urlWins.db).toBe(3);
    urlWins.close();

    const unix = await aioredis.createConnection(server().socketPath!, { db: 3, encoding: "utf-8" });
    expect(unix.address).toBe(server().socketPath);
    expect(await unix.execute("get", "conn:db3")).toBe("here");
    unix.close();

    const unixUrl = await aioredis.createConnection(`unix://${server().socketPath}?db=3`, { encoding: "utf-8" });
    expect(await unixUrl.execute("get", "conn:db3")).toBe("here");
    unixUrl.close();
    await Promise.all([byTuple, byPath, byQuery, urlWins, unix, unixUrl].map((c) => c.waitClosed()));
  });

  test("malformed addresses are refused before connecting", async () => {
    await expect(aioredis.createConnection(`http://127.0.0.1:${server().port}`)).rejects.toThrow(/Unsupported URI scheme/);
    await expect(aioredis.createConnection(`redis://127.0.0.1:${server().port}/1?db=2`)).rejects.toThrow(/Single DB value/);
    await expect(aioredis.createConnection(`redis://127.0.0.1:${server().port}/01`)).rejects.toThrow(/leading zeroes/);
    await expect(aioredis.createConnection(`redis://127.0.0.1:${server().port}?db=1&db=2`)).rejects.toThrow(/Multiple parameters/);
    await expect(aioredis.createConnection(`redis://127.0.0.1:${server().port}?ssl=yes`)).rejects.toThrow(/'ssl'/);
    await expect(aioredis.createConnection(42 as unknown as string)).rejects.toThrow(TypeError);
    await expect(aioredis.createConnection(["127.0.0.1", server().port], { timeout: 0 })).rejects.toThrow(RangeError);
    await expect(aioredis.createConnection(["127.0.0.1", server().port], { db: -1 })).rejects.toThrow(RangeError);
    await expect(aioredis.createConnection(["127.0.0.1", server().port], { bogus: 1 } as object)).rejects.toThrow(/unexpected keyword argument 'bogus'/);
  });

  test("password: AUTH after connecting; a wrong one is AuthError; a password in the URL works", async () => {
    const ok = await aioredis.createConnection(["127.0.0.1", protectedServer().port], { password: "sEcRet", encoding: "utf-8" });
    expect(await ok.execute("ping")).toBe("PONG");
    ok.close();

    const viaUrl = await aioredis.createRedis(`redis://:sEcRet@127.0.0.1:${protectedServer().port}/2`);
    expect(viaUrl.db).toBe(2);
    expect(await viaUrl.ping()).toEqual(Buffer.from("PONG"));
    viaUrl.close();

    const viaQuery = await aioredis.createRedis(`redis://127.0.0.1:${protectedServer().port}?password=sEcRet`);
    expect(await viaQuery.ping({ encoding: "utf-8" })).toBe("PONG");
    viaQuery.close();

    const wrong = await aioredis.createConnection(["127.0.0.1", protectedServer().port], { password: "nope" }).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(aioredis.AuthError);
    expect(wrong).toBeInstanceOf(aioredis.ReplyError);
    expect(String((wrong as Error).message)).not.toContain("nope");

    // v1 connected without a password and failed on the first command
    const none = await aioredis.createConnection(["127.0.0.1", protectedServer().port]);
    const noauth = await none.execute("get", "k").catch((e: unknown) => e);
    expect(noauth).toBeInstanceOf(aioredis.AuthError);
    expect(await none.execute("auth", "sEcRet")).toEqual(Buffer.from("OK"));
    expect(await none.execute("ping")).toEqual(Buffer.from("PONG"));
    none.close();
    await Promise.all([ok, viaUrl, viaQuery, none].map((c) => c.waitClosed()));
  });

  test("SELECT through execute() or select() updates db", async () => {
    const conn = await aioredis.createConnection(["127.0.0.1", server().port]);
    expect(await conn.select(4)).toBe(true);
    expect(conn.db).toBe(4);
    await conn.execute("select", 6);
    expect(conn.db).toBe(6);
    expect(() => conn.select(-1)).toThrow(RangeError);
    expect(() => conn.select(1.5)).toThrow(TypeError);
    const err = await conn.execute("select", 10_000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(aioredis.ReplyError);
    expect(conn.db).toBe(6);
    conn.close();
  });

  test("inTransaction between MULTI and EXEC; EXEC decodes per command encoding", async () => {
    const conn = await aioredis.createConnection(["127.0.0.1", server().port]);
    expect(conn.inTransaction).toBe(false);
    await conn.execute("set", "conn:tx", "v");
    await conn.execute("multi");
    expect(conn.inTransaction).toBe(true);
    expect(await conn.execute("get", "conn:tx", { encoding: "utf-8" })).toBe("QUEUED");
    await conn.execute("get", "conn:tx");
    expect(await conn.execute("exec")).toEqual(["v", Buffer.from("v")]);
    expect(conn.inTransaction).toBe(false);
    await conn.execute("multi");
    await conn.execute("discard");
    expect(conn.inTransaction).toBe(false);
    conn.close();
  });

  test("close() fails waiting commands with ConnectionForcedCloseError; waitClosed() resolves", async () => {
    const conn = await aioredis.createConnection(["127.0.0.1", server().port]);
    const blocked = conn.execute("blpop", "conn:never", 0);
    await new Promise((r) => setTimeout(r, 50));
    conn.close();
    conn.close(); // idempotent
    const err = await blocked.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(aioredis.ConnectionForcedCloseError);
    expect(err).toBeInstanceOf(aioredis.ConnectionClosedError);
    await conn.waitClosed();
    expect(conn.closed).toBe(true);
  });

  test("a connection closed by the server reports closed and fails with ConnectionClosedError", async () => {
    const conn = await aioredis.createConnection(["127.0.0.1", server().port]);
    expect(await conn.execute("quit")).toEqual(Buffer.from("OK"));
    await new Promise((r) => setTimeout(r, 50));
    expect(conn.closed).toBe(true);
    expect(() => conn.execute("ping")).toThrow(aioredis.ConnectionClosedError);
    await conn.waitClosed();
  });

  test("timeout is the connect timeout", async () => {
    // a listener that never completes the TLS handshake stands in for an unreachable host
    const silent = net.createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", () => r()));
    const port = (silent.address() as net.AddressInfo).port;
    const started = Date.now();
    const err = await aioredis.createConnection(["127.0.0.1", port], { timeout: 0.2, ssl: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err).toBeInstanceOf(V2RedisError);
    expect(Date.now() - started).toBeLessThan(2000);
    silent.close();
  });

  test("using conn = await createConnection(): closed at the end of the block", async () => {
    let kept: aioredis.RedisConnection;
    {
      using conn = await aioredis.createConnection(["127.0.0.1", server().port]);
      kept = conn;
      expect(await conn.execute("ping")).toEqual(Buffer.from("PONG"));
    }
    expect(kept.closed).toBe(true);
    await kept.waitClosed();
  });
});

test("a full server refuses with MaxClientsError", async () => {
  const full = await startRedisServer({ args: ["--maxclients", "1"] });
  try {
    const first = await aioredis.createConnection(["127.0.0.1", full.port]);
    const err = await aioredis.createConnection(["127.0.0.1", full.port]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(aioredis.MaxClientsError);
    expect(err).toBeInstanceOf(aioredis.ReplyError);
    first.close();
    await first.waitClosed();
  } finally {
    await full.stop();
  }
});

describe("ssl", () => {
  let tlsServer: RedisServer;
  afterAll(async () => {
    await tlsServer?.stop();
  });

  test("ssl options and rediss:// URLs", async () => {
    tlsServer = await startRedisServer({ tls: true });
    const certs = tlsServer.certs!;
    const redis = await aioredis.createRedis(["127.0.0.1", tlsServer.port], { ssl: { sslCaCerts: certs.caCert }, encoding: "utf-8" });
    expect(await redis.set("tls", "yes")).toBe(true);
    expect(await redis.get("tls")).toBe("yes");
    redis.close();

    const unverified = await aioredis.createRedis(`rediss://127.0.0.1:${tlsServer.port}`, { ssl: { sslCertReqs: "none" } });
    expect(await unverified.get("tls", { encoding: "utf-8" })).toBe("yes");
    unverified.close();

    const untrusted = await aioredis.createRedis(`rediss://127.0.0.1:${tlsServer.port}`).catch((e: unknown) => e);
    expect(untrusted).toBeInstanceOf(V2RedisError);

    await expect(aioredis.createRedis(`redis://127.0.0.1:${tlsServer.port}?ssl=false`, { ssl: true })).rejects.toThrow(/Conflicting ssl/);
    await Promise.all([redis.waitClosed(), unverified.waitClosed()]);
  });
});

describe("createRedis: one connection", () => {
  test("a single-connection client in subscribe mode refuses other commands, as v1 did", async () => {
    const redis = await aioredis.createRedis(["127.0.0.1", server().port]);
    const [ch] = await redis.subscribe("conn:sub");
    expect(redis.inPubsub).toBe(1);
    expect(() => redis.get("k")).toThrow(aioredis.RedisError);
    expect(() => redis.get("k")).toThrow("Connection in SUBSCRIBE mode");
    // PING is allowed, and answered as PONG
    expect(await redis.ping()).toEqual(Buffer.from("PONG"));
    expect(await redis.ping({ encoding: "utf-8" })).toBe("PONG");
    await redis.unsubscribe("conn:sub");
    expect(redis.inPubsub).toBe(0);
    expect(ch!.isActive).toBe(false);
    expect(await redis.set("conn:after", "1")).toBe(true);
    redis.close();
    await redis.waitClosed();
  });

  test("acquire() on a single connection gives the same connection; disposal does not close it", async () => {
    const redis = await aioredis.createRedis(["127.0.0.1", server().port]);
    {
      using r = await redis.acquire();
      expect(r.connection).toBe(redis.connection);
      expect(await r.ping()).toEqual(Buffer.from("PONG"));
    }
    expect(redis.closed).toBe(false);
    expect(await redis.ping()).toEqual(Buffer.from("PONG"));
    redis.close();
    await redis.waitClosed();
    expect(redis.closed).toBe(true);
  });
});
