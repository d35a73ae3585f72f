/** The codemod's fixture pairs: `fixtures/<name>.input.<ext>` and `fixtures/<name>.output.<ext>`. */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import type { TransformOptions } from "../../codemods/transform.js";

export const FIXTURES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");

export interface Fixture {
  name: string;
  ext: string;
  inputPath: string;
  outputPath: string;
  /** `<name>.options.json`, when present (e.g. `{ "mode": "compat" }`). */
  options: TransformOptions;
}

export function listFixtures(): Fixture[] {
  const out: Fixture[] = [];
  for (const file of fs.readdirSync(FIXTURES_DIR).sort()) {
    const m = /^(.+)\.input\.([a-z]+)$/.exec(file);
    if (!m) continue;
    const [, name, ext] = m;
    const optionsPath = path.join(FIXTURES_DIR, `${name}.options.json`);
    out.push({
      name: name!,
      ext: ext!,
      inputPath: path.join(FIXTURES_DIR, file),
      outputPath: path.join(FIXTURES_DIR, `${name}.output.${ext}`),
      options: fs.existsSync(optionsPath) ? (JSON.parse(fs.readFileSync(optionsPath, "utf8")) as TransformOptions) : {},
    });
  }
  return out;
}
