/**
 * A module loaded lazily, once, by a function of the module:
 *
 *   let aioredisModule = null;
 *   async function loadAioredis() {
 *     aioredisModule ??= await import("aioredis");
 *     return aioredisModule;
 *   }
 *   ...
 *   const aioredis = await loadAioredis();
 *   return aioredis.createRedis(url);
 *
 * `aioredis` names the package's namespace as surely as `const aioredis = await
 * import("aioredis")` would. Recognised when the variable is a module-level `let` that is only
 * ever given `await import(<our package>)` (with `=`, `??=` or `||=`, one specifier for all),
 * the function is a module-level function whose every `return` gives the variable, and the
 * local is a `const` initialised with `await loader()`.
 */
import type { N, P } from "./ast.js";
import { isStringLit } from "./ast.js";
import { identifiersNamed, nodesOf, type Ctx } from "./context.js";
import { resolveBinding } from "./scope.js";

export interface LoaderBinding {
  local: string;
  declPath: P;
  declarator: N;
  id: N;
  /** The string nodes of the `import()` calls that fill the variable. */
  sources: N[];
  source: string;
}

const FUNCTIONS = new Set(["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression", "ClassMethod", "ObjectMethod"]);

function ourLoad(node: N, isOurs: (v: unknown) => boolean): N | null {
  let n = node;
  if (n?.type === "AwaitExpression") n = n.argument;
  if (n?.type === "ImportExpression" && isStringLit(n.source) && isOurs(n.source.value)) return n.source;
  if (n?.type === "CallExpression" && n.callee.type === "Import" && isStringLit(n.arguments[0]) && isOurs(n.arguments[0].value)) return n.arguments[0];
  return null;
}

/** Module-level statements, unwrapping `export`. */
function topLevel(ctx: Ctx): N[] {
  return (ctx.root.get().node.program.body as N[]).map((s) =>
    (s.type === "ExportNamedDeclaration" || s.type === "ExportDefaultDeclaration") && s.declaration ? s.declaration : s,
  );
}

export function findLoaderBindings(ctx: Ctx, isOurs: (v: unknown) => boolean): LoaderBinding[] {
  const top = topLevel(ctx);
  // 1. module-level `let x` only ever given `await import(<ours>)`
  const holders = new Map<N, { sources: N[] }>();
  for (const stmt of top) {
    if (stmt.type !== "VariableDeclaration" || stmt.kind !== "let") continue;
    for (const d of stmt.declarations as N[]) {
      if (d.id.type !== "Identifier") continue;
      const init = d.init;
      if (
        init &&
        !(init.type === "NullLiteral" || (init.type === "Literal" && init.value === null) || (init.type === "Identifier" && init.name === "undefined"))
      )
        continue;
      const sources: N[] = [];
      let ok = true;
      for (const p of identifiersNamed(ctx, d.id.name)) {
        const parent = p.parent?.node;
        if (p.node === d.id) continue;
        if (resolveBinding(p, d.id.name) !== d.id) continue;
        if (parent?.type === "AssignmentExpression" && parent.left === p.node) {
          const src = ["=", "??=", "||="].includes(parent.operator) ? ourLoad(parent.right, isOurs) : null;
          if (!src) ok = false;
          else sources.push(src);
        } else if (parent?.type === "UpdateExpression" || (parent?.type === "UnaryExpression" && parent.operator === "delete")) ok = false;
      }
      if (ok && sources.length && sources.every((s) => s.value === sources[0]!.value)) holders.set(d.id, { sources });
    }
  }
  if (holders.size === 0) return [];
  // 2. module-level functions whose every return gives one of them
  const loaders = new Map<N, N>(); // function id -> holder id
  for (const stmt of top) {
    if (stmt.type !== "FunctionDeclaration" || !stmt.id) continue;
    let holder: N | null = null;
    let ok = true;
    let returns = 0;
    nodesOf(ctx, "ReturnStatement").forEach((p: P) => {
      let fn: P | null = p.parent;
      while (fn && !FUNCTIONS.has(fn.node.type)) fn = fn.parent;
      if (fn?.node !== stmt) return; // another function's return
      returns++;
      const arg = p.node.argument;
      const target = arg?.type === "Identifier" ? resolveBinding(p.get("argument"), arg.name) : null;
      if (!target || !holders.has(target) || (holder && holder !== target)) ok = false;
      else holder = target;
    });
    if (ok && returns > 0 && holder) {
      // (a binding lookup may give the declaration or its name)
      loaders.set(stmt.id, holder);
      loaders.set(stmt, holder);
    }
  }
  if (loaders.size === 0) return [];
  // 3. `const x = await loader()`
  const out: LoaderBinding[] = [];
  nodesOf(ctx, "VariableDeclarator").forEach((p: P) => {
    const d = p.node;
    const decl = p.parent?.node;
    if (d.id.type !== "Identifier" || decl?.type !== "VariableDeclaration" || decl.kind !== "const") return;
    const init = d.init;
    if (init?.type !== "AwaitExpression" || init.argument.type !== "CallExpression" || init.argument.arguments.length) return;
    const callee = init.argument.callee;
    if (callee.type !== "Identifier") return;
    const fn = resolveBinding(p.get("init", "argument", "callee"), callee.name);
    const holder = fn ? loaders.get(fn) : undefined;
    if (!holder) return;
    const { sources } = holders.get(holder)!;
    out.push({ local: d.id.name, declPath: p.parent, declarator: d, id: d.id, sources, source: sources[0]!.value });
  });
  return out;
}
