/** The codemod's small parts: the package.json bump, ignore globs, parsers and file formats. */
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { globToRegExp, matchesAny } from "../../codemods/glob.js";
import { bumpPackageJson, bumpSpec } from "../../codemods/package-json.js";
import { applyTransform, parserFor } from "../../codemods/transform.js";

describe("package.json: bumpSpec", () => {
  it.each([
    ["^1.3.1", "^2.0.0"],
    ["~1.2.0", "~2.0.0"],
    [">=1.0.0", ">=2.0.0"],
    [">1.2.0", ">=2.0.0"],
    ["1.3.1", "2.0.0"],
    ["1.x", "^2.0.0"],
    ["1", "^2.0.0"],
    [">=1.0.0 <2.0.0", "^2.0.0"],
    ["^1.0.0 || ^0.9.0", "^2.0.0"],
    ["<2", "^2.0.0"],
  ])("%s becomes %s", (from, to) => {
    expect(bumpSpec(from)).toEqual({ to });
  });

  it.each([
    ["^2.0.0", "already 2.x or later"],
    ["^3.1.0", "already 3.x or later"],
    ["2.0.0-rc.1", "already 2.x or later"],
    ["workspace:*", "not a version range"],
    ["file:../aioredis", "not a version range"],
    ["link:../aioredis", "not a version range"],
    ["git+https://github.com/aio-libs/aioredis.git", "not a version range"],
    ["github:aio-libs/aioredis", "not a version range"],
    ["aio-libs/aioredis#v1", "not a version range"],
    ["npm:aioredis@^1", "not a version range"],
    ["latest", "a tag"],
    ["next", "a tag"],
    ["*", "already allows every version"],
  ])("%s is left as it is (%s)", (from, note) => {
    const r = bumpSpec(from);
    expect("note" in r && r.note).toContain(note);
  });
});

describe("package.json: bumpPackageJson", () => {
  it("changes only the version string, keeping tabs, CRLF and a missing final newline", () => {
    const text = '{\r\n\t"name": "x",\r\n\t"dependencies": {\r\n\t\t"aioredis": "~1.3.0",\r\n\t\t"other": "^1.3.0"\r\n\t}\r\n}';
    const r = bumpPackageJson(text);
    expect(r.text).toBe(text.replace('"~1.3.0"', '"~2.0.0"'));
    expect(r.changes).toEqual([{ section: "dependencies", from: "~1.3.0", to: "~2.0.0" }]);
  });

  it("handles each dependency section on its own", () => {
    const text = `{\n  "dependencies": { "aioredis": "^1.3.1" },\n  "devDependencies": { "aioredis": "workspace:^" },\n  "optionalDependencies": { "aioredis": "^1.3.1" }\n}\n`;
    const r = bumpPackageJson(text);
    expect(r.text).toBe(
      `{\n  "dependencies": { "aioredis": "^2.0.0" },\n  "devDependencies": { "aioredis": "workspace:^" },\n  "optionalDependencies": { "aioredis": "^2.0.0" }\n}\n`,
    );
    expect(r.changes.map((c) => c.to)).toEqual(["^2.0.0", null, "^2.0.0"]);
  });

  it("is a no-op on a package already on v2 or without aioredis", () => {
    for (const text of ['{ "dependencies": { "aioredis": "^2.0.0" } }\n', '{ "name": "y", "dependencies": { "redis": "^4" } }\n']) {
      expect(bumpPackageJson(text).text).toBe(text);
    }
  });

  it("refuses a file that is not JSON", () => {
    expect(() => bumpPackageJson("{ nope")).toThrow(/not valid JSON/);
  });
});

describe("--ignore-pattern globs", () => {
  const m = (pattern: string, file: string) => matchesAny(file, [globToRegExp(pattern)]);
  it("match like jscodeshift's", () => {
    expect(m("**/node_modules/**", "a/node_modules/x/y.js")).toBe(true);
    expect(m("admin.ts", "src/deep/admin.ts")).toBe(true);
    expect(m("admin.ts", "src/deep/admin.tsx")).toBe(false);
    expect(m("src/*.ts", "src/a.ts")).toBe(true);
    expect(m("src/*.ts", "src/x/a.ts")).toBe(false);
    expect(m("src/**/*.ts", "src/x/y/a.ts")).toBe(true);
    expect(m("*.{spec,test}.ts", "src/a.test.ts")).toBe(true);
    expect(m("generated/", "generated/a/b.ts")).toBe(true);
    expect(m("fixtures", "../test/fixtures/a.ts")).toBe(true);
  });
});

