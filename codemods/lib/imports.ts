/**
 * The last step of both modes: pointing each import of our package at the right entry point.
 * In compat mode every v1 import moves to `aioredis/compat`. In v2 mode an import stays on
 * `aioredis` when what it names is now v2 code, moves to `aioredis/compat` when what it names
 * was left on v1 (with a marker), and is split in two when both happen in one file.
 */
import { COMPAT_PACKAGE, V1_PACKAGE, refersTo, type Binding, type ModuleInfo } from "./bindings.js";
import { isDeclarationId, isReferencePath, isStringLit, memberName, originalText, propName, statementList, uniqueName, type N, type P } from "./ast.js";
import { addMarker, codeOf, identifiersNamed, MARKER_PREFIX, nodesOf, quoteString, raw, rawStatement, recordChange, type Ctx } from "./context.js";
import { setStringValue } from "./strings.js";

export interface ImportPlan {
  /** Is this reference (Identifier path of a binding) v1 code that must resolve to compat? */
  isCompatRef(binding: Binding, path: P, exportName: string | null): boolean;
  /** Named v2 exports to add: export name -> { local, value }. */
  needed: Map<string, { local: string; value: boolean }>;
  /** Whether an unused binding (imported but never referenced) names v1-only API. */
  isV1Name(name: string): boolean;
  /** What to do with each name re-exported from our package. */
  reexport(name: string): { v2: string } | { compat: true; message?: string };
}

interface RefInfo {
  path: P;
  exportName: string | null;
  compat: boolean;
}

export function referencesOf(ctx: Ctx, b: Binding): P[] {
  return identifiersNamed(ctx, b.local).filter((p: P) => p.node !== b.declNode && isReferencePath(p) && !isDeclarationId(p) && refersTo(p, b.local, b));
}

function exportNameOf(b: Binding, path: P): string | null {
  if (b.kind === "named") return b.imported;
  const parent = path.parent?.node;
  if ((parent?.type === "MemberExpression" || parent?.type === "OptionalMemberExpression") && parent.object === path.node) return memberName(parent);
  if (parent?.type === "TSQualifiedName" && parent.left === path.node) return parent.right.name;
  return null;
}

function makeSpecifier(ctx: Ctx, imported: string, local: string, typeOnly = false): N {
  const j = ctx.j;
  const spec = j.importSpecifier(j.identifier(imported), imported === local ? null : j.identifier(local));
  if (typeOnly) (spec as N).importKind = "type";
  return spec;
}

function setSource(ctx: Ctx, node: N, value: string): void {
  if (node.value === value) return;
  // a change of its own: a file whose only rewrite is where it imports from is still rewritten
  recordChange(ctx, node, "import", `import of "${node.value}" is "${value}" now`);
  setStringValue(node, value);
}

/**
 * Compat mode: every import of the v1 package points at compat. A default import becomes a
 * namespace import (`import aioredis from` -> `import * as aioredis from`): ES modules have
 * no default export to offer here, and the namespace has every name the default object had.
 */
export function repointAllToCompat(ctx: Ctx, info: ModuleInfo): boolean {
  const j = ctx.j;
  let changed = false;
  for (const b of info.bindings) {
    if (!b.wasDefault || b.style !== "import") continue;
    const decl = b.declPath.node;
    const ns = j.importNamespaceSpecifier(j.identifier(b.local));
    const others = decl.specifiers.filter((s: N) => s !== b.specNode);
    if (others.length === 0) {
      decl.specifiers = [ns];
    } else {
      decl.specifiers = others;
      const extra = j.importDeclaration([ns], j.stringLiteral(COMPAT_PACKAGE));
      setStringValue(extra.source, COMPAT_PACKAGE);
      const list = statementList(b.declPath);
      if (list) list.splice(list.indexOf(decl), 0, extra);
    }
    recordChange(ctx, decl, "compat-import", `default import of "${V1_PACKAGE}" is a namespace import of "${COMPAT_PACKAGE}"`);
    changed = true;
  }
  for (const node of info.sourceNodes) {
    if (node.value === V1_PACKAGE) {
      setSource(ctx, node, COMPAT_PACKAGE);
      recordChange(ctx, node, "compat-import", `import of "${V1_PACKAGE}" now points at "${COMPAT_PACKAGE}"`);
      changed = true;
    }
  }
  return changed;
}

