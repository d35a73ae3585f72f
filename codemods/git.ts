/** The clean-work-tree check: refuse to rewrite files whose last state git cannot give back. */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export interface GitState {
  /** The work tree's top directory, or null outside a git repository (or without git). */
  root: string | null;
  /** Changed or untracked files among the given paths, relative to the top directory. */
  dirty: string[];
}

export function gitState(paths: string[]): GitState {
  const first = paths[0] ?? ".";
  const dir = fs.existsSync(first) && fs.statSync(first).isDirectory() ? first : path.dirname(first);
  let root: string;
  try {
    root = execFileSync("git", ["rev-parse", "--show-toplevel"], { cwd: dir, stdio: ["ignore", "pipe", "ignore"] })
      .toString()
      .trim();
  } catch {
    return { root: null, dirty: [] };
  }
  const rel = paths.map((p) => path.relative(root, path.resolve(p)) || ".");
  const out = execFileSync("git", ["status", "--porcelain", "--", ...rel], { cwd: root, stdio: ["ignore", "pipe", "ignore"] }).toString();
  const dirty = out
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => l.slice(3));
  return { root, dirty };
}
