/**
 * Integer replies that v2 types `IntReply` (`number | bigint`: a counter or an expiry beyond
 * 2^53 arrives as a bigint, never rounded) where v1 code was written against `number`. At run
 * time the v1 layer gives the same value (a bigint beyond 2^53 there too, typed `number`), so
 * the rewrite keeps the v1 typing where the program reads the reply: `(await r.incr(k)) as
 * number`, `r.incr(k) as Promise<number>`. Nothing changes at run time.
 */
import { climbWrappers, replaceNode, type P } from "../lib/ast.js";
import { codeOf, quoteString, raw, type Ctx } from "../lib/context.js";

/** v2 commands typed `Ret<M, IntReply>` (see docs/api.md). */
export const INT_REPLY = new Set(["incr", "incrby", "decr", "decrby", "hincrby", "ttl", "pttl", "expiretime", "pexpiretime"]);

/** Keeps v1's `number` typing of the reply (TypeScript files only). Run after the call itself was rewritten. */
export function keepNumberTyping(ctx: Ctx, callPath: P): void {
  if (ctx.lang === "js") return;
  const p = climbWrappers(callPath);
  const aw = p.parent?.node.type === "AwaitExpression" ? p.parent : null;
  if (aw) replaceNode(aw, raw(ctx, `(${codeOf(ctx, aw.node)}) as number`));
  else replaceNode(p, raw(ctx, `${codeOf(ctx, p.node)} as Promise<number>`));
}

const TYPE_NEUTRAL_OPERATORS = new Set(["<", "<=", ">", ">=", "==", "!=", "===", "!=="]);

/**
 * Whether the reply needs no cast where it is read: already cast (a second run, or code written
 * so), compared (`ttl > 0`: a bigint compares the same), or printed (a template literal,
 * `String()`, `console.log()`), where `number | bigint` type-checks as `number` did.
 */
export function numberCast(callPath: P): boolean {
  let p = climbWrappers(callPath);
  if (p.parent?.node.type === "AwaitExpression") p = climbWrappers(p.parent);
  while (p.parent?.node.type === "ParenthesizedExpression") p = p.parent;
  const parent = p.parent?.node;
  if (!parent) return false;
  if (parent.type === "TSAsExpression") return true;
  if (p.node.type !== "AwaitExpression") return false;
  if (parent.type === "BinaryExpression" && TYPE_NEUTRAL_OPERATORS.has(parent.operator)) return true;
  if (parent.type === "TemplateLiteral") return true;
  if (parent.type === "CallExpression" && parent.arguments.includes(p.node)) {
    const callee = parent.callee;
    if (callee.type === "Identifier" && callee.name === "String") return true;
    if (callee.type === "MemberExpression" && callee.object.type === "Identifier" && callee.object.name === "console") return true;
  }
  return false;
}

/**
 * `await redis.ping()` read by the program: v1 gave the PONG reply ("PONG" on a decoding
 * client, a Buffer otherwise), v2 resolves true (and throws where v1 threw). The reply is
 * written back where it is read: `((await r.ping()) && "PONG")`, `r.ping().then(() => "PONG")`.
 * Null when the decoding is unknown or ping() has a message (v2's ping() takes none).
 */
export function pongReply(ctx: Ctx, callPath: P, decode: boolean | null): (() => void) | null {
  if (decode === null || callPath.node.arguments.length !== 0) return null;
  const pong = decode ? quoteString(ctx, "PONG") : `Buffer.from(${quoteString(ctx, "PONG")})`;
  const p = climbWrappers(callPath);
  const aw = p.parent?.node.type === "AwaitExpression" ? p.parent : null;
  return () => {
    if (aw) {
      const text = `(${codeOf(ctx, aw.node)}) && ${pong}`;
      replaceNode(aw, raw(ctx, standsAlone(aw) ? text : `(${text})`));
    } else replaceNode(p, raw(ctx, `${codeOf(ctx, p.node)}.then(() => ${pong})`));
  };
}

/** Whether an expression at this path needs no parentheses of its own (a declarator's value, an argument, ...). */
function standsAlone(path: P): boolean {
  const p = climbWrappers(path);
  const parent = p.parent?.node;
  if (!parent) return false;
  if (parent.type === "VariableDeclarator" && parent.init === p.node) return true;
  if (parent.type === "ReturnStatement" || parent.type === "ExpressionStatement") return true;
  if (parent.type === "AssignmentExpression" && parent.right === p.node) return true;
  if ((parent.type === "CallExpression" || parent.type === "NewExpression") && parent.arguments.includes(p.node)) return true;
  if (parent.type === "ArrayExpression" || parent.type === "TemplateLiteral") return true;
  return parent.type === "ObjectProperty" && parent.value === p.node;
}
