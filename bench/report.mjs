/**
 * Turns results.json into text: the console table, a Markdown summary for the README,
 * and a hand-drawn SVG bar chart (no dependency).
 */
import { CLIENT_LABELS } from "./clients.mjs";


export function fmtRate(x) {
  if (x == null || !Number.isFinite(x)) return "—";
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (x >= 1e4) return `${(x / 1e3).toFixed(0)}k`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)}k`;
  return x >= 100 ? x.toFixed(0) : x.toFixed(1);
}

export function fmtMs(ms) {
  if (ms == null || !Number.isFinite(ms)) return "—";
  if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`;
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(1)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** Two decimals, or three when two would round a missed goal up to it (1.096 is not 1.10). */
const fmtRatio = (r, goal = null) => {
  if (r == null || !Number.isFinite(r)) return "—";
  const two = r.toFixed(2);
  return goal != null && r < goal && Number(two) >= goal ? `${r.toFixed(3)}x` : `${two}x`;
};
const fmtPct = (f) => (f == null || !Number.isFinite(f) ? "—" : `${(f * 100).toFixed(0)}%`);
const fmtMB = (b) => (b == null ? "—" : `${(b / 1048576).toFixed(1)} MB`);

function pad(s, n, right = false) {
  s = String(s);
  return right ? s.padStart(n) : s.padEnd(n);
}

/** The status word for a ratio against a goal (`null` goal: reported only). */
function verdict(ratio, goal) {
  if (goal == null || ratio == null) return "";
  return ratio >= goal ? "met" : "not met";
}

export function consoleReport(results) {
  const lines = [];
  lines.push("");
  lines.push(`aioredis benchmark — ${when(results.date)}`);
  lines.push(`node ${results.node}, ${results.cpu} × ${results.cores} cores${loadText(results)}, redis ${results.redis} (${results.server})`);
  lines.push(
    `${results.config.rounds} measured rounds of ${results.config.durationMs} ms after 1 warm-up round, clients and redis-benchmark interleaved; rates are medians of the rounds, ratios medians of the per-round ratios`,
  );
  for (const s of results.scenarios) {
    lines.push("");
    lines.push(`${s.label}  [${s.id}]`);
    if (s.status === "pending") lines.push(`  aioredis: ${s.message}`);
    if (s.status === "error") lines.push(`  aioredis: error: ${s.message}`);
    lines.push(
      `  ${pad("client", 26)}${pad(`${s.unit}/s`, 12, true)}${pad("p50", 11, true)}${pad("p99", 11, true)}   rounds (${s.unit}/s)${s.latency && s.latency !== "per command" ? `; latency ${s.latency}` : ""}`,
    );
    for (const c of results.clients) {
      const r = s.results[c];
      if (!r) continue;
      if (r.error) {
        lines.push(`  ${pad(CLIENT_LABELS[c], 26)}${r.pending ? "pending: API not available" : `error: ${r.error}`}`);
        continue;
      }
      lines.push(
        `  ${pad(CLIENT_LABELS[c], 26)}${pad(fmtRate(r.opsPerSec), 12, true)}${pad(fmtMs(r.p50Ms), 11, true)}${pad(fmtMs(r.p99Ms), 11, true)}   ${r.rounds.map(fmtRate).join(" ")}`,
      );
    }
    if (s.ratio != null) {
      const goal = s.goal == null ? "reported only" : `goal ≥${s.goal}x, ${verdict(s.ratio, s.goal)}`;
      lines.push(`  aioredis / best peer (${CLIENT_LABELS[s.bestPeer]}): ${fmtRatio(s.ratio, s.goal)}  (${goal})`);
      if (s.roundRatios?.length > 1) {
        lines.push(
          `  round by round: ${s.roundRatios.map((x) => (x == null ? "—" : x.toFixed(2))).join(" ")}  (ratio of the medians: ${fmtRatio(s.ratioOfMedians)})`,
        );
      }
    }
    if (s.ceiling) {
      lines.push(
        `  redis-benchmark ceiling: ${fmtRate(s.ceiling.opsPerSec)} ${s.unit}/s (${s.ceiling.command}); aioredis reaches ${fmtPct(s.ceiling.fraction)}`,
      );
    }
  }
  if (results.memory) {
    const m = results.memory;
    lines.push("");
    lines.push(`Memory with ${m.n.toLocaleString("en-US")} SETs in flight (fresh process per client, median of ${m.repeats})`);
    lines.push(`  ${pad("client", 26)}${pad("peak RSS", 12, true)}${pad("heap +", 12, true)}${pad("external +", 12, true)}${pad("time", 11, true)}`);
    for (const c of results.clients) {
      const r = m.results[c];
      if (!r) continue;
      if (r.error) {
        lines.push(`  ${pad(CLIENT_LABELS[c], 26)}error: ${r.error}`);
        continue;
      }
      lines.push(
        `  ${pad(CLIENT_LABELS[c], 26)}${pad(fmtMB(r.peakRss), 12, true)}${pad(fmtMB(r.heapDelta), 12, true)}${pad(fmtMB(r.externalDelta), 12, true)}${pad(fmtMs(r.elapsedMs), 11, true)}`,
      );
    }
    if (m.ratioRss != null) {
      lines.push(`  aioredis / best peer (lower is better): peak RSS ${fmtRatio(m.ratioRss)}, heap ${fmtRatio(m.ratioHeap)}  (goal ≤1.00x)`);
    }
  }
  lines.push("");
  lines.push("Summary (ratio = aioredis / best peer, median of the rounds; higher is better except memory)");
  lines.push(summaryTable(results, "text"));
  return lines.join("\n");
}

