#!/usr/bin/env node
/**
 * CPU per operation of two builds of aioredis, A/B, for profiling work on a loaded machine:
 *
 *   node bench/ab-cpu.mjs --a <entry> --b <entry> [--only pubsub,blpop,get] [--mode string|buffer]
 *                         [--rounds 7] [--batches 5] [--scale 1] [--traced-b]
 *
 * `--a` / `--b` are compiled entries (e.g. a copy of an older dist/src/index.js). Each round runs
 * every scenario once per build, in a child process of its own, the order of A and B alternating
 * round by round. A child warms up, then measures its own user + system CPU time
 * (`process.cpuUsage()`) over a fixed amount of work, `--batches` times, and reports the
 * median of those runs; wall time is not used. Printed per
 * scenario: each build's median CPU per operation (µs) with its range, and the median of the
 * rounds' B/A ratios with their range (below 1: B costs less).
 *
 * - pubsub: one subscriber iterating `listen()`; 100,000 PUBLISHes of 64 bytes fired by this
 *   (parent) process over a raw connection, as the benchmark's "publisher in another process".
 * - pubsub-run: the same with a handler (`subscribe({ channel: handler })`) and `run()`.
 * - blpop: 50 consumers in `blpop(key, 30)` on one client, one producer of the same client with
 *   at most 50 RPUSHes in flight; 20,000 items.
 * - get: `await get(k)` in a loop (1 in flight), 20,000 times.
 * - lrange: `lrange(k, 0, -1)` of a 10,000-element list, 4 in flight, 200 times (the bench's values).
 * - hgetall: `hgetall(k)` of a 1,000-field hash, 4 in flight, 1,500 times.
 * - pipeline: pipelines (no transaction) of 10,000 SETs of 32 bytes, 100,000 SETs in all; per SET.
 * - transaction: `pipeline({ transaction: true }).incr(k).expire(k, 100).execute()`, 50 in flight
 *   (each on a key of its own), 20,000 times; per transaction.
 *
 * `--traced-b`: B's children subscribe a no-op to every channel aioredis publishes on (each
 * event of its tracing channels and each point channel), A's do not. With the same entry for
 * `--a` and `--b` this is the CPU cost of the tracing hooks with a subscriber.
 */
import { fork } from "node:child_process";
import dc from "node:diagnostics_channel";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as path from "node:path";
import { blpopWork, cpuMicros, median } from "./cpu-work.mjs";
import { RawClient, encode } from "./raw.mjs";
import { startServer } from "./server.mjs";
import { PAYLOAD64, VALUE32 } from "./scenarios.mjs";

const self = fileURLToPath(import.meta.url);

/** A no-op subscriber on every channel in `channels` (tracing channels: all five events). */
function subscribeEverywhere(channels) {
  const noop = () => {};
  for (const name of Object.values(channels)) {
    const tracing = dc.tracingChannel(name);
    // A tracing channel's events are sub-channels (tracing:<name>:start...); the rest are point channels.
    tracing.subscribe({ start: noop, end: noop, asyncStart: noop, asyncEnd: noop, error: noop });
    dc.subscribe(name, noop);
  }
}

// ---- child -------------------------------------------------------------------------------

async function child() {
  const [entry, mode, scenario, port, countText, batchesText, traced] = process.argv.slice(3);
  const count = Number(countText);
  const batches = Number(batchesText);
  /** The median over `batches` measured runs of `measure(count)` (CPU µs), per operation. */
  const perOp = async (measure) => {
    const runs = [];
    for (let i = 0; i < batches; i++) runs.push((await measure(count)) / count);
    return median(runs);
  };
  const { Redis, CHANNELS } = await import(pathToFileURL(path.resolve(entry)).href);
  if (traced === "traced") subscribeEverywhere(CHANNELS);
  const r = new Redis({ host: "127.0.0.1", port: Number(port), decodeResponses: mode === "string" });
  const send = (m) => new Promise((res) => process.send(m, res));
  if (scenario === "pubsub" || scenario === "pubsub-run") {
    const channel = `ab:chan:${process.pid}`;
    const p = r.pubsub({ ignoreSubscribeMessages: true });
    let got = 0;
    let target = Number.POSITIVE_INFINITY;
    let reached = null;
    const onMessage = (m) => {
      if (m.type === "message" && m.data.length === 64 && ++got === target) reached();
    };
    if (scenario === "pubsub") {
      await p.subscribe(channel);
      (async () => {
        for await (const m of p.listen()) onMessage(m);
      })();
    } else {
      await p.subscribe({ [channel]: onMessage });
      p.run().catch(() => {});
    }
    const batch = async (n) => {
      got = 0;
      target = n;
      const done = new Promise((res) => (reached = res));
      await send({ publish: n, channel });
      const t0 = cpuMicros();
      await done;
      return cpuMicros() - t0;
    };
    await batch(Math.max(1000, count >> 2)); // warm-up
    await send({ result: await perOp(batch) });
    await p.close();
  } else if (scenario === "blpop") {
    const pops = Array.from({ length: 50 }, () => (k, t) => r.blpop([k], t).then((got) => (got === null ? null : got[1])));
    const work = await blpopWork(pops, (k, v) => r.rpush(k, v), `ab:queue:${process.pid}`);
    await work.measure(Math.max(500, count >> 2));
    const result = await perOp(work.measure);
    await work.stop();
    await send({ result });
  } else if (scenario === "get") {
    await r.set("ab:str32", VALUE32);
    const run = async (n) => {
      const t0 = cpuMicros();
      for (let i = 0; i < n; i++) await r.get("ab:str32");
      return cpuMicros() - t0;
    };
    await run(Math.max(500, count >> 2));
    await send({ result: await perOp(run) });
  } else if (scenario === "pipeline") {
    const keys = Array.from({ length: 10_000 }, (_, i) => `ab:pipe:${i}`);
    const run = async (n) => {
      const t0 = cpuMicros();
      for (let done = 0; done < n; done += keys.length) {
        const p = r.pipeline({ transaction: false });
        for (let i = 0; i < keys.length; i++) p.set(keys[i], VALUE32);
        await p.execute();
      }
      return cpuMicros() - t0;
    };
    await run(Math.max(keys.length, count >> 2));
    await send({ result: await perOp(run) });
  } else if (scenario === "transaction") {
    const run = async (n) => {
      let left = n;
      const t0 = cpuMicros();
      const lane = async (i) => {
        const key = `ab:tx:${i}`;
        while (left-- > 0) await r.pipeline({ transaction: true }).incr(key).expire(key, 100).execute();
      };
      await Promise.all(Array.from({ length: 50 }, (_, i) => lane(i)));
      return cpuMicros() - t0;
    };
    await run(Math.max(500, count >> 2));
    await send({ result: await perOp(run) });
  } else if (scenario === "lrange" || scenario === "hgetall") {
    const key = `ab:${scenario}:${process.pid}`;
    if (scenario === "lrange") {
      for (let i = 0; i < 10_000; i += 1000) await r.rpush(key, ...Array.from({ length: 1000 }, (_, j) => `item:${String(i + j).padStart(5, "0")}`));
    } else {
      const fields = {};
      for (let i = 0; i < 1000; i++) fields[`field:${String(i).padStart(4, "0")}`] = `value:${String(i).padStart(4, "0")}`;
      await r.hset(key, { mapping: fields });
    }
    const op = scenario === "lrange" ? () => r.lrange(key, 0, -1) : () => r.hgetall(key);
    const run = async (n) => {
      let left = n;
      const t0 = cpuMicros();
      const lane = async () => {
        while (left > 0) {
          left--;
          await op();
        }
      };
      await Promise.all([lane(), lane(), lane(), lane()]);
      return cpuMicros() - t0;
    };
    await run(Math.max(20, count >> 2));
    await send({ result: await perOp(run) });
    await r.delete(key);
  } else throw new Error(`unknown scenario ${scenario}`);
  await r.close();
  process.exit(0);
}

