/**
 * `pool.execute(...)` on a v1 low-level pool ran one raw command on a free connection of the
 * pool. In v2 a pool runs nothing itself: a client on it does, and `new Redis({ connectionPool:
 * pool })` is cheap (it opens nothing of its own: its commands go to the pool's connections).
 * The command itself is rewritten as on a connection (`execute` -> `executeCommand`, with the
 * same checks of its per-call options).
 */
import { codeOf, raw } from "../lib/context.js";
import type { N } from "../lib/ast.js";
import { planCommand } from "./commands.js";
import type { Obj, CallUse } from "./objects.js";
import type { V2State } from "./state.js";

export function planPoolExecute(state: V2State, pool: Obj, use: CallUse, consumed: Set<N>): void {
  const ctx = state.ctx;
  const member = use.memberPath.node;
  const poolText = codeOf(ctx, member.object);
  // the command as a client of the pool runs it: its replies decode as the pool's connections do
  planCommand(state, { ...pool, kind: "client" }, use, false, consumed);
  pool.group.edit(2, member, "pool-execute", "pool.execute(...) runs on a client of the pool in v2: new Redis({ connectionPool: pool })", () => {
    member.object = raw(ctx, `new ${state.refText("Redis")}({ connectionPool: ${poolText} })`);
  });
}
