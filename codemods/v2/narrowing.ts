/**
 * A value declared with a union that names a v1 class (`type Connection = string | [string,
 * number] | aioredis.Redis`) is a client only on some paths. Type tests on it read nothing of
 * the client (`typeof c`, `Array.isArray(c)`, `c instanceof Redis` when the class converts
 * with the value), and a use the code has narrowed away from the client (the `else` of
 * `c instanceof Redis`, the branch of `typeof c === "string"` or `Array.isArray(c)`) is not a
 * use of the client at all: neither is rewritten or held back. Only for a holder that keeps
 * one value (a `readonly` field, a `const`, a parameter never assigned), so the test and the
 * use see the same value.
 */
import { climbWrappers, isStringLit, memberName, type N, type P } from "../lib/ast.js";
import { resolveExport, type ModuleInfo } from "../lib/bindings.js";
import type { Holder } from "./objects.js";

/** Whether the holder keeps one value (the test and a later use see the same value). */
export function stableHolder(holder: Holder, refs: P[]): boolean {
  if (holder.type === "member") return false;
  const decl = holder.declPath?.node;
  // a field set in the constructor only
  if (holder.type === "field")
    return !!decl?.readonly || (holder.declPath?.parent?.node.type === "TSParameterProperty" && !!holder.declPath.parent.node.readonly);
  if (decl?.type === "VariableDeclarator") return holder.declPath?.parent?.node.kind === "const";
  return !refs.some((r) => {
    const p = climbWrappers(r).parent?.node;
    return (p?.type === "AssignmentExpression" && p.left === climbWrappers(r).node) || p?.type === "UpdateExpression";
  });
}

/**
 * A type test on the value that reads nothing of it: `Array.isArray(x)` (false for a client in
 * v1 and v2), or `x instanceof C` with C the package's class named as the value's v2 class
 * (true on both sides once C converts with the value: returned, to join the group's v1 names).
 */
export function typeTest(info: ModuleInfo, refPath: P, v2Name: string | null): { classRef: N | null } | null {
  const p = climbWrappers(refPath);
  const parent = p.parent?.node;
  if (isArrayTest(parent, (n) => n === p.node)) return { classRef: null };
  if (parent?.type !== "BinaryExpression" || parent.operator !== "instanceof" || parent.left !== p.node) return null;
  const ref = resolveExport(info, p.parent.get("right"));
  return v2Name && ref?.name === v2Name ? { classRef: parent.right } : null;
}

/** Whether `node` names the package's class `name` (`aioredis.Redis`, or `Redis` imported by name). */
export function namesClass(info: ModuleInfo, node: N, name: string): boolean {
  if (node?.type === "Identifier") return info.bindings.some((b) => b.kind === "named" && b.imported === name && b.local === node.name);
  return (
    node?.type === "MemberExpression" &&
    !node.computed &&
    node.object.type === "Identifier" &&
    memberName(node) === name &&
    info.bindings.some((b) => b.kind === "namespace" && b.local === node.object.name)
  );
}

/** `Array.isArray(x)` */
function isArrayTest(node: N, isRef: (n: N) => boolean): boolean {
  return (
    node?.type === "CallExpression" &&
    node.callee.type === "MemberExpression" &&
    node.callee.object.type === "Identifier" &&
    node.callee.object.name === "Array" &&
    memberName(node.callee) === "isArray" &&
    node.arguments.length === 1 &&
    isRef(node.arguments[0])
  );
}

/** Whether `test` being true (`when` = true) or false proves the value is not the client. */
function provesNotClient(test: N, when: boolean, isRef: (n: N) => boolean, isClass: (n: N) => boolean): boolean {
  while (test?.type === "ParenthesizedExpression") test = test.expression;
  if (!test) return false;
  if (test.type === "UnaryExpression" && test.operator === "!") return provesNotClient(test.argument, !when, isRef, isClass);
  if (test.type === "LogicalExpression" && (test.operator === "||" || test.operator === "&&")) {
    const l = provesNotClient(test.left, when, isRef, isClass);
    const r = provesNotClient(test.right, when, isRef, isClass);
    // true of `a || b`: a or b; false of it: both false (and the reverse for &&)
    return (test.operator === "||") === when ? l && r : l || r;
  }
  if (test.type === "BinaryExpression" && test.operator === "instanceof") return !when && isRef(test.left) && isClass(test.right);
  if (isArrayTest(test, isRef)) return when;
  if (test.type === "BinaryExpression" && ["===", "!==", "==", "!="].includes(test.operator)) {
    const [t, lit] = test.left.type === "UnaryExpression" ? [test.left, test.right] : [test.right, test.left];
    if (t?.type !== "UnaryExpression" || t.operator !== "typeof" || !isRef(t.argument) || !isStringLit(lit)) return false;
    if (lit.value === "object" || lit.value === "function") return false;
    const equal = test.operator === "===" || test.operator === "==";
    return equal === when;
  }
  return false;
}

/** Whether the code has narrowed the value at `refPath` away from the client (an enclosing test proves it is something else). */
export function narrowedAway(refPath: P, isRef: (n: N) => boolean, isClass: (n: N) => boolean): boolean {
  let child: P = refPath;
  let p: P | null = refPath.parent;
  while (p) {
    const n = p.node;
    if (n.type === "IfStatement" || n.type === "ConditionalExpression") {
      if (n.consequent === child.node && provesNotClient(n.test, true, isRef, isClass)) return true;
      if (n.alternate === child.node && provesNotClient(n.test, false, isRef, isClass)) return true;
    }
    if (n.type === "LogicalExpression" && n.right === child.node) {
      if (n.operator === "&&" && provesNotClient(n.left, true, isRef, isClass)) return true;
      if (n.operator === "||" && provesNotClient(n.left, false, isRef, isClass)) return true;
    }
    if (n.type === "FunctionDeclaration" || n.type === "FunctionExpression" || n.type === "ArrowFunctionExpression" || n.type === "ClassMethod") return false;
    child = p;
    p = p.parent;
  }
  return false;
}
