import { afterAll, beforeAll, describe, expect, expectTypeOf, test } from "vitest";
import {
  ConnectionError,
  ConnectionPool,
  DataError,
  describeValue,
  fromUrl,
  type Pipeline,
  Redis,
  RedisCluster,
  ResponseError,
  type RedisString,
} from "../src/index.js";
import { useRedisServer } from "./harness/index.js";

const server = useRedisServer();

describe.each([2, 3] as const)("commands over RESP%i", (protocol) => {
  let r: Redis<string>;
  let rb: Redis<Buffer>;
  beforeAll(() => {
    r = new Redis({ port: server().port, host: "127.0.0.1", protocol, decodeResponses: true });
    rb = new Redis({ port: server().port, host: "127.0.0.1", protocol });
  });
  afterAll(async () => {
    await r.close();
    await rb.close();
  });

  test("ping, echo, get, set", async () => {
    expect(await r.ping()).toBe(true);
    expect(await r.echo("héllo")).toBe("héllo");
    expect(await r.set(`p${protocol}:k`, "v")).toBe(true);
    expect(await r.get(`p${protocol}:k`)).toBe("v");
    expect(await r.get(`p${protocol}:missing`)).toBeNull();
    expect(await rb.get(`p${protocol}:k`)).toEqual(Buffer.from("v"));
    expect(await rb.echo(Buffer.from([0, 255, 13, 10]))).toEqual(Buffer.from([0, 255, 13, 10]));
  });

  test("set with every option", async () => {
    const k = `p${protocol}:set`;
    await r.delete(k);
    expect(await r.set(k, "1", { nx: true })).toBe(true);
    expect(await r.set(k, "2", { nx: true })).toBeNull();
    expect(await r.set(k, "3", { xx: true, get: true })).toBe("1");
    expect(await r.set(`${k}:none`, "x", { xx: true })).toBeNull();
    expect(await r.set(k, "4", { ex: 100 })).toBe(true);
    expect(await r.ttl(k)).toBeGreaterThan(90);
    expect(await r.set(k, "5", { keepttl: true })).toBe(true);
    expect(await r.ttl(k)).toBeGreaterThan(90);
    expect(await r.set(k, "6", { px: 50_000 })).toBe(true);
    expect(await r.ttl(k)).toBeLessThanOrEqual(50);
    const at = Math.floor(Date.now() / 1000) + 1000;
    expect(await r.set(k, "7", { exat: at })).toBe(true);
    expect(await r.ttl(k)).toBeGreaterThan(990);
    expect(await r.set(k, "8", { pxat: at * 1000 + 500_000 })).toBe(true);
    expect(await r.ttl(k)).toBeGreaterThan(1400);
    // positional, in redis-py's order: ex, px, nx, xx, keepttl, get
    expect(await r.set(k, "9", 30)).toBe(true);
    expect(await r.ttl(k)).toBeLessThanOrEqual(30);
    expect(await r.set(k, "10", null, null, false, true, false, true)).toBe("9");
    expect(await r.get(k)).toBe("10");
  });

  test("incr, delete, exists, expire, ttl", async () => {
    const k = `p${protocol}:n`;
    await r.delete(k);
    expect(await r.incr(k)).toBe(1);
    expect(await r.incr(k, 5)).toBe(6);
    expect(await r.incr(k, -10)).toBe(-4);
    expect(await r.exists(k, `${k}:nope`, k)).toBe(2);
    expect(await r.ttl(k)).toBe(-1);
    expect(await r.expire(k, 100)).toBe(true);
    expect(await r.expire(k, 50, { gt: true })).toBe(false);
    expect(await r.expire(k, 50, { lt: true })).toBe(true);
    expect(await r.expire(`${k}:nope`, 10)).toBe(false);
    expect(await r.ttl(k)).toBeLessThanOrEqual(50);
    expect(await r.delete(k, `${k}:nope`)).toBe(1);
    expect(await r.delete([k])).toBe(0);
    expect(await r.ttl(k)).toBe(-2);
  });

  test("mget, mset, publish", async () => {
    const p = `p${protocol}:m`;
    expect(await r.mset({ [`${p}1`]: "a", [`${p}2`]: 2 })).toBe(true);
    expect(await r.mset(new Map([[`${p}3`, Buffer.from("c")]]))).toBe(true);
    expect(await r.mget([`${p}1`, `${p}2`, `${p}x`, `${p}3`])).toEqual(["a", "2", null, "c"]);
    expect(await r.mget(`${p}1`, `${p}2`)).toEqual(["a", "2"]);
    expect(await rb.mget([`${p}1`])).toEqual([Buffer.from("a")]);
    expect(await r.publish("nobody-listens", "hi")).toBe(0);
  });

  test("executeCommand sends anything and returns the raw reply", async () => {
    expect(await r.executeCommand("SET", `p${protocol}:raw`, 42)).toBe("OK");
    expect(await r.executeCommand("GET", `p${protocol}:raw`)).toBe("42");
    expect(await rb.executeCommand("GET", `p${protocol}:raw`)).toEqual(Buffer.from("42"));
    expect(await r.executeCommand("CONFIG GET", "maxmemory-policy")).toBeTruthy();
    expect(await r.executeCommand("STRLEN", `p${protocol}:raw`)).toBe(2);
    await expect(r.executeCommand("NOSUCHCOMMAND")).rejects.toBeInstanceOf(ResponseError);
    await expect(r.executeCommand("INCR", `p${protocol}:raw`, "extra")).rejects.toThrow(/wrong number of arguments/);
  });
});

