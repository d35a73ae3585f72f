/**
 * One process per client under test, driven by run.mjs over IPC. Keeping each client in a
 * process of its own means one client's garbage is never collected during another's run,
 * and the JIT state of one does not leak into another; the orchestrator still interleaves
 * the runs (one client at a time, round-robin) so that all clients share the machine's noise.
 *
 * A worker measures one client in one reply mode ("string" or "buffer"): run.mjs starts one
 * per (client, mode) pair.
 *
 * Messages: {id, cmd: "init" | "prepare" | "run" | "cleanup" | "exit", ...} -> {id, ok, ...}.
 */
import { fork } from "node:child_process";
import dc from "node:diagnostics_channel";
import { syncBuiltinESMExports } from "node:module";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { PendingApiError, createAdapter, isMissingApi } from "./clients.mjs";
import { RawClient, encode, parseInfo } from "./raw.mjs";
import {
  BIG_KEYS,
  CHANNEL,
  GETSET_KEYS,
  KEY_1MB,
  KEY_BIG,
  KEY_HASH,
  KEY_LIST,
  KEY_QUEUE,
  KEY_STR,
  MGET_KEYS,
  PAYLOAD64,
  VALUE100K,
  VALUE32,
} from "./scenarios.mjs";

// ---- tracing channels ---------------------------------------------------------------------
// node:diagnostics_channel cannot list its channels, so the names a library asks for are
// recorded as it creates them: channel() / tracingChannel() are wrapped before any client is
// imported (syncBuiltinESMExports() makes `import { channel } from ...` see the wrappers too).
// Only names starting with "aioredis:" are kept.
const PREFIX = "aioredis:";
const seenChannels = new Set();
const seenTracing = new Set();
{
  const channel = dc.channel;
  const tracingChannel = dc.tracingChannel;
  dc.channel = function (name, ...rest) {
    if (typeof name === "string" && name.startsWith(PREFIX)) seenChannels.add(name);
    return channel.call(this, name, ...rest);
  };
  if (typeof tracingChannel === "function") {
    dc.tracingChannel = function (name, ...rest) {
      if (typeof name === "string" && name.startsWith(PREFIX)) seenTracing.add(name);
      return tracingChannel.call(this, name, ...rest);
    };
  }
  syncBuiltinESMExports();
}

/** Channel names the aioredis module exports (strings, or string values of exported plain objects). */
function exportedChannelNames(mod) {
  const out = [];
  const visit = (v, depth) => {
    if (typeof v === "string" && v.startsWith(PREFIX)) out.push(v);
    else if (v && typeof v === "object" && depth < 2 && Object.getPrototypeOf(v) === Object.prototype) {
      for (const x of Object.values(v)) visit(x, depth + 1);
    }
  };
  for (const v of Object.values(mod ?? {})) visit(v, 0);
  return out;
}

let traceSink = 0;
/** This worker measures aioredis with a subscriber (run.mjs's `TRACED`); subscribed once, at the traced scenario's first prepare. */
let tracedWorker = false;
let subscribed = false;
const onTrace = () => {
  traceSink++;
};
const TRACING_HANDLERS = { start: onTrace, end: onTrace, asyncStart: onTrace, asyncEnd: onTrace, error: onTrace };

/** Subscribes a no-op to every aioredis channel (for good: the traced worker never unsubscribes). */
function subscribeTracing() {
  const names = [...new Set([...seenChannels, ...exportedChannelNames(adapter.module)])];
  for (const n of names) dc.subscribe(n, onTrace);
  for (const n of seenTracing) dc.tracingChannel(n).subscribe(TRACING_HANDLERS);
}

const here = path.dirname(fileURLToPath(import.meta.url));

const now = () => performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const gc = globalThis.gc ?? (() => {});
/** Each worker gets its own channel and queue, so no other worker's subscriber or consumer is ever woken. */
const channel = () => `${CHANNEL}:${clientName}:${mode}`;
const queueKey = () => `${KEY_QUEUE}:${clientName}:${mode}`;

let adapter = null;
let control = null;
let clientName = "";
/** "string" or "buffer". */
let mode = "string";
/** Cluster startup nodes ([{host, port}]) when run.mjs started a cluster; its adapter, made on first use. */
let clusterNodes = null;
let clusterAdapter = null;
let controlAddress = null;
/** What this worker's client sends as values and expects back, in its mode. */
const wire = (s) => (mode === "buffer" ? Buffer.from(s) : s);
let BIG = VALUE100K;
/** Per-scenario state made by prepare(). */
const state = new Map();

