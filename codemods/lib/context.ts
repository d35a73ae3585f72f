import type { Node as BaseNode, Collection, ExpressionStatement, File, Identifier, JSCodeshift, Program } from "jscodeshift";
import { asArray, fieldOf, isNode, lineOf, type Node, type NodeOfType, type NodePath } from "./ast.js";
import type { FileReport, FileView } from "../project/view.js";

export type Mode = "v2" | "compat";
export type Lang = "ts" | "tsx" | "js";

export interface TransformOptions {
  /** `v2` (default): rewrite to the v2 API; `compat`: only re-point imports at `aioredis/compat`. */
  mode?: Mode;
  /**
   * Treat every `aioredis` import as the v1 API even when the file names nothing v1-only
   * (the CLI sets it when the project's package.json still asked for aioredis 1.x).
   */
  assumeV1?: boolean;
}

export interface ChangeRecord {
  line: number;
  rule: string;
  message: string;
}

export interface MarkerRecord {
  line: number;
  message: string;
}

/** What the report says about a converted line without writing a marker (behaviour that changes on purpose). */
export interface NoteRecord {
  line: number;
  message: string;
}

export const MARKER_PREFIX = "TODO(aioredis-v2):";
export const IGNORE_COMMENT = "aioredis-codemod-ignore";

/** Everything one file's transformation shares. */
export interface Ctx {
  j: JSCodeshift;
  root: Collection<Node>;
  source: string;
  /**
   * The text the parser saw: recast expands tabs before parsing, so node offsets
   * (`start`/`end`) index this, not `source`.
   */
  parsedSource: string;
  file: string;
  lang: Lang;
  quote: '"' | "'";
  options: Required<TransformOptions>;
  changes: ChangeRecord[];
  /** Notes for the report (no marker in the file), by line of the original source. */
  notes: NoteRecord[];
  /** Markers to add once the rewrites are done: the statement to put them on, and the text. */
  pendingMarkers: { stmt: Node; message: string }[];
  /** Text to append to a printed line (a trailing marker on a line the codemod wrote). */
  lineSuffixes: { line: string; suffix: string }[];
  /**
   * Lines to add to the printed text, next to an anchor line: recast spaces out a new
   * statement with blank lines and re-lays out a compound statement given a comment, so a new
   * import line and a marker above an `if` are written as text instead. When the anchor is
   * not found, `fallback` makes the change in the AST and the file is printed again.
   */
  lineInserts: LineInsert[];
  /** Whole declarations to add at the end of the printed module (a function the rewrites call). */
  trailingText?: string[];
  /** Every path of the tree by node type and identifiers by name, built in one walk (see `nodesOf`). */
  index: NodeIndex | null;
  /** The whole program as this file sees it (null when the file is transformed on its own). */
  view: FileView | null;
  /** What this file tells the whole-program pass (with a view only). */
  report: FileReport | null;
}

export interface NodeIndex {
  byType: Map<string, NodePath[]>;
  byName: Map<string, NodePath<Identifier>[]>;
}

/**
 * The paths of every node of a type. One walk of the tree serves every lookup until the
 * tree changes (`invalidateIndex`): the analysis asks many questions of each file, and a
 * jscodeshift `find()` per question is a walk per question.
 */
export function nodesOf<K extends Node["type"]>(ctx: Ctx, type: K): NodePath<NodeOfType<K>>[] {
  // the index files each path under its node's `type`
  return (buildIndex(ctx).byType.get(type) ?? []) as NodePath<NodeOfType<K>>[];
}

/** Identifier paths with this name (values and types). */
export function identifiersNamed(ctx: Ctx, name: string): NodePath<Identifier>[] {
  return buildIndex(ctx).byName.get(name) ?? [];
}

export function invalidateIndex(ctx: Ctx): void {
  ctx.index = null;
}

function buildIndex(ctx: Ctx): NodeIndex {
  if (ctx.index) return ctx.index;
  const byType = new Map<string, NodePath[]>();
  const byName = new Map<string, NodePath<Identifier>[]>();
  ctx.root.find(ctx.j.Node).forEach((found) => {
    // `find(j.Node)` types its paths with ast-types' base Node; each holds a node of the union
    const p = found as NodePath;
    const node = p.node;
    let list = byType.get(node.type);
    if (!list) byType.set(node.type, (list = []));
    list.push(p);
    if (node.type === "Identifier") {
      let named = byName.get(node.name);
      if (!named) byName.set(node.name, (named = []));
      named.push(p as NodePath<Identifier>);
    }
  });
  ctx.index = { byType, byName };
  return ctx.index;
}

