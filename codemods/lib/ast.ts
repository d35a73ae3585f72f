/**
 * Small helpers over the AST shapes of the three parsers we use: `ts`/`tsx` (Babel's own
 * node types: StringLiteral, ObjectProperty, ClassProperty) and `babel` (ESTree-flavoured:
 * Literal, Property, PropertyDefinition). Every matcher accepts both, so no rule silently
 * misses a file because of the parser that read it (facebook/jscodeshift#489).
 */
import type { ASTPath, JSCodeshift } from "jscodeshift";

/** AST nodes are handled structurally: the codemod reads many node shapes from three parsers. */
export type N = any;
export type P = ASTPath<N>;

export function isStringLit(node: N): node is { value: string } {
  return !!node && (node.type === "StringLiteral" || (node.type === "Literal" && typeof node.value === "string"));
}

export function isNumberLit(node: N): boolean {
  return !!node && (node.type === "NumericLiteral" || (node.type === "Literal" && typeof node.value === "number"));
}

export function isBoolLit(node: N, value?: boolean): boolean {
  const ok = !!node && (node.type === "BooleanLiteral" || (node.type === "Literal" && typeof node.value === "boolean"));
  return ok && (value === undefined || node.value === value);
}

export function isNullLit(node: N): boolean {
  return !!node && (node.type === "NullLiteral" || (node.type === "Literal" && node.value === null && !node.regex));
}

export function isUndefinedId(node: N): boolean {
  return !!node && node.type === "Identifier" && node.name === "undefined";
}

/** A literal whose value is known statically (string, number, boolean, null). */
export function isLiteral(node: N): boolean {
  return isStringLit(node) || isNumberLit(node) || isBoolLit(node) || isNullLit(node);
}

export function isObjectProp(node: N): boolean {
  return !!node && (node.type === "ObjectProperty" || (node.type === "Property" && node.kind === "init" && !node.method));
}

export function isObjectExpr(node: N): boolean {
  return !!node && node.type === "ObjectExpression";
}

/** The static name of an object property's key (`a`, `"a"`, `1`), or null when computed. */
export function propName(prop: N): string | null {
  if (!isObjectProp(prop) || prop.computed) return null;
  const key = prop.key;
  if (key.type === "Identifier") return key.name;
  if (isStringLit(key)) return key.value;
  if (isNumberLit(key)) return String(key.value);
  return null;
}

/** True when every member of an object literal is a plain `key: value` with a static key. */
export function isPlainObject(node: N): boolean {
  return isObjectExpr(node) && node.properties.every((p: N) => propName(p) !== null);
}

export function findProp(obj: N, name: string): N | undefined {
  if (!isObjectExpr(obj)) return undefined;
  return obj.properties.find((p: N) => propName(p) === name);
}

export function memberName(node: N): string | null {
  if (!node) return null;
  if ((node.type === "MemberExpression" || node.type === "OptionalMemberExpression") && !node.computed) {
    return node.property.type === "Identifier" ? node.property.name : null;
  }
  if ((node.type === "MemberExpression" || node.type === "OptionalMemberExpression") && node.computed && isStringLit(node.property)) {
    return node.property.value;
  }
  return null;
}

export function isMember(node: N): boolean {
  return !!node && (node.type === "MemberExpression" || node.type === "OptionalMemberExpression");
}

export function isCall(node: N): boolean {
  return !!node && (node.type === "CallExpression" || node.type === "OptionalCallExpression");
}

export function isFunction(node: N): boolean {
  return (
    !!node &&
    (node.type === "FunctionDeclaration" ||
      node.type === "FunctionExpression" ||
      node.type === "ArrowFunctionExpression" ||
      node.type === "ClassMethod" ||
      node.type === "ClassPrivateMethod" ||
      node.type === "ObjectMethod" ||
      node.type === "TSDeclareMethod")
  );
}

/** Parentheses and TS-only wrappers that do not change which value an expression is. */
export function unwrapExpr(node: N): N {
  let n = node;
  while (
    n &&
    (n.type === "TSNonNullExpression" ||
      n.type === "ParenthesizedExpression" ||
      n.type === "TSAsExpression" ||
      n.type === "TSSatisfiesExpression" ||
      n.type === "TypeCastExpression")
  ) {
    n = n.expression;
  }
  return n;
}

/** Climbs from a path over wrappers (`x!`, `(x)`) to the outermost path that is the same value. */
export function climbWrappers(path: P): P {
  let p = path;
  while (
    p.parent &&
    ((p.parent.node.type === "TSNonNullExpression" && p.parent.node.expression === p.node) ||
      (p.parent.node.type === "ParenthesizedExpression" && p.parent.node.expression === p.node))
  ) {
    p = p.parent;
  }
  return p;
}

export function enclosingFunction(path: P): P | null {
  let p: P | null = path.parent;
  while (p) {
    if (isFunction(p.node)) return p;
    p = p.parent;
  }
  return null;
}

/** Whether `await` may be written at this point: inside an async function, or at a module's top level. */
export function canAwait(path: P): boolean {
  const fn = enclosingFunction(path);
  if (!fn) return true;
  return !!fn.node.async;
}

/** The statement that contains a path, and the list (block body) that holds it. */
export function enclosingStatement(path: P): P | null {
  let p: P | null = path;
  while (p) {
    const parent: P | null = p.parent;
    if (!parent) return null;
    if (Array.isArray(parent.node.body) && parent.node.body.includes(p.node)) return p;
    if (parent.node.type === "SwitchCase" && parent.node.consequent.includes(p.node)) return p;
    if (
      /Statement$|Declaration$/.test(p.node.type) &&
      (parent.node.type === "IfStatement" ||
        parent.node.type === "ForStatement" ||
        parent.node.type === "ForOfStatement" ||
        parent.node.type === "ForInStatement" ||
        parent.node.type === "WhileStatement" ||
        parent.node.type === "DoWhileStatement" ||
        parent.node.type === "LabeledStatement" ||
        parent.node.type === "ExportNamedDeclaration")
    ) {
      if (parent.node.type === "ExportNamedDeclaration") return parent;
      return p;
    }
    p = parent;
  }
  return null;
}

