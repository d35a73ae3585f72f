/**
 * Which local names refer to our package. Every later rule works from these bindings, so an
 * import, an aliased import, a namespace or default import, `import x = require()`, a
 * `require()` (whole or destructured) and an inline `require("aioredis").x` are all the same
 * to them, and another module's `createPool` is never touched.
 */
import type {
  ASTPath,
  CallExpression,
  ExportAllDeclaration,
  ExportNamedDeclaration,
  Identifier,
  ImportDeclaration,
  ImportDefaultSpecifier,
  ImportExpression,
  ImportNamespaceSpecifier,
  ImportSpecifier,
  TSImportEqualsDeclaration,
  VariableDeclaration,
  VariableDeclarator,
} from "jscodeshift";
import { nodesOf, type Ctx } from "./context.js";
import {
  childOf,
  fieldOf,
  isIdentifier,
  isNode,
  isObjectProp,
  isPathOf,
  isStringLit,
  memberName,
  moduleExportName,
  parentOf,
  propName,
  type N,
  type NodePath,
  type ObjectProp,
  type StringLit,
} from "./ast.js";
import { resolveBinding } from "./scope.js";
import { findLoaderBindings } from "./loaders.js";

export const V1_PACKAGE = "aioredis";
export const COMPAT_PACKAGE = "aioredis/compat";

export type BindingStyle = "import" | "require" | "import-equals" | "dynamic-import" | "loader";

/** The declaration holding a binding. */
export type BindingDecl = ImportDeclaration | VariableDeclaration | TSImportEqualsDeclaration;
/** The specifier (import), property (destructured require) or declarator (whole require) of a binding. */
export type BindingSpec = ImportSpecifier | ImportDefaultSpecifier | ImportNamespaceSpecifier | ObjectProp | VariableDeclarator | TSImportEqualsDeclaration;
/** `require("aioredis")` or `import("aioredis")` (ESTree's ImportExpression, or Babel's call of `import`). */
export type LoadCall = CallExpression | ImportExpression;
export type Reexport = ExportNamedDeclaration | ExportAllDeclaration;

export interface Binding {
  kind: "namespace" | "named";
  local: string;
  /** The exported name, for named bindings. */
  imported: string | null;
  style: BindingStyle;
  /** The declaration holding it: ImportDeclaration, VariableDeclaration or TSImportEqualsDeclaration. */
  declPath: NodePath<BindingDecl>;
  /** The specifier (import), property (destructured require) or declarator (whole require). */
  specNode: BindingSpec;
  /** The identifier that declares `local` (import local, declarator id, destructured value). */
  declNode: Identifier;
  source: string;
  typeOnly: boolean;
  wasDefault: boolean;
  /** A `const x = await loadModule()` (style "loader", see loaders.ts): the `import()` specifiers that function loads. */
  loaderSources?: StringLit[];
}

/**
 * What a file imports from our package. `Reexport` is the node type of `reexports`' paths: the
 * rules in `v2/` read them untyped (`ModuleInfo` alone); the code here uses `ModuleInfo<Reexport>`.
 */
export interface ModuleInfo<R = N> {
  bindings: Binding[];
  /** `export ... from "aioredis"` declarations. */
  reexports: NodePath<R>[];
  /** `require("aioredis")` / `import("aioredis")` calls not captured as a binding (e.g. `require("aioredis").createRedis(...)`). */
  inlineLoads: NodePath<LoadCall>[];
  /** Every string node naming our package in a module position, for the import rewrite. */
  sourceNodes: StringLit[];
}

export function isOurSource(value: unknown): value is string {
  return value === V1_PACKAGE || value === COMPAT_PACKAGE;
}

/** What a `require(x)` (one argument) or `import(x)` call loads: its `x` node; null for any other node. */
export function loadArgument(node: unknown): unknown {
  if (!isNode(node)) return null;
  if (node.type === "CallExpression" && node.callee.type === "Identifier" && node.callee.name === "require") {
    return node.arguments.length === 1 ? node.arguments[0] : null;
  }
  if (node.type === "ImportExpression") return node.source;
  if (node.type === "CallExpression" && node.callee.type === "Import") return node.arguments[0] ?? null;
  return null;
}

/** The module name a `require()` / `import()` call loads, when it is our package; null for anything else. */
export function loadedSource(node: unknown): StringLit | null {
  const source = loadArgument(node);
  return isStringLit(source) && isOurSource(source.value) ? source : null;
}

function isLoadCall(node: unknown): node is LoadCall {
  return loadedSource(node) !== null;
}

