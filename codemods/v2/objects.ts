/**
 * Following the objects v1 code makes: from a factory call to the variable or class field
 * that holds the result, to every use of that holder, and on to the objects derived from it
 * (exclusive connections, pipelines, channels, clients of a pool, parameters of local
 * functions it is passed to). Each use is sorted into "rewrite like this", "fine as it is",
 * or "cannot be rewritten safely" (which keeps the whole group on aioredis/compat).
 */
import { climbWrappers, enclosingStatement, isCall, isDeclarationId, isFunction, isMember, isReferencePath, memberName, type N, type P } from "../lib/ast.js";
import type { Group, V2State } from "./state.js";
import { resolveBinding } from "../lib/scope.js";
import { identifiersNamed, nodesOf, type Ctx } from "../lib/context.js";

import type { Kind, PubSubHome, SubclassFact } from "../project/view.js";
import { thisReferences } from "./this-refs.js";
export type { Kind };

export type Holder =
  | { type: "binding"; name: string; declId: N; declPath: P | null }
  | { type: "field"; name: string; classPath: P; declPath: P | null }
  /** `x.name` where `x` (declared by `objectDeclId`) is an instance of a class whose field holds the object. */
  | { type: "member"; name: string; object: string; objectDeclId: N; declPath: null; via?: string[] }
  /** `this` in the instance members of a subclass of Redis (subclass-convert.ts). */
  | { type: "this"; name: "this"; classPath: P; declPath: null };

/** The holder of an object kept nowhere the codemod follows (an argument, an element, a value read in place). */
export const NO_HOLDER: Holder = Object.freeze({ type: "binding", name: "", declId: null, declPath: null });

export interface Obj {
  kind: Kind;
  group: Group;
  /** Whether replies are decoded to strings (v1 `encoding` set); null when unknown. */
  decode: boolean | null;
  encoding: string | null;
  label: string;
  holder: Holder;
  /** For pipelines: made by multiExec() (a transaction). */
  transaction?: boolean;
  /** For a pipeline a project function returned: the commands it queued, and where WATCH/UNWATCH sit among them. */
  queued?: { count: number; watchAt: number[] };
  /** For clients from `acquire()`: bound to one connection. */
  exclusive?: boolean;
  /** An exclusive client whose WATCH ... multiExec() becomes a v2 pipeline. */
  watchPipeline?: boolean;
  /** For `new Redis(pool)` clients: the pool's holder name, to close it with the client. */
  ownPool?: string | null;
  /** A client on a BlockingConnectionPool of its own (v1 maxsize): closing it disconnects the pool too. */
  blockingPool?: boolean;
  /** A channel of a pattern subscription. */
  pattern?: boolean;
  /**
   * A client whose field keeps one PubSub for all its subscriptions, each channel a reader of
   * it (pubsub-shared.ts); on a channel, that it is such a reader.
   */
  sharedPubSub?: boolean;
  /** A client whose PubSubs are kept in fields of the instance it is read from (pubsub-field.ts). */
  pubsubs?: PubSubHome[];
  /** The path of the expression that creates the object (for statement placement). */
  origin: P | null;
  /** Every expression that gives the holder this object, when there are several (a field set in two methods). */
  sites?: N[];
  /**
   * For a client on a connection (`new Redis(conn)`): the calls besides its own close() that
   * end its connection in v1 (the pool's close(), pool.release(conn), conn.close()), before
   * which its PubSubs are closed; null when the codemod cannot list them.
   */
  closedWith?: P[] | null;
  /** An instance of a converted subclass of Redis: the members its class declares are not aioredis API. */
  subclass?: SubclassFact;
  /** Project-wide ids this object has besides its holder's (a parameter's `f(0)`, a field's `C.f`). */
  ids?: string[];
}