function summaryRows(results) {
  const rows = [];
  for (const s of results.scenarios) {
    const ours = s.results.aioredis;
    const best = s.bestPeer ? s.results[s.bestPeer] : null;
    rows.push({
      label: s.label,
      ours: ours?.error ? (ours.pending ? "pending" : "error") : `${fmtRate(ours?.opsPerSec)}/s`,
      best: best ? `${fmtRate(best.opsPerSec)}/s ${CLIENT_LABELS[s.bestPeer]}` : peerBestText(s, results.clients),
      ratio: s.status === "pending" ? "pending" : fmtRatio(s.ratio, s.goal),
      byRound: roundSpread(s.roundRatios),
      goal: s.goal == null ? "—" : `≥${s.goal}x`,
      met: s.status === "pending" ? "pending" : verdict(s.ratio, s.goal) || "—",
      ceiling: s.ceiling ? fmtPct(s.ceiling.fraction) : "—",
    });
  }
  if (results.memory) {
    const m = results.memory;
    const peak = (c) => m.results[c]?.peakRss;
    rows.push({
      label: `peak RSS, ${m.n.toLocaleString("en-US")} in flight`,
      ours: fmtMB(peak("aioredis")),
      best: m.bestPeerRss ? `${fmtMB(peak(m.bestPeerRss))} ${CLIENT_LABELS[m.bestPeerRss]}` : "—",
      ratio: fmtRatio(m.ratioRss),
      byRound: "—",
      goal: "≤1.00x",
      met: m.ratioRss == null ? "—" : m.ratioRss <= 1 ? "met" : "not met",
      ceiling: "—",
    });
    const heap = (c) => m.results[c]?.heapDelta;
    rows.push({
      label: `heap growth, ${m.n.toLocaleString("en-US")} in flight`,
      ours: fmtMB(heap("aioredis")),
      best: m.bestPeerHeap ? `${fmtMB(heap(m.bestPeerHeap))} ${CLIENT_LABELS[m.bestPeerHeap]}` : "—",
      ratio: fmtRatio(m.ratioHeap),
      byRound: "—",
      goal: "≤1.00x",
      met: m.ratioHeap == null ? "—" : m.ratioHeap <= 1 ? "met" : "not met",
      ceiling: "—",
    });
  }
  return rows;
}

/** "0.74–1.40": the range of the round-by-round ratios. */
function roundSpread(ratios) {
  const rr = (ratios ?? []).filter((x) => x != null).sort((a, b) => a - b);
  if (rr.length < 2) return "—";
  return `${rr[0].toFixed(2)}–${rr[rr.length - 1].toFixed(2)}`;
}

function peerBestText(s, clients) {
  let best = null;
  for (const c of clients) {
    if (c === "aioredis") continue;
    const r = s.results[c];
    if (r && !r.error && (!best || r.opsPerSec > s.results[best].opsPerSec)) best = c;
  }
  return best ? `${fmtRate(s.results[best].opsPerSec)}/s ${CLIENT_LABELS[best]}` : "—";
}

const HEADERS = ["scenario", "aioredis", "best peer", "ratio", "rounds' range", "goal", "", "of C ceiling"];

