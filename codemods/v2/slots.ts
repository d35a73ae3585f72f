/**
 * Values kept in a Map under a literal key: `app.state.set("redis", redis)` (aiohttp's
 * `app["redis"] = redis`, the framework's state store). The value is the project id
 * `#member:state.redis`; every file that reads `<anything>.state.get("redis")` gets it as a
 * root. A Map is matched by the name of the member that holds it, whatever the object
 * (a reader whose type the codemod cannot see is still found), and any other use of a member
 * with that name anywhere in the project (`.values()`, iteration, passing the Map on, a key
 * that is not a literal) keeps the value on compat: the codemod must see every reader, since
 * a Map typed `unknown` gives tsc nothing to check a missed one with.
 */
import { isStringLit, memberName, type N, type P } from "../lib/ast.js";
import { nodesOf, type Ctx } from "../lib/context.js";

const KEY = /^[A-Za-z_$][\w$]*$/;
const METHODS = new Set(["set", "get", "has", "delete"]);

/** The id of a Map slot. */
export function slotId(name: string, key: string): string {
  return `#member:${name}.${key}`;
}

/** The id every slot of Maps held by members named `name` shares (so one unknown use holds them all). */
export function slotsId(name: string): string {
  return `#member:${name}`;
}

/** `x.state.set("redis", value)`: the member name and the key, when `index` is the value's position. */
export function slotStore(callPath: P, index: number): { name: string; key: string } | null {
  const call = callPath.node;
  if (call.type !== "CallExpression" || index !== 1 || call.arguments.length !== 2) return null;
  const callee = call.callee;
  if (callee.type !== "MemberExpression" || callee.computed || memberName(callee) !== "set") return null;
  const name = mapName(callee.object);
  const key = call.arguments[0];
  if (!name || !isStringLit(key) || !KEY.test(key.value)) return null;
  return { name, key: key.value };
}

function mapName(node: N): string | null {
  if (node?.type !== "MemberExpression") return null;
  if (!node.computed) return memberName(node);
  return isStringLit(node.property) && KEY.test(node.property.value) ? node.property.value : null;
}

export type SlotUse =
  | { type: "set" | "get" | "has" | "delete"; name: string; key: string; callPath: P }
  | { type: "init"; name: string }
  | { type: "other"; name: string; path: P };

/** Every use in this file of a member named as one of `names` (the Maps that hold followed values). */
export function slotUses(ctx: Ctx, names: (name: string) => boolean): SlotUse[] {
  const out: SlotUse[] = [];
  for (const p of nodesOf(ctx, "MemberExpression") as P[]) {
    const name = mapName(p.node);
    if (!name || !names(name)) continue;
    const parent = p.parent?.node;
    // `this.state = new Map()`: the Map is made here
    if (parent?.type === "AssignmentExpression" && parent.left === p.node && parent.right.type === "NewExpression" && parent.right.arguments.length === 0) {
      out.push({ type: "init", name });
      continue;
    }
    if (parent?.type === "MemberExpression" && parent.object === p.node && !parent.computed) {
      const method = memberName(parent);
      const call = p.parent.parent;
      if (method && METHODS.has(method) && call?.node.type === "CallExpression" && call.node.callee === parent && isStringLit(call.node.arguments[0])) {
        const key = call.node.arguments[0].value;
        out.push({ type: method as "set" | "get" | "has" | "delete", name, key, callPath: call });
        continue;
      }
    }
    out.push({ type: "other", name, path: p });
  }
  // `app.state?.get("redis")`, `const { state } = app`: read in a way not followed
  for (const p of nodesOf(ctx, "OptionalMemberExpression") as P[]) {
    const n = p.node;
    const name = !n.computed ? memberName(n) : isStringLit(n.property) ? n.property.value : null;
    if (name && names(name)) out.push({ type: "other", name, path: p });
  }
  for (const p of nodesOf(ctx, "ObjectPattern") as P[]) {
    for (const prop of p.node.properties as N[]) {
      const key =
        prop.type === "ObjectProperty" && !prop.computed
          ? prop.key.type === "Identifier"
            ? prop.key.name
            : isStringLit(prop.key)
              ? prop.key.value
              : null
          : null;
      if (key && names(key)) out.push({ type: "other", name: key, path: p });
    }
  }
  return out;
}