function percentiles(samples) {
  if (samples.length === 0) return { p50: null, p99: null };
  const a = Float64Array.from(samples).sort();
  const at = (q) => a[Math.min(a.length - 1, Math.floor(q * a.length))];
  return { p50: at(0.5), p99: at(0.99) };
}

function assert(cond, message) {
  if (!cond) throw new Error(`${clientName}: ${message}`);
}

const GS_KEYS = Array.from({ length: GETSET_KEYS }, (_, i) => `bench:gs:${i}`);
const MGET = GS_KEYS.slice(0, MGET_KEYS);
const BIG_KEY_NAMES = Array.from({ length: BIG_KEYS }, (_, i) => `${KEY_BIG}:${i}`);

/** Equal as the mode's type: a string, or a Buffer with these bytes. */
function same(value, expected) {
  if (mode === "buffer") return Buffer.isBuffer(value) && value.equals(Buffer.from(expected));
  return value === expected;
}
const kindOf = (v) => (Buffer.isBuffer(v) ? "a Buffer" : typeof v);

function operation(op, cluster = false) {
  const a = cluster ? clusterAdapter : adapter;
  switch (op) {
    case "get":
      return () => a.get(KEY_STR);
    case "getcached":
      return (i) => cachedAdapter.get(GS_KEYS[i % GETSET_KEYS]);
    case "getset":
      return (i) => ((i & 1) === 0 ? a.set(GS_KEYS[i % GETSET_KEYS], VALUE32) : a.get(GS_KEYS[i % GETSET_KEYS]));
    case "get1mb":
      return () => a.get(KEY_1MB);
    case "lrange":
      return () => a.lrange(KEY_LIST);
    case "hgetall":
      return () => a.hgetall(KEY_HASH);
    case "mget":
      return () => a.mget(MGET);
    case "setbig":
      return (i) => a.set(BIG_KEY_NAMES[i % BIG_KEYS], BIG);
    default:
      throw new Error(`unknown op ${op}`);
  }
}

/** Checks once that the client returns what the scenario expects (so no client wins by doing less). */
async function validate(op, cluster = false) {
  const f = operation(op, cluster);
  const r0 = await f(0);
  const r1 = await f(1);
  const want = mode === "buffer" ? "Buffers" : "strings";
  switch (op) {
    case "get":
      assert(same(r0, VALUE32), `GET returned ${kindOf(r0)}, expected ${want}`);
      break;
    case "getset":
      assert(same(r1, VALUE32), `GET returned ${kindOf(r1)}, expected ${want}`);
      break;
    case "getcached":
      // node-redis' cache hands back a structuredClone, which turns a Buffer into a plain
      // Uint8Array: the same bytes, accepted (and noted in the scenario's README entry).
      assert(
        same(r1, VALUE32) || (mode === "buffer" && r1 instanceof Uint8Array && Buffer.from(r1.buffer, r1.byteOffset, r1.length).equals(Buffer.from(VALUE32))),
        `GET returned ${kindOf(r1)}, expected ${want}`,
      );
      break;
    case "get1mb":
      assert(
        mode === "buffer" ? Buffer.isBuffer(r0) && r0.length === 1024 * 1024 : typeof r0 === "string" && r0.length === 1024 * 1024,
        `GET 1 MB did not return 1 MB as ${want}`,
      );
      break;
    case "lrange":
      assert(Array.isArray(r0) && r0.length === 10_000 && same(r0[9999], "item:09999"), `LRANGE did not return 10,000 ${want}`);
      break;
    case "hgetall":
      assert(
        r0 && typeof r0 === "object" && Object.keys(r0).length === 1000 && same(r0["field:0999"], "value:0999"),
        `HGETALL did not return an object of 1,000 fields (${want})`,
      );
      break;
    case "mget":
      assert(Array.isArray(r0) && r0.length === MGET_KEYS && r0.every((v) => same(v, VALUE32)), `MGET did not return ${MGET_KEYS} ${want}`);
      break;
    case "setbig": {
      assert(r0 === "OK" || r0 === true || same(r0, "OK"), `SET returned ${kindOf(r0)}`);
      const back = await control.command("STRLEN", BIG_KEY_NAMES[1]);
      assert(back === VALUE100K.length, `SET of 100 KB stored ${back} bytes`);
      break;
    }
  }
}

/**
 * `concurrency` lanes; each sends its next command when the previous one is answered, until
 * a timer ends the run. The harness stays out of the way: no closure per command, and with
 * many in flight the latency of one command in 8 is sampled (two clock reads per sample).
 */
