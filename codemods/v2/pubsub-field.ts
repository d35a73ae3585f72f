/**
 * Channels that cross function and module boundaries through a class. A v1 class that keeps
 * its client in a field often keeps the Channel list of its subscription in another field and
 * hands the Channel out by name:
 *
 *   this.pubsub = await this.client!.subscribe(name);         // in subscribe()
 *   return this.client!.channels[this.channel!] as Channel;   // in getChannel()
 *
 * In v2 the field keeps the PubSub of that subscription, and the lookup gives the PubSub that
 * holds the name, as v1's `channels` gave the Channel subscribed to it (`undefined` when none):
 *
 *   this.pubsub = this.client!.pubsub();
 *   await this.pubsub.subscribe(name);
 *   return (this.pubsub?.channels.some((c) => v1ChannelKey(c) === String(this.channel!)) ? this.pubsub : undefined) as PubSub;
 *
 * The Channel a method returns is followed into the modules that call it (pubsub.ts plans its
 * reads there). The client's facts say where its PubSubs are kept (`pubsubs`), so that a
 * module that reads the client from an instance (`sub.getClient()`, `sub.client`) sends
 * `unsubscribe(name)` to `sub.pubsub` and closes it before the client; a PubSub out of reach
 * there keeps the group on compat with a marker.
 */
import { climbWrappers, enclosingStatement, isNullLit, isStringLit, isUndefinedId, memberName, type N, type P } from "../lib/ast.js";
import { codeOf, nodesOf, parseStatements, raw } from "../lib/context.js";
import { resolveExport } from "../lib/bindings.js";
import { resolveBinding } from "../lib/scope.js";
import type { ObjFact, PubSubHome } from "../project/view.js";
import { classifyUse, declaredTypeParts, holderOf, referencesOfHolder, stmtOf, type Obj, type Use, type CallUse, NO_HOLDER } from "./objects.js";
import type { PubSubEntry, PubSubRegistry } from "./pubsub-text.js";
import type { V2State } from "./state.js";
import { classIdOf } from "./analyzer-util.js";

type PropUse = Extract<Use, { type: "prop" }>;

const CHANNEL_TYPES = new Set(["Channel", "AbcChannel"]);

/**
 * `this.F = await this.C.subscribe(name)` where `this.C` is a client field of the same class:
 * the field F keeps the PubSub of the subscription. True when the statement is of that form
 * (planned, or blocked with the reason), false when it is not.
 */
export function planFieldSubscribe(state: V2State, client: Obj, use: CallUse, registry: PubSubRegistry, aw: P): boolean {
  const group = client.group;
  const assign = climbWrappers(aw).parent;
  const left = assign?.node.type === "AssignmentExpression" && assign.node.operator === "=" ? assign.node.left : null;
  if (left?.type !== "MemberExpression" || left.object.type !== "ThisExpression" || left.computed || left.property.type !== "Identifier") return false;
  const held = holderOf(state, aw);
  if ("reason" in held || held.holder.type !== "field") return false;
  const holder = held.holder;
  const field = holder.name;
  const stmt = enclosingStatement(assign);
  const why = (reason: string): true => {
    group.block(stmtOf(use.callPath), `the Channel list from ${use.method}() is kept in this.${field}, ${reason}`);
    return true;
  };
  if (client.holder.type !== "field" || client.holder.classPath.node !== holder.classPath.node)
    return why("but the client is not a field of the same class; in v2 keep a PubSub there (client.pubsub(), then subscribe() on it)");
  if (stmt?.node.type !== "ExpressionStatement" || stmt.node.expression !== assign.node) return why("inside an expression the codemod cannot split");
  const args: N[] = use.callPath.node.arguments;
  if (args.length !== 1) return why(`with several channels, where v2 gives each reader a PubSub of its own; subscribe each channel into a field of its own`);
  // the field holds the Channel list, read nowhere else (the lookup by name reads the client's channels)
  for (const ref of referencesOfHolder(state, holder)) {
    const u = classifyUse(ref);
    if (u.type === "neutral") continue;
    if (u.type === "assign") {
      const right = u.assignPath.node.right;
      if (u.assignPath.node === assign.node || isNullLit(right) || isUndefinedId(right)) continue;
      if (climbWrappers(aw).node === right) continue;
      // another subscription into the same field is planned on its own
      if (right.type === "AwaitExpression" && right.argument.type === "CallExpression" && /^p?subscribe$/.test(memberName(right.argument.callee) ?? ""))
        continue;
      return why("and the field is assigned another value elsewhere");
    }
    return why(
      `and read as a Channel list (${codeOf(state.ctx, climbWrappers(ref).parent?.node ?? ref.node)}); in v2 keep a PubSub there and read it with listen()`,
    );
  }
  // its declared type: `Channel[] | null` becomes `PubSub | null`
  const parts = declaredTypeParts(holder);
  const typeArg = client.decode ? "string" : null;
  const arrays: P[] = [];
  if (parts) {
    for (const part of parts) {
      const t = part.node;
      const el = t.type === "TSArrayType" ? t.elementType : null;
      const v1 = el?.type === "TSTypeReference" ? resolveExport(state.info, part.get("elementType", "typeName")) : null;
      if (!v1 || !CHANNEL_TYPES.has(v1.name)) return why("whose declared type is not a Channel list (Channel[] | null) the codemod can turn into PubSub");
      arrays.push(part);
      group.v1Refs.push(el.typeName, el.typeName.left ?? el.typeName);
    }
    if (arrays.length === 0) return why("whose declared type is not a Channel list (Channel[] | null) the codemod can turn into PubSub");
  } else if (state.ctx.lang !== "js") {
    return why("which is declared without a type; declare it Channel[] | null");
  }
  for (const part of arrays) {
    const el = part.node.elementType;
    group.edit(1, part.node, "type", `a Channel list kept for a subscription is one PubSub${typeArg ? `<${typeArg}>` : ""} in v2`, () => {
      part.replace(state.typeRef("PubSub", el.typeName, typeArg));
    });
  }
  const pattern = use.method === "psubscribe";
  // read through an instance in another module (`sub.pubsub`), the field is a channel there: followed, or held with a marker
  const cls = state.ctx.view ? classIdOf(state.ctx, holder.classPath) : null;
  if (cls) {
    group.addId(`${cls}.${field}`);
    state.ctx.report?.facts.push({ id: `${cls}.${field}`, fact: { kind: "channel", decode: client.decode, encoding: client.encoding, pattern } });
  }
  const entries: PubSubEntry[] = registry.get(client) ?? [];
  registry.set(client, entries);
  const arg = args[0];
  entries.push({ name: field, pattern, names: isStringLit(arg) ? [arg.value] : [], declStmt: stmt, field: true });
  const clientText = codeOf(state.ctx, use.memberPath.node.object);
  const argText = codeOf(state.ctx, arg);
  group.edit(3, stmt.node, "pubsub", `${use.method}() gives Channel objects in v1; the field keeps the subscription's PubSub in v2`, () => {
    const stmts: N[] = parseStatements(state.ctx, `this.${field} = ${clientText}.pubsub();\nawait this.${field}.${use.method}(${argText});`);
    const list: N[] = stmt.parent.node.body ?? stmt.parent.node.consequent;
    const old: N = stmt.node;
    stmts[0].comments = old.comments;
    list.splice(list.indexOf(old), 1, ...stmts);
  });
  return true;
}

