/**
 * `aioredis-codemod`: runs the transform over files and directories, in this process, one
 * file at a time with the parser its extension needs; bumps `aioredis` in package.json;
 * shows progress on stderr; ends with a summary and, on request, a JSON report of every
 * change and marker. Exits 1 when a file could not be transformed, 2 on a usage error or a
 * refused run.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { globToRegExp, matchesAny } from "./glob.js";
import { gitState } from "./git.js";
import { bumpPackageJson, type PackageJsonChange } from "./package-json.js";
import type { TransformOptions } from "./transform.js";
import { Project, type ProjectGroup } from "./project/project.js";
import { findTsconfig, makeTsc, verifyProject, type VerifyReport } from "./project/verify.js";
import { MARKER_PREFIX, type ChangeRecord, type MarkerRecord, type NoteRecord } from "./lib/context.js";

const DEFAULT_EXTENSIONS = ["ts", "tsx", "mts", "cts", "js", "jsx", "mjs", "cjs"];
const ALWAYS_SKIPPED = ["node_modules", ".git", "dist", "build", "coverage", ".next", ".turbo"];

export const HELP = `Usage: aioredis-codemod [options] <path...>

Rewrites code written for aioredis 1.x to the aioredis 2 API, and moves the aioredis
dependency in package.json to ^2.0.0. Run it on a clean git work tree and review the diff.

The two-step path:
  1. aioredis-codemod --mode compat src/   # imports point at aioredis/compat: same behaviour
  2. aioredis-codemod src/                 # the code is rewritten to the v2 API
The whole project is read first: a client made in one module and used in others (imports,
re-exports, class fields, parameters, function results) is one group, rewritten whole or
kept whole on aioredis/compat. Where the codemod cannot keep a program's behaviour it
changes nothing there and leaves a "// ${MARKER_PREFIX} ..." comment saying what to do
(see MIGRATION.md).

Options:
  --mode v2|compat        v2 (default): rewrite to the v2 API; compat: only re-point v1
                          imports at aioredis/compat (no behaviour change)
  --dry                   write nothing; show what would change
  --print                 print every changed file to stdout
  --extensions <list>     file extensions to read (default: ${DEFAULT_EXTENSIONS.join(",")})
  --ignore-pattern <glob> skip matching files and directories (repeatable; ${ALWAYS_SKIPPED.join(", ")}
                          are always skipped)
  --report <file>         write a JSON report of every change, marker and note to <file>
  --force                 run even when the git work tree has uncommitted changes
  --assume-v1             treat every file importing aioredis as 1.x code, even when it
                          only imports types such as Redis
  --no-package-json       leave package.json files alone
  --no-verify             skip the type check: by default, in v2 mode, when a tsconfig.json is
                          found, the project's own tsc runs before and after the rewrite, and
                          a group of values whose rewrite adds an error goes back to
                          aioredis/compat with a marker quoting the error
  --tsconfig <file>       the tsconfig.json to check with (default: the nearest one above the
                          first path)
  --help                  show this help
  --version               show the version
`;

export interface CliOptions {
  mode: "v2" | "compat";
  dry: boolean;
  print: boolean;
  extensions: string[];
  ignore: string[];
  report: string | null;
  force: boolean;
  assumeV1: boolean;
  packageJson: boolean;
  verify: boolean;
  tsconfig: string | null;
  paths: string[];
}

export class UsageError extends Error {}

export function parseArgs(argv: string[]): CliOptions | "help" | "version" {
  const o: CliOptions = {
    mode: "v2",
    dry: false,
    print: false,
    extensions: DEFAULT_EXTENSIONS,
    ignore: [],
    report: null,
    force: false,
    assumeV1: false,
    packageJson: true,
    verify: true,
    tsconfig: null,
    paths: [],
  };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i]!;
    let value: string | undefined;
    const eq = arg.indexOf("=");
    if (arg.startsWith("--") && eq !== -1) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const next = (): string => {
      if (value !== undefined) return value;
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case "-h":
      case "--help":
        return "help";
      case "--version":
        return "version";
      case "-d":
      case "--dry":
        o.dry = true;
        break;
      case "-p":
      case "--print":
        o.print = true;
        break;
      case "--force":
      case "-f":
        o.force = true;
        break;
      case "--assume-v1":
        o.assumeV1 = true;
        break;
      case "--no-package-json":
        o.packageJson = false;
        break;
      case "--no-verify":
        o.verify = false;
        break;
      case "--tsconfig":
        o.tsconfig = next();
        break;
      case "--mode": {
        const m = next();
        if (m !== "v2" && m !== "compat") throw new UsageError(`--mode must be v2 or compat, not ${m}`);
        o.mode = m;
        break;
      }
      case "--extensions":
        o.extensions = next()
          .split(",")
          .map((e) => e.trim().replace(/^\./, ""))
          .filter(Boolean);
        break;
      case "--ignore-pattern":
        o.ignore.push(next());
        break;
      case "--report":
        o.report = next();
        break;
      default:
        if (arg.startsWith("-")) throw new UsageError(`unknown option ${arg}`);
        o.paths.push(arg);
    }
  }
  if (o.paths.length === 0) throw new UsageError("no path given");
  return o;
}

interface FileResult {
  file: string;
  status: "changed" | "unchanged" | "skipped" | "failed";
  changes: ChangeRecord[];
  markers: MarkerRecord[];
  /** What changes on purpose where the file converted (no marker written): see `Notes` in the summary. */
  notes: NoteRecord[];
  error?: string;
}

