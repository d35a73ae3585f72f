/**
 * A v1 options object with a spread (`{ ...settings.pool, maxsize: 5 }`): the keys the spread
 * brings are known only at run time, so the call site converts them at run time, with the same
 * table the codemod uses for the keys it sees. Keys whose v2 form the codemod must know when it
 * writes the call (an `encoding` decides how replies decode and how the code reading them is
 * rewritten), keys with no v2 equivalent, and keys it does not know throw a TypeError naming
 * the option: a loud failure, never a silent difference. Keys the object sets again after the
 * spread are left out (they are overridden, as in v1).
 */
import type { N, P } from "../lib/ast.js";
import { identifiersNamed, nodesOf, type Ctx } from "../lib/context.js";
import { resolveBinding } from "../lib/scope.js";

export interface SpreadRules {
  /** v1 option -> v2 option ("" drops it). */
  renames: Map<string, string>;
  /** v1 options the spread may not carry (with a value other than null/undefined). */
  refused: string[];
  /** v1 options set again after the spread: dropped from it. */
  overridden: string[];
}

/** Source text of the run-time conversion of one spread (without the leading `...`). */
export function spreadConversionText(ctx: Ctx, factory: string, spread: string, rules: SpreadRules): string {
  const ts = ctx.lang !== "js";
  const q = ctx.quote === "'" ? "'" : '"';
  const s = (v: string) => `${q}${v}${q}`;
  const table = [...rules.renames].filter(([k]) => !rules.overridden.includes(k));
  const skip = [...new Set([...rules.overridden])];
  const tableText = `new Map${ts ? "<string, string>" : ""}([${table.map(([k, v]) => `[${s(k)}, ${s(v)}]`).join(", ")}])`;
  const skipText = skip.length ? `if (${skip.map((k) => `k === ${s(k)}`).join(" || ")}) continue; ` : "";
  const nullable = rules.refused.length ? `(${rules.refused.map((k) => `k === ${s(k)}`).join(" || ")}) && v === null` : "false";
  return (
    `((o${ts ? ": object" : ""})${ts ? ": object" : ""} => { ` +
    `const out${ts ? ": Record<string, unknown>" : ""} = {}; ` +
    `for (const [k, v] of Object.entries(o)) { ` +
    `if (v === undefined) continue; ${skipText}` +
    `const to = ${tableText}.get(k); ` +
    `if (to === undefined) { if (${nullable}) continue; throw new TypeError(\`${factory}(): the option \${k} comes from a spread, and the codemod wrote this call for options it could see (see MIGRATION.md)\`); } ` +
    `if (to === ${s("ssl")} && v !== null && typeof v !== ${s("boolean")}) throw new TypeError(${s(`${factory}(): v2 takes ssl: true with sslCaCerts / sslCertfile / sslKeyfile, not an SSL context`)}); ` +
    `if (to !== ${s("")} && !(v === null && (to === ${s("db")} || to === ${s("maxConnections")} || to === ${s("ssl")}))) out[to] = v; ` +
    `} return out; })(${spread})`
  );
}

function hasNull(ann: N | null | undefined): boolean {
  return ann?.type === "TSNullKeyword" || (ann?.type === "TSUnionType" && (ann.types as N[]).some((t) => t.type === "TSNullKeyword"));
}

/**
 * Whether a value is declared as possibly null: `this.db` of a field typed `number | null`, or
 * a variable or parameter typed so. v1 took null for "not given"; v2 options that take only a
 * number get `value ?? undefined` (the same for every value). Unknown declarations: false (tsc,
 * in the verification step, still sees a mismatch).
 */
export function declaredNullable(ctx: Ctx, value: N): boolean {
  if (value.type === "MemberExpression" && value.object.type === "ThisExpression" && !value.computed && value.property.type === "Identifier") {
    const classes = nodesOf(ctx, "ClassDeclaration")
      .map((p: P) => p.node)
      .filter((c: N) => c.start <= value.start && value.end <= c.end)
      .sort((a: N, b: N) => b.start - a.start);
    const field = (classes[0]?.body.body as N[] | undefined)?.find(
      (m) => (m.type === "ClassProperty" || m.type === "PropertyDefinition") && !m.computed && m.key?.name === value.property.name,
    );
    return hasNull(field?.typeAnnotation?.typeAnnotation);
  }
  if (value.type === "Identifier") {
    const path = identifiersNamed(ctx, value.name).find((p: P) => p.node === value);
    const decl = path ? resolveBinding(path, value.name) : null;
    return hasNull(decl?.typeAnnotation?.typeAnnotation);
  }
  return false;
}

/**
 * Options given as a value built elsewhere (`createRedisPool(address, options)`, `settings.redis`):
 * the call converts them at run time, exactly as it converts a spread of them, so the codemod
 * reads them as `{ ...value }`. Only names and member paths (evaluated once, where they were);
 * other expressions keep their reason.
 */
export function optionsAsSpread(value: N): N | null {
  let inner: N = value;
  while (inner.type === "MemberExpression" && !inner.computed && inner.property.type === "Identifier") inner = inner.object;
  if (inner.type !== "Identifier" && inner.type !== "ThisExpression") return null;
  if (inner === value && inner.type === "ThisExpression") return null;
  if (value.type === "Identifier" && value.name === "undefined") return null;
  return { type: "ObjectExpression", properties: [{ type: "SpreadElement", argument: value }], start: value.start, end: value.end, loc: value.loc };
}