export type Use =
  | { type: "call"; method: string; callPath: P; memberPath: P; refPath: P }
  | { type: "prop"; name: string; memberPath: P; refPath: P }
  | { type: "arg"; callPath: P; index: number; refPath: P }
  | { type: "assign"; assignPath: P; refPath: P }
  | { type: "neutral"; refPath: P }
  | { type: "escape"; reason: string; refPath: P };

/** A use that calls a method of the object (`obj.method(...)`). */
export type CallUse = Extract<Use, { type: "call" }>;

/** Every reference to what the holder holds (Identifier paths, or `this.x` MemberExpression paths). */
export function referencesOfHolder(state: V2State, holder: Holder): P[] {
  if (holder.type === "binding") return bindingReferences(state.ctx, holder.name, holder.declId);
  if (holder.type === "this") return thisReferences(state.ctx, holder.classPath);
  if (holder.type === "member") {
    return nodesOf(state.ctx, "MemberExpression").filter((p: P) => {
      if (p.node.computed || memberName(p.node) !== holder.name) return false;
      if (p.parent?.node.type === "AssignmentExpression" && p.parent.node.left === p.node) return false;
      // `app.state.pool`: the names between the object and the member (`via`) match too
      let o: P = p.get("object");
      for (const name of [...(holder.via ?? [])].reverse()) {
        while (o.node.type === "TSNonNullExpression" || o.node.type === "ParenthesizedExpression") o = o.get("expression");
        if (!isMember(o.node) || o.node.computed || memberName(o.node) !== name) return false;
        o = o.get("object");
      }
      while (o.node.type === "TSNonNullExpression" || o.node.type === "ParenthesizedExpression") o = o.get("expression");
      return o.node.type === "Identifier" && o.node.name === holder.object && resolveBinding(o, holder.object) === holder.objectDeclId;
    });
  }
  return nodesOf(state.ctx, "MemberExpression").filter(
    (p: P) => p.node.object.type === "ThisExpression" && !p.node.computed && memberName(p.node) === holder.name && thisBelongsTo(p, holder.classPath.node),
  );
}

/** The references to the binding `name` declared by `declId` (Identifier paths). */
export function bindingReferences(ctx: Ctx, name: string, declId: N): P[] {
  return identifiersNamed(ctx, name).filter((p: P) => p.node !== declId && isReferencePath(p) && !isDeclarationId(p) && resolveBinding(p, name) === declId);
}

/** Whether `this` at this path is the class's instance (not a nested function's own `this`). */
export function thisBelongsTo(path: P, classNode: N): boolean {
  let p: P | null = path.parent;
  while (p) {
    const n = p.node;
    if (n === classNode) return true;
    if (n.type === "FunctionExpression" || n.type === "FunctionDeclaration" || n.type === "ObjectMethod") return false;
    if ((n.type === "ClassDeclaration" || n.type === "ClassExpression") && n !== classNode) return false;
    p = p.parent;
  }
  return false;
}

const NEUTRAL_PARENTS = new Set(["IfStatement", "WhileStatement", "DoWhileStatement", "ConditionalExpression", "LogicalExpression", "TSTypeQuery"]);

