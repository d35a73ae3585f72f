/**
 * The pieces of the v1 Channel -> v2 PubSub rewrite that codemods/v2/pubsub.ts and
 * codemods/v2/receiver.ts share: the registry of PubSubs each client made, the v1 read
 * options, and the text of a message's channel, name and data in v2.
 */
import { enclosingFunction, isStringLit, memberName, namesIn, propName, replaceNode, uniqueName, type N, type P } from "../lib/ast.js";
import { codeOf, quoteString, raw, type Ctx } from "../lib/context.js";
import { classifyUse, referencesOfHolder, type Obj } from "./objects.js";
import type { V2State } from "./state.js";
import { resolveBinding } from "../lib/scope.js";

export interface PubSubEntry {
  /** The PubSub variable. */
  name: string;
  pattern: boolean;
  /** Literal channel / pattern names it subscribes to. */
  names: string[];
  /** The statement that declares it (it is in scope after it, in the same block). */
  declStmt: P;
  /** A field of the class (`this.name`), which may be null, rather than a variable. */
  field?: boolean;
  /** A field of an instance read in another module (`sub.pubsub`), which may be null; `sub` is the binding `refDecl`. */
  ref?: string;
  refDecl?: N;
  /** A PubSub of the client that no code here can name. */
  unreachable?: boolean;
}

/** The expression for the PubSub of an entry, ready for `.method()` (`this.ps?`, `sub.ps?`, `ps`). */
export function entryText(entry: PubSubEntry): string {
  return entry.ref ? `${entry.ref}?` : entry.field ? `this.${entry.name}?` : entry.name;
}

/** The pubsubs each client made, for its unsubscribe calls. */
export type PubSubRegistry = Map<Obj, PubSubEntry[]>;

export interface ReadOptions {
  encoding: string | null | undefined;
  decoder: string | null;
  json: boolean;
}

export function readOptions(ctx: Ctx, args: N[], json: boolean): ReadOptions | { reason: string } {
  const out: ReadOptions = { encoding: undefined, decoder: null, json };
  if (args.length === 0) return out;
  if (args.length > 1 || args[0].type !== "ObjectExpression") return { reason: "its options are not an object literal" };
  for (const prop of args[0].properties) {
    const name = propName(prop);
    if (name === "encoding") {
      const v = prop.value;
      if (isStringLit(v)) out.encoding = v.value;
      else if (v.type === "NullLiteral" || (v.type === "Literal" && v.value === null)) out.encoding = null;
      else return { reason: "its encoding is not a literal" };
    } else if (name === "decoder") {
      out.decoder = codeOf(ctx, prop.value);
    } else return { reason: `its option ${name} is not v1 API the codemod knows` };
  }
  return out;
}

const UTF8 = /^utf-?8$/i;

/** The v1 value of a message's data, written against the v2 message `m`. */
export function dataText(ctx: Ctx, obj: Obj, m: string, opts: ReadOptions): string | { reason: string } {
  const enc = opts.json ? (opts.encoding ?? "utf-8") : opts.encoding;
  let value: string;
  if (enc === undefined || enc === null) {
    if (obj.decode === null) return { reason: "the client's decoding is unknown" };
    value = obj.decode ? `Buffer.from(String(${m}.data))` : ctx.lang === "js" ? `${m}.data` : `${m}.data as Buffer`;
  } else {
    if (!UTF8.test(enc)) return { reason: `messages decoded as ${enc}: decode message.data yourself in v2` };
    if (obj.decode && obj.encoding && !UTF8.test(obj.encoding)) return { reason: "the client decodes with another encoding" };
    value = `String(${m}.data)`;
  }
  if (opts.json) value = `JSON.parse(${value})`;
  if (opts.decoder) value = `${opts.decoder}(${value})`;
  return value;
}

/** v1 gave a pattern message's channel as a Buffer. */
export function channelText(ctx: Ctx, obj: Obj, m: string): string {
  if (obj.decode) return `Buffer.from(String(${m}.channel))`;
  return ctx.lang === "js" ? `${m}.channel` : `${m}.channel as Buffer`;
}

export function messageName(state: V2State, at: P): string {
  const fn = enclosingFunction(at);
  const taken = namesIn(state.ctx.j, fn?.node ?? state.ctx.root.get().node);
  return uniqueName(taken, ["message", "m", "pubsubMessage"]);
}

/** v1 gave a channel's name (a pattern channel's: its pattern) as a Buffer; inside the loop it is the message's. */
export function nameText(ctx: Ctx, obj: Obj, m: string, pattern: boolean | "either"): string | { reason: string } {
  if (obj.decode && obj.encoding && !UTF8.test(obj.encoding)) return { reason: "the client decodes with another encoding than UTF-8" };
  // a plain message has no pattern
  const field = pattern === "either" ? `${m}.pattern ?? ${m}.channel` : `${m}.${pattern ? "pattern" : "channel"}`;
  if (obj.decode) return `Buffer.from(String(${field}))`;
  if (ctx.lang === "js") return field;
  return pattern === "either" ? `(${field}) as Buffer` : `${field} as Buffer`;
}

/** Whether the PubSub of `entry` can be named at `at`: after its declaration, in its block (a field: anywhere). */
export function inScope(entry: PubSubEntry, at: P): boolean {
  if (entry.unreachable) return false;
  if (entry.ref) return !!entry.refDecl && resolveBinding(at, entry.ref.slice(0, entry.ref.indexOf("."))) === entry.refDecl;
  if (entry.field) return true;
  const decl = entry.declStmt;
  const block: N = decl.parent?.node;
  return !!block && within(at, block) && (at.node.start ?? 0) > (decl.node.start ?? 0);
}

