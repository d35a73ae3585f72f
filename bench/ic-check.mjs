#!/usr/bin/env node
/**
 * Finds megamorphic property accesses on aioredis' hot paths (GET, GET+SET, BLPOP, pipelines,
 * collections, the client-side cache, pub/sub): `node bench/ic-check.mjs
 * [--only get,blpop,...] [--entry dist/src/index.js] [--min <misses>]` (after `npm run build`).
 *
 * Each workload runs twice in a child started with V8's `--log-ic`, which logs every
 * inline-cache miss. A property read that sees too many object shapes goes megamorphic ("N"),
 * and on a busy path then misses V8's shared stub cache again and again. Between the two runs
 * the child reads a marker property, so the log shows where the second (warm) run starts; the
 * report lists the aioredis sites (its compiled files) that missed as megamorphic at least
 * `--min` times (default 100) after it. Start-up work (building the command table) goes
 * megamorphic before the marker and is not counted; a megamorphic read whose few shapes stay in
 * V8's stub cache misses a handful of times (the bound-parameter objects of `build`, one class
 * per command, read by shared code) and is not reported either. On the path that was fixed it
 * was one miss per command. Exit code 1 when any site is reported. It measures no time: it
 * counts what V8 logged.
 *
 * Found this way: the blocking path's `{ ...options, blockFor }` made `Connection.send`'s reads
 * of its options megamorphic (about 15,000 misses a second in BLPOP); see bench/README.md.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startServer } from "./server.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");

const WORKLOADS = {
  /** 20,000 GETs, 1 in flight. */
  get: async (r) => {
    await r.set("ic:k", "v".repeat(32));
    for (let i = 0; i < 20_000; i++) await r.get("ic:k");
  },
  /** 200,000 GETs and SETs, 1,000 in flight. */
  getset: async (r) => {
    let n = 0;
    await Promise.all(
      Array.from({ length: 1000 }, async (_, i) => {
        while (n++ < 200_000) await (n & 1 ? r.set(`ic:gs:${i}`, "v") : r.get(`ic:gs:${i}`));
      }),
    );
  },
  /** 50 consumers in BLPOP, one producer, 20,000 items. */
  blpop: async (r) => {
    let left = 20_000;
    const consumers = Array.from({ length: 50 }, async () => {
      while ((await r.blpop(["ic:q"], 5)) !== null && --left > 0);
    });
    for (let i = 0; i < 20_000; i += 50) await Promise.all(Array.from({ length: 50 }, () => r.rpush("ic:q", "item")));
    await r.rpush("ic:q", ...Array(50).fill("end"));
    await Promise.all(consumers);
  },
  /** Pipelines of 10,000 SETs, and small transactions. */
  pipeline: async (r) => {
    for (let k = 0; k < 10; k++) {
      const p = r.pipeline({ transaction: false });
      for (let i = 0; i < 10_000; i++) p.set(`ic:pipe:${i}`, "v".repeat(32));
      await p.execute();
    }
    for (let k = 0; k < 2000; k++)
      await r
        .pipeline({ transaction: true })
        .incr(`ic:tx:${k % 50}`)
        .expire(`ic:tx:${k % 50}`, 100)
        .execute();
  },
  /** LRANGE of 10,000, HGETALL of 1,000, MGET of 100, SET of 100 KB. */
  collections: async (r) => {
    await r.del("ic:list", "ic:hash");
    await r.rpush("ic:list", ...Array.from({ length: 10_000 }, (_, i) => `item${i}`));
    await r.hset("ic:hash", { mapping: Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`f${i}`, `value${i}`])) });
    const keys = Array.from({ length: 100 }, (_, i) => `ic:gs:${i}`);
    for (let k = 0; k < 300; k++) {
      await r.lrange("ic:list", 0, -1);
      await r.hgetall("ic:hash");
      await r.mget(keys);
      await r.set("ic:big", "x".repeat(100_000));
    }
  },
  /** 100,000 GETs of 1,000 keys, 100 in flight, through the client-side cache (nearly all hits). */
  cached: async (_r, mod, options) => {
    const c = new mod.Redis({ ...options, clientSideCache: { maxEntries: 10_000 } });
    await Promise.all(Array.from({ length: 1000 }, (_, i) => c.set(`ic:c:${i}`, "v")));
    let n = 0;
    await Promise.all(
      Array.from({ length: 100 }, async () => {
        while (n < 100_000) await c.get(`ic:c:${n++ % 1000}`);
      }),
    );
    await c.close();
  },
  /** 100,000 pub/sub messages read with `listen()`, published by a second client. */
  pubsub: async (r, mod, options) => {
    const p = r.pubsub({ ignoreSubscribeMessages: true });
    await p.subscribe("ic:ch");
    const publisher = new mod.Redis(options);
    let got = 0;
    const reading = (async () => {
      for await (const m of p.listen()) if (m.type === "message" && ++got === 100_000) break;
    })();
    for (let i = 0; i < 100_000; i += 1000) {
      const pipe = publisher.pipeline({ transaction: false });
      for (let k = 0; k < 1000; k++) pipe.publish("ic:ch", "p".repeat(64));
      await pipe.execute();
    }
    await reading;
    await p.close();
    await publisher.close();
  },
};