describe("arguments", () => {
  let r: Redis<string>;
  beforeAll(() => {
    r = new Redis({ port: server().port, decodeResponses: true });
  });
  afterAll(() => r.close());

  test.each([
    ["a boolean value", () => r.set("k", true as never), /SET: argument 'value' must be a string, Buffer or number, got a boolean/],
    ["undefined", () => r.get(undefined as never), /GET missing required argument 'name'/],
    ["an object", () => r.echo({} as never), /ECHO missing required argument 'value' \(a plain object in its place is read as keyword arguments\)/],
    ["an array as a key", () => r.get([1] as never), /GET: argument 'name' must be a string, Buffer or number, got an array/],
    ["NaN", () => r.incr("k", NaN), /INCRBY: argument 'amount' must be an integer, got NaN/],
    ["an unknown keyword", () => r.set("k", "v", { expire: 10 } as never), /SET got an unknown keyword argument 'expire'/],
    ["exclusive options", () => r.set("k", "v", { nx: true, xx: true }), /'nx' and 'xx' are mutually exclusive/],
    ["too many positional", () => (r.get as (...a: unknown[]) => Promise<unknown>)("a", "b"), /GET takes at most 1 positional arguments/],
    ["an empty key list", () => r.delete(), /DEL needs at least one key/],
    ["executeCommand with a boolean", () => r.executeCommand("SET", "k", false), /argument #3 must be a string, Buffer or number, got a boolean/],
    ["executeCommand with nothing", () => r.executeCommand(), /no command given/],
    ["SELECT on the shared connection", () => r.executeCommand("SELECT", 1), /SELECT changes the state of its connection.*client\(\)/],
    ["SUBSCRIBE as a plain command", () => r.executeCommand("SUBSCRIBE", "c"), /use pubsub\(\)/],
  ])("%s rejects with a DataError before sending", async (_name, call, message) => {
    const promise = call();
    expect(promise).toBeInstanceOf(Promise);
    const err = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).toMatch(message);
  });

  test("bad constructor options name the option", () => {
    expect(() => new Redis({ prot: 3 } as never)).toThrow(/unknown option 'prot'/);
    expect(() => new Redis({ protocol: 4 } as never)).toThrow(/option 'protocol' must be 2 or 3/);
    expect(() => new Redis({ socketTimeout: -1 })).toThrow(/'socketTimeout' must be a number of seconds/);
    expect(() => new Redis({ password: 12 as never })).toThrow(DataError);
    expect(() => new Redis({ password: 12 as never })).not.toThrow(/12/);
    expect(() => new Redis({ username: "u", password: "p", credentialProvider: { getCredentials: () => ({ password: "x" }) } })).toThrow(
      /cannot be passed along with 'credentialProvider'/,
    );
  });
});

