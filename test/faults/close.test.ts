/**
 * Fault matrix: closing with commands pending. `close()` takes no new command, writes those
 * queued and waits for every reply; `close({ force: true })` rejects them at once, saying
 * whether each may have run.
 */
import { describe, expect, test } from "vitest";
import { ConnectionError, Redis } from "../../src/index.js";
import { useRedisServer } from "../harness/index.js";
import { report } from "./report.js";

const server = useRedisServer();
const N = 20_000;

async function applied(key: string): Promise<number> {
  return Number(await server().cli("GET", key)) || 0;
}

describe("close() with 20,000 INCRs queued", () => {
  test("graceful: every queued command is written and resolves; later ones are refused", async () => {
    const r = new Redis({ port: server().port });
    await r.delete("graceful");
    const incrs = Array.from({ length: N }, () => r.incr("graceful"));
    const settled = Promise.allSettled(incrs);
    await new Promise((resolve) => setImmediate(resolve)); // one tick later
    const closing = r.close();
    const late = await r.incr("graceful").catch((e: unknown) => e);
    await closing;
    const results = await settled;
    const resolved = results.filter((x) => x.status === "fulfilled").length;
    const count = await applied("graceful");
    report("graceful close", { queued: N, resolved, rejected: N - resolved, applied: count });
    expect(resolved).toBe(N);
    expect(count).toBe(N);
    expect(late).toBeInstanceOf(ConnectionError);
  });

  test("forced: pending commands reject at once; written ones say they may have run, unwritten ones that they did not", async () => {
    const r = new Redis({ port: server().port });
    await r.delete("forced");
    await r.ping();
    const incrs = Array.from({ length: N }, () => r.incr("forced"));
    const settled = Promise.allSettled(incrs);
    await new Promise((resolve) => setImmediate(resolve));
    await r.close({ force: true });
    const results = await settled;
    const resolved = results.filter((x) => x.status === "fulfilled").length;
    const reasons = results.flatMap((x) => (x.status === "rejected" ? [x.reason as Error] : []));
    const mayHaveRun = reasons.filter((e) => /may have run/.test(e.message)).length;
    const didNotRun = reasons.filter((e) => /did not run/.test(e.message)).length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    const count = await applied("forced");
    report("forced close", { queued: N, resolved, rejected: reasons.length, mayHaveRun, didNotRun, applied: count });
    expect(resolved + reasons.length).toBe(N);
    for (const e of reasons) expect(e).toBeInstanceOf(ConnectionError);
    expect(mayHaveRun + didNotRun).toBe(reasons.length);
    // at most once: nothing ran that was not sent, and everything resolved did run
    expect(count).toBeGreaterThanOrEqual(resolved);
    expect(count).toBeLessThanOrEqual(resolved + mayHaveRun);
  });
});
