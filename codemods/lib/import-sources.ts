/**
 * The module-position strings of a file that name our package: inline `require()`/`import()`
 * loads, a binding's source, copies of a load for the other package, and re-exports.
 */
import type { AwaitExpression, CallExpression, ExportNamedDeclaration, Identifier, ImportExpression } from "jscodeshift";
import { COMPAT_PACKAGE, V1_PACKAGE, loadArgument, type Binding, type LoadCall, type ModuleInfo, type Reexport } from "./bindings.js";
import { fieldOf, isStringLit, moduleExportName, parentOf, statementList, type Node, type NodePath, type StringLit } from "./ast.js";
import { addMarker, MARKER_PREFIX, nodesOf, quoteString, rawStatement, recordChange, type Ctx } from "./context.js";
import { setStringValue } from "./strings.js";

/** `require("aioredis")` / `import("aioredis")` calls not bound to a variable, found again after the rewrites. */
export interface ImportPlan {
  /** Is this reference (Identifier path of a binding) v1 code that must resolve to compat? */
  isCompatRef(binding: Binding, path: NodePath<Identifier>, exportName: string | null): boolean;
  /** Named v2 exports to add: export name -> { local, value }. */
  needed: Map<string, { local: string; value: boolean }>;
  /** Whether an unused binding (imported but never referenced) names v1-only API. */
  isV1Name(name: string): boolean;
  /** What to do with each name re-exported from our package. */
  reexport(name: string): { v2: string } | { compat: true; message?: string };
}

export function setSource(ctx: Ctx, node: StringLit, value: string): void {
  if (node.value === value) return;
  // a change of its own: a file whose only rewrite is where it imports from is still rewritten
  recordChange(ctx, node, "import", `import of "${node.value}" is "${value}" now`);
  setStringValue(node, value);
}

/** A new string literal for a module name, its written text (`extra.raw`) set as `setStringValue` sets it. */
export function sourceLiteral(ctx: Ctx, value: string): StringLit {
  const node = ctx.j.stringLiteral(value);
  setStringValue(node, value);
  return node;
}

export function inlineLoadsNow(ctx: Ctx): { path: NodePath<LoadCall>; source: StringLit }[] {
  const out: { path: NodePath<LoadCall>; source: StringLit }[] = [];
  const visit = (p: NodePath<LoadCall>) => {
    const n = p.node;
    const isRequire = n.type === "CallExpression" && n.callee.type === "Identifier" && n.callee.name === "require" && n.arguments.length === 1;
    const isImport = n.type === "ImportExpression" || (n.type === "CallExpression" && n.callee.type === "Import");
    if (!isRequire && !isImport) return;
    const src = n.type === "ImportExpression" ? n.source : n.arguments[0];
    if (!isStringLit(src) || (src.value !== V1_PACKAGE && src.value !== COMPAT_PACKAGE)) return;
    let up = parentOf(p);
    if (up?.node.type === "AwaitExpression") up = parentOf(up);
    if (up?.node.type === "VariableDeclarator") return;
    out.push({ path: p, source: src });
  };
  nodesOf(ctx, "CallExpression").forEach(visit);
  nodesOf(ctx, "ImportExpression").forEach(visit);
  return out;
}

/** The module name of a namespace binding's `import x = require()` / `require()` / `import()`. */
export function sourceNodeOf(b: Binding): StringLit | null {
  const n = b.declPath.node;
  if (n.type === "TSImportEqualsDeclaration") {
    const ref = n.moduleReference;
    return ref.type === "TSExternalModuleReference" && isStringLit(ref.expression) ? ref.expression : null;
  }
  const d = b.specNode;
  if (d.type !== "VariableDeclarator") return null;
  const source = loadArgument(d.init?.type === "AwaitExpression" ? d.init.argument : d.init);
  return isStringLit(source) ? source : null;
}

