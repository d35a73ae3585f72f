import { afterAll, beforeAll, describe, expect, expectTypeOf, test } from "vitest";
import { DataError, NoScriptError, Redis, ResponseError } from "../../src/index.js";
import type { LibraryInfo, ScriptReply } from "../../src/commands/scripting.js";
import { useRedisServer } from "../harness/index.js";

// a low busy threshold so SCRIPT KILL / FUNCTION KILL / FUNCTION STATS answer a busy server quickly
const server = useRedisServer({ args: ["--busy-reply-threshold", "50"] });

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function library(name: string): string {
  return [
    `#!lua name=${name}`,
    `redis.register_function{function_name='${name}_get', callback=function(keys, args) return redis.call('GET', keys[1]) end, flags={'no-writes'}, description='reads a key'}`,
    `redis.register_function('${name}_set', function(keys, args) return redis.call('SET', keys[1], args[1]) end)`,
  ].join("\n");
}

describe.each([2, 3] as const)("scripting commands over RESP%i", (protocol) => {
  let r: Redis<string>;
  let rb: Redis<Buffer>;
  const k = (name: string): string => `p${protocol}:${name}`;

  beforeAll(() => {
    r = new Redis({ port: server().port, protocol, decodeResponses: true });
    rb = new Redis({ port: server().port, protocol });
  });
  afterAll(async () => {
    await r.close();
    await rb.close();
  });

  test("eval: keys, arguments and Lua reply types", async () => {
    await r.executeCommand("SET", k("a"), "va");
    const result = await r.eval("return {KEYS[1], ARGV[1], redis.call('GET', KEYS[1]), #KEYS, #ARGV}", 1, k("a"), "arg", 7);
    expect(result).toEqual([k("a"), "arg", "va", 1, 2]);
    expectTypeOf(result).toEqualTypeOf<ScriptReply<string>>();
    expect(await r.eval("return {1, 'two', true, false, {ok='OK'}, 3.99, {4, {5}}}", 0)).toEqual([1, "two", 1, null, "OK", 3, [4, [5]]]);
    expect(await r.eval("return nil", 0)).toBeNull();
    expect(await r.eval("return false", 0)).toBeNull();
    expect(await r.eval("return true", 0)).toBe(1);
    expect(await r.eval("return {}", 0)).toEqual([]);
    // what a RESP3 script returns comes back as over RESP2
    expect(await r.eval("redis.setresp(3); return {map={x=1}}", 0)).toEqual(["x", 1]);
    expect(await r.eval("redis.setresp(3); return {true, false, {map={y={set={z=true}}}}}", 0)).toEqual([1, 0, ["y", ["z"]]]);
    expect(await r.eval("redis.setresp(3); return redis.call('HGETALL', KEYS[1])", 1, k("nohash"))).toEqual([]);
    await expect(r.eval("return redis.error_reply('MYERR custom')", 0)).rejects.toThrow(/MYERR custom/);
    await expect(r.eval("return redis.call('NOSUCHCMD')", 0)).rejects.toThrow(ResponseError);
    // user data stays binary without decodeResponses
    expect(await rb.eval("return {ARGV[1], 42}", 0, Buffer.from([0, 255]))).toEqual([Buffer.from([0, 255]), 42]);
    expect(await rb.eval("return {ok='OK'}", 0)).toEqual(Buffer.from("OK"));

    await expect(r.eval("return 1", -1)).rejects.toThrow(/EVAL: 'numkeys' must be between 0/);
    await expect(r.eval("return 1", 2, "only-one")).rejects.toThrow(DataError);
    await expect(r.eval("return 1", 1.5 as never, "k")).rejects.toThrow(/EVAL: argument 'numkeys' must be an integer/);
    await expect(r.eval("return 1", 1, { a: 1 } as never)).rejects.toThrow(DataError);
  });

  test("eval_ro refuses writes", async () => {
    await r.executeCommand("SET", k("ro"), "x");
    expect(await r.evalRo("return redis.call('GET', KEYS[1])", 1, k("ro"))).toBe("x");
    await expect(r.evalRo("return redis.call('SET', KEYS[1], 'y')", 1, k("ro"))).rejects.toThrow(ResponseError);
  });

  test("script load, exists, evalsha, evalsha_ro, flush", async () => {
    const script = `return ARGV[1] .. '${protocol}'`;
    const sha = await r.scriptLoad(script);
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(await rb.scriptLoad(script)).toBe(sha);
    expectTypeOf(await rb.scriptLoad(script)).toEqualTypeOf<string>();
    expect(await r.evalsha(sha, 0, "hi")).toBe(`hi${protocol}`);
    expect(await r.evalshaRo(sha, 0, "ro")).toBe(`ro${protocol}`);
    expect(await rb.evalsha(sha, 0, "b")).toEqual(Buffer.from(`b${protocol}`));
    const missing = "0".repeat(40);
    expect(await r.scriptExists(sha, missing)).toEqual([true, false]);
    expect(await r.scriptExists([missing, sha])).toEqual([false, true]);
    await expect(r.scriptExists()).rejects.toThrow(DataError);

    expect(await r.scriptFlush()).toBe(true);
    expect(await r.scriptExists(sha)).toEqual([false]);
    await expect(r.evalsha(sha, 0, "x")).rejects.toThrow(NoScriptError);
    await r.scriptLoad(script);
    expect(await r.scriptFlush("ASYNC")).toBe(true);
    expect(await r.scriptFlush({ syncType: "sync" })).toBe(true);
    await expect(r.scriptFlush("LATER" as never)).rejects.toThrow(/SCRIPT FLUSH: 'syncType' must be one of SYNC, ASYNC/);
  });

  test("script help, function help; script debug is not available", async () => {
    expect((await rb.scriptHelp())[0]).toMatch(/^SCRIPT <subcommand>/);
    expect((await rb.functionHelp())[0]).toMatch(/^FUNCTION <subcommand>/);
    await expect(r.scriptDebug("YES")).rejects.toThrow(/SCRIPT DEBUG cannot run through the client/);
    await expect(r.scriptDebug()).rejects.toThrow(DataError);
  });

  test("script kill stops a running script", async () => {
    await expect(r.scriptKill()).rejects.toThrow(/NOTBUSY/);
    const busy = new Redis({ port: server().port, protocol, decodeResponses: true });
    try {
      const running = busy.eval("while true do end", 0);
      const outcome = running.then(
        () => "finished",
        (err: Error) => err,
      );
      // retry while the script has not started yet (a loaded machine)
      let killed: unknown = null;
      for (let i = 0; i < 100 && killed !== true; i++) {
        await sleep(50);
        killed = await r.scriptKill().catch((e: Error) => e);
        if (killed instanceof Error && !/NOTBUSY/.test(killed.message)) throw killed;
      }
      expect(killed).toBe(true);
      const err = await outcome;
      expect(err).toBeInstanceOf(ResponseError);
      expect((err as Error).message).toMatch(/killed/i);
    } finally {
      await r.scriptKill().catch(() => {});
      await busy.close();
    }
  });

  test("function load, list, fcall, fcall_ro, delete", async () => {
    expect(await r.functionFlush()).toBe(true);
    const lib = `lib${protocol}`;
    expect(await r.functionLoad(library(lib))).toBe(lib);
    await expect(r.functionLoad(library(lib))).rejects.toThrow(ResponseError);
    expect(await r.functionLoad(library(lib), true)).toBe(lib);
    expect(await rb.functionLoad(library(lib), { replace: true })).toEqual(Buffer.from(lib));

    expect(await r.fcall(`${lib}_set`, 1, k("f"), "value")).toBe("OK");
    expect(await r.fcall(`${lib}_get`, 1, k("f"))).toBe("value");
    expect(await r.fcallRo(`${lib}_get`, 1, k("f"))).toBe("value");
    expect(await rb.fcallRo(`${lib}_get`, 1, k("f"))).toEqual(Buffer.from("value"));
    await expect(r.fcallRo(`${lib}_set`, 1, k("f"), "x")).rejects.toThrow(ResponseError);
    await expect(r.fcall("nosuchfunction", 0)).rejects.toThrow(ResponseError);

    const functions = [
      { name: `${lib}_get`, description: "reads a key", flags: ["no-writes"] },
      { name: `${lib}_set`, description: null, flags: [] },
    ];
    const listed = await r.functionList();
    expect(listed.map((l) => ({ ...l, functions: [...l.functions].sort((a, b) => a.name.localeCompare(b.name)) }))).toEqual([
      { library_name: lib, engine: "LUA", functions },
    ]);
    expectTypeOf(listed).toEqualTypeOf<LibraryInfo<string>[]>();
    const withCode = await r.functionList({ library: `${lib}*`, withcode: true });
    expect(withCode).toHaveLength(1);
    expect(withCode[0]!.library_code).toBe(library(lib));
    expect(await r.functionList("nomatch*")).toEqual([]);
    const binary = await rb.functionList(lib);
    expect(binary[0]!.library_name).toEqual(Buffer.from(lib));
    expect(binary[0]!.engine).toEqual(Buffer.from("LUA"));

    expect(await r.functionDelete(lib)).toBe(true);
    await expect(r.functionDelete(lib)).rejects.toThrow(ResponseError);
    expect(await r.functionList()).toEqual([]);
  });

  test("function dump, flush and restore", async () => {
    await r.functionFlush("SYNC");
    const lib = `dump${protocol}`;
    await r.functionLoad(library(lib));
    const payload = await r.functionDump();
    expect(Buffer.isBuffer(payload)).toBe(true);
    expectTypeOf(payload).toEqualTypeOf<Buffer>();
    expect(await rb.functionDump()).toEqual(payload);

    expect(await r.functionFlush({ mode: "async" })).toBe(true);
    expect(await r.functionList()).toEqual([]);
    expect(await r.functionRestore(payload)).toBe(true);
    expect((await r.functionList()).map((l) => l.library_name)).toEqual([lib]);
    await expect(r.functionRestore(payload)).rejects.toThrow(ResponseError); // APPEND: the library exists
    expect(await r.functionRestore(payload, "REPLACE")).toBe(true);
    expect(await r.functionRestore(payload, { policy: "flush" })).toBe(true);
    expect((await r.functionList()).map((l) => l.library_name)).toEqual([lib]);

    await expect(r.functionRestore(payload, "MERGE" as never)).rejects.toThrow(/FUNCTION RESTORE: 'policy' must be one of APPEND, FLUSH, REPLACE/);
    await expect(r.functionFlush("NOW" as never)).rejects.toThrow(/FUNCTION FLUSH: 'mode' must be one of SYNC, ASYNC/);
    await r.functionFlush();
  });

  test("function stats and function kill", async () => {
    await r.functionFlush();
    const lib = `spin${protocol}`;
    await r.functionLoad(`#!lua name=${lib}\nredis.register_function{function_name='${lib}', callback=function() while true do end end, flags={'no-writes'}}`);
    expect(await r.functionStats()).toEqual({
      running_script: null,
      engines: { LUA: { libraries_count: 1, functions_count: 1 } },
    });
    await expect(r.functionKill()).rejects.toThrow(/NOTBUSY/);

    const busy = new Redis({ port: server().port, protocol, decodeResponses: true });
    try {
      const outcome = busy.fcall(lib, 0, "extra").then(
        () => "finished",
        (err: Error) => err,
      );
      // wait (on a loaded machine too) until the server is inside the function
      let stats = await r.functionStats();
      for (let i = 0; i < 100 && stats.running_script === null; i++) {
        await sleep(50);
        stats = await r.functionStats();
      }
      expect(stats).toEqual({
        running_script: { name: lib, command: ["FCALL", lib, "0", "extra"], duration_ms: expect.any(Number) },
        engines: { LUA: { libraries_count: 1, functions_count: 1 } },
      });
      const binaryStats = await rb.functionStats();
      expect(binaryStats.running_script!.name).toEqual(Buffer.from(lib));
      expect(await r.functionKill()).toBe("OK");
      const err = await outcome;
      expect(err).toBeInstanceOf(ResponseError);
      expect((err as Error).message).toMatch(/killed/i);
    } finally {
      await r.functionKill().catch(() => {});
      await busy.close();
    }
    expect((await r.functionStats()).running_script).toBeNull();
    await r.functionFlush();
  });
});
