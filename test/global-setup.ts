import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** The compiled package entry (`.../src/index.js`) built for this run. */
    distEntry: string;
  }
}

/**
 * Builds the package once per run into a directory of its own: tests that run a script in
 * a child process (clean exit, garbage collection) import the compiled package, as a
 * user's program would. A directory per run keeps concurrent runs from tripping over
 * each other's half-written files.
 */
export default function setup(project: TestProject): () => void {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  const outDir = path.join(root, ".tmp", `dist-${process.pid}`);
  try {
    execFileSync(process.execPath, [path.join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json", "--outDir", outDir], {
      cwd: root,
      stdio: "pipe",
    });
  } catch (err) {
    // Type errors still emit JavaScript; `npm test` type-checks separately and fails on them.
    const output = String((err as { stdout?: Buffer }).stdout ?? "");
    console.warn(`global-setup: the build reported errors (tests use what it emitted):\n${output.slice(0, 2000)}`);
  }
  project.provide("distEntry", path.join(outDir, "src", "index.js"));
  return () => fs.rmSync(outDir, { recursive: true, force: true });
}