export interface LineInsert {
  /** The exact text of the anchor line (computed after the rewrites). */
  anchor: () => string;
  /** 1-based line of the anchor in the original file, to choose among equal lines. */
  near: number;
  where: "before" | "after";
  /** The line to add (indented like the anchor). */
  text: string;
  fallback: () => void;
}

export function recordChange(ctx: Ctx, node: unknown, rule: string, message: string): void {
  ctx.changes.push({ line: lineOf(node), rule, message });
}

/** A string literal in the file's quote style, as source text. */
export function quoteString(ctx: Ctx, value: string): string {
  const q = ctx.quote;
  const escaped = value.replace(/\\/g, "\\\\").replace(new RegExp(q, "g"), `\\${q}`).replace(/\n/g, "\\n");
  return `${q}${escaped}${q}`;
}

/**
 * A node that prints as the given source text, verbatim. recast prints every new object
 * literal over several lines; where the codemod writes a small expression (`{ transaction:
 * true }`) it writes the text itself, so the result reads as a person would write it.
 * Only for one-line text, and only as the last step: later rules cannot look inside it.
 */
export function raw(ctx: Ctx, code: string): Identifier {
  return Object.assign(ctx.j.identifier(code), { __raw: true });
}

/** Whether a node is verbatim text made by `raw` (its `name` is the text). */
export function isRaw(node: unknown): node is Identifier {
  return isNode(node) && node.type === "Identifier" && fieldOf(node, "__raw") === true;
}

/** A statement that prints as the given one-line text (without its final semicolon). */
export function rawStatement(ctx: Ctx, code: string): ExpressionStatement {
  return ctx.j.expressionStatement(raw(ctx, code));
}

/** Source text of a node: the original text where it is unchanged, recast's printing otherwise. */
export function codeOf(ctx: Ctx, node: Node): string {
  if (isRaw(node)) return node.name;
  return ctx.j(node).toSource({ quote: ctx.quote === "'" ? "single" : "double" });
}

export function isOneLine(code: string): boolean {
  return !code.includes("\n");
}

/** Parses an expression written as source text into fresh nodes (printed by recast's rules). */
export function parseExpr(ctx: Ctx, code: string): Node {
  const [stmt] = parseProgram(ctx, `(${code});`).body;
  if (stmt?.type !== "ExpressionStatement") throw new Error(`parseExpr: not an expression: ${code}`);
  return clean(stmt.expression);
}

/** Parses statements written as source text into fresh nodes. */
export function parseStatements(ctx: Ctx, code: string): Node[] {
  // inside a loop of an async function, so `await`, `continue` and `break` parse
  const [fn] = parseProgram(ctx, `async function __aioredisCodemod__() {\nfor (;;) {\n${code}\n}\n}`).body;
  const loop = fn?.type === "FunctionDeclaration" ? fn.body.body[0] : undefined;
  if (loop?.type !== "ForStatement" || loop.body.type !== "BlockStatement") throw new Error(`parseStatements: cannot parse: ${code}`);
  return loop.body.body.map(clean);
}

function parseProgram(ctx: Ctx, code: string): Program {
  return programOfRoot(ctx.j(code));
}

/** The program of the file being transformed. */
export function programOf(ctx: Ctx): Program {
  return programOfRoot(ctx.root);
}

function programOfRoot<T>(root: Collection<T>): Program {
  return fileOf(root).program;
}

function fileOf<T>(root: Collection<T>): File {
  // a parsed source's collection holds its File node (ast-types types `get()` as `any`)
  const file: unknown = root.get().node;
  if (!isNode(file) || file.type !== "File") throw new Error("expected a parsed file");
  return file;
}

/** The source text as recast parsed it (tabs expanded: node offsets index this), from the File's `loc.lines`; null without one. */
export function parsedTextOf<T>(root: Collection<T>): string | null {
  const loc = fileOf(root).loc;
  // recast's Lines object, which ast-types does not declare
  const lines = loc ? fieldOf(loc, "lines") : undefined;
  if (typeof lines !== "object" || lines === null || typeof fieldOf(lines, "toString") !== "function") return null;
  return (lines as { toString(options: { tabWidth: number; useTabs: boolean; reuseWhitespace: boolean }): string }).toString({
    tabWidth: 4,
    useTabs: false,
    reuseWhitespace: false,
  });
}

