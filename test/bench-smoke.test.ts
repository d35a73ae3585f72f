/**
 * Smoke test of the benchmark runner (bench/run.mjs): a --quick run with tiny counts proves
 * that every scenario, the memory measurement, redis-benchmark and the report still work.
 * It asserts no timing: numbers from a run this short mean nothing.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, inject, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PEERS = ["ioredis", "ioredis-auto", "node-redis"];

interface ClientResult {
  opsPerSec?: number;
  error?: string;
  pending?: boolean;
}

interface Results {
  node: string;
  cpu: string;
  redis: string;
  date: string;
  clients: string[];
  scenarios: { id: string; status: string; message: string | null; results: Record<string, ClientResult>; ceiling?: { opsPerSec: number } }[];
  memory: { results: Record<string, { peakRss?: number; heapDelta?: number; error?: string }> } | null;
}

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env };
  delete env.REDIS_URL; // always the runner's own server, never a shared one
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: root, env, timeout: 60_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe("bench/run.mjs", () => {
  it("runs every scenario for every client in --quick mode and writes results.json, .svg and .md", async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "aioredis-bench-smoke-"));
    try {
      const { code, stdout, stderr } = await run([
        path.join(root, "bench", "run.mjs"),
        "--quick",
        "--scale",
        "0.01",
        "--duration",
        "25",
        "--memory-n",
        "1000",
        "--entry",
        inject("distEntry"),
        "--out-dir",
        outDir,
      ]);
      expect(code, stderr.slice(-3000)).toBe(0);
      expect(stdout).toContain("Summary");

      const results = JSON.parse(fs.readFileSync(path.join(outDir, "results.json"), "utf8")) as Results;
      expect(results.node).toBe(process.version);
      expect(results.redis).toMatch(/^\d+\.\d+/);
      expect(results.cpu.length).toBeGreaterThan(0);
      expect(results.scenarios.map((s) => s.id)).toEqual([
        "get-1",
        "getset-1000",
        "pipeline-100k",
        "get-1mb",
        "lrange-10k",
        "hgetall-1k",
        "pubsub-100k",
        "blpop-50",
      ]);
      for (const s of results.scenarios) {
        const ours = s.results.aioredis!;
        if (s.status === "pending") {
          // The aioredis API the scenario needs has not landed yet: reported, not failed.
          expect(ours.pending, s.id).toBe(true);
          continue;
        }
        expect(ours.error, `${s.id}: ${ours.error}`).toBeUndefined();
        expect(ours.opsPerSec, s.id).toBeGreaterThan(0);
        for (const peer of PEERS) {
          expect(s.results[peer]?.error, `${s.id} ${peer}: ${s.results[peer]?.error}`).toBeUndefined();
          expect(s.results[peer]?.opsPerSec, `${s.id} ${peer}`).toBeGreaterThan(0);
        }
      }
      const withCeiling = results.scenarios.filter((s) => ["get-1", "getset-1000", "get-1mb", "lrange-10k", "hgetall-1k"].includes(s.id));
      for (const s of withCeiling) expect(s.ceiling?.opsPerSec, s.id).toBeGreaterThan(0);
      for (const c of ["aioredis", ...PEERS]) {
        expect(results.memory?.results[c]?.error, c).toBeUndefined();
        expect(results.memory?.results[c]?.peakRss, c).toBeGreaterThan(0);
      }

      const svg = fs.readFileSync(path.join(outDir, "results.svg"), "utf8");
      expect(svg.startsWith("<svg")).toBe(true);
      expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
      expect(fs.readFileSync(path.join(outDir, "results.md"), "utf8")).toContain("| scenario |");
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  }, 40_000);
});
