/**
 * Runs the corpus of test/codemod/projects/ the way a user migrates a project: a copy of the
 * project, `aioredis-codemod --mode compat`, the project's own `tsc` (which also emits
 * dist/), the program against a real server, then `aioredis-codemod` (v2), tsc and the
 * program again, then a second v2 run that must change nothing.
 *
 * A copy lives in a workspace under the repository's .tmp/ (so `@types/node` and
 * `typescript` resolve from the repository's node_modules, as in a user's project) whose
 * node_modules/aioredis is a package directory pointing at a build of this repository: its
 * package.json has the same `exports` as ours, and its dist/ is a link to the build. So
 * `import "aioredis"` and `import "aioredis/compat"` resolve, for tsc and for node, exactly as
 * they would for an installed aioredis 2.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { MARKER_PREFIX } from "../../../codemods/lib/context.js";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const projectsDir = path.join(repoRoot, "test/codemod/projects");

/** What a project's optional expected.json may say. */
export interface Expected {
  /**
   * Set when the project uses a construct with no v2 equivalent: the reason. Such a project
   * is not required to end fully on v2, but must keep markers that explain it, type-check
   * and run the same.
   */
  staysOnCompat?: string;
  /**
   * Set when the project has v2 equivalents the codemod does not produce yet (an open gap,
   * not a construct without equivalent): what holds it back. By default such a project is
   * only held to the safety promises; CODEMOD_CORPUS_STRICT=1 requires it fully on v2.
   */
  notYet?: string;
}

export interface Project {
  name: string;
  dir: string;
  expected: Expected;
}

export function listProjects(): Project[] {
  if (!fs.existsSync(projectsDir)) return [];
  return fs
    .readdirSync(projectsDir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const dir = path.join(projectsDir, name);
      const expectedFile = path.join(dir, "expected.json");
      const expected = fs.existsSync(expectedFile) ? (JSON.parse(fs.readFileSync(expectedFile, "utf8")) as Expected) : {};
      return { name, dir, expected };
    });
}

/**
 * A workspace directory with node_modules/aioredis pointing at `buildDir` (a `tsc -p
 * tsconfig.build.json` output: buildDir/src/index.js, buildDir/compat/index.js,
 * buildDir/codemods/bin.js).
 */
export function makeWorkspace(buildDir: string, tag: string): string {
  const ws = path.join(repoRoot, ".tmp", `codemod-projects-${tag}`);
  fs.rmSync(ws, { recursive: true, force: true });
  const pkgDir = path.join(ws, "node_modules", "aioredis");
  fs.mkdirSync(pkgDir, { recursive: true });
  const ours = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string; exports: unknown };
  fs.writeFileSync(
    path.join(pkgDir, "package.json"),
    `${JSON.stringify({ name: "aioredis", version: ours.version, type: "module", exports: ours.exports }, null, 2)}\n`,
  );
  fs.symlinkSync(buildDir, path.join(pkgDir, "dist"), "dir");
  return ws;
}

/** Copies a project into the workspace (without any dist/ or node_modules/ it may have). */
export function copyProject(project: Project, ws: string): string {
  const dest = path.join(ws, project.name);
  fs.rmSync(dest, { recursive: true, force: true });
  fs.cpSync(project.dir, dest, {
    recursive: true,
    filter: (src) => !["dist", "node_modules"].includes(path.basename(src)),
  });
  return dest;
}

export interface Exec {
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export function exec(file: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Exec> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd: opts.cwd, env: { ...process.env, ...opts.env }, timeout: opts.timeoutMs ?? 60_000, killSignal: "SIGKILL", maxBuffer: 32 << 20 },
      (err, stdout, stderr) => {
        const e = err as (Error & { code?: unknown; killed?: boolean }) | null;
        const code = e ? (typeof e.code === "number" ? e.code : 1) : 0;
        resolve({ code, stdout, stderr, timedOut: Boolean(e?.killed) });
      },
    );
  });
}

export interface CodemodRun extends Exec {
  /** The --report JSON, when the run wrote one. */
  report: CodemodReport | null;
}

export interface CodemodReport {
  summary: { files: number; changed: number; failed: number; markers: number };
  files: { file: string; status: string; markers: { line: number; message: string }[]; error?: string }[];
}