interface PackageJsonResultEntry extends PackageJsonChange {
  file: string;
}

export interface Report {
  tool: "aioredis-codemod";
  version: string;
  mode: "v2" | "compat";
  dry: boolean;
  files: FileResult[];
  packageJson: PackageJsonResultEntry[];
  /** v2 mode: each group of values decided together, and whether it went to v2. */
  groups: ProjectGroup[];
  verification: VerifyReport | null;
  summary: {
    files: number;
    changed: number;
    unchanged: number;
    skipped: number;
    failed: number;
    markers: number;
    /** Notes: behaviour that changes on purpose where the code converted, without a marker. */
    notes: number;
    groups: number;
    held: number;
    transformMs: number;
  };
}

function findFiles(paths: string[], o: CliOptions, cwd: string): string[] {
  const ignore = o.ignore.map(globToRegExp);
  const exts = new Set(o.extensions.map((e) => e.toLowerCase()));
  const out: string[] = [];
  const wanted = (file: string) => {
    const name = path.basename(file);
    const ext = name.endsWith(".d.ts") ? "ts" : name.slice(name.lastIndexOf(".") + 1).toLowerCase();
    return exts.has(ext);
  };
  const skip = (p: string) => matchesAny(path.relative(cwd, p) || p, ignore);
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (ALWAYS_SKIPPED.includes(entry.name) || skip(full)) continue;
        walk(full);
      } else if (entry.isFile() && wanted(full) && !skip(full)) {
        out.push(full);
      }
    }
  };
  for (const p of paths) {
    const full = path.resolve(cwd, p);
    if (!fs.existsSync(full)) throw new UsageError(`no such file or directory: ${p}`);
    if (fs.statSync(full).isDirectory()) walk(full);
    else if (!skip(full)) out.push(full);
  }
  return [...new Set(out)];
}