export function classifyUse(refPath: P): Use {
  const p = climbWrappers(refPath);
  const parentPath: P = p.parent;
  const parent = parentPath.node;
  if (isMember(parent) && parent.object === p.node) {
    const name = memberName(parent);
    if (name === null) return { type: "escape", reason: "is indexed with a computed name", refPath };
    const outer = climbWrappers(parentPath);
    const gp = outer.parent?.node;
    if (isCall(gp) && gp.callee === outer.node) return { type: "call", method: name, callPath: outer.parent, memberPath: parentPath, refPath };
    return { type: "prop", name, memberPath: parentPath, refPath };
  }
  if (parent.type === "AssignmentExpression" && parent.left === p.node) return { type: "assign", assignPath: parentPath, refPath };
  if ((isCall(parent) || parent.type === "NewExpression") && parent.arguments.includes(p.node)) {
    return { type: "arg", callPath: parentPath, index: parent.arguments.indexOf(p.node), refPath };
  }
  if (NEUTRAL_PARENTS.has(parent.type) && parent.test === p.node) return { type: "neutral", refPath };
  if (parent.type === "LogicalExpression") {
    // `x || y`, `x ?? y` and `y && x` can be x itself: returned, the object leaves where the
    // codemod follows it. (Kept in a variable or a field, the value is followed as a default:
    // default-assign.ts, factories.ts.)
    if (parent.operator === "&&" && parent.left === p.node) return { type: "neutral", refPath };
    const outer = classifyUse(parentPath);
    if (outer.type === "escape" && outer.reason.startsWith("is returned")) {
      return { type: "escape", reason: `is returned, as the value of a \`${parent.operator}\` expression`, refPath };
    }
    return { type: "neutral", refPath };
  }
  if (parent.type === "UnaryExpression" && (parent.operator === "!" || parent.operator === "typeof" || parent.operator === "void"))
    return { type: "neutral", refPath };
  if (parent.type === "BinaryExpression" && ["===", "!==", "==", "!="].includes(parent.operator)) return { type: "neutral", refPath };
  if (parent.type === "ExpressionStatement") return { type: "neutral", refPath };
  if (parent.type === "ReturnStatement" || parent.type === "ArrowFunctionExpression") return { type: "escape", reason: "is returned", refPath };
  if (parent.type === "ExportSpecifier") return { type: "escape", reason: "is exported", refPath };
  if (parent.type === "VariableDeclarator") return { type: "escape", reason: "is copied to another variable", refPath };
  if (parent.type === "AwaitExpression") return { type: "escape", reason: "is awaited itself (v1 `with await redis`)", refPath };
  if (parent.type === "SpreadElement") return { type: "escape", reason: "is spread here, and a v2 object has other own properties than the v1 one", refPath };
  if (parent.type === "TemplateLiteral") return { type: "escape", reason: "is turned into text here, and a v2 object's text is not the v1 one's", refPath };
  return { type: "escape", reason: "is stored or passed on where the codemod cannot follow it", refPath };
}

/**
 * The declared type of a holder kept in a field or variable, as the paths of its parts without
 * `null` and `undefined` (`T | null` gives T's path; a lone type, itself), or null when it has no
 * type annotation.
 */
export function declaredTypeParts(holder: { declPath?: P | null }): P[] | null {
  const ann = holder.declPath?.node?.typeAnnotation?.typeAnnotation;
  if (!ann) return null;
  const annPath: P = holder.declPath!.get("typeAnnotation", "typeAnnotation");
  const parts: P[] = ann.type === "TSUnionType" ? ann.types.map((_: N, i: number) => annPath.get("types", i)) : [annPath];
  return parts.filter((part) => part.node.type !== "TSNullKeyword" && part.node.type !== "TSUndefinedKeyword");
}

/**
 * Where a value made at `valuePath` (the factory call, with any `await` above it) is kept.
 * Returns the holder, or a reason it cannot be followed.
 */
