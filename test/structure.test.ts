/**
 * The structure of the source, read from its files: no import circle (type-only imports
 * count too, since they tie modules together for a reader and for the compiler), and no
 * file of src/, compat/ or codemods/ over 600 lines.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const DIRS = ["src", "compat", "codemods"] as const;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (at: string): void => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (name === "node_modules") continue;
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith(".ts") && !path.endsWith(".d.ts")) out.push(path);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** `from "./x.js"`, `import "./x.js"`, `import("./x.js")`: every relative module a file names. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.{1,2}\/[^"']+)["']/g;

function resolveImport(from: string, specifier: string): string | null {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [base.replace(/\.(m|c)?js$/, ".$1ts"), base, `${base}.ts`, join(base, "index.ts")]) {
    if (candidate.endsWith(".ts") && existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/** The import graph of every .ts file under src/, compat/ and codemods/ (relative imports only). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const dir of DIRS) {
    for (const file of sourceFiles(join(root, dir))) {
      const text = readFileSync(file, "utf8");
      const deps = new Set<string>();
      for (const match of text.matchAll(SPECIFIER)) {
        const target = resolveImport(file, match[1]!);
        if (target) deps.add(target);
      }
      graph.set(file, [...deps]);
    }
  }
  return graph;
}

/** Every circle found by a depth-first search, as `a.ts -> b.ts -> a.ts`. */
function importCycles(graph: Map<string, string[]>): string[][] {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (file: string): void => {
    state.set(file, "open");
    stack.push(file);
    for (const dep of graph.get(file) ?? []) {
      const s = state.get(dep);
      if (s === "open") cycles.push([...stack.slice(stack.indexOf(dep)), dep].map((f) => relative(root, f)));
      else if (s === undefined) visit(dep);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return cycles;
}

describe("imports", () => {
  const graph = importGraph();

  test("the graph is read (sanity: the entry point imports the client)", () => {
    const entry = join(root, "src", "index.ts");
    expect(graph.get(entry)).toContain(join(root, "src", "client.ts"));
    expect(graph.get(join(root, "src", "cluster", "cluster.ts"))).toContain(join(root, "src", "cluster", "router.ts"));
  });

  test("the cycle search finds a circle when there is one", () => {
    const g = new Map([
      ["/a.ts", ["/b.ts"]],
      ["/b.ts", ["/c.ts"]],
      ["/c.ts", ["/a.ts"]],
      ["/d.ts", ["/a.ts"]],
    ]);
    expect(importCycles(g)).toHaveLength(1);
    expect(
      importCycles(
        new Map([
          ["/a.ts", ["/b.ts"]],
          ["/b.ts", []],
        ]),
      ),
    ).toEqual([]);
  });

  test.each(DIRS)("no import circle through %s/", (dir) => {
    const cycles = importCycles(graph).filter((cycle) => cycle.some((file) => file.startsWith(`${dir}/`)));
    expect(cycles.map((cycle) => cycle.join(" -> "))).toEqual([]);
  });
});

describe("file sizes", () => {
  // Every file of the client and of the compatibility layer.
  const CHECKED = DIRS.flatMap((dir) => sourceFiles(join(root, dir)));

  test("the list is read (sanity: it holds the entry points and files below them)", () => {
    expect(CHECKED).toContain(join(root, "src", "index.ts"));
    expect(CHECKED).toContain(join(root, "src", "protocol", "decoder.ts"));
    expect(CHECKED).toContain(join(root, "compat", "index.ts"));
    expect(CHECKED).toContain(join(root, "codemods", "v2", "index.ts"));
  });

  test.each(CHECKED.map((file) => [relative(root, file), file]))("%s has at most 600 lines", (_name, file) => {
    const lines = readFileSync(file, "utf8").split("\n").length;
    expect(lines).toBeLessThanOrEqual(600);
  });
});
