/**
 * Helpers of the v2 analysis (codemods/v2/index.ts and the analyzer-*.ts classes): file tests,
 * the v2 type of each kind of value, and where a returned value or a function stands.
 */
/**
 * `--mode v2`: the v1 API rewritten into the v2 API, one file at a time, in a fixed order:
 * find the names bound to our package; find the objects v1 factories make and follow them;
 * plan every rewrite per object group (all or nothing); rename error classes; apply; point
 * each import at `aioredis` or, for what was left on v1, at `aioredis/compat`.
 */
import { COMPAT_PACKAGE, type ModuleInfo } from "../lib/bindings.js";
import { nodesOf, type Ctx } from "../lib/context.js";
import { referencesOf } from "../lib/imports.js";
import { climbWrappers, enclosingFunction, memberName, type N, type P } from "../lib/ast.js";
import { V1_ONLY, V2_ONLY } from "./names.js";
import type { Kind } from "./objects.js";

/** Does this file use the v1 API (as opposed to already being v2 code)? */
export function isV1File(ctx: Ctx, info: ModuleInfo): boolean {
  if (info.bindings.length === 0 && info.inlineLoads.length === 0 && info.reexports.length === 0) return false;
  if (ctx.options.assumeV1) return true;
  if (info.sourceNodes.some((n) => n.value === COMPAT_PACKAGE)) return true;
  for (const b of info.bindings) {
    if (b.kind === "named" && V1_ONLY.has(b.imported!)) return true;
    if (b.kind === "namespace") {
      for (const ref of referencesOf(ctx, b)) {
        const parent = ref.parent.node;
        const name = parent.type === "TSQualifiedName" ? parent.right.name : memberName(parent);
        if (name && V1_ONLY.has(name)) return true;
      }
    }
  }
  for (const p of info.inlineLoads) {
    const name = memberName(p.parent?.node);
    if (name && V1_ONLY.has(name)) return true;
  }
  for (const p of info.reexports) {
    for (const s of p.node.specifiers ?? []) {
      const local = s.local?.name ?? s.local?.value;
      if (local && V1_ONLY.has(local)) return true;
    }
  }
  return false;
}

/**
 * Does this file already use the v2 API? Compat mode leaves such files alone and re-points
 * every other import of `aioredis`, type-only ones included: at step 1 the whole project is
 * v1 code, and a `Redis` type must keep naming the v1 class.
 */
export function isV2File(ctx: Ctx, info: ModuleInfo): boolean {
  for (const b of info.bindings) {
    if (b.kind === "named" && V2_ONLY.has(b.imported!)) return true;
    if (b.kind === "namespace") {
      for (const ref of referencesOf(ctx, b)) {
        const parent = ref.parent.node;
        const name = parent.type === "TSQualifiedName" ? parent.right.name : memberName(parent);
        if (name && V2_ONLY.has(name)) return true;
      }
    }
  }
  for (const p of info.reexports) {
    for (const sp of p.node.specifiers ?? []) {
      const local = sp.local?.name ?? sp.local?.value;
      if (local && V2_ONLY.has(local)) return true;
    }
  }
  return false;
}

export const V2_TYPE: Record<Kind, string> = {
  client: "Redis",
  connection: "Redis",
  pool: "ConnectionPool",
  sentinel: "Sentinel",
  pipeline: "Pipeline",
  channel: "PubSub",
};

/**
 * The function a `return` gives its value to: the enclosing one, or, for an immediately
 * invoked `(async () => { ... return x; })()` that is itself returned, the function around it.
 */
export function returnTarget(path: P): P | null {
  let fn = enclosingFunction(path);
  while (fn && (fn.node.type === "ArrowFunctionExpression" || fn.node.type === "FunctionExpression")) {
    let call: P | null = fn.parent;
    while (call && call.node.type === "ParenthesizedExpression") call = call.parent;
    if (call?.node.type !== "CallExpression" || call.node.arguments.length !== 0) break;
    const callee = call.node.callee.type === "ParenthesizedExpression" ? call.node.callee.expression : call.node.callee;
    if (callee !== fn.node) break;
    const up = climbWrappers(call).parent;
    if (up?.node.type !== "ReturnStatement") break;
    fn = enclosingFunction(up);
  }
  return fn;
}

export function unwrapAwait(node: N): N {
  let n = node;
  while (n && (n.type === "AwaitExpression" || n.type === "TSAsExpression" || n.type === "TSNonNullExpression" || n.type === "ParenthesizedExpression"))
    n = n.argument ?? n.expression;
  return n;
}