/** An expression that reads the same value wherever it is evaluated (no call, no assignment). */
function isPure(n: N): boolean {
  if (n.type === "Identifier" || n.type === "ThisExpression" || n.type === "StringLiteral" || n.type === "NumericLiteral") return true;
  if (n.type === "TSNonNullExpression" || n.type === "ParenthesizedExpression") return isPure(n.expression);
  if (n.type === "MemberExpression") return !n.computed && isPure(n.object);
  return false;
}

/**
 * `client.channels[name]` (v1: the client's Channel subscribed to `name`, or undefined): the
 * PubSub the client's subscription is kept in when it holds `name`. Its value is then followed
 * like a channel (`follow`); an error keeps the group on compat.
 */
export function planChannelsLookup(state: V2State, client: Obj, use: PropUse, registry: PubSubRegistry, follow: (channel: Obj, at: P) => boolean): void {
  const ctx = state.ctx;
  const group = client.group;
  const index: P = climbWrappers(use.memberPath).parent;
  const stmt = stmtOf(use.memberPath);
  const fail = (why: string) =>
    group.block(
      stmt,
      `${client.label}.channels[...] (v1's Channel of a subscription, by name): ${why}; in v2 keep the PubSub that subscribed and hand it to this code`,
    );
  const entries = registry.get(client) ?? [];
  const fields = entries.filter((e) => e.field && !e.pattern);
  if (fields.length !== 1 || entries.some((e) => !e.field && !e.pattern))
    return fail(fields.length === 0 ? "no subscription of the client is kept in a field of its class" : "the client has several PubSubs");
  const key = index.node.property;
  if (!isPure(key)) return fail("the name is not a variable or a field");
  const f = fields[0]!.name;
  const keyText = codeOf(ctx, key);
  const ts = ctx.lang !== "js";
  // v1 keys its channels by the name's bytes read as latin1 (compat's nameKey)
  const c = ["name", "subscribed", "channelName"].find((n) => !new RegExp(`\\b${n}\\b`).test(keyText))!;
  const test = `this.${f}?.channels.some((${c}) => Buffer.from(${c}).toString("latin1") === String(${keyText}))`;
  let valuePath: P = climbWrappers(index);
  const cast = valuePath.parent?.node.type === "TSAsExpression" && valuePath.parent.node.expression === valuePath.node ? valuePath.parent : null;
  if (cast) {
    const t = cast.node.typeAnnotation;
    const v1 = t.type === "TSTypeReference" ? resolveExport(state.info, cast.get("typeAnnotation", "typeName")) : null;
    if (!v1 || !CHANNEL_TYPES.has(v1.name)) return fail("it is cast to a type the codemod cannot turn into PubSub");
    group.v1Refs.push(t.typeName, t.typeName.left ?? t.typeName);
    const typeArg = client.decode ? "string" : null;
    group.edit(1, t, "type", `${v1.name} is PubSub${typeArg ? `<${typeArg}>` : ""} in v2`, () => {
      cast.get("typeAnnotation").replace(state.typeRef("PubSub", t.typeName, typeArg));
    });
    valuePath = cast;
  }
  // v1 typed the lookup as a Channel, not `| undefined`: so does the rewrite
  const text = `(${test} ? this.${f} : undefined)${ts && !cast ? "!" : ""}`;
  group.edit(2, index.node, "pubsub-channels", "client.channels[name] is the PubSub that subscribed name in v2", () => {
    index.replace(raw(ctx, text));
  });
  const channel: Obj = {
    kind: "channel",
    group,
    decode: client.decode,
    encoding: client.encoding,
    label: `${client.label}.channels[${keyText}]`,
    holder: NO_HOLDER,
    origin: valuePath,
    pattern: false,
  };
  if (follow(channel, valuePath)) return;
  const returned = valuePath.parent?.node.type === "ReturnStatement";
  fail(
    returned
      ? `it is returned, and the codemod follows a returned channel only into the project's modules (run it on the whole project); the v2 PubSub is this.${f}`
      : "its value is kept or passed where the codemod does not follow channels (it follows local variables and returns)",
  );
}

