/**
 * v1 `multiExec()` / `pipeline()` objects: every call returned a Promise of its own reply.
 * In v2 the calls queue and chain, and the replies come back as the array `execute()`
 * resolves, so each awaited Promise becomes an index into that array. Straight-line code is
 * rewritten; a Promise that escapes (returned, stored, awaited before `execute()`) keeps the
 * group on compat with a marker.
 */
import {
  climbWrappers,
  enclosingStatement,
  isBoolLit,
  isCall,
  isObjectExpr,
  propName,
  replaceNode,
  statementList,
  uniqueName,
  namesIn,
  type N,
  type P,
} from "../lib/ast.js";
import { codeOf, raw, type Ctx } from "../lib/context.js";
import { planCommand } from "./commands.js";
import { planPipelineDecode, wrapInDecode } from "./decode-reply.js";
import { planReturnedPipeline, type Queue } from "./pipeline-flow.js";
import { isQueuedWatch, planQueuedWatch } from "./pipeline-watch.js";
import { classifyUse, holderOf, referencesOfHolder, stmtOf, type Obj, type CallUse } from "./objects.js";
import type { V2State } from "./state.js";

interface Future {
  name: string;
  index: number;
  declStmt: P;
  refs: P[];
}

function pipelineOptionText(transaction: boolean): string {
  return `{ transaction: ${transaction} }`;
}

/** `execute({ returnExceptions })` -> `execute({ raiseOnError })`. */
function planExecuteOptions(ctx: Ctx, call: N): { args: N[]; returnExceptions: boolean | null } | { reason: string } {
  const args: N[] = call.arguments;
  if (args.length === 0) return { args, returnExceptions: false };
  if (args.length > 1 || !isObjectExpr(args[0])) return { reason: "execute() arguments are not { returnExceptions }" };
  const props = args[0].properties;
  if (props.length === 0) return { args: [], returnExceptions: false };
  if (props.length !== 1 || propName(props[0]) !== "returnExceptions") return { reason: "execute() options other than returnExceptions" };
  const value = props[0].value;
  if (isBoolLit(value, false)) return { args: [], returnExceptions: false };
  if (isBoolLit(value, true)) return { args: [raw(ctx, "{ raiseOnError: false }")], returnExceptions: true };
  return { args: [raw(ctx, `{ raiseOnError: !${codeOf(ctx, value)} }`)], returnExceptions: null };
}

export interface PipelineOrigin {
  /** The client the pipeline comes from. */
  parent: Obj;
  /** The `multiExec()` / `pipeline()` call use on it. */
  use: CallUse;
  /** In a WATCH transaction, the exclusive client that becomes the pipeline (tr refs become it). */
  watchPipeline?: { name: string };
  /** `return pipe` from a project function: tells the project what it returns (false when it cannot). */
  onReturn?: OnReturn;
}

/** Records a returned pipeline as what its function returns (see pipeline-flow.ts). */
export type OnReturn = (pipe: Obj, ref: P) => boolean;

export function planPipeline(state: V2State, origin: PipelineOrigin): void {
  const { parent, use } = origin;
  const group = parent.group;
  const transaction = use.method === "multiExec";
  const stmt = stmtOf(use.callPath);
  if (use.callPath.node.arguments.length) {
    group.block(stmt, `${use.method}() with arguments is not v1 API the codemod knows`);
    return;
  }
  const held = holderOf(state, use.callPath);
  if ("reason" in held) {
    group.block(
      stmt,
      `this ${use.method}() object ${held.reason}; v2 pipelines chain (pipe.get(a).incr(b)) and give results from execute(): rewrite it by hand`,
    );
    return;
  }
  if (held.holder.type !== "binding" || !held.declStmt) {
    group.block(stmt, `keep the ${use.method}() object in a local const for the codemod to rewrite it`);
    return;
  }
  const obj: Obj = {
    kind: "pipeline",
    group,
    decode: parent.decode,
    encoding: parent.encoding,
    label: held.holder.name,
    holder: held.holder,
    transaction,
    origin: use.callPath,
  };
  planQueue(state, { obj, declStmt: held.declStmt, made: use, watch: origin.watchPipeline, onReturn: origin.onReturn });
}

/**
 * The pipeline a project function returned (`const pipe = startPipe(redis)`), already holding
 * the commands that function queued: planned like one made here, its replies after those.
 */
export function planContinuedPipeline(state: V2State, obj: Obj, declStmt: P, onReturn: OnReturn): void {
  planQueue(state, { obj, declStmt, made: null, onReturn });
}