export function cloneLoad(ctx: Ctx, init: Node, source: string): AwaitExpression | CallExpression | ImportExpression {
  const j = ctx.j;
  const awaited = init.type === "AwaitExpression";
  const call = awaited ? init.argument : init;
  let load: CallExpression | ImportExpression;
  if (call?.type === "ImportExpression") load = j.importExpression(j.stringLiteral(source));
  else
    load = j.callExpression(j.identifier(call?.type === "CallExpression" && call.callee.type === "Import" ? "import" : "require"), [j.stringLiteral(source)]);
  return awaited ? j.awaitExpression(load) : load;
}

export function cloneNamespaceLoad(ctx: Ctx, b: Binding, local: string): Node | null {
  const j = ctx.j;
  const n = b.declPath.node;
  if (n.type === "TSImportEqualsDeclaration") {
    return j.tsImportEqualsDeclaration(j.identifier(local), j.tsExternalModuleReference(j.stringLiteral(COMPAT_PACKAGE)));
  }
  const init = b.specNode.type === "VariableDeclarator" ? b.specNode.init : null;
  if (n.type === "VariableDeclaration" && init) {
    return j.variableDeclaration(n.kind, [j.variableDeclarator(j.identifier(local), cloneLoad(ctx, init, COMPAT_PACKAGE))]);
  }
  return null;
}

export function rewriteReexports(ctx: Ctx, info: ModuleInfo<Reexport>, plan: ImportPlan): void {
  const j = ctx.j;
  for (const path of info.reexports) {
    const decl = path.node;
    const source = decl.source;
    if (!isStringLit(source)) continue;
    if (decl.type === "ExportAllDeclaration") {
      setSource(ctx, source, COMPAT_PACKAGE);
      addMarker(
        ctx,
        decl,
        `this module re-exports the whole v1 API; it now comes from "${COMPAT_PACKAGE}". Re-export the v2 names your users need from "${V1_PACKAGE}" once they are migrated`,
      );
      continue;
    }
    type ExportSpec = NonNullable<ExportNamedDeclaration["specifiers"]>[number];
    const v2Specs: ExportSpec[] = [];
    const compatSpecs: ExportSpec[] = [];
    const notes: string[] = [];
    for (const spec of decl.specifiers ?? []) {
      const local = spec.type === "ExportSpecifier" ? moduleExportName(spec.local) : null;
      const exported = spec.type === "ExportSpecifier" ? moduleExportName(spec.exported) : null;
      if (local === null || exported === null) {
        compatSpecs.push(spec);
        continue;
      }
      const what = plan.reexport(local);
      if ("v2" in what) {
        if (what.v2 === local) v2Specs.push(spec);
        else {
          v2Specs.push(j.exportSpecifier.from({ local: j.identifier(what.v2), exported: j.identifier(exported) }));
          recordChange(ctx, spec, "reexport", `re-exported ${local} is ${what.v2} in v2 (still exported as ${exported})`);
        }
      } else {
        compatSpecs.push(spec);
        if (what.message) notes.push(what.message);
      }
    }
    if (compatSpecs.length && v2Specs.length) {
      decl.specifiers = v2Specs;
      setSource(ctx, source, V1_PACKAGE);
      const specText = compatSpecs.map((sp) => {
        const l = moduleExportName(fieldOf(sp, "local"));
        const e = moduleExportName(fieldOf(sp, "exported"));
        return l === e ? l : `${l} as ${e}`;
      });
      // one line, with the marker after it: recast would space out a new statement carrying a leading comment
      const line = `export { ${specText.join(", ")} } from ${quoteString(ctx, COMPAT_PACKAGE)}`;
      const extra = rawStatement(ctx, line);
      if (notes.length) ctx.lineSuffixes.push({ line: `${line};`, suffix: ` // ${MARKER_PREFIX} ${notes.join("; ")}` });
      const list = statementList(path);
      if (list) list.splice(list.indexOf(decl) + 1, 0, extra);
    } else if (compatSpecs.length) {
      setSource(ctx, source, COMPAT_PACKAGE);
      for (const note of notes) addMarker(ctx, decl, note);
    } else {
      decl.specifiers = v2Specs;
      setSource(ctx, source, V1_PACKAGE);
    }
  }
}
