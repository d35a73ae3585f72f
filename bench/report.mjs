/**
 * Turns results.json into text: the console table, a Markdown summary for the README,
 * and a hand-drawn SVG bar chart (no dependency).
 */
import { CLIENT_LABELS, FLOOR } from "./clients.mjs";
import { MODE_LABELS } from "./scenarios.mjs";

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

const TRACED = "aioredis+traced";
const LABELS = { ...CLIENT_LABELS, [TRACED]: "aioredis, tracing subscriber" };
const modeLabel = (m) => MODE_LABELS[m] ?? m;
/** Result files from before issue 16 have no modes: their one mode was strings. */
const modesOf = (results) => results.modes ?? ["string"];
const modeOf = (s) => s.mode ?? "string";
/** Memory per mode (older files: one mode). */
const memoryModes = (m) => (m ? (m.modes ?? { string: m }) : null);

/** Participants shown for a scenario: the clients, plus aioredis with a subscriber when traced. */
const shownClients = (results, s) => (s.traced ? ["aioredis", TRACED] : results.clients);

/** Goal met? The ratio goal and, where set, the share of the C ceiling. */
function goalMet(s) {
  if (s.status === "pending") return "pending";
  if (s.goal == null || s.ratio == null) return "—";
  let ok = s.ratio >= s.goal;
  if (s.ceilingGoal != null) ok = ok && s.ceiling?.fraction != null && s.ceiling.fraction >= s.ceilingGoal;
  return ok ? "met" : "not met";
}

function goalText(s) {
  if (s.goal == null) return "—";
  if (s.traced) return `≥${s.goal}x of untraced (≤${Math.round((1 - s.goal) * 100)}% cost)`;
  return `≥${s.goal}x${s.ceilingGoal != null ? `, ≥${fmtPct(s.ceilingGoal)} of C` : ""}`;
}

const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** "  [CPU 1.20 ms/op, 0.4 page faults/op]": the worker's cost per operation, when recorded. */
const costText = (r) =>
  r.cpuUsPerOp == null
    ? ""
    : `   [CPU ${fmtMs(r.cpuUsPerOp / 1000)}/op, ${r.faultsPerOp < 10 ? r.faultsPerOp.toFixed(1) : r.faultsPerOp.toFixed(0)} page faults/op]`;

