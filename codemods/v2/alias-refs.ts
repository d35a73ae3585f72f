/**
 * A type alias of the module that names a v1 class among other types
 * (`type Connection = string | [string, number] | aioredis.Redis`): where a value the codemod
 * follows is declared with the alias, the class named inside it follows that value's group
 * (rewritten with it, or kept on compat with it), as a direct annotation would.
 */
import { resolveExport, type ModuleInfo } from "../lib/bindings.js";
import type { N, P } from "../lib/ast.js";
import { nodesOf, type Ctx } from "../lib/context.js";

/** The package type references inside the top-level alias `ref` names (a union or a single reference), or none. */
export function aliasPackageRefs(ctx: Ctx, info: ModuleInfo, ref: P): P[] {
  const name = ref.node.typeName;
  if (name?.type !== "Identifier" || ref.node.typeParameters || resolveExport(info, ref.get("typeName"))) return [];
  const alias = (nodesOf(ctx, "TSTypeAliasDeclaration") as P[]).find((p) => {
    const up = p.parent?.node.type === "ExportNamedDeclaration" ? p.parent.parent : p.parent;
    return p.node.id?.name === name.name && !p.node.typeParameters && up?.node.type === "Program";
  });
  if (!alias) return [];
  const t: P = alias.get("typeAnnotation");
  const members: P[] = t.node.type === "TSUnionType" ? (t.node.types as N[]).map((_, i) => t.get("types", i)) : [t];
  return members.filter((m) => m.node.type === "TSTypeReference" && !m.node.typeParameters && resolveExport(info, m.get("typeName")));
}
