/**
 * Every fixture pair: the codemod turns the input into exactly the expected output, and
 * running it again on that output changes nothing (the second run of a real migration).
 */
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { applyTransform, markersIn } from "../../codemods/transform.js";
import { listFixtures } from "./fixtures.js";

const fixtures = listFixtures();

describe("codemod fixtures", () => {
  it("cover the 25 usage patterns of the v1 reference, every import style, negative, formatting, TSX and JS cases", () => {
    const names = fixtures.map((f) => f.name);
    for (let n = 1; n <= 25; n++) {
      expect(
        names.some((name) => name.startsWith(`p${String(n).padStart(2, "0")}-`)),
        `pattern ${n}`,
      ).toBe(true);
    }
    for (const group of ["import-", "require-", "reexport", "neg-", "fmt-", "marker-", "compat-"]) {
      expect(
        names.some((name) => name.startsWith(group)),
        group,
      ).toBe(true);
    }
    const exts = new Set(fixtures.map((f) => f.ext));
    for (const ext of ["ts", "tsx", "js", "mjs", "cjs", "jsx"]) expect(exts.has(ext), ext).toBe(true);
  });

  for (const f of fixtures) {
    describe(f.name, () => {
      const input = fs.readFileSync(f.inputPath, "utf8");
      const expected = fs.readFileSync(f.outputPath, "utf8");

      it("turns the input into the expected output", () => {
        const result = applyTransform(input, f.inputPath, f.options);
        expect(result.output).toBe(expected);
        expect(result.changed).toBe(input !== expected);
        expect(result.markers).toEqual(markersIn(expected));
      });

      it("changes nothing when run again on its output", () => {
        const again = applyTransform(expected, f.outputPath, f.options);
        expect(again.output).toBe(expected);
        expect(again.changed).toBe(false);
      });
    });
  }
});