describe("parsers and file formats", () => {
  it("chooses the parser from the extension", () => {
    expect(parserFor("a.ts").parser).toBe("ts");
    expect(parserFor("a.mts").parser).toBe("ts");
    expect(parserFor("a.cts").parser).toBe("ts");
    expect(parserFor("a.tsx").parser).toBe("tsx");
    for (const f of ["a.js", "a.mjs", "a.cjs", "a.jsx"]) expect(parserFor(f).parser).toBe("babel");
  });

  it("keeps CRLF line endings", () => {
    const input =
      'import * as aioredis from "aioredis";\r\n\r\nexport async function main() {\r\n  const redis = await aioredis.createRedisPool("redis://localhost");\r\n  await redis.set("k", "v", { expire: 1 });\r\n}\r\n';
    const { output } = applyTransform(input, "a.ts");
    expect(output).toBe(input.replace("await aioredis.createRedisPool", "aioredis.fromUrl").replace("expire", "ex"));
  });

  it("reads `<T>x` casts in .ts files (the tsx parser would take them for JSX)", () => {
    const input =
      'import * as aioredis from "aioredis";\nexport async function f() {\n  const redis = await aioredis.createRedisPool(<string>process.env.URL);\n  return <number>(await redis.incr("n"));\n}\n';
    expect(applyTransform(input, "a.ts").output).toContain("const redis = aioredis.fromUrl(<string>process.env.URL, { decodeResponses: false });");
  });

  it("parses JSX in .js files", () => {
    const input =
      'import * as aioredis from "aioredis";\nexport async function f() {\n  const redis = await aioredis.createRedisPool("redis://x");\n  return <b>{await redis.get("k")}</b>;\n}\n';
    expect(applyTransform(input, "a.js").output).toContain('const redis = aioredis.fromUrl("redis://x");');
  });

  it("decodes an array reply's elements for a per-call encoding on a client that does not decode", () => {
    const input =
      'import * as aioredis from "aioredis";\nexport async function f() {\n  const redis = await aioredis.createRedisPool("redis://x");\n  const ks = await redis.keys("a:*", { encoding: "utf8" });\n  const vs = await redis.mget("a", "b", { encoding: "utf-8" });\n  return [ks, vs];\n}\n';
    const { output, markers } = applyTransform(input, "a.ts");
    expect(output).toContain('const ks = (await redis.keys("a:*")).map((v) => v.toString("utf8"));');
    expect(output).toContain('const vs = (await redis.mget("a", "b")).map((v) => v?.toString("utf-8") ?? null);');
    expect(markers).toEqual([]);
    expect(applyTransform(output, "a.ts").changed).toBe(false);
  });

  it("keeps set()'s boolean for a Promise used without await (.then(Boolean))", () => {
    const input =
      'import * as aioredis from "aioredis";\nexport async function f(t: number): Promise<boolean> {\n  const redis = await aioredis.createRedisPool("redis://x");\n  await redis.set("a", "b", { expire: t });\n  return redis.set("a", "b", { exist: redis.SET_IF_NOT_EXIST });\n}\n';
    const { output } = applyTransform(input, "a.ts");
    expect(output).toContain('  await redis.set("a", "b", { ex: t || undefined });\n');
    expect(output).toContain('  return redis.set("a", "b", { nx: true }).then(Boolean);\n');
    expect(applyTransform(output, "a.ts").changed).toBe(false);
  });

  it("discarded `void` commands in a loop make a plain pipeline, and a marker on an unbraced loop is written once", () => {
    const plain =
      'import * as aioredis from "aioredis";\nexport async function f(keys: string[]) {\n  const redis = await aioredis.createRedisPool("redis://x");\n  const tr = redis.multiExec();\n  for (const k of keys) void tr.get(k);\n  return await tr.execute();\n}\n';
    expect(applyTransform(plain, "a.ts").output).toContain("const tr = redis.pipeline({ transaction: true });\n  for (const k of keys) void tr.get(k);\n");
    const input =
      'import * as aioredis from "aioredis";\nexport async function f(keys: string[]) {\n  const redis = await aioredis.createRedisPool("redis://x");\n  const p = redis.pipeline();\n  for (const k of keys) p.get(k).then(String);\n  await p.execute();\n}\n';
    const first = applyTransform(input, "a.ts");
    expect(first.markers.length).toBe(1);
    expect(first.output).toContain("  // TODO(aioredis-v2): the Promise of this pipeline() command is used directly");
    expect(first.output).toMatch(/TODO\(aioredis-v2\)[^\n]*\n {2}for \(const k of keys\) p\.get/);
    const second = applyTransform(first.output, "a.ts");
    expect(second.changed).toBe(false);
  });

  it("leaves a file without our package untouched and says so", () => {
    const r = applyTransform("export const x = 1;\n", "a.ts");
    expect(r).toMatchObject({ relevant: false, changed: false, output: "export const x = 1;\n" });
  });
});

