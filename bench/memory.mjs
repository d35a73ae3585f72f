/**
 * Memory with N commands in flight, for one client, in a fresh process of its own (run
 * with --expose-gc by run.mjs): `node --expose-gc bench/memory.mjs <client> <host> <port> <entry> <n> [string|buffer]`.
 *
 * After connecting and a warm-up, the heap is collected and measured (the baseline); then N
 * SETs are issued at once and memory is sampled right after issuing them, every few
 * milliseconds while the replies come back, and at the end. Prints one JSON line.
 */
import { createAdapter } from "./clients.mjs";
import { VALUE32 } from "./scenarios.mjs";

const [client, host, port, entry, nArg, mode = "string"] = process.argv.slice(2);
const n = Number(nArg);
const gc = globalThis.gc;
if (!gc) throw new Error("memory.mjs needs --expose-gc");

const adapter = await createAdapter(client, { host, port: Number(port), entry, mode });
const keys = Array.from({ length: n }, (_, i) => `bench:mem:${i}`);
// Warm up the client's code paths with a smaller burst, then start from a collected heap.
await Promise.all(keys.slice(0, Math.min(n, 10_000)).map((k) => adapter.set(k, VALUE32)));
gc();
gc();
const base = process.memoryUsage();
let peakHeap = base.heapUsed;
let peakExternal = base.external;
let peakRss = base.rss;
const sample = () => {
  const m = process.memoryUsage();
  if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
  if (m.external > peakExternal) peakExternal = m.external;
  if (m.rss > peakRss) peakRss = m.rss;
};
const timer = setInterval(sample, 2);
const t0 = performance.now();
const pending = new Array(n);
for (let i = 0; i < n; i++) pending[i] = adapter.set(keys[i], VALUE32);
sample();
await Promise.all(pending);
const elapsedMs = performance.now() - t0;
sample();
clearInterval(timer);
const maxRss = process.resourceUsage().maxRSS * 1024;
await adapter.close();
process.stdout.write(
  JSON.stringify({
    client,
    mode,
    n,
    elapsedMs,
    baseRss: base.rss,
    baseHeap: base.heapUsed,
    peakRss: Math.max(peakRss, maxRss),
    peakHeap,
    heapDelta: peakHeap - base.heapUsed,
    externalDelta: peakExternal - base.external,
  }) + "\n",
);
process.exit(0);
