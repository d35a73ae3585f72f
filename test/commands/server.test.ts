import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, expectTypeOf, test } from "vitest";
import { parseInfo, type CommandInfoEntry, type SlowlogEntry } from "../../src/commands/server.js";
import { ConnectionError, DataError, Redis, RedisError, ResponseError } from "../../src/index.js";
import { startRedisServer, useRedisServer } from "../harness/index.js";

const server = useRedisServer({ args: ["--enable-module-command", "yes"] });
// a primary and a second server for REPLICAOF / ROLE / FAILOVER
const primary = useRedisServer({ args: ["--repl-diskless-sync-delay", "0"] });
const other = useRedisServer();

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** A minimal Redis module (name `aiotestmod`, version 1), built with the system C compiler. */
const MODULE_SOURCE = `
typedef struct RedisModuleCtx RedisModuleCtx;
typedef struct RedisModuleString RedisModuleString;
static int (*GetApi)(const char *, void *);
static void (*SetModuleAttribs)(RedisModuleCtx *, const char *, int, int);
int RedisModule_OnLoad(RedisModuleCtx *ctx, RedisModuleString **argv, int argc) {
  (void)argv; (void)argc;
  GetApi = (int (*)(const char *, void *))(unsigned long)((void **)ctx)[0];
  if (GetApi("RedisModule_SetModuleAttribs", (void *)&SetModuleAttribs) != 0) return 1;
  SetModuleAttribs(ctx, "aiotestmod", 1, 1);
  return 0;
}
`;

function buildModule(): string | null {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aioredis-module-"));
  const source = path.join(dir, "mod.c");
  const lib = path.join(dir, "mod.so");
  fs.writeFileSync(source, MODULE_SOURCE);
  try {
    execFileSync("cc", ["-shared", "-fPIC", "-O1", "-o", lib, source], { stdio: "pipe" });
    return lib;
  } catch {
    return null;
  }
}
const modulePath = buildModule();

async function atLeast(client: Redis<string>, major: number, minor: number): Promise<boolean> {
  const [ma = 0, mi = 0] = String((await client.info("server")).redis_version)
    .split(".")
    .map(Number);
  return ma > major || (ma === major && mi >= minor);
}

test("parseInfo follows redis-py's parse_info", () => {
  const text = [
    "# Server",
    "redis_version:7.0.15",
    "uptime_in_seconds:42",
    "mem_fragmentation_ratio:7.48",
    "used_memory_human:1.06M",
    "negative:-3",
    "empty:",
    "executable:/usr/bin/redis-server",
    "list:a,b,3",
    "db0:keys=1,expires=0,avg_ttl=0",
    "errorstat_ERR:count=2",
    "flagged:x=1,lonely,y=2.5",
    "cmdstat_host:calls=1,usec=2:weird",
    "module:name=search,ver=20603,api=1,filters=0,usedby=[],using=[],options=[]",
    "module:name=json,ver=1",
    "rawline",
    "",
  ].join("\r\n");
  expect(parseInfo(text)).toEqual({
    redis_version: "7.0.15",
    uptime_in_seconds: 42,
    mem_fragmentation_ratio: 7.48,
    used_memory_human: "1.06M",
    negative: -3,
    empty: "",
    executable: "/usr/bin/redis-server",
    list: ["a", "b", 3],
    db0: { keys: 1, expires: 0, avg_ttl: 0 },
    errorstat_ERR: { count: 2 },
    flagged: { x: 1, lonely: true, y: 2.5 },
    "cmdstat_host:calls=1,usec=2": "weird",
    modules: [
      { name: "search", ver: 20603, api: 1, filters: 0, usedby: "[]", using: "[]", options: "[]" },
      { name: "json", ver: 1 },
    ],
    __raw__: ["rawline"],
  });
});

