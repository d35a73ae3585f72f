/**
 * Fault matrix: a burst of blocking commands. The shared multiplexed connection is never one
 * of the pool's `maxConnections`, so ordinary commands are served however many BLPOPs hold
 * connections; blocking commands past the limit are refused (ConnectionPool) or wait
 * (BlockingConnectionPool).
 */
import { describe, expect, test } from "vitest";
import { BlockingConnectionPool, ConnectionPool, MaxConnectionsError, Redis } from "../../src/index.js";
import { useRedisServer } from "../harness/index.js";
import { report, timed } from "./report.js";

const server = useRedisServer();

describe("100 BLPOPs issued before the first GET", () => {
  test("ConnectionPool: GET is served at once; BLPOPs past maxConnections are refused with MaxConnectionsError", async () => {
    const pool = new ConnectionPool({ port: server().port, maxConnections: 10, decodeResponses: true });
    const r = new Redis({ connectionPool: pool });
    const pops = Array.from({ length: 100 }, (_, i) => timed(r.blpop([`burst:${i}`], 0.5)));
    const get = await timed(r.get("missing"));
    expect(get.ok).toBe(true);
    expect(get.value).toBeNull();
    const results = await Promise.all(pops);
    const served = results.filter((x) => x.ok).length;
    const refused = results.filter((x) => x.error instanceof MaxConnectionsError).length;
    report("blocking burst / ConnectionPool", { blpops: 100, maxConnections: 10, getMs: get.ms, blpopTimedOutNil: served, refused });
    expect(served).toBe(10);
    expect(refused).toBe(90);
    expect((results.find((x) => !x.ok)!.error as Error).message).toMatch(/ordinary commands still go to the shared connection/);
    await pool.disconnect();
  });

  test("BlockingConnectionPool: GET is served at once; BLPOPs wait for a connection of their own", async () => {
    const pool = new BlockingConnectionPool({ port: server().port, maxConnections: 10, timeout: 20, decodeResponses: true });
    const r = new Redis({ connectionPool: pool });
    const pops = Array.from({ length: 40 }, (_, i) => timed(r.blpop([`wait:${i}`], 0.2)));
    const get = await timed(r.get("missing"));
    expect(get.ok).toBe(true);
    const results = await Promise.all(pops);
    const served = results.filter((x) => x.ok).length;
    report("blocking burst / BlockingConnectionPool", { blpops: 40, maxConnections: 10, getMs: get.ms, served, failed: 40 - served });
    expect(served).toBe(40);
    expect(pool.createdConnections).toBeLessThanOrEqual(11);
    await pool.disconnect();
  });
});