// ---- parent ------------------------------------------------------------------------------

const COUNTS = { pubsub: 100_000, "pubsub-run": 100_000, blpop: 20_000, get: 20_000, lrange: 200, hgetall: 1_500, pipeline: 100_000, transaction: 20_000 };

async function runChild(entry, mode, scenario, port, count, batches, raw, traced) {
  return new Promise((resolve, reject) => {
    const c = fork(self, ["--child", entry, mode, scenario, String(port), String(count), String(batches), traced ? "traced" : "plain"], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let result = null;
    c.on("message", async (m) => {
      if (m.publish) {
        const encoded = Buffer.from(encode(["PUBLISH", m.channel, PAYLOAD64]).repeat(m.publish));
        await raw.fire(encoded, m.publish);
      } else if (m.result !== undefined) result = m.result;
    });
    c.on("error", reject);
    c.on("exit", (code) => (code === 0 && result !== null ? resolve(result) : reject(new Error(`child ${scenario} exited ${code}`))));
  });
}

async function parent() {
  const args = process.argv.slice(2);
  const o = { only: ["pubsub", "blpop", "get"], mode: "string", rounds: 7, batches: 5, scale: 1, a: null, b: null, tracedB: false };
  for (let i = 0; i < args.length; i++) {
    const v = () => args[++i];
    if (args[i] === "--a") o.a = v();
    else if (args[i] === "--b") o.b = v();
    else if (args[i] === "--only") o.only = v().split(",");
    else if (args[i] === "--mode") o.mode = v();
    else if (args[i] === "--rounds") o.rounds = Number(v());
    else if (args[i] === "--scale") o.scale = Number(v());
    else if (args[i] === "--batches") o.batches = Number(v());
    else if (args[i] === "--traced-b") o.tracedB = true;
    else throw new Error(`unknown option ${args[i]}`);
  }
  if (!o.a || !o.b) throw new Error("--a <entry> and --b <entry> are required");
  const server = await startServer({ local: true, args: ["--client-output-buffer-limit", "pubsub", "0", "0", "0"] });
  const raw = await RawClient.connect(server.host, server.port);
  try {
    for (const scenario of o.only) {
      const count = Math.round(COUNTS[scenario] * o.scale);
      const res = { a: [], b: [] };
      const ratios = [];
      for (let round = 0; round < o.rounds; round++) {
        const order = round % 2 === 0 ? ["a", "b"] : ["b", "a"];
        const got = {};
        for (const which of order) got[which] = await runChild(o[which], o.mode, scenario, server.port, count, o.batches, raw, which === "b" && o.tracedB);
        res.a.push(got.a);
        res.b.push(got.b);
        ratios.push(got.b / got.a);
      }
      const fmt = (xs, d = 3) => `${median(xs).toFixed(d)} (${Math.min(...xs).toFixed(d)}-${Math.max(...xs).toFixed(d)})`;
      console.log(
        `${scenario} ${o.mode}: CPU µs/op A ${fmt(res.a)}  B ${fmt(res.b)}  B/A ${fmt(ratios)}  [${o.rounds} rounds, median of ${o.batches} runs of ${count} ops per child]`,
      );
    }
  } finally {
    raw.close();
    await server.stop();
  }
}

if (process.argv[2] === "--child") await child();
else await parent();
