/**
 * bench/ic-check.mjs: no property read on aioredis' hot paths goes megamorphic (a read that
 * sees too many object shapes, which made `Connection.send` cost a fifth more CPU per BLPOP).
 * It counts what V8's `--log-ic` logged; it measures no time.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, inject, it } from "vitest";
import { runNode } from "./harness/util.js";
// @ts-expect-error -- plain ESM benchmark module without types
import { MARKER, megamorphicSites } from "../bench/ic-check.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

describe("bench/ic-check.mjs", () => {
  it("finds a property read that sees many object shapes, and names its file, position and key", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aioredis-ic-test-"));
    try {
      const file = path.join(dir, "hot.mjs");
      // One read site fed 3,000 shapes after the marker: megamorphic, and missing V8's stub
      // cache again and again. The same before the marker (start-up) is not counted.
      fs.writeFileSync(
        file,
        [
          "const shapes = Array.from({ length: 3000 }, (_, i) => ({ [`k${i}`]: i, wanted: i, early: i }));",
          "function early(o) { return o.early; }",
          "function read(o) { return o.wanted; }",
          "let sum = 0;",
          "for (let i = 0; i < 30000; i++) sum += early(shapes[i % 3000]);",
          `function mark() { let x; for (let i = 0; i < 1000; i++) x = ({ i }).${MARKER}; return x ?? 0; }`,
          "sum += mark();",
          "for (let i = 0; i < 30000; i++) sum += read(shapes[i % 3000]);",
          "console.log(sum);",
        ].join("\n"),
      );
      const log = path.join(dir, "ic.log");
      const run = await runNode(["--log-ic", `--logfile=${log}`, "--no-logfile-per-isolate", file], root, 240_000);
      expect(run.code, run.stderr).toBe(0);
      const sites = megamorphicSites(fs.readFileSync(log, "utf8"), `${pathToFileURL(dir).href}/`) as [string, number][];
      expect(sites.map(([site]) => site)).toEqual(["hot.mjs:3:29 .wanted (LoadIC)"]);
      expect(sites[0]![1]).toBeGreaterThanOrEqual(1000);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reports no megamorphic site on aioredis' hot paths (GET, GET+SET, BLPOP, pipelines, collections, cache, pub/sub)", async () => {
    const run = await runNode([path.join(root, "bench", "ic-check.mjs"), "--entry", inject("distEntry")], root, 240_000);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout.match(/no megamorphic site on the hot path/g)?.length).toBe(14);
  }, 300_000);
});
