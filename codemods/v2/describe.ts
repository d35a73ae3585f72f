/**
 * Functions that only describe a value they are given. `cleanPassword(details: unknown)` that
 * turns its argument into text (`String(x)`, a template, `JSON.stringify(x)`, or of a copy of
 * its own properties `{ ...x }` with some keys masked) and tests what it is (`typeof`,
 * `Array.isArray`, `instanceof` a built-in class, truthiness, comparisons) reads nothing of a
 * client: passing a client to it is no escape. The group converts; only the text the function
 * makes changes (a v2 client describes itself differently, without its password either way),
 * and the report says so at each call.
 *
 * The parameter must be declared with a type that names no aioredis type (`unknown`, `any`,
 * `object`, `{}`, `Record<string, unknown>`, a union of those with primitives, or no type at
 * all and no JSDoc type), so nothing in the function is rewritten with the group, and be used
 * in no other way (no method call, no property read, not stored, passed on, returned or
 * assigned; `arguments` not used). Uses the function has narrowed away from an object
 * (`typeof x === "string"`, `Array.isArray(x)`) are not uses of the client.
 */
import { isStringLit, type N, type P } from "../lib/ast.js";
import { identifiersNamed, type Ctx } from "../lib/context.js";
import { resolveBinding } from "../lib/scope.js";
import { fnNameOf, functionPaths } from "./analyzer-util.js";
import { narrowedAway } from "./narrowing.js";
import { bindingReferences, type Kind } from "./objects.js";

/** The kinds whose v2 text is their address only (checked with every printable form in test/faults/secrets.test.ts). */
const DESCRIBED_KINDS = new Set<Kind>(["client", "connection", "pool"]);

export function describable(kind: Kind): boolean {
  return DESCRIBED_KINDS.has(kind);
}

/** What the report says at a call that gives such a function a followed value. */
export function describedNote(kind: Kind, fnName: string): string {
  const what = kind === "pool" ? "pool" : "client";
  const text =
    kind === "pool" ? "<ConnectionPool(<Connection(host=...,port=...,db=...)>)>" : "<Redis(<ConnectionPool(<Connection(host=...,port=...,db=...)>)>)>";
  return `the text of the ${what} passed to ${fnName}() changes: ${fnName}() only describes it (String(), a template, JSON.stringify(), type tests), and a v2 ${what} describes itself as ${text} (its own properties differ too), never with its password`;
}

/** `name(i)` for each parameter of the module's named functions and methods that only describes its value (ModuleSummary.describers). */
export function describers(ctx: Ctx): string[] {
  const out: string[] = [];
  for (const fn of functionPaths(ctx)) {
    const name = fnNameOf(fn);
    if (!name) continue;
    (fn.node.params as N[]).forEach((_, i) => {
      if (describesOnly(ctx, fn, i)) out.push(`${name}(${i})`);
    });
  }
  return out;
}

/** Whether parameter `index` of the function `fn` is only described (see the top of this file). */
export function describesOnly(ctx: Ctx, fn: P, index: number): boolean {
  const param = fn.node.params[index];
  if (param?.type !== "Identifier") return false;
  const ann = param.typeAnnotation?.typeAnnotation;
  if (ann ? !topType(ann) : jsdocTyped(fn, param.name)) return false;
  if (fn.node.type !== "ArrowFunctionExpression" && usesArguments(ctx, fn)) return false;
  const refs = bindingReferences(ctx, param.name, param);
  if (!refs.length) return false;
  const set = new Set<N>(refs.map((r) => climbCasts(r).node));
  const isRef = (n: N): boolean => set.has(n);
  return refs.every((r) => narrowedAway(r, isRef, () => false) || described(ctx, r));
}

