// A small local check of the cost of the tracing hooks (not a test, not the bench):
// GET with 1 in flight on one client, in alternating rounds, for
//   A  this build, nobody subscribed          (the hooks' cost when unused)
//   B  another build (e.g. one without tracing), nobody subscribed
//   C  this build, with a no-op subscriber on every aioredis channel
//   D  the other build, with that subscriber (the channels are shared by name: C/D compares
//      the cost of being traced between the two builds)
// It starts its own redis-server on a free port. Numbers move with machine load: compare
// the medians of the same run only.
//
//   npm run build
//   node test/tracing/overhead-check.mjs <other build's dist/src/index.js> [rounds] [ms per round]
import { spawn } from "node:child_process";
import dc from "node:diagnostics_channel";
import net from "node:net";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const otherEntry = process.argv[2];
if (!otherEntry) throw new Error("usage: node test/tracing/overhead-check.mjs <other dist/src/index.js> [rounds] [ms]");
const rounds = Number(process.argv[3] ?? 7);
const ms = Number(process.argv[4] ?? 1000);

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const port = await freePort();
const server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
await new Promise((r) => setTimeout(r, 300));

const ours = await import(pathToFileURL(path.join(here, "../../dist/src/index.js")).href);
const other = await import(pathToFileURL(path.resolve(otherEntry)).href);
const a = new ours.Redis({ host: "127.0.0.1", port });
const b = new other.Redis({ host: "127.0.0.1", port });
await a.set("oc:k", "x".repeat(32));

const noop = () => {};
const handlers = { start: noop, end: noop, asyncStart: noop, asyncEnd: noop, error: noop };
function subscribe() {
  const tracing = [ours.CHANNELS.command, ours.CHANNELS.batch, ours.CHANNELS.connect].map((n) => dc.tracingChannel(n));
  const points = Object.values(ours.CHANNELS).filter((n) => !["aioredis:command", "aioredis:batch", "aioredis:connect"].includes(n));
  for (const t of tracing) t.subscribe(handlers);
  for (const n of points) dc.subscribe(n, noop);
  return () => {
    for (const t of tracing) t.unsubscribe(handlers);
    for (const n of points) dc.unsubscribe(n, noop);
  };
}

const cpu = { A: [], B: [], C: [], D: [] };
/** Runs GETs for `ms`; returns ops/s, and records this process's CPU µs per GET (less sensitive to load than the rate). */
async function round(client, key) {
  const c0 = process.cpuUsage();
  const end = performance.now() + ms;
  let n = 0;
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) await client.get("oc:k");
    n += 100;
  }
  const c1 = process.cpuUsage(c0);
  if (key) cpu[key].push((c1.user + c1.system) / n);
  return (n / ms) * 1000;
}

const results = { A: [], B: [], C: [], D: [] };
for (const c of [a, b]) await round(c); // warm-up
for (let r = 0; r < rounds; r++) {
  results.A.push(await round(a, "A"));
  results.B.push(await round(b, "B"));
  const off = subscribe();
  results.C.push(await round(a, "C"));
  results.D.push(await round(b, "D"));
  off();
}
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const mA = median(results.A);
const mB = median(results.B);
const mC = median(results.C);
console.log(`GET, 1 in flight, ${rounds} alternating rounds of ${ms} ms (ops/s, median [min-max]):`);
for (const [k, label] of [
  ["A", "this build, no subscriber"],
  ["B", "other build"],
  ["C", "this build, subscriber"],
  ["D", "other build, subscriber"],
]) {
  const xs = results[k];
  console.log(
    `  ${k} ${label.padEnd(28)} ${Math.round(median(xs))} [${Math.round(Math.min(...xs))}-${Math.round(Math.max(...xs))}]   CPU ${median(cpu[k]).toFixed(1)} µs/GET`,
  );
}
console.log(`  rate A/B (hooks present, unused): ${(mA / mB).toFixed(3)}   C/A (with a subscriber): ${(mC / mA).toFixed(3)}`);
console.log(`  CPU per GET A/B: ${(median(cpu.A) / median(cpu.B)).toFixed(3)}   C/A: ${(median(cpu.C) / median(cpu.A)).toFixed(3)}`);
console.log(
  `  with a subscriber: CPU per GET C/D (this build / other build): ${(median(cpu.C) / median(cpu.D)).toFixed(3)}   D/B (other build's own cost of a subscriber): ${(median(cpu.D) / median(cpu.B)).toFixed(3)}`,
);
console.log(
  `  load average: ${(await import("node:os"))
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(" ")}`,
);
await a.close();
await b.close();
server.kill();
