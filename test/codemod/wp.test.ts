/**
 * Whole-program capabilities, one small multi-module project each (test/codemod/wp/<name>/).
 * For each: `--mode compat`, then `--mode v2` through the command (with its tsc check), then:
 * every group is on v2 or every group listed in expect.json is held whole; no tsc error the
 * compat step did not have; the compat program and the v2 program print the same against a
 * real server; a second v2 run changes nothing.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startRedisServer, type RedisServer } from "../harness/index.js";
import { main } from "../../codemods/cli.js";
import type { Report } from "../../codemods/cli.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const SRC = path.join(root, "src/index.ts");
const COMPAT = path.join(root, "compat/index.ts");
const WP = path.join(here, "wp");

interface Expect {
  onV2: boolean;
  /** Ids of values that must stay on compat (their whole group). */
  held?: string[];
  /** Text every held group's reason must contain. */
  reason?: string;
  /** Text the v2 output must (or must not) contain, per file. */
  contains?: Record<string, string[]>;
  absent?: Record<string, string[]>;
  /** Texts the report's notes (no marker) must hold, per file; without it, the report has no notes. */
  notes?: Record<string, string[]>;
  /** Skip running the programs (no main). */
  noRun?: boolean;
}

function copyDir(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    if (e.name === "expect.json") continue;
    const src = path.join(from, e.name);
    const dst = path.join(to, e.name);
    if (e.isDirectory()) copyDir(src, dst);
    else fs.copyFileSync(src, dst);
  }
}

function sink() {
  const chunks: string[] = [];
  return { write: (s: string) => chunks.push(s), text: () => chunks.join("") };
}

async function cli(dir: string, ...args: string[]): Promise<{ code: number; out: string; report: Report }> {
  const out = sink();
  const err = sink();
  const reportFile = path.join(dir, "..", `${path.basename(dir)}.report.json`);
  const code = await main([".", "--force", "--no-package-json", "--report", reportFile, ...args], {
    cwd: dir,
    stdout: out,
    stderr: err as unknown as NodeJS.WriteStream,
  });
  const report = JSON.parse(fs.readFileSync(reportFile, "utf8")) as Report;
  return { code, out: out.text() + err.text(), report };
}

function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of fs.readdirSync(dir)) if (/\.(ts|js|mjs|tsx)$/.test(f)) out.set(f, fs.readFileSync(path.join(dir, f), "utf8"));
  return out;
}

/** A runnable copy: aioredis imports point at src/ or compat/, addresses at the test server. */
function runnable(files: Map<string, string>, dir: string, server: RedisServer): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, text] of files) {
    const body = text
      .replace(/(["'])aioredis\/compat\1/g, JSON.stringify(COMPAT))
      .replace(/(["'])aioredis\1/g, JSON.stringify(SRC))
      .replace(/redis:\/\/localhost(?::\d+)?/g, `redis://127.0.0.1:${server.port}`);
    fs.writeFileSync(path.join(dir, name), body);
  }
  return path.join(dir, "main.ts");
}

async function runMain(file: string): Promise<string[]> {
  const printed: string[] = [];
  const spy = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
    printed.push(args.map((a) => (typeof a === "string" ? a : inspect(a, { depth: 5, sorted: true }))).join(" "));
  });
  try {
    const mod = (await import(file)) as { main?: () => Promise<unknown> };
    await mod.main!();
  } finally {
    spy.mockRestore();
  }
  return printed;
}

const projects = fs.existsSync(WP)
  ? fs
      .readdirSync(WP)
      .filter((d) => fs.existsSync(path.join(WP, d, "expect.json")))
      .sort()
  : [];

describe("whole-program codemod: one project per capability", () => {
  let server: RedisServer;
  const tmp = path.join(root, ".tmp", `codemod-wp-${process.pid}`);
  beforeAll(async () => {
    fs.mkdirSync(tmp, { recursive: true });
    server = await startRedisServer({});
  });
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  for (const name of projects) {
    it(name, async () => {
      const want = JSON.parse(fs.readFileSync(path.join(WP, name, "expect.json"), "utf8")) as Expect;
      const dir = path.join(tmp, name);
      copyDir(path.join(WP, name), dir);
      fs.writeFileSync(
        path.join(dir, "tsconfig.json"),
        JSON.stringify({
          extends: path.join(root, "tsconfig.json"),
          compilerOptions: { noEmit: true, rootDir: root, allowJs: true, checkJs: true, paths: { aioredis: [SRC], "aioredis/compat": [COMPAT] } },
          include: ["*.ts", "*.js", "*.mjs"],
          exclude: [],
        }),
      );
      const compat = await cli(dir, "--mode", "compat");
      expect(compat.code, compat.out).toBe(0);
      const step1 = snapshot(dir);

      const v2 = await cli(dir);
      const groups = v2.report.groups;
      expect(v2.report.verification?.failure, v2.out).toBeUndefined();
      expect(v2.report.verification?.remaining ?? ["no check"], v2.out).toEqual([]);
      if (want.onV2) {
        expect(
          groups.filter((g) => g.held),
          v2.out,
        ).toEqual([]);
        expect(groups.length, v2.out).toBeGreaterThan(0);
      }
      for (const id of want.held ?? []) {
        const g = groups.find((x) => x.ids.includes(id));
        expect(g, `${id}\n${v2.out}`).toBeDefined();
        expect(g!.held, `${id} held\n${v2.out}`).toBe(true);
        if (want.reason) expect(g!.reason ?? "").toContain(want.reason);
      }
      // never half: a held group has no v2 rewrite in any file
      for (const g of groups) if (g.held) expect(g.edits, `${g.ids.join(",")}`).toBe(0);
      const notes = v2.report.files.flatMap((f) => f.notes.map((n) => `${f.file}:${n.line} ${n.message}`));
      const wantNotes = Object.entries(want.notes ?? {}).flatMap(([file, texts]) => texts.map((t) => [file, t] as const));
      expect(notes.length, notes.join("\n")).toBe(wantNotes.length);
      for (const [file, text] of wantNotes)
        expect(
          notes.some((n) => n.startsWith(`${file}:`) && n.includes(text)),
          `${file}: ${text}\n${notes.join("\n")}`,
        ).toBe(true);
      const step2 = snapshot(dir);
      for (const [file, texts] of Object.entries(want.contains ?? {})) for (const t of texts) expect(step2.get(file), `${file} contains ${t}`).toContain(t);
      for (const [file, texts] of Object.entries(want.absent ?? {})) for (const t of texts) expect(step2.get(file), `${file} lacks ${t}`).not.toContain(t);

      const again = await cli(dir);
      expect(snapshot(dir)).toEqual(step2);
      expect(again.report.summary.changed).toBe(0);

      if (!want.noRun) {
        await server.cli("FLUSHALL");
        const before = await runMain(runnable(step1, path.join(tmp, `${name}-compat`), server));
        await server.cli("FLUSHALL");
        const after = await runMain(runnable(step2, path.join(tmp, `${name}-v2`), server));
        expect(after).toEqual(before);
        expect(before.length).toBeGreaterThan(0);
      }
    }, 120_000);
  }
});
