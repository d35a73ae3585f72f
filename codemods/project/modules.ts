/**
 * Modules of a project: what each imports and exports (read from its AST), how a relative
 * module specifier resolves to a project file, and the canonical id of an exported name
 * (followed through `export { x } from`, `export *` and index files).
 */
import * as path from "node:path";
import { isStringLit, type N, type P } from "../lib/ast.js";
import { nodesOf, type Ctx } from "../lib/context.js";
import type { ModuleSummary } from "./view.js";
import { describers } from "../v2/describe.js";

function nameOf(node: N): string {
  return node.type === "Identifier" ? node.name : String(node.value);
}

function requireSource(init: N): string | null {
  let n = init;
  if (n?.type === "AwaitExpression") n = n.argument;
  if (n?.type === "CallExpression" && n.callee.type === "Identifier" && n.callee.name === "require" && n.arguments.length === 1 && isStringLit(n.arguments[0]))
    return n.arguments[0].value;
  if (n?.type === "ImportExpression" && isStringLit(n.source)) return n.source.value;
  if (n?.type === "CallExpression" && n.callee.type === "Import" && isStringLit(n.arguments[0])) return n.arguments[0].value;
  return null;
}

/** The imports and exports of a parsed module. */
export function summarizeModule(ctx: Ctx): ModuleSummary {
  const out: ModuleSummary = { imports: [], exports: [], reexports: [], exportAll: [], instances: [] };
  const program = ctx.root.get().node.program;
  for (const p of nodesOf(ctx, "ImportDeclaration") as P[]) {
    const d = p.node;
    if (!isStringLit(d.source)) continue;
    for (const s of d.specifiers ?? []) {
      const imported = s.type === "ImportNamespaceSpecifier" ? "*" : s.type === "ImportDefaultSpecifier" ? "default" : nameOf(s.imported);
      out.imports.push({ local: s.local.name, source: d.source.value, imported });
    }
  }
  for (const p of nodesOf(ctx, "TSImportEqualsDeclaration") as P[]) {
    const ref = p.node.moduleReference;
    if (ref?.type === "TSExternalModuleReference" && isStringLit(ref.expression))
      out.imports.push({ local: p.node.id.name, source: ref.expression.value, imported: "*" });
  }
  const localDecl = (stmt: N): string[] => {
    if (!stmt) return [];
    if (stmt.type === "VariableDeclaration") return stmt.declarations.filter((d: N) => d.id.type === "Identifier").map((d: N) => d.id.name);
    if ((stmt.type === "FunctionDeclaration" || stmt.type === "ClassDeclaration" || stmt.type === "TSDeclareFunction") && stmt.id) return [stmt.id.name];
    // types too: a member path declared with an exported interface is read in other modules
    if ((stmt.type === "TSInterfaceDeclaration" || stmt.type === "TSTypeAliasDeclaration") && stmt.id?.type === "Identifier") return [stmt.id.name];
    return [];
  };
  for (const stmt of program.body as N[]) {
    if (stmt.type === "VariableDeclaration") {
      for (const d of stmt.declarations) {
        if (d.id.type !== "Identifier") {
          const src = requireSource(d.init);
          if (src && d.id.type === "ObjectPattern") {
            for (const prop of d.id.properties)
              if (prop.value?.type === "Identifier" && prop.key) out.imports.push({ local: prop.value.name, source: src, imported: nameOf(prop.key) });
          }
          continue;
        }
        const src = requireSource(d.init);
        if (src) out.imports.push({ local: d.id.name, source: src, imported: "*" });
      }
    }
    const decl = stmt.type === "ExportNamedDeclaration" ? stmt.declaration : stmt;
    if (decl?.type === "VariableDeclaration") {
      for (const d of decl.declarations) {
        const inst = d.id.type === "Identifier" ? instanceInit(d.init) : null;
        if (inst) out.instances.push({ local: d.id.name, ...inst });
      }
    }
    if (stmt.type === "ExportNamedDeclaration") {
      if (stmt.source && isStringLit(stmt.source)) {
        for (const s of stmt.specifiers ?? []) {
          if (s.type === "ExportNamespaceSpecifier") out.reexports.push({ source: stmt.source.value, imported: "*", exported: nameOf(s.exported) });
          else out.reexports.push({ source: stmt.source.value, imported: nameOf(s.local), exported: nameOf(s.exported) });
        }
        continue;
      }
      for (const name of localDecl(stmt.declaration)) out.exports.push({ exported: name, local: name });
      for (const s of stmt.specifiers ?? []) if (s.local) out.exports.push({ exported: nameOf(s.exported), local: nameOf(s.local) });
    } else if (stmt.type === "ExportDefaultDeclaration") {
      const d = stmt.declaration;
      if (d?.type === "Identifier") out.exports.push({ exported: "default", local: d.name });
      else for (const name of localDecl(d)) out.exports.push({ exported: "default", local: name });
    } else if (stmt.type === "ExportAllDeclaration" && isStringLit(stmt.source)) {
      if (stmt.exported) out.reexports.push({ source: stmt.source.value, imported: "*", exported: nameOf(stmt.exported) });
      else out.exportAll.push(stmt.source.value);
    }
  }
  for (const stmt of program.body as N[]) {
    const d = stmt.type === "ExportNamedDeclaration" || stmt.type === "ExportDefaultDeclaration" ? stmt.declaration : stmt;
    if (d?.type === "ClassDeclaration" && d.id) {
      const self = (d.body.body as N[]).filter(returnsThis).map((m) => `${d.id.name}.${m.key.name}`);
      if (self.length) out.selfMethods = [...(out.selfMethods ?? []), ...self];
    }
    if (d?.type === "TSTypeAliasDeclaration" && d.id?.type === "Identifier" && !d.typeParameters)
      (out.aliases ??= []).push({ name: d.id.name, members: keywordMembers(d.typeAnnotation) });
  }
  const describing = describers(ctx);
  if (describing.length) out.describers = describing;
  return out;
}

