/**
 * A class that extends a v1 class stays on aioredis/compat (its base takes v1 pools and
 * connections). The v1 types its body names (`constructor(address: Address, options?:
 * PoolOptions)`) are what that base takes, so they stay on compat with it: a v2 type of the
 * same name (`PoolOptions`) is another type, and would not type-check against the v1 base.
 */
import type { N, P } from "../lib/ast.js";
import { resolveExport, type ModuleInfo } from "../lib/bindings.js";
import type { Ctx } from "../lib/context.js";

/** The names (and their namespace objects) of v1 types referenced in the class's body. */
export function v1TypeNamesIn(ctx: Ctx, info: ModuleInfo, classPath: P): N[] {
  const out: N[] = [];
  ctx
    .j(classPath.get("body"))
    .find(ctx.j.TSTypeReference)
    .forEach((r: P) => {
      if (!resolveExport(info, r.get("typeName"))) return;
      const name = r.node.typeName;
      out.push(name, name.left ?? name);
    });
  return out;
}
