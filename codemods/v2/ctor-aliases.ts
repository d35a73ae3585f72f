/**
 * A class without a constructor of its own takes its base class's parameters:
 * `new JsonQueue(redis, key)` runs `Queue`'s constructor. The project names a constructor's
 * parameters by class (`q.ts#Queue(0)`), so the subclasses of this module that inherit a
 * constructor give their names too (`q.ts#JsonQueue(0)`): what callers pass to them reaches the
 * parameter.
 */
import type { N, P } from "../lib/ast.js";
import { nodesOf, type Ctx } from "../lib/context.js";

/** Ids (`file#Sub`) of the classes of this module that inherit the constructor `fn` (transitively). */
export function inheritedCtorIds(ctx: Ctx, fn: P, classIdOf: (ctx: Ctx, classPath: P) => string | null): string[] {
  if (fn.node.type !== "ClassMethod" || fn.node.kind !== "constructor") return [];
  const base: P | null = fn.parent?.parent ?? null;
  if (base?.node.type !== "ClassDeclaration" || !base.node.id) return [];
  const classes: P[] = nodesOf(ctx, "ClassDeclaration");
  const hasCtor = (c: N) => (c.body.body as N[]).some((m) => m.type === "ClassMethod" && m.kind === "constructor");
  const out: string[] = [];
  let frontier = [base.node.id.name as string];
  const seen = new Set(frontier);
  while (frontier.length) {
    const next: string[] = [];
    for (const c of classes) {
      const sup = c.node.superClass;
      if (!c.node.id || sup?.type !== "Identifier" || !frontier.includes(sup.name) || hasCtor(c.node) || seen.has(c.node.id.name)) continue;
      seen.add(c.node.id.name);
      const id = classIdOf(ctx, c);
      if (id) out.push(id);
      next.push(c.node.id.name);
    }
    frontier = next;
  }
  return out;
}