// ------------------------------------------------------------------ the client's facts

const ported = new WeakMap<V2State, { obj: Obj; fact: ObjFact }[]>();

/** The fact a client is ported with: where its PubSubs are, as seen from the instance it is read from. */
export function notePorted(state: V2State, obj: Obj, fact: ObjFact, id: string): void {
  const list = ported.get(state) ?? [];
  ported.set(state, list);
  list.push({ obj, fact });
  if (!obj.pubsubs) return;
  // passed on from a module that read it from an instance: no instance is known where it goes
  const same = obj.holder.type === "field" || obj.ids?.includes(id);
  fact.pubsubs = same ? obj.pubsubs : obj.pubsubs.map((h) => ({ field: null, pattern: h.pattern }));
}

/** Once every subscription of the file is planned: the facts of a client field with PubSubs say where they are. */
export function finishPubSubFacts(state: V2State, registry: PubSubRegistry): void {
  for (const { obj, fact } of ported.get(state) ?? []) {
    if (obj.holder.type !== "field") continue;
    const entries = registry.get(obj) ?? [];
    if (entries.length === 0) continue;
    const homes: PubSubHome[] = entries.map((e) => ({ field: e.field ? e.name : null, pattern: e.pattern }));
    fact.pubsubs = homes;
  }
}

/**
 * A client read from an instance in another module (`sub.getClient()`, `sub.client`) whose
 * class keeps its PubSubs in fields: they are `sub.<field>` here (for its unsubscribe and
 * close calls); out of reach when the instance is not a const or an import.
 */
export function seedPubSubs(state: V2State, obj: Obj, registry: PubSubRegistry): void {
  if (!obj.pubsubs?.length || obj.holder.type === "field" || registry.has(obj)) return;
  const recv = receiverOf(state, obj);
  const declStmt = obj.origin ? enclosingStatement(obj.origin) : null;
  const entries: PubSubEntry[] = obj.pubsubs.map((h, i) => ({
    name: h.field ?? `<pubsub ${i + 1}>`,
    pattern: h.pattern,
    names: [],
    declStmt: declStmt!,
    ...(recv && h.field && declStmt ? { ref: `${recv.name}.${h.field}`, refDecl: recv.decl } : { unreachable: true }),
  }));
  registry.set(obj, entries);
}

/** The instance a client was read from: `sub` of `sub.getClient()` / `sub.client`, when `sub` is a const or an import. */
function receiverOf(state: V2State, obj: Obj): { name: string; decl: N } | null {
  let object: P | null = null;
  const h = obj.holder;
  if (h.type === "member" && !h.via?.length) return constBinding(state, h.objectDeclId) ? { name: h.object, decl: h.objectDeclId } : null;
  let origin = obj.origin?.node.type === "AwaitExpression" ? obj.origin.get("argument") : obj.origin;
  if (origin?.node.type === "CallExpression") origin = origin.get("callee");
  if (origin?.node.type === "MemberExpression" && !origin.node.computed) object = origin.get("object");
  if (object?.node.type !== "Identifier") return null;
  const decl = resolveBinding(object, object.node.name);
  return decl && constBinding(state, decl) ? { name: object.node.name, decl } : null;
}

function constBinding(state: V2State, decl: N): boolean {
  for (const stmt of state.ctx.root.get().node.program.body as N[]) {
    if (stmt.type === "ImportDeclaration" && (stmt.specifiers ?? []).some((s: N) => s.local === decl)) return true;
  }
  return (nodesOf(state.ctx, "VariableDeclaration") as P[]).some((p) => p.node.kind === "const" && (p.node.declarations as N[]).some((d) => d.id === decl));
}

/** A subscription on a client whose class keeps its PubSubs in fields, made outside that class. */
export function subscribesOutsideItsClass(obj: Obj): boolean {
  return !!obj.pubsubs?.length && obj.holder.type !== "field";
}
