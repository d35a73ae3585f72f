#!/usr/bin/env node
/**
 * aioredis benchmark suite (issue 7): `npm run bench` (builds first), or
 * `node bench/run.mjs [options]` against an existing build.
 *
 * Options:
 *   --quick              short smoke run: 1 measured round, short runs, counts / 10
 *   --scale <f>          multiply every count (pipeline size, messages, items...) by f
 *   --rounds <n>         measured rounds (default 9; a warm-up round is always added)
 *   --duration <ms>      length of one time-based run (default 400)
 *   --only <ids>         comma-separated scenario ids (see bench/README.md)
 *   --clients <names>    subset of aioredis,ioredis,ioredis-auto,node-redis (plus node-redis-default:
 *                        node-redis with its default 5 s command timeout, not measured by default)
 *   --no-memory          skip the memory measurement
 *   --no-ceiling         skip redis-benchmark
 *   --pending-peers      still measure the peers when the aioredis side of a scenario is pending
 *   --entry <path>       compiled aioredis entry (default dist/src/index.js)
 *   --out-dir <dir>      where results.json / results.svg / results.md go (default bench/;
 *                        .tmp/bench-quick/ with --quick). A full run into bench/ also updates
 *                        the results section of bench/README.md.
 *
 * REDIS_URL=redis://host:port uses that server instead of starting one.
 */
import { execFile, fork } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { CLIENTS, OPTIONAL_CLIENTS } from "./clients.mjs";
import { RawClient, parseInfo } from "./raw.mjs";
import { consoleReport, markdownReport, svgChart, updateReadme } from "./report.mjs";
import { scenarios as allScenarios, setupCommands } from "./scenarios.mjs";
import { startServer } from "./server.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");