export function holderOf(state: V2State, valuePath: P): { holder: Holder; declStmt: P | null } | { reason: string } {
  const p = climbWrappers(valuePath);
  const parent = p.parent?.node;
  if (!parent) return { reason: "is not kept anywhere" };
  if (parent.type === "VariableDeclarator" && parent.init === p.node) {
    if (parent.id.type !== "Identifier") return { reason: "is destructured" };
    const declPath: P = p.parent;
    const stmt = enclosingStatement(declPath);
    if (stmt?.node.type === "ExportNamedDeclaration" && !state.ctx.view) return { reason: "is exported" };
    return {
      holder: { type: "binding", name: parent.id.name, declId: parent.id, declPath },
      declStmt: stmt,
    };
  }
  if (parent.type === "AssignmentExpression" && parent.right === p.node) {
    const left = parent.left;
    if (left.type === "Identifier") {
      const assignPath: P = p.parent;
      const declId = resolveBinding(assignPath.get("left"), left.name);
      if (!declId) return { reason: "is assigned to an undeclared variable" };
      const declPath = pathOf(state, declId);
      return { holder: { type: "binding", name: left.name, declId, declPath: declPath?.parent ?? null }, declStmt: enclosingStatement(assignPath) };
    }
    if (left.type === "MemberExpression" && left.object.type === "ThisExpression" && !left.computed && left.property.type === "Identifier") {
      const assignPath: P = p.parent;
      let c: P | null = assignPath.parent;
      while (c && c.node.type !== "ClassDeclaration" && c.node.type !== "ClassExpression") c = c.parent;
      if (!c || !thisBelongsTo(assignPath.get("left"), c.node)) return { reason: "is assigned to `this` outside a class" };
      const name = left.property.name;
      const prop = (c.node.body.body as N[]).find(
        (m) => (m.type === "ClassProperty" || m.type === "PropertyDefinition") && !m.computed && m.key?.name === name,
      );
      const propPath = prop ? c.get("body", "body", c.node.body.body.indexOf(prop)) : null;
      return { holder: { type: "field", name, classPath: c, declPath: propPath }, declStmt: enclosingStatement(assignPath) };
    }
    return { reason: "is assigned to a property the codemod cannot follow" };
  }
  if (parent.type === "ExpressionStatement") return { reason: "is not kept anywhere" };
  if (parent.type === "ReturnStatement" || parent.type === "ArrowFunctionExpression") return { reason: "is returned to the caller" };
  return { reason: "is passed on where the codemod cannot follow it" };
}

/** The path of a node, found from the root (declarations found by name resolution have no path). */
export function pathOf(state: V2State, node: N): P | null {
  const candidates = node.type === "Identifier" ? identifiersNamed(state.ctx, node.name) : nodesOf(state.ctx, node.type);
  return candidates.find((p: P) => p.node === node) ?? null;
}

/** The local function a call goes to, and the path of its parameter `index`, when it is a plain identifier. */
export function localCallee(state: V2State, callPath: P, index: number): { fn: P; param: P } | null {
  const call = callPath.node;
  if (call.type !== "CallExpression" || call.callee.type !== "Identifier") return null;
  const name = call.callee.name;
  const decl = resolveBinding(callPath.get("callee"), name);
  if (!decl) return null;
  const declPath = pathOf(state, decl);
  if (!declPath) return null;
  let fn: P | null = null;
  const parent = declPath.parent.node;
  if (parent.type === "FunctionDeclaration" && parent.id === decl) fn = declPath.parent;
  else if (parent.type === "VariableDeclarator" && parent.id === decl && isFunction(parent.init) && declPath.parent.parent.node.kind === "const")
    fn = declPath.parent.get("init");
  if (!fn) return null;
  const f: P = fn;
  if (index >= f.node.params.length) return null;
  const param = f.node.params[index];
  if (param.type !== "Identifier") return null;
  if (f.node.params.some((x: N) => x.type === "RestElement") && index >= f.node.params.length - 1) return null;
  return { fn: f, param: f.get("params", index) };
}

/** The statement a use sits in, for markers. */
export function stmtOf(path: P): N {
  // a marker goes above a whole statement: the body of an unbraced `for`/`if`/`while` shares
  // its line with its head, where a comment written above the body would not be found again
  let p = enclosingStatement(path);
  while (
    p?.parent &&
    !Array.isArray(p.parent.node.body) &&
    p.parent.node.type !== "SwitchCase" &&
    /Statement$/.test(p.parent.node.type) &&
    p.parent.node.type !== "BlockStatement"
  ) {
    const up = enclosingStatement(p.parent);
    if (!up || up === p) break;
    p = up;
  }
  return p?.node ?? path.node;
}
