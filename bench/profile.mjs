#!/usr/bin/env node
/**
 * CPU profile of aioredis in benchmark scenarios: `node bench/profile.mjs [options]`
 * (after `npm run build`).
 *
 *   --only <ids>       scenarios to profile (default getset-1000,pipeline-100k)
 *   --duration <ms>    length of the profiled run (default 5000)
 *   --entry <path>     compiled aioredis entry (default dist/src/index.js)
 *   --out-dir <dir>    where the .cpuprofile files go (default .tmp/profiles)
 *   --top <n>          rows per table (default 20)
 *   --client <name>    profile another client instead (ioredis, ioredis-auto, node-redis)
 *   --mode <m>         reply mode: string (default) or buffer (aioredis' default, Buffer replies)
 *
 * Each scenario runs in a worker started with `node --cpu-prof` (the same worker as the
 * benchmark), after a warm-up run. The profile is then summarised: self time per function
 * (with src/ locations recovered from the source maps), self time per file, and inclusive
 * time of aioredis functions. Open the .cpuprofile in Chrome DevTools for the full picture.
 */
import { fork } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { RawClient } from "./raw.mjs";
import { scenarios as allScenarios, setupCommands } from "./scenarios.mjs";
import { startServer } from "./server.mjs";
import { startCluster } from "./cluster.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");

function parseArgs(argv) {
  const o = {
    only: ["getset-1000", "pipeline-100k"],
    durationMs: 5000,
    entry: path.join(root, "dist", "src", "index.js"),
    outDir: path.join(root, ".tmp", "profiles"),
    top: 20,
    client: "aioredis",
    mode: "string",
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => argv[++i];
    if (a === "--only") o.only = v().split(",");
    else if (a === "--duration") o.durationMs = Number(v());
    else if (a === "--entry") o.entry = path.resolve(v());
    else if (a === "--out-dir") o.outDir = path.resolve(v());
    else if (a === "--top") o.top = Number(v());
    else if (a === "--client") o.client = v();
    else if (a === "--mode") {
      o.mode = v();
      if (o.mode !== "string" && o.mode !== "buffer") throw new Error(`--mode: string or buffer, not ${o.mode}`);
    } else throw new Error(`unknown option ${a}`);
  }
  return o;
}

// ---- source maps (enough of the v3 format to map a generated line back to src/) --------