/** In the child: runs one workload twice (the first warms up) in one reply mode. */
async function child([entry, name, mode, port]) {
  const mod = await import(pathToFileURL(entry).href);
  const options = { port: Number(port), decodeResponses: mode === "string" };
  const r = new mod.Redis(options);
  await WORKLOADS[name](r, mod, options);
  markWarm();
  await WORKLOADS[name](r, mod, options);
  await r.close();
}

/** The property whose first read marks, in the IC log, where the warm run starts. */
export const MARKER = "__aioredisIcWarm";

/**
 * Reads the property `MARKER` (spelled out: a named read) in a loop, so that the read has
 * feedback and V8 logs its first miss. Change both spellings together.
 */
export function markWarm() {
  let value;
  for (let i = 0; i < 1000; i++) value = { i }.__aioredisIcWarm;
  return value;
}

/**
 * Megamorphic transitions in `log` at pcs inside the code whose URL starts with `marker`, by
 * site, counted from the first miss on the property `MARKER` (from the start without one).
 */
export function megamorphicSites(log, marker) {
  const code = [];
  const sites = new Map();
  const lines = log.split("\n");
  let warm = lines.some((line) => line.includes(`,${MARKER},`)) ? false : true;
  for (const line of lines) {
    if (line.startsWith("code-creation,")) {
      const f = line.split(",");
      const start = Number.parseInt(f[4], 16);
      code.push([start, start + Number(f[5]), f.slice(6).join(",")]);
      continue;
    }
    if (!/^(Keyed)?(Load|Store)IC,|^Define(Named|Keyed)OwnIC,/.test(line)) continue;
    const f = line.split(",");
    if (!warm) {
      warm = f[8] === MARKER;
      continue;
    }
    if (f[6] !== "N") continue;
    const pc = Number.parseInt(f[1], 16);
    let where = null;
    for (let i = code.length - 1; i >= 0; i--) {
      if (pc >= code[i][0] && pc < code[i][1]) {
        where = code[i][2];
        break;
      }
    }
    if (!where?.includes(marker)) continue;
    const file = where.slice(where.indexOf(marker) + marker.length).split(":")[0];
    const site = `${file}:${f[3]}:${f[4]} .${f[8]} (${f[0]})`;
    sites.set(site, (sites.get(site) ?? 0) + 1);
  }
  return [...sites].sort((a, b) => b[1] - a[1]);
}

function parseArgs(argv) {
  const o = { only: Object.keys(WORKLOADS), entry: path.join(root, "dist", "src", "index.js"), min: 100 };
  for (let i = 0; i < argv.length; i++) {
    const v = () => argv[++i];
    if (argv[i] === "--only") o.only = v().split(",");
    else if (argv[i] === "--entry") o.entry = path.resolve(v());
    else if (argv[i] === "--min") o.min = Number(v());
    else throw new Error(`unknown option ${argv[i]}`);
  }
  for (const n of o.only) if (!WORKLOADS[n]) throw new Error(`unknown workload ${n} (${Object.keys(WORKLOADS).join(", ")})`);
  return o;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const server = await startServer({ local: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aioredis-ic-"));
  let found = 0;
  try {
    for (const name of o.only) {
      for (const mode of ["string", "buffer"]) {
        const logFile = path.join(dir, `${name}-${mode}.log`);
        const args = [
          "--log-ic",
          `--logfile=${logFile}`,
          "--no-logfile-per-isolate",
          fileURLToPath(import.meta.url),
          "--child",
          o.entry,
          name,
          mode,
          String(server.port),
        ];
        await new Promise((resolve, reject) =>
          execFile(process.execPath, args, { timeout: 300_000, maxBuffer: 16 << 20 }, (err, _out, stderr) =>
            err ? reject(new Error(`${name} (${mode}): ${stderr || err.message}`)) : resolve(),
          ),
        );
        // aioredis' compiled files: everything under the directory above the entry's src/.
        const marker = `${pathToFileURL(path.dirname(path.dirname(o.entry))).href}/`;
        const sites = megamorphicSites(fs.readFileSync(logFile, "utf8"), marker).filter(([, n]) => n >= o.min);
        found += sites.length;
        console.log(`${name} (${mode}): ${sites.length === 0 ? "no megamorphic site on the hot path" : ""}`);
        for (const [site, n] of sites) console.log(`  ${String(n).padStart(7)} misses  ${site}`);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await server.stop();
  }
  process.exitCode = found > 0 ? 1 : 0;
}

// Run as a program (not when a test imports it for `megamorphicSites`).
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  if (process.argv[2] === "--child") await child(process.argv.slice(3));
  else await main();
}
