/**
 * The v1 Channel reading loops the codemod knows, each planned as
 * `for await (const m of <pubsub>.listen())` (pubsub.ts decides which PubSub):
 *
 *   while (await ch.waitMessage()) { const msg = await ch.get(opts); ... }
 *   for (;;) { const msg = await ch.get(opts); if (msg === null) break; ... }
 *   for await (const msg of ch.iter(opts)) { ... }
 */
import { climbWrappers, enclosingStatement, replaceNode, type N, type P } from "../lib/ast.js";
import { raw, rawStatement } from "../lib/context.js";
import type { Obj, CallUse } from "./objects.js";
import { buildReadLines, messageName, planNames, readOptions, readStatement, type ReadStatement } from "./pubsub-text.js";
import type { V2State } from "./state.js";

/** A reading loop's rewrite (given the PubSub's name), or why it cannot be rewritten. */
export type LoopPlan = { reason: string } | { handles: N[]; run: (name: string) => void };

/** `while (await ch.waitMessage()) { const msg = await ch.get(...); ... }` */
export function planWaitLoop(state: V2State, channel: Obj, use: CallUse, pattern: boolean): LoopPlan {
  const ctx = state.ctx;
  const aw = climbWrappers(use.callPath).parent;
  const loop = aw ? climbWrappers(aw).parent : null;
  if (aw?.node.type !== "AwaitExpression" || loop?.node.type !== "WhileStatement" || loop.node.test !== aw.node)
    return { reason: "waitMessage() is not the test of a while loop" };
  const body = loop.node.body;
  if (body.type === "BlockStatement" && body.body.length === 0) return { reason: "the loop body does not start with reading the message" };
  // a body of one statement (`while (await ch.waitMessage()) yield (await ch.get()) as Buffer;`) is that statement
  const first = body.type === "BlockStatement" ? body.body[0] : body;
  const read = readStatement(ctx, channel, first, pattern, true);
  if ("reason" in read) return read;
  return readingLoop(state, channel, loop, body, read, 1, pattern);
}

/**
 * `for (;;) { const msg = await ch.get(...); if (msg === null) break; ... }` (or `while (true)`):
 * v1's get() gives null once the channel is closed, where v2's listen() ends.
 */
export function planGetLoop(state: V2State, channel: Obj, use: CallUse, pattern: boolean): LoopPlan {
  const ctx = state.ctx;
  const why =
    "get() outside a reading loop the codemod knows (`while (await ch.waitMessage()) { const msg = await ch.get() }`, `for (;;) { const msg = await ch.get(); if (msg === null) break; ... }`); in v2 loop over pubsub.listen()";
  const stmt = enclosingStatement(use.callPath);
  const body = stmt?.parent?.node;
  const loopPath: P | null = stmt?.parent?.parent ?? null;
  const loop = loopPath?.node;
  if (!stmt || body?.type !== "BlockStatement" || body.body[0] !== stmt.node || !loop || loop.body !== body) return { reason: why };
  const forever =
    (loop.type === "ForStatement" && !loop.init && !loop.test && !loop.update) ||
    (loop.type === "WhileStatement" && (loop.test.type === "BooleanLiteral" || loop.test.type === "Literal") && loop.test.value === true);
  if (!forever) return { reason: why };
  if (pattern) return { reason: "a pattern channel's get() loop: in v2 loop over pubsub.listen() and read message.channel and message.data" };
  const read = readStatement(ctx, channel, stmt.node, pattern);
  if ("reason" in read) return { reason: why };
  if (read.target.type !== "Identifier") return { reason: why };
  const check = body.body[1];
  if (!isNullBreak(check, read.target.name)) return { reason: `${why}: the message is not checked for null right after get()` };
  return readingLoop(state, channel, loopPath!, body, read, 2, pattern);
}

/**
 * The reading loop at `loop` as `for await (const m of <pubsub>.listen())`: its first
 * `dropped` statements (the v1 read, and the null check of a get() loop) become the lines that
 * give the message its v1 shape, and `ch.name` inside it becomes the message's channel.
 */