function parseArgs(argv) {
  const opts = {
    quick: false,
    scale: null,
    rounds: null,
    durationMs: null,
    only: null,
    clients: CLIENTS,
    memory: true,
    ceiling: true,
    pendingPeers: false,
    entry: process.env.AIOREDIS_ENTRY || path.join(root, "dist", "src", "index.js"),
    outDir: null,
    memoryN: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    switch (a) {
      case "--quick":
        opts.quick = true;
        break;
      case "--scale":
        opts.scale = Number(val());
        break;
      case "--rounds":
        opts.rounds = Number(val());
        break;
      case "--duration":
        opts.durationMs = Number(val());
        break;
      case "--only":
        opts.only = val().split(",");
        break;
      case "--clients":
        opts.clients = val().split(",");
        for (const c of opts.clients) if (!CLIENTS.includes(c) && !OPTIONAL_CLIENTS.includes(c)) throw new Error(`unknown client ${c}`);
        if (!opts.clients.includes("aioredis")) throw new Error("--clients must include aioredis");
        break;
      case "--no-memory":
        opts.memory = false;
        break;
      case "--no-ceiling":
        opts.ceiling = false;
        break;
      case "--pending-peers":
        opts.pendingPeers = true;
        break;
      case "--entry":
        opts.entry = path.resolve(val());
        break;
      case "--out-dir":
        opts.outDir = path.resolve(val());
        break;
      case "--memory-n":
        opts.memoryN = Number(val());
        break;
      case "-h":
      case "--help":
        console.log(fs.readFileSync(fileURLToPath(import.meta.url), "utf8").split("*/")[0]);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${a}`);
    }
  }
  // A quick run's numbers mean little: they never replace the published results.
  opts.outDir ??= opts.quick ? path.join(root, ".tmp", "bench-quick") : here;
  opts.scale ??= opts.quick ? 0.1 : 1;
  opts.rounds ??= opts.quick ? 1 : 9;
  opts.durationMs ??= opts.quick ? 150 : 400;
  opts.memoryN ??= Math.max(1000, Math.round(100_000 * opts.scale));
  opts.memoryRepeats = opts.quick ? 1 : 2;
  return opts;
}

const log = (...a) => console.error(...a);
const median = (xs) => {
  const a = [...xs].sort((x, y) => x - y);
  if (a.length === 0) return null;
  const m = a.length >> 1;
  return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
};

/** A client's worker process and a request/response channel to it. */
class Worker {
  constructor(client) {
    this.client = client;
    this.seq = 0;
    this.waiting = new Map();
    this.dead = null;
    this.child = fork(path.join(here, "worker.mjs"), [], {
      execArgv: ["--expose-gc"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.child.on("message", (m) => {
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      clearTimeout(w.timer);
      w.resolve(m);
    });
    this.child.on("exit", (code, signal) => {
      this.dead = `worker exited (${signal ?? code})`;
      for (const [, w] of this.waiting) {
        clearTimeout(w.timer);
        w.resolve({ ok: false, message: this.dead });
      }
      this.waiting.clear();
    });
  }

  /** Sends a request; resolves with {ok, result} or {ok: false, message, pending}. Never rejects. */
  request(msg, timeoutMs = 180_000) {
    if (this.dead) return Promise.resolve({ ok: false, message: this.dead });
    const id = ++this.seq;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        this.kill();
        resolve({ ok: false, message: `no answer after ${timeoutMs / 1000} s (worker killed)` });
      }, timeoutMs);
      this.waiting.set(id, { resolve, timer });
      this.child.send({ id, ...msg });
    });
  }

  kill() {
    if (this.child.exitCode === null) this.child.kill("SIGKILL");
    this.dead ??= "worker killed";
  }

  async exit() {
    if (this.dead) return;
    const exited = new Promise((r) => this.child.once("exit", r));
    await this.request({ cmd: "exit" }, 10_000);
    let timer;
    await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 3000)))]);
    clearTimeout(timer);
    this.kill();
  }
}

const CEILING = "redis-benchmark";

async function runScenario(s, workers, opts, clients, server) {
  const params = { ...s, durationMs: opts.durationMs };
  const out = {
    id: s.id,
    label: s.label,
    unit: s.unit,
    latency: s.latency ?? "per command",
    goal: s.goal,
    extra: !!s.extra,
    status: "ok",
    message: null,
    results: {},
  };
  log(`\n[${s.id}] ${s.label}`);
  // aioredis first: if its API is missing, the scenario is pending.
  const active = [];
  for (const c of clients) {
    const w = workers[c];
    const r = await w.request({ cmd: "prepare", scenario: params });
    if (r.ok) {
      active.push(c);
      continue;
    }
    out.results[c] = { error: r.message || "unknown error", pending: c === "aioredis" && !!r.pending };
    if (c === "aioredis") {
      out.status = r.pending ? "pending" : "error";
      out.message = r.message;
      log(`  aioredis: ${r.pending ? r.message : `error: ${r.message}`}`);
      if (r.pending && !opts.pendingPeers) {
        log("  (skipped; --pending-peers measures the peers anyway)");
        return out;
      }
    } else {
      log(`  ${c}: error: ${r.message}`);
    }
  }
  // redis-benchmark takes part in the rounds like a client, so the ceiling shares the noise too.
  const participants = opts.ceiling && s.ceiling ? [...active, CEILING] : active;
  /** participant -> per measured round: { rate, p50, p99, ops } or undefined (failed). */
  const perRound = Object.fromEntries(participants.map((c) => [c, []]));
  const failed = new Set();
  const rounds = opts.rounds + 1;
  for (let round = 0; round < rounds; round++) {
    const order = participants.map((_, i) => participants[(i + round) % participants.length]);
    const parts = [];
    for (const c of order) {
      if (failed.has(c)) continue;
      let result;
      if (c === CEILING) {
        try {
          result = await runCeiling(server, s.ceiling);
        } catch (err) {
          log(`  redis-benchmark failed: ${err.message}`);
          failed.add(c);
          continue;
        }
      } else {
        const r = await workers[c].request({ cmd: "run", scenario: params });
        if (!r.ok) {
          log(`  ${c}: error: ${r.message}`);
          out.results[c] = { error: r.message || "unknown error" };
          failed.add(c);
          continue;
        }
        result = { ...r.result, rate: (r.result.ops / r.result.elapsedMs) * 1000 };
      }
      parts.push(`${c} ${Math.round(result.rate)}`);
      if (round > 0) perRound[c][round - 1] = result;
    }
    log(`  round ${round}${round === 0 ? " (warm-up)" : ""}: ${parts.join(", ")}`);
  }
  for (const c of active) await workers[c].request({ cmd: "cleanup", scenario: params });
  for (const c of active) {
    if (failed.has(c)) continue;
    const runs = perRound[c].filter(Boolean);
    if (runs.length === 0) continue;
    out.results[c] = {
      opsPerSec: median(runs.map((r) => r.rate)),
      p50Ms: median(runs.map((r) => r.p50).filter((x) => x != null)),
      p99Ms: median(runs.map((r) => r.p99).filter((x) => x != null)),
      rounds: runs.map((r) => r.rate),
      ops: runs.reduce((a, r) => a + r.ops, 0),
    };
  }
  computeRatio(out, clients, perRound);
  if (participants.includes(CEILING) && !failed.has(CEILING)) {
    const runs = perRound[CEILING].filter(Boolean);
    const ours = out.results.aioredis;
    out.ceiling = {
      opsPerSec: median(runs.map((r) => r.rate)),
      rounds: runs.map((r) => r.rate),
      command: s.ceiling.map((c) => `redis-benchmark ${c.args.join(" ")}`.replace(/ \S{20,}/g, " <value>")).join(" + "),
      // Paired by round, like the ratio.
      fraction: ours && !ours.error ? pairedMedian(perRound.aioredis, perRound[CEILING]) : null,
    };
  }
  return out;
}

/** Median over the rounds where both ran of a[r].rate / b[r].rate. */
function pairedMedian(a, b) {
  const ratios = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] && b[i]) ratios.push(a[i].rate / b[i].rate);
  return median(ratios);
}

/**
 * The best peer is the one with the highest median rate. The ratio is the median, over the
 * rounds, of aioredis' rate divided by that peer's rate in the same round: runs of one round
 * are adjacent in time, so this pairs them under the same machine noise.
 */
function computeRatio(out, clients, perRound) {
  const ours = out.results.aioredis;
  let best = null;
  for (const c of clients) {
    if (c === "aioredis") continue;
    const r = out.results[c];
    if (r && !r.error && (!best || r.opsPerSec > out.results[best].opsPerSec)) best = c;
  }
  out.bestPeer = best;
  if (!ours || ours.error || !best) {
    out.ratio = null;
    return;
  }
  out.ratioOfMedians = ours.opsPerSec / out.results[best].opsPerSec;
  out.roundRatios = perRound.aioredis.map((r, i) => (r && perRound[best][i] ? r.rate / perRound[best][i].rate : null));
  out.ratio = pairedMedian(perRound.aioredis, perRound[best]);
}

/** One ceiling measurement: several commands (GET and SET) alternate, so their harmonic mean. */
async function runCeiling(server, specs) {
  const runs = [];
  for (const spec of specs) runs.push(await runRedisBenchmark(server.host, server.port, spec));
  const rate = runs.length === 1 ? runs[0].rps : runs.length / runs.reduce((a, r) => a + 1 / r.rps, 0);
  return { rate, p50: null, p99: null, ops: null };
}

function runRedisBenchmark(host, port, spec) {
  return new Promise((resolve, reject) => {
    const args = ["-h", host, "-p", String(port), "-n", String(spec.n), "--csv", ...spec.args];
    execFile("redis-benchmark", args, { timeout: 120_000, maxBuffer: 1 << 20 }, (err, stdout) => {
      if (err) return reject(err);
      const lines = stdout.trim().split("\n").filter((l) => l.startsWith('"') && !l.startsWith('"test"'));
      const last = lines[lines.length - 1];
      if (!last) return reject(new Error(`redis-benchmark printed no result: ${stdout.slice(0, 200)}`));
      const cells = last.split('","').map((c) => c.replace(/"/g, ""));
      resolve({ rps: Number(cells[1]), p50Ms: Number(cells[4]), p99Ms: Number(cells[6]) });
    });
  });
}

function runMemoryChild(client, server, opts) {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--expose-gc", path.join(here, "memory.mjs"), client, server.host, String(server.port), opts.entry, String(opts.memoryN)],
      { timeout: 120_000, maxBuffer: 1 << 20 },
      (err, stdout, stderr) => {
        if (err) return resolve({ error: (stderr || err.message).trim().split("\n").slice(-3).join(" ") });
        try {
          resolve(JSON.parse(stdout.trim().split("\n").pop()));
        } catch {
          resolve({ error: `unreadable output: ${stdout.slice(0, 200)}` });
        }
      },
    );
  });
}

async function measureMemory(server, opts, clients) {
  log(`\n[memory] ${opts.memoryN} SETs in flight, one fresh process per client`);
  const runs = Object.fromEntries(clients.map((c) => [c, []]));
  const errors = {};
  const record = (c, r) => {
    if (r.error) {
      errors[c] = r.error;
      log(`  ${c}: error: ${r.error}`);
    } else {
      runs[c].push(r);
      log(`  ${c}: peak RSS ${(r.peakRss / 1048576).toFixed(1)} MB, heap +${(r.heapDelta / 1048576).toFixed(1)} MB`);
    }
  };
  for (let rep = 0; rep < opts.memoryRepeats; rep++) {
    const order = clients.map((_, i) => clients[(i + rep) % clients.length]);
    if (opts.quick) {
      // Smoke runs only: the children run side by side (their timings suffer, their memory does not).
      const rs = await Promise.all(order.map((c) => runMemoryChild(c, server, opts)));
      order.forEach((c, i) => record(c, rs[i]));
    } else {
      for (const c of order) record(c, await runMemoryChild(c, server, opts));
    }
  }
  const results = {};
  for (const c of clients) {
    if (runs[c].length === 0) {
      results[c] = { error: errors[c] ?? "no result" };
      continue;
    }
    const pick = (k) => median(runs[c].map((r) => r[k]));
    results[c] = {
      peakRss: pick("peakRss"),
      baseRss: pick("baseRss"),
      heapDelta: pick("heapDelta"),
      externalDelta: pick("externalDelta"),
      elapsedMs: pick("elapsedMs"),
    };
  }
  const peers = clients.filter((c) => c !== "aioredis" && !results[c].error);
  const lowest = (k) => peers.reduce((b, c) => (b === null || results[c][k] < results[b][k] ? c : b), null);
  const bestPeerRss = lowest("peakRss");
  const bestPeerHeap = lowest("heapDelta");
  const ours = results.aioredis;
  return {
    n: opts.memoryN,
    repeats: opts.memoryRepeats,
    results,
    bestPeerRss,
    bestPeerHeap,
    ratioRss: ours && !ours.error && bestPeerRss ? ours.peakRss / results[bestPeerRss].peakRss : null,
    ratioHeap: ours && !ours.error && bestPeerHeap ? ours.heapDelta / results[bestPeerHeap].heapDelta : null,
  };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(opts.entry)) throw new Error(`${opts.entry} not found: run \`npm run build\` first (or pass --entry)`);
  const started = Date.now();
  const loadStart = os.loadavg()[0];
  const defs = allScenarios(opts.scale).filter((s) => (opts.only ? opts.only.includes(s.id) : !s.optional));
  if (defs.length === 0) throw new Error(`no scenario matches --only ${opts.only}`);
  const clients = [...CLIENTS, ...OPTIONAL_CLIENTS].filter((c) => opts.clients.includes(c));

  const server = await startServer({ log });
  let workers = {};
  const cleanupAll = async () => {
    for (const w of Object.values(workers)) w.kill();
    await server.stop();
  };
  process.once("SIGINT", () => {
    cleanupAll().finally(() => process.exit(130));
  });
  try {
    const admin = await RawClient.connect(server.host, server.port);
    const info = parseInfo(await admin.command("INFO", "server"));
    await admin.pipeline(setupCommands());

    for (const c of clients) workers[c] = new Worker(c);
    const notes = {};
    const inits = await Promise.all(
      clients.map((c) => workers[c].request({ cmd: "init", client: c, host: server.host, port: server.port, entry: opts.entry })),
    );
    clients.forEach((c, i) => {
      const r = inits[i];
      if (!r.ok) throw new Error(`${c} could not start: ${r.message}`);
      if (r.result.notes.length) notes[c] = r.result.notes;
    });
    if (notes.aioredis) log(`aioredis: ${notes.aioredis.join(", ")}`);

    const scenarioResults = [];
    for (const s of defs) scenarioResults.push(await runScenario(s, workers, opts, clients, server));
    await Promise.all(Object.values(workers).map((w) => w.exit()));
    workers = {};

    const memory = opts.memory ? await measureMemory(server, opts, clients) : null;
    if (server.external) {
      // Leave a shared server as we found it: remove the benchmark's keys.
      const keys = await admin.command("KEYS", "bench:*");
      for (let i = 0; i < keys.length; i += 1000) await admin.command("UNLINK", ...keys.slice(i, i + 1000));
    }
    admin.close();

    const cpus = os.cpus();
    const results = {
      date: new Date().toISOString(),
      node: process.version,
      cpu: cpus[0]?.model?.trim() || "unknown CPU",
      cores: cpus.length,
      platform: `${os.platform()} ${os.release()}`,
      // 1-minute load averages: other processes on the machine are the main source of noise.
      loadAvg: { start: loadStart, end: os.loadavg()[0] },
      redis: info.redis_version,
      server: server.external ? "REDIS_URL" : "redis-server started by the benchmark, same machine",
      clients,
      versions: clientVersions(),
      notes,
      config: { quick: opts.quick, scale: opts.scale, rounds: opts.rounds, durationMs: opts.durationMs },
      durationSec: Math.round((Date.now() - started) / 1000),
      scenarios: scenarioResults,
      memory,
    };
    fs.mkdirSync(opts.outDir, { recursive: true });
    fs.writeFileSync(path.join(opts.outDir, "results.json"), JSON.stringify(results, null, 2) + "\n");
    fs.writeFileSync(path.join(opts.outDir, "results.svg"), svgChart(results));
    const markdown = markdownReport(results);
    fs.writeFileSync(path.join(opts.outDir, "results.md"), markdown);
    if (opts.outDir === here && !opts.quick && !opts.only && opts.clients.length === CLIENTS.length) updateReadme(markdown);
    console.log(consoleReport(results));
    console.log(`\nwrote ${path.relative(process.cwd(), path.join(opts.outDir, "results.{json,svg,md}"))} in ${results.durationSec} s`);
  } finally {
    await cleanupAll();
  }
}

function clientVersions() {
  const v = (p) => {
    try {
      return JSON.parse(fs.readFileSync(path.join(root, "node_modules", p, "package.json"), "utf8")).version;
    } catch {
      return null;
    }
  };
  return {
    aioredis: JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).version,
    ioredis: v("ioredis"),
    redis: v("redis"),
    "@redis/client": v("@redis/client"),
  };
}

main().catch((err) => {
  console.error(err?.stack ?? err);
  process.exit(1);
});