describe("package layout", () => {
  it("keeps the client free of the codemod, and the codemod free of the client", async () => {
    const fs = await import("node:fs");
    const path = await import("node:path");
    const root = path.resolve(import.meta.dirname, "../..");
    const filesUnder = (dir: string): string[] =>
      fs
        .readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
        .filter((e) => e.isFile() && e.name.endsWith(".ts"))
        .map((e) => path.join(e.parentPath, e.name));
    // import/export declarations at the start of a line (not examples in comments)
    const importsOf = (file: string) =>
      [
        ...fs
          .readFileSync(file, "utf8")
          .matchAll(/^(?:import\s+(?:type\s+)?(?:[\w$*{}\s,]+?\s+from\s+)?|export\s+(?:type\s+)?(?:\*(?:\s+as\s+\w+)?|\{[^}]*\})\s+from\s+)["']([^"']+)["']/gm),
      ].map((m) => m[1]!);
    for (const file of filesUnder("src")) {
      for (const spec of importsOf(file)) expect(spec, `${file} imports ${spec}`).not.toMatch(/jscodeshift|semver|recast|codemods/);
    }
    for (const file of filesUnder("codemods")) {
      for (const spec of importsOf(file)) expect(spec, `${file} imports ${spec}`).not.toMatch(/(^|\/)(src|compat)(\/|$)|^aioredis/);
    }
  });
});

