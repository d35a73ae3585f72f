/**
 * Fault matrix: kill -9 and restart under load, on a server that fsyncs every write
 * (appendfsync always). Each INCR goes to a key of its own, so the server's state tells
 * what ran: lost (acknowledged but absent), duplicated (ran twice), hung (never settled) and
 * unhandled rejections must all be 0.
 */
import { describe, expect, test } from "vitest";
import { ConnectionError, ConstantBackoff, Redis, Retry, TimeoutError } from "../../src/index.js";
import { sleep, startRedisServer } from "../harness/index.js";
import { countUnhandled, report } from "./report.js";

describe("kill -9 and restart under load", () => {
  test("no acknowledged write lost, none applied twice, none hung, no unhandled rejection", async () => {
    const server = await startRedisServer({ args: ["--appendonly", "yes", "--appendfsync", "always"] });
    try {
      const r = new Redis({
        port: server.port,
        retry: new Retry(new ConstantBackoff(0.05), 40),
        socketTimeout: 1,
        socketConnectTimeout: 0.5,
      });
      const acknowledged: number[] = [];
      const failed: number[] = [];
      const pending = new Set<number>();
      let next = 0;
      let running = true;
      const worker = async (): Promise<void> => {
        while (running) {
          const id = next++;
          pending.add(id);
          try {
            await r.incr(`op:${id}`);
            acknowledged.push(id);
          } catch (err) {
            if (!(err instanceof ConnectionError || err instanceof TimeoutError)) throw err;
            failed.push(id);
          } finally {
            pending.delete(id);
          }
        }
      };
      let hung = 0;
      const unhandled = await countUnhandled(async () => {
        const workers = Array.from({ length: 50 }, () => worker());
        await sleep(400);
        await server.kill("SIGKILL");
        await sleep(300);
        await server.restart();
        await sleep(400);
        running = false;
        // every command settles within its bound (1.5 s) after the load stops
        const deadline = Date.now() + 3000;
        while (pending.size > 0 && Date.now() < deadline) await sleep(20);
        hung = pending.size;
        await Promise.all(workers);
      });
      const check = new Redis({ port: server.port, decodeResponses: true });
      const values = new Map<number, number>();
      const ids = [...acknowledged, ...failed];
      for (let i = 0; i < ids.length; i += 1000) {
        const chunk = ids.slice(i, i + 1000);
        const got = (await check.mget(chunk.map((id) => `op:${id}`))) as (string | null)[];
        chunk.forEach((id, k) => values.set(id, Number(got[k] ?? 0)));
      }
      const lost = acknowledged.filter((id) => values.get(id) !== 1).length;
      const duplicated = [...values.values()].filter((v) => v > 1).length;
      const failedButRan = failed.filter((id) => values.get(id) === 1).length;
      report("kill -9 + restart", {
        commands: ids.length,
        acknowledged: acknowledged.length,
        failed: failed.length,
        failedButRan,
        lost,
        duplicated,
        hung,
        unhandled,
      });
      expect(acknowledged.length).toBeGreaterThan(0);
      expect(failed.length).toBeGreaterThan(0);
      expect(lost).toBe(0);
      expect(duplicated).toBe(0);
      expect(hung).toBe(0);
      expect(unhandled).toBe(0);
      await check.close();
      await r.close();
    } finally {
      await server.stop();
    }
  });
});