function closedLoop(f, concurrency, durationMs) {
  return new Promise((resolve, reject) => {
    const sampleMask = concurrency >= 100 ? 7 : 0;
    const lat = [];
    let ops = 0;
    let active = concurrency;
    let seq = 0;
    let stop = false;
    const start = now();
    const timer = setTimeout(() => (stop = true), durationMs);
    const finish = () => {
      const elapsedMs = now() - start;
      clearTimeout(timer);
      resolve({ ops, elapsedMs, ...percentiles(lat) });
    };
    const lane = () => {
      let t0 = 0;
      const onReply = () => {
        ops++;
        if (t0 !== 0) lat.push(now() - t0);
        // Replies served from memory (the cached scenario) never yield to the event loop, so
        // the timer could not fire: the clock is also read every 1,024 replies.
        if ((ops & 1023) === 0 && now() - start >= durationMs) stop = true;
        if (!stop) issue();
        else if (--active === 0) finish();
      };
      const issue = () => {
        const i = seq++;
        t0 = (i & sampleMask) === 0 ? now() : 0;
        f(i).then(onReply, reject);
      };
      return issue;
    };
    for (let c = 0; c < concurrency; c++) lane()();
  });
}

/** Repeats `batch()` (one unit of `size` commands) until `durationMs` has passed, at least once. */
async function batchLoop(batch, size, durationMs) {
  const lat = [];
  const start = now();
  do {
    const t0 = now();
    await batch();
    lat.push(now() - t0);
  } while (now() - start < durationMs);
  const elapsedMs = now() - start;
  return { ops: lat.length * size, elapsedMs, batches: lat.length, ...percentiles(lat) };
}

async function waitFor(check, what, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`${clientName}: timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** The cluster adapter, connected on first use. */
/** The cached scenario's client: a second client of the same library with its client-side cache on. */
let cachedAdapter = null;
async function useCached() {
  if (typeof adapter.cached !== "function") throw new Error(`${clientName} has no client-side cache`);
  cachedAdapter ??= await adapter.cached();
  // warm: every hot key read once, so the run measures hits; then check that they are hits
  await Promise.all(GS_KEYS.map((k) => cachedAdapter.get(k)));
  const before = cachedAdapter.stats().hits;
  await Promise.all(GS_KEYS.map((k) => cachedAdapter.get(k)));
  const hits = cachedAdapter.stats().hits - before;
  assert(hits >= GS_KEYS.length * 0.9, `${clientName}'s cache served ${hits} of ${GS_KEYS.length} warm reads`);
  return cachedAdapter;
}

async function useCluster() {
  if (!clusterNodes) throw new Error("no cluster: run.mjs did not start one");
  clusterAdapter ??= await adapter.cluster(clusterNodes);
  return clusterAdapter;
}