/**
 * What a declaration's initializer makes an instance of: `new C(...)` (awaited or cast), or
 * `await new C(...).init()` where `init` is a method that returns `this` (`via`, checked
 * against the class's `selfMethods` when the project links the modules).
 */
export function instanceInit(init: N): { cls: string; via?: string } | null {
  const unwrap = (n: N): N => {
    while (n?.type === "AwaitExpression" || n?.type === "TSAsExpression" || n?.type === "TSNonNullExpression" || n?.type === "ParenthesizedExpression")
      n = n.expression ?? n.argument;
    return n;
  };
  const n = unwrap(init);
  if (n?.type === "NewExpression" && n.callee.type === "Identifier") return { cls: n.callee.name };
  if (n?.type !== "CallExpression" || n.callee.type !== "MemberExpression" || n.callee.computed || n.callee.property.type !== "Identifier") return null;
  const made = unwrap(n.callee.object);
  if (made?.type !== "NewExpression" || made.callee.type !== "Identifier") return null;
  return { cls: made.callee.name, via: n.callee.property.name };
}

/** A class method whose every `return` (one at least, none in nested functions) is `return this`. */
function returnsThis(m: N): boolean {
  if (m.type !== "ClassMethod" || m.kind !== "method" || m.computed || m.static || m.key.type !== "Identifier" || m.generator) return false;
  let returns = 0;
  let other = false;
  const visit = (n: N): void => {
    if (!n || typeof n !== "object" || other) return;
    if (Array.isArray(n)) return n.forEach(visit);
    if (typeof n.type !== "string") return;
    if (/Function|ClassMethod|ObjectMethod|ClassDeclaration|ClassExpression/.test(n.type)) return;
    if (n.type === "ReturnStatement") {
      if (n.argument?.type === "ThisExpression") returns++;
      else other = true;
      return;
    }
    for (const k of Object.keys(n)) if (k !== "loc" && k !== "comments" && k !== "leadingComments" && k !== "trailingComments") visit(n[k]);
  };
  visit(m.body.body);
  return returns > 0 && !other;
}

/** The members of a union of keyword types, as "string", "number" or "other" (a reference, an object...). */
export function keywordMembers(t: N): string[] {
  if (t?.type === "TSUnionType") return (t.types as N[]).flatMap(keywordMembers);
  if (t?.type === "TSParenthesizedType") return keywordMembers(t.typeAnnotation);
  if (t?.type === "TSStringKeyword") return ["string"];
  if (t?.type === "TSNumberKeyword") return ["number"];
  if (t?.type === "TSLiteralType") {
    const v = t.literal?.value;
    return [typeof v === "string" ? "string" : typeof v === "number" && t.literal.type !== "BigIntLiteral" ? "number" : "other"];
  }
  return ["other"];
}