/** `aioredis-codemod [--mode compat] --force --report <file> .` in `dir`, with the bin of `buildDir`. */
export async function runCodemod(buildDir: string, dir: string, mode: "compat" | "v2", tag: string): Promise<CodemodRun> {
  const bin = path.join(buildDir, "codemods", "bin.js");
  const reportFile = path.join(path.dirname(dir), `${path.basename(dir)}.${tag}.report.json`);
  fs.rmSync(reportFile, { force: true });
  const r = await exec(process.execPath, [bin, "--mode", mode, "--force", "--report", reportFile, "."], { cwd: dir, timeoutMs: 120_000 });
  const report = fs.existsSync(reportFile) ? (JSON.parse(fs.readFileSync(reportFile, "utf8")) as CodemodReport) : null;
  return { ...r, report };
}

export interface TscError {
  file: string;
  line: number;
  code: string;
  text: string;
}

/** The project's own `tsc -p .` (emits dist/ even with errors); its errors, parsed. */
export async function runTsc(dir: string): Promise<{ errors: TscError[]; output: string }> {
  const tsc = path.join(repoRoot, "node_modules/typescript/bin/tsc");
  const r = await exec(process.execPath, [tsc, "-p", ".", "--pretty", "false"], { cwd: dir, timeoutMs: 120_000 });
  const output = r.stdout + r.stderr;
  const errors: TscError[] = [];
  for (const line of output.split(/\r?\n/)) {
    const m = /^(.+?)\((\d+),\d+\): error (TS\d+): (.*)$/.exec(line);
    if (m) errors.push({ file: m[1]!, line: Number(m[2]), code: m[3]!, text: m[4]! });
  }
  if (r.code !== 0 && errors.length === 0) errors.push({ file: "(tsc)", line: 0, code: "TS0", text: output.trim().slice(0, 500) || `tsc exited ${r.code}` });
  return { errors, output };
}

/**
 * Errors of `after` that `before` does not explain: matched by file, code and message,
 * not by line (the rewrite moves lines).
 */
export function newErrors(before: TscError[], after: TscError[]): TscError[] {
  const budget = new Map<string, number>();
  const key = (e: TscError) => `${e.file}\0${e.code}\0${e.text}`;
  for (const e of before) budget.set(key(e), (budget.get(key(e)) ?? 0) + 1);
  const out: TscError[] = [];
  for (const e of after) {
    const n = budget.get(key(e)) ?? 0;
    if (n > 0) budget.set(key(e), n - 1);
    else out.push(e);
  }
  return out;
}

/** The compiled entry point of a project: dist/main.js (from main.ts or main.js). */
export function entryOf(dir: string): string {
  return path.join(dir, "dist", "main.js");
}

/** Runs the compiled program against `redisUrl`; it must print and exit on its own. */
export function runProgram(dir: string, redisUrl: string): Promise<Exec> {
  return exec(process.execPath, [entryOf(dir)], { cwd: dir, env: { REDIS_URL: redisUrl }, timeoutMs: 30_000 });
}

const SOURCE_EXT = /\.(?:[cm]?[jt]s|[jt]sx)$/;

/** The project's source files (not dist/, not node_modules/) and their text. */
export function sources(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== "dist" && e.name !== "node_modules") walk(full);
      } else if (SOURCE_EXT.test(e.name)) {
        out[path.relative(dir, full)] = fs.readFileSync(full, "utf8");
      }
    }
  };
  walk(dir);
  return out;
}

const COMPAT_IMPORT = /(["'])aioredis\/compat\1/;

/** Files that still name aioredis/compat, and marker comments left, in the project's sources. */
export function leftovers(files: Record<string, string>): { compatFiles: string[]; markers: string[] } {
  const compatFiles: string[] = [];
  const markers: string[] = [];
  for (const [file, text] of Object.entries(files)) {
    if (COMPAT_IMPORT.test(text)) compatFiles.push(file);
    text.split("\n").forEach((line, i) => {
      if (/\/\/|\/\*|^\s*\*/.test(line) && line.includes(MARKER_PREFIX)) markers.push(`${file}:${i + 1}: ${line.trim()}`);
    });
  }
  return { compatFiles, markers };
}