function planQueue(state: V2State, q: Queue): void {
  const ctx = state.ctx;
  const j = ctx.j;
  const { obj, declStmt, made } = q;
  const group = obj.group;
  const transaction = !!obj.transaction;
  const prefix = obj.queued ?? { count: 0, watchAt: [] };
  const use = { method: made?.method ?? (transaction ? "multiExec" : "pipeline") };
  const refs = referencesOfHolder(state, obj.holder);
  const commands: CallUse[] = [];
  let execute: CallUse | null = null;
  const returns: P[] = [];
  for (const ref of refs) {
    const u = classifyUse(ref);
    if (u.type === "escape" && u.reason === "is returned" && q.onReturn && climbWrappers(ref).parent?.node.type === "ReturnStatement") {
      returns.push(ref);
    } else if (u.type === "call" && u.method === "execute") {
      if (execute) {
        group.block(stmtOf(u.callPath), "execute() is called twice on one pipeline (v1 refused that)");
        return;
      }
      execute = u;
    } else if (u.type === "call") {
      commands.push(u);
    } else {
      group.block(
        stmtOf(ref),
        `the ${use.method}() object ${u.type === "escape" ? u.reason : "is used other than by its commands"}: rewrite this pipeline by hand`,
      );
      return;
    }
  }
  if (returns.length) {
    if (execute || returns.length > 1) {
      group.block(stmtOf(returns[0]!), `the ${use.method}() object is returned${execute ? " and executed" : " twice"}: rewrite this pipeline by hand`);
      return;
    }
    if (!planReturnedPipeline(state, q, commands, returns[0]!)) return;
    planCommandsOf(state, obj, commands);
    if (made) creationEdit(state, obj, made, transaction);
    return;
  }
  if (!execute) {
    group.block(declStmt.node, `this ${use.method}() is never executed here`);
    return;
  }
  // v1 queued WATCH/UNWATCH with the other commands; a v2 pipeline runs them at once and
  // switches to immediate mode, so every later reply would land at another index, unless
  // they stay queued as raw commands (see pipeline-watch.ts)
  const watching = commands.find(isQueuedWatch);
  if (watching || prefix.watchAt.length) {
    const plan = planQueuedWatch(ctx, commands, execute, transaction, prefix);
    if ("reason" in plan) {
      group.block(stmtOf((watching ?? execute).callPath), plan.reason);
      return;
    }
    if (watching)
      group.edit(
        2,
        watching.callPath.node,
        "pipeline-watch",
        "WATCH/UNWATCH queued in a pipeline stay queued in v2: executeCommand() keeps every reply's index",
        plan.run,
      );
  }
  const executeAwait = climbWrappers(execute.callPath).parent;
  if (executeAwait?.node.type !== "AwaitExpression") {
    group.block(stmtOf(execute.callPath), "execute() is not awaited where it is called");
    return;
  }
  const exec = planExecuteOptions(ctx, execute.callPath.node);
  if ("reason" in exec) {
    group.block(stmtOf(execute.callPath), exec.reason);
    return;
  }

  // futures: the Promise a command call returned, kept in a const
  const list = statementList(declStmt);
  const execStmt = enclosingStatement(execute.callPath);
  const futures: Future[] = [];
  const straight: P[] = [];
  for (const c of commands) {
    const p = climbWrappers(c.callPath);
    const parentNode = p.parent.node;
    if (parentNode.type === "ExpressionStatement") {
      straight.push(p.parent);
      continue;
    }
    // `void pipe.cmd(...)`: the Promise is discarded, as in a plain statement
    if (parentNode.type === "UnaryExpression" && parentNode.operator === "void" && p.parent.parent?.node.type === "ExpressionStatement") {
      straight.push(p.parent.parent);
      continue;
    }
    if (
      parentNode.type === "VariableDeclarator" &&
      parentNode.init === p.node &&
      parentNode.id.type === "Identifier" &&
      p.parent.parent.node.declarations.length === 1
    ) {
      const decl = p.parent.parent;
      futures.push({ name: parentNode.id.name, index: -1, declStmt: decl, refs: [] });
      straight.push(decl);
      continue;
    }
    group.block(
      stmtOf(c.callPath),
      `the Promise of this ${use.method}() command is used directly; in v2 pipelined commands chain and their replies come from execute(): rewrite it by hand (execute() resolves every reply in order; it throws WatchError when a watched key changed, else the first command error, and execute({ raiseOnError: false }) puts each error at its index instead)`,
    );
    return;
  }
  const inline = !!list && !!execStmt && straight.every((s) => statementList(s) === list) && statementList(execStmt) === list;
  if (futures.length) {
    if (!inline) {
      group.block(declStmt.node, "the pipeline's commands are not all in one block with execute(), so the codemod cannot tell which reply is which");
      return;
    }
    if (exec.returnExceptions !== false) {
      group.block(
        stmtOf(execute.callPath),
        "with returnExceptions, awaiting a command's Promise threw its error in v1; in v2 the error is in execute()'s array: check the results by hand",
      );
      return;
    }
    const order = straight.map((s) => list!.indexOf(s.node));
    const declAt = list!.indexOf(declStmt.node);
    const execAt = list!.indexOf(execStmt!.node);
    if (order.some((i) => i < declAt || i > execAt)) {
      group.block(declStmt.node, "a command is queued after execute(); rewrite this pipeline by hand");
      return;
    }
    const sorted = [...straight].sort((a, b) => list!.indexOf(a.node) - list!.indexOf(b.node));
    for (const f of futures) f.index = prefix.count + sorted.indexOf(f.declStmt);
    // every use of a future must come after execute() and be `await f` or part of `await Promise.all([...])`
    for (const f of futures) {
      const fHolder = { type: "binding" as const, name: f.name, declId: f.declStmt.node.declarations[0].id, declPath: null };
      f.refs = referencesOfHolder(state, fHolder);
      for (const r of f.refs) {
        const start = r.node.start ?? r.node.range?.[0] ?? 0;
        const execEnd = execStmt!.node.end ?? execStmt!.node.range?.[1] ?? 0;
        const ok = start > execEnd && (isAwaitOf(r) || promiseAllElement(r, futures));
        if (!ok) {
          group.block(
            stmtOf(r),
            `the Promise ${f.name} of a pipelined command is used ${start > execEnd ? "other than by await" : "before execute()"}; in v2 its reply is execute()'s result at index ${f.index}: rewrite it by hand`,
          );
          return;
        }
      }
    }
  }

  // the commands' own arguments (option renames), as on a client
  const decodeWith = futures.length === 0 ? planPipelineDecode(ctx, obj, commands) : null;
  planCommandsOf(state, obj, commands);

  const resultsName = (() => {
    const declarator = executeAwait.parent?.node;
    if (declarator?.type === "VariableDeclarator" && declarator.init === executeAwait.node && declarator.id.type === "Identifier")
      return { name: declarator.id.name, declare: false };
    const taken = namesIn(j, ctx.root.get().node);
    return { name: uniqueName(taken, ["results", `${obj.label}Results`]), declare: true };
  })();
  if (futures.length && resultsName.declare && execStmt!.node.type !== "ExpressionStatement") {
    group.block(stmtOf(execute.callPath), "execute()'s result is not kept in a const, so the command replies cannot be indexed");
    return;
  }

  const watch = q.watch;
  if (watch && made) {
    group.edit(2, made.callPath.node, "pipeline", "multiExec() is pipeline({ transaction: true }) in v2", () => {
      // the exclusive client already is the pipeline: `const tr = r.multiExec()` -> `r.multi()`
      const decl = declStmt.node;
      const ex = j.expressionStatement(j.callExpression(j.memberExpression(j.identifier(watch.name), j.identifier("multi")), []));
      ex.comments = decl.comments;
      const at = list!.indexOf(decl);
      list![at] = ex;
      for (const ref of refs) ref.node.name = watch.name;
    });
  } else if (made) creationEdit(state, obj, made, transaction);
  group.edit(2, execute.callPath.node, "pipeline-execute", "execute() options are { raiseOnError } in v2", () => {
    execute!.callPath.node.arguments = exec.args;
  });
  if (decodeWith) {
    group.edit(2, executeAwait.node, "pipeline-decode", "the commands' per-call encoding is a decode of execute()'s replies in v2", () => {
      replaceNode(executeAwait, wrapInDecode(ctx, executeAwait.node, decodeWith));
    });
  }
  if (futures.length) {
    group.edit(2, declStmt.node, "pipeline-futures", "pipelined commands' Promises are indexes into execute()'s result in v2", () => {
      for (const f of futures) {
        const decl = f.declStmt.node;
        const call = decl.declarations[0].init;
        const ex = j.expressionStatement(call);
        ex.comments = decl.comments;
        list![list!.indexOf(decl)] = ex;
      }
      if (resultsName.declare) {
        const es = execStmt!.node;
        const vd = j.variableDeclaration("const", [j.variableDeclarator(j.identifier(resultsName.name), es.expression)]);
        vd.comments = es.comments;
        list![list!.indexOf(es)] = vd;
      }
      const replaced = new Set<N>();
      for (const f of futures) {
        for (const r of f.refs) {
          const all = promiseAllAwait(r);
          if (all) {
            if (replaced.has(all.node)) continue;
            replaced.add(all.node);
            const arr = all.node.argument.arguments[0];
            const items = arr.elements.map((e: N) => `${resultsName.name}[${futures.find((x) => x.name === e.name)!.index}]`);
            replaceNode(all, raw(ctx, `[${items.join(", ")}]`));
          } else {
            const aw = climbWrappers(r).parent;
            replaceNode(aw, raw(ctx, `${resultsName.name}[${f.index}]`));
          }
        }
      }
    });
  }

  // the chained form when the pipeline is made, filled and executed in consecutive statements
  if (!watch && made && inline && list) {
    group.edit(3, declStmt.node, "pipeline-chain", "pipeline commands chain in v2", () => {
      const declAt = list.indexOf(declStmt.node);
      const execAt = list.findIndex((s) => containsNode(s, execute!.callPath.node));
      if (declAt < 0 || execAt < 0) return;
      const between = list.slice(declAt + 1, execAt);
      const onlyCommands = between.every(
        (s) =>
          s.type === "ExpressionStatement" &&
          isCall(s.expression) &&
          s.expression.callee.type === "MemberExpression" &&
          s.expression.callee.object.type === "Identifier" &&
          s.expression.callee.object.name === obj.label,
      );
      const commented = between.some((s) => s.comments?.length) || (list[execAt].comments?.length ?? 0) > 0;
      const otherRefs = refs.length !== between.length + 1;
      if (!onlyCommands || commented || otherRefs || !list[execAt]) return;
      let length = codeOf(ctx, declStmt.node.declarations[0].init).length + codeOf(ctx, list[execAt]).length;
      for (const s of between) length += codeOf(ctx, s.expression).length - obj.label.length;
      if (length > 110) return; // too long for one line: the statements stay as they are
      let chain = declStmt.node.declarations[0].init;
      for (const s of between) {
        s.expression.callee.object = chain;
        chain = s.expression;
      }
      execute!.callPath.node.callee.object = chain;
      const target = list[execAt];
      target.comments = [...(declStmt.node.comments ?? []), ...(target.comments ?? [])];
      list.splice(declAt, execAt - declAt);
    });
  }
}

