/**
 * Values kept at a member path of a typed object, for the whole-program pass:
 *
 *   app.state.redisPool = pool      (app: Application)   ->  src/app.ts#Application.state.redisPool
 *   new Transport({ redis: client })                     ->  src/t.ts#Transport(0).redis
 *   options.redis                   (options: Options)   ->  src/t.ts#Options.redis
 *
 * A path is followed only through plain, non-computed member names from a binding whose
 * declared type names a class, interface or object type alias of the project (or from the
 * parameter the object literal is passed to). The declared type of the path is rewritten with
 * the value, so a reader the codemod did not see gets the v2 type and tsc (the verification
 * step) tells when it uses the value the v1 way.
 */
import { isNullLit, isUndefinedId, type N, type P } from "../lib/ast.js";
import type { Ctx } from "../lib/context.js";
import { nodesOf } from "../lib/context.js";
import { resolveBinding } from "../lib/scope.js";

/** `a.b.c` (non-computed names only) as its root expression and the names after it. */
export function memberChain(node: N): { root: N; names: string[] } | null {
  const names: string[] = [];
  let n = node;
  while (n && (n.type === "MemberExpression" || n.type === "OptionalMemberExpression")) {
    if (n.computed || n.property.type !== "Identifier") return null;
    names.unshift(n.property.name);
    n = unwrapTs(n.object);
  }
  if (!names.length) return null;
  return { root: n, names };
}

/** `node` without the `!` and parentheses around it. */
export function unwrapTs(node: N): N {
  let n = node;
  while (n && (n.type === "TSNonNullExpression" || n.type === "ParenthesizedExpression")) n = n.expression;
  return n;
}

/** The type annotation of a declaring identifier (a parameter, `x: T = d`, or `const x: T`). */
function declaredType(declId: N): N | null {
  return declId?.typeAnnotation?.typeAnnotation ?? null;
}

/**
 * The project id of the type a binding is declared with (`app: Application` -> `src/app.ts#Application`),
 * when it is a plain reference to a named type (a `T | null` union keeps its named member).
 */
export function typeIdOfDecl(ctx: Ctx, declId: N): string | null {
  const view = ctx.view;
  if (!view) return null;
  let t = declaredType(declId);
  if (t?.type === "TSUnionType") {
    const named = (t.types as N[]).filter((x) => x.type !== "TSNullKeyword" && x.type !== "TSUndefinedKeyword");
    t = named.length === 1 ? named[0] : null;
  }
  if (t?.type !== "TSTypeReference" || t.typeName.type !== "Identifier" || t.typeParameters) return null;
  // before the project's modules are known this asks for the file to run again with them
  const id = view.local(t.typeName.name);
  return id && !id.endsWith("#*") ? id : null;
}

/** The id of the value at `receiver.names...` when `receiver` is an identifier of a declared project type. */
export function pathIdOf(ctx: Ctx, chainPath: P, chain: { root: N; names: string[] }): { id: string; declId: N } | null {
  if (chain.root.type !== "Identifier") return null;
  let rootPath: P = chainPath;
  while (rootPath && rootPath.node !== chain.root) {
    const n = rootPath.node;
    if (n.type === "MemberExpression" || n.type === "OptionalMemberExpression") rootPath = rootPath.get("object");
    else if (n.type === "TSNonNullExpression" || n.type === "ParenthesizedExpression") rootPath = rootPath.get("expression");
    else return null;
  }
  if (!rootPath) return null;
  const declId = resolveBinding(rootPath, chain.root.name);
  if (!declId) return null;
  const typeId = typeIdOfDecl(ctx, declId);
  return typeId ? { id: `${typeId}.${chain.names.join(".")}`, declId } : null;
}

/** `x ?? null`, `x || undefined`: the value of `x` or nothing. */
export function isNullishDefault(node: N): boolean {
  return node?.type === "LogicalExpression" && (node.operator === "??" || node.operator === "||") && (isNullLit(node.right) || isUndefinedId(node.right));
}

/** The expression under wrappers and a nullish default (`(options.redis ?? null)!` -> `options.redis`). */
export function unwrapValue(node: N): N {
  let n = unwrapTs(node);
  while (n && (n.type === "TSAsExpression" || n.type === "TSSatisfiesExpression" || isNullishDefault(n)))
    n = unwrapTs(n.type === "LogicalExpression" ? n.left : n.expression);
  return n;
}