/** package.json files to update: the nearest one above each path, and any inside the directories walked. */
function findPackageJsons(paths: string[], cwd: string, o: CliOptions): string[] {
  const out = new Set<string>();
  const ignore = o.ignore.map(globToRegExp);
  for (const p of paths) {
    const full = path.resolve(cwd, p);
    let dir = fs.statSync(full).isDirectory() ? full : path.dirname(full);
    for (;;) {
      const candidate = path.join(dir, "package.json");
      if (fs.existsSync(candidate)) {
        out.add(candidate);
        break;
      }
      if (fs.existsSync(path.join(dir, ".git"))) break;
      const up = path.dirname(dir);
      if (up === dir) break;
      dir = up;
    }
    if (fs.statSync(full).isDirectory()) {
      const walk = (d: string) => {
        for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
          const f = path.join(d, entry.name);
          if (entry.isDirectory()) {
            if (!ALWAYS_SKIPPED.includes(entry.name) && !matchesAny(path.relative(cwd, f), ignore)) walk(f);
          } else if (entry.name === "package.json") out.add(f);
        }
      };
      walk(full);
    }
  }
  return [...out].sort();
}

function version(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, "package.json");
    if (fs.existsSync(candidate)) {
      try {
        const pkg = JSON.parse(fs.readFileSync(candidate, "utf8")) as { name?: string; version?: string };
        if ((pkg.name === "aioredis-codemod" || pkg.name === "aioredis") && pkg.version) return pkg.version;
      } catch {
        // not ours
      }
    }
    dir = path.dirname(dir);
  }
  return "unknown";
}