describe("one describer, one message format for arguments and options", () => {
  test("describeValue names the kind of a value, never the value", () => {
    const secret = "hunter2-SECRET";
    class Custom {
      toString() {
        return secret;
      }
    }
    const cases: [unknown, string][] = [
      [null, "null"],
      [undefined, "undefined"],
      [true, "a boolean"],
      [3, "a number"],
      [1.5, "a fractional number"],
      [NaN, "NaN"],
      [-Infinity, "-Infinity"],
      [10n, "a bigint"],
      [secret, "a string"],
      [Symbol(secret), "a symbol"],
      [() => secret, "a function"],
      [Buffer.from(secret), "a Buffer"],
      [[secret], "an array"],
      [{ password: secret }, "an object"],
      [Object.create(null), "an object"],
      [new Map([[secret, secret]]), "a Map"],
      [new Uint8Array(2), "a Uint8Array"],
      [new Custom(), "a Custom"],
      [
        new Proxy(
          {},
          {
            getPrototypeOf: () => {
              throw new Error(secret);
            },
          },
        ),
        "an object",
      ],
    ];
    for (const [value, expected] of cases) expect(describeValue(value)).toBe(expected);
  });

  test("executeCommand's arguments read the same on Redis, RedisCluster and both pipelines", async () => {
    const r = new Redis({ port: server().port });
    const rc = new RedisCluster({ startupNodes: [{ host: "127.0.0.1", port: 1 }] });
    const message = "executeCommand: argument #2 must be a string, Buffer or number, got an object";
    try {
      await expect(r.executeCommand("GET", {})).rejects.toThrow(message);
      await expect(rc.executeCommand("GET", {})).rejects.toThrow(message);
      expect(() => r.pipeline().executeCommand("GET", {})).toThrow(message);
      expect(() => rc.pipeline().executeCommand("GET", {})).toThrow(message);
      // "CONFIG GET" as one word is split everywhere
      const pipe: Pipeline<Buffer> = r.pipeline({ transaction: false });
      const [config] = await pipe.executeCommand("CONFIG GET", "maxmemory").execute();
      expect(config).toBeDefined();
    } finally {
      await Promise.all([r.close(), rc.close()]);
    }
  });

  test("bad options of Redis and RedisCluster name the option and the kind given, never the value", () => {
    expect(() => new Redis(null as never)).toThrow("Redis: options must be an object, got null");
    expect(() => new Redis({ maxConnections: 0 })).toThrow("Redis: option 'maxConnections' must be a positive integer, got a number");
    expect(() => new RedisCluster({ port: 1, maxRedirections: -1 })).toThrow(
      "RedisCluster: option 'maxRedirections' must be a non-negative integer, got a number",
    );
    expect(() => new RedisCluster({ port: 1, db: 1 as never })).toThrow("RedisCluster: option 'db' must be 0 (Redis Cluster has only database 0)");
    expect(() => new RedisCluster({ port: 1, password: 42 as never })).toThrow(/RedisCluster: option 'password' must be .*, got a number$/);
    expect(() => r().pipeline({ transactoin: true } as never)).toThrow("pipeline: unknown option 'transactoin'");
  });
  const r = () => new Redis({ port: server().port });
});

