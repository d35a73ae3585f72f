import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DataError, Lock, LockError, LockNotOwnedError, Redis, Script, type MonitoredCommand } from "../src/index.js";
import { parseMonitorLine } from "../src/monitor.js";
import { useRedisServer } from "./harness/index.js";

const server = useRedisServer({ unixSocket: true });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each([2, 3] as const)("Lock, Script and Monitor over RESP%i", (protocol) => {
  let r: Redis<string>;
  const k = (name: string) => `lsm${protocol}:${name}`;
  beforeAll(() => {
    r = new Redis({ port: server().port, protocol, decodeResponses: true });
  });
  afterAll(() => r.close());

  test("acquire, locked, owned, release", async () => {
    const lock = r.lock(k("l1"), { timeout: 10 });
    expect(lock).toBeInstanceOf(Lock);
    expect(await lock.locked()).toBe(false);
    expect(await lock.acquire()).toBe(true);
    expect(await lock.locked()).toBe(true);
    expect(await lock.owned()).toBe(true);
    const ttl = await r.executeCommand("PTTL", k("l1"));
    expect(ttl).toBeGreaterThan(9000);
    const other = r.lock(k("l1"));
    expect(await other.owned()).toBe(false);
    expect(await other.acquire({ blocking: false })).toBe(false);
    await lock.release();
    expect(await lock.locked()).toBe(false);
    await expect(lock.release()).rejects.toBeInstanceOf(LockError);
  });

  test("two tasks never share a token; blocking waits for the holder", async () => {
    const a = r.lock(k("l2"), { timeout: 5, sleep: 0.01 });
    const b = r.lock(k("l2"), { timeout: 5, sleep: 0.01 });
    expect(await a.acquire()).toBe(true);
    const waiting = b.acquire({ blockingTimeout: 2 });
    await sleep(50);
    expect(a.localToken).not.toBe(b.localToken);
    await a.release();
    expect(await waiting).toBe(true);
    expect(await b.owned()).toBe(true);
    expect(await a.owned()).toBe(false);
    await b.release();
  });

  test("blockingTimeout gives up", async () => {
    const holder = r.lock(k("l3"));
    await holder.acquire();
    const started = Date.now();
    expect(await r.lock(k("l3"), { sleep: 0.02 }).acquire({ blockingTimeout: 0.15 })).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    await holder.release();
  });

  test("extend, reacquire, and a lock lost to expiry", async () => {
    const lock = r.lock(k("l4"), { timeout: 1 });
    await lock.acquire();
    expect(await lock.extend(10)).toBe(true);
    expect(await r.executeCommand("PTTL", k("l4"))).toBeGreaterThan(10_000);
    expect(await lock.extend(3, { replaceTtl: true })).toBe(true);
    expect(await r.executeCommand("PTTL", k("l4"))).toBeLessThanOrEqual(3000);
    expect(await lock.reacquire()).toBe(true);
    expect(await r.executeCommand("PTTL", k("l4"))).toBeLessThanOrEqual(1000);
    await r.delete(k("l4"));
    await r.set(k("l4"), "someone else");
    await expect(lock.extend(1)).rejects.toBeInstanceOf(LockNotOwnedError);
    await expect(lock.release()).rejects.toBeInstanceOf(LockNotOwnedError);
    const noTimeout = r.lock(k("l5"));
    await noTimeout.acquire();
    await expect(noTimeout.extend(1)).rejects.toThrow(/no timeout/);
    await noTimeout.release();
  });

  test("20 tasks contending: never two holders at once", async () => {
    let holders = 0;
    let maxHolders = 0;
    let completed = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        const lock = r.lock(k("contended"), { timeout: 10, sleep: 0.005 });
        expect(await lock.acquire({ blockingTimeout: 20 })).toBe(true);
        holders++;
        maxHolders = Math.max(maxHolders, holders);
        await sleep(2);
        holders--;
        await lock.release();
        completed++;
      }),
    );
    expect(completed).toBe(20);
    expect(maxHolders).toBe(1);
  });

  test("await using releases the lock", async () => {
    {
      await using lock = r.lock(k("l6"), { timeout: 10 });
      await lock.acquire();
      expect(await lock.locked()).toBe(true);
    }
    expect(await r.exists(k("l6"))).toBe(0);
  });

  test("bad lock options", () => {
    expect(() => r.lock(k("x"), { timeout: -1 })).toThrow(DataError);
    expect(() => r.lock(k("x"), { blockingTimout: 1 } as never)).toThrow(/unknown option 'blockingTimout'/);
  });

  test("registerScript: EVALSHA with a NOSCRIPT fall-back", async () => {
    const lua = "return {KEYS[1], ARGV[1], tonumber(ARGV[2]) * 2}";
    const script = r.registerScript(lua);
    expect(script).toBeInstanceOf(Script);
    await r.executeCommand("SCRIPT", "FLUSH");
    expect(await script({ keys: [k("s")], args: ["a", 21] })).toEqual([k("s"), "a", 42]);
    expect(await r.executeCommand("SCRIPT", "EXISTS", script.sha)).toEqual([1]);
    expect(await script.call({ keys: [k("s")], args: ["b", 1] })).toEqual([k("s"), "b", 2]);
  });

  test("scripts used in a pipeline are loaded before it runs", async () => {
    const script = r.registerScript("return redis.call('INCRBY', KEYS[1], ARGV[1])");
    await r.executeCommand("SCRIPT", "FLUSH");
    await r.delete(k("ps"));
    for (const transaction of [true, false]) {
      const pipe = r.pipeline({ transaction });
      script({ keys: [k("ps")], args: [5], client: pipe });
      pipe.get(k("ps"));
      const results = await pipe.execute();
      expect(results[0]).toBe(transaction ? 5 : 10);
      expect(results[1]).toBe(String(transaction ? 5 : 10));
      await r.executeCommand("SCRIPT", "FLUSH");
    }
  });

  test("monitor(): parsed commands as they run", async () => {
    const m = r.monitor();
    const seen: MonitoredCommand[] = [];
    const reading = (async () => {
      for await (const command of m) {
        seen.push(command);
        if (command.command.includes("monitor-stop")) break;
      }
    })();
    await m.start();
    // another client's commands
    const other = new Redis({ port: server().port, protocol });
    await other.set(k("mon"), 'quoted "value"');
    await other.get("monitor-stop");
    await other.close();
    await reading;
    await m.close();
    const set = seen.find((c) => c.command.startsWith("SET"));
    expect(set).toMatchObject({ db: 0, clientType: "tcp", command: `SET ${k("mon")} quoted "value"` });
    expect(set!.time).toBeGreaterThan(1_600_000_000);
    expect(set!.clientAddress).toBe("127.0.0.1");
  });
});

describe("monitor output parsing", () => {
  test("tcp, unix and lua clients", () => {
    expect(parseMonitorLine('1339518083.107412 [0 127.0.0.1:60866] "keys" "*"')).toEqual({
      time: 1339518083.107412,
      db: 0,
      clientAddress: "127.0.0.1",
      clientPort: "60866",
      clientType: "tcp",
      command: "keys *",
    });
    expect(parseMonitorLine('1.5 [3 unix:/tmp/redis.sock] "get" "a"')).toMatchObject({
      db: 3,
      clientAddress: "unix",
      clientPort: "/tmp/redis.sock",
      clientType: "unix",
    });
    expect(parseMonitorLine('2 [0 lua] "incr" "n"')).toMatchObject({ clientAddress: "lua", clientType: "lua", command: "incr n" });
    expect(parseMonitorLine('2 [0 [::1]:5000] "ping"')).toMatchObject({ clientAddress: "[::1]", clientPort: "5000" });
  });
});