export function rewriteImportsV2(ctx: Ctx, info: ModuleInfo, plan: ImportPlan, originallyUsed: Set<Binding>): void {
  const j = ctx.j;
  const refs = new Map<Binding, RefInfo[]>();
  for (const b of info.bindings) {
    refs.set(
      b,
      referencesOf(ctx, b).map((path) => {
        const exportName = exportNameOf(b, path);
        return { path, exportName, compat: plan.isCompatRef(b, path, exportName) };
      }),
    );
  }

  const taken = new Set<string>(nodesOf(ctx, "Identifier").map((p: P) => p.node.name));
  // code the rewrite wrote as text (`new aioredis.Redis({ ... })`) names a namespace without an Identifier node for it
  let raws: string[] | null = null;
  const rawTexts = (): string[] =>
    (raws ??= nodesOf(ctx, "Identifier")
      .filter((p: P) => p.node.__raw)
      .map((p: P) => p.node.name as string));

  /** Decides where one binding goes: "v2", "compat", or "both" (compat references renamed). */
  const place = new Map<Binding, { v2: boolean; compat: boolean; compatLocal: string }>();
  for (const b of info.bindings) {
    const list = refs.get(b)!;
    let v2 = list.some((r) => !r.compat);
    let compat = list.some((r) => r.compat);
    if (!v2 && !compat && b.kind === "namespace" && rawTexts().some((t) => t.includes(`${b.local}.`))) v2 = true;
    if (!v2 && !compat) {
      // no reference left: either every use was rewritten (drop it), or it was never used (leave it be)
      if (originallyUsed.has(b)) {
        place.set(b, { v2: false, compat: false, compatLocal: b.local });
        continue;
      }
      if (b.kind === "named" && plan.isV1Name(b.imported!)) compat = true;
      else v2 = true;
    }
    let compatLocal = b.local;
    if (v2 && compat) {
      compatLocal = uniqueName(taken, [`${b.local}Compat`]);
      taken.add(compatLocal);
      for (const r of list) {
        if (!r.compat) continue;
        r.path.node.name = compatLocal;
      }
    }
    place.set(b, { v2, compat, compatLocal });
  }

  const needed = new Map([...plan.needed].sort(([a], [b]) => a.localeCompare(b)));
  // a needed name an existing v2 binding already provides needs nothing more
  for (const [name, need] of needed) {
    const existing = info.bindings.find((b) => b.kind === "named" && b.imported === name && b.local === need.local && place.get(b)?.v2);
    if (existing) needed.delete(name);
  }

  const byDecl = new Map<N, Binding[]>();
  for (const b of info.bindings) {
    const list = byDecl.get(b.declPath.node) ?? [];
    list.push(b);
    byDecl.set(b.declPath.node, list);
  }

  const newDecls: { after: P; node: N }[] = [];
  const removed: P[] = [];
  const emptied: P[] = [];
  type NamedTarget = { kind: "import"; node: N; typeOnly: boolean } | { kind: "require"; node: N };
  let namedTarget = null as NamedTarget | null;

  nodesOf(ctx, "ImportDeclaration").forEach((path: P) => {
    const decl = path.node;
    if (!isStringLit(decl.source) || (decl.source.value !== V1_PACKAGE && decl.source.value !== COMPAT_PACKAGE)) return;
    const bindings = byDecl.get(decl) ?? [];
    if (!decl.specifiers?.length) {
      setSource(ctx, decl.source, V1_PACKAGE);
      return;
    }
    const v2Specs: N[] = [];
    const compatSpecs: N[] = [];
    for (const b of bindings) {
      const where = place.get(b)!;
      const spec = b.specNode;
      if (b.kind === "namespace") {
        if (where.v2) {
          v2Specs.push(spec.type === "ImportNamespaceSpecifier" ? spec : j.importNamespaceSpecifier(j.identifier(b.local)));
          if (spec.type !== "ImportNamespaceSpecifier")
            recordChange(ctx, decl, "import", `default import of "${V1_PACKAGE}" is a namespace import in v2 (no default export)`);
        }
        if (where.compat) compatSpecs.push(where.v2 ? j.importNamespaceSpecifier(j.identifier(where.compatLocal)) : spec);
      } else {
        if (where.v2) v2Specs.push(spec);
        if (where.compat) compatSpecs.push(where.v2 ? makeSpecifier(ctx, b.imported!, where.compatLocal, b.typeOnly && decl.importKind !== "type") : spec);
      }
    }
    const typeOnlyDecl = decl.importKind === "type";
    const hasNamespace = (specs: N[]) => specs.some((s) => s.type === "ImportNamespaceSpecifier");
    const build = (specs: N[], source: string): N[] => {
      // a namespace specifier cannot share a declaration with named ones
      const ns = specs.filter((s) => s.type === "ImportNamespaceSpecifier" || s.type === "ImportDefaultSpecifier");
      const named = specs.filter((s) => s.type === "ImportSpecifier");
      const out: N[] = [];
      if (ns.length && named.length && ns.some((s) => s.type === "ImportNamespaceSpecifier")) {
        out.push(ns, named);
      } else {
        out.push([...ns, ...named]);
      }
      return out.map((group) => {
        const d = j.importDeclaration(group, j.stringLiteral(source));
        if (typeOnlyDecl) (d as N).importKind = "type";
        setStringValue(d.source, source);
        return d;
      });
    };

    if (compatSpecs.length && v2Specs.length) {
      decl.specifiers = v2Specs;
      setSource(ctx, decl.source, V1_PACKAGE);
      if (hasNamespace(v2Specs) && v2Specs.length > 1) {
        const [first, ...rest] = build(v2Specs, V1_PACKAGE);
        decl.specifiers = first.specifiers;
        for (const d of rest) newDecls.push({ after: path, node: d });
      }
      for (const d of build(compatSpecs, COMPAT_PACKAGE)) newDecls.push({ after: path, node: d });
      recordChange(ctx, decl, "import", `v1 names still used here are imported from "${COMPAT_PACKAGE}"`);
    } else if (compatSpecs.length) {
      decl.specifiers = compatSpecs;
      setSource(ctx, decl.source, COMPAT_PACKAGE);
    } else if (v2Specs.length) {
      if (decl.specifiers.length !== v2Specs.length || decl.specifiers.some((s: N, i: number) => s !== v2Specs[i])) {
        const groups = build(v2Specs, V1_PACKAGE);
        decl.specifiers = groups[0].specifiers;
        for (const d of groups.slice(1)) newDecls.push({ after: path, node: d });
      }
      setSource(ctx, decl.source, V1_PACKAGE);
    } else {
      // nothing left: keep the declaration (and its comments) for the v2 names, remove it at the end if none come
      decl.specifiers = [];
      setSource(ctx, decl.source, V1_PACKAGE);
      emptied.push(path);
    }
    const finalSpecs: N[] = decl.specifiers ?? [];
    if (decl.source.value === V1_PACKAGE && !removed.includes(path) && !hasNamespace(finalSpecs)) {
      if (!namedTarget || (namedTarget.kind === "import" && namedTarget.typeOnly && !typeOnlyDecl)) {
        namedTarget = { kind: "import", node: decl, typeOnly: typeOnlyDecl };
      }
    }
  });

  // require(), import x = require(), await import(): namespace or destructured
  const handledDecls = new Set<N>();
  const collapse: { pattern: N; declarator: N; oneLine: boolean }[] = [];
  for (const b of info.bindings) {
    if (b.style === "import") continue;
    const where = place.get(b)!;
    if (b.kind === "namespace") {
      const sourceNode = sourceNodeOf(b);
      if (where.v2 && where.compat) {
        const compatDecl = cloneNamespaceLoad(ctx, b, where.compatLocal);
        if (compatDecl) newDecls.push({ after: b.declPath, node: compatDecl });
        setSource(ctx, sourceNode, V1_PACKAGE);
      } else if (where.compat) {
        setSource(ctx, sourceNode, COMPAT_PACKAGE);
      } else {
        setSource(ctx, sourceNode, V1_PACKAGE);
      }
      continue;
    }
    // destructured require: handled per declaration
    const declNode = b.declPath.node;
    if (handledDecls.has(declNode)) continue;
    handledDecls.add(declNode);
    const declarator = declNode.declarations.find((d: N) => d.id.type === "ObjectPattern" && d.id.properties.includes(b.specNode));
    const group = (byDecl.get(declNode) ?? []).filter((x) => x.kind === "named");
    const v2Props: N[] = [];
    const compatProps: N[] = [];
    for (const x of group) {
      const w = place.get(x)!;
      if (w.v2) v2Props.push(x.specNode);
      if (w.compat) {
        compatProps.push(w.v2 ? j.objectProperty.from({ key: j.identifier(x.imported!), value: j.identifier(w.compatLocal), shorthand: false }) : x.specNode);
      }
    }
    const init = declarator.init.type === "AwaitExpression" ? declarator.init.argument : declarator.init;
    const sourceNode = init.type === "ImportExpression" ? init.source : init.arguments[0];
    collapse.push({ pattern: declarator.id, declarator, oneLine: !originalText(ctx.parsedSource, declarator.id)?.includes("\n") });
    if (v2Props.length && compatProps.length) {
      declarator.id.properties = v2Props;
      setSource(ctx, sourceNode, V1_PACKAGE);
      const compatDecl = j.variableDeclaration(declNode.kind, [
        j.variableDeclarator(j.objectPattern(compatProps), cloneLoad(ctx, declarator.init, COMPAT_PACKAGE)),
      ]);
      newDecls.push({ after: b.declPath, node: compatDecl });
      namedTarget ??= { kind: "require", node: declarator.id };
    } else if (compatProps.length) {
      declarator.id.properties = compatProps;
      setSource(ctx, sourceNode, COMPAT_PACKAGE);
    } else if (v2Props.length) {
      if (declarator.id.properties.length !== v2Props.length) declarator.id.properties = v2Props;
      setSource(ctx, sourceNode, V1_PACKAGE);
      namedTarget ??= { kind: "require", node: declarator.id };
    } else {
      declarator.id.properties = [];
      setSource(ctx, sourceNode, V1_PACKAGE);
      emptied.push(b.declPath);
      namedTarget ??= { kind: "require", node: declarator.id };
    }
  }

  // inline require("aioredis").x: compat when x is v1 API that was left as it is
  for (const p of inlineLoadsNow(ctx)) {
    const parent = p.parent?.node;
    const name =
      parent && (parent.type === "MemberExpression" || parent.type === "OptionalMemberExpression") && parent.object === p.node ? memberName(parent) : null;
    const sourceNode = p.node.type === "ImportExpression" ? p.node.source : p.node.arguments[0];
    const compat = name === null ? sourceNode.value === COMPAT_PACKAGE : plan.isV1Name(name);
    setSource(ctx, sourceNode, compat ? COMPAT_PACKAGE : V1_PACKAGE);
  }

  // named v2 exports the new code uses
  if (needed.size) {
    const target = namedTarget as NamedTarget | null;
    if (target && target.kind === "import") {
      for (const [name, need] of needed) {
        if (target.typeOnly && need.value) continue;
        target.node.specifiers.push(makeSpecifier(ctx, name, need.local, !need.value && ctx.lang !== "js" && !target.typeOnly));
        needed.delete(name);
      }
    } else if (target && target.kind === "require") {
      for (const [name, need] of needed) {
        target.node.properties.push(j.objectProperty.from({ key: j.identifier(name), value: j.identifier(need.local), shorthand: name === need.local }));
        needed.delete(name);
      }
    }
    if (needed.size) {
      const specs = [...needed].map(([name, need]) => makeSpecifier(ctx, name, need.local, !need.value && ctx.lang !== "js"));
      const usesRequire = info.bindings.length > 0 && info.bindings.every((b) => b.style === "require");
      let node: N;
      if (usesRequire) {
        node = j.variableDeclaration("const", [
          j.variableDeclarator(
            j.objectPattern(
              [...needed].map(([name, need]) =>
                j.objectProperty.from({ key: j.identifier(name), value: j.identifier(need.local), shorthand: name === need.local }),
              ),
            ),
            j.callExpression(j.identifier("require"), [j.stringLiteral(V1_PACKAGE)]),
          ),
        ]);
        setStringValue(node.declarations[0].init.arguments[0], V1_PACKAGE);
      } else {
        node = j.importDeclaration(specs, j.stringLiteral(V1_PACKAGE));
        setStringValue(node.source, V1_PACKAGE);
      }
      const anchor = info.bindings[0]?.declPath ?? null;
      if (anchor) newDecls.push({ after: anchor, node });
      else {
        const body = ctx.root.get().node.program.body;
        let at = 0;
        while (
          at < body.length &&
          (body[at].type === "ImportDeclaration" || body[at].directive || (body[at].type === "ExpressionStatement" && body[at].directive))
        )
          at++;
        body.splice(at, 0, node);
      }
    }
  }

  // a destructuring that was on one line stays on one line (recast would spread it over several)
  for (const { pattern, declarator, oneLine } of collapse) {
    if (!oneLine || declarator.id !== pattern || pattern.type !== "ObjectPattern") continue;
    const text = pattern.properties.map((p: N) => {
      const key = propName(p);
      const value = p.value?.type === "Identifier" ? p.value.name : null;
      return key === value ? key : `${key}: ${value}`;
    });
    declarator.id = raw(ctx, `{ ${text.join(", ")} }`);
  }

  // new declarations go right after their anchors: written as text lines when the anchor is
  // one line (recast would put a blank line before a new statement), in the AST otherwise
  for (const { after, node } of newDecls) {
    const insertInAst = () => {
      const list = statementList(after) ?? after.parent?.node?.body;
      if (!list) return;
      const siblings = newDecls.filter((d) => d.after === after);
      const at = list.indexOf(after.node) + 1 + siblings.indexOf(siblings.find((d) => d.node === node)!);
      list.splice(Math.min(at, list.length), 0, node);
    };
    const text = codeOf(ctx, node);
    if (after.parent?.node.type !== "Program" || text.includes("\n")) {
      insertInAst();
      continue;
    }
    ctx.lineInserts.push({ anchor: () => codeOf(ctx, after.node), near: after.node.loc?.start?.line ?? 0, where: "after", text, fallback: insertInAst });
  }
  for (const path of emptied) {
    const n = path.node;
    if (n.type === "ImportDeclaration" && n.specifiers.length === 0) removed.push(path);
    if (n.type === "VariableDeclaration") {
      const empty = n.declarations.filter((d: N) => d.id.type === "ObjectPattern" && d.id.properties.length === 0);
      if (empty.length === n.declarations.length) removed.push(path);
      else if (empty.length) n.declarations = n.declarations.filter((d: N) => !empty.includes(d));
    }
  }
  for (const path of removed) {
    const list = statementList(path);
    if (!list) continue;
    const at = list.indexOf(path.node);
    const next = list[at + 1];
    if (next && path.node.comments?.length) next.comments = [...path.node.comments.filter((c: N) => c.leading !== false), ...(next.comments ?? [])];
    list.splice(at, 1);
  }

  rewriteReexports(ctx, info, plan);
}

