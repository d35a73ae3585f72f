/**
 * Channels from `subscribe()` kept in variables declared before (`let channel: Channel;` ...
 * `[channel] = await redis.subscribe(name)`, possibly at several places, such as a retry in a
 * `catch`). Each such assignment makes a PubSub of its own, subscribed before it is assigned
 * (so a failed subscribe leaves the variable as it was, as in v1):
 *
 *   [channel] = await redis.subscribe(name);
 *   ->
 *   const pubsub = redis.pubsub();
 *   await pubsub.subscribe(name);
 *   channel = pubsub;
 *
 * Every assignment of the variable must be such a subscription of the same client, and the
 * variable's uses are planned as a channel's (reading loops, functions it is passed to).
 */
import { climbWrappers, enclosingFunction, enclosingStatement, isStringLit, memberName, namesIn, uniqueName, type N, type P } from "../lib/ast.js";
import { codeOf, parseStatements } from "../lib/context.js";
import { resolveExport } from "../lib/bindings.js";
import { resolveBinding } from "../lib/scope.js";
import { pathOf, referencesOfHolder, stmtOf, type Obj, type CallUse } from "./objects.js";
import { unwrapTs } from "./paths.js";
import type { PubSubRegistry } from "./pubsub-text.js";
import { channelTypeRef, sharedSubscribeText } from "./pubsub-shared.js";
import type { V2State } from "./state.js";

type PlanUses = (state: V2State, channel: Obj, pattern: boolean, skip?: Set<N>) => (() => void)[] | null;

/** The channel variables already planned, by declaring identifier. */
const planned = new WeakMap<V2State, Map<N, { ok: boolean }>>();
/** Names given to PubSub temporaries, by function (two subscriptions in one block get two). */
const given = new WeakMap<N, Set<string>>();