/** The array a statement sits in (`Program.body`, `BlockStatement.body`, `SwitchCase.consequent`). */
export function statementList(stmt: P): N[] | null {
  const parent = stmt.parent?.node;
  if (!parent) return null;
  if (Array.isArray(parent.body) && parent.body.includes(stmt.node)) return parent.body;
  if (parent.type === "SwitchCase" && parent.consequent.includes(stmt.node)) return parent.consequent;
  return null;
}

/** Every identifier name used anywhere under a node (for picking names that cannot clash). */
export function namesIn(j: JSCodeshift, node: N): Set<string> {
  const names = new Set<string>();
  j(node)
    .find(j.Identifier)
    .forEach((p: P) => {
      names.add(p.node.name);
    });
  return names;
}

export function uniqueName(taken: Set<string>, candidates: string[]): string {
  for (const c of candidates) if (!taken.has(c)) return c;
  const base = candidates[candidates.length - 1] ?? "value";
  for (let i = 2; ; i++) if (!taken.has(`${base}${i}`)) return `${base}${i}`;
}

export function isValidIdentifier(name: string): boolean {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) && !RESERVED.has(name);
}

const RESERVED = new Set(
  "break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package private protected public await".split(
    " ",
  ),
);

/** Moves the comments of one node onto another (recast drops them with the node otherwise). */
export function moveComments(from: N, to: N): void {
  if (from?.comments?.length) {
    to.comments = [...(from.comments ?? []), ...(to.comments ?? [])];
    from.comments = null;
  }
}

/** The original source text of a node, by its offsets. Only for nodes the codemod has not changed. */
export function originalText(source: string, node: N): string | null {
  const start = node?.start ?? node?.range?.[0];
  const end = node?.end ?? node?.range?.[1];
  if (typeof start !== "number" || typeof end !== "number") return null;
  return source.slice(start, end);
}

export function lineOf(node: N): number {
  return node?.loc?.start?.line ?? 0;
}

/**
 * Whether an Identifier path is a reference to a binding (a value or a type name), rather
 * than a property name, an object key, a label, or the name being declared by an import.
 */
export function isReferencePath(path: P): boolean {
  const node = path.node;
  const parent = path.parent?.node;
  if (!parent) return false;
  switch (parent.type) {
    case "MemberExpression":
    case "OptionalMemberExpression":
      return parent.object === node || parent.computed;
    case "ObjectProperty":
    case "Property":
      return parent.value === node || (parent.computed && parent.key === node);
    case "ClassProperty":
    case "PropertyDefinition":
    case "ClassMethod":
    case "ClassPrivateMethod":
    case "MethodDefinition":
    case "ObjectMethod":
    case "TSPropertySignature":
    case "TSMethodSignature":
    case "TSEnumMember":
      return parent.computed && parent.key === node ? true : parent.value === node;
    case "ImportSpecifier":
    case "ImportDefaultSpecifier":
    case "ImportNamespaceSpecifier":
    case "ExportSpecifier":
    case "ExportNamespaceSpecifier":
    case "ExportDefaultSpecifier":
      return false;
    case "LabeledStatement":
    case "BreakStatement":
    case "ContinueStatement":
      return false;
    case "TSQualifiedName":
      return parent.left === node;
    case "TSImportEqualsDeclaration":
      return parent.id !== node;
    case "MetaProperty":
      return false;
    default:
      return true;
  }
}

/** Whether an Identifier path is the name a declaration introduces (variable, parameter, function, class, catch). */
export function isDeclarationId(path: P): boolean {
  let p: P = path;
  for (;;) {
    const parent: N = p.parent?.node;
    if (!parent) return false;
    if ((parent.type === "ObjectProperty" || parent.type === "Property") && parent.value === p.node && p.parent.parent?.node.type === "ObjectPattern") {
      p = p.parent.parent;
      continue;
    }
    if (parent.type === "ArrayPattern" || parent.type === "RestElement" || (parent.type === "AssignmentPattern" && parent.left === p.node)) {
      p = p.parent;
      continue;
    }
    if (parent.type === "TSParameterProperty") return true;
    if (parent.type === "VariableDeclarator") return parent.id === p.node;
    if (parent.type === "CatchClause") return parent.param === p.node;
    if (
      (parent.type === "FunctionDeclaration" ||
        parent.type === "FunctionExpression" ||
        parent.type === "ClassDeclaration" ||
        parent.type === "ClassExpression") &&
      parent.id === p.node
    )
      return true;
    if (isFunction(parent)) return parent.params.includes(p.node);
    return false;
  }
}

/**
 * Replaces a node in its parent by identity. Safer than `path.replace()` once statement lists
 * have been spliced, since a path's index into a list may be stale by then.
 */
export function replaceNode(path: P, replacement: N): void {
  const old = path.node;
  const parent = path.parent?.node;
  if (!parent) throw new Error("replaceNode: no parent");
  for (const key of Object.keys(parent)) {
    const value = parent[key];
    if (value === old) {
      parent[key] = replacement;
      return;
    }
    if (Array.isArray(value)) {
      const at = value.indexOf(old);
      if (at !== -1) {
        value[at] = replacement;
        return;
      }
    }
  }
  throw new Error("replaceNode: node not found in its parent");
}
