/**
 * The `aioredis-codemod` command, as a user runs it: the compiled bin (from this run's
 * build, see test/global-setup.ts) on a temporary copy of a small git project.
 */
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import type { Report } from "../../codemods/cli.js";

const bin = path.join(path.dirname(inject("distEntry")), "..", "codemods", "bin.js");
const temps: string[] = [];

afterAll(() => {
  for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
});

const PACKAGE_JSON = `{
    "name": "shop",
    "version": "1.0.0",
    "dependencies": {
        "aioredis": "^1.3.1",
        "express": "^4.18.0"
    },
    "peerDependencies": {
        "aioredis": ">=1.0.0"
    }
}
`;

const FILES: Record<string, string> = {
  "src/cache.ts": `import * as aioredis from "aioredis";

export async function main(): Promise<void> {
  const redis = await aioredis.createRedisPool("redis://localhost", { encoding: "utf-8" });
  await redis.set("k", "v", { expire: 10 });
  redis.close();
  await redis.waitClosed();
}
`,
  "src/admin.ts": `import * as aioredis from "aioredis";

export async function main(): Promise<void> {
  const redis = await aioredis.createRedisPool("redis://localhost");
  await redis.select(2);
}
`,
  "src/plain.ts": `export const answer = 42;\n`,
  "src/done.ts": `import { fromUrl } from "aioredis";\n\nexport const redis = fromUrl("redis://localhost");\n`,
  "lib/legacy.js": `const aioredis = require("aioredis");

async function main() {
  const redis = await aioredis.createRedis("redis://localhost");
  await redis.mset("a", "1", "b", "2");
}

module.exports = { main };
`,
};

function git(dir: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=codemod-test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", ...args], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
  }).toString();
}

function project(extra: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aioredis-codemod-"));
  temps.push(dir);
  fs.writeFileSync(path.join(dir, "package.json"), PACKAGE_JSON);
  for (const [file, text] of Object.entries({ ...FILES, ...extra })) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  git(dir, "init", "-q");
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "v1 code");
  return dir;
}

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const file of ["package.json", ...Object.keys(FILES)]) out[file] = fs.readFileSync(path.join(dir, file), "utf8");
  return out;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(dir: string, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: dir }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? 1) : 0;
      resolve({ code: typeof code === "number" ? code : 1, stdout, stderr });
    });
  });
}