/** A type that names nothing of aioredis and admits any object: `unknown`, `any`, `object`, `{}`, `Object`, `Record<string, unknown>`. */
function topType(t: N): boolean {
  if (t.type === "TSParenthesizedType") return topType(t.typeAnnotation);
  if (t.type === "TSUnionType") return (t.types as N[]).some(topType) && (t.types as N[]).every((m) => topType(m) || primitive(m));
  if (t.type === "TSUnknownKeyword" || t.type === "TSAnyKeyword" || t.type === "TSObjectKeyword") return true;
  if (t.type === "TSTypeLiteral") return t.members.length === 0;
  if (t.type !== "TSTypeReference" || t.typeName.type !== "Identifier") return false;
  const args: N[] = t.typeParameters?.params ?? [];
  if (t.typeName.name === "Object") return args.length === 0;
  return t.typeName.name === "Record" && args.length === 2 && (args[1].type === "TSUnknownKeyword" || args[1].type === "TSAnyKeyword");
}

function primitive(t: N): boolean {
  return /^TS(String|Number|Boolean|BigInt|Symbol|Null|Undefined|Void)Keyword$/.test(t.type) || t.type === "TSLiteralType";
}

/** A JSDoc `@param {T} name` with a type other than `*`, `any`, `unknown`, `object`, `Object`. */
function jsdocTyped(fn: P, name: string): boolean {
  const comments: N[] = [];
  for (let p: P | null = fn; p && p.node.type !== "Program"; p = p.parent) {
    comments.push(...(p.node.comments ?? p.node.leadingComments ?? []));
    if (/Statement|Declaration$/.test(p.node.type) && p.parent?.node.type === "Program") break;
  }
  const re = new RegExp(`@param\\s*\\{([^}]*)\\}\\s*\\[?${name.replace(/\$/g, "\\$")}\\b`);
  return comments.some((c) => {
    const m = re.exec(String(c.value ?? ""));
    return !!m && !/^\s*(\*|any|unknown|object|Object|\?)\s*$/.test(m[1]!);
  });
}

function usesArguments(ctx: Ctx, fn: P): boolean {
  const { start, end } = fn.node;
  return identifiersNamed(ctx, "arguments").some((p: P) => p.node.start >= start && p.node.end <= end && !resolveBinding(p, "arguments"));
}

/** Up through what keeps the value as it is: parentheses, `!`, `as`, `satisfies`, `<T>x`. */
function climbCasts(path: P): P {
  let p = path;
  while (
    p.parent &&
    /^(ParenthesizedExpression|TSNonNullExpression|TSAsExpression|TSSatisfiesExpression|TSTypeAssertion)$/.test(p.parent.node.type) &&
    p.parent.node.expression === p.node
  )
    p = p.parent;
  return p;
}

/** A global (`String`, `JSON`, `Array`) the file does not declare itself. */
function isGlobal(path: P, name: string): boolean {
  return path.node.type === "Identifier" && path.node.name === name && !resolveBinding(path, name);
}

/**
 * Built-in classes neither a v1 nor a v2 client is an instance of (or both are: `Object`). Any
 * other class may tell them apart (a v2 client is an EventEmitter, a v1 one is not; the v1
 * class stays v1 in a function that is not rewritten).
 */
const BUILTIN_CLASSES = new Set([
  "Object",
  "Array",
  "Map",
  "Set",
  "WeakMap",
  "WeakSet",
  "Date",
  "RegExp",
  "Promise",
  "Buffer",
  "Uint8Array",
  "ArrayBuffer",
  "String",
  "Number",
  "Boolean",
  "Function",
  "URL",
  "Error",
  "TypeError",
  "RangeError",
  "SyntaxError",
]);

function builtinClass(path: P): boolean {
  return path.node.type === "Identifier" && BUILTIN_CLASSES.has(path.node.name) && isGlobal(path, path.node.name);
}

/** `String(x)`, `JSON.stringify(x, ...)`, `Array.isArray(x)` with the value first. */
function describingCall(call: P, value: N): boolean {
  const c = call.node;
  if (c.type !== "CallExpression" || c.arguments[0] !== value) return false;
  if (c.callee.type === "Identifier") return isGlobal(call.get("callee"), "String");
  if (c.callee.type !== "MemberExpression" || c.callee.computed || c.callee.property.type !== "Identifier") return false;
  const object = call.get("callee", "object");
  const method = c.callee.property.name;
  return (isGlobal(object, "JSON") && method === "stringify") || (isGlobal(object, "Array") && method === "isArray" && c.arguments.length === 1);
}

