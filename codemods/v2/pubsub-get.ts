/**
 * A v1 `ch.get(opts)` / `ch.getJson()` read on its own (not the first statement of a reading
 * loop the codemod turns into `for await (... of ps.listen())`), e.g. a counted loop:
 *
 *   for (let i = 0; i < count; i++) { const [name, msg] = await ch.get({ encoding: "utf-8" }); ... }
 *
 * v1's get() waits for the channel's next message and resolves `null` once the channel is
 * closed (its last subscription gone). On the PubSub the channel becomes, the same read is
 * the first message or pattern message that `listen()` yields, `null` when `listen()` ends
 * (it ends once no subscription is left), so the call becomes
 *
 *   (async () => { for await (const m of ps.listen()) { if (m.type !== "pmessage") continue; return [...]; } return null; })()
 *
 * Messages waiting in the PubSub stay there for the next read. The value keeps its v1 shape
 * and type (`Promise<any>`, as v1 typed get(); in JavaScript a JSDoc cast says so).
 */
import { climbWrappers, replaceNode, type N } from "../lib/ast.js";
import { quoteString, raw, rawStatement } from "../lib/context.js";
import type { Obj, CallUse } from "./objects.js";
import { buildReadLines, channelText, dataText, messageName, planNames, readOptions, readStatement } from "./pubsub-text.js";
import type { V2State } from "./state.js";

/** The plan for one standalone read, or why it cannot be rewritten. */
export function planSingleRead(
  state: V2State,
  channel: Obj,
  use: CallUse,
  pattern: boolean,
): { reason: string } | { handles: N[]; run: (name: string) => void } {
  const ctx = state.ctx;
  const call = use.callPath.node;
  if (use.memberPath.node.object.type !== "Identifier") return { reason: "get() is not called on the channel variable" };
  const opts = readOptions(ctx, call.arguments, use.method === "getJson");
  if ("reason" in opts) return { reason: `get(): ${opts.reason}` };
  const m = messageName(state, use.callPath);
  const data = dataText(ctx, channel, m, opts);
  if (typeof data !== "string") return { reason: `get(): ${data.reason}` };
  const ts = ctx.lang !== "js";
  const value = pattern ? `[${channelText(ctx, channel, m)}, ${data}]` : data;
  const type = quoteString(ctx, pattern ? "pmessage" : "message");
  return {
    handles: [use.refPath.node],
    run: (name) => {
      const call = `(async ()${ts ? ": Promise<any>" : ""} => { for await (const ${m} of ${name}.listen()) { if (${m}.type !== ${type}) continue; return ${value}; } return null; })()`;
      // a call expression needs no parentheses of its own wherever the v1 call was; in
      // JavaScript a JSDoc cast keeps v1's type for a checkJs project
      const text = ts ? call : `/** @type {Promise<any>} */ (${call})`;
      replaceNode(climbWrappers(use.callPath), raw(ctx, text));
    },
  };
}

/**
 * `while (more && (await ch.waitMessage())) { const msg = await ch.get(opts); ... }`: v1 tests
 * `more` before it waits, so the loop cannot become `for await` (that would wait for one more
 * message first). It stays a `while (more)` loop whose body starts with the next message of
 * `listen()`, leaving the loop when there is none (v1's waitMessage() resolved false):
 *
 *   while (more) { const m = await (async () => { for await (...) if (m.type === "message") return m; return null; })();
 *                  if (m === null) break; const msg = String(m.data); ... }
 *
 * Null when the loop is not of that form (the caller keeps its own reason).
 */
export function planGuardedWaitLoop(
  state: V2State,
  channel: Obj,
  use: CallUse,
  pattern: boolean,
): { reason: string } | { handles: N[]; run: (name: string) => void } | null {
  const ctx = state.ctx;
  const aw = climbWrappers(use.callPath).parent;
  if (aw?.node.type !== "AwaitExpression") return null;
  const and = climbWrappers(aw).parent;
  if (and?.node.type !== "LogicalExpression" || and.node.operator !== "&&" || and.node.right !== climbWrappers(aw).node) return null;
  const loopPath = climbWrappers(and).parent;
  if (loopPath?.node.type !== "WhileStatement" || loopPath.node.test !== climbWrappers(and).node) return null;
  const body = loopPath.node.body;
  if (body.type !== "BlockStatement" || body.body.length === 0) return { reason: "the loop body does not start with reading the message" };
  const first = body.body[0];
  const read = readStatement(ctx, channel, first, pattern);
  if ("reason" in read) return read;
  const m = messageName(state, loopPath);
  const lines = buildReadLines(ctx, channel, m, pattern, read);
  if ("reason" in lines) return lines;
  const names = planNames(state, channel, body, m, pattern, read.refNode);
  if ("reason" in names) return names;
  const type = quoteString(ctx, pattern ? "pmessage" : "message");
  return {
    handles: [read.refNode, ...names.handles],
    run: (name) => {
      names.run();
      const next = `const ${m} = await (async () => { for await (const ${m} of ${name}.listen()) { if (${m}.type === ${type}) return ${m}; } return null; })()`;
      // buildReadLines' first line skips other message types: the read above already did
      const stmts = [next, `if (${m} === null) break`, ...lines.lines.slice(1)].map((l) => rawStatement(ctx, l));
      stmts[0].comments = first.comments;
      body.body.splice(0, 1, ...stmts);
      // the condition without the wait
      loopPath.node.test = and.node.left;
    },
  };
}
