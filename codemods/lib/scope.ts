/**
 * Name resolution with block scoping. ast-types' scopes stop at functions, so a `const` in a
 * nested block would shadow a name in the whole function; the codemod needs the real
 * JavaScript rules to tell our `createRedisPool` from a local one: `let`/`const`/`class`/
 * function declarations per block, `var` and parameters per function, loop heads, catch
 * clauses, imports at the top.
 */
import type { ASTPath, Identifier } from "jscodeshift";
import { asArray, fieldOf, isIdentifier, isNode, nodeField, parentOf, type Node, type Typed } from "./ast.js";

const FUNCTION_TYPES = new Set([
  "FunctionDeclaration",
  "FunctionExpression",
  "ArrowFunctionExpression",
  "ClassMethod",
  "ClassPrivateMethod",
  "ObjectMethod",
  "TSDeclareFunction",
  "TSDeclareMethod",
]);

/** Names a scope declares, each to the Identifier that declares it. */
type Declarations = Map<string, Identifier>;

let cache = new WeakMap<Node, Declarations>();

/** Forget cached scopes (after statements were added or removed). */
export function resetScopes(): void {
  cache = new WeakMap();
}

function declare(id: unknown, out: Declarations): void {
  if (isIdentifier(id) && !out.has(id.name)) out.set(id.name, id);
}

/** The names a binding pattern declares (read structurally: Babel's and ESTree's patterns differ). */
function addPattern(pattern: unknown, out: Declarations): void {
  if (!isNode(pattern)) return;
  switch (pattern.type) {
    case "Identifier":
      declare(pattern, out);
      return;
    case "ObjectPattern":
      for (const p of pattern.properties) addPattern(p.type === "RestElement" || p.type === "RestProperty" ? p.argument : fieldOf(p, "value"), out);
      return;
    case "ArrayPattern":
      for (const e of pattern.elements) addPattern(e, out);
      return;
    case "AssignmentPattern":
      addPattern(pattern.left, out);
      return;
    case "RestElement":
      addPattern(pattern.argument, out);
      return;
    case "TSParameterProperty":
      addPattern(pattern.parameter, out);
      return;
  }
}

function isLexical(decl: unknown): decl is Node & { type: "VariableDeclaration" } {
  return isNode(decl) && decl.type === "VariableDeclaration" && decl.kind !== "var";
}

/** Declarations made directly by the statements of one list (a block, a program, a case). */
function addStatements(statements: readonly Node[], out: Declarations): void {
  for (const statement of statements) {
    const stmt =
      statement.type === "ExportNamedDeclaration" || statement.type === "ExportDefaultDeclaration" ? (statement.declaration ?? statement) : statement;
    switch (stmt.type) {
      case "VariableDeclaration":
        if (isLexical(stmt)) for (const d of stmt.declarations) addPattern(fieldOf(d, "id"), out);
        break;
      case "FunctionDeclaration":
      case "ClassDeclaration":
      case "TSEnumDeclaration":
      case "TSModuleDeclaration":
      case "TSInterfaceDeclaration":
      case "TSTypeAliasDeclaration":
      case "TSDeclareFunction": {
        declare(fieldOf(stmt, "id"), out);
        break;
      }
      case "ImportDeclaration":
        for (const s of stmt.specifiers ?? []) declare(s.local, out);
        break;
      case "TSImportEqualsDeclaration":
        declare(stmt.id, out);
        break;
    }
  }
}

/** `var` declarations anywhere in a function body (they hoist), without entering nested functions. */
function addVars(node: unknown, out: Declarations): void {
  const list = asArray(node);
  if (list) {
    for (const n of list) addVars(n, out);
    return;
  }
  if (!isNode(node)) return;
  if (FUNCTION_TYPES.has(node.type) || node.type === "ClassBody") return;
  if (node.type === "VariableDeclaration" && node.kind === "var") {
    for (const d of node.declarations) addPattern(fieldOf(d, "id"), out);
  }
  for (const key of Object.keys(node)) {
    if (key === "loc" || key === "comments" || key === "original" || key === "tokens" || key === "typeAnnotation") continue;
    const v = fieldOf(node, key);
    if (asArray(v)) addVars(v, out);
    else if (isNode(v) && !(/Expression$/.test(v.type) && v.type !== "ClassExpression")) addVars(v, out);
  }
}

/** The names a node introduces for the code inside it, or null when it is not a scope. */
function declarationsOf(node: Node): Declarations | null {
  const cached = cache.get(node);
  if (cached) return cached;
  let out: Declarations | null = null;
  if (node.type === "Program") {
    out = new Map();
    addStatements(node.body, out);
    addVars(node.body, out);
  } else if (FUNCTION_TYPES.has(node.type)) {
    out = new Map();
    for (const p of asArray(fieldOf(node, "params")) ?? []) addPattern(p, out);
    if (node.type === "FunctionExpression" && node.id) addPattern(node.id, out);
    const body = nodeField(node, "body");
    if (body?.type === "BlockStatement") addVars(body.body, out);
  } else if (node.type === "BlockStatement" || node.type === "StaticBlock" || node.type === "TSModuleBlock") {
    out = new Map();
    addStatements(node.body, out);
  } else if (node.type === "SwitchStatement") {
    out = new Map();
    for (const c of node.cases) addStatements(c.consequent, out);
  } else if (node.type === "ForStatement" || node.type === "ForInStatement" || node.type === "ForOfStatement") {
    out = new Map();
    const head = node.type === "ForStatement" ? node.init : node.left;
    if (isLexical(head)) for (const d of head.declarations) addPattern(fieldOf(d, "id"), out);
  } else if (node.type === "CatchClause") {
    out = new Map();
    addPattern(node.param, out);
  } else if ((node.type === "ClassExpression" || node.type === "ClassDeclaration") && isIdentifier(node.id)) {
    out = new Map([[node.id.name, node.id]]);
  }
  if (out) cache.set(node, out);
  return out;
}

/**
 * The node that declares `name` as seen from `path`: an Identifier (declarator, parameter,
 * function or class name, import local), or null for a global.
 */
export function resolveBinding<T>(path: ASTPath<T>, name: string): Typed<T, Identifier> | null;
export function resolveBinding(path: ASTPath<unknown>, name: string): Identifier | null {
  let child: unknown = path.node;
  for (let p: ASTPath<unknown> | null = path; p; p = parentOf(p)) {
    const node = p.node;
    // a function's parameters and body see its declarations; its name is declared outside
    if (isNode(node) && (node !== path.node || !FUNCTION_TYPES.has(node.type))) {
      const decls = declarationsOf(node);
      if (decls) {
        const found = decls.get(name);
        // a class's own name: only inside the class body
        if (found && !((node.type === "ClassDeclaration" || node.type === "ClassExpression") && child === node.id)) return found;
      }
    }
    child = node;
  }
  return null;
}
