/**
 * v1 type aliases that are plain structural types (`Address`: a URL or socket path, or a
 * `[host, port]` pair) are written out where they are used: the same type, without the v1
 * import, whatever the values annotated with it become. The code that gives such a value to
 * a v2 factory is rewritten (or kept on compat) on its own.
 */
import { resolveExport, type ModuleInfo } from "../lib/bindings.js";
import type { P } from "../lib/ast.js";
import { nodesOf, raw, type Ctx } from "../lib/context.js";

const STRUCTURAL: Record<string, string> = {
  Address: "string | readonly [string, number]",
};

/** Where a union may stand without parentheses. */
const BARE_PARENTS = new Set([
  "TSTypeAnnotation",
  "TSUnionType",
  "TSTypeParameterInstantiation",
  "TSTypeAliasDeclaration",
  "TSAsExpression",
  "TSSatisfiesExpression",
]);

/** Writes out the v1 structural aliases of this file; true when one was. */
export function inlineV1Aliases(ctx: Ctx, info: ModuleInfo): boolean {
  let changed = false;
  for (const p of nodesOf(ctx, "TSTypeReference") as P[]) {
    if (p.node.typeParameters) continue;
    const ref = resolveExport(info, p.get("typeName"));
    const text = ref ? STRUCTURAL[ref.name] : undefined;
    if (!text) continue;
    const bare = BARE_PARENTS.has(p.parent?.node?.type);
    p.node.typeName = raw(ctx, bare ? text : `(${text})`);
    changed = true;
  }
  return changed;
}