function containsNode(root: N, target: N): boolean {
  if (root === target) return true;
  if (!root || typeof root !== "object") return false;
  for (const key of Object.keys(root)) {
    if (key === "loc" || key === "comments" || key === "original" || key === "tokens") continue;
    const v = root[key];
    if (Array.isArray(v)) {
      for (const x of v) if (x && typeof x === "object" && containsNode(x, target)) return true;
    } else if (v && typeof v === "object" && typeof v.type === "string" && containsNode(v, target)) return true;
  }
  return false;
}

function isAwaitOf(ref: P): boolean {
  const p = climbWrappers(ref);
  return p.parent?.node.type === "AwaitExpression";
}

/** `await Promise.all([f1, f2])` where every element is a future of this pipeline. */
function promiseAllAwait(ref: P): P | null {
  const arr = climbWrappers(ref).parent;
  if (arr?.node.type !== "ArrayExpression") return null;
  const call = arr.parent;
  if (call?.node.type !== "CallExpression" || call.node.arguments.length !== 1 || call.node.arguments[0] !== arr.node) return null;
  const callee = call.node.callee;
  if (
    !(
      callee.type === "MemberExpression" &&
      callee.object.type === "Identifier" &&
      callee.object.name === "Promise" &&
      (callee.property.name === "all" || callee.property.name === "allSettled" ? callee.property.name === "all" : false)
    )
  )
    return null;
  const aw = call.parent;
  return aw?.node.type === "AwaitExpression" ? aw : null;
}

