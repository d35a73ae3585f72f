/**
 * The last step of both modes: pointing each import of our package at the right entry point.
 * In compat mode every v1 import moves to `aioredis/compat`. In v2 mode an import stays on
 * `aioredis` when what it names is now v2 code, moves to `aioredis/compat` when what it names
 * was left on v1 (with a marker), and is split in two when both happen in one file.
 */
import type {
  Node as BaseNode,
  Identifier,
  ImportDeclaration,
  ImportDefaultSpecifier,
  ImportNamespaceSpecifier,
  ImportSpecifier,
  ObjectPattern,
  VariableDeclaration,
  VariableDeclarator,
} from "jscodeshift";
import { COMPAT_PACKAGE, V1_PACKAGE, loadArgument, refersTo, type Binding, type BindingDecl, type ModuleInfo, type Reexport } from "./bindings.js";
import {
  bodyOf,
  fieldOf,
  holds,
  isIdentifier,
  isDeclarationId,
  isMember,
  isNode,
  isObjectProp,
  isReferencePath,
  isStringLit,
  lineOf,
  memberName,
  originalText,
  parentOf,
  propName,
  statementList,
  uniqueName,
  type Node,
  type NodePath,
} from "./ast.js";
import { codeOf, identifiersNamed, isRaw, nodesOf, programOf, raw, recordChange, type Ctx } from "./context.js";
import { cloneLoad, cloneNamespaceLoad, inlineLoadsNow, rewriteReexports, setSource, sourceLiteral, sourceNodeOf, type ImportPlan } from "./import-sources.js";

export type { ImportPlan } from "./import-sources.js";

type ImportSpec = ImportSpecifier | ImportDefaultSpecifier | ImportNamespaceSpecifier;
/** A member of a destructuring pattern. */
type PatternProperty = ObjectPattern["properties"][number];

interface RefInfo {
  path: NodePath<Identifier>;
  exportName: string | null;
  compat: boolean;
}

export function referencesOf(ctx: Ctx, b: Binding): NodePath<Identifier>[] {
  return identifiersNamed(ctx, b.local).filter((p) => p.node !== b.declNode && isReferencePath(p) && !isDeclarationId(p) && refersTo(p, b.local, b));
}

function exportNameOf(b: Binding, path: NodePath<Identifier>): string | null {
  if (b.kind === "named") return b.imported;
  const parent = parentOf(path)?.node;
  if (!isNode(parent)) return null;
  if ((parent.type === "MemberExpression" || parent.type === "OptionalMemberExpression") && parent.object === path.node) return memberName(parent);
  if (parent.type === "TSQualifiedName" && parent.left === path.node) return isIdentifier(parent.right) ? parent.right.name : null;
  return null;
}

/** Whether code written as text names `local.` as a namespace (`...local.` too; not `x.local.` or `mylocal.`). */
function namesNamespace(text: string, local: string): boolean {
  const escaped = local.replace(/[$]/g, "\\$&");
  return new RegExp(`(?:^|[^\\w$.]|\\.\\.\\.)${escaped}\\s*\\??\\.`).test(text);
}

function makeSpecifier(ctx: Ctx, imported: string, local: string, typeOnly = false): ImportSpecifier {
  const j = ctx.j;
  const spec = j.importSpecifier(j.identifier(imported), imported === local ? null : j.identifier(local));
  // (Babel's `import { type X }`; ast-types does not declare importKind on a specifier)
  if (typeOnly) Object.assign(spec, { importKind: "type" });
  return spec;
}

/**
 * Compat mode: every import of the v1 package points at compat. A default import becomes a
 * namespace import (`import aioredis from` -> `import * as aioredis from`): ES modules have
 * no default export to offer here, and the namespace has every name the default object had.
 */
