// Builds what the `aioredis` package ships (`npm pack` runs it as prepack):
//   dist/src, dist/compat  the ES modules and their .d.ts (tsconfig.lib.json, no source maps)
//   dist/cjs               the `require` face: one .cjs file per entry point that require()s the
//                          ES module (Node >= 20.19 / 22.12 load ES modules synchronously), and a
//                          copy of the declarations as .d.cts so TypeScript sees CommonJS types
//                          where a CommonJS file imports the package.
// There is one copy of the code: a program that both imports and requires aioredis gets the same
// module instance, so classes and `instanceof` agree (no dual-package hazard).
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = path.join(root, "dist");
const entries = [
  { dir: "src", specifier: "aioredis" },
  { dir: "compat", specifier: "aioredis/compat" },
];

fs.rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [path.join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.lib.json"], { cwd: root, stdio: "inherit" });

// `from "./x.js"`, `import("./x.js")`, `export * from "../y/index.js"`: relative specifiers only.
const RELATIVE_JS = /((?:from|import)\s*\(?\s*)(["'])(\.{1,2}\/[^"']*?)\.js\2/g;

function* declarations(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* declarations(full);
    else if (entry.name.endsWith(".d.ts")) yield full;
  }
}

for (const { dir } of entries) {
  for (const file of declarations(path.join(dist, dir))) {
    const target = path.join(dist, "cjs", path.relative(dist, file)).replace(/\.d\.ts$/, ".d.cts");
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, fs.readFileSync(file, "utf8").replace(RELATIVE_JS, "$1$2$3.cjs$2"));
  }
}

for (const { dir, specifier } of entries) {
  const shim = `"use strict";
// The CommonJS face of ${specifier}: the ES module itself, loaded by require() (Node.js >= 20.19 or >= 22.12).
try {
  module.exports = require("../../${dir}/index.js");
} catch (err) {
  if (err && err.code === "ERR_REQUIRE_ESM") {
    const error = new Error(
      ${JSON.stringify(`require("${specifier}") needs Node.js >= 20.19 (or >= 22.12 on Node 22), which can require() ES modules; this is Node.js `)} +
        process.versions.node +
        ${JSON.stringify(`. Upgrade Node.js, or load the package with import("${specifier}").`)},
      { cause: err },
    );
    error.code = "ERR_REQUIRE_ESM";
    throw error;
  }
  throw err;
}
`;
  fs.writeFileSync(path.join(dist, "cjs", dir, "index.cjs"), shim);
}