export function summaryTable(results, style = "text") {
  const rows = summaryRows(results).map((r) => [r.label, r.ours, r.best, r.ratio, r.byRound, r.goal, r.met, r.ceiling]);
  if (style === "markdown") {
    const out = [`| ${HEADERS.map((h, i) => (i === 6 ? "goal met" : h)).join(" | ")} |`, `|${HEADERS.map((_, i) => (i === 0 || i === 2 ? "---" : "---:")).join("|")}|`];
    for (const r of rows) out.push(`| ${r.join(" | ")} |`);
    return out.join("\n");
  }
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const fmt = (r) => "  " + r.map((v, i) => pad(v, widths[i], i !== 0 && i !== 2)).join("  ");
  return [fmt(HEADERS), fmt(widths.map((w) => "-".repeat(w))), ...rows.map(fmt)].join("\n");
}

/** Per-client detail in Markdown (ops/s, p50, p99) for the README. */
export function detailMarkdown(results) {
  const out = [];
  out.push(`| scenario | ${results.clients.map((c) => CLIENT_LABELS[c]).join(" | ")} |`);
  out.push(`|---|${results.clients.map(() => "---:").join("|")}|`);
  for (const s of results.scenarios) {
    const cells = results.clients.map((c) => {
      const r = s.results[c];
      if (!r) return "—";
      if (r.error) return r.pending ? "pending" : "error";
      const per = s.latency && s.latency !== "per command" ? ` ${s.latency}` : "";
      const lat = r.p50Ms == null ? "" : r.p50Ms === r.p99Ms ? `<br>${fmtMs(r.p50Ms)}${per}` : `<br>p50 ${fmtMs(r.p50Ms)} · p99 ${fmtMs(r.p99Ms)}${per}`;
      return `${fmtRate(r.opsPerSec)}/s${lat}`;
    });
    out.push(`| ${s.label} | ${cells.join(" | ")} |`);
  }
  if (results.memory) {
    const m = results.memory;
    const cells = results.clients.map((c) => {
      const r = m.results[c];
      return !r || r.error ? "—" : `${fmtMB(r.peakRss)} RSS<br>heap +${fmtMB(r.heapDelta)}`;
    });
    out.push(`| memory, ${m.n.toLocaleString("en-US")} SETs in flight | ${cells.join(" | ")} |`);
  }
  return out.join("\n");
}

const loadText = (r) => (r.loadAvg ? `; load average ${r.loadAvg.start.toFixed(1)} at the start, ${r.loadAvg.end.toFixed(1)} at the end` : "");

const when = (iso) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

export function markdownReport(results) {
  return [
    `Measured ${when(results.date)} — node ${results.node}, ${results.cpu} (${results.cores} cores, shared with redis-server${loadText(results)}), redis ${results.redis}, ${results.config.rounds} rounds of ${results.config.durationMs} ms${results.config.quick ? " (--quick)" : ""}. Rates are medians of the rounds; ratio = the median over the rounds of aioredis / the best peer (highest median) in the same round (memory: aioredis / lowest peer, lower is better), with the rounds' range beside it; "of C ceiling" likewise against redis-benchmark run in the same rounds. Latency is per command unless noted.`,
    "",
    summaryTable(results, "markdown"),
    "",
    detailMarkdown(results),
    "",
  ].join("\n");
}

// ---- SVG -------------------------------------------------------------------------------

const COLORS = { aioredis: "#d1495b", ioredis: "#2e86ab", "ioredis-auto": "#7cb7d6", "node-redis": "#3d9970", "node-redis-default": "#9bcf9b" };

const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/**
 * A grouped horizontal bar chart: one group per scenario, one bar per client, each group
 * scaled to its fastest client (so scenarios with very different rates share one chart).
 */