export function consoleReport(results) {
  const lines = [];
  lines.push("");
  lines.push(`aioredis benchmark — ${when(results.date)}`);
  lines.push(`node ${results.node}, ${results.cpu} × ${results.cores} cores${loadText(results)}, redis ${results.redis} (${results.server})`);
  lines.push(
    `${plural(results.config.rounds, "measured round")} of ${results.config.durationMs} ms after ${plural(results.config.warmup ?? 1, "warm-up round")}, clients, reply modes (${modesOf(results).map(modeLabel).join(", ")}) and redis-benchmark interleaved; rates are medians of the rounds, ratios medians of the per-round ratios`,
  );
  if (results.cluster) lines.push(`cluster scenarios: ${results.cluster}`);
  for (const s of results.scenarios) {
    lines.push("");
    lines.push(`${s.label} — ${modeLabel(modeOf(s))}  [${s.id}]`);
    if (s.status === "pending") lines.push(`  aioredis: ${s.message}`);
    if (s.status === "error") lines.push(`  aioredis: error: ${s.message}`);
    lines.push(
      `  ${pad("client", 30)}${pad(`${s.unit}/s`, 12, true)}${pad("p50", 11, true)}${pad("p99", 11, true)}   rounds (${s.unit}/s)${s.latency && s.latency !== "per command" ? `; latency ${s.latency}` : ""}`,
    );
    for (const c of shownClients(results, s)) {
      const r = s.results[c];
      if (!r) continue;
      if (r.error) {
        lines.push(`  ${pad(LABELS[c], 30)}${r.pending ? r.error : `error: ${r.error}`}`);
        continue;
      }
      lines.push(
        `  ${pad(LABELS[c], 30)}${pad(fmtRate(r.opsPerSec), 12, true)}${pad(fmtMs(r.p50Ms), 11, true)}${pad(fmtMs(r.p99Ms), 11, true)}   ${r.rounds.map(fmtRate).join(" ")}${costText(r)}`,
      );
    }
    if (s.ratio != null) {
      const goal = s.goal == null ? "reported only" : `goal ${goalText(s)}, ${goalMet(s)}`;
      const what = s.traced ? "aioredis with / without a tracing subscriber" : `aioredis / best peer (${LABELS[s.bestPeer]})`;
      lines.push(`  ${what}: ${fmtRatio(s.ratio, s.goal)}  (${goal})`);
      if (s.roundRatios?.length > 1) {
        lines.push(
          `  round by round: ${s.roundRatios.map((x) => (x == null ? "—" : x.toFixed(2))).join(" ")}  (ratio of the medians: ${fmtRatio(s.ratioOfMedians)})`,
        );
      }
      if (s.cpuRatio != null)
        lines.push(`  CPU per operation with / without: ${fmtRatio(s.cpuRatio)}  (median of the rounds; above 1.03x the hooks cost more than 3%)`);
      if (s.floorRatio != null) lines.push(`  ${LABELS[FLOOR]} / best peer: ${fmtRatio(s.floorRatio)}  (a bare client on Node's net: bench/floor.mjs)`);
    }
    if (s.ceiling) {
      lines.push(
        `  redis-benchmark ceiling: ${fmtRate(s.ceiling.opsPerSec)} ${s.unit}/s (${s.ceiling.command}); aioredis reaches ${fmtPct(s.ceiling.fraction)}${s.ceilingGoal != null ? ` (goal ≥${fmtPct(s.ceilingGoal)})` : ""}`,
      );
    }
  }
  const mm = memoryModes(results.memory);
  if (mm) {
    const m = results.memory;
    for (const [mode, mem] of Object.entries(mm)) {
      lines.push("");
      lines.push(`Memory with ${m.n.toLocaleString("en-US")} SETs in flight — ${modeLabel(mode)} (fresh process per client, median of ${m.repeats})`);
      lines.push(`  ${pad("client", 30)}${pad("peak RSS", 12, true)}${pad("heap +", 12, true)}${pad("external +", 12, true)}${pad("time", 11, true)}`);
      for (const c of results.clients) {
        const r = mem.results[c];
        if (!r) continue;
        if (r.error) {
          lines.push(`  ${pad(LABELS[c], 30)}error: ${r.error}`);
          continue;
        }
        lines.push(
          `  ${pad(LABELS[c], 30)}${pad(fmtMB(r.peakRss), 12, true)}${pad(fmtMB(r.heapDelta), 12, true)}${pad(fmtMB(r.externalDelta), 12, true)}${pad(fmtMs(r.elapsedMs), 11, true)}`,
        );
      }
      if (mem.ratioRss != null) {
        lines.push(`  aioredis / best peer (lower is better): peak RSS ${fmtRatio(mem.ratioRss)}, heap ${fmtRatio(mem.ratioHeap)}  (goal ≤1.00x)`);
      }
    }
  }
  lines.push("");
  lines.push("Summary (ratio = aioredis / best peer, median of the rounds; higher is better except memory)");
  lines.push(summaryTable(results, "text"));
  return lines.join("\n");
}

/** One mode's cells of a scenario: aioredis, best peer, ratio, rounds' range. */
function modeCells(s, results) {
  if (!s) return { ours: "—", best: "—", ratio: "—", byRound: "—", met: "—", ceiling: "—", floor: "—" };
  const ours = s.results.aioredis;
  const bestName = s.traced ? "aioredis" : s.bestPeer;
  const best = bestName ? s.results[bestName] : null;
  const oursCell = s.traced ? s.results[TRACED] : ours;
  return {
    ours: oursCell?.error ? (oursCell.pending ? "pending" : "error") : oursCell ? `${fmtRate(oursCell.opsPerSec)}/s` : s.status === "pending" ? "pending" : "—",
    best: s.traced
      ? best && !best.error
        ? `${fmtRate(best.opsPerSec)}/s without`
        : "—"
      : best
        ? `${fmtRate(best.opsPerSec)}/s ${LABELS[bestName]}`
        : peerBestText(s, results.clients),
    ratio: s.status === "pending" ? "pending" : fmtRatio(s.ratio, s.goal),
    byRound: roundSpread(s.roundRatios),
    met: goalMet(s),
    ceiling: s.ceiling ? fmtPct(s.ceiling.fraction) : "—",
    floor: s.floorRatio != null ? fmtRatio(s.floorRatio) : "—",
  };
}

