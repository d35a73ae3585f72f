/**
 * Every expected .ts/.tsx output type-checks against our own types: `aioredis` is src/ and
 * `aioredis/compat` is compat/ (test/codemod/tsconfig.json maps them). One tsc run for all
 * of them. Fixtures that use v2 API not built yet are listed in BLOCKED with the reason; an
 * entry that starts passing fails the test, so the list cannot go stale.
 */
import { execFile } from "node:child_process";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { listFixtures } from "./fixtures.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");

/** Fixture name -> what it waits for. */
const BLOCKED: Record<string, string> = {};

interface TscError {
  file: string;
  line: number;
  text: string;
}

async function runTsc(): Promise<TscError[]> {
  const tsc = path.join(root, "node_modules/typescript/bin/tsc");
  let output = "";
  try {
    const r = await promisify(execFile)(process.execPath, [tsc, "-p", path.join(here, "tsconfig.json"), "--pretty", "false"], {
      cwd: root,
      maxBuffer: 16 << 20,
    });
    output = r.stdout;
  } catch (err) {
    output = String((err as { stdout?: string }).stdout ?? err);
  }
  const errors: TscError[] = [];
  for (const line of output.split(/\r?\n/)) {
    const m = /^(.+?)\((\d+),\d+\): error (TS\d+: .*)$/.exec(line);
    if (m) errors.push({ file: path.resolve(root, m[1]!), line: Number(m[2]), text: m[3]! });
  }
  return errors;
}

describe("codemod expected outputs type-check", () => {
  const fixtures = listFixtures().filter((f) => f.ext === "ts" || f.ext === "tsx");
  let errors: Promise<TscError[]> | null = null;
  const tscErrors = () => (errors ??= runTsc());

  it("runs tsc once over every expected output", async () => {
    const all = await tscErrors();
    // errors in files other than the fixtures (src/ work in progress) are not this test's business
    expect(Array.isArray(all)).toBe(true);
  }, 120_000);

  for (const f of fixtures) {
    const blocked = BLOCKED[f.name];
    it(`${f.name}${blocked ? ` (blocked: ${blocked})` : ""}`, async () => {
      const mine = (await tscErrors()).filter((e) => e.file === f.outputPath).map((e) => `${path.basename(e.file)}:${e.line} ${e.text}`);
      if (blocked) {
        expect(mine.length, `${f.name} type-checks now: remove it from BLOCKED in test/codemod/typecheck.test.ts`).toBeGreaterThan(0);
      } else {
        expect(mine).toEqual([]);
      }
    }, 120_000);
  }

  it("lists only existing fixtures as blocked", () => {
    const names = new Set(fixtures.map((f) => f.name));
    for (const name of Object.keys(BLOCKED)) expect(names.has(name), name).toBe(true);
  });
});