/** `require("aioredis")` / `import("aioredis")` calls not bound to a variable, found again after the rewrites. */
function inlineLoadsNow(ctx: Ctx): P[] {
  const out: P[] = [];
  const visit = (p: P) => {
    const n = p.node;
    const isRequire = n.type === "CallExpression" && n.callee.type === "Identifier" && n.callee.name === "require" && n.arguments.length === 1;
    const isImport = n.type === "ImportExpression" || (n.type === "CallExpression" && n.callee.type === "Import");
    if (!isRequire && !isImport) return;
    const src = n.type === "ImportExpression" ? n.source : n.arguments[0];
    if (!isStringLit(src) || (src.value !== V1_PACKAGE && src.value !== COMPAT_PACKAGE)) return;
    let up = p.parent;
    if (up?.node.type === "AwaitExpression") up = up.parent;
    if (up?.node.type === "VariableDeclarator") return;
    out.push(p);
  };
  nodesOf(ctx, "CallExpression").forEach(visit);
  nodesOf(ctx, "ImportExpression").forEach(visit);
  return out;
}

function sourceNodeOf(b: Binding): N {
  const n = b.declPath.node;
  if (n.type === "TSImportEqualsDeclaration") return n.moduleReference.expression;
  const d = b.specNode;
  const init = d.init.type === "AwaitExpression" ? d.init.argument : d.init;
  return init.type === "ImportExpression" ? init.source : init.arguments[0];
}

