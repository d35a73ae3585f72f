#!/usr/bin/env node
/**
 * aioredis benchmark suite (issues 7 and 16): `npm run bench` (builds first), or
 * `node bench/run.mjs [options]` against an existing build.
 *
 * Options:
 *   --quick              short smoke run: 1 measured round, short runs, counts / 10
 *   --mode <m>           reply mode: string, buffer or both (default both: every scenario in both,
 *                        side by side, in the same rounds)
 *   --scale <f>          multiply every count (pipeline size, messages, items...) by f
 *   --rounds <n>         measured rounds (default 9)
 *   --warmup <n>         warm-up rounds before them, discarded (default 1; the smoke test uses 0)
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
 * REDIS_URL=redis://host:port uses that server instead of starting one. The cluster scenarios
 * always start a local 3-primary cluster of their own (free loopback ports).
 */
import { execFile, fork } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { CLIENTS, FLOOR, OPTIONAL_CLIENTS } from "./clients.mjs";
import { RawClient, parseInfo } from "./raw.mjs";
import { consoleReport, markdownReport, svgChart, updateReadme } from "./report.mjs";
import { scenarios as allScenarios, setupCommands } from "./scenarios.mjs";
import { startServer } from "./server.mjs";
import { startCluster } from "./cluster.mjs";
import { MODES } from "./scenarios.mjs";

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
    modes: MODES,
    warmup: 1,
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
      case "--mode": {
        const m = val();
        if (m === "both") opts.modes = MODES;
        else if (MODES.includes(m)) opts.modes = [m];
        else throw new Error(`--mode: string, buffer or both, not ${m}`);
        break;
      }
      case "--scale":
        opts.scale = Number(val());
        break;
      case "--rounds":
        opts.rounds = Number(val());
        break;
      case "--warmup":
        opts.warmup = Number(val());
        if (!Number.isInteger(opts.warmup) || opts.warmup < 0) throw new Error("--warmup needs a whole number");
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
  constructor(client, mode) {
    this.client = client;
    this.mode = mode;
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
/** The traced scenario's second aioredis participant: the same worker, with a subscriber on its channels. */
export const TRACED = "aioredis+traced";
const workerKey = (client, mode) => `${client}@${mode}`;

/**
 * Runs one scenario in every reply mode, all modes and clients interleaved in the same rounds
 * (and redis-benchmark once per round). Returns one result per mode.
 */
async function runScenario(s, workers, opts, clients, server) {
  const params = { ...s, durationMs: opts.durationMs };
  // The floor has no cluster client: it takes part in the single-server scenarios only.
  const scenarioClients = s.traced
    ? ["aioredis"]
    : s.peers
      ? clients.filter((c) => c === "aioredis" || s.peers.includes(c))
      : clients.filter((c) => c !== FLOOR || !s.cluster);
  const outs = {};
  log(`\n[${s.id}] ${s.label}`);
  /** Everything that runs in a round: { key, client, mode, worker, params }. */
  const participants = [];
  const prepared = [];
  for (const mode of opts.modes) {
    const out = (outs[mode] = {
      id: s.id,
      mode,
      label: s.label,
      unit: s.unit,
      latency: s.latency ?? "per command",
      goal: s.goal,
      ceilingGoal: s.ceilingGoal ?? null,
      traced: !!s.traced,
      cluster: !!s.cluster,
      peers: s.peers ?? null,
      extra: !!s.extra,
      status: "ok",
      message: null,
      results: {},
    });
    // aioredis first: if its API is missing, the scenario is pending in this mode.
    for (const c of scenarioClients) {
      const w = workers[workerKey(c, mode)];
      const r = await w.request({ cmd: "prepare", scenario: params });
      if (r.ok) {
        prepared.push(w);
        participants.push({ key: `${mode}/${c}`, client: c, mode, worker: w, params });
        if (s.traced) {
          // With a subscriber: a worker of its own, subscribed from its first command on and
          // never unsubscribed, as an application with a tracer is.
          const tw = workers[workerKey(TRACED, mode)];
          const tr = await tw.request({ cmd: "prepare", scenario: params });
          if (!tr.ok) {
            out.results[TRACED] = { error: tr.message || "unknown error", pending: !!tr.pending };
            continue;
          }
          prepared.push(tw);
          participants.push({ key: `${mode}/${TRACED}`, client: TRACED, mode, worker: tw, params });
        }
        continue;
      }
      out.results[c] = { error: r.message || "unknown error", pending: c === "aioredis" && !!r.pending };
      if (c === "aioredis") {
        out.status = r.pending ? "pending" : "error";
        out.message = r.message;
        log(`  aioredis (${mode}): ${r.pending ? r.message : `error: ${r.message}`}`);
        if (r.pending && !opts.pendingPeers) {
          if (!s.traced) log("  (skipped; --pending-peers measures the peers anyway)");
          break;
        }
      } else {
        log(`  ${c} (${mode}): error: ${r.message}`);
      }
    }
  }
  // redis-benchmark takes part in the rounds like a client, so the ceiling shares the noise too.
  const useCeiling = opts.ceiling && s.ceiling && participants.length > 0;
  const all = useCeiling ? [...participants, { key: CEILING }] : participants;
  /** participant key -> per measured round: { rate, p50, p99, ops } or undefined (failed). */
  const perRound = Object.fromEntries(all.map((p) => [p.key, []]));
  const failed = new Set();
  const rounds = opts.rounds + opts.warmup;
  for (let round = 0; round < rounds && participants.length > 0; round++) {
    const measured = round - opts.warmup;
    const order = all.map((_, i) => all[(i + round) % all.length]);
    const parts = [];
    for (const p of order) {
      if (failed.has(p.key)) continue;
      let result;
      if (p.key === CEILING) {
        try {
          result = await runCeiling(server, s.ceiling);
        } catch (err) {
          log(`  redis-benchmark failed: ${err.message}`);
          failed.add(p.key);
          continue;
        }
      } else {
        const r = await p.worker.request({ cmd: "run", scenario: p.params });
        if (!r.ok) {
          log(`  ${p.key}: error: ${r.message}`);
          outs[p.mode].results[p.client] = { error: r.message || "unknown error" };
          failed.add(p.key);
          continue;
        }
        result = { ...r.result, rate: (r.result.ops / r.result.elapsedMs) * 1000 };
      }
      parts.push(`${p.key} ${Math.round(result.rate)}`);
      if (measured >= 0) perRound[p.key][measured] = result;
    }
    log(`  round ${round}${measured < 0 ? " (warm-up)" : ""}: ${parts.join(", ")}`);
  }
  for (const w of prepared) await w.request({ cmd: "cleanup", scenario: params });
  for (const p of participants) {
    if (failed.has(p.key)) continue;
    const runs = perRound[p.key].filter(Boolean);
    if (runs.length === 0) continue;
    outs[p.mode].results[p.client] = {
      opsPerSec: median(runs.map((r) => r.rate)),
      p50Ms: median(runs.map((r) => r.p50).filter((x) => x != null)),
      p99Ms: median(runs.map((r) => r.p99).filter((x) => x != null)),
      rounds: runs.map((r) => r.rate),
      ops: runs.reduce((a, r) => a + r.ops, 0),
      // Per operation, medians of the rounds: the worker's CPU time and minor page faults.
      cpuUsPerOp: median(runs.map((r) => (r.userCpuUs + r.sysCpuUs) / r.ops)),
      sysUsPerOp: median(runs.map((r) => r.sysCpuUs / r.ops)),
      faultsPerOp: median(runs.map((r) => r.minorFaults / r.ops)),
    };
  }
  for (const mode of opts.modes) {
    const out = outs[mode];
    const byClient = Object.fromEntries(
      Object.keys(perRound)
        .filter((k) => k.startsWith(`${mode}/`))
        .map((k) => [k.slice(mode.length + 1), perRound[k]]),
    );
    if (s.traced) computeTracedRatio(out, byClient);
    else computeRatio(out, clients, byClient);
    if (useCeiling && !failed.has(CEILING)) {
      const runs = perRound[CEILING].filter(Boolean);
      const ours = out.results.aioredis;
      out.ceiling = {
        opsPerSec: median(runs.map((r) => r.rate)),
        rounds: runs.map((r) => r.rate),
        command: s.ceiling.map((c) => `redis-benchmark ${c.args.join(" ")}`.replace(/ \S{20,}/g, " <value>")).join(" + "),
        // Paired by round, like the ratio.
        fraction: ours && !ours.error && byClient.aioredis ? pairedMedian(byClient.aioredis, perRound[CEILING]) : null,
      };
    }
  }
  return opts.modes.map((m) => outs[m]);
}

/** The traced scenario: aioredis with a subscriber / aioredis without, paired by round. */
function computeTracedRatio(out, perRound) {
  const on = out.results[TRACED];
  const off = out.results.aioredis;
  out.bestPeer = "aioredis";
  if (!on || on.error || !off || off.error) {
    out.ratio = null;
    return;
  }
  out.ratioOfMedians = on.opsPerSec / off.opsPerSec;
  out.roundRatios = perRound[TRACED].map((r, i) => (r && perRound.aioredis[i] ? r.rate / perRound.aioredis[i].rate : null));
  out.ratio = pairedMedian(perRound[TRACED], perRound.aioredis);
  // The cost in CPU per GET, paired the same way: it varies far less from round to round than the rate.
  const cpuPerOp = (r) => (r.userCpuUs + r.sysCpuUs) / r.ops;
  const cpu = [];
  for (let i = 0; i < perRound[TRACED].length; i++) {
    const on = perRound[TRACED][i];
    const offRun = perRound.aioredis[i];
    if (on && offRun) cpu.push(cpuPerOp(on) / cpuPerOp(offRun));
  }
  out.cpuRatio = cpu.length > 0 ? median(cpu) : null;
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
    if (c === "aioredis" || c === FLOOR) continue;
    const r = out.results[c];
    if (r && !r.error && (!best || r.opsPerSec > out.results[best].opsPerSec)) best = c;
  }
  out.bestPeer = best;
  // The floor against the same peer: the most any client on Node's net could reach here.
  const floor = out.results[FLOOR];
  out.floorRatio = best && floor && !floor.error && perRound[FLOOR] && perRound[best] ? pairedMedian(perRound[FLOOR], perRound[best]) : null;
  if (!ours || ours.error || !best || !perRound.aioredis || !perRound[best]) {
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
      const lines = stdout
        .trim()
        .split("\n")
        .filter((l) => l.startsWith('"') && !l.startsWith('"test"'));
      const last = lines[lines.length - 1];
      if (!last) return reject(new Error(`redis-benchmark printed no result: ${stdout.slice(0, 200)}`));
      const cells = last.split('","').map((c) => c.replace(/"/g, ""));
      resolve({ rps: Number(cells[1]), p50Ms: Number(cells[4]), p99Ms: Number(cells[6]) });
    });
  });
}