describe("throughput paths", () => {
  test("10,000 concurrent commands on one client, replies in order", async () => {
    const r = new Redis({ port: server().port, decodeResponses: true });
    const n = 10_000;
    const sets = await Promise.all(Array.from({ length: n }, (_, i) => r.set(`c:${i}`, i)));
    expect(sets.every((v) => v === true)).toBe(true);
    const values = await Promise.all(Array.from({ length: n }, (_, i) => r.get(`c:${i}`)));
    expect(values).toEqual(Array.from({ length: n }, (_, i) => String(i)));
    // All of them went over one multiplexed connection.
    expect(r.connectionPool.createdConnections).toBe(1);
    await r.close();
  });

  test("commands issued in the same tick leave in one write", async () => {
    const r = new Redis({ port: server().port });
    await r.ping();
    const connection = r.connectionPool.sharedConnection();
    const before = connection.writes;
    await Promise.all([r.set("t:a", 1), r.get("t:a"), r.incr("t:n"), r.exists("t:a"), r.ping()]);
    expect(connection.writes - before).toBe(1);
    await r.close();
  });

  test("a 10 MB value round-trips", async () => {
    const r = new Redis({ port: server().port });
    const big = Buffer.alloc(10 * 1024 * 1024, 7);
    big[12345] = 0;
    await r.set("big", big);
    const back = await r.get("big");
    expect(back?.equals(big)).toBe(true);
    await r.close();
  });
});

describe("static types follow decodeResponses", () => {
  test("fromUrl, new Redis, pools and client()", async () => {
    const url = `redis://127.0.0.1:${server().port}`;
    const s = fromUrl(url, { decodeResponses: true });
    const b = fromUrl(url);
    const viaPool = new Redis({ connectionPool: ConnectionPool.fromUrl(url, { decodeResponses: true }) });
    expectTypeOf(s).toEqualTypeOf<Redis<string>>();
    // a URL typed only as `string` may hold ?decode_responses=: either (test/types/url.test.ts)
    expectTypeOf(b).toEqualTypeOf<Redis<RedisString>>();
    expectTypeOf(viaPool).toEqualTypeOf<Redis<string>>();
    expectTypeOf(s.client()).toEqualTypeOf<Redis<string>>();
    expectTypeOf(new Redis()).toEqualTypeOf<Redis<Buffer>>();
    expectTypeOf(new Redis({ decodeResponses: false })).toEqualTypeOf<Redis<Buffer>>();
    const flag: boolean = Math.random() > 2;
    expectTypeOf(new Redis({ decodeResponses: flag })).toEqualTypeOf<Redis<RedisString>>();
    await s.set("typed", "x");
    const got: string | null = await s.get("typed");
    const gotB: RedisString | null = await b.get("typed");
    expect(got).toBe("x");
    expect(gotB).toEqual(Buffer.from("x"));
    await Promise.all([s.close(), b.close(), viaPool.connectionPool.disconnect()]);
  });
});

describe("closing", () => {
  test("a closed client refuses commands with ConnectionError", async () => {
    const r = new Redis({ port: server().port });
    await r.ping();
    await r.close();
    await expect(r.get("k")).rejects.toBeInstanceOf(ConnectionError);
    await r.aclose();
  });

  test("isClosed: after close(); for a client() also once its connection is lost", async () => {
    const r = new Redis({ port: server().port });
    expect(r.isClosed).toBe(false);
    await r.ping();
    expect(r.isClosed).toBe(false);
    const one = r.client();
    expect(one.isClosed).toBe(false);
    await one.ping();
    const id = await one.clientId();
    // a pooled client reconnects after a lost connection: it is not closed
    const shared = await r.clientId();
    await r.executeCommand("CLIENT", "KILL", "ID", String(shared));
    // the single-connection client's connection is killed: it does not reconnect
    await r.executeCommand("CLIENT", "KILL", "ID", String(id));
    await expect(one.ping()).rejects.toBeInstanceOf(ConnectionError);
    expect(one.isClosed).toBe(true);
    expect(await r.ping()).toBe(true);
    expect(r.isClosed).toBe(false);
    await one.close();
    await r.close();
    expect(r.isClosed).toBe(true);
  });

  test("await using closes the client", async () => {
    let pool: ConnectionPool | undefined;
    {
      await using r = new Redis({ port: server().port });
      pool = r.connectionPool;
      await r.ping();
      expect(pool.createdConnections).toBe(1);
    }
    expect(pool.createdConnections).toBe(0);
  });
});