const B64 = Object.fromEntries([..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"].map((c, i) => [c, i]));

function decodeVlq(segment) {
  const out = [];
  let value = 0;
  let shift = 0;
  for (const ch of segment) {
    const d = B64[ch];
    value += (d & 31) << shift;
    if (d & 32) {
      shift += 5;
    } else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

const mapCache = new Map();

/** Returns (generatedLine0, column0) -> "src/file.ts:line" for a compiled file, or null. */
function sourceMapFor(file) {
  if (mapCache.has(file)) return mapCache.get(file);
  let lookup = null;
  try {
    const map = JSON.parse(fs.readFileSync(file + ".map", "utf8"));
    const lines = map.mappings.split(";");
    const table = [];
    let src = 0;
    let srcLine = 0;
    for (let g = 0; g < lines.length; g++) {
      const segs = [];
      let col = 0;
      for (const seg of lines[g].split(",")) {
        if (!seg) continue;
        const f = decodeVlq(seg);
        col += f[0];
        if (f.length >= 4) {
          src += f[1];
          srcLine += f[2];
          segs.push([col, src, srcLine]);
        }
      }
      table.push(segs);
    }
    const dir = path.dirname(file);
    const sources = map.sources.map((s) => path.relative(root, path.resolve(dir, map.sourceRoot || "", s)));
    lookup = (line, column) => {
      const segs = table[line];
      if (!segs || segs.length === 0) return null;
      let best = segs[0];
      for (const s of segs) if (s[0] <= column) best = s;
      return `${sources[best[1]]}:${best[2] + 1}`;
    };
  } catch {
    lookup = null;
  }
  mapCache.set(file, lookup);
  return lookup;
}

function locate(callFrame) {
  const url = callFrame.url || "";
  if (!url) return { where: "", file: callFrame.functionName.startsWith("(") ? callFrame.functionName : "(native)" };
  if (url.startsWith("node:")) return { where: url, file: url };
  const file = url.startsWith("file://") ? fileURLToPath(url) : url;
  const lookup = file.endsWith(".js") ? sourceMapFor(file) : null;
  const mapped = lookup?.(callFrame.lineNumber, callFrame.columnNumber);
  if (mapped) return { where: mapped, file: mapped.replace(/:\d+$/, "") };
  const rel = path.relative(root, file);
  const short = rel.startsWith("node_modules")
    ? rel
        .split(path.sep)
        .slice(0, rel.includes("@") ? 3 : 2)
        .join("/")
    : rel;
  return { where: `${rel}:${callFrame.lineNumber + 1}`, file: short };
}

/** Summarises a .cpuprofile: self time by function and by file, and inclusive time of src/ functions. */
export function summarize(profile, top = 20) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map(); // node id -> µs
  const deltas = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    const dt = deltas[i + 1] ?? deltas[i] ?? 0;
    self.set(id, (self.get(id) ?? 0) + dt);
  }
  let total = 0;
  for (const v of self.values()) total += v;
  const idleIds = new Set([...nodes.values()].filter((n) => n.callFrame.functionName === "(idle)").map((n) => n.id));
  let idle = 0;
  for (const id of idleIds) idle += self.get(id) ?? 0;
  const busy = total - idle;

  const byFn = new Map();
  const byFile = new Map();
  const meta = new Map();
  for (const [id, t] of self) {
    if (idleIds.has(id)) continue;
    const n = nodes.get(id);
    const loc = locate(n.callFrame);
    const name = n.callFrame.functionName || "(anonymous)";
    const key = `${name} ${loc.where}`;
    byFn.set(key, (byFn.get(key) ?? 0) + t);
    meta.set(key, { name, where: loc.where });
    byFile.set(loc.file, (byFile.get(loc.file) ?? 0) + t);
  }

  // Inclusive time per src/ function (a function counted once per stack, however deep it recurses).
  const parent = new Map();
  for (const n of nodes.values()) for (const c of n.children ?? []) parent.set(c, n.id);
  const incl = new Map();
  const keyOf = new Map();
  for (const n of nodes.values()) {
    const loc = locate(n.callFrame);
    keyOf.set(n.id, loc.where.startsWith("src/") ? `${n.callFrame.functionName || "(anonymous)"} ${loc.where}` : null);
  }
  for (const [id, t] of self) {
    if (idleIds.has(id)) continue;
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const k = keyOf.get(cur);
      if (k && !seen.has(k)) {
        seen.add(k);
        incl.set(k, (incl.get(k) ?? 0) + t);
      }
    }
  }

  const pct = (t) => (t / busy) * 100;
  const sortDesc = (m) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  return {
    totalMs: total / 1000,
    busyMs: busy / 1000,
    idlePct: (idle / total) * 100,
    functions: sortDesc(byFn)
      .slice(0, top)
      .map(([k, t]) => ({ ...meta.get(k), selfMs: t / 1000, pct: pct(t) })),
    srcFunctions: sortDesc(byFn)
      .filter(([k]) => meta.get(k).where.startsWith("src/"))
      .slice(0, top)
      .map(([k, t]) => ({ ...meta.get(k), selfMs: t / 1000, pct: pct(t) })),
    files: sortDesc(byFile)
      .slice(0, top)
      .map(([f, t]) => ({ file: f, selfMs: t / 1000, pct: pct(t) })),
    inclusive: sortDesc(incl)
      .slice(0, top)
      .map(([k, t]) => ({ fn: k, ms: t / 1000, pct: pct(t) })),
  };
}

function printSummary(id, s, rate) {
  const out = [];
  out.push(`\n## ${id}${rate ? ` (${Math.round(rate).toLocaleString("en-US")} ops/s while profiled)` : ""}`);
  out.push(`busy ${s.busyMs.toFixed(0)} ms of ${s.totalMs.toFixed(0)} ms sampled (${s.idlePct.toFixed(0)}% idle); percentages are of busy time\n`);
  out.push("Top self time, all code:");
  for (const f of s.functions) out.push(`  ${f.pct.toFixed(1).padStart(5)}%  ${f.name}  ${f.where}`);
  out.push("\nTop self time in src/ (aioredis):");
  for (const f of s.srcFunctions) out.push(`  ${f.pct.toFixed(1).padStart(5)}%  ${f.name}  ${f.where}`);
  out.push("\nSelf time by file:");
  for (const f of s.files) out.push(`  ${f.pct.toFixed(1).padStart(5)}%  ${f.file}`);
  out.push("\nInclusive time of src/ functions:");
  for (const f of s.inclusive) out.push(`  ${f.pct.toFixed(1).padStart(5)}%  ${f.fn}`);
  return out.join("\n");
}

function request(child, msg) {
  return new Promise((resolve, reject) => {
    const id = Math.random();
    const onMessage = (m) => {
      if (m.id !== id) return;
      child.off("message", onMessage);
      if (m.ok) resolve(m.result);
      else reject(new Error(m.message));
    };
    child.on("message", onMessage);
    child.send({ id, ...msg });
  });
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(o.entry)) throw new Error(`${o.entry} not found: run \`npm run build\` first (or pass --entry)`);
  fs.mkdirSync(o.outDir, { recursive: true });
  const server = await startServer({ log: (...a) => console.error(...a) });
  let cluster = null;
  try {
    const admin = await RawClient.connect(server.host, server.port);
    await admin.pipeline(setupCommands());
    admin.close();
    for (const id of o.only) {
      const s = allScenarios(1).find((x) => x.id === id);
      if (!s) throw new Error(`unknown scenario ${id}`);
      if (s.cluster) cluster ??= await startCluster({ log: (...a) => console.error(...a) });
      const name = `${o.client}-${o.mode}-${id}.cpuprofile`;
      const file = path.join(o.outDir, name);
      fs.rmSync(file, { force: true });
      const child = fork(path.join(here, "worker.mjs"), [], {
        execArgv: ["--expose-gc", "--cpu-prof", "--cpu-prof-dir", o.outDir, "--cpu-prof-name", name],
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      });
      const exited = new Promise((r) => child.once("exit", r));
      await request(child, {
        cmd: "init",
        client: o.client,
        mode: o.mode,
        host: server.host,
        port: server.port,
        entry: o.entry,
        cluster: cluster?.nodes ?? null,
      });
      await request(child, { cmd: "prepare", scenario: { ...s, durationMs: 1000 } });
      await request(child, { cmd: "run", scenario: { ...s, durationMs: 1000 } }); // warm-up
      // Count-based scenarios (pub/sub) are repeated until the duration is reached.
      let ops = 0;
      let elapsedMs = 0;
      const cost = { userCpuUs: 0, sysCpuUs: 0, minorFaults: 0 };
      while (elapsedMs < o.durationMs) {
        const r = await request(child, { cmd: "run", scenario: { ...s, durationMs: o.durationMs - elapsedMs } });
        ops += r.ops;
        elapsedMs += r.elapsedMs;
        for (const k of Object.keys(cost)) cost[k] += r[k] ?? 0;
      }
      const r = { ops, elapsedMs };
      await request(child, { cmd: "cleanup", scenario: s });
      await request(child, { cmd: "exit" });
      await exited;
      const profile = JSON.parse(fs.readFileSync(file, "utf8"));
      console.log(
        printSummary(
          `${o.client} (${o.mode === "buffer" ? "Buffers" : "strings"}): ${s.label} [${id}]`,
          summarize(profile, o.top),
          (r.ops / r.elapsedMs) * 1000,
        ),
      );
      console.log(
        `\nper operation: ${(cost.userCpuUs / ops).toFixed(0)} µs user CPU, ${(cost.sysCpuUs / ops).toFixed(0)} µs system CPU, ${(cost.minorFaults / ops).toFixed(1)} minor page faults (whole worker process)`,
      );
      console.log(`\nprofile: ${path.relative(process.cwd(), file)}`);
    }
  } finally {
    await cluster?.stop();
    await server.stop();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err?.stack ?? err);
    process.exit(1);
  });
}
