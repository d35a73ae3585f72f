/**
 * Smoke test of the benchmark runner (bench/run.mjs): a --quick run with tiny counts and no
 * warm-up round proves that every scenario works in both reply modes (each client returns
 * strings, then Buffers, checked by the worker before it measures), as do the cluster
 * scenarios, the traced row, the memory measurement, redis-benchmark and the report.
 * It asserts no timing: numbers from a run this short mean nothing.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, inject, it } from "vitest";
import { runNode } from "./harness/util.js";

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
  modes: string[];
  scenarios: {
    id: string;
    mode: string;
    status: string;
    message: string | null;
    traced: boolean;
    peers: string[] | null;
    results: Record<string, ClientResult>;
    ceiling?: { opsPerSec: number };
    cluster: boolean;
    bestPeer?: string | null;
    floorRatio?: number | null;
  }[];
  memory: { modes: Record<string, { results: Record<string, { peakRss?: number; heapDelta?: number; error?: string }> }> } | null;
}

const SCENARIOS = [
  "get-1",
  "getset-1000",
  "pipeline-100k",
  "get-1mb",
  "lrange-10k",
  "hgetall-1k",
  "mget-100",
  "set-100kb",
  "pubsub-100k",
  "pubsub-100k-ext",
  "blpop-50",
  "cluster-getset-1000",
  "cluster-pipeline",
  "get-cached-1000",
  "get-1-traced",
];
const MODES = ["string", "buffer"];

describe("bench/run.mjs", () => {
  it("runs every scenario for every client in both reply modes in --quick mode and writes results.json, .svg and .md", async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "aioredis-bench-smoke-"));
    try {
      const { code, stdout, stderr } = await runNode(
        [
          path.join(root, "bench", "run.mjs"),
          "--quick",
          "--scale",
          "0.01",
          "--duration",
          "25",
          "--warmup",
          "0",
          "--memory-n",
          "1000",
          "--entry",
          inject("distEntry"),
          "--out-dir",
          outDir,
        ],
        root,
        150_000,
      );
      expect(code, stderr.slice(-3000)).toBe(0);
      expect(stdout).toContain("Summary");

      const results = JSON.parse(fs.readFileSync(path.join(outDir, "results.json"), "utf8")) as Results;
      expect(results.node).toBe(process.version);
      expect(results.redis).toMatch(/^\d+\.\d+/);
      expect(results.cpu.length).toBeGreaterThan(0);
      expect(results.modes).toEqual(MODES);
      expect(results.scenarios.map((s) => `${s.id}/${s.mode}`)).toEqual(SCENARIOS.flatMap((id) => MODES.map((m) => `${id}/${m}`)));
      for (const s of results.scenarios) {
        const where = `${s.id} (${s.mode})`;
        const ours = s.results.aioredis!;
        if (s.status === "pending") {
          // The aioredis API the scenario needs has not landed yet: reported, not failed.
          expect(ours.pending, where).toBe(true);
          continue;
        }
        expect(ours.error, `${where}: ${ours.error}`).toBeUndefined();
        expect(ours.opsPerSec, where).toBeGreaterThan(0);
        if (s.traced) {
          // aioredis with a subscriber on its diagnostics channels, against itself.
          expect(s.results["aioredis+traced"]?.opsPerSec, where).toBeGreaterThan(0);
          continue;
        }
        // a scenario of a feature only some peers have (the client-side cache) names them
        for (const peer of s.peers ?? PEERS) {
          expect(s.results[peer]?.error, `${where} ${peer}: ${s.results[peer]?.error}`).toBeUndefined();
          expect(s.results[peer]?.opsPerSec, `${where} ${peer}`).toBeGreaterThan(0);
        }
        // The node floor (bench/floor.mjs) runs beside the peers on one server, never as one of them.
        if (!s.cluster && !s.peers) {
          expect(s.results["node-floor"]?.error, `${where} floor: ${s.results["node-floor"]?.error}`).toBeUndefined();
          expect(s.results["node-floor"]?.opsPerSec, `${where} floor`).toBeGreaterThan(0);
          expect(s.floorRatio, `${where} floor ratio`).toBeGreaterThan(0);
        } else expect(s.results["node-floor"], where).toBeUndefined();
        expect(s.bestPeer, where).not.toBe("node-floor");
      }
      const traced = results.scenarios.filter((s) => s.id === "get-1-traced");
      for (const s of traced) if (s.status === "pending") expect(s.message).toBe("pending: no tracing channels yet");
      const withCeiling = results.scenarios.filter((s) =>
        ["get-1", "getset-1000", "get-1mb", "lrange-10k", "hgetall-1k", "mget-100", "set-100kb"].includes(s.id),
      );
      for (const s of withCeiling) expect(s.ceiling?.opsPerSec, `${s.id} (${s.mode})`).toBeGreaterThan(0);
      for (const m of MODES) {
        for (const c of ["aioredis", ...PEERS]) {
          const mem = results.memory?.modes[m]?.results[c];
          expect(mem?.error, `${c} (${m})`).toBeUndefined();
          expect(mem?.peakRss, `${c} (${m})`).toBeGreaterThan(0);
        }
      }

      const svg = fs.readFileSync(path.join(outDir, "results.svg"), "utf8");
      expect(svg.startsWith("<svg")).toBe(true);
      expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
      const md = fs.readFileSync(path.join(outDir, "results.md"), "utf8");
      expect(md).toContain("| scenario | goal | strings: aioredis |");
      expect(md).toContain("Buffers: aioredis");
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  }, 160_000);

  it("measures the traced row when the aioredis build has diagnostics channels (here a stand-in build)", async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "aioredis-bench-traced-"));
    try {
      // The stand-in: the real build, whose get() publishes on a channel and traces on a
      // tracing channel named "aioredis:...", as tracing hooks would.
      const entry = path.join(outDir, "traced-entry.mjs");
      const real = JSON.stringify(pathToFileURL(inject("distEntry")).href);
      fs.writeFileSync(
        entry,
        [
          `import dc from "node:diagnostics_channel";`,
          `import { Redis as Base } from ${real};`,
          `export * from ${real};`,
          `const ch = dc.channel("aioredis:command");`,
          `const tc = dc.tracingChannel("aioredis:query");`,
          `export class Redis extends Base {`,
          `  get(k) {`,
          `    if (ch.hasSubscribers) ch.publish({ k });`,
          `    return tc.hasSubscribers ? tc.tracePromise(() => super.get(k), { k }) : super.get(k);`,
          `  }`,
          `}`,
        ].join("\n"),
      );
      const { code, stderr } = await runNode(
        [
          path.join(root, "bench", "run.mjs"),
          "--quick",
          "--only",
          "get-1-traced",
          "--clients",
          "aioredis",
          "--mode",
          "string",
          "--duration",
          "25",
          "--warmup",
          "0",
          "--no-memory",
          "--entry",
          entry,
          "--out-dir",
          outDir,
        ],
        root,
        150_000,
      );
      expect(code, stderr.slice(-3000)).toBe(0);
      const results = JSON.parse(fs.readFileSync(path.join(outDir, "results.json"), "utf8")) as Results;
      expect(results.scenarios.map((s) => `${s.id}/${s.mode}`)).toEqual(["get-1-traced/string"]);
      const [s] = results.scenarios;
      expect(s!.status).toBe("ok");
      expect(s!.results.aioredis?.opsPerSec).toBeGreaterThan(0);
      expect(s!.results["aioredis+traced"]?.opsPerSec).toBeGreaterThan(0);
      expect((s as unknown as { ratio: number }).ratio).toBeGreaterThan(0);
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  }, 60_000);
});
