/**
 * A pipeline returned by a project function (`function startPipe(redis) { const pipe =
 * redis.pipeline(); pipe.unwatch(); return pipe; }`): its callers queue more commands and run
 * it. The function's commands come first in `execute()`'s array, so the function tells the
 * project how many it queued and where its WATCH/UNWATCH sit (they stay queued, see
 * pipeline-watch.ts); each caller's pipeline is then planned with its replies after those. The
 * function and every caller are one group: converted together or not at all.
 */
import { enclosingStatement, statementList, type P } from "../lib/ast.js";
import { stmtOf, type CallUse } from "./objects.js";
import { commandStatement, isQueuedWatch, queuedWatchRewrite } from "./pipeline-watch.js";
import type { Obj } from "./objects.js";
import type { V2State } from "./state.js";

/** The pipeline being planned: made here by `made`, or returned by a project function (`made` null, `obj.queued` set). */
export interface Queue {
  obj: Obj;
  declStmt: P;
  made: { type: "call"; method: string; callPath: P; memberPath: P; refPath: P } | null;
  watch?: { name: string };
  onReturn?: (pipe: Obj, ref: P) => boolean;
}

/** Plans the function's part (its commands and the `return`); false when the group is blocked. */
export function planReturnedPipeline(state: V2State, q: Queue, commands: CallUse[], returned: P): boolean {
  const { obj, declStmt } = q;
  const group = obj.group;
  const name = obj.transaction ? "multiExec()" : "pipeline()";
  const prefix = obj.queued ?? { count: 0, watchAt: [] };
  const list = statementList(declStmt);
  const retStmt = enclosingStatement(returned);
  if (!list || !retStmt || statementList(retStmt) !== list) {
    group.block(stmtOf(returned), `the ${name} object is returned from another block than the one it is made in: rewrite this pipeline by hand`);
    return false;
  }
  const declAt = list.indexOf(declStmt.node);
  const retAt = list.indexOf(retStmt.node);
  const order: number[] = [];
  for (const c of commands) {
    const s = commandStatement(c);
    if (s?.node.type !== "ExpressionStatement") {
      group.block(
        stmtOf(c.callPath),
        `the Promise of this ${name} command is used, and the pipeline is returned: in v2 its reply is in the array execute() gives where the pipeline runs: rewrite it by hand`,
      );
      return false;
    }
    const at = statementList(s) === list ? list.indexOf(s.node) : -1;
    if (at <= declAt || at >= retAt) {
      group.block(
        stmtOf(c.callPath),
        `this ${name} command is not queued in the block that returns the pipeline, so the codemod cannot tell where its reply is`,
      );
      return false;
    }
    order.push(at);
  }
  const sorted = [...order].sort((a, b) => a - b);
  const watches = commands.filter(isQueuedWatch);
  if (watches.length && obj.transaction) {
    group.block(stmtOf(watches[0]!.callPath), `${watches[0]!.method}() queued in a multiExec(): WATCH inside MULTI is an error in v1 and v2 alike`);
    return false;
  }
  const watchAt = watches.map((w) => prefix.count + sorted.indexOf(order[commands.indexOf(w)]!));
  obj.queued = { count: prefix.count + commands.length, watchAt: [...prefix.watchAt, ...watchAt] };
  if (watches.length)
    group.edit(
      2,
      watches[0]!.callPath.node,
      "pipeline-watch",
      "WATCH/UNWATCH queued in a pipeline stay queued in v2: executeCommand() keeps every reply's index",
      queuedWatchRewrite(state.ctx, watches),
    );
  if (!q.onReturn!(obj, returned)) {
    group.block(stmtOf(returned), `the ${name} object is returned from a function the codemod cannot name: rewrite this pipeline by hand`);
    return false;
  }
  return true;
}
