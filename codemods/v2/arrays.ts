/**
 * Values kept as elements of an array: `new Manager([client])`, `const clients = [a, b]`, and
 * the parameter that receives such an array in another module. The elements are the project
 * id `<id of the array>[]` (`src/m.ts#Manager(0)[]`), so the array's makers and readers join
 * one group, like a member path (paths.ts) or a Map slot (slots.ts). An element is read
 * through a callback (`.map((c) => ...)`, `.forEach`, `.some`, `.every`, `.findIndex`) or a
 * `for (const c of arr)` loop: that binding is the element, followed like any other value.
 * Any other use of the array (indexing, `.filter` handing elements on, storing it elsewhere)
 * keeps the group on compat with a marker naming it.
 */
import { climbWrappers, isFunction, memberName, type N, type P } from "../lib/ast.js";
import { classifyUse, referencesOfHolder, type Holder, type Use } from "./objects.js";
import type { V2State } from "./state.js";

/** The id suffix of the elements of an array value. */
export const ELEMENTS = "[]";

/** Methods whose callback's first parameter is an element, and whose result holds no element. */
const ELEMENT_CALLBACKS = new Set(["map", "forEach", "some", "every", "findIndex", "flatMap"]);
/** Uses of the array that read no element. */
const NEUTRAL_PROPS = new Set(["length"]);

/** The array literal the value at `refPath` is a (non-spread) element of. */
export function arrayLiteralOf(refPath: P): P | null {
  const p = climbWrappers(refPath);
  const parent = p.parent?.node;
  if (parent?.type !== "ArrayExpression" || !parent.elements.includes(p.node)) return null;
  return p.parent;
}

export type ArrayUse =
  | { type: "element"; holder: Extract<Holder, { type: "binding" }> }
  | { type: "arg"; use: Extract<Use, { type: "arg" }> }
  | { type: "neutral" }
  | { type: "other"; path: P; what: string };

/** The binding of a callback's first parameter (an element), or null. */
function callbackElement(fnPath: P): Extract<Holder, { type: "binding" }> | null {
  if (!isFunction(fnPath.node)) return null;
  const param: N | undefined = fnPath.node.params[0];
  if (param?.type !== "Identifier") return null;
  return { type: "binding", name: param.name, declId: param, declPath: fnPath.get("params", 0) };
}

/** How each use of the array held by `holder` reads its elements. */
export function arrayUses(state: V2State, holder: Holder): ArrayUse[] {
  const out: ArrayUse[] = [];
  for (const ref of referencesOfHolder(state, holder)) {
    const p = climbWrappers(ref);
    const parent = p.parent?.node;
    // `for (const c of clients)`
    if (parent?.type === "ForOfStatement" && parent.right === p.node && !parent.await) {
      const left = parent.left;
      const d = left.type === "VariableDeclaration" && left.declarations.length === 1 ? left.declarations[0] : null;
      if (d?.id.type === "Identifier") {
        out.push({ type: "element", holder: { type: "binding", name: d.id.name, declId: d.id, declPath: p.parent.get("left", "declarations", 0) } });
        continue;
      }
      out.push({ type: "other", path: p, what: "is iterated into something other than one const" });
      continue;
    }
    const use = classifyUse(ref);
    if (use.type === "arg") {
      const callee = use.callPath.node.callee;
      // `Array.isArray(clients)`
      if (callee.type === "MemberExpression" && callee.object.type === "Identifier" && callee.object.name === "Array" && memberName(callee) === "isArray") {
        out.push({ type: "neutral" });
        continue;
      }
      out.push({ type: "arg", use });
      continue;
    }
    if (use.type === "prop" && NEUTRAL_PROPS.has(use.name)) {
      out.push({ type: "neutral" });
      continue;
    }
    if (use.type === "neutral") {
      out.push({ type: "neutral" });
      continue;
    }
    if (use.type === "call" && ELEMENT_CALLBACKS.has(use.method)) {
      const args: N[] = use.callPath.node.arguments;
      const element = args.length >= 1 ? callbackElement(use.callPath.get("arguments", 0)) : null;
      if (element) {
        out.push({ type: "element", holder: element });
        continue;
      }
      out.push({ type: "other", path: use.callPath, what: `is read with .${use.method}() through a callback the codemod cannot follow` });
      continue;
    }
    const what =
      use.type === "call"
        ? `is used with .${use.method}()`
        : use.type === "prop"
          ? `is read at .${use.name}`
          : use.type === "escape"
            ? use.reason
            : "is assigned here";
    out.push({ type: "other", path: p, what });
  }
  return out;
}

/** The element type references of an array annotation (`Redis[]`, `Array<Redis>`, `readonly Redis[]`, with unions). */
export function elementTypeRefs(annPath: P | null): P[] {
  if (!annPath?.node) return [];
  let a: P = annPath;
  if (a.node.type === "TSTypeOperator" && a.node.operator === "readonly") a = a.get("typeAnnotation");
  let el: P | null = null;
  if (a.node.type === "TSArrayType") el = a.get("elementType");
  else if (
    a.node.type === "TSTypeReference" &&
    a.node.typeName.type === "Identifier" &&
    (a.node.typeName.name === "Array" || a.node.typeName.name === "ReadonlyArray") &&
    a.node.typeParameters?.params.length === 1
  )
    el = a.get("typeParameters", "params", 0);
  if (!el) return [];
  if (el.node.type === "TSParenthesizedType") el = el.get("typeAnnotation");
  if (el!.node.type === "TSTypeReference") return [el!];
  if (el!.node.type === "TSUnionType") return (el!.node.types as N[]).flatMap((t, i) => (t.type === "TSTypeReference" ? [el!.get("types", i)] : []));
  return [];
}