describe.each([2, 3] as const)("server commands over RESP%i", (protocol) => {
  let r: Redis<string>;
  let rb: Redis<Buffer>;
  const db = protocol; // each protocol run on a database of its own
  const k = (name: string): string => `p${protocol}:${name}`;

  beforeAll(() => {
    r = new Redis({ port: server().port, protocol, db, decodeResponses: true });
    rb = new Redis({ port: server().port, protocol, db });
  });
  afterAll(async () => {
    await r.close();
    await rb.close();
  });

  test("info: typed values, sections, keyspace", async () => {
    await r.executeCommand("SET", k("info"), "v");
    const info = await r.info();
    expect(info.redis_version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(typeof info.uptime_in_seconds).toBe("number");
    expect(typeof info.used_memory).toBe("number");
    expect(typeof info.mem_fragmentation_ratio).toBe("number");
    expect(info.redis_mode).toBe("standalone");
    expect(info[`db${db}`]).toMatchObject({ keys: expect.any(Number), expires: 0, avg_ttl: 0 });
    const section = await r.info("server");
    expect(section.redis_version).toBe(info.redis_version);
    expect(section.connected_clients).toBeUndefined();
    const two = await r.info("server", "clients");
    expect(typeof two.connected_clients).toBe("number");
    expect(two.tcp_port).toBe(server().port);
    const stats = await r.info("commandstats");
    expect(stats.cmdstat_set).toMatchObject({ calls: expect.any(Number), usec: expect.any(Number), rejected_calls: 0, failed_calls: 0 });
    expect(await r.info("keyspace")).toMatchObject({ [`db${db}`]: { keys: expect.any(Number), expires: 0, avg_ttl: 0 } });
    // metadata is parsed text: the same without decodeResponses
    expect((await rb.info("server")).redis_version).toBe(info.redis_version);
    expectTypeOf(info).toEqualTypeOf<Record<string, any>>();
  });

  test("dbsize, flushdb, swapdb", async () => {
    await r.flushdb();
    expect(await r.dbsize()).toBe(0);
    await r.executeCommand("MSET", k("a"), "1", k("b"), "2");
    expect(await r.dbsize()).toBe(2);
    const spare = 10 + protocol;
    expect(await r.swapdb(db, spare)).toBe(true);
    expect(await r.dbsize()).toBe(0);
    expect(await r.swapdb(spare, db)).toBe(true);
    expect(await r.dbsize()).toBe(2);
    expect(await r.flushdb(true)).toBe(true);
    expect(await r.dbsize()).toBe(0);
    await r.executeCommand("SET", k("a"), "1");
    expect(await r.flushdb({ asynchronous: false })).toBe(true);
    expect(await r.dbsize()).toBe(0);
    await expect(r.swapdb(0, 999)).rejects.toThrow(ResponseError);
    // @ts-expect-error: db numbers are integers
    await expect(r.swapdb(0, "x")).rejects.toThrow(DataError);
  });

  test("flushall", async () => {
    await r.executeCommand("SET", k("a"), "1");
    expect(await r.flushall()).toBe(true);
    expect(await r.dbsize()).toBe(0);
    await r.executeCommand("SET", k("a"), "1");
    expect(await r.flushall({ asynchronous: true })).toBe(true);
    await waitFor("an empty database", async () => (await r.dbsize()) === 0);
  });

  test("config get, set, resetstat, rewrite, help", async () => {
    expect(await r.configGet("maxmemory")).toEqual({ maxmemory: "0" });
    expect(await r.configGet("maxmemory", "hz")).toEqual({ maxmemory: "0", hz: "10" });
    expect(await r.configGet("no-such-setting")).toEqual({});
    const all = await r.configGet();
    expect(Object.keys(all).length).toBeGreaterThan(100);
    expect(all.port).toBe(String(server().port));
    expect(await r.configSet("maxmemory-samples", 7)).toBe(true);
    expect(await r.configGet("maxmemory-samples")).toEqual({ "maxmemory-samples": "7" });
    expect(await r.configSet("maxmemory-samples", 5, "slowlog-max-len", 200)).toBe(true);
    expect(await r.configGet("maxmemory-samples", "slowlog-max-len")).toEqual({ "maxmemory-samples": "5", "slowlog-max-len": "200" });
    await expect(r.configSet("maxmemory-samples", 5, "slowlog-max-len")).rejects.toThrow(DataError);
    await expect(r.configSet("no-such-setting", "1")).rejects.toThrow(ResponseError);
    expect(await r.configResetstat()).toBe(true);
    // the harness starts servers without a config file
    await expect(r.configRewrite()).rejects.toThrow(/without a config file/);
    const help = await r.configHelp();
    expect(help[0]).toMatch(/^CONFIG <subcommand>/);
    // values are strings whatever decodeResponses says, as redis-py's parse_config_get
    expect(await rb.configGet("hz")).toEqual({ hz: "10" });
    expectTypeOf(await r.configGet()).toEqualTypeOf<Record<string, string>>();
  });

  test("time, lastsave, save, bgsave, bgrewriteaof", async () => {
    const [seconds, micros] = await r.time();
    expect(Math.abs(seconds - Date.now() / 1000)).toBeLessThan(5);
    expect(micros).toBeGreaterThanOrEqual(0);
    expect(micros).toBeLessThan(1_000_000);
    expectTypeOf(await r.time()).toEqualTypeOf<[number, number]>();
    const idle = async (): Promise<boolean> => {
      const p = await r.info("persistence");
      return p.rdb_bgsave_in_progress === 0 && p.aof_rewrite_in_progress === 0 && p.aof_rewrite_scheduled === 0;
    };
    await waitFor("no background save", idle);
    expect(await r.save()).toBe(true);
    const last = await r.lastsave();
    expect(last).toBeInstanceOf(Date);
    expect(Math.abs(last!.getTime() - Date.now())).toBeLessThan(5_000);
    expect(await r.bgsave()).toBe(true);
    await waitFor("the background save", idle);
    expect(await r.bgsave(false)).toBe(true);
    await waitFor("the background save", idle);
    expect(await r.bgrewriteaof()).toBe(true);
    await waitFor("the AOF rewrite", idle);
  });

  test("command, command count, command info", async () => {
    const get: CommandInfoEntry = {
      name: "get",
      arity: 2,
      flags: ["readonly", "fast"],
      first_key_pos: 1,
      last_key_pos: 1,
      step_count: 1,
      acl_categories: ["@read", "@string", "@fast"],
      tips: [],
      key_specifications: [
        {
          flags: ["RO", "access"],
          begin_search: { type: "index", spec: { index: 1 } },
          find_keys: { type: "range", spec: { lastkey: 0, keystep: 1, limit: 0 } },
        },
      ],
      subcommands: [],
    };
    const all = await r.command();
    expect(all.get).toEqual(get);
    expect(Object.keys(all).length).toBe(await r.commandCount());
    expect(await r.commandInfo("get", "no-such-command")).toEqual({ get });
    const config = (await r.commandInfo("config")).config!;
    expect(config.arity).toBe(-2);
    expect(config.subcommands!.map((s) => s.name)).toContain("config|get");
    expect(config.subcommands!.find((s) => s.name === "config|get")).toMatchObject({ arity: -3, flags: expect.arrayContaining(["admin"]) });
    expect((await rb.commandInfo("get")).get).toEqual(get);
  });

  test("command docs", async () => {
    expect(await r.commandDocs("get")).toEqual({
      get: {
        summary: "Get the value of a key",
        since: "1.0.0",
        group: "string",
        complexity: "O(1)",
        arguments: [{ name: "key", type: "key", key_spec_index: 0 }],
      },
    });
    const docs = await r.commandDocs("object", "set");
    expect(Object.keys(docs).sort()).toEqual(["object", "set"]);
    expect(docs.object!.subcommands!["object|encoding"]).toEqual({
      summary: "Inspect the internal encoding of a Redis object",
      since: "2.2.3",
      group: "generic",
      complexity: "O(1)",
      arguments: [{ name: "key", type: "key", key_spec_index: 0 }],
    });
    expect(docs.set!.history![0]).toEqual(["2.6.12", "Added the `EX`, `PX`, `NX` and `XX` options."]);
    expect(docs.set!.arguments![2]).toMatchObject({ name: "condition", type: "oneof", flags: ["optional"] });
    expect(docs.set!.arguments![2]!.arguments).toEqual([
      { name: "nx", type: "pure-token", token: "NX" },
      { name: "xx", type: "pure-token", token: "XX" },
    ]);
    expect((await r.commandDocs("slaveof")).slaveof!.doc_flags).toEqual(["deprecated"]);
    const everything = await r.commandDocs();
    expect(Object.keys(everything).length).toBe(await r.commandCount());
  });

  test("command list, getkeys, getkeysandflags, help", async () => {
    const names = await r.commandList();
    expect(names).toContain("get");
    expect(names).toContain("config|get");
    expect(names.length).toBeGreaterThan(await r.commandCount());
    expect((await r.commandList({ category: "hyperloglog" })).sort()).toEqual(["pfadd", "pfcount", "pfdebug", "pfmerge", "pfselftest"]);
    expect((await r.commandList(null, null, "xgroup|de*")).sort()).toEqual(["xgroup|delconsumer", "xgroup|destroy"]);
    expect(await r.commandList({ module: "nosuchmodule" })).toEqual([]);
    await expect(r.commandList({ module: "m", pattern: "p" })).rejects.toThrow(DataError);
    expect(await r.commandGetkeys("MSET", "a", "1", "b", "2")).toEqual(["a", "b"]);
    expect(await rb.commandGetkeys("GET", "k")).toEqual([Buffer.from("k")]);
    await expect(r.commandGetkeys()).rejects.toThrow(DataError);
    await expect(r.commandGetkeys("PING")).rejects.toThrow(ResponseError);
    expect(await r.commandGetkeysandflags("LMOVE", "a", "b", "LEFT", "RIGHT")).toEqual([
      ["a", ["RW", "access", "delete"]],
      ["b", ["RW", "insert"]],
    ]);
    expect(await rb.commandGetkeysandflags("GET", "k")).toEqual([[Buffer.from("k"), ["RO", "access"]]]);
    expect((await r.commandHelp())[0]).toMatch(/^COMMAND <subcommand>/);
  });

  test("latency monitor", async () => {
    expect(await r.configSet("latency-monitor-threshold", 5)).toBe(true);
    try {
      await r.latencyReset();
      await r.executeCommand("DEBUG", "SLEEP", "0.02");
      const latest = await r.latencyLatest();
      const entry = latest.find((e) => e[0] === "command");
      expect(entry).toBeDefined();
      const [, at, last, max] = entry!;
      expect(Math.abs(at - Date.now() / 1000)).toBeLessThan(10);
      expect(last).toBeGreaterThanOrEqual(20);
      expect(max).toBeGreaterThanOrEqual(last);
      const history = await r.latencyHistory("command");
      expect(history.length).toBe(1);
      expect(history[0]![0]).toBe(at);
      expect(history[0]![1]).toBe(last);
      expect(await r.latencyGraph("command")).toMatch(/command - high/);
      expect(typeof (await r.latencyDoctor())).toBe("string");
      expect(Buffer.isBuffer(await rb.latencyDoctor())).toBe(true);
      expect(await r.latencyReset("command", "no-such-event")).toBe(1);
      expect(await r.latencyHistory("command")).toEqual([]);
      expect(await r.latencyReset()).toBe(0);
      expect((await r.latencyHelp())[0]).toMatch(/^LATENCY <subcommand>/);
    } finally {
      await r.configSet("latency-monitor-threshold", 0);
    }
  });

  test("latency histogram", async () => {
    await r.executeCommand("SET", k("h"), "v");
    const histogram = await r.latencyHistogram("set", "get", "no-such-command");
    expect(histogram["no-such-command"]).toBeUndefined();
    const set = histogram.set!;
    expect(set.calls).toBeGreaterThan(0);
    const buckets = Object.entries(set.histogram_usec);
    expect(buckets.length).toBeGreaterThan(0);
    for (const [bound, calls] of buckets) {
      expect(bound).toMatch(/^\d+$/);
      expect(typeof calls).toBe("number");
    }
    expect(buckets[buckets.length - 1]![1]).toBe(set.calls);
    const everything = await r.latencyHistogram();
    expect(everything.set!.calls).toBeGreaterThanOrEqual(set.calls);
  });

  test("lolwut", async () => {
    expect(await r.lolwut()).toMatch(/Redis ver\. \d+/);
    expect(await r.lolwut(5, 1, 1, 1)).toMatch(/Georg Nees/);
    expect(Buffer.isBuffer(await rb.lolwut())).toBe(true);
  });

  test("memory usage, stats, doctor, malloc-stats, purge, help", async () => {
    await r.executeCommand("SET", k("mem"), "x".repeat(100));
    const usage = await r.memoryUsage(k("mem"));
    expect(usage).toBeGreaterThan(100);
    expect(await r.memoryUsage(k("mem"), 0)).toBe(usage);
    expect(await r.memoryUsage(k("mem"), { samples: 5 })).toBe(usage);
    expect(await r.memoryUsage(k("missing"))).toBeNull();
    const stats = await r.memoryStats();
    expect(typeof stats["peak.allocated"]).toBe("number");
    expect(typeof stats["dataset.percentage"]).toBe("number"); // a double: a string over RESP2, made a number
    expect(typeof stats.fragmentation).toBe("number");
    expect(stats[`db.${db}`]).toMatchObject({ "overhead.hashtable.main": expect.any(Number), "overhead.hashtable.expires": expect.any(Number) });
    expect(await rb.memoryStats()).toMatchObject({ "keys.count": expect.any(Number) });
    expect(typeof (await r.memoryDoctor())).toBe("string");
    expect(await r.memoryMallocStats()).toMatch(/jemalloc|malloc|Stats/i);
    expect(Buffer.isBuffer(await rb.memoryMallocStats())).toBe(true);
    expect(await r.memoryPurge()).toBe(true);
    expect((await r.memoryHelp())[0]).toMatch(/^MEMORY <subcommand>/);
    await expect(r.memoryUsage(k("mem"), -1)).rejects.toThrow(ResponseError);
  });

  test.skipIf(modulePath === null)("module load, loadex, list, unload", async () => {
    expect(await r.moduleList()).toEqual([]);
    expect(await r.moduleLoad(modulePath!, "x", 2)).toBe(true);
    expect(await r.moduleList()).toEqual([{ name: "aiotestmod", ver: 1, path: modulePath, args: ["x", "2"] }]);
    expect((await r.info("modules")).modules).toEqual([{ name: "aiotestmod", ver: 1, api: 1, filters: 0, usedby: "[]", using: "[]", options: "[]" }]);
    expect(await r.moduleUnload("aiotestmod")).toBe(true);
    expect(await r.moduleLoadex(modulePath!, { args: ["a", "b"] })).toBe("OK");
    expect(await rb.moduleList()).toEqual([{ name: "aiotestmod", ver: 1, path: modulePath, args: ["a", "b"] }]);
    expect(await r.moduleUnload("aiotestmod")).toBe(true);
    // the module declares no configuration: CONFIG makes the load fail
    await expect(r.moduleLoadex(modulePath!, ["nosuch.config", "1"])).rejects.toThrow(ResponseError);
    expect(await r.moduleList()).toEqual([]);
  });

  test("module errors and help", async () => {
    await expect(r.moduleLoad("/nonexistent/module.so")).rejects.toThrow(ResponseError);
    await expect(r.moduleUnload("nosuchmodule")).rejects.toThrow(/no such module/);
    // @ts-expect-error: options is an array
    await expect(r.moduleLoadex("/x.so", "CONFIG")).rejects.toThrow(DataError);
    expect((await r.moduleHelp())[0]).toMatch(/^MODULE <subcommand>/);
  });

  test("slowlog get, len, reset, help", async () => {
    const before = (await r.configGet("slowlog-log-slower-than"))["slowlog-log-slower-than"]!;
    await r.configSet("slowlog-log-slower-than", 0);
    try {
      expect(await r.slowlogReset()).toBe(true);
      await r.executeCommand("SET", k("slow"), "a value");
      const entries = await r.slowlogGet();
      const entry = entries.find((e) => e.command === `SET ${k("slow")} a value`);
      expect(entry).toEqual({
        id: expect.any(Number),
        start_time: expect.any(Number),
        duration: expect.any(Number),
        command: `SET ${k("slow")} a value`,
        client_address: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
        client_name: "",
      });
      expect(Math.abs(entry!.start_time - Date.now() / 1000)).toBeLessThan(10);
      expect(await r.slowlogLen()).toBeGreaterThanOrEqual(entries.length);
      expect((await r.slowlogGet(1)).length).toBe(1);
      expect((await r.slowlogGet({ num: 2 })).length).toBe(2);
      await rb.executeCommand("SET", k("slowbin"), Buffer.from([0, 255]));
      const binary = (await rb.slowlogGet()).find((e) => Buffer.isBuffer(e.command) && e.command.includes(Buffer.from(k("slowbin"))));
      expect(binary!.command).toEqual(Buffer.concat([Buffer.from(`SET ${k("slowbin")} `), Buffer.from([0, 255])]));
      expect(Buffer.isBuffer(binary!.client_address)).toBe(true);
      expectTypeOf(binary!).toEqualTypeOf<SlowlogEntry<Buffer>>();
      expect(await r.slowlogReset()).toBe(true);
      expect(await r.slowlogLen()).toBeLessThanOrEqual(1); // the SLOWLOG RESET itself may be logged
      expect((await r.slowlogHelp())[0]).toMatch(/^SLOWLOG <subcommand>/);
    } finally {
      await r.configSet("slowlog-log-slower-than", before);
    }
  });

  test("role, replicaof, slaveof", async () => {
    const p = new Redis({ port: primary().port, protocol, decodeResponses: true });
    const o = new Redis({ port: other().port, protocol, decodeResponses: true });
    const ob = new Redis({ port: other().port, protocol });
    try {
      await waitFor("the primary to have no replica", async () => ((await p.role())[2] as unknown[]).length === 0);
      expect(await p.role()).toEqual(["master", expect.any(Number), []]);
      expect(await o.replicaof("127.0.0.1", primary().port)).toMatch(/^OK/);
      const role = await o.role();
      expect(role.slice(0, 3)).toEqual(["slave", "127.0.0.1", primary().port]);
      expect(["connect", "connecting", "sync", "connected", "handshake"]).toContain(role[3]);
      await waitFor("the replica to sync", async () => (await o.role())[3] === "connected");
      await waitFor("the primary to list it", async () => ((await p.role())[2] as unknown[]).length === 1);
      const [kind, offset, replicas] = await p.role();
      expect([kind, typeof offset]).toEqual(["master", "number"]);
      expect(replicas).toEqual([["127.0.0.1", String(other().port), expect.stringMatching(/^\d+$/)]]);
      expect((await ob.role())[0]).toEqual(Buffer.from("slave"));
      expect(await o.slaveof()).toBe(true);
      expect((await o.role())[0]).toBe("master");
      expect(await o.slaveof("127.0.0.1", primary().port)).toBe(true);
      expect((await o.role())[0]).toBe("slave");
      expect(await o.replicaof("NO", "ONE")).toMatch(/^OK/);
      expect((await o.role())[0]).toBe("master");
      await expect(o.slaveof("127.0.0.1")).rejects.toThrow(DataError);
      // redis-py sends replicaof(*args) as given: the server judges the count
      await expect(o.replicaof("127.0.0.1")).rejects.toThrow(ResponseError);
    } finally {
      await p.close();
      await o.close();
      await ob.close();
    }
  });

  test("failover", async () => {
    const o = new Redis({ port: other().port, protocol, decodeResponses: true });
    try {
      await o.slaveof();
      await waitFor("no replicas left", async () => ((await o.info("replication")).connected_slaves as number) === 0);
      await expect(o.failover()).rejects.toThrow(/requires connected replicas/);
      await expect(o.failover({ abort: true })).rejects.toThrow(/No failover in progress/);
      await expect(o.failover({ host: "127.0.0.1", port: primary().port, timeout: 100 })).rejects.toThrow(ResponseError);
      await expect(o.failover({ host: "127.0.0.1" })).rejects.toThrow(DataError);
      await expect(o.failover({ host: "127.0.0.1", port: 1, force: true })).rejects.toThrow(DataError);
      await expect(o.failover({ abort: true, timeout: 5 })).rejects.toThrow(DataError);
    } finally {
      await o.close();
    }
  });

  test("shutdown: the server goes away", async () => {
    const doomed = await startRedisServer();
    const d = new Redis({ port: doomed.port, protocol, decodeResponses: true });
    try {
      expect(await d.ping()).toBe(true);
      // The lost connection is how a shutdown succeeds, as in redis-py.
      expect(await d.shutdown({ nosave: true })).toBe(true);
      await waitFor("the server to exit", async () => !doomed.running);
    } finally {
      await d.close();
      await doomed.stop();
    }
  });

  test("shutdown: options and errors", async () => {
    await expect(r.shutdown({ abort: true })).rejects.toThrow(/No shutdown in progress/);
    await expect(r.shutdown({ save: true, nosave: true })).rejects.toThrow(DataError);
    await expect(r.shutdown(false, false, true, false, true)).rejects.toThrow(DataError);
    expect(await r.ping()).toBe(true);
  });

  test("client id, info, list, getname, getredir, help", async () => {
    const id = await r.clientId();
    expect(typeof id).toBe("number");
    const info = await r.clientInfo();
    expect(info).toMatchObject({ id, db, name: "", user: "default", resp: String(protocol), cmd: "client|info" });
    expect(typeof info.age).toBe("number");
    expect(typeof info["tot-mem"]).toBe("number");
    const list = await r.clientList();
    const mine = list.find((c) => c.id === String(id));
    expect(mine).toMatchObject({ id: String(id), db: String(db), addr: info.addr, flags: "N" });
    expect(await r.clientList({ clientId: [id] })).toEqual([expect.objectContaining({ id: String(id) })]);
    expect(await r.clientList(null, [id])).toEqual([expect.objectContaining({ id: String(id) })]);
    expect(await r.clientList("normal")).toContainEqual(expect.objectContaining({ id: String(id) }));
    expect(await r.clientList({ _type: "pubsub" })).toEqual([]);
    expect(await rb.clientList({ clientId: [id] })).toEqual([expect.objectContaining({ id: String(id) })]);
    await expect(r.clientList({ _type: "bogus" })).rejects.toThrow(DataError);
    // @ts-expect-error: clientId is an array
    await expect(r.clientList({ clientId: id })).rejects.toThrow(DataError);
    expect(await r.clientGetname()).toBeNull();
    expect(await r.clientGetredir()).toBe(-1);
    const named = new Redis({ port: server().port, protocol, decodeResponses: true, clientName: "named-client" });
    try {
      expect(await named.clientGetname()).toBe("named-client");
    } finally {
      await named.close();
    }
    expect((await r.clientHelp())[0]).toMatch(/^CLIENT <subcommand>/);
    expectTypeOf(await r.clientInfo()).toEqualTypeOf<Record<string, string | number>>();
  });

  test("client setname: on client() only", async () => {
    await expect(r.clientSetname("x")).rejects.toThrow(/CLIENT SETNAME changes the state of its connection/);
    const c = r.client();
    try {
      expect(await c.clientSetname("conn-a")).toBe(true);
      expect(await c.clientGetname()).toBe("conn-a");
      expect((await c.clientInfo()).name).toBe("conn-a");
    } finally {
      await c.close();
    }
  });

  test("client kill and kill filters", async () => {
    const victim = r.client();
    const victim2 = r.client();
    try {
      const info = await victim.clientInfo();
      const id2 = await victim2.clientId();
      expect(await r.clientKill(info.addr as string)).toBe(true);
      await expect(victim.ping()).rejects.toThrow(ConnectionError);
      expect(await r.clientKillFilter({ _id: id2 })).toBe(1);
      await expect(victim2.ping()).rejects.toThrow(ConnectionError);
      expect(await r.clientKillFilter({ _id: 999_999_999 })).toBe(0);
      expect(await r.clientKillFilter({ user: "default", skipme: true, _type: "master" })).toBe(0);
      if (await atLeast(r, 7, 4)) expect(await r.clientKillFilter({ maxage: 100_000 })).toBe(0);
      else await expect(r.clientKillFilter({ maxage: 100_000 })).rejects.toThrow(ResponseError);
      expect(await r.clientKillFilter(null, "pubsub", null, true)).toBe(0);
      await expect(r.clientKillFilter({ user: "nosuchuser" })).rejects.toThrow(/No such user/);
      expect(await r.clientKillFilter({ laddr: "127.0.0.1:1" })).toBe(0);
      expect(await r.clientKillFilter({ addr: "127.0.0.1:1", _type: "normal" })).toBe(0);
      await expect(r.clientKill("127.0.0.1:1")).rejects.toThrow(/No such client/);
      await expect(r.clientKillFilter()).rejects.toThrow(/at least one filter/);
      await expect(r.clientKillFilter({ _type: "bogus" })).rejects.toThrow(DataError);
      // @ts-expect-error: skipme is a boolean
      await expect(r.clientKillFilter({ skipme: "yes" })).rejects.toThrow(DataError);
    } finally {
      await victim.close();
      await victim2.close();
    }
  });

  test("client pause, unpause", async () => {
    expect(await r.clientPause(50, false)).toBe(true);
    expect(await r.clientUnpause()).toBe("OK");
    expect(await r.clientPause(20)).toBe(true);
    const started = Date.now();
    await r.executeCommand("SET", k("paused"), "1");
    expect(Date.now() - started).toBeGreaterThanOrEqual(10);
    expect(await r.clientPause(10, { all: true })).toBe(true);
    expect(await rb.clientUnpause()).toEqual(Buffer.from("OK"));
    // @ts-expect-error: milliseconds as an integer
    await expect(r.clientPause("50")).rejects.toThrow(DataError);
  });

  test("client unblock", async () => {
    const c = r.client();
    try {
      const id = await c.clientId();
      const blocked = c.executeCommand("BLPOP", k("never"), 10);
      await waitFor("the client to block", async () => (await r.clientList({ clientId: [id] }))[0]?.cmd === "blpop");
      expect(await r.clientUnblock(id)).toBe(true);
      expect(await blocked).toBeNull();
      const again = c.executeCommand("BLPOP", k("never"), 10);
      await waitFor("the client to block", async () => (await r.clientList({ clientId: [id] }))[0]?.cmd === "blpop");
      expect(await r.clientUnblock(id, { error: true })).toBe(true);
      await expect(again).rejects.toThrow(/UNBLOCKED/);
      expect(await r.clientUnblock(id)).toBe(false);
      expect(await r.clientUnblock(999_999_999)).toBe(false);
    } finally {
      await c.close();
    }
  });

  test("client tracking, trackinginfo, caching, getredir: on client() only", async () => {
    expect(await r.clientTrackinginfo()).toEqual({ flags: ["off"], redirect: -1, prefixes: [] });
    await expect(r.clientTracking(true)).rejects.toThrow(/CLIENT TRACKING changes the state of its connection/);
    await expect(r.clientTrackingOn({ prefix: ["p:"] })).rejects.toThrow(/bcast/);
    const c = r.client();
    const target = r.client();
    try {
      const targetId = await target.clientId();
      expect(await c.clientTrackingOn({ clientid: targetId, bcast: true, prefix: [k("a:"), k("b:")] })).toBe("OK");
      expect(await c.clientTrackinginfo()).toEqual({ flags: ["on", "bcast"], redirect: targetId, prefixes: [k("a:"), k("b:")] });
      expect(await c.clientGetredir()).toBe(targetId);
      expect(await c.clientTrackingOff()).toBe("OK");
      expect(await c.clientTrackinginfo()).toEqual({ flags: ["off"], redirect: -1, prefixes: [] });
      expect(await c.clientTracking(true, targetId, [], false, true)).toBe("OK");
      expect((await c.clientTrackinginfo()).flags).toEqual(["on", "optin"]);
      expect(await c.clientCaching("yes")).toBe(true);
      expect((await c.clientTrackinginfo()).flags).toEqual(["on", "optin", "caching-yes"]);
      expect(await c.clientTracking({ on: false })).toBe("OK");
      expect(await c.clientTracking({ clientid: targetId, optout: true, noloop: true })).toBe("OK");
      expect((await c.clientTrackinginfo()).flags).toEqual(["on", "optout", "noloop"]);
      expect(await c.clientCaching("NO")).toBe(true);
      await expect(c.clientCaching("maybe" as "yes")).rejects.toThrow(DataError);
    } finally {
      await c.close();
      await target.close();
    }
  });

  test("client no-evict, no-touch", async () => {
    const c = r.client();
    const cb = rb.client();
    try {
      expect(await c.clientNoEvict("on")).toBe("OK");
      expect((await c.clientInfo()).flags).toContain("e");
      expect(await c.clientNoEvict("off")).toBe("OK");
      expect(await cb.clientNoEvict("OFF")).toEqual(Buffer.from("OK"));
      if (await atLeast(r, 7, 2)) {
        expect(await c.clientNoTouch("on")).toBe("OK");
        expect(await c.clientNoTouch("off")).toBe("OK");
      } else {
        await expect(c.clientNoTouch("on")).rejects.toThrow(ResponseError);
      }
    } finally {
      await c.close();
      await cb.close();
    }
  });

  test("argument errors name the command and never echo values", async () => {
    const secret = "s3cr3t-value";
    const errors = await Promise.all([
      r.configGet(secret, { bogus: 1 } as never).catch((e: unknown) => e),
      r.lolwut([1] as never).catch((e: unknown) => e),
      r.clientPause(secret as never).catch((e: unknown) => e),
      r.clientList(secret).catch((e: unknown) => e),
      r.failover(secret).catch((e: unknown) => e),
      r.clientCaching(secret as never).catch((e: unknown) => e),
    ]);
    for (const error of errors) {
      expect(error).toBeInstanceOf(DataError);
      expect(String((error as Error).message)).not.toContain(secret);
    }
    expect((errors[2] as Error).message).toMatch(/^CLIENT PAUSE/);
    expect((errors[3] as Error).message).toMatch(/^CLIENT LIST/);
    expect(RedisError).toBeDefined();
  });
});