export function repointAllToCompat(ctx: Ctx, info: ModuleInfo<unknown>): boolean {
  const j = ctx.j;
  let changed = false;
  for (const b of info.bindings) {
    const decl = b.declPath.node;
    if (!b.wasDefault || b.style !== "import" || decl.type !== "ImportDeclaration") continue;
    const ns = j.importNamespaceSpecifier(j.identifier(b.local));
    const others = (decl.specifiers ?? []).filter((s) => s !== b.specNode);
    if (others.length === 0) {
      decl.specifiers = [ns];
    } else {
      decl.specifiers = others;
      const extra = j.importDeclaration([ns], sourceLiteral(ctx, COMPAT_PACKAGE));
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

export function rewriteImportsV2(ctx: Ctx, info: ModuleInfo<Reexport>, plan: ImportPlan, originallyUsed: Set<Binding>): void {
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

  const taken = new Set<string>(nodesOf(ctx, "Identifier").map((p) => p.node.name));
  // code the rewrite wrote as text (`new aioredis.Redis({ ... })`) names a namespace without an Identifier node for it
  let raws: string[] | null = null;
  const rawTexts = (): string[] =>
    (raws ??= nodesOf(ctx, "Identifier")
      .filter((p) => isRaw(p.node))
      .map((p) => p.node.name));

  /** Decides where one binding goes: "v2", "compat", or "both" (compat references renamed). */
  const place = new Map<Binding, { v2: boolean; compat: boolean; compatLocal: string }>();
  for (const b of info.bindings) {
    const list = refs.get(b)!;
    let v2 = list.some((r) => !r.compat);
    let compat = list.some((r) => r.compat);
    // (also when other references stay on compat: then the namespace is split, the text keeping the v2 one)
    if (!v2 && b.kind === "namespace" && rawTexts().some((t) => namesNamespace(t, b.local))) v2 = true;
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

  const byDecl = new Map<BindingDecl, Binding[]>();
  for (const b of info.bindings) {
    const list = byDecl.get(b.declPath.node) ?? [];
    list.push(b);
    byDecl.set(b.declPath.node, list);
  }

  const newDecls: { after: NodePath<Node>; node: Node }[] = [];
  const removed: NodePath<Node>[] = [];
  const emptied: NodePath<BindingDecl>[] = [];
  type NamedTarget = { kind: "import"; node: ImportDeclaration; typeOnly: boolean } | { kind: "require"; node: ObjectPattern };
  let namedTarget = null as NamedTarget | null;

  for (const path of nodesOf(ctx, "ImportDeclaration")) {
    const decl = path.node;
    const declSource = decl.source;
    if (!isStringLit(declSource) || (declSource.value !== V1_PACKAGE && declSource.value !== COMPAT_PACKAGE)) continue;
    const bindings = byDecl.get(decl) ?? [];
    if (!decl.specifiers?.length) {
      setSource(ctx, declSource, V1_PACKAGE);
      continue;
    }
    const v2Specs: ImportSpec[] = [];
    const compatSpecs: ImportSpec[] = [];
    for (const b of bindings) {
      const where = place.get(b)!;
      const spec = b.specNode;
      if (spec.type !== "ImportSpecifier" && spec.type !== "ImportDefaultSpecifier" && spec.type !== "ImportNamespaceSpecifier") continue;
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
    const hasNamespace = (specs: readonly ImportSpec[]) => specs.some((s) => s.type === "ImportNamespaceSpecifier");
    const build = (specs: ImportSpec[], source: string): ImportDeclaration[] => {
      // a namespace specifier cannot share a declaration with named ones
      const ns = specs.filter((s) => s.type === "ImportNamespaceSpecifier" || s.type === "ImportDefaultSpecifier");
      const named = specs.filter((s) => s.type === "ImportSpecifier");
      const out: ImportSpec[][] = [];
      if (ns.length && named.length && ns.some((s) => s.type === "ImportNamespaceSpecifier")) {
        out.push(ns, named);
      } else {
        out.push([...ns, ...named]);
      }
      return out.map((group) => {
        const d = j.importDeclaration(group, sourceLiteral(ctx, source));
        if (typeOnlyDecl) d.importKind = "type";
        return d;
      });
    };

    if (compatSpecs.length && v2Specs.length) {
      decl.specifiers = v2Specs;
      setSource(ctx, declSource, V1_PACKAGE);
      if (hasNamespace(v2Specs) && v2Specs.length > 1) {
        const [first, ...rest] = build(v2Specs, V1_PACKAGE);
        decl.specifiers = first!.specifiers;
        for (const d of rest) newDecls.push({ after: path, node: d });
      }
      for (const d of build(compatSpecs, COMPAT_PACKAGE)) newDecls.push({ after: path, node: d });
      recordChange(ctx, decl, "import", `v1 names still used here are imported from "${COMPAT_PACKAGE}"`);
    } else if (compatSpecs.length) {
      decl.specifiers = compatSpecs;
      setSource(ctx, declSource, COMPAT_PACKAGE);
    } else if (v2Specs.length) {
      const specifiers = decl.specifiers;
      if (specifiers.length !== v2Specs.length || specifiers.some((s, i) => s !== v2Specs[i])) {
        const groups = build(v2Specs, V1_PACKAGE);
        decl.specifiers = groups[0]!.specifiers;
        for (const d of groups.slice(1)) newDecls.push({ after: path, node: d });
      }
      setSource(ctx, declSource, V1_PACKAGE);
    } else {
      // nothing left: keep the declaration (and its comments) for the v2 names, remove it at the end if none come
      decl.specifiers = [];
      setSource(ctx, declSource, V1_PACKAGE);
      emptied.push(path);
    }
    const finalSpecs: ImportSpec[] = decl.specifiers ?? [];
    if (declSource.value === V1_PACKAGE && !removed.includes(path) && !hasNamespace(finalSpecs)) {
      if (!namedTarget || (namedTarget.kind === "import" && namedTarget.typeOnly && !typeOnlyDecl)) {
        namedTarget = { kind: "import", node: decl, typeOnly: typeOnlyDecl };
      }
    }
  }

  // require(), import x = require(), await import(): namespace or destructured
  const handledDecls = new Set<BindingDecl>();
  const collapse: { pattern: ObjectPattern; declarator: VariableDeclarator; oneLine: boolean }[] = [];
  const loaders: { b: Binding; where: { v2: boolean; compat: boolean; compatLocal: string } }[] = [];
  for (const b of info.bindings) {
    if (b.style === "import") continue;
    const where = place.get(b)!;
    if (b.style === "loader") {
      loaders.push({ b, where });
      continue;
    }
    if (b.kind === "namespace") {
      const sourceNode = sourceNodeOf(b);
      if (!sourceNode) continue;
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
    if (handledDecls.has(declNode) || declNode.type !== "VariableDeclaration") continue;
    handledDecls.add(declNode);
    const declarator = declNode.declarations.find(
      (d): d is VariableDeclarator & { id: ObjectPattern } =>
        d.type === "VariableDeclarator" && d.id.type === "ObjectPattern" && holds(d.id.properties, b.specNode),
    );
    const loadInit = declarator?.init;
    const sourceNode = loadArgument(loadInit?.type === "AwaitExpression" ? loadInit.argument : loadInit);
    if (!declarator || !loadInit || !isStringLit(sourceNode)) continue;
    const group = (byDecl.get(declNode) ?? []).filter((x) => x.kind === "named");
    const v2Props: PatternProperty[] = [];
    const compatProps: PatternProperty[] = [];
    for (const x of group) {
      const w = place.get(x)!;
      const spec = x.specNode;
      if (!isObjectProp(spec)) continue;
      if (w.v2) v2Props.push(spec);
      if (w.compat) {
        compatProps.push(w.v2 ? j.objectProperty.from({ key: j.identifier(x.imported!), value: j.identifier(w.compatLocal), shorthand: false }) : spec);
      }
    }
    collapse.push({ pattern: declarator.id, declarator, oneLine: !originalText(ctx.parsedSource, declarator.id)?.includes("\n") });
    if (v2Props.length && compatProps.length) {
      declarator.id.properties = v2Props;
      setSource(ctx, sourceNode, V1_PACKAGE);
      const compatDecl = j.variableDeclaration(declNode.kind, [j.variableDeclarator(j.objectPattern(compatProps), cloneLoad(ctx, loadInit, COMPAT_PACKAGE))]);
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

  // a module loaded once by a function: v2 when any code using it is v2; code left on compat
  // then loads compat itself (the same module instance the function would have given it)
  for (const sources of new Set(loaders.map((l) => l.b.loaderSources!))) {
    const users = loaders.filter((l) => l.b.loaderSources === sources);
    const anyV2 = users.some((l) => l.where.v2);
    for (const src of sources) setSource(ctx, src, anyV2 ? V1_PACKAGE : COMPAT_PACKAGE);
    if (!anyV2) continue;
    for (const { b, where } of users) {
      if (!where.compat) continue;
      const load = j.awaitExpression(j.importExpression(j.stringLiteral(COMPAT_PACKAGE)));
      if (where.v2) newDecls.push({ after: b.declPath, node: j.variableDeclaration("const", [j.variableDeclarator(j.identifier(where.compatLocal), load)]) });
      else if (b.specNode.type === "VariableDeclarator") b.specNode.init = load;
    }
  }

  // inline require("aioredis").x: compat when x is v1 API that was left as it is
  for (const { path: p, source: sourceNode } of inlineLoadsNow(ctx)) {
    const parent = parentOf(p)?.node;
    const name = isMember(parent) && parent.object === p.node ? memberName(parent) : null;
    const compat = name === null ? sourceNode.value === COMPAT_PACKAGE : plan.isV1Name(name);
    setSource(ctx, sourceNode, compat ? COMPAT_PACKAGE : V1_PACKAGE);
  }

  // named v2 exports the new code uses
  if (needed.size) {
    const target = namedTarget as NamedTarget | null;
    if (target && target.kind === "import") {
      const specifiers = target.node.specifiers ?? [];
      target.node.specifiers = specifiers;
      for (const [name, need] of needed) {
        if (target.typeOnly && need.value) continue;
        specifiers.push(makeSpecifier(ctx, name, need.local, !need.value && ctx.lang !== "js" && !target.typeOnly));
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
      let node: VariableDeclaration | ImportDeclaration;
      if (usesRequire) {
        node = j.variableDeclaration("const", [
          j.variableDeclarator(
            j.objectPattern(
              [...needed].map(([name, need]) =>
                j.objectProperty.from({ key: j.identifier(name), value: j.identifier(need.local), shorthand: name === need.local }),
              ),
            ),
            j.callExpression(j.identifier("require"), [sourceLiteral(ctx, V1_PACKAGE)]),
          ),
        ]);
      } else {
        node = j.importDeclaration(specs, sourceLiteral(ctx, V1_PACKAGE));
      }
      const anchor = info.bindings[0]?.declPath ?? null;
      if (anchor) newDecls.push({ after: anchor, node });
      else {
        const body = programOf(ctx).body;
        let at = 0;
        // after the imports and the directives (`"use strict"`: Babel's `directive`, ESTree's ExpressionStatement with one)
        while (at < body.length && (body[at]!.type === "ImportDeclaration" || fieldOf(body[at]!, "directive"))) at++;
        body.splice(at, 0, node);
      }
    }
  }

  // a destructuring that was on one line stays on one line (recast would spread it over several)
  for (const { pattern, declarator, oneLine } of collapse) {
    if (!oneLine || declarator.id !== pattern || pattern.type !== "ObjectPattern") continue;
    const text = pattern.properties.map((p) => {
      const key = propName(p);
      const value = fieldOf(p, "value");
      const valueName = isIdentifier(value) ? value.name : null;
      return key === valueName ? key : `${key}: ${valueName}`;
    });
    declarator.id = raw(ctx, `{ ${text.join(", ")} }`);
  }

  // new declarations go right after their anchors: written as text lines when the anchor is
  // one line (recast would put a blank line before a new statement), in the AST otherwise
  for (const { after, node } of newDecls) {
    const insertInAst = () => {
      const list = statementList(after) ?? bodyOf(parentOf(after)?.node);
      if (!list) return;
      const siblings = newDecls.filter((d) => d.after === after);
      const at = list.indexOf(after.node) + 1 + siblings.indexOf(siblings.find((d) => d.node === node)!);
      list.splice(Math.min(at, list.length), 0, node);
    };
    const text = codeOf(ctx, node);
    if (parentOf(after)?.node.type !== "Program" || text.includes("\n")) {
      insertInAst();
      continue;
    }
    ctx.lineInserts.push({ anchor: () => codeOf(ctx, after.node), near: lineOf(after.node), where: "after", text, fallback: insertInAst });
  }
  for (const path of emptied) {
    const n = path.node;
    if (n.type === "ImportDeclaration" && (n.specifiers ?? []).length === 0) removed.push(path);
    if (n.type === "VariableDeclaration") {
      const empty = n.declarations.filter((d) => d.type === "VariableDeclarator" && d.id.type === "ObjectPattern" && d.id.properties.length === 0);
      if (empty.length === n.declarations.length) removed.push(path);
      else if (empty.length) n.declarations = n.declarations.filter((d) => !empty.includes(d));
    }
  }
  for (const path of removed) {
    const list = statementList(path);
    if (!list) continue;
    const at = list.indexOf(path.node);
    const next: BaseNode | undefined = list[at + 1];
    const gone: BaseNode = path.node;
    if (next && gone.comments?.length) next.comments = [...gone.comments.filter((c) => c.leading !== false), ...(next.comments ?? [])];
    list.splice(at, 1);
  }

  rewriteReexports(ctx, info, plan);
}