/** A publisher in a process of its own (bench/publisher.mjs), connected and with its PUBLISHes encoded. */
async function startPublisher(s) {
  const child = fork(path.join(here, "publisher.mjs"), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const waiting = new Map();
  let seq = 0;
  child.on("message", (m) => {
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    if (m.ok) w.resolve(m);
    else w.reject(new Error(`publisher: ${m.message}`));
  });
  child.on("exit", (code) => {
    for (const w of waiting.values()) w.reject(new Error(`publisher exited (${code})`));
    waiting.clear();
  });
  const request = (msg) =>
    new Promise((resolve, reject) => {
      const id = ++seq;
      waiting.set(id, { resolve, reject });
      child.send({ id, ...msg });
    });
  await request({ cmd: "init", host: controlAddress.host, port: controlAddress.port, channel: channel(), payload: PAYLOAD64, messages: s.messages });
  return {
    fire: () => request({ cmd: "fire" }),
    close: async () => {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill();
      await exited;
    },
  };
}

async function prepare(s) {
  gc();
  if (s.traced) {
    if (clientName !== "aioredis") throw new Error("the traced scenario measures aioredis only");
    // Channels may be created lazily, on the first command: one first.
    await adapter.get(KEY_STR);
    const found = new Set([...seenChannels, ...seenTracing, ...exportedChannelNames(adapter.module)]);
    if (found.size === 0) throw new PendingApiError("diagnostics channels", "pending: no tracing channels yet");
    if (tracedWorker && !subscribed) {
      subscribeTracing();
      subscribed = true;
    }
  }
  if (s.cluster) await useCluster();
  if (s.cached) await useCached();
  switch (s.kind) {
    case "closed":
      if (s.cluster && s.op === "getset") await Promise.all(GS_KEYS.map((k) => clusterAdapter.set(k, VALUE32)));
      await validate(s.op, !!s.cluster);
      return {};
    case "pipeline": {
      const keys = Array.from({ length: s.size }, (_, i) => `bench:${s.cluster ? "cpipe" : "pipe"}:${i}`);
      const a = s.cluster ? clusterAdapter : adapter;
      const replies = await a.pipelineSet(keys.slice(0, 3), VALUE32);
      assert(Array.isArray(replies) && replies.length === 3, "pipeline did not return 3 replies");
      state.set(s.id, { keys, a });
      return {};
    }
    case "inflight": {
      const keys = Array.from({ length: s.size }, (_, i) => `bench:inflight:${i}`);
      state.set(s.id, { keys });
      return {};
    }
    case "pubsub": {
      const st = { count: 0, target: 0, done: null, encoded: null, check: null, unsubscribe: null, publisher: null };
      const unsubscribe = await adapter.subscribe(channel(), (message) => {
        if (st.check) st.check(message);
        if (++st.count === st.target && st.done) st.done();
      });
      st.unsubscribe = unsubscribe;
      await waitFor(async () => (await control.command("PUBSUB", "NUMSUB", channel()))[1] >= 1, "the subscription");
      if (s.publisher === "process") st.publisher = await startPublisher(s);
      else st.encoded = Buffer.from(encode(["PUBLISH", channel(), PAYLOAD64]).repeat(s.messages));
      // Check once that a message arrives, intact.
      let received = null;
      st.target = 1;
      const first = new Promise((r) => (st.done = r));
      st.check = (m) => (received = m);
      await control.command("PUBLISH", channel(), PAYLOAD64);
      await Promise.race([first, sleep(5000)]);
      st.check = null;
      assert(
        st.count === 1 && same(received, PAYLOAD64),
        `the subscriber did not receive the test message intact as ${mode === "buffer" ? "a Buffer" : "a string"} (got ${kindOf(received)})`,
      );
      state.set(s.id, st);
      return {};
    }
    case "blpop": {
      await control.command("DEL", queueKey());
      const consumers = await adapter.blockingConsumers(s.consumers);
      state.set(s.id, { consumers });
      // Check once that an item goes through the client's RPUSH and BLPOP intact.
      await adapter.rpush(queueKey(), "12.5");
      const item = await consumers.pops[0](queueKey(), 5);
      assert(same(item, "12.5"), `BLPOP returned ${kindOf(item)} instead of the pushed item as ${mode === "buffer" ? "a Buffer" : "a string"}`);
      return {};
    }
    default:
      throw new Error(`unknown kind ${s.kind}`);
  }
}

async function blockedClients() {
  return Number(parseInfo(await control.command("INFO", "clients")).blocked_clients ?? 0);
}

async function run(s) {
  // A full collection before each run (no earlier run's garbage collected during this one),
  // except where a scenario says a forced collection distorts what it measures.
  if (!s.noForcedGc) gc();
  // The process's CPU time and minor page faults during the run (fresh memory for large
  // replies shows up as page faults and system time: see "Profile findings" in bench/README.md).
  const u0 = process.resourceUsage();
  const result = await runScenario(s);
  const u1 = process.resourceUsage();
  return {
    ...result,
    userCpuUs: u1.userCPUTime - u0.userCPUTime,
    sysCpuUs: u1.systemCPUTime - u0.systemCPUTime,
    minorFaults: u1.minorPageFault - u0.minorPageFault,
  };
}

async function runScenario(s) {
  switch (s.kind) {
    case "closed":
      return closedLoop(operation(s.op, !!s.cluster), s.concurrency, s.durationMs);
    case "pipeline": {
      const { keys, a } = state.get(s.id);
      return batchLoop(() => a.pipelineSet(keys, VALUE32), keys.length, s.durationMs);
    }
    case "inflight": {
      const { keys } = state.get(s.id);
      return batchLoop(
        () => {
          const ps = new Array(keys.length);
          for (let i = 0; i < keys.length; i++) ps[i] = adapter.set(keys[i], VALUE32);
          return Promise.all(ps);
        },
        keys.length,
        s.durationMs,
      );
    }
    case "pubsub": {
      const st = state.get(s.id);
      st.count = 0;
      st.target = s.messages;
      const done = new Promise((r) => (st.done = r));
      const start = now();
      const published = st.publisher ? st.publisher.fire() : control.fire(st.encoded, s.messages);
      let timer;
      const timeout = new Promise((_, rej) => {
        timer = setTimeout(() => rej(new Error(`${clientName}: received ${st.count}/${s.messages} messages after 60 s`)), 60_000);
      });
      await Promise.race([done, timeout]);
      const elapsedMs = now() - start;
      clearTimeout(timer);
      await published;
      return { ops: s.messages, elapsedMs, p50: null, p99: null };
    }
    case "blpop": {
      // One producer (at most `window` RPUSHes awaiting replies) pushes for `durationMs`;
      // each item carries its push time, so latency is push -> pop.
      const { consumers } = state.get(s.id);
      const lat = [];
      let consumed = 0;
      let produced = 0;
      let producing = true;
      let lastAt = 0;
      let allConsumed;
      const finished = new Promise((r) => (allConsumed = r));
      const loops = consumers.pops.map(async (pop) => {
        for (;;) {
          const got = await pop(queueKey(), 30);
          const v = got === null || typeof got === "string" ? got : got.toString();
          if (v === null || v === "stop") return;
          const t = now();
          lat.push(t - Number(v));
          lastAt = t;
          if (++consumed === produced && !producing) allConsumed();
        }
      });
      await waitFor(async () => (await blockedClients()) >= consumers.pops.length, `${consumers.pops.length} blocked consumers`);
      const start = now();
      const deadline = start + s.durationMs;
      const producerLane = async () => {
        while (now() < deadline) {
          produced++;
          await adapter.rpush(queueKey(), String(now()));
        }
      };
      await Promise.all(Array.from({ length: s.window }, producerLane));
      producing = false;
      if (consumed === produced) allConsumed();
      let timer;
      await Promise.race([
        finished,
        new Promise((_, rej) => {
          timer = setTimeout(() => rej(new Error(`${clientName}: consumed ${consumed}/${produced} items 60 s after the producer stopped`)), 60_000);
        }),
      ]);
      clearTimeout(timer);
      await control.command("RPUSH", queueKey(), ...Array(consumers.pops.length).fill("stop"));
      await Promise.all(loops);
      return { ops: produced, elapsedMs: lastAt - start, ...percentiles(lat) };
    }
    default:
      throw new Error(`unknown kind ${s.kind}`);
  }
}

async function cleanup(s) {
  const st = state.get(s.id);
  state.delete(s.id);
  if (!st) return;
  if (st.unsubscribe) await st.unsubscribe();
  if (st.publisher) await st.publisher.close();
  if (st.consumers) await st.consumers.close();
  gc();
}

async function handle(msg) {
  switch (msg.cmd) {
    case "init": {
      // run.mjs's second aioredis of the traced scenario: a no-op subscriber on every channel, kept for good.
      tracedWorker = msg.traced === true;
      clientName = msg.client;
      mode = msg.mode ?? "string";
      BIG = wire(VALUE100K);
      clusterNodes = msg.cluster ?? null;
      controlAddress = { host: msg.host, port: msg.port };
      control = await RawClient.connect(msg.host, msg.port);
      adapter = await createAdapter(clientName, { host: msg.host, port: msg.port, entry: msg.entry, mode });
      return { notes: adapter.notes };
    }
    case "prepare":
      return prepare(msg.scenario);
    case "run":
      return run(msg.scenario);
    case "cleanup":
      await cleanup(msg.scenario);
      return {};
    case "exit":
      try {
        await cachedAdapter?.close();
      } catch {
        /* closing is best effort */
      }
      try {
        await clusterAdapter?.close();
      } catch {
        /* closing is best effort */
      }
      try {
        await adapter?.close();
      } catch {
        /* closing is best effort */
      }
      control?.close();
      setImmediate(() => process.exit(0));
      return {};
    default:
      throw new Error(`unknown command ${msg.cmd}`);
  }
}

function describeError(err) {
  const text = err?.message || err?.name || String(err);
  return text && text !== "Error"
    ? text
    : `${err?.constructor?.name ?? "Error"} without a message: ${String(err?.stack ?? err)
        .split("\n")
        .slice(0, 3)
        .join(" ")}`;
}

process.on("message", (msg) => {
  handle(msg).then(
    (result) => process.send({ id: msg.id, ok: true, result }),
    (err) =>
      process.send({
        id: msg.id,
        ok: false,
        pending: isMissingApi(err),
        error: String(err?.stack ?? err),
        message: describeError(err),
      }),
  );
});
process.on("disconnect", () => process.exit(0));