/**
 * The type references (paths) that declare the member `names` of the type `typeId`, when that
 * type is declared in this file: a class field, an interface or type-literal property, and
 * nested type literals for longer paths. `T | null` keeps its named members.
 */
export function declaredMemberTypeRefs(ctx: Ctx, typeId: string, names: string[]): P[] {
  const view = ctx.view;
  if (!view || !typeId.startsWith(`${view.id}#`)) return [];
  const name = typeId.slice(view.id.length + 1);
  if (!/^[A-Za-z_$][\w$]*$/.test(name)) return [];
  let members: P[] | null = null;
  for (const type of ["ClassDeclaration", "TSInterfaceDeclaration", "TSTypeAliasDeclaration"]) {
    for (const p of nodesOf(ctx, type as N) as P[]) {
      if (p.node.id?.name !== name || !isTopLevel(p)) continue;
      if (type === "ClassDeclaration") members = (p.node.body.body as N[]).map((_, i) => p.get("body", "body", i));
      else if (type === "TSInterfaceDeclaration") members = (p.node.body.body as N[]).map((_, i) => p.get("body", "body", i));
      else if (p.node.typeAnnotation?.type === "TSTypeLiteral")
        members = (p.node.typeAnnotation.members as N[]).map((_, i) => p.get("typeAnnotation", "members", i));
    }
  }
  let annPath: P | null = null;
  for (let k = 0; k < names.length; k++) {
    if (!members) return [];
    const m = members.find((mp) => {
      const n = mp.node;
      return (
        (n.type === "ClassProperty" || n.type === "PropertyDefinition" || n.type === "TSPropertySignature") &&
        !n.computed &&
        n.key?.type === "Identifier" &&
        n.key.name === names[k]
      );
    });
    if (!m?.node.typeAnnotation) return [];
    annPath = m.get("typeAnnotation", "typeAnnotation");
    if (k < names.length - 1) {
      if (annPath!.node.type !== "TSTypeLiteral") return [];
      const lit: P = annPath!;
      members = (lit.node.members as N[]).map((_, i) => lit.get("members", i));
    }
  }
  if (!annPath) return [];
  const ann = annPath.node;
  if (ann.type === "TSTypeReference") return [annPath];
  if (ann.type === "TSUnionType") {
    const out: P[] = [];
    (ann.types as N[]).forEach((t, i) => {
      if (t.type === "TSTypeReference") out.push(annPath!.get("types", i));
    });
    return out;
  }
  return [];
}

function isTopLevel(p: P): boolean {
  let up: P | null = p.parent;
  if (up?.node.type === "ExportNamedDeclaration" || up?.node.type === "ExportDefaultDeclaration") up = up.parent;
  return up?.node.type === "Program";
}

/** Top-level classes, interfaces and object type aliases of this file, with their property names. */
export function declaredTypes(ctx: Ctx): { typeId: string; name: string; kind: "class" | "interface" | "alias"; path: P; members: string[] }[] {
  const view = ctx.view;
  if (!view) return [];
  const out: { typeId: string; name: string; kind: "class" | "interface" | "alias"; path: P; members: string[] }[] = [];
  const names = (members: N[]): string[] =>
    members
      .filter(
        (m) =>
          (m.type === "ClassProperty" || m.type === "PropertyDefinition" || m.type === "TSPropertySignature") && !m.computed && m.key?.type === "Identifier",
      )
      .map((m) => m.key.name as string);
  for (const [type, kind] of [
    ["ClassDeclaration", "class"],
    ["TSInterfaceDeclaration", "interface"],
    ["TSTypeAliasDeclaration", "alias"],
  ] as const) {
    for (const p of nodesOf(ctx, type) as P[]) {
      if (!p.node.id || !isTopLevel(p)) continue;
      const members = kind === "alias" ? (p.node.typeAnnotation?.type === "TSTypeLiteral" ? p.node.typeAnnotation.members : null) : p.node.body.body;
      if (!members) continue;
      out.push({ typeId: `${view.id}#${p.node.id.name}`, name: p.node.id.name, kind, path: p, members: names(members) });
    }
  }
  return out;
}