function promiseAllElement(ref: P, futures: Future[]): boolean {
  const aw = promiseAllAwait(ref);
  if (!aw) return false;
  const arr = aw.node.argument.arguments[0];
  return arr.elements.every((e: N) => e?.type === "Identifier" && futures.some((f) => f.name === e.name));
}

/** `r.multiExec()` / `r.pipeline()` -> `r.pipeline({ transaction })`. */
function creationEdit(state: V2State, obj: Obj, made: CallUse, transaction: boolean): void {
  const ctx = state.ctx;
  const call = made.callPath.node;
  obj.group.edit(
    2,
    call,
    "pipeline",
    transaction
      ? "multiExec() is pipeline({ transaction: true }) in v2"
      : "pipeline() is pipeline({ transaction: false }) in v2 (v2's default is a transaction)",
    () => {
      made.memberPath.node.property = ctx.j.identifier("pipeline");
      call.arguments = [raw(ctx, pipelineOptionText(transaction))];
    },
  );
}

/** The queued commands' own arguments (option renames), as on a client; queued WATCH/UNWATCH are rewritten apart. */
function planCommandsOf(state: V2State, obj: Obj, commands: CallUse[]): void {
  const consumed = new Set<N>();
  for (const c of commands) if (!isQueuedWatch(c)) planCommand(state, obj, c, true, consumed);
}
