/**
 * One process per client under test, driven by run.mjs over IPC. Keeping each client in a
 * process of its own means one client's garbage is never collected during another's run,
 * and the JIT state of one does not leak into another; the orchestrator still interleaves
 * the runs (one client at a time, round-robin) so that all clients share the machine's noise.
 *
 * Messages: {id, cmd: "init" | "prepare" | "run" | "cleanup" | "exit", ...} -> {id, ok, ...}.
 */
import { performance } from "node:perf_hooks";
import { createAdapter, isMissingApi } from "./clients.mjs";
import { RawClient, encode, parseInfo } from "./raw.mjs";
import { CHANNEL, GETSET_KEYS, KEY_1MB, KEY_HASH, KEY_LIST, KEY_QUEUE, KEY_STR, PAYLOAD64, VALUE32 } from "./scenarios.mjs";

const now = () => performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const gc = globalThis.gc ?? (() => {});
/** Each client gets its own channel and queue, so no other worker's subscriber or consumer is ever woken. */
const channel = () => `${CHANNEL}:${clientName}`;
const queueKey = () => `${KEY_QUEUE}:${clientName}`;

let adapter = null;
let control = null;
let clientName = "";
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

function operation(op) {
  const a = adapter;
  switch (op) {
    case "get":
      return () => a.get(KEY_STR);
    case "getset":
      return (i) => ((i & 1) === 0 ? a.set(GS_KEYS[i % GETSET_KEYS], VALUE32) : a.get(GS_KEYS[i % GETSET_KEYS]));
    case "get1mb":
      return () => a.get(KEY_1MB);
    case "lrange":
      return () => a.lrange(KEY_LIST);
    case "hgetall":
      return () => a.hgetall(KEY_HASH);
    default:
      throw new Error(`unknown op ${op}`);
  }
}

/** Checks once that the client returns what the scenario expects (so no client wins by doing less). */
async function validate(op) {
  const f = operation(op);
  const r0 = await f(0);
  const r1 = await f(1);
  switch (op) {
    case "get":
      assert(r0 === VALUE32, `GET returned ${typeof r0}`);
      break;
    case "getset":
      assert(r1 === VALUE32, `GET returned ${typeof r1}`);
      break;
    case "get1mb":
      assert(typeof r0 === "string" && r0.length === 1024 * 1024, "GET 1 MB did not return a 1 MB string");
      break;
    case "lrange":
      assert(Array.isArray(r0) && r0.length === 10_000 && r0[9999] === "item:09999", "LRANGE did not return 10,000 strings");
      break;
    case "hgetall":
      assert(r0 && typeof r0 === "object" && Object.keys(r0).length === 1000 && r0["field:0999"] === "value:0999", "HGETALL did not return an object of 1,000 fields");
      break;
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

async function prepare(s) {
  gc();
  switch (s.kind) {
    case "closed":
      await validate(s.op);
      return {};
    case "pipeline": {
      const keys = Array.from({ length: s.size }, (_, i) => `bench:pipe:${i}`);
      const replies = await adapter.pipelineSet(keys.slice(0, 3), VALUE32);
      assert(Array.isArray(replies) && replies.length === 3, "pipeline did not return 3 replies");
      state.set(s.id, { keys });
      return {};
    }
    case "inflight": {
      const keys = Array.from({ length: s.size }, (_, i) => `bench:inflight:${i}`);
      state.set(s.id, { keys });
      return {};
    }
    case "pubsub": {
      const st = { count: 0, target: 0, done: null, encoded: null, check: null, unsubscribe: null };
      const unsubscribe = await adapter.subscribe(channel(), (message) => {
        if (st.check) st.check(message);
        if (++st.count === st.target && st.done) st.done();
      });
      st.unsubscribe = unsubscribe;
      await waitFor(async () => (await control.command("PUBSUB", "NUMSUB", channel()))[1] >= 1, "the subscription");
      st.encoded = Buffer.from(encode(["PUBLISH", channel(), PAYLOAD64]).repeat(s.messages));
      // Check once that a message arrives, intact.
      let received = null;
      st.target = 1;
      const first = new Promise((r) => (st.done = r));
      st.check = (m) => (received = m);
      await control.command("PUBLISH", channel(), PAYLOAD64);
      await Promise.race([first, sleep(5000)]);
      st.check = null;
      assert(st.count === 1 && received === PAYLOAD64, `the subscriber did not receive the test message as the same string (got ${typeof received})`);
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
      assert(item === "12.5", `BLPOP returned ${typeof item} instead of the pushed string`);
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
  gc();
  switch (s.kind) {
    case "closed":
      return closedLoop(operation(s.op), s.concurrency, s.durationMs);
    case "pipeline": {
      const { keys } = state.get(s.id);
      return batchLoop(() => adapter.pipelineSet(keys, VALUE32), keys.length, s.durationMs);
    }
    case "inflight": {
      const { keys } = state.get(s.id);
      return batchLoop(() => {
        const ps = new Array(keys.length);
        for (let i = 0; i < keys.length; i++) ps[i] = adapter.set(keys[i], VALUE32);
        return Promise.all(ps);
      }, keys.length, s.durationMs);
    }
    case "pubsub": {
      const st = state.get(s.id);
      st.count = 0;
      st.target = s.messages;
      const done = new Promise((r) => (st.done = r));
      const start = now();
      const published = control.fire(st.encoded, s.messages);
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
          const v = await pop(queueKey(), 30);
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
  if (st.consumers) await st.consumers.close();
  gc();
}

async function handle(msg) {
  switch (msg.cmd) {
    case "init": {
      clientName = msg.client;
      control = await RawClient.connect(msg.host, msg.port);
      adapter = await createAdapter(msg.client, { host: msg.host, port: msg.port, entry: msg.entry });
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
  return text && text !== "Error" ? text : `${err?.constructor?.name ?? "Error"} without a message: ${String(err?.stack ?? err).split("\n").slice(0, 3).join(" ")}`;
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
