/**
 * `redis = redis ?? (await getRedis())` (Python's `redis = redis or await get_redis()`): a
 * parameter or variable that, when not given, takes the object a project function returns.
 * Both values are the same kind of object, so the holder and the function's result are one
 * group (the codemod rewrites neither expression: only the objects' uses).
 */
import { climbWrappers, type N, type P } from "../lib/ast.js";

function unwrap(n: N): N {
  let x = n;
  while (x && (x.type === "ParenthesizedExpression" || x.type === "TSNonNullExpression" || x.type === "AwaitExpression"))
    x = x.type === "AwaitExpression" ? x.argument : x.expression;
  return x;
}

/** `x = x ?? <value>` (or `||`), seen from the value's path: the assignment's path and `x`, or null. */
export function defaultAssignOf(valuePath: P): { assign: P; name: string } | null {
  const p = climbWrappers(valuePath);
  const logical = p.parent;
  if (logical?.node.type !== "LogicalExpression" || !["??", "||"].includes(logical.node.operator) || logical.node.right !== p.node) return null;
  const up = climbWrappers(logical);
  const assign = up.parent;
  if (assign?.node.type !== "AssignmentExpression" || assign.node.operator !== "=" || assign.node.right !== up.node) return null;
  const left = assign.node.left;
  const same = unwrap(logical.node.left);
  if (left.type !== "Identifier" || same?.type !== "Identifier" || same.name !== left.name) return null;
  return { assign, name: left.name };
}

/** For an `assign` use of a holder: the call whose result fills in the default (`getRedis()`), when it is that shape. */
export function defaultAssignCall(assign: N, holderName: string): N | null {
  const right = unwrap(assign.right);
  if (assign.operator !== "=" || right?.type !== "LogicalExpression" || !["??", "||"].includes(right.operator)) return null;
  const left = unwrap(right.left);
  if (left?.type !== "Identifier" || left.name !== holderName) return null;
  const call = unwrap(right.right);
  return call?.type === "CallExpression" ? call : null;
}
