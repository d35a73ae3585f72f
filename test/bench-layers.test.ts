/**
 * bench/layers.mjs: CPU per operation of the Node floor, of aioredis' connection layer and of
 * its command methods, side by side. Run here with tiny counts to prove each way works in both
 * modes; it asserts no timing.
 */
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, inject, it } from "vitest";
import { runNode } from "./harness/util.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const LINE =
  /^(get|blpop) (string|buffer): CPU per operation floor [\d.]+ µs \([\d.-]+\) {2}connection [\d.]+ µs \([\d.-]+\) {2}client [\d.]+ µs \([\d.-]+\) {2}connection\/floor [\d.]+ {2}client\/floor [\d.]+ /m;

describe("bench/layers.mjs", () => {
  it.each(["string", "buffer"])(
    "measures the floor, the connection layer and the client on GET and BLPOP (%s replies)",
    async (mode) => {
      const run = await runNode(
        [path.join(root, "bench", "layers.mjs"), "--entry", inject("distEntry"), "--mode", mode, "--rounds", "1", "--batches", "1", "--scale", "0.02"],
        root,
        120_000,
      );
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      const lines = run.stdout.trim().split("\n");
      expect(lines.map((l) => LINE.exec(l)?.slice(1, 3))).toEqual([
        ["get", mode],
        ["blpop", mode],
      ]);
    },
    150_000,
  );

  it("refuses an unknown scenario with a message that names it", async () => {
    const run = await runNode([path.join(root, "bench", "layers.mjs"), "--only", "hgetall"], root, 30_000);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/unknown scenario hgetall/);
  });
});
