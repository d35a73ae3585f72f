/**
 * Small helpers over the AST shapes of the three parsers we use: `ts`/`tsx` (Babel's own
 * node types: StringLiteral, ObjectProperty, ClassProperty) and `babel` (ESTree-flavoured:
 * Literal, Property, PropertyDefinition). Every matcher accepts both, so no rule silently
 * misses a file because of the parser that read it (facebook/jscodeshift#489).
 */
import type {
  ArrowFunctionExpression,
  ASTNode,
  ASTPath,
  Node as BaseNode,
  BooleanLiteral,
  CallExpression,
  ClassMethod,
  ClassPrivateMethod,
  FunctionDeclaration,
  FunctionExpression,
  Identifier,
  JSCodeshift,
  Literal,
  MemberExpression,
  NullLiteral,
  NumericLiteral,
  ObjectExpression,
  ObjectMethod,
  ObjectProperty,
  OptionalCallExpression,
  OptionalMemberExpression,
  Property,
  StringLiteral,
  TSDeclareMethod,
} from "jscodeshift";

/**
 * A node of any of the three parsers: jscodeshift's (ast-types') union of every node type,
 * narrowed by its `type` field. Fields the parsers add that ast-types does not declare
 * (offsets, `extra`, ESTree's `raw`) are read through `fieldOf` and `offsetsOf`.
 */
export type Node = ASTNode;
/** A path to a node; `parent` and `get()` are untyped in ast-types, so read them through `parentOf`. */
export type NodePath<T = Node> = ASTPath<T>;

/**
 * The untyped node and path the rules in `v2/` and `project/` still use. The helpers here take
 * them (every parameter accepts `unknown` or a path of any node) and keep them untyped in
 * what they return, so those callers compile as they are; typed callers get typed results.
 */
export type N = any;
export type P = ASTPath<N>;

export type StringLit = StringLiteral | (Literal & { value: string });
export type NumberLit = NumericLiteral | (Literal & { value: number });
export type BoolLit = BooleanLiteral | (Literal & { value: boolean });
export type NullLit = NullLiteral | (Literal & { value: null });
/** A plain `key: value` member of an object literal (Babel's ObjectProperty, ESTree's init Property). */
export type ObjectProp = ObjectProperty | (Property & { kind: "init" });
export type Member = MemberExpression | OptionalMemberExpression;
export type Call = CallExpression | OptionalCallExpression;
export type FunctionNode =
  | FunctionDeclaration
  | FunctionExpression
  | ArrowFunctionExpression
  | ClassMethod
  | ClassPrivateMethod
  | ObjectMethod
  | TSDeclareMethod;

/** Whether a value is an AST node (an object with a string `type`). */
export function isNode(value: unknown): value is Node {
  return typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string";
}

/** A field read where ast-types does not declare it (parser extras, or not on every node of a union). */
export function fieldOf(node: object, key: string): unknown {
  return (node as Record<string, unknown>)[key];
}

/** A value as an array of unknown elements (`Array.isArray` alone would give `any[]`), or null. */
export function asArray(value: unknown): unknown[] | null {
  return Array.isArray(value) ? value : null;
}

/** A field holding a node, where ast-types does not declare it: the node, or null. */
export function nodeField(node: object, key: string): Node | null {
  const value = fieldOf(node, key);
  return isNode(value) ? value : null;
}

/** The parent path of a path (ast-types types `parent` as `any`). */
export function parentOf<T>(path: ASTPath<T>): ASTPath<T | Node> | null {
  const parent: ASTPath<Node> | null | undefined = path.parent;
  return parent ?? null;
}

/** A path's child path at `names` (ast-types types `get()` as `any`). */
export function childOf(path: ASTPath<unknown>, ...names: (string | number)[]): ASTPath<unknown> {
  return path.get(...names);
}

/** The node type named by a `type` string (`NodeOfType<"CallExpression">` is CallExpression). */
export type NodeOfType<K extends string> = Extract<Node, { type: K }>;

/** Whether a path holds a node of this type. */
export function isPathOf<K extends Node["type"]>(path: ASTPath<unknown> | null | undefined, type: K): path is NodePath<NodeOfType<K>> {
  const node = path?.node;
  return isNode(node) && node.type === type;
}