describe("aioredis-codemod (the command)", () => {
  it("prints its usage with --help and exits 0", async () => {
    const r = await run(os.tmpdir(), "--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: aioredis-codemod [options] <path...>");
    expect(r.stdout).toContain("--mode v2|compat");
    expect(r.stdout).toContain("--report <file>");
  });

  it("exits 2 on a usage error", async () => {
    const r = await run(os.tmpdir(), "--mode", "v3", "src");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--mode must be v2 or compat");
  });

  it("refuses a dirty work tree, and runs on it with --force", async () => {
    const dir = project();
    fs.appendFileSync(path.join(dir, "src/plain.ts"), "export const more = 1;\n");
    const before = snapshot(dir);
    const refused = await run(dir, "src", "lib");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("uncommitted changes");
    expect(refused.stderr).toContain("src/plain.ts");
    expect(refused.stderr).toContain("--force");
    expect(snapshot(dir)).toEqual(before);

    const forced = await run(dir, "--force", "src", "lib");
    expect(forced.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, "src/cache.ts"), "utf8")).toContain(
      'aioredis.fromUrl("redis://localhost", { encoding: "utf-8", decodeResponses: true })',
    );
  });

  it("with --dry writes nothing and says what would change", async () => {
    const dir = project();
    const before = snapshot(dir);
    const r = await run(dir, "--dry", "src", "lib");
    expect(r.code).toBe(0);
    expect(snapshot(dir)).toEqual(before);
    expect(r.stdout).toContain("dry run: nothing written");
    expect(r.stdout).toMatch(/changed: +3/);
    expect(r.stdout).toContain("package.json: package.json dependencies aioredis ^1.3.1 -> ^2.0.0");
  });

  it("rewrites the project, bumps package.json, reports every change and marker, and a second run changes nothing", async () => {
    const dir = project();
    const r = await run(dir, "src", "lib", "--report", "codemod-report.json");
    expect(r.code).toBe(0);

    // the summary
    expect(r.stdout).toContain("aioredis-codemod (mode v2): 5 files");
    expect(r.stdout).toMatch(/changed: +3\n/);
    expect(r.stdout).toMatch(/unchanged: +1\n/);
    expect(r.stdout).toMatch(/skipped: +1 \(no aioredis import\)/);
    expect(r.stdout).toMatch(/failed: +0\n/);
    expect(r.stdout).toMatch(/markers: +1 \(search for "TODO\(aioredis-v2\):"\)/);
    expect(r.stdout).toContain("src/admin.ts:5  v2 clients share connections, so SELECT is refused");

    // the files
    const cache = fs.readFileSync(path.join(dir, "src/cache.ts"), "utf8");
    expect(cache).toContain('await redis.set("k", "v", { ex: 10 });');
    expect(cache).toContain("await redis.close();");
    expect(cache).not.toContain("waitClosed");
    const admin = fs.readFileSync(path.join(dir, "src/admin.ts"), "utf8");
    expect(admin).toContain('import * as aioredis from "aioredis/compat";');
    expect(admin).toContain("// TODO(aioredis-v2): v2 clients share connections");
    expect(fs.readFileSync(path.join(dir, "lib/legacy.js"), "utf8")).toContain('await redis.mset({ a: "1", b: "2" });');
    expect(fs.readFileSync(path.join(dir, "src/plain.ts"), "utf8")).toBe(FILES["src/plain.ts"]);

    // package.json: the range operator kept, indentation and final newline untouched
    expect(fs.readFileSync(path.join(dir, "package.json"), "utf8")).toBe(PACKAGE_JSON.replace('"^1.3.1"', '"^2.0.0"').replace('">=1.0.0"', '">=2.0.0"'));

    // the report
    const report = JSON.parse(fs.readFileSync(path.join(dir, "codemod-report.json"), "utf8")) as Report;
    expect(report.mode).toBe("v2");
    expect(report.summary).toEqual({
      files: 5,
      changed: 3,
      unchanged: 1,
      skipped: 1,
      failed: 0,
      markers: 1,
      notes: 0,
      groups: 3,
      held: 1,
      transformMs: expect.any(Number),
    });
    expect(report.groups.filter((g) => g.held).map((g) => g.files)).toEqual([["src/admin.ts"]]);
    const byFile = Object.fromEntries(report.files.map((f) => [f.file, f]));
    expect(byFile["src/cache.ts"]!.status).toBe("changed");
    expect(byFile["src/cache.ts"]!.changes.map((c) => c.rule)).toEqual(["factory", "command:set", "close"]);
    expect(byFile["src/admin.ts"]!.markers).toEqual([{ line: 5, message: expect.stringContaining("SELECT is refused") }]);
    expect(byFile["src/done.ts"]!.status).toBe("unchanged");
    expect(byFile["src/plain.ts"]!.status).toBe("skipped");
    expect(report.packageJson).toEqual([
      { file: "package.json", section: "dependencies", from: "^1.3.1", to: "^2.0.0" },
      { file: "package.json", section: "peerDependencies", from: ">=1.0.0", to: ">=2.0.0" },
    ]);

    // run again after committing: nothing left to do
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "codemod");
    const again = await run(dir, "src", "lib");
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/changed: +0\n/);
    expect(git(dir, "status", "--porcelain")).toBe("");
  });

  it("exits 1 when a file cannot be transformed, and says which", async () => {
    const dir = project({ "src/broken.ts": `import * as aioredis from "aioredis";\nconst = ;\n` });
    const r = await run(dir, "src");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/failed: +1\n/);
    expect(r.stdout).toContain("failed: src/broken.ts:");
    // the other files were still migrated
    expect(fs.readFileSync(path.join(dir, "src/cache.ts"), "utf8")).toContain("fromUrl");
  });

  it("--mode compat only re-points the imports", async () => {
    const dir = project();
    const r = await run(dir, "--mode", "compat", "src/cache.ts", "lib");
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, "src/cache.ts"), "utf8")).toBe(FILES["src/cache.ts"]!.replace('from "aioredis"', 'from "aioredis/compat"'));
    expect(fs.readFileSync(path.join(dir, "lib/legacy.js"), "utf8")).toBe(FILES["lib/legacy.js"]!.replace('require("aioredis")', 'require("aioredis/compat")'));
  });

  it("honours --extensions and --ignore-pattern, and --print writes the new files to stdout", async () => {
    const dir = project();
    const r = await run(dir, "--dry", "--print", "--extensions", "ts", "--ignore-pattern", "admin.ts", ".");
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("aioredis-codemod (mode v2, dry run: nothing written): 3 files");
    expect(r.stdout).toContain("// src/cache.ts\n");
    expect(r.stdout).not.toContain("lib/legacy.js");
    expect(r.stdout).not.toContain("src/admin.ts");
  });
});
