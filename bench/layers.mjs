#!/usr/bin/env node
/**
 * Where aioredis' CPU above the Node floor goes, layer by layer:
 *
 *   node bench/layers.mjs [--only get,blpop] [--mode string|buffer] [--rounds 6] [--scale 1] [--entry dist/src/index.js]
 *
 * Three ways to run the same work, each in a child process of its own, in an order that
 * rotates every round, against one redis-server started for the run:
 *
 * - floor: the Node floor (bench/floor.mjs), a bare client on `net` (encode, write once per
 *   tick, parse, resolve a Promise).
 * - connection: aioredis' `Connection.send()` on connections taken from the pool, with the send
 *   options the client would give: the connection layer only (pending-command record, argument
 *   check, deadlines, encoder, reader, reply dispatch).
 * - client: the command methods of `Redis` (`r.get(k)`, `r.blpop([k], t)`): the connection
 *   layer plus the command layer (argument binding and checks, routing, the pool's lending of
 *   a connection to a blocking command, reply transforms).
 *
 * A child warms up, then measures its user + system CPU time (`process.cpuUsage()`) over a fixed
 * amount of work, `--batches` times, and reports the median per operation. Printed per
 * scenario: each way's median over the rounds (µs per operation) and its range, and the ratios
 * connection/floor and client/floor. Wall time is not used: CPU varies less on a shared machine.
 *
 * - get: `get(k)` of a 32-byte value, 1 in flight, 20,000 times.
 * - blpop: 50 consumers in `BLPOP key 30`, one producer with at most 50 RPUSHes in flight
 *   (on the shared connection), 20,000 items.
 */
import { fork } from "node:child_process";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { blpopWork, cpuMicros, median } from "./cpu-work.mjs";
import { nodeFloor } from "./floor.mjs";
import { VALUE32 } from "./scenarios.mjs";
import { RawClient } from "./raw.mjs";
import { startServer } from "./server.mjs";

const self = fileURLToPath(import.meta.url);
const WAYS = ["floor", "connection", "client"];
/** The key the get scenario reads (set by the parent). */
const GET_KEY = "layers:str32";

/** The operations of one way: `get(k)`, `pop(k, t)` (one per consumer), `push(k, v)`, `close()`. */
async function openWay(way, entry, host, port, mode, consumers) {
  const decode = mode === "string";
  if (way === "floor") {
    const f = await nodeFloor({ host, port, mode });
    const blocking = await f.blockingConsumers(consumers);
    return {
      get: f.get,
      pops: blocking.pops,
      push: (k, v) => f.rpush(k, v),
      close: async () => {
        await blocking.close();
        await f.close();
      },
    };
  }
  const mod = await import(pathToFileURL(path.resolve(entry)).href);
  const { sendOptions } = await import(pathToFileURL(path.resolve(path.dirname(entry), "connection/pending.js")).href);
  const r = new mod.Redis({ host, port, decodeResponses: decode });
  await r.ping();
  const second = (x) => (x == null ? null : x[1]);
  if (way === "client") {
    return {
      get: (k) => r.get(k),
      pops: Array.from({ length: consumers }, () => (k, t) => r.blpop([k], t).then(second)),
      push: (k, v) => r.rpush(k, v),
      close: () => r.close(),
    };
  }
  // The connection layer: the shared connection for GET and RPUSH, a pooled connection per consumer.
  const shared = r.connectionPool.sharedConnection();
  const conns = await Promise.all(Array.from({ length: consumers }, () => r.connectionPool.getConnection()));
  return {
    get: (k) => shared.send(["GET", k], undefined),
    pops: conns.map((c) => (k, t) => c.send(["BLPOP", k, t], sendOptions(undefined, undefined, undefined, false, t)).then(second)),
    push: (k, v) => shared.send(["RPUSH", k, v], undefined),
    close: async () => {
      for (const c of conns) r.connectionPool.release(c);
      await r.close();
    },
  };
}

async function child() {
  const [way, entry, mode, scenario, portText, countText, batchesText] = process.argv.slice(3);
  const count = Number(countText);
  const batches = Number(batchesText);
  const send = (m) => new Promise((res) => process.send(m, res));
  const consumers = scenario === "blpop" ? 50 : 0;
  const ops = await openWay(way, entry, "127.0.0.1", Number(portText), mode, consumers);
  let measure;
  if (scenario === "get") {
    measure = async (n) => {
      const t0 = cpuMicros();
      for (let i = 0; i < n; i++) await ops.get(GET_KEY);
      return cpuMicros() - t0;
    };
  } else {
    const work = await blpopWork(ops.pops, ops.push, `layers:queue:${process.pid}`);
    measure = work.measure;
    ops.stopConsumers = work.stop;
  }
  await measure(Math.max(500, count >> 2)); // warm-up
  const runs = [];
  for (let i = 0; i < batches; i++) runs.push((await measure(count)) / count);
  if (ops.stopConsumers) await ops.stopConsumers();
  await ops.close();
  await send({ result: median(runs) });
  process.exit(0);
}

function runChild(way, entry, mode, scenario, port, count, batches) {
  return new Promise((resolve, reject) => {
    const c = fork(self, ["--child", way, entry, mode, scenario, String(port), String(count), String(batches)], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let result = null;
    c.on("message", (m) => (result = m.result));
    c.on("exit", (code) => (result !== null ? resolve(result) : reject(new Error(`${way}/${scenario} exited with ${code} before reporting`))));
  });
}

function option(args, name, fallback) {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1];
}

async function main() {
  const args = process.argv.slice(2);
  const only = option(args, "--only", "get,blpop").split(",");
  const mode = option(args, "--mode", "string");
  const rounds = Number(option(args, "--rounds", "6"));
  const batches = Number(option(args, "--batches", "5"));
  const scale = Number(option(args, "--scale", "1"));
  const entry = option(args, "--entry", path.join(path.dirname(self), "..", "dist", "src", "index.js"));
  for (const s of only) if (s !== "get" && s !== "blpop") throw new Error(`unknown scenario ${s} (get, blpop)`);
  if (!(rounds >= 1) || !(batches >= 1) || !(scale > 0)) throw new Error("--rounds and --batches must be at least 1, --scale above 0");
  const server = await startServer({ local: true });
  try {
    const raw = await RawClient.connect(server.host, server.port);
    await raw.command("SET", GET_KEY, VALUE32);
    raw.close();
    for (const scenario of only) {
      const count = Math.max(50, Math.round(20_000 * scale));
      const results = Object.fromEntries(WAYS.map((w) => [w, []]));
      for (let round = 0; round < rounds; round++) {
        for (let k = 0; k < WAYS.length; k++) {
          const way = WAYS[(k + round) % WAYS.length];
          results[way].push(await runChild(way, entry, mode, scenario, server.port, count, batches));
        }
      }
      const m = Object.fromEntries(WAYS.map((w) => [w, median(results[w])]));
      const fmt = (w) => `${w} ${m[w].toFixed(2)} µs (${Math.min(...results[w]).toFixed(2)}-${Math.max(...results[w]).toFixed(2)})`;
      console.log(
        `${scenario} ${mode}: CPU per operation ${WAYS.map(fmt).join("  ")}  ` +
          `connection/floor ${(m.connection / m.floor).toFixed(3)}  client/floor ${(m.client / m.floor).toFixed(3)}  [${rounds} rounds, median of ${batches} runs of ${count} ops per child]`,
      );
    }
  } finally {
    await server.stop();
  }
}

if (process.argv[2] === "--child") {
  child().catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().catch((err) => {
    console.error(err.message);
    process.exit(1);
  });
}