export function isStringLit(node: unknown): node is StringLit {
  return isNode(node) && (node.type === "StringLiteral" || (node.type === "Literal" && typeof node.value === "string"));
}

export function isNumberLit(node: unknown): node is NumberLit {
  return isNode(node) && (node.type === "NumericLiteral" || (node.type === "Literal" && typeof node.value === "number"));
}

function isBoolNode(node: unknown): node is BoolLit {
  return isNode(node) && (node.type === "BooleanLiteral" || (node.type === "Literal" && typeof node.value === "boolean"));
}

/** A boolean literal (of `value`, when given). Not a type guard: with a value, false does not mean "not a boolean". */
export function isBoolLit(node: unknown, value?: boolean): boolean {
  return isBoolNode(node) && (value === undefined || node.value === value);
}

export function isNullLit(node: unknown): node is NullLit {
  return isNode(node) && (node.type === "NullLiteral" || (node.type === "Literal" && node.value === null && !fieldOf(node, "regex")));
}

export function isIdentifier(node: unknown): node is Identifier {
  return isNode(node) && node.type === "Identifier";
}

export function isUndefinedId(node: unknown): node is Identifier & { name: "undefined" } {
  return isNode(node) && node.type === "Identifier" && node.name === "undefined";
}

/** A literal whose value is known statically (string, number, boolean, null). */
export function isLiteral(node: unknown): node is StringLit | NumberLit | BoolLit | NullLit {
  return isStringLit(node) || isNumberLit(node) || isBoolNode(node) || isNullLit(node);
}

export function isObjectProp(node: unknown): node is ObjectProp {
  return isNode(node) && (node.type === "ObjectProperty" || (node.type === "Property" && node.kind === "init" && !node.method));
}

/**
 * Whether a node is an object literal. Not a type guard: the rules in `v2/` read the members of
 * an untyped object as untyped; `asObjectExpr` gives the typed node.
 */
export function isObjectExpr(node: unknown): boolean {
  return asObjectExpr(node) !== null;
}

export function asObjectExpr(node: unknown): ObjectExpression | null {
  return isNode(node) && node.type === "ObjectExpression" ? node : null;
}

/** The static name of an object property's key (`a`, `"a"`, `1`), or null when computed. */
export function propName(prop: unknown): string | null {
  if (!isObjectProp(prop) || prop.computed) return null;
  const key = prop.key;
  if (key.type === "Identifier") return key.name;
  if (isStringLit(key)) return key.value;
  if (isNumberLit(key)) return String(key.value);
  return null;
}

/** True when every member of an object literal is a plain `key: value` with a static key. */
export function isPlainObject(node: unknown): boolean {
  return !!asObjectExpr(node)?.properties.every((p) => propName(p) !== null);
}

/** The property of an object literal with this static name. */
export function findProp(obj: unknown, name: string): ObjectProp | undefined {
  return asObjectExpr(obj)?.properties.find((p): p is ObjectProp => isObjectProp(p) && propName(p) === name);
}

/** The name of the identifier or string literal naming an import or export (`x`, `"a-b"`). */
export function moduleExportName(node: unknown): string | null {
  if (isNode(node) && node.type === "Identifier") return node.name;
  return isStringLit(node) ? node.value : null;
}

export function memberName(node: unknown): string | null {
  if (!isMember(node)) return null;
  if (!node.computed) return node.property.type === "Identifier" ? node.property.name : null;
  return isStringLit(node.property) ? node.property.value : null;
}

export function isMember(node: unknown): node is Member {
  return isNode(node) && (node.type === "MemberExpression" || node.type === "OptionalMemberExpression");
}

export function isCall(node: unknown): node is Call {
  return isNode(node) && (node.type === "CallExpression" || node.type === "OptionalCallExpression");
}

export function isFunction(node: unknown): node is FunctionNode {
  return (
    isNode(node) &&
    (node.type === "FunctionDeclaration" ||
      node.type === "FunctionExpression" ||
      node.type === "ArrowFunctionExpression" ||
      node.type === "ClassMethod" ||
      node.type === "ClassPrivateMethod" ||
      node.type === "ObjectMethod" ||
      node.type === "TSDeclareMethod")
  );
}

