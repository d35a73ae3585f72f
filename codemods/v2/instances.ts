/**
 * `storage.redis()` where `storage` is a `const storage = new RedisStorage(...)` of a project
 * class (declared in this module, or imported from one that declares it): the id of the
 * method it calls, `storage/redis.ts#RedisStorage.redis`, so what the method returns is
 * followed into this module as it is inside the class (`this.redis()`). `Storage.connect()`
 * of a class itself calls its static method, `storage/redis.ts#Storage.connect`.
 */
import type { N, P } from "../lib/ast.js";
import type { Ctx } from "../lib/context.js";
import { resolveBinding } from "../lib/scope.js";

export function instanceMethodId(ctx: Ctx, callPath: P): string | null {
  const view = ctx.view;
  const callee = callPath.node.callee;
  if (!view || callee?.type !== "MemberExpression" || callee.computed || callee.object.type !== "Identifier" || callee.property.type !== "Identifier")
    return null;
  const name: string = callee.object.name;
  const decl = resolveBinding(callPath.get("callee", "object"), name);
  if (!decl) return null;
  for (let stmt of ctx.root.get().node.program.body as N[]) {
    if (stmt.type === "ImportDeclaration") {
      if (!(stmt.specifiers ?? []).some((s: N) => s.local === decl)) continue;
      const id = view.local(name);
      const cls = id ? view.instanceOf(id) : null;
      // an imported class: `Pool.create()` calls its static method `Pool.create`
      return cls ? `${cls}.${callee.property.name}` : id && !id.endsWith("#*") ? `${id}.${callee.property.name}` : null;
    }
    if ((stmt.type === "ExportNamedDeclaration" || stmt.type === "ExportDefaultDeclaration") && stmt.declaration) stmt = stmt.declaration;
    // `Instance.createPool()`: a static method of a class of this module
    if (stmt.type === "ClassDeclaration" && stmt.id === decl) {
      const id = view.local(name);
      return id && !id.endsWith("#*") ? `${id}.${callee.property.name}` : null;
    }
    if (stmt.type !== "VariableDeclaration" || stmt.kind !== "const") continue;
    const d = (stmt.declarations as N[]).find((x) => x.id === decl);
    if (!d) continue;
    let init = d.init;
    while (
      init &&
      (init.type === "AwaitExpression" || init.type === "TSAsExpression" || init.type === "TSNonNullExpression" || init.type === "ParenthesizedExpression")
    )
      init = init.argument ?? init.expression;
    if (init?.type !== "NewExpression" || init.callee.type !== "Identifier") return null;
    const cls = view.local(init.callee.name);
    return cls && !cls.endsWith("#*") ? `${cls}.${callee.property.name}` : null;
  }
  return null;
}
