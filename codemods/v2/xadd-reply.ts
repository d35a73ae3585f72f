/**
 * v2 types XADD's reply `T | null`: `null` comes only with `nomkstream`, which v1 had no way
 * to ask for, so a rewritten v1 call always gets the new entry's id, as v1 typed it (`T`). In
 * TypeScript, a reply the program uses keeps that type: `(await redis.xadd(...))!` when it is
 * awaited where it is called, else `redis.xadd(...).then((reply) => reply!)` (a promise of the id).
 * JavaScript needs nothing (a checkJs project that does is rolled back by the type check).
 */
import { climbWrappers, replaceNode, type P } from "../lib/ast.js";
import { codeOf, raw, type Ctx } from "../lib/context.js";
import { awaitedReply } from "./streams.js";

/** Run after the call itself was rewritten; `used`: the reply is read (not a statement of its own). */
export function keepXaddIdType(ctx: Ctx, callPath: P, used: boolean): void {
  if (ctx.lang === "js" || !used) return;
  const aw = awaitedReply(callPath);
  if (aw) {
    replaceNode(aw, raw(ctx, `(${codeOf(ctx, aw.node)})!`));
    return;
  }
  const at = climbWrappers(callPath);
  replaceNode(at, raw(ctx, `${codeOf(ctx, at.node)}.then((reply) => reply!)`));
}