const WRAPPERS = new Set(["TSNonNullExpression", "ParenthesizedExpression", "TSAsExpression", "TSSatisfiesExpression", "TypeCastExpression"]);

/** Parentheses and TS-only wrappers that do not change which value an expression is. */
export function unwrapExpr(node: Node): Node {
  let n = node;
  while (isNode(n) && WRAPPERS.has(n.type)) {
    const inner = nodeField(n, "expression");
    if (!inner) break;
    n = inner;
  }
  return n;
}

/**
 * What a path helper returns: `Precise` for a typed argument, the untyped `N` for an untyped one
 * (an `any` argument), so the untyped callers in `v2/` and `project/` compile as they are.
 */
export type Typed<T, Precise> = 0 extends 1 & T ? N : Precise;

/** Climbs from a path over wrappers (`x!`, `(x)`) to the outermost path that is the same value. */
export function climbWrappers<T>(path: ASTPath<T>): ASTPath<Typed<T, T | Node>> {
  let p: ASTPath<T | Node> = path;
  for (let parent = parentOf(p); parent; parent = parentOf(p)) {
    const up = parent.node;
    if (!isNode(up) || (up.type !== "TSNonNullExpression" && up.type !== "ParenthesizedExpression") || up.expression !== p.node) break;
    p = parent;
  }
  return p;
}

export function enclosingFunction<T>(path: ASTPath<T>): ASTPath<Typed<T, FunctionNode>> | null {
  for (let p = parentOf(path); p; p = parentOf(p)) {
    if (isFunction(p.node)) return p as ASTPath<FunctionNode>;
  }
  return null;
}

/** Whether `await` may be written at this point: inside an async function, or at a module's top level. */
export function canAwait(path: ASTPath<unknown>): boolean {
  const fn = enclosingFunction(path);
  if (!fn) return true;
  return !!fn.node.async;
}

/** A node's `body` when it is a list of statements (a block, a program, a module block). */
export function bodyOf(node: unknown): Node[] | null {
  // a `body` array holds statements
  return isNode(node) ? (asArray(fieldOf(node, "body")) as Node[] | null) : null;
}

/** The statement list of a node: a block's or program's `body` array, or a switch case's `consequent`. */
function listOf(node: unknown): Node[] | null {
  if (isNode(node) && node.type === "SwitchCase") return node.consequent;
  return bodyOf(node);
}

/** Whether a list holds a value (a typed list asked about a node of unknown type). */
export function holds(list: readonly unknown[] | null | undefined, value: unknown): boolean {
  return !!list?.includes(value);
}

const STATEMENT_PARENTS = new Set([
  "IfStatement",
  "ForStatement",
  "ForOfStatement",
  "ForInStatement",
  "WhileStatement",
  "DoWhileStatement",
  "LabeledStatement",
  "ExportNamedDeclaration",
]);

/** The statement that contains a path, and the list (block body) that holds it. */
export function enclosingStatement<T>(path: ASTPath<T>): ASTPath<Typed<T, Node>> | null {
  let p: ASTPath<T | Node> = path;
  for (let parent = parentOf(p); parent; p = parent, parent = parentOf(p)) {
    const up = parent.node;
    if (holds(listOf(up), p.node)) return p as ASTPath<Node>;
    if (isNode(p.node) && /Statement$|Declaration$/.test(p.node.type) && isNode(up) && STATEMENT_PARENTS.has(up.type)) {
      return (up.type === "ExportNamedDeclaration" ? parent : p) as ASTPath<Node>;
    }
  }
  return null;
}

/** The array a statement sits in (`Program.body`, `BlockStatement.body`, `SwitchCase.consequent`). */
export function statementList<T>(stmt: ASTPath<T>): Typed<T, Node>[] | null {
  const list = listOf(parentOf(stmt)?.node);
  return holds(list, stmt.node) ? list : null;
}

