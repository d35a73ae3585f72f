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
import { nodesOf } from "../lib/context.js";
import { instanceInit } from "../project/modules.js";
import { isModuleLevelDecl } from "./analyzer-util.js";

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
  }
  // a const anywhere in the file: `const sub = await new Subscriber(url).start()`
  const declarator = (nodesOf(ctx, "VariableDeclarator") as P[]).find((p) => p.node.id === decl);
  if (!declarator || declarator.parent?.node.type !== "VariableDeclaration" || declarator.parent.node.kind !== "const") return null;
  const inst = instanceInit(declarator.node.init);
  if (!inst) return null;
  const clsDecl = resolveBinding(declarator.get("init"), inst.cls);
  if (!clsDecl || !isModuleLevelDecl(ctx, clsDecl)) return null;
  const cls = view.local(inst.cls);
  if (!cls || cls.endsWith("#*") || (inst.via && !view.returnsThis?.(cls, inst.via))) return null;
  return `${cls}.${callee.property.name}`;
}
