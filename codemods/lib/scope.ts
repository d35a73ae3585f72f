/**
 * Name resolution with block scoping. ast-types' scopes stop at functions, so a `const` in a
 * nested block would shadow a name in the whole function; the codemod needs the real
 * JavaScript rules to tell our `createRedisPool` from a local one: `let`/`const`/`class`/
 * function declarations per block, `var` and parameters per function, loop heads, catch
 * clauses, imports at the top.
 */
import type { N, P } from "./ast.js";

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

let cache = new WeakMap<N, Map<string, N>>();

/** Forget cached scopes (after statements were added or removed). */
export function resetScopes(): void {
  cache = new WeakMap();
}

function addPattern(pattern: N, out: Map<string, N>): void {
  if (!pattern) return;
  switch (pattern.type) {
    case "Identifier":
      if (!out.has(pattern.name)) out.set(pattern.name, pattern);
      return;
    case "ObjectPattern":
      for (const p of pattern.properties) addPattern(p.type === "RestElement" || p.type === "RestProperty" ? p.argument : p.value, out);
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

function isLexical(decl: N): boolean {
  return decl.type === "VariableDeclaration" && decl.kind !== "var";
}

/** Declarations made directly by the statements of one list (a block, a program, a case). */
function addStatements(statements: N[], out: Map<string, N>): void {
  for (let stmt of statements) {
    if (stmt.type === "ExportNamedDeclaration" || stmt.type === "ExportDefaultDeclaration") stmt = stmt.declaration ?? stmt;
    if (!stmt) continue;
    switch (stmt.type) {
      case "VariableDeclaration":
        if (isLexical(stmt)) for (const d of stmt.declarations) addPattern(d.id, out);
        break;
      case "FunctionDeclaration":
      case "ClassDeclaration":
      case "TSEnumDeclaration":
      case "TSModuleDeclaration":
      case "TSInterfaceDeclaration":
      case "TSTypeAliasDeclaration":
      case "TSDeclareFunction":
        if (stmt.id?.type === "Identifier" && !out.has(stmt.id.name)) out.set(stmt.id.name, stmt.id);
        break;
      case "ImportDeclaration":
        for (const s of stmt.specifiers ?? []) if (s.local && !out.has(s.local.name)) out.set(s.local.name, s.local);
        break;
      case "TSImportEqualsDeclaration":
        if (!out.has(stmt.id.name)) out.set(stmt.id.name, stmt.id);
        break;
    }
  }
}

/** `var` declarations anywhere in a function body (they hoist), without entering nested functions. */
function addVars(node: N, out: Map<string, N>): void {
  if (!node || typeof node !== "object") return;
  if (Array.isArray(node)) {
    for (const n of node) addVars(n, out);
    return;
  }
  if (FUNCTION_TYPES.has(node.type) || node.type === "ClassBody") return;
  if (node.type === "VariableDeclaration" && node.kind === "var") {
    for (const d of node.declarations) addPattern(d.id, out);
  }
  for (const key of Object.keys(node)) {
    if (key === "loc" || key === "comments" || key === "original" || key === "tokens" || key === "typeAnnotation") continue;
    const v = node[key];
    if (v && typeof v === "object" && (Array.isArray(v) || typeof v.type === "string")) {
      if (!Array.isArray(v) && /Expression$/.test(v.type) && v.type !== "ClassExpression") continue;
      addVars(v, out);
    }
  }
}

/** The names a node introduces for the code inside it, or null when it is not a scope. */
function declarationsOf(node: N): Map<string, N> | null {
  const cached = cache.get(node);
  if (cached) return cached;
  let out: Map<string, N> | null = null;
  if (node.type === "Program") {
    out = new Map();
    addStatements(node.body, out);
    addVars(node.body, out);
  } else if (FUNCTION_TYPES.has(node.type)) {
    out = new Map();
    for (const p of node.params ?? []) addPattern(p, out);
    if (node.type === "FunctionExpression" && node.id) addPattern(node.id, out);
    if (node.body?.type === "BlockStatement") addVars(node.body.body, out);
  } else if (node.type === "BlockStatement" || node.type === "StaticBlock" || node.type === "TSModuleBlock") {
    out = new Map();
    addStatements(node.body, out);
  } else if (node.type === "SwitchStatement") {
    out = new Map();
    for (const c of node.cases) addStatements(c.consequent, out);
  } else if (node.type === "ForStatement" || node.type === "ForInStatement" || node.type === "ForOfStatement") {
    out = new Map();
    const head = node.type === "ForStatement" ? node.init : node.left;
    if (head && isLexical(head)) for (const d of head.declarations) addPattern(d.id, out);
  } else if (node.type === "CatchClause") {
    out = new Map();
    addPattern(node.param, out);
  } else if ((node.type === "ClassExpression" || node.type === "ClassDeclaration") && node.id) {
    out = new Map([[node.id.name, node.id]]);
  }
  if (out) cache.set(node, out);
  return out;
}

/**
 * The node that declares `name` as seen from `path`: an Identifier (declarator, parameter,
 * function or class name, import local), or null for a global.
 */
export function resolveBinding(path: P, name: string): N | null {
  let p: P | null = path;
  let child: N = path.node;
  while (p) {
    const node = p.node;
    // a function's parameters and body see its declarations; its name is declared outside
    if (node !== path.node || FUNCTION_TYPES.has(node.type) === false) {
      const decls = declarationsOf(node);
      if (decls) {
        const found = decls.get(name);
        // a class's own name: only inside the class body
        if (found && !((node.type === "ClassDeclaration" || node.type === "ClassExpression") && child === node.id)) return found;
      }
    }
    child = node;
    p = p.parent;
  }
  return null;
}