/** Writes a file through a temporary sibling and a rename, keeping its mode. */
function writeAtomic(file: string, text: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.aioredis-codemod-${process.pid}`);
  const mode = fs.statSync(file).mode;
  fs.writeFileSync(tmp, text, { mode });
  fs.renameSync(tmp, file);
}

class Progress {
  private lastPercent = -1;
  constructor(
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream,
  ) {}

  tick(done: number): void {
    if (this.total === 0) return;
    if (this.stream.isTTY) {
      const width = 30;
      const filled = Math.round((done / this.total) * width);
      this.stream.write(`\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${this.total} files`);
      if (done === this.total) this.stream.write("\n");
      return;
    }
    // without a terminal: a plain line at each quarter
    const percent = Math.floor((done / this.total) * 4) * 25;
    if (percent !== this.lastPercent && (percent > 0 || done === this.total)) {
      this.lastPercent = percent;
      this.stream.write(`aioredis-codemod: ${done}/${this.total} files (${percent}%)\n`);
    }
  }
}

export interface Io {
  cwd: string;
  stdout: { write(s: string): unknown };
  stderr: NodeJS.WriteStream;
}

export async function main(argv: string[], io: Io = { cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let o: CliOptions | "help" | "version";
  try {
    o = parseArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`aioredis-codemod: ${err.message}\n\n${HELP}`);
      return 2;
    }
    throw err;
  }
  if (o === "help") {
    io.stdout.write(HELP);
    return 0;
  }
  if (o === "version") {
    io.stdout.write(`${version()}\n`);
    return 0;
  }
  const out = o.print ? io.stderr : io.stdout;

  let files: string[];
  let packageJsons: string[];
  try {
    files = findFiles(o.paths, o, io.cwd);
    packageJsons = o.packageJson ? findPackageJsons(o.paths, io.cwd, o) : [];
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`aioredis-codemod: ${err.message}\n`);
      return 2;
    }
    throw err;
  }

  if (!o.force && !o.dry) {
    const state = gitState([...o.paths.map((p) => path.resolve(io.cwd, p)), ...packageJsons]);
    if (state.dirty.length) {
      const list = state.dirty.slice(0, 10).map((f) => `  ${f}`);
      if (state.dirty.length > 10) list.push(`  ... and ${state.dirty.length - 10} more`);
      io.stderr.write(
        `aioredis-codemod: the git work tree has uncommitted changes:\n${list.join("\n")}\n` +
          "Commit or stash them first, so that the codemod's changes can be reviewed and reverted on their own,\n" +
          "or run again with --force (or --dry to only look).\n",
      );
      return 2;
    }
  }

  const rel = (f: string) => path.relative(io.cwd, f) || f;
  const options: TransformOptions = { mode: o.mode, assumeV1: o.assumeV1 };
  const readErrors = new Map<string, string>();
  const sources: { file: string; source: string }[] = [];
  for (const file of files) {
    try {
      sources.push({ file, source: fs.readFileSync(file, "utf8") });
    } catch (err) {
      readErrors.set(file, err instanceof Error ? err.message.split("\n")[0]! : String(err));
    }
  }
  const started = Date.now();
  const project = new Project(io.cwd, sources, options);
  project.run();
  const transformMs = Date.now() - started;
  new Progress(files.length, io.stderr).tick(files.length);

  // the type check: a baseline on the code as it is, before anything is written
  let verification: VerifyReport | null = null;
  const tsconfig =
    o.mode === "v2" && o.verify && !o.dry
      ? o.tsconfig
        ? path.resolve(io.cwd, o.tsconfig)
        : findTsconfig(path.resolve(io.cwd, o.paths[0]!, fs.statSync(path.resolve(io.cwd, o.paths[0]!)).isDirectory() ? "." : ".."))
      : null;
  const tsc = tsconfig ? makeTsc(tsconfig) : null;
  const baseline = tsc ? tsc.run() : null;

  const written = new Map<string, string>();
  const writeAll = () => {
    if (o.dry) return;
    for (const f of project.state().files) {
      const out = f.result?.changed ? f.result.output : f.source;
      if ((written.get(f.file) ?? f.source) === out) continue;
      writeAtomic(f.file, out);
      written.set(f.file, out);
    }
  };
  writeAll();
  if (tsc && baseline) verification = verifyProject(project, tsc, baseline, writeAll);

  const results: FileResult[] = [];
  for (const file of files) {
    const readError = readErrors.get(file);
    if (readError) {
      results.push({ file: rel(file), status: "failed", changes: [], markers: [], notes: [], error: readError });
      continue;
    }
    const f = project.state().files.find((x) => x.file === path.resolve(file))!;
    if (f.error) {
      results.push({ file: rel(file), status: "failed", changes: [], markers: [], notes: [], error: f.error });
      continue;
    }
    const r = f.result;
    if (!r) {
      results.push({ file: rel(file), status: "skipped", changes: [], markers: [], notes: [] });
      continue;
    }
    const status = !r.relevant ? "skipped" : r.changed ? "changed" : "unchanged";
    results.push({ file: rel(file), status, changes: r.changes, markers: r.markers, notes: r.notes });
    if (r.changed && o.print) io.stdout.write(`// ${rel(file)}\n${r.output}${r.output.endsWith("\n") ? "" : "\n"}`);
  }
  const groups = project.state().groups;

  const pkgResults: PackageJsonResultEntry[] = [];
  const pkgErrors: string[] = [];
  for (const file of packageJsons) {
    try {
      const text = fs.readFileSync(file, "utf8");
      const r = bumpPackageJson(text);
      for (const c of r.changes) pkgResults.push({ file: rel(file), ...c });
      if (r.text !== text && !o.dry) writeAtomic(file, r.text);
    } catch (err) {
      pkgErrors.push(`${rel(file)}: ${(err as Error).message}`);
    }
  }

  const count = (s: FileResult["status"]) => results.filter((r) => r.status === s).length;
  const markers = results.flatMap((r) => r.markers.map((m) => ({ file: r.file, ...m })));
  const notes = results.flatMap((r) => r.notes.map((n) => ({ file: r.file, ...n })));
  const report: Report = {
    tool: "aioredis-codemod",
    version: version(),
    mode: o.mode,
    dry: o.dry,
    files: results,
    packageJson: pkgResults,
    groups,
    verification,
    summary: {
      files: results.length,
      changed: count("changed"),
      unchanged: count("unchanged"),
      skipped: count("skipped"),
      failed: count("failed"),
      markers: markers.length,
      notes: notes.length,
      groups: groups.length,
      held: groups.filter((g) => g.held).length,
      transformMs,
    },
  };

  const lines: string[] = [];
  lines.push(`aioredis-codemod (mode ${o.mode}${o.dry ? ", dry run: nothing written" : ""}): ${results.length} files`);
  lines.push(`  changed:   ${report.summary.changed}`);
  lines.push(`  unchanged: ${report.summary.unchanged}`);
  lines.push(`  skipped:   ${report.summary.skipped} (no aioredis import)`);
  lines.push(`  failed:    ${report.summary.failed}`);
  lines.push(`  markers:   ${report.summary.markers}${markers.length ? ` (search for "${MARKER_PREFIX}")` : ""}`);
  if (o.mode === "v2") {
    lines.push(
      `  groups:    ${groups.length} (values decided together), on v2: ${groups.length - report.summary.held}, kept on aioredis/compat: ${report.summary.held}`,
    );
    for (const g of groups.filter((x) => x.held).slice(0, 20))
      lines.push(`    kept: ${g.ids.filter((id) => !id.includes("#@")).join(", ") || g.files.join(", ")}: ${g.reason ?? ""}`);
    lines.push(`  time:      ${transformMs} ms to analyze and rewrite`);
  }
  if (verification) {
    const v = verification;
    lines.push(
      `type check: ${path.relative(io.cwd, v.tsconfig) || v.tsconfig} with typescript ${v.version}: ${v.runs} tsc runs, ${v.ms} ms (baseline ${v.baselineErrors} errors)`,
    );
    if (v.failure) lines.push(`  tsc could not check the project: ${v.failure}`);
    for (const r of v.rolledBack) lines.push(`  rolled back to aioredis/compat: ${r.error}`);
    for (const e of v.remaining) lines.push(`  new error left: ${e}`);
    if (!v.failure && v.remaining.length === 0) lines.push("  no new errors");
  } else if (o.mode === "v2" && !o.dry && o.verify && !tsconfig) {
    lines.push("type check: skipped (no tsconfig.json found; --tsconfig names one)");
  } else if (o.mode === "v2" && !o.dry && o.verify && !tsc) {
    lines.push("type check: skipped (no typescript installed)");
  }
  for (const r of results.filter((x) => x.status === "failed")) lines.push(`failed: ${r.file}: ${r.error}`);
  for (const p of pkgResults) {
    lines.push(
      p.to
        ? `package.json: ${p.file} ${p.section} aioredis ${p.from} -> ${p.to}`
        : `package.json: ${p.file} ${p.section} aioredis ${p.from} left as is: ${p.note}`,
    );
  }
  for (const e of pkgErrors) lines.push(`package.json: ${e} (left as is)`);
  if (markers.length) {
    lines.push("Markers left (each says what to do):");
    for (const m of markers.slice(0, 50)) lines.push(`  ${m.file}:${m.line}  ${m.message}`);
    if (markers.length > 50) lines.push(`  ... and ${markers.length - 50} more (see --report)`);
  }
  if (notes.length) {
    lines.push("Notes (converted; no marker written, but what it says changes):");
    for (const n of notes.slice(0, 50)) lines.push(`  ${n.file}:${n.line}  ${n.message}`);
    if (notes.length > 50) lines.push(`  ... and ${notes.length - 50} more (see --report)`);
  }
  if (pkgResults.some((p) => p.to) && !o.dry) lines.push("Run your package manager's install to fetch aioredis 2.");
  if (o.report) {
    fs.writeFileSync(path.resolve(io.cwd, o.report), `${JSON.stringify(report, null, 2)}\n`);
    lines.push(`Report written to ${o.report}`);
  }
  out.write(`${lines.join("\n")}\n`);
  return report.summary.failed > 0 || (verification?.remaining.length ?? 0) > 0 ? 1 : 0;
}