/** Strips position data so recast prints a node fresh instead of reusing another file's text. */
function clean<T>(node: T): T {
  const list = asArray(node);
  if (list) {
    for (const item of list) clean(item);
    return node;
  }
  if (!node || typeof node !== "object") return node;
  const fields = node as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (key === "loc" || key === "start" || key === "end" || key === "range" || key === "original" || key === "tokens") {
      delete fields[key];
    } else if (key === "extra") {
      const extra = fields.extra;
      if (extra && typeof extra === "object") delete (extra as Record<string, unknown>).parenthesized;
    } else {
      clean(fields[key]);
    }
  }
  return node;
}

export function addMarker(ctx: Ctx, stmt: Node | null | undefined, message: string): void {
  if (!stmt) return;
  if (ctx.pendingMarkers.some((m) => m.stmt === stmt && m.message === message)) return;
  ctx.pendingMarkers.push({ stmt, message });
}

/** Statements recast prints the way they were written when only a comment is added to them. */
const SIMPLE_STATEMENTS = new Set([
  "ExpressionStatement",
  "VariableDeclaration",
  "ReturnStatement",
  "ThrowStatement",
  "ImportDeclaration",
  "ExportNamedDeclaration",
  "ExportAllDeclaration",
]);

/** Writes the pending markers as `// TODO(aioredis-v2): ...` line comments, each at most once. */
export function flushMarkers(ctx: Ctx): number {
  const j = ctx.j;
  let inserted = 0;
  const sourceLines = ctx.source.split(/\r?\n/);
  for (const { stmt, message } of ctx.pendingMarkers) {
    const base: BaseNode = stmt;
    const text = ` ${MARKER_PREFIX} ${message}`;
    // (reading, not creating, the comment list: an empty list set on a node makes recast reprint it)
    if ((base.comments ?? []).some((c) => c.value.trim() === text.trim())) continue;
    const attach = () => {
      const comments = (base.comments ??= []);
      const comment = j.commentLine(text, true, false);
      // after the statement's existing leading comments, so the marker sits right above the code
      let at = 0;
      while (at < comments.length && comments[at].leading !== false && comments[at].trailing !== true) at++;
      comments.splice(at, 0, comment);
    };
    const line = base.loc?.start?.line;
    const simple =
      SIMPLE_STATEMENTS.has(stmt.type) && !(stmt.type === "ExportNamedDeclaration" && stmt.declaration && !SIMPLE_STATEMENTS.has(stmt.declaration.type));
    if (simple || !line || !sourceLines[line - 1]) attach();
    else ctx.lineInserts.push({ anchor: () => sourceLines[line - 1]!, near: line, where: "before", text: `//${text}`, fallback: attach });
    inserted++;
  }
  ctx.pendingMarkers = [];
  return inserted;
}

/**
 * Adds the pending line inserts to printed text. Returns the new text, or null when an
 * anchor was missing (its fallback has then changed the AST: print again and retry).
 */
export function applyLineInserts(ctx: Ctx, output: string): string | null {
  const eol = output.includes("\r\n") ? "\r\n" : "\n";
  const lines = output.split(/\r?\n/);
  let missing = false;
  const placed: { at: number; text: string }[] = [];
  for (const ins of ctx.lineInserts) {
    const anchor = ins.anchor();
    let best = -1;
    lines.forEach((l, i) => {
      if (l === anchor && (best === -1 || Math.abs(i + 1 - ins.near) < Math.abs(best + 1 - ins.near))) best = i;
    });
    if (best === -1 || anchor.trim() === "") {
      ins.fallback();
      missing = true;
      continue;
    }
    const indent = /^[ \t]*/.exec(lines[best]!)![0];
    placed.push({ at: ins.where === "before" ? best : best + 1, text: `${indent}${ins.text}` });
  }
  if (missing) {
    ctx.lineInserts = ctx.lineInserts.filter((ins) => lines.includes(ins.anchor()) && ins.anchor().trim() !== "");
    return null;
  }
  // from the bottom up, so earlier indexes stay valid; equal positions keep their order
  placed.sort((a, b) => b.at - a.at);
  const byAt = new Map<number, string[]>();
  for (const p of placed) byAt.set(p.at, [...(byAt.get(p.at) ?? []), p.text]);
  for (const [at, texts] of [...byAt].sort((a, b) => b[0] - a[0])) lines.splice(at, 0, ...texts);
  return lines.join(eol);
}

export function hasIgnoreComment(node: unknown): boolean {
  const base: BaseNode | null = isNode(node) ? node : null;
  return !!base?.comments?.some((c) => c.value.includes(IGNORE_COMMENT));
}