/** Plans `[a, b] = await client.subscribe(...)`; false when the subscription is not of this shape. */
export function planAssignedSubscribe(state: V2State, client: Obj, use: CallUse, registry: PubSubRegistry, planUses: PlanUses): boolean {
  const ctx = state.ctx;
  const group = client.group;
  const aw = climbWrappers(use.callPath).parent;
  const assignPath: P | null = aw ? climbWrappers(aw).parent : null;
  const assign = assignPath?.node;
  if (assign?.type !== "AssignmentExpression" || assign.left.type !== "ArrayPattern" || assign.right !== climbWrappers(aw).node) return false;
  const stmt = stmtOf(use.callPath);
  const stmtPath = enclosingStatement(use.callPath);
  if (assign.operator !== "=" || stmtPath?.node.type !== "ExpressionStatement" || stmtPath.node.expression !== assign) {
    group.block(stmt, `the channels from ${use.method}() are assigned inside an expression; in v2 use redis.pubsub() and ${use.method}() on it`);
    return true;
  }
  const pattern = use.method === "psubscribe";
  const args: N[] = use.callPath.node.arguments;
  const ids: N[] = assign.left.elements;
  if (ids.length !== args.length || ids.some((e) => e?.type !== "Identifier")) {
    group.block(stmt, `${use.method}() subscribes to channels whose Channel objects are not each kept in a variable; give each its own variable`);
    return true;
  }
  const fn = enclosingFunction(stmtPath);
  const byDecl = planned.get(state) ?? new Map<N, { ok: boolean }>();
  planned.set(state, byDecl);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    const idPath: P = assignPath!.get("left", "elements", i);
    const declId = resolveBinding(idPath, id.name);
    const declIdPath = declId ? pathOf(state, declId) : null;
    const declarator: P | null = declIdPath?.parent ?? null;
    if (
      !declId ||
      declarator?.node.type !== "VariableDeclarator" ||
      declarator.node.id !== declId ||
      declarator.parent?.node.kind !== "let" ||
      enclosingFunction(declarator)?.node !== fn?.node
    ) {
      group.block(
        stmt,
        `the channel is kept in ${id.name}, which is not a \`let\` of this function; in v2 keep the PubSub of ${use.method}() in a variable of its own`,
      );
      return true;
    }
    const prev = byDecl.get(declId);
    if (prev) {
      if (!prev.ok) return true;
      continue;
    }
    const entry = { ok: false };
    byDecl.set(declId, entry);
    const holder = { type: "binding" as const, name: id.name, declId, declPath: declarator };
    // every value the variable is given: a channel of a subscription of this client
    const skip = new Set<N>();
    for (const ref of referencesOfHolder(state, holder)) {
      const p = climbWrappers(ref);
      const parent = p.parent?.node;
      if (parent?.type === "AssignmentExpression" && parent.left === p.node) {
        group.block(stmtOf(ref), `${id.name} holds a Channel and is given another value here; migrate it by hand`);
        return true;
      }
      if (parent?.type !== "ArrayPattern") continue;
      const other = p.parent.parent?.node;
      const right: N | null = other?.type === "AssignmentExpression" && other.left === parent ? climbWrappers(p.parent.parent.get("right")).node : null;
      const call = right?.type === "AwaitExpression" ? right.argument : null;
      if (
        call?.type !== "CallExpression" ||
        memberName(call.callee) !== use.method ||
        !group.refNodes.has(unwrapTs(call.callee.object)) ||
        parent.elements.indexOf(p.node) !== i
      ) {
        group.block(stmtOf(ref), `${id.name} holds a Channel and is given another value here; migrate it by hand`);
        return true;
      }
      skip.add(p.node);
    }
    const channelObj: Obj = { ...client, kind: "channel", label: id.name, holder, origin: use.callPath };
    const runs = planUses(state, channelObj, pattern, skip);
    if (!runs) return true;
    // `let channel: Channel` -> `let channel: PubSub`
    const idNode = declarator.node.id;
    const ann = idNode.typeAnnotation?.typeAnnotation;
    let typeEdit: (() => void) | null = null;
    if (ann) {
      const v1 = ann.type === "TSTypeReference" ? resolveExport(state.info, declarator.get("id", "typeAnnotation", "typeAnnotation", "typeName")) : null;
      if (!v1 || (v1.name !== "Channel" && v1.name !== "AbcChannel")) {
        group.block(stmtOf(declarator), `${id.name} is typed in a way the codemod cannot turn into PubSub`);
        return true;
      }
      group.v1Refs.push(ann.typeName, ann.typeName.left ?? ann.typeName);
      const typeArg = client.decode ? "string" : null;
      typeEdit = () => {
        idNode.typeAnnotation.typeAnnotation = channelTypeRef(state, channelObj, ann.typeName, typeArg);
      };
    }
    entry.ok = true;
    const holds = client.sharedPubSub ? "a reader of one channel of the client's PubSub" : "a PubSub in v2 (one per subscription)";
    group.edit(3, declarator.node, "pubsub-channel-var", `${id.name} holds ${holds}`, () => {
      typeEdit?.();
      for (const r of runs) r();
    });
  }
  const clientText = codeOf(ctx, use.memberPath.node.object);
  // a reader of the client's one PubSub (pubsub-shared.ts), assigned once subscribed
  if (client.sharedPubSub) {
    group.edit(3, stmtPath.node, "pubsub", `${use.method}() gives a Channel in v1; in v2 it is a reader of the client's PubSub`, () => {
      const [stmt] = parseStatements(ctx, sharedSubscribeText(state, ids[0].name, clientText, codeOf(ctx, args[0])));
      (stmt as N).comments = stmtPath.node.comments;
      stmtPath.replace(stmt);
    });
    return true;
  }
  // this subscription: a PubSub per channel, assigned once subscribed
  const scope: N = fn?.node ?? ctx.root.get().node;
  const names = given.get(scope) ?? new Set<string>();
  given.set(scope, names);
  const taken = new Set([...namesIn(ctx.j, scope), ...names]);
  const temps: string[] = [];
  for (let i = 0; i < ids.length; i++) {
    const t = uniqueName(taken, ["pubsub", "subscription"]);
    taken.add(t);
    names.add(t);
    temps.push(t);
  }
  const entries = registry.get(client) ?? [];
  registry.set(client, entries);
  for (let i = 0; i < ids.length; i++) entries.push({ name: ids[i].name, pattern, names: isStringLit(args[i]) ? [args[i].value] : [], declStmt: stmtPath });
  group.edit(3, stmtPath.node, "pubsub", `${use.method}() gives Channel objects in v1; v2 has one PubSub per subscription`, () => {
    const lines: string[] = [];
    for (let i = 0; i < ids.length; i++) lines.push(`const ${temps[i]} = ${clientText}.pubsub();`, `await ${temps[i]}.${use.method}(${codeOf(ctx, args[i])});`);
    for (let i = 0; i < ids.length; i++) lines.push(`${ids[i].name} = ${temps[i]};`);
    const stmts = parseStatements(ctx, lines.join("\n"));
    const list: N[] = stmtPath.parent.node.body ?? stmtPath.parent.node.consequent;
    (stmts[0] as N).comments = stmtPath.node.comments;
    list.splice(list.indexOf(stmtPath.node), 1, ...stmts);
  });
  return true;
}
