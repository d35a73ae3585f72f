/**
 * The codemod's AST helpers read the node shapes of all three parsers it uses: `ts`/`tsx`
 * (Babel's StringLiteral, ObjectProperty, start/end) and `babel` (ESTree's Literal and
 * Property where the parser gives them). Each helper is checked on the same code read by each.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import jscodeshift, { type ASTPath } from "jscodeshift";
import { describe, expect, it } from "vitest";
import {
  fieldOf,
  isBoolLit,
  isNode,
  isNullLit,
  isNumberLit,
  isObjectProp,
  isStringLit,
  memberName,
  moduleExportName,
  offsetsOf,
  originalText,
  propName,
} from "../../codemods/lib/ast.js";
import { loadedSource } from "../../codemods/lib/bindings.js";
import { setStringValue } from "../../codemods/lib/strings.js";

const SOURCE = `const o = { "k": 1, b: 'x', c: null, d: true, [e]: 2, f };
const m = require('aioredis');
const v = o["k"] ?? o.b;
export { x as "y-z" } from "aioredis";
`;

const PARSERS = ["ts", "tsx", "babel"] as const;

function parse(parser: (typeof PARSERS)[number]) {
  const j = jscodeshift.withParser(parser);
  const root = j(SOURCE);
  const first = <T>(paths: ASTPath<T>[]): T => {
    const node = paths[0]?.node;
    if (!node) throw new Error("not found");
    return node;
  };
  return { j, root, first };
}

describe.each(PARSERS)("AST helpers on the %s parser", (parser) => {
  it("read literals and object properties", () => {
    const { j, root, first } = parse(parser);
    const obj = first(root.find(j.ObjectExpression).paths());
    const props: unknown[] = obj.properties;
    expect(props.map((p) => propName(p))).toEqual(["k", "b", "c", "d", null, "f"]);
    expect(props.every((p) => isObjectProp(p))).toBe(true);
    const values = props.map((p) => (isNode(p) && isObjectProp(p) ? p.value : null));
    expect(values.map((v) => isNumberLit(v))).toEqual([true, false, false, false, true, false]);
    expect(values.map((v) => isStringLit(v))).toEqual([false, true, false, false, false, false]);
    expect(values.map((v) => isNullLit(v))).toEqual([false, false, true, false, false, false]);
    expect(values.map((v) => isBoolLit(v, true))).toEqual([false, false, false, true, false, false]);
    expect(isBoolLit(values[3], false)).toBe(false);
  });

  it("read member names, module names and offsets", () => {
    const { j, root, first } = parse(parser);
    const members: unknown[] = [...root.find(j.MemberExpression).nodes(), ...root.find(j.OptionalMemberExpression).nodes()];
    expect(members.map((m) => memberName(m))).toEqual(["k", "b"]);
    const spec = first(root.find(j.ExportSpecifier).paths());
    expect(moduleExportName(spec.local)).toBe("x");
    expect(moduleExportName(spec.exported)).toBe("y-z");
    const call = first(root.find(j.CallExpression).paths());
    const source = loadedSource(call);
    expect(source?.value).toBe("aioredis");
    expect(offsetsOf(source)).not.toBeNull();
    expect(originalText(SOURCE, source)).toBe("'aioredis'");
    expect(offsetsOf(j.identifier("fresh"))).toBeNull();
  });

  it("change a string literal's value, keeping its quotes", () => {
    const { j, root } = parse(parser);
    const call = root.find(j.CallExpression).paths()[0]!.node;
    const source = loadedSource(call);
    if (!source) throw new Error("no require() source");
    setStringValue(source, "aioredis/compat");
    expect(source.value).toBe("aioredis/compat");
    // the written text recast reuses: Babel's `extra.raw`, and ESTree's `raw` too on a Literal
    const extra = fieldOf(source, "extra");
    expect(typeof extra === "object" && extra !== null ? fieldOf(extra, "raw") : null).toBe("'aioredis/compat'");
    if (source.type === "Literal") expect(fieldOf(source, "raw")).toBe("'aioredis/compat'");
    expect(root.toSource({ quote: "single" })).toContain("require('aioredis/compat')");
  });
});

describe("codemods/lib is typed", () => {
  it("names no untyped node (`any`, `N`, `P`) outside the definitions kept for v2/ and project/", () => {
    const dir = join(import.meta.dirname, "../../codemods/lib");
    const offending: string[] = [];
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
      readFileSync(join(dir, file), "utf8")
        .split("\n")
        .forEach((line, i) => {
          const code = line.replace(/\/\/.*$|^\s*\*.*$|^\s*\/\*\*.*$/, "");
          if (/\bany\b|[:<(,|?=]\s*[NP]\b|\bas [NP]\b/.test(code)) offending.push(`${file}:${i + 1}: ${line.trim()}`);
        });
    }
    // the definitions themselves, and the two places that hand the untyped forms to the callers that still use them
    expect(offending).toEqual([
      expect.stringMatching(/^ast\.ts:\d+: export type N = any;$/),
      expect.stringMatching(/^ast\.ts:\d+: export type P = ASTPath<N>;$/),
      expect.stringMatching(/^ast\.ts:\d+: export type Typed<T, Precise> = 0 extends 1 & T \? N : Precise;$/),
      expect.stringMatching(/^bindings\.ts:\d+: export interface ModuleInfo<R = N> \{$/),
    ]);
  });
});