function readingLoop(state: V2State, channel: Obj, loop: P, body: N, read: ReadStatement, dropped: number, pattern: boolean): LoopPlan {
  const ctx = state.ctx;
  const m = messageName(state, loop);
  const lines = buildReadLines(ctx, channel, m, pattern, read);
  if ("reason" in lines) return lines;
  const names = planNames(state, channel, body, m, pattern, read.refNode);
  if ("reason" in names) return names;
  return {
    handles: [read.refNode, ...names.handles],
    run: (name) => {
      const j = ctx.j;
      names.run();
      const block = body.type === "BlockStatement" ? body : j.blockStatement([body]);
      const stmts = lines.lines.map((l) => rawStatement(ctx, l));
      stmts[0].comments = block.body[0].comments;
      const yielded = read.yieldStmt;
      if (yielded && lines.yieldValue !== undefined) {
        // `yield <read>` stays, yielding the message's value
        yielded.expression.argument = raw(ctx, lines.yieldValue);
        yielded.comments = null;
        stmts.push(yielded);
      }
      block.body.splice(0, dropped, ...stmts);
      const forOf = j.forOfStatement(
        j.variableDeclaration("const", [j.variableDeclarator(j.identifier(m))]),
        j.callExpression(j.memberExpression(j.identifier(name), j.identifier("listen")), []),
        block,
      );
      forOf.await = true;
      forOf.comments = loop.node.comments;
      replaceNode(loop, forOf);
    },
  };
}

/** `if (msg === null) break;` (also `== null`, `null === msg`), nothing else. */
function isNullBreak(stmt: N, name: string): boolean {
  if (stmt?.type !== "IfStatement" || stmt.alternate) return false;
  const c = stmt.consequent;
  const isBreak = (n: N) => n?.type === "BreakStatement" && !n.label;
  if (!(isBreak(c) || (c.type === "BlockStatement" && c.body.length === 1 && isBreak(c.body[0])))) return false;
  const t = stmt.test;
  if (t.type !== "BinaryExpression" || (t.operator !== "===" && t.operator !== "==")) return false;
  const isName = (n: N) => n.type === "Identifier" && n.name === name;
  const isNull = (n: N) => n.type === "NullLiteral" || (n.type === "Literal" && n.value === null);
  return (isName(t.left) && isNull(t.right)) || (isNull(t.left) && isName(t.right));
}

/** `for await (const msg of ch.iter(opts)) { ... }` */
export function planIterLoop(state: V2State, channel: Obj, loop: P, pattern: boolean, iterCall: N): LoopPlan {
  const ctx = state.ctx;
  const opts = readOptions(ctx, iterCall.arguments, false);
  if ("reason" in opts) return opts;
  const left = loop.node.left;
  if (left.type !== "VariableDeclaration" || left.declarations.length !== 1) return { reason: "the loop variable is not declared in the loop" };
  const target = left.declarations[0].id;
  if (pattern && target.type !== "ArrayPattern") return { reason: "a pattern message is a [channel, message] pair in v1; destructure it" };
  const m = messageName(state, loop);
  const lines = buildReadLines(ctx, channel, m, pattern, { opts, target, kind: left.kind });
  if ("reason" in lines) return lines;
  const names = planNames(state, channel, loop.node.body, m, pattern, iterCall.callee.object ?? iterCall);
  if ("reason" in names) return names;
  return {
    handles: names.handles,
    run: (name) => {
      const j = ctx.j;
      names.run();
      const stmts = lines.lines.map((l) => rawStatement(ctx, l));
      let body = loop.node.body;
      if (body.type !== "BlockStatement") {
        body = j.blockStatement([body]);
        loop.node.body = body;
      }
      body.body.unshift(...stmts);
      loop.node.left = j.variableDeclaration("const", [j.variableDeclarator(j.identifier(m))]);
      loop.node.right = j.callExpression(j.memberExpression(j.identifier(name), j.identifier("listen")), []);
    },
  };
}
