/**
 * WATCH / UNWATCH queued in a v1 `pipeline()`: v1 sent them with the other commands, in
 * order, and `execute()`'s array had their replies at their places. A v2 pipeline's
 * `watch()` / `unwatch()` run at once (immediate mode), which would move every later reply.
 * `pipe.executeCommand("WATCH", ...keys)` queues the command as it is, so every reply keeps
 * its index; v2 sends it on a connection of the pipeline's own (a state command never goes to
 * the shared connection), or on the client's connection when the client is bound to one, so
 * the WATCH holds where the v1 one did. Only the replies of WATCH / UNWATCH themselves
 * differ (v1 resolved `true`, the raw command gives "OK"), so the rewrite is made only when
 * the program never reads them: the commands are statements whose Promise is dropped, and
 * `execute()`'s array is dropped too or destructured with holes at their places.
 */
import { climbWrappers, enclosingStatement, statementList, type N, type P } from "../lib/ast.js";
import { raw, type Ctx } from "../lib/context.js";
import type { CallUse } from "./objects.js";

export function isQueuedWatch(c: CallUse): boolean {
  return c.method === "watch" || c.method === "unwatch";
}

/**
 * The statement a queued command stands in: a plain statement (`pipe.cmd()`, `void pipe.cmd()`),
 * or for other commands than WATCH / UNWATCH, `const f = pipe.cmd()` (a future the pipeline
 * rewrite turns into an index).
 */
export function commandStatement(c: CallUse): P | null {
  const p = climbWrappers(c.callPath);
  const parent = p.parent;
  if (parent?.node.type === "ExpressionStatement") return parent;
  if (parent?.node.type === "UnaryExpression" && parent.node.operator === "void" && parent.parent?.node.type === "ExpressionStatement") return parent.parent;
  if (
    !isQueuedWatch(c) &&
    parent?.node.type === "VariableDeclarator" &&
    parent.node.init === p.node &&
    parent.parent?.node.type === "VariableDeclaration" &&
    parent.parent.node.declarations.length === 1
  )
    return parent.parent;
  return null;
}

/** Indexes of `execute()`'s array the program may read (null: all of them, or unknown). */
function readIndexes(execute: CallUse): Set<number> | null {
  const aw = climbWrappers(execute.callPath).parent;
  if (aw?.node.type !== "AwaitExpression") return null;
  // a type assertion around the await does not change the value
  let outer = climbWrappers(aw);
  while (
    outer.parent &&
    ["TSAsExpression", "TSSatisfiesExpression", "TSTypeAssertion", "ParenthesizedExpression"].includes(outer.parent.node.type) &&
    outer.parent.node.expression === outer.node
  )
    outer = climbWrappers(outer.parent);
  const parent = outer.parent?.node;
  if (parent?.type === "ExpressionStatement") return new Set();
  if (parent?.type === "VariableDeclarator" && parent.init === outer.node && parent.id.type === "ArrayPattern") {
    const read = new Set<number>();
    const elements: (N | null)[] = parent.id.elements;
    for (let i = 0; i < elements.length; i++) {
      const e = elements[i];
      if (!e) continue;
      if (e.type === "RestElement") return null;
      read.add(i);
    }
    return read;
  }
  return null;
}

/**
 * Plans the rewrite of the pipeline's queued WATCH / UNWATCH calls. Returns the edit to run,
 * or why the pipeline is left for a hand rewrite.
 */
export function planQueuedWatch(
  ctx: Ctx,
  commands: CallUse[],
  execute: CallUse,
  transaction: boolean,
  prefix: { count: number; watchAt: number[] } = { count: 0, watchAt: [] },
): { run: () => void } | { reason: string } {
  const watches = commands.filter(isQueuedWatch);
  const read = readIndexes(execute);
  // a pipeline a project function started: the WATCH/UNWATCH it queued come first
  for (const at of prefix.watchAt) {
    if (read === null || read.has(at))
      return {
        reason: `the pipeline holds a WATCH or UNWATCH its function queued, whose reply (execute()'s result at index ${at}) may be read here; v1 gave true, a queued one gives "OK" in v2: read only the other replies (destructure with a hole there), or rewrite it by hand`,
      };
  }
  if (watches.length === 0) return { run: () => {} };
  const first = watches[0]!;
  const name = first.method;
  const upper = name.toUpperCase();
  const mark = (why: string) => ({
    reason: `${name}() queued in a ${transaction ? "multiExec()" : "pipeline()"}: a v2 pipeline runs ${upper} at once (immediate mode), so the replies of execute() would move${why}; in v2 write: await pipe.watch(key); ...reads...; pipe.multi(); ...commands...; await pipe.execute()`,
  });
  // inside MULTI, WATCH is an error in v1 and v2 alike: not a program to carry over
  if (transaction) return mark("");
  const statements: P[] = [];
  for (const c of commands) {
    const s = commandStatement(c);
    if (!s) return mark(isQueuedWatch(c) ? ` (its own reply is used here)` : ` (a command's Promise is used, so the codemod cannot place the ${upper} reply)`);
    statements.push(s);
  }
  const execStatement = enclosingStatement(execute.callPath);
  const list = statementList(statements[0] ?? execStatement!);
  if (!list || !execStatement || statementList(execStatement) !== list || statements.some((s) => statementList(s) !== list))
    return mark(" (its commands are not all in one block with execute(), so the codemod cannot tell where the reply of each is)");
  const execAt = list.indexOf(execStatement.node);
  const order = statements.map((s) => list.indexOf(s.node));
  if (order.some((i) => i < 0 || i > execAt)) return mark(" (a command is queued after execute())");
  const positions = new Map<N, number>();
  const sorted = [...order].sort((a, b) => a - b);
  for (let k = 0; k < commands.length; k++) positions.set(commands[k]!.callPath.node, sorted.indexOf(order[k]!));
  for (const w of watches) {
    const at = prefix.count + positions.get(w.callPath.node)!;
    if (read === null || read.has(at))
      return {
        reason: `${w.method}() queued in a pipeline(): its reply (execute()'s result at index ${at}) may be read; v1 gave true, a queued ${w.method.toUpperCase()} gives "OK" in v2: rewrite it by hand (pipe.executeCommand("${w.method.toUpperCase()}", ...) keeps every index)`,
      };
  }
  return { run: queuedWatchRewrite(ctx, watches) };
}

/** `pipe.watch(a, b)` -> `pipe.executeCommand("WATCH", a, b)`, `pipe.unwatch()` -> `pipe.executeCommand("UNWATCH")`. */
export function queuedWatchRewrite(ctx: Ctx, watches: CallUse[]): () => void {
  return () => {
    for (const w of watches) {
      const call = w.callPath.node;
      w.memberPath.node.property = ctx.j.identifier("executeCommand");
      call.arguments = [raw(ctx, JSON.stringify(w.method.toUpperCase())), ...call.arguments];
    }
  };
}