/** Parents under which an expression needs no parentheses of its own. */
const BARE_PARENTS = new Set(["TemplateLiteral", "ParenthesizedExpression", "VariableDeclarator", "ArrayExpression"]);

/** Replaces the expression at `path` with code, in parentheses unless its place needs none. */
export function replaceExpression(ctx: Ctx, path: P, text: string): void {
  const parent = path.parent?.node;
  const bare =
    BARE_PARENTS.has(parent?.type) ||
    (parent?.type === "CallExpression" && parent.arguments.includes(path.node)) ||
    (parent?.type === "TSAsExpression" && parent.expression === path.node) ||
    (parent?.type === "ConditionalExpression" && parent.test === path.node && !text.includes("?")) ||
    /^[\w$.]+$/.test(text);
  replaceNode(path, raw(ctx, bare ? text : `(${text})`));
}

export function within(path: P, node: N): boolean {
  for (let p: P | null = path; p; p = p.parent) if (p.node === node) return true;
  return false;
}

/**
 * `ch.name` inside a reading loop: the name of the channel (or pattern) the message came on,
 * which is the channel's own, since each channel is a PubSub of its own.
 */
export function planNames(state: V2State, channel: Obj, body: N, m: string, pattern: boolean, skip: N): { handles: N[]; run: () => void } | { reason: string } {
  const handles: N[] = [];
  const members: P[] = [];
  for (const ref of referencesOfHolder(state, channel.holder)) {
    if (ref.node === skip || !within(ref, body)) continue;
    const u = classifyUse(ref);
    if (u.type !== "prop" || u.name !== "name") continue;
    handles.push(ref.node);
    members.push(u.memberPath);
  }
  if (members.length === 0) return { handles, run: () => {} };
  const text = nameText(state.ctx, channel, m, pattern);
  if (typeof text !== "string") return text;
  return {
    handles,
    run: () => {
      for (const member of members) replaceExpression(state.ctx, member, text);
    },
  };
}

export interface ReadStatement {
  opts: ReadOptions;
  target: N;
  kind: string;
  refNode: N;
  /** The type the v1 read was cast to (`as Buffer`). */
  cast?: string;
  /** `yield <read>`: the statement, whose value becomes the message's (target is null then). */
  yieldStmt?: N;
}

export function readStatement(ctx: Ctx, channel: Obj, stmt: N, pattern: boolean, allowYield = false): ReadStatement | { reason: string } {
  // `yield (await ch.get()) as Buffer` in a generator: the message is yielded as it is read
  const yielded = allowYield && !pattern && stmt.type === "ExpressionStatement" && stmt.expression.type === "YieldExpression" && !stmt.expression.delegate;
  if (!yielded && (stmt.type !== "VariableDeclaration" || stmt.declarations.length !== 1))
    return { reason: "the loop body does not start with `const msg = await ch.get()`" };
  const d = yielded ? { id: null, init: stmt.expression.argument } : stmt.declarations[0];
  // `const msg = (await ch.get()) as Buffer`: the cast stays on the message's value
  let init = d.init;
  let cast: string | undefined;
  if (init?.type === "TSAsExpression") {
    cast = codeOf(ctx, init.typeAnnotation);
    init = init.expression;
    while (init?.type === "ParenthesizedExpression") init = init.expression;
  }
  if (init?.type !== "AwaitExpression" || init.argument.type !== "CallExpression")
    return { reason: "the loop body does not start with `const msg = await ch.get()`" };
  const callee = init.argument.callee;
  const method = memberName(callee);
  if (
    callee.type !== "MemberExpression" ||
    callee.object.type !== "Identifier" ||
    callee.object.name !== channel.label ||
    (method !== "get" && method !== "getJson")
  ) {
    return { reason: "the loop body does not start with `const msg = await ch.get()`" };
  }
  const opts = readOptions(ctx, init.argument.arguments, method === "getJson");
  if ("reason" in opts) return opts;
  if (pattern && d.id.type !== "ArrayPattern")
    return { reason: "a pattern message is a [channel, message] pair in v1; destructure it (const [channel, msg] = ...)" };
  return { opts, target: d.id, kind: stmt.kind, refNode: callee.object, cast, yieldStmt: yielded ? stmt : undefined };
}

export function buildReadLines(
  ctx: Ctx,
  channel: Obj,
  m: string,
  pattern: boolean,
  read: { opts: ReadOptions; target: N; kind: string; cast?: string; yieldStmt?: N },
): { lines: string[]; yieldValue?: string } | { reason: string } {
  const type = quoteString(ctx, pattern ? "pmessage" : "message");
  let data = dataText(ctx, channel, m, read.opts);
  if (typeof data !== "string") return data;
  if (read.cast && !pattern && !data.endsWith(` as ${read.cast}`)) data = `(${data}) as ${read.cast}`;
  const lines = [`if (${m}.type !== ${type}) continue`];
  if (read.yieldStmt) return { lines, yieldValue: data };
  const t = read.target;
  if (pattern) {
    const [c, v] = t.elements;
    if (!c || !v || c.type !== "Identifier" || v.type !== "Identifier" || t.elements.length !== 2)
      return { reason: "the pattern message is not destructured as [channel, message]" };
    lines.push(`${read.kind} ${c.name} = ${channelText(ctx, channel, m)}`, `${read.kind} ${v.name} = ${data}`);
  } else {
    lines.push(`${read.kind} ${codeOf(ctx, t)} = ${data}`);
  }
  return { lines };
}