/** Rows of the summary: one per scenario, the modes side by side; then memory. */
function summaryRows(results) {
  const modes = modesOf(results);
  const rows = [];
  const ids = [...new Set(results.scenarios.map((s) => s.id))];
  for (const id of ids) {
    const byMode = Object.fromEntries(results.scenarios.filter((s) => s.id === id).map((s) => [modeOf(s), s]));
    const any = Object.values(byMode)[0];
    const pendingNote = any.traced && any.status === "pending" ? ` (${any.message})` : "";
    rows.push({
      label: any.label + pendingNote,
      goal: goalText(any),
      modes: modes.map((m) => modeCells(byMode[m], results)),
    });
  }
  const mm = memoryModes(results.memory);
  if (mm) {
    const n = results.memory.n.toLocaleString("en-US");
    for (const [what, field, bestKey, ratioKey] of [
      ["peak RSS", "peakRss", "bestPeerRss", "ratioRss"],
      ["heap growth", "heapDelta", "bestPeerHeap", "ratioHeap"],
    ]) {
      rows.push({
        label: `${what}, ${n} in flight`,
        goal: "≤1.00x",
        modes: modes.map((m) => {
          const mem = mm[m];
          if (!mem) return { ours: "—", best: "—", ratio: "—", byRound: "—", met: "—", ceiling: "—", floor: "—" };
          const best = mem[bestKey];
          const r = mem[ratioKey];
          return {
            ours: fmtMB(mem.results.aioredis?.[field]),
            best: best ? `${fmtMB(mem.results[best][field])} ${LABELS[best]}` : "—",
            ratio: fmtRatio(r),
            byRound: "—",
            met: r == null ? "—" : r <= 1 ? "met" : "not met",
            ceiling: "—",
            floor: "—",
          };
        }),
      });
    }
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
    if (c === "aioredis" || c === FLOOR) continue;
    const r = s.results[c];
    if (r && !r.error && (!best || r.opsPerSec > s.results[best].opsPerSec)) best = c;
  }
  return best ? `${fmtRate(s.results[best].opsPerSec)}/s ${LABELS[best]}` : "—";
}

export function summaryTable(results, style = "text") {
  const modes = modesOf(results);
  const rows = summaryRows(results);
  const headers = ["scenario", "goal"];
  for (const m of modes) headers.push(`${modeLabel(m)}: aioredis`, "best peer", "ratio", "rounds' range");
  headers.push(
    `goal met (${modes.map(modeLabel).join(" / ")})`,
    `of C ceiling (${modes.map(modeLabel).join(" / ")})`,
    `node floor / best peer (${modes.map(modeLabel).join(" / ")})`,
  );
  const table = rows.map((r) => [
    r.label,
    r.goal,
    ...r.modes.flatMap((c) => [c.ours, c.best, c.ratio, c.byRound]),
    r.modes.map((c) => c.met).join(" / "),
    r.modes.every((c) => c.ceiling === "—") ? "—" : r.modes.map((c) => c.ceiling).join(" / "),
    r.modes.every((c) => c.floor === "—") ? "—" : r.modes.map((c) => c.floor).join(" / "),
  ]);
  const leftAligned = (i) => i === 0 || i === 1 || (i >= 2 && i < 2 + 4 * modes.length && (i - 2) % 4 === 1);
  if (style === "markdown") {
    const out = [`| ${headers.join(" | ")} |`, `|${headers.map((_, i) => (leftAligned(i) ? "---" : "---:")).join("|")}|`];
    for (const r of table) out.push(`| ${r.join(" | ")} |`);
    return out.join("\n");
  }
  const widths = headers.map((h, i) => Math.max(h.length, ...table.map((r) => String(r[i]).length)));
  const fmt = (r) => "  " + r.map((v, i) => pad(v, widths[i], !leftAligned(i))).join("  ");
  return [fmt(headers), fmt(widths.map((w) => "-".repeat(w))), ...table.map(fmt)].join("\n");
}

