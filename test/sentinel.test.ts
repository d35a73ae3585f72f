import { execFile } from "node:child_process";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, expectTypeOf, inject, test } from "vitest";
import { ConnectionError, MasterNotFoundError, SlaveNotFoundError } from "../src/errors.js";
import type { Redis } from "../src/client.js";
import { Sentinel, SentinelConnectionPool } from "../src/sentinel.js";
import { startSentinelGroup, type TestSentinelGroup } from "./harness/sentinel.js";

let group: TestSentinelGroup;
let sentinel: Sentinel<Buffer>;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  group = await startSentinelGroup();
  sentinel = new Sentinel(group.sentinelAddresses, { socketTimeout: 1 });
}, 60_000);

afterAll(async () => {
  await sentinel?.close();
  await group?.stop();
});

describe("Sentinel", () => {
  test("discoverMaster and discoverSlaves ask the sentinels", async () => {
    const [primary, replica] = group.dataNodes;
    expect(await sentinel.discoverMaster("mymaster")).toEqual(["127.0.0.1", primary!.port]);
    expect(await sentinel.discoverSlaves("mymaster")).toEqual([["127.0.0.1", replica!.port]]);
    expect(String(sentinel)).toMatch(/^<Sentinel<sentinels=\[127\.0\.0\.1:\d+/);
  });

  test("MasterNotFoundError / SlaveNotFoundError for an unknown service, at once", async () => {
    await expect(sentinel.discoverMaster("nope")).rejects.toBeInstanceOf(MasterNotFoundError);
    await expect(sentinel.discoverMaster("nope")).rejects.toThrow(/No master found for 'nope'.*No such master/);
    expect(await sentinel.discoverSlaves("nope")).toEqual([]);
    const started = Date.now();
    const master = sentinel.masterFor("nope");
    await expect(master.ping()).rejects.toBeInstanceOf(MasterNotFoundError);
    const slave = sentinel.slaveFor("nope");
    await expect(slave.ping()).rejects.toBeInstanceOf(SlaveNotFoundError);
    expect(Date.now() - started).toBeLessThan(1000);
    await master.close();
    await slave.close();
    // An unreachable sentinel is skipped, its failure named when no sentinel answers.
    const lonely = new Sentinel([["127.0.0.1", 1]], { socketConnectTimeout: 0.2 });
    await expect(lonely.discoverMaster("mymaster")).rejects.toThrow(/127\.0\.0\.1:1: /);
    await lonely.close();
    const strict = new Sentinel(group.sentinelAddresses, { minOtherSentinels: 5 });
    await expect(strict.discoverMaster("mymaster")).rejects.toThrow(/other sentinels/);
    await strict.close();
  });

  test("masterFor and slaveFor: clients whose pool asks the sentinels", async () => {
    const master = sentinel.masterFor("mymaster", { decodeResponses: true });
    const replica = sentinel.slaveFor("mymaster", { decodeResponses: true });
    const buffers = sentinel.masterFor("mymaster");
    try {
      expectTypeOf(master).toEqualTypeOf<Redis<string>>();
      expectTypeOf(buffers).toEqualTypeOf<Redis<Buffer>>();
      expect(master.connectionPool).toBeInstanceOf(SentinelConnectionPool);
      expect(await master.set("s:key", "v")).toBe(true);
      expect(await buffers.get("s:key")).toEqual(Buffer.from("v"));
      await master.wait(1, 1000);
      expect(await replica.get("s:key")).toBe("v");
      expect(((await replica.executeCommand("ROLE")) as string[])[0]).toBe("slave");
      await expect(replica.set("s:key", "w")).rejects.toThrow(/READONLY/);
    } finally {
      await Promise.all([master.close(), replica.close(), buffers.close()]);
    }
  });

  test("a script using masterFor that never closes anything exits on its own", async () => {
    const entry = path.join(path.dirname(inject("distEntry")), "sentinel.js");
    const script = `
      import { Sentinel } from ${JSON.stringify(entry)};
      const sentinel = new Sentinel(${JSON.stringify(group.sentinelAddresses)});
      const master = sentinel.masterFor("mymaster", { decodeResponses: true });
      await master.set("exit:key", "written");
      console.log(await master.get("exit:key"));
    `;
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ["--input-type=module", "-e", script], { timeout: 15_000, killSignal: "SIGKILL" }, (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
      );
    });
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe("written");
    expect(result.code).toBe(0);
  });

  test("a masterFor client that is garbage-collected closes its pool and its sockets", async () => {
    const entry = inject("distEntry");
    const script = `
      import { Redis, Sentinel } from ${JSON.stringify(entry)};
      const watcher = new Redis({ port: ${group.dataNodes[0]!.port}, decodeResponses: true });
      const count = async () => (await watcher.executeCommand("CLIENT", "LIST")).split("\\n").filter((l) => l.includes("name=gc-sentinel")).length;
      const sentinel = new Sentinel(${JSON.stringify(group.sentinelAddresses)});
      let clients = [];
      for (let i = 0; i < 3; i++) clients.push(sentinel.masterFor("mymaster", { clientName: "gc-sentinel" }));
      await Promise.all(clients.map((c) => c.ping()));
      const before = await count();
      clients = null;
      for (let i = 0; i < 20 && (await count()) > 0; i++) {
        globalThis.gc();
        await new Promise((r) => setTimeout(r, 100));
      }
      console.log(before, await count());
      await watcher.close();
      await sentinel.close();
    `;
    const result = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ["--expose-gc", "--input-type=module", "-e", script], { timeout: 20_000, killSignal: "SIGKILL" }, (_error, stdout, stderr) =>
        resolve({ stdout, stderr }),
      );
    });
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe("3 0");
  });

  test("a failover during traffic (SENTINEL FAILOVER, the old master demoted): the client follows, every acknowledged write is readable", async () => {
    const [oldMaster, oldReplica] = group.dataNodes as [(typeof group.dataNodes)[0], (typeof group.dataNodes)[0]];
    const master = sentinel.masterFor("mymaster", { decodeResponses: true, socketTimeout: 2 });
    const pubsub = master.pubsub();
    await pubsub.subscribe("events");
    expect((await pubsub.getMessage({ timeout: 2 }))?.type).toBe("subscribe");

    const acked = new Map<string, string>();
    const errors: { at: number; error: Error }[] = [];
    const ackTimes: number[] = [];
    let stopped = false;
    const writers = Array.from({ length: 4 }, async (_, w) => {
      for (let n = 0; !stopped; n++) {
        const key = `fo:${w}:${n}`;
        try {
          if (await master.set(key, String(n))) {
            acked.set(key, String(n));
            ackTimes.push(Date.now());
          }
        } catch (error) {
          errors.push({ at: Date.now(), error: error as Error });
          await sleep(10);
        }
      }
    });
    await sleep(300);
    // No acknowledged write may be lost to asynchronous replication: writes pause on the old
    // master and the replica catches up before the failover starts.
    await oldMaster!.cli("CLIENT", "PAUSE", "20000", "WRITE");
    await expect
      .poll(
        async () => {
          const m = /master_repl_offset:(\d+)/.exec(await oldMaster!.cli("INFO", "replication"))?.[1];
          const r = /slave_repl_offset:(\d+)/.exec(await oldReplica!.cli("INFO", "replication"))?.[1];
          return m !== undefined && m === r;
        },
        { timeout: 5000, interval: 20 },
      )
      .toBe(true);
    const t0 = Date.now();
    expect(await group.sentinels[0]!.cli("SENTINEL", "FAILOVER", "mymaster")).toBe("OK");
    // The old master is alive: only +switch-master (checked with ROLE) tells the client to move.
    await expect
      .poll(() => (master.connectionPool as SentinelConnectionPool<string>).connectionKwargs.port, { timeout: 15_000, interval: 20 })
      .toBe(oldReplica!.port);
    const switchedAt = Date.now();
    // The old master joins the new one as its replica (the next test fails over back to it);
    // writes that were paused there were answered with errors by the switch, never acknowledged.
    await oldMaster!.cli("REPLICAOF", "127.0.0.1", String(oldReplica!.port));
    await oldMaster!.cli("CLIENT", "UNPAUSE");
    await sleep(1000);
    stopped = true;
    await Promise.all(writers);
    const firstAckAfter = ackTimes.filter((t) => t >= t0).sort((a, b) => a - b)[0];
    const kinds: Record<string, number> = {};
    for (const { error } of errors)
      kinds[`${error.name}: ${error.message.replace(/\d+/g, "N").slice(0, 90)}`] =
        (kinds[`${error.name}: ${error.message.replace(/\d+/g, "N").slice(0, 90)}`] ?? 0) + 1;
    console.log(
      `sentinel failover: client switched ${switchedAt - t0} ms after SENTINEL FAILOVER; first acknowledged write after it at +${
        firstAckAfter === undefined ? "none" : firstAckAfter - t0
      } ms; ${acked.size} writes acknowledged, ${errors.length} errors ${JSON.stringify(kinds)}`,
    );
    expect(firstAckAfter).toBeDefined();
    expect(errors.every(({ error }) => error instanceof ConnectionError)).toBe(true);
    // Every acknowledged write is on the new master.
    const keys = [...acked.keys()];
    for (let i = 0; i < keys.length; i += 1000) {
      const chunk = keys.slice(i, i + 1000);
      const values = await master.mget(chunk);
      const wrong = chunk.filter((k, j) => values[j] !== acked.get(k));
      expect(wrong).toEqual([]);
    }
    expect(await sentinel.discoverMaster("mymaster")).toEqual(["127.0.0.1", oldReplica!.port]);
    expect(((await master.executeCommand("ROLE")) as string[])[0]).toBe("master");
    // The subscriber moved to the new master too.
    await expect
      .poll(
        async () => {
          await master.publish("events", "after");
          const m = await pubsub.getMessage({ timeout: 0.2, ignoreSubscribeMessages: true });
          return m?.data;
        },
        { timeout: 8000, interval: 50 },
      )
      .toBe("after");
    await pubsub.close();
    await master.close();
  });

  test("a master that hangs (SIGSTOP) is replaced: the client follows +switch-master without waiting for timeouts", async () => {
    const hung = await group.currentMaster();
    const standby = group.dataNodes.find((n) => n !== hung)!;
    // The old master of the previous test is now a replica of the current one.
    await group.waitReplicaHealthy(standby);
    const master = sentinel.masterFor("mymaster", { decodeResponses: true, socketTimeout: 10 });
    const acked = new Map<string, string>();
    const errors: Error[] = [];
    const ackTimes: number[] = [];
    let stopped = false;
    const writers = Array.from({ length: 4 }, async (_, w) => {
      for (let n = 0; !stopped; n++) {
        try {
          if (await master.set(`hang:${w}:${n}`, String(n))) {
            acked.set(`hang:${w}:${n}`, String(n));
            ackTimes.push(Date.now());
          }
        } catch (error) {
          errors.push(error as Error);
          await sleep(10);
        }
      }
    });
    await sleep(300);
    await hung.cli("CLIENT", "PAUSE", "30000", "WRITE");
    await expect
      .poll(
        async () => {
          const m = /master_repl_offset:(\d+)/.exec(await hung.cli("INFO", "replication"))?.[1];
          const r = /slave_repl_offset:(\d+)/.exec(await standby.cli("INFO", "replication"))?.[1];
          return m !== undefined && m === r;
        },
        { timeout: 5000, interval: 20 },
      )
      .toBe(true);
    const t0 = Date.now();
    hung.pause();
    try {
      // socketTimeout is 10 s: resuming sooner means the failover was followed, not a timeout.
      await expect.poll(() => ackTimes.filter((t) => t > t0).length, { timeout: 20_000, interval: 50 }).toBeGreaterThan(0);
      const resumedAt = ackTimes.filter((t) => t > t0).sort((a, b) => a - b)[0]!;
      await sleep(300);
      stopped = true;
      await Promise.all(writers);
      console.log(
        `hung master: writes resumed on the new master ${resumedAt - t0} ms after SIGSTOP; ${acked.size} writes acknowledged, ` +
          `${errors.length} errors (${[...new Set(errors.map((e) => `${e.name}: ${e.message.replace(/\d+/g, "N")}`))].join("; ")})`,
      );
      expect(resumedAt - t0).toBeLessThan(9000);
      expect(errors.every((e) => e instanceof ConnectionError)).toBe(true);
      const keys = [...acked.keys()];
      for (let i = 0; i < keys.length; i += 1000) {
        const chunk = keys.slice(i, i + 1000);
        const values = await master.mget(chunk);
        expect(chunk.filter((k, j) => values[j] !== acked.get(k))).toEqual([]);
      }
      expect(await sentinel.discoverMaster("mymaster")).toEqual(["127.0.0.1", standby.port]);
    } finally {
      stopped = true;
      await Promise.all(writers);
      await hung.kill();
      await master.close();
    }
  });

  test("slaveFor falls back to the master when no replica is healthy", async () => {
    // The hung master of the previous test was killed: once the sentinels flag it down, no replica is left.
    await expect.poll(() => sentinel.discoverSlaves("mymaster"), { timeout: 10_000, interval: 100 }).toEqual([]);
    const replica = sentinel.slaveFor("mymaster", { decodeResponses: true });
    try {
      expect(((await replica.executeCommand("ROLE")) as string[])[0]).toBe("master");
      const [, port] = await sentinel.discoverMaster("mymaster");
      expect(replica.connectionPool.connectionKwargs.port).toBe(port);
    } finally {
      await replica.close();
    }
  });
});