describe("whole-program pass: modules, tsc output, decisions", () => {
  it("follows re-exports, export * and index files to the declaring module", async () => {
    const { ModuleGraph } = await import("../../codemods/project/modules.js");
    const root = "/p";
    const modules = new Map([
      ["/p/db.ts", { imports: [], exports: [{ exported: "redis", local: "redis" }], reexports: [], exportAll: [], instances: [] }],
      [
        "/p/lib/index.ts",
        { imports: [], exports: [], reexports: [{ source: "../db.js", imported: "redis", exported: "client" }], exportAll: ["./app"], instances: [] },
      ],
      ["/p/lib/app.ts", { imports: [], exports: [{ exported: "app", local: "app" }], reexports: [], exportAll: [], instances: [{ local: "app", cls: "App" }] }],
      [
        "/p/main.ts",
        {
          imports: [
            { local: "c", source: "./lib", imported: "client" },
            { local: "app", source: "./lib/index.js", imported: "app" },
            { local: "x", source: "aioredis", imported: "x" },
          ],
          exports: [],
          reexports: [],
          exportAll: [],
          instances: [],
        },
      ],
    ]);
    const g = new ModuleGraph(modules, root);
    expect(g.localId("/p/main.ts", "c")).toBe("db.ts#redis");
    expect(g.localId("/p/main.ts", "app")).toBe("lib/app.ts#app");
    expect(g.localId("/p/main.ts", "x")).toBeNull();
    expect(g.instances().get("lib/app.ts#app")).toBe("lib/app.ts#App");
  });

  it("parses tsc's plain output and tells new errors from the baseline's by file, code and message", async () => {
    const { parseTscOutput, newErrors } = await import("../../codemods/project/verify.js");
    const before = parseTscOutput("a.ts(3,1): error TS2322: Type 'x' is not assignable to type 'y'.\n  elaboration\n", "/p");
    const after = parseTscOutput(
      "a.ts(5,1): error TS2322: Type 'x' is not assignable to type 'y'.\nb.ts(1,2): error TS2339: Property 'q' does not exist.\n",
      "/p",
    );
    expect(before).toEqual([{ file: "/p/a.ts", line: 3, column: 1, code: "TS2322", message: "Type 'x' is not assignable to type 'y'." }]);
    expect(newErrors(before, after, "/p").map((e) => `${e.file}:${e.code}`)).toEqual(["/p/b.ts:TS2339"]);
  });

  it("decides once per group: a client exported from one module and blocked in another stays on compat in both", async () => {
    const { Project } = await import("../../codemods/project/project.js");
    const files = [
      { file: "/p/db.ts", source: 'import * as aioredis from "aioredis/compat";\nexport const redis = await aioredis.createRedisPool("redis://localhost");\n' },
      { file: "/p/use.ts", source: 'import { redis } from "./db.js";\nexport async function f(): Promise<void> {\n  await redis.select(2);\n}\n' },
      {
        file: "/p/ok.ts",
        source:
          'import * as aioredis from "aioredis/compat";\nexport async function g(): Promise<void> {\n  const r = await aioredis.createRedis("redis://localhost");\n  await r.set("k", "v", { expire: 5 });\n}\n',
      },
    ];
    const state = new Project("/p", files, { mode: "v2" }).run();
    const byFile = new Map(state.files.map((f) => [f.file, f.result?.output ?? ""]));
    expect(byFile.get("/p/db.ts")).toContain('from "aioredis/compat"');
    expect(byFile.get("/p/db.ts")).toContain("createRedisPool(");
    expect(byFile.get("/p/db.ts")).toContain("TODO(aioredis-v2): kept on aioredis/compat");
    expect(byFile.get("/p/ok.ts")).toContain('fromUrl("redis://localhost").client()');
    const held = state.groups.filter((g) => g.held);
    expect(held).toHaveLength(1);
    expect(held[0]!.files.sort()).toEqual(["db.ts", "use.ts"]);
    expect(held[0]!.edits).toBe(0);
  });

  it("a file that imports only packages is transformed once: only links to the project's modules make a file run again", async () => {
    const { Project } = await import("../../codemods/project/project.js");
    const fixtures = new URL("./fixtures/", import.meta.url);
    const inputs = fs
      .readdirSync(fixtures)
      .filter((f) => /\.input\.ts$/.test(f))
      .sort();
    const files = inputs.map((f) => ({ file: `/p/${f}`, source: fs.readFileSync(new URL(f, fixtures), "utf8") }));
    const standalone = files.filter((f) => !/from ["']\.\.?\//.test(f.source));
    expect(standalone.length).toBeGreaterThan(50);
    const state = new Project("/p", standalone, { mode: "v2", assumeV1: false }).run();
    // every file once, plus the few whose groups are held after the first decision
    expect(state.runs).toBeLessThan(standalone.length * 1.2);
  });
});

describe("v1 closed", () => {
  it("of a client made by a factory is isClosed in v2; of a connection taken from a pool it keeps a marker", () => {
    const made = applyTransform(
      'import * as aioredis from "aioredis";\nexport async function f() {\n  const r = await aioredis.createRedis("redis://localhost");\n  if (!r.closed) await r.ping();\n  r.close();\n  await r.waitClosed();\n  return r.closed;\n}\n',
      "a.ts",
    );
    expect(made.output).toContain("if (!r.isClosed) await r.ping();");
    expect(made.output).toContain("return r.isClosed;");
    expect(made.markers).toEqual([]);
    const taken = applyTransform(
      'import * as aioredis from "aioredis";\nexport async function f() {\n  const pool = await aioredis.createPool("redis://localhost");\n  const conn = await pool.acquire();\n  await conn.execute("PING");\n  pool.release(conn);\n  return conn.closed;\n}\n',
      "b.ts",
    );
    expect(taken.output).not.toContain("isClosed");
    expect(taken.markers.map((m) => m.message).join("\n")).toContain("conn.closed is v1 API");
  });
});

describe("functions that only describe a client (v2/describe.ts)", () => {
  /** A module that passes a client to `show`, declared as given. */
  const withHelper = (helper: string) =>
    `import { createRedis } from "aioredis";\n${helper}\nexport async function main() {\n  const redis = await createRedis("redis://localhost");\n  console.log(show(redis));\n  await redis.set("k", "v");\n}\n`;

  it("converts the group, and the report (not a marker) names each call whose text changes", () => {
    const input = fs.readFileSync(new URL("fixtures/describe-helper.input.ts", import.meta.url), "utf8");
    const r = applyTransform(input, "describe-helper.input.ts");
    expect(r.markers).toEqual([]);
    expect(r.output).toContain('import { fromUrl } from "aioredis";');
    expect(r.notes.map((n) => [n.line, n.message.slice(0, n.message.indexOf(":"))])).toEqual([
      [19, "the text of the client passed to shown() changes"],
      [19, "the text of the client passed to label() changes"],
    ]);
    expect(r.notes[0]!.message).toContain("never with its password");
  });

  it.each([
    ["String() of a parameter typed unknown", "function show(x: unknown) { return String(x); }"],
    ["a template of an untyped parameter", `function show(x) { return \`[\${x}]\`; }`],
    ["JSON of a copy with a key deleted", "function show(x: object) { const c = { ...x }; delete (c as any).password; return JSON.stringify(c); }"],
    ["a truthiness test, a comparison and string concatenation", 'function show(x: {} | null) { return x && x !== null ? "<" + x + ">" : "none"; }'],
    [
      "a Record<string, unknown> spread straight into JSON",
      "function show(x: Record<string, unknown>) { return JSON.stringify({ ...x, password: undefined }); }",
    ],
  ])("describes: %s", (_, helper) => {
    const r = applyTransform(withHelper(helper), "a.ts");
    expect(r.markers).toEqual([]);
    expect(r.output).toContain("fromUrl(");
    expect(r.notes.map((n) => n.message)).toEqual([expect.stringContaining("the text of the client passed to show() changes")]);
  });

  it.each([
    ["a parameter typed with an aioredis type", "function show(x: import('aioredis').Redis) { return String(x); }"],
    ["a JSDoc type that is not a top type", "/** @param {Map<string, string>} x */\nfunction show(x) { return String(x); }"],
    ["a property read", "function show(x: any) { return String(x.address); }"],
    ["a property read of the copy", "function show(x: object) { const c: any = { ...x }; return String(c.address); }"],
    ["a key test on the value itself", 'function show(x: object) { return "password" in x ? "secret" : String(x); }'],
    [
      "a key test that decides more than what the text hides",
      'function show(x: object) { const c: any = { ...x }; if ("password" in c) return "?"; return JSON.stringify(c); }',
    ],
    ["an array spread", "function show(x: any) { return String([...x]); }"],
    ["a tagged template", `function show(x: unknown) { return String.raw\`\${x}\`; }`],
    [
      "instanceof a class that may tell a v1 client from a v2 one",
      'import { EventEmitter } from "node:events";\nfunction show(x: object) { return x instanceof EventEmitter ? "emitter" : String(x); }',
    ],
    ["a copy of the reference", "function show(x: unknown) { const y = x; return String(y); }"],
    ["arguments", "function show(x: unknown) { return String(arguments[0]) + String(x); }"],
  ])("does not describe only: %s", (_, helper) => {
    const r = applyTransform(withHelper(helper), "a.ts");
    expect(r.notes).toEqual([]);
    expect(r.markers.length).toBeGreaterThan(0);
    expect(r.output).toContain('from "aioredis/compat"');
  });
});