/** Per-client detail in Markdown (ops/s, p50, p99) for the README: one row per scenario and mode. */
export function detailMarkdown(results) {
  const out = [];
  out.push(`| scenario | mode | ${results.clients.map((c) => LABELS[c]).join(" | ")} |`);
  out.push(`|---|---|${results.clients.map(() => "---:").join("|")}|`);
  for (const s of results.scenarios) {
    if (s.traced) continue; // aioredis against itself: in the summary
    const cells = results.clients.map((c) => {
      const r = s.results[c];
      if (!r) return "—";
      if (r.error) return r.pending ? "pending" : "error";
      const per = s.latency && s.latency !== "per command" ? ` ${s.latency}` : "";
      const lat = r.p50Ms == null ? "" : r.p50Ms === r.p99Ms ? `<br>${fmtMs(r.p50Ms)}${per}` : `<br>p50 ${fmtMs(r.p50Ms)} · p99 ${fmtMs(r.p99Ms)}${per}`;
      return `${fmtRate(r.opsPerSec)}/s${lat}`;
    });
    out.push(`| ${s.label} | ${modeLabel(modeOf(s))} | ${cells.join(" | ")} |`);
  }
  const mm = memoryModes(results.memory);
  if (mm) {
    for (const [mode, mem] of Object.entries(mm)) {
      const cells = results.clients.map((c) => {
        const r = mem.results[c];
        return !r || r.error ? "—" : `${fmtMB(r.peakRss)} RSS<br>heap +${fmtMB(r.heapDelta)}`;
      });
      out.push(`| memory, ${results.memory.n.toLocaleString("en-US")} SETs in flight | ${modeLabel(mode)} | ${cells.join(" | ")} |`);
    }
  }
  return out.join("\n");
}

const loadText = (r) => (r.loadAvg ? `; load average ${r.loadAvg.start.toFixed(1)} at the start, ${r.loadAvg.end.toFixed(1)} at the end` : "");

const when = (iso) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

export function markdownReport(results) {
  return [
    `Measured ${when(results.date)} — node ${results.node}, ${results.cpu} (${results.cores} cores, shared with redis-server${loadText(results)}), redis ${results.redis}, ${results.config.rounds} round${results.config.rounds === 1 ? "" : "s"} of ${results.config.durationMs} ms${results.config.quick ? " (--quick)" : ""}, reply modes ${modesOf(results).map(modeLabel).join(" and ")} in the same rounds${results.cluster ? `; cluster scenarios on a ${results.cluster}` : ""}. Rates are medians of the rounds; ratio = the median over the rounds of aioredis / the best peer (highest median) of the same mode in the same round (memory: aioredis / lowest peer, lower is better), with the rounds' range beside it; "of C ceiling" likewise against redis-benchmark run in the same rounds. The traced row compares aioredis with and without a subscriber on its diagnostics channels. Latency is per command unless noted.`,
    "",
    summaryTable(results, "markdown"),
    "",
    detailMarkdown(results),
    "",
  ].join("\n");
}

// ---- SVG -------------------------------------------------------------------------------

const COLORS = {
  aioredis: "#d1495b",
  [TRACED]: "#e8a0a8",
  ioredis: "#2e86ab",
  "ioredis-auto": "#7cb7d6",
  "node-redis": "#3d9970",
  "node-redis-default": "#9bcf9b",
};

const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/**
 * A grouped horizontal bar chart: one group per scenario, one bar per client and reply mode
 * (strings solid, Buffers striped), each group scaled to its fastest bar (so scenarios with
 * very different rates share one chart).
 */
