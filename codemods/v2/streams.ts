/**
 * XREAD / XREADGROUP arguments and replies whose shape depends on runtime values:
 *
 *   streams given as an expression (not an array literal): v2 takes a mapping, so the call
 *   site builds a `Map` from the array and the latest ids at runtime, with v1's own checks
 *   (as many ids as streams) and a loud error where a Map would differ (a stream given twice);
 *
 *   a reply the program reads: v1 gave flat `[stream, id, fields]` entries, v2 nests them per
 *   stream; the awaited reply is flattened back at the call site (and, as v1 did, entries
 *   whose fields are gone are left out), so the code reading it stays as it is.
 */
import { climbWrappers, replaceNode, type N, type P } from "../lib/ast.js";
import { codeOf, raw, type Ctx } from "../lib/context.js";

/** Source text of a v2 streams mapping built at runtime from v1's `streams` array and `latestIds` (or "$" for each). */
export function streamsMappingText(ctx: Ctx, method: string, streams: string, ids: string | null): string {
  const ts = ctx.lang !== "js";
  const q = ctx.quote === "'" ? "'" : '"';
  const pair = ids === null ? `[s, ${q}$${q}]` : `[s, ids[i]${ts ? "!" : ""}]`;
  const params = ids === null ? "streams" : "streams, ids";
  const lengthCheck = ids === null ? "" : "ids.length !== streams.length || ";
  const message = `${method}(): ${ids === null ? "each stream once" : "as many latestIds as streams, each stream once"}`;
  return `((${params}) => { const m = new Map(streams.map((s${ids === null ? "" : ", i"}) => ${pair}${ts ? " as const" : ""})); if (${lengthCheck}m.size !== streams.length) throw new RangeError(${q}${message}${q}); return m; })(${streams}${ids === null ? "" : `, ${ids}`})`;
}

/** The awaited reply's path when the call is awaited right where it is made (`await redis.xread(...)`). */
export function awaitedReply(callPath: P): P | null {
  const p = climbWrappers(callPath);
  return p.parent?.node.type === "AwaitExpression" ? p.parent : null;
}

/** Replaces `await call` with the v1-shaped (flat) reply. Run after the call itself was rewritten. */
export function flattenReply(ctx: Ctx, awaitPath: P): void {
  const node: N = awaitPath.node;
  const ts = ctx.lang !== "js";
  const entry = `[stream, id, fields]${ts ? " as const" : ""}`;
  const text = `(${codeOf(ctx, node)}).flatMap(([stream, messages]) => messages.filter(([, fields]) => fields != null).map(([id, fields]) => ${entry}))`;
  replaceNode(awaitPath, raw(ctx, text));
}