/** Every identifier name used anywhere under a node (for picking names that cannot clash). */
export function namesIn(j: JSCodeshift, node: Node): Set<string> {
  const names = new Set<string>();
  j(node)
    .find(j.Identifier)
    .forEach((p) => {
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
export function moveComments(from: BaseNode | null | undefined, to: BaseNode): void {
  if (from?.comments?.length) {
    to.comments = [...(from.comments ?? []), ...(to.comments ?? [])];
    from.comments = null;
  }
}

/** A node's offsets into the parsed text: Babel's `start`/`end`, or ESTree's `range`. Null for a node the codemod built. */
export function offsetsOf(node: unknown): { start: number; end: number } | null {
  if (!isNode(node)) return null;
  const range = asArray(fieldOf(node, "range"));
  const start = fieldOf(node, "start") ?? range?.[0];
  const end = fieldOf(node, "end") ?? range?.[1];
  return typeof start === "number" && typeof end === "number" ? { start, end } : null;
}

/** The original source text of a node, by its offsets. Only for nodes the codemod has not changed. */
export function originalText(source: string, node: unknown): string | null {
  const at = offsetsOf(node);
  return at ? source.slice(at.start, at.end) : null;
}

export function lineOf(node: unknown): number {
  const base: BaseNode | null = isNode(node) ? node : null;
  return base?.loc?.start?.line ?? 0;
}

/**
 * Whether an Identifier path is a reference to a binding (a value or a type name), rather
 * than a property name, an object key, a label, or the name being declared by an import.
 * Read structurally: the parents include ESTree nodes ast-types does not declare (PropertyDefinition).
 */
export function isReferencePath(path: ASTPath<unknown>): boolean {
  const node = path.node;
  const parent = parentOf(path)?.node;
  if (!isNode(parent)) return false;
  const field = (key: string) => fieldOf(parent, key);
  switch (parent.type as string) {
    case "MemberExpression":
    case "OptionalMemberExpression":
      return field("object") === node || !!field("computed");
    case "ObjectProperty":
    case "Property":
      return field("value") === node || (!!field("computed") && field("key") === node);
    case "ClassProperty":
    case "PropertyDefinition":
    case "ClassMethod":
    case "ClassPrivateMethod":
    case "MethodDefinition":
    case "ObjectMethod":
    case "TSPropertySignature":
    case "TSMethodSignature":
    case "TSEnumMember":
      return field("computed") && field("key") === node ? true : field("value") === node;
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
      return field("left") === node;
    case "TSImportEqualsDeclaration":
      return field("id") !== node;
    case "MetaProperty":
      return false;
    default:
      return true;
  }
}

/** Whether an Identifier path is the name a declaration introduces (variable, parameter, function, class, catch). */
export function isDeclarationId(path: ASTPath<unknown>): boolean {
  let p: ASTPath<unknown> = path;
  for (;;) {
    const up = parentOf(p);
    const parent = up?.node;
    if (!up || !isNode(parent)) return false;
    const field = (key: string) => fieldOf(parent, key);
    const grand = parentOf(up);
    if (
      (parent.type === "ObjectProperty" || parent.type === "Property") &&
      parent.value === p.node &&
      grand &&
      isNode(grand.node) &&
      grand.node.type === "ObjectPattern"
    ) {
      p = grand;
      continue;
    }
    if (parent.type === "ArrayPattern" || parent.type === "RestElement" || (parent.type === "AssignmentPattern" && parent.left === p.node)) {
      p = up;
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
      field("id") === p.node
    )
      return true;
    if (isFunction(parent)) return holds(parent.params, p.node);
    return false;
  }
}

/**
 * Replaces a node in its parent by identity. Safer than `path.replace()` once statement lists
 * have been spliced, since a path's index into a list may be stale by then.
 */
export function replaceNode(path: ASTPath<unknown>, replacement: Node): void {
  const old = path.node;
  const parent = parentOf(path)?.node;
  if (!isNode(parent)) throw new Error("replaceNode: no parent");
  // any field of any node type may hold it: walk the parent as a plain record
  const fields = parent as unknown as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (value === old) {
      fields[key] = replacement;
      return;
    }
    const list = asArray(value);
    if (list) {
      const at = list.indexOf(old);
      if (at !== -1) {
        list[at] = replacement;
        return;
      }
    }
  }
  throw new Error("replaceNode: node not found in its parent");
}