export function svgChart(results) {
  const W = 960;
  const labelW = 300;
  const barMax = 440;
  const barH = 12;
  const gap = 2;
  const groupGap = 14;
  const clients = results.clients;
  const modes = modesOf(results);
  const groups = [];
  const ids = [...new Set(results.scenarios.map((s) => s.id))];
  for (const id of ids) {
    const entries = results.scenarios.filter((s) => s.id === id);
    const first = entries[0];
    const bars = [];
    for (const s of entries) {
      for (const c of shownClients(results, s)) {
        const r = s.results[c];
        const base = { client: c, mode: modeOf(s) };
        if (!r) bars.push({ ...base, value: null, text: s.status === "pending" && c === "aioredis" ? s.message : "—" });
        else if (r.error) bars.push({ ...base, value: null, text: r.pending ? r.error : "error" });
        else bars.push({ ...base, value: r.opsPerSec, text: `${fmtRate(r.opsPerSec)} ${s.unit}/s` });
      }
    }
    const note = entries
      .map((s) => {
        if (s.status === "pending") return `${modeLabel(modeOf(s))}: pending`;
        if (s.ratio == null) return "";
        return `${modeLabel(modeOf(s))} ${fmtRatio(s.ratio, s.goal)}${s.ceiling?.fraction != null ? ` (${fmtPct(s.ceiling.fraction)} of C)` : ""}`;
      })
      .filter(Boolean)
      .join(" · ");
    const goal = first.goal != null ? ` · goal ${goalText(first)}` : "";
    groups.push({ title: first.label, bars, note: note ? (first.traced ? `with / without subscriber: ${note}` : `vs best peer: ${note}`) + goal : "" });
  }
  const mm = memoryModes(results.memory);
  if (mm) {
    const bars = [];
    for (const [mode, mem] of Object.entries(mm)) {
      for (const c of clients) {
        const r = mem.results[c];
        bars.push(!r || r.error ? { client: c, mode, value: null, text: "—" } : { client: c, mode, value: r.peakRss, text: fmtMB(r.peakRss) });
      }
    }
    groups.push({
      title: `Peak RSS, ${results.memory.n.toLocaleString("en-US")} SETs in flight (lower is better)`,
      bars,
      note: Object.entries(mm)
        .filter(([, mem]) => mem.ratioRss != null)
        .map(([mode, mem]) => `${modeLabel(mode)} ${fmtRatio(mem.ratioRss)} of best peer`)
        .join(" · "),
    });
  }
  const headerH = 84;
  const groupH = (g) => 20 + g.bars.length * (barH + gap) + groupGap;
  const H = headerH + groups.reduce((a, g) => a + groupH(g), 0) + 10;
  const out = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="-apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="11">`,
  );
  out.push(
    `<defs><pattern id="stripes" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="3" height="6" fill="#ffffff" fill-opacity="0.45"/></pattern></defs>`,
  );
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="12" y="22" font-size="16" font-weight="bold" fill="#222">aioredis vs ioredis vs node-redis, ${modes.map(modeLabel).join(" and ")}</text>`);
  out.push(
    `<text x="12" y="40" fill="#555">${esc(`${results.date.slice(0, 10)} · node ${results.node} · ${results.cpu}, ${results.cores} cores shared with redis-server ${results.redis}${results.config.quick ? " · --quick smoke run: the numbers mean little" : ""}`)}</text>`,
  );
  out.push(
    `<text x="12" y="56" fill="#555">Bars are scaled to the fastest bar of each group; striped bars are Buffer replies; ratios are aioredis / best peer of the same mode.</text>`,
  );
  let lx = 12;
  for (const c of clients) {
    out.push(`<rect x="${lx}" y="65" width="12" height="10" fill="${COLORS[c]}"/>`);
    out.push(`<text x="${lx + 16}" y="74" fill="#333">${esc(LABELS[c])}</text>`);
    lx += 24 + LABELS[c].length * 6.5;
  }
  let y = headerH;
  for (const g of groups) {
    out.push(`<text x="12" y="${y + 13}" font-weight="bold" fill="#222">${esc(g.title)}</text>`);
    if (g.note) out.push(`<text x="${W - 12}" y="${y + 13}" text-anchor="end" fill="#555">${esc(g.note)}</text>`);
    y += 20;
    const max = Math.max(0, ...g.bars.map((b) => b.value ?? 0));
    for (const b of g.bars) {
      out.push(`<text x="${labelW - 8}" y="${y + barH - 2}" text-anchor="end" fill="#333">${esc(`${LABELS[b.client]} · ${modeLabel(b.mode)}`)}</text>`);
      const w = b.value && max > 0 ? Math.max(1, Math.round((b.value / max) * barMax)) : 0;
      if (w > 0) {
        out.push(`<rect x="${labelW}" y="${y}" width="${w}" height="${barH}" fill="${COLORS[b.client]}"/>`);
        if (b.mode === "buffer") out.push(`<rect x="${labelW}" y="${y}" width="${w}" height="${barH}" fill="url(#stripes)"/>`);
      }
      out.push(`<text x="${labelW + w + 6}" y="${y + barH - 2}" fill="#333">${esc(b.text)}</text>`);
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

/**
 * Replaces the results section (between the `<!-- results:start -->` and `<!-- results:end -->`
 * markers) of bench/README.md, and of the top-level README.md when it has the markers too.
 */
export function updateReadme(markdown) {
  for (const file of [path.join(benchDir, "README.md"), path.join(benchDir, "..", "README.md")]) {
    if (!fs.existsSync(file)) continue;
    const text = fs.readFileSync(file, "utf8");
    const start = "<!-- results:start -->";
    const end = "<!-- results:end -->";
    const i = text.indexOf(start);
    const j = text.indexOf(end);
    if (i < 0 || j < i) continue;
    fs.writeFileSync(file, `${text.slice(0, i + start.length)}\n${markdown}${text.slice(j)}`);
  }
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
