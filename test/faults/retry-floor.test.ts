/**
 * Fault matrix: retry: null against a server that drops every connection. Failing callers
 * retrying in a loop cannot make a connect storm: failed connect rounds are spaced (50 ms,
 * doubling up to 1 s) whatever the retry policy.
 */
import * as net from "node:net";
import { describe, expect, test } from "vitest";
import { ConnectionError, Redis } from "../../src/index.js";
import { report } from "./report.js";

describe("retry: null and a server that drops every connection", () => {
  test("50 callers failing in a loop for 1.5 s make a bounded number of connects", async () => {
    let accepted = 0;
    const dropping = net.createServer((socket) => {
      accepted++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => dropping.listen(0, "127.0.0.1", resolve));
    const port = (dropping.address() as net.AddressInfo).port;
    try {
      const r = new Redis({ host: "127.0.0.1", port, retry: null });
      let calls = 0;
      let failures = 0;
      let otherErrors = 0;
      const started = Date.now();
      const caller = async (): Promise<void> => {
        while (Date.now() - started < 1500) {
          calls++;
          try {
            await r.ping();
          } catch (err) {
            if (err instanceof ConnectionError) failures++;
            else otherErrors++;
          }
        }
      };
      await Promise.all(Array.from({ length: 50 }, caller));
      const elapsed = (Date.now() - started) / 1000;
      report("retry: null connect floor", { callers: 50, calls, failures, otherErrors, connects: accepted, connectsPerSecond: accepted / elapsed });
      expect(otherErrors).toBe(0);
      expect(failures).toBe(calls);
      // 1,855 connects/s before the floor; rounds are now 50, 100, 200, 400 ms... apart
      expect(accepted / elapsed).toBeLessThan(40);
      await r.close({ force: true });
    } finally {
      await new Promise((resolve) => dropping.close(resolve));
    }
  });
});
