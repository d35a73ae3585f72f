// Codemod speed over a generated corpus: 2,000 files made from the fixture inputs (v1 code
// of every kind), transformed in one process as `aioredis-codemod --dry` would: the
// whole-program pass (analyze, link, decide) without the tsc check. Prints files per
// second. Needs the build: `npm run build && node test/codemod/bench-codemod.mjs`.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const { applyTransform } = await import(path.join(root, "dist/codemods/transform.js"));
const { Project } = await import(path.join(root, "dist/codemods/project/project.js"));
const count = Number(process.argv[2] ?? 2000);

const fixtures = path.join(root, "test/codemod/fixtures");
const inputs = fs
  .readdirSync(fixtures)
  .filter((f) => /\.input\.[a-z]+$/.test(f))
  .sort()
  .map((f) => ({ ext: f.slice(f.lastIndexOf(".")), text: fs.readFileSync(path.join(fixtures, f), "utf8") }));

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aioredis-codemod-bench-"));
const files = [];
for (let i = 0; i < count; i++) {
  const { ext, text } = inputs[i % inputs.length];
  const file = path.join(dir, `d${Math.floor(i / 100)}`, `f${i}${ext}`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  files.push(file);
}

// one warm-up pass over a few files (parser and printer set-up), then the measured run
for (const file of files.slice(0, 20)) applyTransform(fs.readFileSync(file, "utf8"), file);
const started = process.hrtime.bigint();
const project = new Project(
  dir,
  files.map((file) => ({ file, source: fs.readFileSync(file, "utf8") })),
  { mode: "v2", assumeV1: false },
);
const state = project.run();
const changed = state.files.filter((f) => f.result?.changed).length;
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
fs.rmSync(dir, { recursive: true, force: true });
console.log(
  `aioredis-codemod: ${files.length} files (${changed} changed, ${state.runs} transform runs, ${state.groups.length} groups) in ${seconds.toFixed(2)} s: ${Math.round(files.length / seconds)} files/s`,
);
