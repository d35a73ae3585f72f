/**
 * `this` of a class's instances, as the references of a value (objects.ts): the subclasses of
 * Redis that subclass-convert.ts converts follow their instance through it.
 */
import type { P } from "../lib/ast.js";
import type { Ctx } from "../lib/context.js";

/** The paths of the nodes of a type under `root`. */
export function nodesOfIn(ctx: Ctx, root: P, type: string): P[] {
  const j = ctx.j;
  return j(root)
    .find(j[type as "ThisExpression"])
    .paths();
}

/** `this` of the class's instances: in its constructor and instance methods (arrow functions included), not in static members. */
export function thisReferences(ctx: Ctx, classPath: P): P[] {
  return nodesOfIn(ctx, classPath, "ThisExpression").filter((t) => {
    let p: P | null = t.parent;
    while (p && p.node !== classPath.node) {
      const n = p.node;
      if (n.type === "FunctionExpression" || n.type === "FunctionDeclaration" || n.type === "ObjectMethod") return false;
      if (n.type === "ClassDeclaration" || n.type === "ClassExpression") return false;
      if ((n.type === "ClassMethod" || n.type === "ClassProperty" || n.type === "PropertyDefinition") && p.parent?.parent?.node === classPath.node)
        return !n.static;
      p = p.parent;
    }
    return false;
  });
}
