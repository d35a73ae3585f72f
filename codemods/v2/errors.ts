/**
 * v1 error classes to v2: renamed where one class maps to one class, and `instanceof` tests
 * rewritten where one v1 class became two (`MultiExecError` caught both a command error and
 * a WATCH failure) or a class plus a check (`BusyGroupError`).
 */
import { referencesOf } from "../lib/imports.js";
import { addMarker, raw, recordChange, codeOf } from "../lib/context.js";
import { climbWrappers, enclosingStatement, replaceNode, type N, type P } from "../lib/ast.js";
import { ERROR_INSTANCEOF, ERROR_RENAMES } from "./names.js";
import type { V2State } from "./state.js";

function needsParens(path: P): boolean {
  const parent = path.parent?.node;
  if (!parent) return false;
  if (["IfStatement", "WhileStatement", "DoWhileStatement"].includes(parent.type)) return false;
  if (parent.type === "ConditionalExpression" && parent.test === path.node) return false;
  if (parent.type === "VariableDeclarator" || parent.type === "ReturnStatement" || parent.type === "ExpressionStatement") return false;
  if (parent.type === "CallExpression" && parent.arguments.includes(path.node)) return false;
  if (parent.type === "ArrowFunctionExpression" && parent.body === path.node) return false;
  return true;
}

/**
 * Whose errors a reference to an error class deals with: a `catch` whose `try` block talks
 * only to converted clients gets the v2 classes, one that talks only to clients left on
 * compat keeps the v1 classes, and anywhere else the whole file decides.
 */
function errorOrigin(state: V2State, path: P): "v2" | "v1" | "mixed" | "unknown" {
  let p: P | null = path;
  while (p && p.node.type !== "CatchClause") p = p.parent;
  const tryBlock = p?.parent?.node.type === "TryStatement" ? p.parent.node.block : null;
  if (!tryBlock) return "unknown";
  let v1 = false;
  let v2 = false;
  const visit = (n: N) => {
    if (!n || typeof n !== "object") return;
    if (Array.isArray(n)) return n.forEach(visit);
    for (const g of state.groups) {
      if (g.refNodes.has(n)) {
        if (g.blocked) v1 = true;
        else v2 = true;
      }
    }
    for (const key of Object.keys(n)) {
      if (key === "loc" || key === "comments" || key === "original" || key === "tokens") continue;
      const v = n[key];
      if (v && typeof v === "object" && (Array.isArray(v) || typeof v.type === "string")) visit(v);
    }
  };
  visit(tryBlock);
  return v1 && v2 ? "mixed" : v1 ? "v1" : v2 ? "v2" : "unknown";
}

export function rewriteErrors(state: V2State): void {
  const ctx = state.ctx;
  const j = ctx.j;
  const fileBlocked = state.anyBlocked || !!ctx.view?.anyHeld;
  for (const b of state.info.bindings) {
    for (const ref of referencesOf(ctx, b)) {
      // the v1 class named here, and the node standing for it (identifier or ns.Name)
      let name: string | null;
      let target: P;
      if (b.kind === "named") {
        name = b.imported;
        target = ref;
      } else {
        const parent = ref.parent.node;
        if ((parent.type === "MemberExpression" || parent.type === "OptionalMemberExpression") && parent.object === ref.node && !parent.computed) {
          name = parent.property.name;
          target = ref.parent;
        } else if (parent.type === "TSQualifiedName" && parent.left === ref.node) {
          name = parent.right.name;
          target = ref.parent;
        } else continue;
      }
      if (!name) continue;
      if (!(name in ERROR_INSTANCEOF) && !(name in ERROR_RENAMES)) continue;
      const origin = errorOrigin(state, ref);
      if (origin === "v1" || ((origin === "unknown" || origin === "mixed") && fileBlocked)) {
        // errors from clients left on compat are compat's classes: keep the v1 name
        state.compatNodes.add(ref.node);
        if (origin === "mixed") {
          const stmt = enclosingStatement(ref);
          addMarker(
            ctx,
            stmt?.node ?? ref.node,
            `this catch handles errors of clients on v2 and on aioredis/compat: test for both ${name} (compat) and its v2 class (${ERROR_RENAMES[name] ?? "ResponseError / WatchError"})`,
          );
        }
        continue;
      }
      const like = { ref: { name, binding: b }, node: target.node };
      const outer = climbWrappers(target);
      const bin = outer.parent?.node;
      const isInstanceof = bin?.type === "BinaryExpression" && bin.operator === "instanceof" && bin.right === outer.node;
      const isType =
        target.parent?.node.type === "TSTypeReference" ||
        target.parent?.node.type === "TSExpressionWithTypeArguments" ||
        target.node.type === "TSQualifiedName";

      if (name in ERROR_INSTANCEOF) {
        if (!isInstanceof) {
          const stmt = enclosingStatement(ref);
          addMarker(
            ctx,
            stmt?.node ?? ref.node,
            `${name} has no single v2 class; it is kept on aioredis/compat here. In v2 catch ResponseError and WatchError (see MIGRATION.md)`,
          );
          state.compatNodes.add(ref.node);
          continue;
        }
        const binPath = outer.parent;
        const subject = codeOf(ctx, bin.left);
        const text = ERROR_INSTANCEOF[name]!((cls) => state.refText(cls, like), subject);
        replaceNode(binPath, raw(ctx, needsParens(binPath) ? `(${text})` : text));
        recordChange(ctx, bin, "error", `instanceof ${name} is ${text} in v2`);
        continue;
      }
      const to = ERROR_RENAMES[name];
      if (!to) continue;
      if (isType) {
        const typeName =
          target.node.type === "TSQualifiedName" ? j.tsQualifiedName(target.node.left, j.identifier(to)) : j.identifier(state.namedLocal(to, false));
        replaceNode(target, typeName);
      } else {
        replaceNode(target, state.ref(to, like));
      }
      recordChange(ctx, target.node, "error", `${name} is ${to} in v2`);
    }
  }
}