function cloneLoad(ctx: Ctx, init: N, source: string): N {
  const j = ctx.j;
  const awaited = init.type === "AwaitExpression";
  const call = awaited ? init.argument : init;
  let load: N;
  if (call.type === "ImportExpression") load = j.importExpression(j.stringLiteral(source));
  else load = j.callExpression(j.identifier(call.callee.type === "Import" ? "import" : "require"), [j.stringLiteral(source)]);
  return awaited ? j.awaitExpression(load) : load;
}

function cloneNamespaceLoad(ctx: Ctx, b: Binding, local: string): N | null {
  const j = ctx.j;
  const n = b.declPath.node;
  if (n.type === "TSImportEqualsDeclaration") {
    return j.tsImportEqualsDeclaration(j.identifier(local), j.tsExternalModuleReference(j.stringLiteral(COMPAT_PACKAGE)));
  }
  if (n.type === "VariableDeclaration") {
    return j.variableDeclaration(n.kind, [j.variableDeclarator(j.identifier(local), cloneLoad(ctx, b.specNode.init, COMPAT_PACKAGE))]);
  }
  return null;
}

function rewriteReexports(ctx: Ctx, info: ModuleInfo, plan: ImportPlan): void {
  const j = ctx.j;
  for (const path of info.reexports) {
    const decl = path.node;
    if (decl.type === "ExportAllDeclaration") {
      setSource(ctx, decl.source, COMPAT_PACKAGE);
      addMarker(
        ctx,
        decl,
        `this module re-exports the whole v1 API; it now comes from "${COMPAT_PACKAGE}". Re-export the v2 names your users need from "${V1_PACKAGE}" once they are migrated`,
      );
      continue;
    }
    const v2Specs: N[] = [];
    const compatSpecs: N[] = [];
    const notes: string[] = [];
    for (const spec of decl.specifiers ?? []) {
      if (spec.type !== "ExportSpecifier") {
        compatSpecs.push(spec);
        continue;
      }
      const local = spec.local.type === "Identifier" ? spec.local.name : spec.local.value;
      const exported = spec.exported.type === "Identifier" ? spec.exported.name : spec.exported.value;
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
      setSource(ctx, decl.source, V1_PACKAGE);
      const specText = compatSpecs.map((sp: N) => {
        const l = sp.local.name ?? sp.local.value;
        const e = sp.exported.name ?? sp.exported.value;
        return l === e ? l : `${l} as ${e}`;
      });
      // one line, with the marker after it: recast would space out a new statement carrying a leading comment
      const line = `export { ${specText.join(", ")} } from ${quoteString(ctx, COMPAT_PACKAGE)}`;
      const extra = rawStatement(ctx, line);
      if (notes.length) ctx.lineSuffixes.push({ line: `${line};`, suffix: ` // ${MARKER_PREFIX} ${notes.join("; ")}` });
      const list = statementList(path);
      if (list) list.splice(list.indexOf(decl) + 1, 0, extra);
    } else if (compatSpecs.length) {
      setSource(ctx, decl.source, COMPAT_PACKAGE);
      for (const note of notes) addMarker(ctx, decl, note);
    } else {
      decl.specifiers = v2Specs;
      setSource(ctx, decl.source, V1_PACKAGE);
    }
  }
}
