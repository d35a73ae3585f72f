/**
 * Fault matrix: LOADING after a restart. A command answered LOADING did not run: it waits
 * (within its deadline) and is sent again, so callers see no BusyLoadingError.
 */
import { describe, expect, test } from "vitest";
import { BusyLoadingError, ConstantBackoff, Redis, Retry } from "../../src/index.js";
import { sleep, startRedisServer } from "../harness/index.js";
import { report } from "./report.js";

describe("LOADING after a restart", () => {
  test("commands sent while the server loads its dataset wait and then run; none gets BusyLoadingError", async () => {
    // key-load-delay (µs per key) makes a small dataset load slowly; events (and so LOADING
    // replies) are served every KiB of RDB read.
    const server = await startRedisServer({ args: ["--key-load-delay", "100", "--loading-process-events-interval-bytes", "1024"] });
    try {
      const seed = new Redis({ port: server.port });
      await seed.executeCommand("DEBUG", "POPULATE", "4000", "load");
      await seed.executeCommand("SAVE");
      await seed.close();
      const r = new Redis({
        port: server.port,
        decodeResponses: true,
        retry: new Retry(new ConstantBackoff(0.05), 100),
        socketTimeout: 5,
        socketConnectTimeout: 1,
      });
      await r.ping();
      await server.kill("SIGKILL");
      const restarting = server.restart();
      // The server answers LOADING while it reads the RDB (about 1 s).
      let loadingSeen = false;
      const probe = new Redis({ port: server.port, retry: new Retry(new ConstantBackoff(0.02), 200) });
      for (let i = 0; i < 200 && !loadingSeen; i++) {
        loadingSeen = await probe.executeCommand("INFO", "persistence").then(
          (info) => /loading:1/.test(String(info)),
          () => false,
        );
        if (!loadingSeen) await sleep(10);
      }
      const started = Date.now();
      const results = await Promise.allSettled(Array.from({ length: 1000 }, (_, i) => r.incr(`after:${i % 10}`)));
      const waitedMs = Date.now() - started;
      await restarting;
      const busy = results.filter((x) => x.status === "rejected" && x.reason instanceof BusyLoadingError).length;
      const rejected = results.filter((x) => x.status === "rejected").length;
      const total = (await r.mget(Array.from({ length: 10 }, (_, i) => `after:${i}`))).reduce((a, v) => a + Number(v ?? 0), 0);
      report("LOADING after restart", { loadingSeen, commands: 1000, busyLoadingErrors: busy, rejected, applied: total, waitedMs });
      expect(loadingSeen).toBe(true);
      expect(busy).toBe(0);
      expect(rejected).toBe(0);
      expect(total).toBe(1000);
      expect(await r.dbsize()).toBeGreaterThanOrEqual(4000);
      await probe.close();
      await r.close();
    } finally {
      await server.stop();
    }
  });
});