function runMemoryChild(client, mode, server, opts) {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--expose-gc", path.join(here, "memory.mjs"), client, server.host, String(server.port), opts.entry, String(opts.memoryN), mode],
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

/** Peak RSS and heap growth per client, in every mode; results.memory.modes[mode] as below. */
async function measureMemory(server, opts, clients) {
  log(`\n[memory] ${opts.memoryN} SETs in flight, one fresh process per client and mode`);
  const jobs = opts.modes.flatMap((mode) => clients.map((client) => ({ client, mode })));
  const runs = new Map(jobs.map((j) => [workerKey(j.client, j.mode), []]));
  const errors = {};
  const record = (j, r) => {
    const k = workerKey(j.client, j.mode);
    if (r.error) {
      errors[k] = r.error;
      log(`  ${k}: error: ${r.error}`);
    } else {
      runs.get(k).push(r);
      log(`  ${k}: peak RSS ${(r.peakRss / 1048576).toFixed(1)} MB, heap +${(r.heapDelta / 1048576).toFixed(1)} MB`);
    }
  };
  for (let rep = 0; rep < opts.memoryRepeats; rep++) {
    const order = jobs.map((_, i) => jobs[(i + rep) % jobs.length]);
    if (opts.quick) {
      // Smoke runs only: the children run side by side (their timings suffer, their memory does not).
      const rs = await Promise.all(order.map((j) => runMemoryChild(j.client, j.mode, server, opts)));
      order.forEach((j, i) => record(j, rs[i]));
    } else {
      for (const j of order) record(j, await runMemoryChild(j.client, j.mode, server, opts));
    }
  }
  const modes = {};
  for (const mode of opts.modes) {
    const results = {};
    for (const c of clients) {
      const k = workerKey(c, mode);
      const rs = runs.get(k);
      if (rs.length === 0) {
        results[c] = { error: errors[k] ?? "no result" };
        continue;
      }
      const pick = (f) => median(rs.map((r) => r[f]));
      results[c] = {
        peakRss: pick("peakRss"),
        baseRss: pick("baseRss"),
        heapDelta: pick("heapDelta"),
        externalDelta: pick("externalDelta"),
        elapsedMs: pick("elapsedMs"),
      };
    }
    const peers = clients.filter((c) => c !== "aioredis" && !results[c].error);
    const lowest = (f) => peers.reduce((b, c) => (b === null || results[c][f] < results[b][f] ? c : b), null);
    const bestPeerRss = lowest("peakRss");
    const bestPeerHeap = lowest("heapDelta");
    const ours = results.aioredis;
    modes[mode] = {
      results,
      bestPeerRss,
      bestPeerHeap,
      ratioRss: ours && !ours.error && bestPeerRss ? ours.peakRss / results[bestPeerRss].peakRss : null,
      ratioHeap: ours && !ours.error && bestPeerHeap ? ours.heapDelta / results[bestPeerHeap].heapDelta : null,
    };
  }
  return { n: opts.memoryN, repeats: opts.memoryRepeats, modes };
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
  let cluster = null;
  let workers = {};
  const cleanupAll = async () => {
    for (const w of Object.values(workers)) w.kill();
    await cluster?.stop();
    await server.stop();
  };
  process.once("SIGINT", () => {
    cleanupAll().finally(() => process.exit(130));
  });
  try {
    const admin = await RawClient.connect(server.host, server.port);
    const info = parseInfo(await admin.command("INFO", "server"));
    await admin.pipeline(setupCommands());

    if (defs.some((s) => s.cluster)) cluster = await startCluster({ log });

    // The traced scenario's second aioredis: a worker that keeps a subscriber on every channel.
    const workerClients = defs.some((s) => s.traced) ? [...clients, TRACED] : clients;
    const pairs = opts.modes.flatMap((mode) => workerClients.map((client) => ({ client, mode })));
    for (const { client, mode } of pairs) workers[workerKey(client, mode)] = new Worker(client, mode);
    const notes = {};
    const inits = await Promise.all(
      pairs.map(({ client, mode }) =>
        workers[workerKey(client, mode)].request({
          cmd: "init",
          // The traced scenario's second aioredis is aioredis, told to keep a subscriber.
          client: client === TRACED ? "aioredis" : client,
          traced: client === TRACED,
          mode,
          host: server.host,
          port: server.port,
          entry: opts.entry,
          cluster: cluster?.nodes ?? null,
        }),
      ),
    );
    pairs.forEach(({ client, mode }, i) => {
      const r = inits[i];
      if (!r.ok) throw new Error(`${client} (${mode}) could not start: ${r.message}`);
      if (r.result.notes.length) notes[client] = r.result.notes;
    });
    if (notes.aioredis) log(`aioredis: ${notes.aioredis.join(", ")}`);

    const scenarioResults = [];
    for (const s of defs) scenarioResults.push(...(await runScenario(s, workers, opts, clients, server)));
    await Promise.all(Object.values(workers).map((w) => w.exit()));
    workers = {};

    // The floor is measured for speed only, not for memory.
    const memoryClients = clients.filter((c) => c !== FLOOR);
    const memory = opts.memory ? await measureMemory(server, opts, memoryClients) : null;
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
      modes: opts.modes,
      cluster: cluster ? `local ${cluster.nodes.length}-primary cluster without replicas` : null,
      clusterPorts: cluster ? cluster.nodes.map((n) => n.port) : null,
      versions: clientVersions(),
      notes,
      config: { quick: opts.quick, scale: opts.scale, rounds: opts.rounds, warmup: opts.warmup, durationMs: opts.durationMs },
      durationSec: Math.round((Date.now() - started) / 1000),
      scenarios: scenarioResults,
      memory,
    };
    fs.mkdirSync(opts.outDir, { recursive: true });
    fs.writeFileSync(path.join(opts.outDir, "results.json"), JSON.stringify(results, null, 2) + "\n");
    fs.writeFileSync(path.join(opts.outDir, "results.svg"), svgChart(results));
    const markdown = markdownReport(results);
    fs.writeFileSync(path.join(opts.outDir, "results.md"), markdown);
    if (opts.outDir === here && !opts.quick && !opts.only && opts.clients.length === CLIENTS.length && opts.modes.length === MODES.length) {
      updateReadme(markdown);
    }
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
