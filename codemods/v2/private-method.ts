/**
 * `this.reader(ch)` where `reader` is a private method of the class: like a local function,
 * every caller is in the class body, so the codemod sees every value the parameter is given.
 */
import { memberName, type N, type P } from "../lib/ast.js";
import { nodesOf } from "../lib/context.js";
import type { V2State } from "./state.js";

export interface MethodTarget {
  fn: P;
  param: P;
  name: string;
  /** Every call of the method (each `this.name(...)` in the class). */
  calls: P[];
}

function keyName(m: N): string | null {
  if (m.computed) return null;
  if (m.type === "ClassMethod" && m.key.type === "Identifier") return m.accessibility === "private" ? m.key.name : null;
  if ((m.type === "ClassPrivateMethod" || m.type === "MethodDefinition") && m.key.type === "PrivateName") return `#${m.key.id.name}`;
  return null;
}

function calledName(member: N): string | null {
  if (member.computed) return null;
  if (member.property.type === "PrivateName") return `#${member.property.id.name}`;
  return memberName(member);
}

/** Whether `this` at this path is the class's instance (a method's own function, in Babel's ESTree AST, keeps it). */
function ownThis(path: P, classNode: N): boolean {
  for (let p: P | null = path.parent; p; p = p.parent) {
    const n = p.node;
    if (n === classNode) return true;
    if (n.type === "FunctionExpression" && p.parent?.node.type === "MethodDefinition") continue;
    if (n.type === "FunctionExpression" || n.type === "FunctionDeclaration" || n.type === "ObjectMethod") return false;
    if (n.type === "ClassDeclaration" || n.type === "ClassExpression") return false;
  }
  return false;
}

/** The private method `this.m(...)` calls and its parameter `index`, or a reason, or null when the call is not `this.m(...)`. */
export function privateMethodCallee(state: V2State, callPath: P, index: number): MethodTarget | { reason: string } | null {
  const call = callPath.node;
  const callee = call.callee;
  if (call.type !== "CallExpression" || callee.type !== "MemberExpression" || callee.object.type !== "ThisExpression") return null;
  const name = calledName(callee);
  if (!name) return null;
  let c: P | null = callPath.parent;
  while (c && c.node.type !== "ClassDeclaration" && c.node.type !== "ClassExpression") c = c.parent;
  if (!c || !ownThis(callPath.get("callee"), c.node)) return null;
  const cls: P = c;
  const body: N[] = cls.node.body.body;
  // (Babel's JavaScript AST has ESTree's MethodDefinition, whose function is its value)
  const decls = body.filter(
    (m) =>
      (m.type === "ClassMethod" || m.type === "ClassPrivateMethod" || m.type === "MethodDefinition") && keyName(m) === name && m.kind === "method" && !m.static,
  );
  const estree = decls[0]?.type === "MethodDefinition";
  if (decls.length !== 1 || !(estree ? decls[0].value?.body : decls[0].body))
    return {
      reason: `the channel is passed to ${name}, which is not a private method of the class (other code may call it with other values); in v2 pass the PubSub and read it with listen()`,
    };
  const method: P = cls.get("body", "body", body.indexOf(decls[0]));
  const fn: P = estree ? method.get("value") : method;
  const params: N[] = fn.node.params;
  if (index >= params.length || params[index].type !== "Identifier" || params.some((x) => x.type === "RestElement"))
    return { reason: `the parameter of ${name} the channel is given is not a plain name` };
  // every use of the method is a call in the class
  const calls: P[] = [];
  for (const p of nodesOf(state.ctx, "MemberExpression") as P[]) {
    if (p.node.object.type !== "ThisExpression" || calledName(p.node) !== name || !ownThis(p, cls.node)) continue;
    const parent = p.parent?.node;
    if (parent?.type !== "CallExpression" || parent.callee !== p.node)
      return { reason: `${name} is used other than by calling it, so the codemod cannot see every channel it is given` };
    calls.push(p.parent);
  }
  return { fn, param: fn.get("params", index), name, calls };
}
