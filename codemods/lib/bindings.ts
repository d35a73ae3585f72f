/**
 * Which local names refer to our package. Every later rule works from these bindings, so an
 * import, an aliased import, a namespace or default import, `import x = require()`, a
 * `require()` (whole or destructured) and an inline `require("aioredis").x` are all the same
 * to them, and another module's `createPool` is never touched.
 */
import { nodesOf, type Ctx } from "./context.js";
import { isStringLit, memberName, propName, type N, type P } from "./ast.js";
import { resolveBinding } from "./scope.js";
import { findLoaderBindings } from "./loaders.js";

export const V1_PACKAGE = "aioredis";
export const COMPAT_PACKAGE = "aioredis/compat";

export type BindingStyle = "import" | "require" | "import-equals" | "dynamic-import" | "loader";

export interface Binding {
  kind: "namespace" | "named";
  local: string;
  /** The exported name, for named bindings. */
  imported: string | null;
  style: BindingStyle;
  /** The declaration holding it: ImportDeclaration, VariableDeclaration or TSImportEqualsDeclaration. */
  declPath: P;
  /** The specifier (import), property (destructured require) or declarator (whole require). */
  specNode: N;
  /** The identifier that declares `local` (import local, declarator id, destructured value). */
  declNode: N;
  source: string;
  typeOnly: boolean;
  wasDefault: boolean;
  /** A `const x = await loadModule()` (style "loader", see loaders.ts): the `import()` specifiers that function loads. */
  loaderSources?: N[];
}

export interface ModuleInfo {
  bindings: Binding[];
  /** `export ... from "aioredis"` declarations. */
  reexports: P[];
  /** `require("aioredis")` / `import("aioredis")` calls not captured as a binding (e.g. `require("aioredis").createRedis(...)`). */
  inlineLoads: P[];
  /** Every string node naming our package in a module position, for the import rewrite. */
  sourceNodes: N[];
}

export function isOurSource(value: unknown): value is string {
  return value === V1_PACKAGE || value === COMPAT_PACKAGE;
}

function isLoadCall(node: N): boolean {
  if (!node) return false;
  if (node.type === "CallExpression" && node.callee.type === "Identifier" && node.callee.name === "require") {
    return node.arguments.length === 1 && isStringLit(node.arguments[0]) && isOurSource(node.arguments[0].value);
  }
  if (node.type === "ImportExpression") return isStringLit(node.source) && isOurSource(node.source.value);
  if (node.type === "CallExpression" && node.callee.type === "Import") {
    return node.arguments.length >= 1 && isStringLit(node.arguments[0]) && isOurSource(node.arguments[0].value);
  }
  return false;
}

function loadSource(node: N): N {
  return node.type === "ImportExpression" ? node.source : node.arguments[0];
}

export function collectModuleInfo(ctx: Ctx): ModuleInfo {
  const info: ModuleInfo = { bindings: [], reexports: [], inlineLoads: [], sourceNodes: [] };

  nodesOf(ctx, "ImportDeclaration").forEach((path: P) => {
    const node = path.node;
    if (!isStringLit(node.source) || !isOurSource(node.source.value)) return;
    info.sourceNodes.push(node.source);
    const declTypeOnly = node.importKind === "type";
    for (const spec of node.specifiers ?? []) {
      const local = spec.local.name;
      const typeOnly = declTypeOnly || spec.importKind === "type";
      if (spec.type !== "ImportNamespaceSpecifier" && spec.type !== "ImportDefaultSpecifier" && spec.type !== "ImportSpecifier") continue;
      const imported = spec.type === "ImportSpecifier" ? (spec.imported.type === "Identifier" ? spec.imported.name : spec.imported.value) : null;
      // `import * as X`, `import X` and `import { default as X }` all bind the module's namespace.
      const namespace = imported === null || imported === "default";
      info.bindings.push({
        kind: namespace ? "namespace" : "named",
        local,
        imported: namespace ? null : imported,
        style: "import",
        declPath: path,
        specNode: spec,
        declNode: spec.local,
        source: node.source.value,
        typeOnly,
        wasDefault: spec.type === "ImportDefaultSpecifier" || imported === "default",
      });
    }
  });

  nodesOf(ctx, "TSImportEqualsDeclaration").forEach((path: P) => {
    const ref = path.node.moduleReference;
    if (ref?.type !== "TSExternalModuleReference" || !isStringLit(ref.expression) || !isOurSource(ref.expression.value)) return;
    info.sourceNodes.push(ref.expression);
    info.bindings.push({
      kind: "namespace",
      local: path.node.id.name,
      imported: null,
      style: "import-equals",
      declPath: path,
      specNode: path.node,
      declNode: path.node.id,
      source: ref.expression.value,
      typeOnly: path.node.importKind === "type",
      wasDefault: false,
    });
  });

  const captured = new Set<N>();
  nodesOf(ctx, "VariableDeclarator").forEach((path: P) => {
    let init = path.node.init;
    if (init?.type === "AwaitExpression") init = init.argument;
    if (!isLoadCall(init)) return;
    const declPath: P = path.parent;
    const style: BindingStyle = init.type === "CallExpression" && init.callee.type === "Identifier" ? "require" : "dynamic-import";
    const src = loadSource(init);
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
    } else if (id.type === "ObjectPattern" && id.properties.every((p: N) => propName(p) !== null && p.value?.type === "Identifier")) {
      captured.add(init);
      info.sourceNodes.push(src);
      for (const prop of id.properties) {
        info.bindings.push({
          kind: "named",
          local: prop.value.name,
          imported: propName(prop),
          style,
          declPath,
          specNode: prop,
          declNode: prop.value,
          source: src.value,
          typeOnly: false,
          wasDefault: false,
        });
      }
    }
  });

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

  nodesOf(ctx, "CallExpression").forEach((path: P) => {
    if (isLoadCall(path.node) && !captured.has(path.node)) {
      info.inlineLoads.push(path);
      info.sourceNodes.push(loadSource(path.node));
    }
  });
  nodesOf(ctx, "ImportExpression").forEach((path: P) => {
    if (isLoadCall(path.node) && !captured.has(path.node)) {
      info.inlineLoads.push(path);
      info.sourceNodes.push(loadSource(path.node));
    }
  });

  nodesOf(ctx, "ExportNamedDeclaration").forEach((path: P) => {
    if (path.node.source && isStringLit(path.node.source) && isOurSource(path.node.source.value)) {
      info.reexports.push(path);
      info.sourceNodes.push(path.node.source);
    }
  });
  nodesOf(ctx, "ExportAllDeclaration").forEach((path: P) => {
    if (isStringLit(path.node.source) && isOurSource(path.node.source.value)) {
      info.reexports.push(path);
      info.sourceNodes.push(path.node.source);
    }
  });
  return info;
}

/** Whether the identifier at `path` (named `name`) is the binding `b`, not a shadowing local. */
export function refersTo(path: P, name: string, b: Binding): boolean {
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
export function resolveExport(info: ModuleInfo, path: P): ExportRef | null {
  const node = path.node;
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
      const objectPath: P = path.get(node.type === "TSQualifiedName" ? "left" : "object");
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
export function bindingOf(info: ModuleInfo, path: P): Binding | null {
  const node = path.node;
  if (node.type !== "Identifier") return null;
  for (const b of info.bindings) if (refersTo(path, node.name, b)) return b;
  return null;
}
