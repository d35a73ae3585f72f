/**
 * What bench/ab-cpu.mjs and bench/layers.mjs share: the process's CPU time, the median, and
 * the BLPOP work.
 */
import { VALUE32 } from "./scenarios.mjs";

/** User + system CPU time of this process so far, in µs. */
export function cpuMicros() {
  const u = process.cpuUsage();
  return u.user + u.system;
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * The BLPOP work: `pops.length` consumers looping on
 * `pop(key, 30)` (each resolves to the popped value, or null on a timeout), and `measure(n)`,
 * which pushes `n` items with at most 50 `push(key, value)` calls in flight and returns the
 * process's user + system CPU time (µs) until every item was popped. `stop()` ends the consumers.
 */
export async function blpopWork(pops, push, key) {
  let consumed = 0;
  let wanted = 0;
  let onDone = null;
  const loops = pops.map(async (pop) => {
    for (;;) {
      const v = await pop(key, 30);
      if (v === null) continue;
      if ((typeof v === "string" ? v : v.toString()) === "stop") return;
      if (++consumed === wanted) onDone();
    }
  });
  // let every consumer reach the server before the first push
  await new Promise((res) => setTimeout(res, 300));
  return {
    async measure(n) {
      consumed = 0;
      wanted = n;
      const done = new Promise((res) => (onDone = res));
      const t0 = cpuMicros();
      let produced = 0;
      const lane = async () => {
        while (produced < n) {
          produced++;
          await push(key, VALUE32);
        }
      };
      await Promise.all(Array.from({ length: 50 }, lane));
      await done;
      return cpuMicros() - t0;
    },
    async stop() {
      for (let i = 0; i < pops.length; i++) await push(key, "stop");
      await Promise.all(loops);
    },
  };
}
