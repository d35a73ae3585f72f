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
import type { ASTPath, Identifier, VariableDeclaration, VariableDeclarator } from "jscodeshift";
import { isIdentifier, isNode, isNullLit, isStringLit, isUndefinedId, parentOf, childOf, type Node, type StringLit } from "./ast.js";
import { identifiersNamed, nodesOf, type Ctx } from "./context.js";
import { resolveBinding } from "./scope.js";

export interface LoaderBinding {
  local: string;
  declPath: ASTPath<VariableDeclaration>;
  declarator: VariableDeclarator;
  id: Identifier;
  /** The string nodes of the `import()` calls that fill the variable. */
  sources: StringLit[];
  source: string;
}

const FUNCTIONS = new Set(["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression", "ClassMethod", "ObjectMethod"]);

function ourLoad(node: unknown, isOurs: (v: unknown) => boolean): StringLit | null {
  let n = isNode(node) ? node : null;
  if (n?.type === "AwaitExpression") n = n.argument ?? null;
  if (n?.type === "ImportExpression" && isStringLit(n.source) && isOurs(n.source.value)) return n.source;
  if (n?.type === "CallExpression" && n.callee.type === "Import") {
    const first = n.arguments[0];
    if (isStringLit(first) && isOurs(first.value)) return first;
  }
  return null;
}

/** Module-level statements, unwrapping `export`. */
function topLevel(ctx: Ctx): Node[] {
  const program = ctx.root.get().node.program as { body: Node[] };
  return program.body.map((s) => ((s.type === "ExportNamedDeclaration" || s.type === "ExportDefaultDeclaration") && isNode(s.declaration) ? s.declaration : s));
}

export function findLoaderBindings(ctx: Ctx, isOurs: (v: unknown) => boolean): LoaderBinding[] {
  const top = topLevel(ctx);
  // 1. module-level `let x` only ever given `await import(<ours>)`
  const holders = new Map<Identifier, { sources: StringLit[] }>();
  for (const stmt of top) {
    if (stmt.type !== "VariableDeclaration" || stmt.kind !== "let") continue;
    for (const d of stmt.declarations) {
      if (d.type !== "VariableDeclarator" || !isIdentifier(d.id)) continue;
      const id = d.id;
      const init = d.init;
      if (init && !(isNullLit(init) || isUndefinedId(init))) continue;
      const sources: StringLit[] = [];
      let ok = true;
      for (const p of identifiersNamed(ctx, id.name)) {
        const parent = parentOf(p)?.node;
        if (p.node === id) continue;
        if (resolveBinding(p, id.name) !== id) continue;
        if (parent?.type === "AssignmentExpression" && parent.left === p.node) {
          const src = ["=", "??=", "||="].includes(parent.operator) ? ourLoad(parent.right, isOurs) : null;
          if (!src) ok = false;
          else sources.push(src);
        } else if (parent?.type === "UpdateExpression" || (parent?.type === "UnaryExpression" && parent.operator === "delete")) ok = false;
      }
      if (ok && sources.length && sources.every((s) => s.value === sources[0]!.value)) holders.set(id, { sources });
    }
  }
  if (holders.size === 0) return [];
  // 2. module-level functions whose every return gives one of them
  const loaders = new Map<Node, Identifier>(); // function (or its id) -> holder id
  for (const stmt of top) {
    if (stmt.type !== "FunctionDeclaration" || !stmt.id) continue;
    let holder: Identifier | null = null;
    let ok = true;
    let returns = 0;
    for (const p of nodesOf(ctx, "ReturnStatement")) {
      let fn: ASTPath<unknown> | null = parentOf(p);
      while (fn && !(isNode(fn.node) && FUNCTIONS.has(fn.node.type))) fn = parentOf(fn);
      if (fn?.node !== stmt) continue; // another function's return
      returns++;
      const arg = p.node.argument;
      const target = isIdentifier(arg) ? resolveBinding(childOf(p, "argument"), arg.name) : null;
      if (!target || !holders.has(target) || (holder && holder !== target)) ok = false;
      else holder = target;
    }
    if (ok && returns > 0 && holder) {
      // (a binding lookup may give the declaration or its name)
      loaders.set(stmt.id, holder);
      loaders.set(stmt, holder);
    }
  }
  if (loaders.size === 0) return [];
  // 3. `const x = await loader()`
  const out: LoaderBinding[] = [];
  for (const p of nodesOf(ctx, "VariableDeclarator")) {
    const d = p.node;
    const declPath = parentOf(p);
    const decl = declPath?.node;
    if (!isIdentifier(d.id) || !declPath || decl?.type !== "VariableDeclaration" || decl.kind !== "const") continue;
    const init = d.init;
    if (init?.type !== "AwaitExpression" || init.argument?.type !== "CallExpression" || init.argument.arguments.length) continue;
    const callee = init.argument.callee;
    if (!isIdentifier(callee)) continue;
    const fn = resolveBinding(childOf(p, "init", "argument", "callee"), callee.name);
    const holder = fn ? loaders.get(fn) : undefined;
    if (!holder) continue;
    const { sources } = holders.get(holder)!;
    out.push({ local: d.id.name, declPath: declPath as ASTPath<VariableDeclaration>, declarator: d, id: d.id, sources, source: sources[0]!.value });
  }
  return out;
}