const EXTENSIONS = [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"];

/**
 * The project file a relative specifier names: as written, with an extension added, a
 * TypeScript-style `.js` that stands for `.ts`, or a directory's index file. Null for a
 * package or a file outside the project.
 */
/** A specifier that can name a module of the project (relative); a package's never does. */
export function isRelativeSpecifier(spec: string): boolean {
  return spec.startsWith("./") || spec.startsWith("../") || spec === "." || spec === "..";
}

export function resolveSpecifier(fromFile: string, spec: string, files: Set<string>): string | null {
  if (!isRelativeSpecifier(spec)) return null;
  const base = path.resolve(path.dirname(fromFile), spec);
  const candidates = [base];
  const ext = path.extname(base);
  if (ext === ".js" || ext === ".jsx" || ext === ".mjs" || ext === ".cjs") {
    const stem = base.slice(0, -ext.length);
    const ts = { ".js": [".ts", ".tsx"], ".jsx": [".tsx"], ".mjs": [".mts"], ".cjs": [".cts"] }[ext]!;
    for (const e of ts) candidates.push(stem + e);
  }
  for (const e of EXTENSIONS) candidates.push(base + e);
  for (const e of EXTENSIONS) candidates.push(path.join(base, `index${e}`));
  for (const c of candidates) if (files.has(c)) return c;
  return null;
}

/** Canonical ids of exported names, across the project's modules. */
export class ModuleGraph {
  constructor(
    /** Absolute path -> summary. */
    readonly modules: Map<string, ModuleSummary>,
    readonly root: string,
  ) {
    this.files = new Set(modules.keys());
  }

  private readonly files: Set<string>;
  private readonly cache = new Map<string, string | null>();

  rel(file: string): string {
    return path.relative(this.root, file).split(path.sep).join("/");
  }

  resolve(fromFile: string, spec: string): string | null {
    return resolveSpecifier(fromFile, spec, this.files);
  }

  /** Id of what `name` means at module level in `file` (an import is followed to its declaration). */
  localId(file: string, name: string, seen = new Set<string>()): string | null {
    const m = this.modules.get(file);
    if (!m) return null;
    const imp = m.imports.find((i) => i.local === name);
    if (imp) {
      if (imp.imported === "*") {
        const target = this.resolve(file, imp.source);
        return target ? `${this.rel(target)}#*` : null;
      }
      const target = this.resolve(file, imp.source);
      return target ? this.exportId(target, imp.imported, seen) : null;
    }
    return `${this.rel(file)}#${name}`;
  }

  /** Id of the export `name` of `file`. */
  exportId(file: string, name: string, seen = new Set<string>()): string | null {
    const key = `${file}\0${name}`;
    if (this.cache.has(key)) return this.cache.get(key)!;
    if (seen.has(key)) return null;
    seen.add(key);
    const m = this.modules.get(file);
    let out: string | null = null;
    if (m) {
      const exp = m.exports.find((e) => e.exported === name);
      if (exp) out = this.localId(file, exp.local, seen);
      if (!out) {
        const re = m.reexports.find((r) => r.exported === name);
        if (re) {
          const target = this.resolve(file, re.source);
          if (target) out = re.imported === "*" ? `${this.rel(target)}#*` : this.exportId(target, re.imported, seen);
        }
      }
      if (!out) {
        for (const src of m.exportAll) {
          const target = this.resolve(file, src);
          if (!target) continue;
          const tm = this.modules.get(target);
          const has = tm && (tm.exports.some((e) => e.exported === name) || tm.reexports.some((r) => r.exported === name) || tm.exportAll.length > 0);
          if (!has) continue;
          out = this.exportId(target, name, seen);
          if (out) break;
        }
      }
    }
    this.cache.set(key, out);
    return out;
  }

  /** Instance -> class id, for module-level `const x = new C()` (or `await new C().init()`, init returning this) across the project. */
  instances(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [file, m] of this.modules) {
      for (const inst of m.instances) {
        const cls = this.localId(file, inst.cls);
        if (cls && (!inst.via || this.returnsThis(cls, inst.via))) out.set(`${this.rel(file)}#${inst.local}`, cls);
      }
    }
    return out;
  }

  private byRel: Map<string, ModuleSummary> | null = null;

  /** Whether the parameter `id` (`src/u.ts#show(0)`) only describes its value (ModuleSummary.describers). */
  describes(id: string): boolean {
    const hash = id.indexOf("#");
    if (hash < 0) return false;
    if (!this.byRel) this.byRel = new Map([...this.modules].map(([file, m]) => [this.rel(file), m]));
    return (this.byRel.get(id.slice(0, hash))?.describers ?? []).includes(id.slice(hash + 1));
  }

  /** Whether the method `method` of the class `cls` (a class id) returns `this`. */
  returnsThis(cls: string, method: string): boolean {
    const hash = cls.indexOf("#");
    if (hash < 0) return false;
    for (const [file, m] of this.modules) {
      if (this.rel(file) === cls.slice(0, hash)) return (m.selfMethods ?? []).includes(`${cls.slice(hash + 1)}.${method}`);
    }
    return false;
  }
}