/** Whether a declarator or parameter path sits at the module's top level. */
export function isModuleLevel(declPath: P): boolean {
  if (declPath.node.type !== "VariableDeclarator") return false;
  let p: P | null = declPath.parent; // VariableDeclaration
  if (p?.parent?.node.type === "ExportNamedDeclaration") p = p.parent;
  return p?.parent?.node.type === "Program";
}

/** Whether a declaring identifier (from resolveBinding) is a module-level name: an import, a top-level function, class or const. */
export function isModuleLevelDecl(ctx: Ctx, decl: N): boolean {
  const program = ctx.root.get().node.program;
  for (let stmt of program.body as N[]) {
    if (stmt.type === "ImportDeclaration") {
      if ((stmt.specifiers ?? []).some((s: N) => s.local === decl)) return true;
      continue;
    }
    if ((stmt.type === "ExportNamedDeclaration" || stmt.type === "ExportDefaultDeclaration") && stmt.declaration) stmt = stmt.declaration;
    if ((stmt.type === "FunctionDeclaration" || stmt.type === "ClassDeclaration") && stmt.id === decl) return true;
    if (stmt.type === "VariableDeclaration" && stmt.declarations.some((d: N) => d.id === decl)) return true;
  }
  return false;
}

/** The name of a module-level named class (`C`), or null. */
export function classNameOf(classPath: P): string | null {
  const node = classPath.node;
  if (node.type !== "ClassDeclaration" || !node.id) return null;
  let p: P | null = classPath.parent;
  if (p?.node.type === "ExportNamedDeclaration" || p?.node.type === "ExportDefaultDeclaration") p = p.parent;
  return p?.node.type === "Program" ? node.id.name : null;
}

/** `src/a.ts#C` for a module-level named class. */
export function classIdOf(ctx: Ctx, classPath: P): string | null {
  const view = ctx.view;
  const name = view ? classNameOf(classPath) : null;
  return name ? `${view!.id}#${name}` : null;
}

/** The name of a named function of the module (`f`, `C` for a constructor, `C.m` for a method), or null. */
export function fnNameOf(fn: P): string | null {
  const node = fn.node;
  if (node.type === "FunctionDeclaration" && node.id) {
    let p: P | null = fn.parent;
    if (p?.node.type === "ExportNamedDeclaration" || p?.node.type === "ExportDefaultDeclaration") p = p.parent;
    return p?.node.type === "Program" ? node.id.name : null;
  }
  if (
    (node.type === "ArrowFunctionExpression" || node.type === "FunctionExpression") &&
    fn.parent?.node.type === "VariableDeclarator" &&
    fn.parent.node.id.type === "Identifier"
  ) {
    return isModuleLevel(fn.parent) ? fn.parent.node.id.name : null;
  }
  if (node.type === "ClassMethod" && !node.computed && node.key.type === "Identifier") {
    const classPath: P | null = fn.parent?.parent ?? null;
    const cls = classPath ? classNameOf(classPath) : null;
    if (!cls) return null;
    return node.kind === "constructor" ? cls : `${cls}.${node.key.name}`;
  }
  return null;
}

/** The id of a named function of the module (`src/a.ts#f`, `#C` for a constructor, `#C.m` for a method), or null. */
export function fnIdOf(ctx: Ctx, fn: P): string | null {
  const view = ctx.view;
  const name = view ? fnNameOf(fn) : null;
  return name ? `${view!.id}#${name}` : null;
}

/** Whether `inner` is `outer` or sits somewhere under it. */
export function contains(outer: N, inner: N): boolean {
  if (outer === inner) return true;
  if (!outer || typeof outer !== "object") return false;
  for (const key of Object.keys(outer)) {
    if (key === "loc" || key === "original" || key === "comments" || key === "tokens") continue;
    const v = outer[key];
    if (Array.isArray(v)) {
      for (const x of v) if (x && typeof x === "object" && contains(x, inner)) return true;
    } else if (v && typeof v === "object" && typeof v.type === "string" && contains(v, inner)) return true;
  }
  return false;
}

/** Every function of the file that can take parameters: declarations, class methods, arrows and function expressions. */
export function functionPaths(ctx: Ctx): P[] {
  return [
    ...nodesOf(ctx, "FunctionDeclaration"),
    ...nodesOf(ctx, "ClassMethod"),
    ...nodesOf(ctx, "ArrowFunctionExpression"),
    ...nodesOf(ctx, "FunctionExpression"),
  ];
}
