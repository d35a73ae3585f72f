/**
 * `new Redis(await createPool(address, options))`: a v1 client on a pool made for it alone (the
 * pool is in no variable, so nothing else can use or close it). In v2 it is one value:
 * `new Redis({ connectionPool: <the v2 pool> })`, followed from the `new` as a client; closing
 * it also disconnects the pool, as v1's close() of such a client closed its pool.
 */
import { resolveExport } from "../lib/bindings.js";
import { climbWrappers, type N, type P } from "../lib/ast.js";
import type { FactoryPlan } from "./factories.js";
import type { V2State } from "./state.js";

export function clientOnInlinePool(state: V2State, awaited: P, plan: FactoryPlan): { path: P; plan: FactoryPlan } | null {
  if (plan.kind !== "pool") return null;
  const outer = climbWrappers(awaited);
  const path: P = outer.parent;
  const node: N = path?.node;
  if (node?.type !== "NewExpression" || node.arguments.length !== 1 || node.arguments[0] !== outer.node) return null;
  if (resolveExport(state.info, path.get("callee"))?.name !== "Redis") return null;
  const j = state.ctx.j;
  return {
    path,
    plan: {
      ...plan,
      kind: "client",
      blockingPool: true,
      description: `new Redis(await createPool(...)) is new Redis({ connectionPool: ... }) in v2; ${plan.description}`,
      build: () => {
        node.arguments = [j.objectExpression([j.objectProperty(j.identifier("connectionPool"), plan.build())])];
        return node;
      },
    },
  };
}
