/**
 * The codemod judges its own output: after the rewrite, the project's own `tsc --noEmit`
 * runs (the project's typescript when it depends on one, else the codemod's), its errors are
 * compared with a baseline run on the code as it was, and each new error is mapped back to
 * the group whose rewrite caused it. Those groups go back to aioredis/compat, with a marker
 * quoting the error, and tsc runs again, until no new error is left (or nothing more can be
 * held back).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import type { Project } from "./project.js";

export interface TscError {
  /** Absolute path. */
  file: string;
  line: number;
  column: number;
  code: string;
  message: string;
}

export interface TscRun {
  errors: TscError[];
  ms: number;
  ok: boolean;
  /** Why tsc could not run (then `errors` is empty). */
  failure?: string;
}

export interface Tsc {
  tsconfig: string;
  typescript: string;
  version: string;
  run(): TscRun;
}

/** The nearest tsconfig.json at or above `from` (a directory). */
export function findTsconfig(from: string): string | null {
  let dir = path.resolve(from);
  for (;;) {
    const candidate = path.join(dir, "tsconfig.json");
    if (fs.existsSync(candidate)) return candidate;
    if (fs.existsSync(path.join(dir, ".git"))) return null;
    const up = path.dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/** The project's typescript when its package.json depends on one and it is installed, else ours. */
function findTypescript(projectDir: string): { bin: string; version: string } | null {
  const tryFrom = (base: string): { bin: string; version: string } | null => {
    try {
      const req = createRequire(path.join(base, "noop.js"));
      const pkgPath = req.resolve("typescript/package.json");
      const pkg = JSON.parse(fs.readFileSync(pkgPath, "utf8")) as { version?: string; bin?: Record<string, string> };
      const rel = pkg.bin?.tsc ?? "bin/tsc";
      return { bin: path.join(path.dirname(pkgPath), rel), version: pkg.version ?? "?" };
    } catch {
      return null;
    }
  };
  let dir = projectDir;
  for (;;) {
    const pj = path.join(dir, "package.json");
    if (fs.existsSync(pj)) {
      try {
        const pkg = JSON.parse(fs.readFileSync(pj, "utf8")) as Record<string, Record<string, string> | undefined>;
        const deps = { ...pkg.dependencies, ...pkg.devDependencies, ...pkg.peerDependencies };
        if (deps.typescript) {
          const found = tryFrom(dir);
          if (found) return found;
        }
      } catch {
        // not JSON: look further up
      }
      break;
    }
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return tryFrom(path.dirname(new URL(import.meta.url).pathname));
}

const ERROR_LINE = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/;

export function parseTscOutput(text: string, cwd: string): TscError[] {
  const out: TscError[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith(" ")) continue; // elaboration of the error above
    const m = ERROR_LINE.exec(line);
    if (m) out.push({ file: path.resolve(cwd, m[1]!), line: Number(m[2]), column: Number(m[3]), code: m[4]!, message: m[5]! });
  }
  return out;
}

export function makeTsc(tsconfig: string): Tsc | null {
  const dir = path.dirname(tsconfig);
  const ts = findTypescript(dir);
  if (!ts) return null;
  return {
    tsconfig,
    typescript: ts.bin,
    version: ts.version,
    run(): TscRun {
      const started = Date.now();
      const r = spawnSync(process.execPath, [ts.bin, "-p", tsconfig, "--noEmit", "--pretty", "false"], { cwd: dir, encoding: "utf8", maxBuffer: 64 << 20 });
      const ms = Date.now() - started;
      if (r.error) return { errors: [], ms, ok: false, failure: r.error.message };
      const errors = parseTscOutput(`${r.stdout ?? ""}\n${r.stderr ?? ""}`, dir);
      if (r.status !== 0 && errors.length === 0) return { errors, ms, ok: false, failure: (r.stderr || r.stdout || `exit ${r.status}`).trim().split("\n")[0] };
      return { errors, ms, ok: true };
    },
  };
}

function key(e: TscError, root: string): string {
  return `${path.relative(root, e.file)}\0${e.code}\0${e.message}`;
}

/** Errors of `after` that `before` did not have (by file, code and message; lines shift). */
export function newErrors(before: TscError[], after: TscError[], root: string): TscError[] {
  const counts = new Map<string, number>();
  for (const e of before) counts.set(key(e, root), (counts.get(key(e, root)) ?? 0) + 1);
  const out: TscError[] = [];
  for (const e of after) {
    const k = key(e, root);
    const n = counts.get(k) ?? 0;
    if (n > 0) counts.set(k, n - 1);
    else out.push(e);
  }
  return out;
}

export interface VerifyReport {
  tsconfig: string;
  typescript: string;
  version: string;
  /** tsc runs, the baseline included, and their total time. */
  runs: number;
  ms: number;
  baselineErrors: number;
  /** New errors found and what was held back for each. */
  rolledBack: { error: string; ids: string[] }[];
  /** New errors left after the last round (none held back could fix them). */
  remaining: string[];
  failure?: string;
}

export function formatError(e: TscError, root: string): string {
  return `${path.relative(root, e.file)}(${e.line},${e.column}): error ${e.code}: ${e.message}`;
}

/**
 * The rounds after the first write: tsc, new errors, hold their groups, write again.
 * `write` puts the project's current outputs on disk and returns the files it changed.
 */
export function verifyProject(project: Project, tsc: Tsc, baseline: TscRun, write: () => void, maxRounds = 12): VerifyReport {
  const root = project.root;
  const report: VerifyReport = {
    tsconfig: tsc.tsconfig,
    typescript: tsc.typescript,
    version: tsc.version,
    runs: 1,
    ms: baseline.ms,
    baselineErrors: baseline.errors.length,
    rolledBack: [],
    remaining: [],
  };
  if (!baseline.ok) {
    report.failure = baseline.failure;
    return report;
  }
  for (let round = 0; round < maxRounds; round++) {
    const run = tsc.run();
    report.runs++;
    report.ms += run.ms;
    if (!run.ok) {
      report.failure = run.failure;
      return report;
    }
    const fresh = newErrors(baseline.errors, run.errors, root);
    report.remaining = fresh.map((e) => formatError(e, root));
    if (fresh.length === 0) return report;
    let heldAny = false;
    // groups held back in this round: an error in a file one of them rewrote may be gone once
    // the file is written again, so it waits for the next round instead of taking more with it
    const heldThisRound = new Set<string>();
    for (const e of fresh) {
      if (project.groupsIn(e.file).some((g) => g.ids.some((id) => heldThisRound.has(id)))) continue;
      const ids = blame(project, e);
      const unheld = ids.filter((id) => !project.held.has(id));
      const text = formatError(e, root);
      // the marker quotes the error without its position, so a second run writes the same one
      const quote = `${path.relative(root, e.file)}: error ${e.code}: ${e.message}`.slice(0, 300);
      if (unheld.length === 0) {
        // no group left to take it: the file goes back to what the compat step wrote
        if (project.toCompat(e.file, `the v2 rewrite did not type-check: ${quote}`)) {
          report.rolledBack.push({ error: text, ids: [`${path.relative(root, e.file)} (whole file)`] });
          heldAny = true;
          continue;
        }
        // and when that is not enough (a value reached the file by a path the analysis does not
        // see, such as a field of a field), every group goes back: the compat step had no such error
        const rest = project
          .groups()
          .filter((g) => !g.held)
          .flatMap((g) => g.ids);
        if (rest.length) {
          project.hold(rest, `the v2 rewrite did not type-check and the error could not be traced to one group: ${quote}`);
          report.rolledBack.push({ error: text, ids: rest });
          heldAny = true;
          continue;
        }
        // nothing left to hold: every file this run changed stays as it was
        for (const f of project.changedFiles()) {
          if (project.toCompat(f, `the v2 rewrite did not type-check: ${quote}`)) {
            report.rolledBack.push({ error: text, ids: [`${path.relative(root, f)} (whole file)`] });
            heldAny = true;
          }
        }
        continue;
      }
      project.hold(unheld, `the v2 rewrite of this group did not type-check: ${quote}`);
      for (const id of unheld) heldThisRound.add(id);
      report.rolledBack.push({ error: text, ids: unheld });
      heldAny = true;
    }
    if (!heldAny) return report;
    write();
  }
  return report;
}

/** The ids of the groups a new error belongs to. */
function blame(project: Project, e: TscError): string[] {
  const inFile = project.groupsIn(e.file).filter((g) => !g.held);
  const candidates = inFile.length ? inFile : project.groupsReaching(e.file).filter((g) => !g.held);
  if (candidates.length <= 1) return candidates.flatMap((g) => g.ids);
  // several groups wrote this file: the one without which the error's line is not written
  const current = project.state().files.find((f) => f.file === e.file)?.result?.output;
  const line = current?.split(/\r?\n/)[e.line - 1];
  if (line !== undefined && line.trim()) {
    const culprits = candidates.filter((g) => {
      const without = project.outputWithHeld(e.file, g.ids, "probe");
      return without !== null && !without.split(/\r?\n/).includes(line);
    });
    if (culprits.length) return culprits.flatMap((g) => g.ids);
  }
  return candidates.flatMap((g) => g.ids);
}