/** Text in any case: a string literal, a template, or a `+` with one. */
function stringy(n: N): boolean {
  return isStringLit(n) || n.type === "TemplateLiteral" || (n.type === "BinaryExpression" && n.operator === "+" && (stringy(n.left) || stringy(n.right)));
}

/** Whether the value at `ref` is only described or tested here (its own value goes nowhere else). */
function described(ctx: Ctx, ref: P): boolean {
  const p = climbCasts(ref);
  const parentPath: P | null = p.parent;
  const parent = parentPath?.node;
  const node = p.node;
  if (!parent) return false;
  switch (parent.type) {
    case "UnaryExpression":
      return parent.operator === "typeof" || parent.operator === "!" || parent.operator === "void";
    case "IfStatement":
    case "WhileStatement":
    case "DoWhileStatement":
    case "ForStatement":
      return parent.test === node;
    case "ConditionalExpression":
      return parent.test === node || described(ctx, parentPath!);
    case "LogicalExpression":
      // `x && ...` gives x on only when it is falsy (never a client); otherwise the result is x
      return (parent.operator === "&&" && parent.left === node) || described(ctx, parentPath!);
    case "BinaryExpression":
      if (["===", "!==", "==", "!="].includes(parent.operator)) return true;
      if (parent.operator === "instanceof") return parent.left === node && builtinClass(parentPath!.get("right"));
      return parent.operator === "+" && stringy(parent.left === node ? parent.right : parent.left);
    case "TemplateLiteral":
      return parentPath!.parent?.node.type !== "TaggedTemplateExpression";
    case "CallExpression":
      return describingCall(parentPath!, node);
    case "SpreadElement":
      return parentPath!.parent?.node.type === "ObjectExpression" && describedCopy(ctx, parentPath!.parent);
    case "ExpressionStatement":
      return true;
    default:
      return false;
  }
}

/**
 * `{ ...x }`: a copy of the value's own properties, described in its turn, inline or kept in a
 * variable whose every use describes it or masks a key (`copy.password = "***"`,
 * `delete copy.password`, `if ("password" in copy) copy.password = ...`).
 */
function describedCopy(ctx: Ctx, objectPath: P): boolean {
  const p = climbCasts(objectPath);
  const parent = p.parent?.node;
  if (parent?.type !== "VariableDeclarator" || parent.init !== p.node) return described(ctx, objectPath);
  if (parent.id.type !== "Identifier") return false;
  const refs = bindingReferences(ctx, parent.id.name, parent.id);
  return refs.every((r) => masks(r) || keyTest(r) || described(ctx, r));
}

/** `copy.k = v` or `delete copy.k`. */
function masks(ref: P): boolean {
  const member = climbCasts(ref).parent;
  if (member?.node.type !== "MemberExpression" || member.node.object !== climbCasts(ref).node) return false;
  if (member.node.computed && !isStringLit(member.node.property)) return false;
  const up = member.parent?.node;
  return (up?.type === "AssignmentExpression" && up.left === member.node) || (up?.type === "UnaryExpression" && up.operator === "delete");
}

/** `if ("k" in copy) <only masking statements>`: the test decides nothing but what the text hides. */
function keyTest(ref: P): boolean {
  const test = climbCasts(ref).parent;
  if (test?.node.type !== "BinaryExpression" || test.node.operator !== "in" || test.node.right !== climbCasts(ref).node) return false;
  const stmt = test.parent;
  if (stmt?.node.type !== "IfStatement" || stmt.node.test !== test.node || stmt.node.alternate) return false;
  const body: N[] = stmt.node.consequent.type === "BlockStatement" ? stmt.node.consequent.body : [stmt.node.consequent];
  const name = ref.node.name;
  return body.every((s) => {
    if (s.type !== "ExpressionStatement") return false;
    const e = s.expression;
    const target = e.type === "AssignmentExpression" ? e.left : e.type === "UnaryExpression" && e.operator === "delete" ? e.argument : null;
    return target?.type === "MemberExpression" && target.object.type === "Identifier" && target.object.name === name;
  });
}