export function svgChart(results) {
  const W = 960;
  const labelW = 300;
  const barMax = 470;
  const barH = 14;
  const gap = 3;
  const groupGap = 18;
  const clients = results.clients;
  const groups = [];
  for (const s of results.scenarios) {
    const bars = clients.map((c) => {
      const r = s.results[c];
      if (!r) return { client: c, value: null, text: "—" };
      if (r.error) return { client: c, value: null, text: r.pending ? "pending: API not available" : "error" };
      return { client: c, value: r.opsPerSec, text: `${fmtRate(r.opsPerSec)} ${s.unit}/s` };
    });
    let note = s.ratio != null ? `${fmtRatio(s.ratio, s.goal)} vs best peer` : s.status === "pending" ? "aioredis pending" : "";
    if (s.goal != null && s.ratio != null) note += ` (goal ${s.goal}x)`;
    if (s.ceiling?.fraction != null) note += ` · ${fmtPct(s.ceiling.fraction)} of redis-benchmark`;
    groups.push({ title: s.label, bars, note, higherIsBetter: true });
  }
  if (results.memory) {
    const m = results.memory;
    groups.push({
      title: `Peak RSS, ${m.n.toLocaleString("en-US")} SETs in flight (lower is better)`,
      bars: clients.map((c) => {
        const r = m.results[c];
        return !r || r.error ? { client: c, value: null, text: "—" } : { client: c, value: r.peakRss, text: fmtMB(r.peakRss) };
      }),
      note: m.ratioRss != null ? `${fmtRatio(m.ratioRss)} of best peer` : "",
    });
  }
  const headerH = 84;
  const groupH = (g) => 20 + g.bars.length * (barH + gap) + groupGap;
  const H = headerH + groups.reduce((a, g) => a + groupH(g), 0) + 10;
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="-apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="12" y="22" font-size="16" font-weight="bold" fill="#222">aioredis vs ioredis vs node-redis</text>`);
  out.push(
    `<text x="12" y="40" fill="#555">${esc(`${results.date.slice(0, 10)} · node ${results.node} · ${results.cpu}, ${results.cores} cores shared with redis-server ${results.redis}${results.config.quick ? " · --quick run" : ""}`)}</text>`,
  );
  out.push(`<text x="12" y="56" fill="#555">Bars are scaled to the fastest client of each group; ratios are aioredis / best peer.</text>`);
  let lx = 12;
  for (const c of clients) {
    out.push(`<rect x="${lx}" y="65" width="12" height="10" fill="${COLORS[c]}"/>`);
    out.push(`<text x="${lx + 16}" y="74" fill="#333">${esc(CLIENT_LABELS[c])}</text>`);
    lx += 24 + CLIENT_LABELS[c].length * 7;
  }
  let y = headerH;
  for (const g of groups) {
    out.push(`<text x="12" y="${y + 13}" font-weight="bold" fill="#222">${esc(g.title)}</text>`);
    if (g.note) out.push(`<text x="${W - 12}" y="${y + 13}" text-anchor="end" fill="#555">${esc(g.note)}</text>`);
    y += 20;
    const max = Math.max(0, ...g.bars.map((b) => b.value ?? 0));
    for (const b of g.bars) {
      out.push(`<text x="${labelW - 8}" y="${y + barH - 3}" text-anchor="end" fill="#333">${esc(CLIENT_LABELS[b.client])}</text>`);
      const w = b.value && max > 0 ? Math.max(1, Math.round((b.value / max) * barMax)) : 0;
      if (w > 0) out.push(`<rect x="${labelW}" y="${y}" width="${w}" height="${barH}" fill="${COLORS[b.client]}"/>`);
      out.push(`<text x="${labelW + w + 6}" y="${y + barH - 3}" fill="#333">${esc(b.text)}</text>`);
      y += barH + gap;
    }
    y += groupGap;
  }
  out.push("</svg>");
  return out.join("\n") + "\n";
}

// `node bench/report.mjs [results.json]`: prints the report and redraws results.svg / results.md
// next to the JSON (after changing this file, without measuring again).
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const benchDir = path.dirname(fileURLToPath(import.meta.url));

/** Replaces the results section of bench/README.md (between its markers) with `markdown`. */
export function updateReadme(markdown) {
  const file = path.join(benchDir, "README.md");
  if (!fs.existsSync(file)) return;
  const text = fs.readFileSync(file, "utf8");
  const start = "<!-- results:start -->";
  const end = "<!-- results:end -->";
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) return;
  fs.writeFileSync(file, `${text.slice(0, i + start.length)}\n${markdown}${text.slice(j)}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = path.resolve(process.argv[2] ?? path.join(benchDir, "results.json"));
  const results = JSON.parse(fs.readFileSync(file, "utf8"));
  const markdown = markdownReport(results);
  fs.writeFileSync(path.join(path.dirname(file), "results.svg"), svgChart(results));
  fs.writeFileSync(path.join(path.dirname(file), "results.md"), markdown);
  if (path.dirname(file) === benchDir && !results.config.quick) updateReadme(markdown);
  console.log(consoleReport(results));
}