export function collectModuleInfo(ctx: Ctx): ModuleInfo<Reexport> {
  const info: ModuleInfo<Reexport> = { bindings: [], reexports: [], inlineLoads: [], sourceNodes: [] };

  for (const path of nodesOf(ctx, "ImportDeclaration")) {
    const node = path.node;
    if (!isStringLit(node.source) || !isOurSource(node.source.value)) continue;
    const source = node.source;
    info.sourceNodes.push(source);
    const declTypeOnly = node.importKind === "type";
    for (const spec of node.specifiers ?? []) {
      const localId = spec.local;
      if (!isIdentifier(localId)) continue;
      const typeOnly = declTypeOnly || fieldOf(spec, "importKind") === "type";
      const imported = spec.type === "ImportSpecifier" ? moduleExportName(spec.imported) : null;
      // `import * as X`, `import X` and `import { default as X }` all bind the module's namespace.
      const namespace = imported === null || imported === "default";
      info.bindings.push({
        kind: namespace ? "namespace" : "named",
        local: localId.name,
        imported: namespace ? null : imported,
        style: "import",
        declPath: path,
        specNode: spec,
        declNode: localId,
        source: source.value,
        typeOnly,
        wasDefault: spec.type === "ImportDefaultSpecifier" || imported === "default",
      });
    }
  }

  for (const path of nodesOf(ctx, "TSImportEqualsDeclaration")) {
    const ref = path.node.moduleReference;
    if (ref.type !== "TSExternalModuleReference" || !isStringLit(ref.expression) || !isOurSource(ref.expression.value)) continue;
    const id = path.node.id;
    if (!isIdentifier(id)) continue;
    info.sourceNodes.push(ref.expression);
    info.bindings.push({
      kind: "namespace",
      local: id.name,
      imported: null,
      style: "import-equals",
      declPath: path,
      specNode: path.node,
      declNode: id,
      source: ref.expression.value,
      typeOnly: fieldOf(path.node, "importKind") === "type",
      wasDefault: false,
    });
  }

  const captured = new Set<LoadCall>();
  for (const path of nodesOf(ctx, "VariableDeclarator")) {
    let init = path.node.init;
    if (init?.type === "AwaitExpression") init = init.argument;
    const src = loadedSource(init);
    if (!src || !isLoadCall(init)) continue;
    const declPath = parentOf(path);
    if (!isPathOf(declPath, "VariableDeclaration")) continue;
    const style: BindingStyle = init.type === "CallExpression" && init.callee.type === "Identifier" ? "require" : "dynamic-import";
    const id = path.node.id;
    if (id.type === "Identifier") {
      captured.add(init);
      info.sourceNodes.push(src);
      info.bindings.push({
        kind: "namespace",
        local: id.name,
        imported: null,
        style,
        declPath,
        specNode: path.node,
        declNode: id,
        source: src.value,
        typeOnly: false,
        wasDefault: false,
      });
    } else if (id.type === "ObjectPattern") {
      const props: { prop: ObjectProp; value: Identifier }[] = [];
      for (const p of id.properties) {
        const value = isObjectProp(p) ? p.value : null;
        if (isObjectProp(p) && propName(p) !== null && isIdentifier(value)) props.push({ prop: p, value });
      }
      if (props.length !== id.properties.length) continue;
      captured.add(init);
      info.sourceNodes.push(src);
      for (const { prop, value } of props) {
        info.bindings.push({
          kind: "named",
          local: value.name,
          imported: propName(prop),
          style,
          declPath,
          specNode: prop,
          declNode: value,
          source: src.value,
          typeOnly: false,
          wasDefault: false,
        });
      }
    }
  }

  // `const aioredis = await loadAioredis()`, where that function fills a variable with `await import()`
  for (const l of findLoaderBindings(ctx, isOurSource)) {
    for (const src of l.sources) if (!info.sourceNodes.includes(src)) info.sourceNodes.push(src);
    info.bindings.push({
      kind: "namespace",
      local: l.local,
      imported: null,
      style: "loader",
      declPath: l.declPath,
      specNode: l.declarator,
      declNode: l.id,
      source: l.source,
      typeOnly: false,
      wasDefault: false,
      loaderSources: l.sources,
    });
  }

  for (const path of [...nodesOf(ctx, "CallExpression"), ...nodesOf(ctx, "ImportExpression")]) {
    const src = loadedSource(path.node);
    if (src && !captured.has(path.node)) {
      info.inlineLoads.push(path);
      info.sourceNodes.push(src);
    }
  }

  for (const path of [...nodesOf(ctx, "ExportNamedDeclaration"), ...nodesOf(ctx, "ExportAllDeclaration")]) {
    const source = path.node.source;
    if (source && isStringLit(source) && isOurSource(source.value)) {
      info.reexports.push(path);
      info.sourceNodes.push(source);
    }
  }
  return info;
}

/** Whether the identifier at `path` (named `name`) is the binding `b`, not a shadowing local. */
export function refersTo(path: ASTPath<unknown>, name: string, b: Binding): boolean {
  if (b.local !== name) return false;
  return resolveBinding(path, name) === b.declNode;
}

export interface ExportRef {
  /** The package export the expression names. */
  name: string;
  binding: Binding | null;
}

/**
 * Which export of our package an expression names: `createPool` (named import, checked
 * against shadowing), `aioredis.createPool` (namespace / default / require), or
 * `require("aioredis").createPool`. Null for anything else.
 */
export function resolveExport(info: ModuleInfo<unknown>, path: ASTPath<unknown>): ExportRef | null {
  const node = path.node;
  if (!isNode(node)) return null;
  if (node.type === "Identifier") {
    for (const b of info.bindings) {
      if (b.kind === "named" && refersTo(path, node.name, b)) return { name: b.imported!, binding: b };
    }
    return null;
  }
  if (node.type === "MemberExpression" || node.type === "OptionalMemberExpression" || node.type === "TSQualifiedName") {
    const object = node.type === "TSQualifiedName" ? node.left : node.object;
    const name = node.type === "TSQualifiedName" ? (node.right.type === "Identifier" ? node.right.name : null) : memberName(node);
    if (!name) return null;
    if (object.type === "Identifier") {
      const objectPath = childOf(path, node.type === "TSQualifiedName" ? "left" : "object");
      for (const b of info.bindings) {
        if (b.kind === "namespace" && refersTo(objectPath, object.name, b)) return { name, binding: b };
      }
      return null;
    }
    if (isLoadCall(object)) return { name, binding: null };
  }
  return null;
}

/** The binding a bare identifier reference belongs to, if any. */
export function bindingOf(info: ModuleInfo<unknown>, path: ASTPath<unknown>): Binding | null {
  const node = path.node;
  if (!isIdentifier(node)) return null;
  for (const b of info.bindings) if (refersTo(path, node.name, b)) return b;
  return null;
}
