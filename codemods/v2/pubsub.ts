/**
 * v1 `Channel` code to v2 `PubSub`. Each v1 `subscribe()` call becomes a PubSub of its own
 * (so two readers never compete for one stream of messages), its channel variable becomes
 * that PubSub, and the two v1 reading loops become `for await (... of ps.listen())`:
 *
 *   while (await ch.waitMessage()) { const msg = await ch.get(opts); ... }
 *   for await (const msg of ch.iter(opts)) { ... }
 *
 * Messages keep their v1 type: a Buffer unless an encoding was asked for, pattern messages a
 * [channel, message] pair. `unsubscribe(name)` on the client goes to the PubSub holding name.
 */
import {
  climbWrappers,
  enclosingFunction,
  enclosingStatement,
  isDeclarationId,
  isReferencePath,
  isStringLit,
  memberName,
  namesIn,
  uniqueName,
  type N,
  type P,
} from "../lib/ast.js";
import { codeOf, identifiersNamed, parseStatements } from "../lib/context.js";
import { resolveExport } from "../lib/bindings.js";
import { resolveBinding } from "../lib/scope.js";
import { classifyUse, localCallee, referencesOfHolder, stmtOf, type Obj, type Use, type CallUse } from "./objects.js";
import { entryText, inScope, type PubSubEntry, type PubSubRegistry } from "./pubsub-text.js";
import { planGuardedWaitLoop, planSingleRead } from "./pubsub-get.js";
import { planGetLoop, planIterLoop, planWaitLoop, type LoopPlan } from "./pubsub-loops.js";
import { privateMethodCallee } from "./private-method.js";
import { planAssignedSubscribe } from "./pubsub-assign.js";
import { deferUnsubscribe, isReceiverSubscription, noteReceiverSubscription } from "./receiver.js";
import { planFieldSubscribe, subscribesOutsideItsClass } from "./pubsub-field.js";
import { channelTypeRef, sharedSubscribeText } from "./pubsub-shared.js";
import type { V2State } from "./state.js";

export type { PubSubEntry, PubSubRegistry } from "./pubsub-text.js";

/**
 * `const [a, b] = await redis.subscribe("x", "y")` / `const a = (await redis.subscribe("x"))[0]`:
 * each channel variable becomes a PubSub subscribed to its channel.
 */
export function planSubscribe(state: V2State, client: Obj, use: CallUse, registry: PubSubRegistry): void {
  const ctx = state.ctx;
  const group = client.group;
  const pattern = use.method === "psubscribe";
  const call = use.callPath.node;
  const stmt = stmtOf(use.callPath);
  const args: N[] = call.arguments;
  if (args.length === 0 || args.some((a) => a.type === "SpreadElement")) {
    group.block(stmt, `${use.method}() without plain channel names`);
    return;
  }
  if (isReceiverSubscription(args)) {
    noteReceiverSubscription(state, client, use);
    return;
  }
  if (subscribesOutsideItsClass(client)) {
    group.block(
      stmt,
      `${use.method}() on a client whose class keeps its subscriptions in PubSub fields; in v2 subscribe through that class, or give this reader a client of its own`,
    );
    return;
  }
  const aw = climbWrappers(use.callPath).parent;
  if (aw?.node.type !== "AwaitExpression") {
    group.block(stmt, `${use.method}() is not awaited where it is called`);
    return;
  }
  const clientText = codeOf(ctx, use.memberPath.node.object);

  // const [a, b] = await redis.subscribe(...)
  const declarator = climbWrappers(aw).parent;
  let channelIds: N[] | null = null;
  let inlineLoop: P | null = null;
  if (declarator?.node.type === "VariableDeclarator" && declarator.node.id.type === "ArrayPattern") {
    const ids = declarator.node.id.elements;
    if (ids.length > args.length || ids.some((e: N) => !e || e.type !== "Identifier")) {
      group.block(stmt, "the channels are destructured in a way the codemod cannot follow");
      return;
    }
    channelIds = ids;
  } else {
    // [a, b] = await redis.subscribe(...), into variables declared before
    if (planAssignedSubscribe(state, client, use, registry, planChannelUses)) return;
    // (await redis.subscribe("x"))[0]
    const member = climbWrappers(aw).parent;
    const isIndex0 =
      member?.node.type === "MemberExpression" && member.node.computed && member.node.property.type.endsWith("Literal") && member.node.property.value === 0;
    if (!isIndex0 || args.length !== 1) {
      // `this.pubsub = await this.client.subscribe(name)`: the field keeps a PubSub (pubsub-field.ts)
      if (planFieldSubscribe(state, client, use, registry, aw)) return;
      const kept = member?.node.type === "AssignmentExpression" && member.node.right === climbWrappers(aw).node ? codeOf(ctx, member.node.left) : null;
      group.block(
        stmt,
        kept
          ? `the Channel list from ${use.method}() is kept in ${kept}, where the codemod does not follow channels (it follows local variables); in v2 keep a PubSub there (${kept} = ${codeOf(ctx, use.memberPath.node.object)}.pubsub(); await ${kept}.${use.method}(name)) and read it with listen()`
          : `the channels from ${use.method}() are used in a way the codemod cannot follow; in v2 use redis.pubsub() and ${use.method}() on it`,
      );
      return;
    }
    const holder = climbWrappers(member).parent;
    if (holder?.node.type === "VariableDeclarator" && holder.node.id.type === "Identifier") {
      channelIds = [holder.node.id];
    } else {
      // for await (const [channel, msg] of (await redis.psubscribe("p:*"))[0].iter(...))
      const iterMember = holder;
      const iterCall = iterMember ? climbWrappers(iterMember).parent : null;
      const loop = iterCall ? climbWrappers(iterCall).parent : null;
      if (
        iterMember?.node.type === "MemberExpression" &&
        memberName(iterMember.node) === "iter" &&
        iterCall?.node.type === "CallExpression" &&
        loop?.node.type === "ForOfStatement" &&
        loop.node.await &&
        loop.node.right === iterCall.node
      ) {
        inlineLoop = loop;
      } else {
        group.block(stmt, `the channel from ${use.method}() is used in a way the codemod cannot follow`);
        return;
      }
    }
  }
  const declStmt = enclosingStatement(use.callPath);
  if (!declStmt) {
    group.block(stmt, "the subscription is not in a statement the codemod can rewrite");
    return;
  }
  const entries: PubSubEntry[] = registry.get(client) ?? [];
  registry.set(client, entries);

  if (inlineLoop) {
    const taken = namesIn(ctx.j, enclosingFunction(declStmt)?.node ?? ctx.root.get().node);
    const name = uniqueName(taken, ["pubsub", "psub"]);
    const channelObj: Obj = { ...client, kind: "channel", label: name, holder: { type: "binding", name, declId: null, declPath: null }, origin: use.callPath };
    const loopPlan = planIterLoop(state, channelObj, inlineLoop, pattern, inlineLoop.node.right);
    if ("reason" in loopPlan) {
      group.block(stmt, `the channel's loop: ${loopPlan.reason}`);
      return;
    }
    entries.push({ name, pattern, names: args.filter(isStringLit).map((a) => a.value), declStmt });
    group.edit(3, declStmt.node, "pubsub", `${use.method}() gives Channel objects in v1; v2 has one PubSub per subscription`, () => {
      const code = `const ${name} = ${clientText}.pubsub();\nawait ${name}.${use.method}(${codeOf(ctx, args[0])});`;
      const [a, b] = parseStatements(ctx, code);
      loopPlan.run(name);
      insertBefore(declStmt, [a, b]);
    });
    return;
  }

  const ids = channelIds!;
  const plans: { id: N; arg: N; run: (() => void)[] }[] = [];
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    const arg = args[i];
    const channelObj: Obj = {
      ...client,
      kind: "channel",
      label: id.name,
      holder: { type: "binding", name: id.name, declId: id, declPath: null },
      origin: use.callPath,
    };
    const runs = planChannelUses(state, channelObj, pattern);
    if (!runs) return;
    plans.push({ id, arg, run: runs });
    // a reader of the client's one PubSub: that PubSub is the client's entry (pubsub-shared.ts)
    if (!client.sharedPubSub) entries.push({ name: id.name, pattern, names: isStringLit(arg) ? [arg.value] : [], declStmt });
  }
  if (args.length > ids.length) {
    // subscriptions whose Channel object is not kept: only the first ids.length get a PubSub
    group.block(stmt, `${use.method}() subscribes to channels whose Channel objects are dropped; give each its own variable`);
    return;
  }
  const kind = declStmt.node.type === "VariableDeclaration" ? declStmt.node.kind : "const";
  if (client.sharedPubSub) {
    // a reader of the client's one PubSub (pubsub-shared.ts)
    group.edit(3, declStmt.node, "pubsub", `${use.method}() gives a Channel in v1; in v2 it is a reader of the client's PubSub`, () => {
      const stmts = parseStatements(ctx, sharedSubscribeText(state, `${kind} ${plans[0]!.id.name}`, clientText, codeOf(ctx, plans[0]!.arg)));
      for (const r of plans[0]!.run) r();
      replaceStatement(declStmt, stmts, state.ctx.j);
    });
    return;
  }
  group.edit(3, declStmt.node, "pubsub", `${use.method}() gives Channel objects in v1; v2 has one PubSub per subscription`, () => {
    const lines: string[] = [];
    for (const p of plans) lines.push(`${kind} ${p.id.name} = ${clientText}.pubsub();`, `await ${p.id.name}.${use.method}(${codeOf(ctx, p.arg)});`);
    const stmts = parseStatements(ctx, lines.join("\n"));
    for (const p of plans) for (const r of p.run) r();
    replaceStatement(declStmt, stmts, state.ctx.j);
  });
}

function replaceStatement(stmt: P, nodes: N[], j: V2State["ctx"]["j"]): void {
  const list: N[] = stmt.parent.node.body ?? stmt.parent.node.consequent;
  nodes[0].comments = stmt.node.comments;
  // the body of an unbraced `if`: the statement itself, or a block of the new ones
  if (!Array.isArray(list)) {
    stmt.replace(nodes.length === 1 ? nodes[0] : j.blockStatement(nodes));
    return;
  }
  const at = list.indexOf(stmt.node);
  list.splice(at, 1, ...nodes);
}

function insertBefore(stmt: P, nodes: N[]): void {
  const list: N[] = stmt.parent.node.body ?? stmt.parent.node.consequent;
  const at = list.indexOf(stmt.node);
  nodes[0].comments = stmt.node.comments;
  stmt.node.comments = null;
  list.splice(at, 0, ...nodes);
}

/**
 * A channel that comes from elsewhere (a project method that returns one, kept here in a
 * variable): its uses are planned as those of a channel of this file's subscribe().
 */
export function planChannelRoot(state: V2State, channel: Obj): void {
  const at = channel.holder.declPath ?? channel.origin;
  const stmt = at ? enclosingStatement(at) : null;
  if (channel.holder.type !== "binding" || !channel.holder.declId || !stmt) {
    channel.group.block(
      stmt?.node ?? state.ctx.root.get().node.program.body[0],
      `the channel ${channel.label} is kept where the codemod does not follow channels (it follows local variables)`,
    );
    return;
  }
  const runs = planChannelUses(state, channel, !!channel.pattern);
  if (!runs || runs.length === 0) return;
  channel.group.edit(3, stmt.node, "pubsub-reads", "a Channel's reads are the PubSub's listen() in v2", () => {
    for (const r of runs) r();
  });
}

/** Reading loops found for a channel: the references they take over, and their rewrite. */

/** Plans every use of a channel variable (but those in `skip`); null (and a blocker) when one cannot be rewritten. */
export function planChannelUses(state: V2State, channel: Obj, pattern: boolean, skip?: Set<N>): (() => void)[] | null {
  const group = channel.group;
  const refs = referencesOfHolder(state, channel.holder);
  const runs: (() => void)[] = [];
  const handled = new Set<N>(skip ?? []);
  // the reading loops first (waitMessage() and iter() before get(), which they may start with):
  // each takes the channel's references inside it (`ch.name`)
  for (const methods of [
    ["waitMessage", "iter"],
    ["get", "getJson"],
  ]) {
    for (const ref of refs) {
      if (handled.has(ref.node)) continue;
      const u = classifyUse(ref);
      if (u.type !== "call" || !methods.includes(u.method)) continue;
      let plan: LoopPlan;
      if (u.method === "waitMessage") {
        plan = planWaitLoop(state, channel, u, pattern);
        // `while (more && (await ch.waitMessage()))`: the condition comes before the wait
        if ("reason" in plan) plan = planGuardedWaitLoop(state, channel, u, pattern) ?? plan;
        if ("reason" in plan) plan = { reason: `the channel's waitMessage() loop: ${plan.reason}` };
      } else if (u.method === "iter") {
        const loop = climbWrappers(u.callPath).parent;
        if (loop?.node.type !== "ForOfStatement" || !loop.node.await || loop.node.right !== u.callPath.node) {
          plan = { reason: "iter() outside `for await`; in v2 loop over pubsub.listen()" };
        } else {
          plan = planIterLoop(state, channel, loop, pattern, u.callPath.node);
          if ("reason" in plan) plan = { reason: `the channel's iter() loop: ${plan.reason}` };
        }
      } else {
        plan = planGetLoop(state, channel, u, pattern);
        // not a reading loop: the read on its own (the next message, null once closed)
        if ("reason" in plan) {
          const single = planSingleRead(state, channel, u, pattern);
          if (!("reason" in single)) plan = single;
        }
      }
      if ("reason" in plan) {
        group.block(stmtOf(ref), plan.reason);
        return null;
      }
      handled.add(ref.node);
      for (const n of plan.handles) handled.add(n);
      const run = plan.run;
      runs.push(() => run(channel.label));
    }
  }
  for (const ref of refs) {
    if (handled.has(ref.node)) continue;
    const instance = planInstanceof(state, channel, ref);
    if (instance) {
      if ("reason" in instance) {
        group.block(stmtOf(ref), instance.reason);
        return null;
      }
      continue;
    }
    const u = classifyUse(ref);
    if (u.type === "neutral") continue;
    if (u.type === "arg") {
      const followed = followIntoFunction(state, channel, pattern, u);
      if (!followed) return null;
      if ("reason" in followed) {
        group.block(stmtOf(ref), followed.reason);
        return null;
      }
      runs.push(...followed.runs);
      continue;
    }
    const what = u.type === "call" ? `${u.method}()` : u.type === "prop" ? u.name : "this use";
    group.block(stmtOf(ref), `Channel ${what} has no v2 equivalent: v2 reads messages from the PubSub (getMessage() / listen()), see MIGRATION.md`);
    return null;
  }
  return runs;
}

/**
 * `ch instanceof Channel` / `ch instanceof AbcChannel`: always true for a Channel of
 * subscribe(), as `ps instanceof PubSub` is for the PubSub it becomes. Null when the
 * reference is not the subject of an instanceof.
 */
function planInstanceof(state: V2State, channel: Obj, ref: P): { ok: true } | { reason: string } | null {
  const p = climbWrappers(ref);
  const parent = p.parent?.node;
  if (parent?.type !== "BinaryExpression" || parent.operator !== "instanceof" || parent.left !== p.node) return null;
  const rightPath: P = p.parent.get("right");
  const v1 = resolveExport(state.info, rightPath);
  if (!v1 || (v1.name !== "Channel" && v1.name !== "AbcChannel"))
    return { reason: "an instanceof test of the channel against a class other than Channel / AbcChannel" };
  if (channel.sharedPubSub) return { reason: "an instanceof test of a channel that is a reader of the client's one PubSub in v2, not a PubSub" };
  const right = parent.right;
  channel.group.v1Refs.push(right, right.object ?? right);
  channel.group.edit(1, parent, "pubsub-instanceof", `${v1.name} is PubSub in v2 (the channel is a PubSub)`, () => {
    parent.right = state.ref("PubSub", { ref: v1, node: right });
  });
  return { ok: true };
}

/** Parameters of local functions that receive channels: one kind of channel each. */
interface ChannelParam {
  group: Obj["group"];
  /** Readers of a client's one PubSub (pubsub-shared.ts) rather than PubSubs. */
  shared: boolean;
  pattern: boolean;
  decode: boolean | null;
  fnName: string;
  /** Every call of the function, and those known to pass it a channel of the group. */
  calls: P[];
  given: Set<N>;
}
const channelParams = new WeakMap<V2State, Map<N, ChannelParam>>();

/** A function given a channel must be given one by every call: another value would meet a PubSub's API. */
export function finishChannelParams(state: V2State): void {
  for (const param of channelParams.get(state)?.values() ?? []) {
    for (const call of param.calls) {
      if (!param.given.has(call.node))
        param.group.block(
          stmtOf(call),
          `${param.fnName} is given a channel elsewhere, and here a value the codemod does not know to be one; migrate it by hand`,
        );
    }
  }
}

/** `reader(ch)` for a local function `reader(channel)`: the parameter is a channel too, its uses are planned the same way. */
function followIntoFunction(
  state: V2State,
  channel: Obj,
  pattern: boolean,
  use: Extract<Use, { type: "arg" }>,
): { runs: (() => void)[] } | { reason: string } | null {
  const local = localCallee(state, use.callPath, use.index);
  const method = local ? null : privateMethodCallee(state, use.callPath, use.index);
  if (method && "reason" in method) return method;
  const target = local ?? method;
  if (!target) return { reason: "the channel is passed to a function the codemod cannot follow; in v2 pass the PubSub and read it with listen()" };
  let fnName: string;
  let calls: P[];
  if (method) {
    // a private method: its calls are all in the class
    fnName = method.name;
    calls = method.calls;
  } else {
    const fnStmt = enclosingStatement(target.fn);
    if (fnStmt?.node.type === "ExportNamedDeclaration" || fnStmt?.node.type === "ExportDefaultDeclaration")
      return { reason: "the channel is passed to an exported function, whose other callers the codemod cannot see" };
    const name: string | undefined = target.fn.node.id?.name ?? target.fn.parent?.node.id?.name;
    const fnDecl: N | undefined = target.fn.node.id ?? target.fn.parent?.node.id;
    if (!name || !fnDecl) return { reason: "the channel is passed to a function the codemod cannot follow" };
    fnName = name;
    const others = identifiersNamed(state.ctx, name).filter(
      (p: P) => p.node !== fnDecl && isReferencePath(p) && !isDeclarationId(p) && resolveBinding(p, name) === fnDecl,
    );
    if (others.some((p: P) => p.parent?.node.type !== "CallExpression" || p.parent.node.callee !== p.node))
      return { reason: `${name} is used other than by calling it, so the codemod cannot see every channel it is given` };
    calls = others.map((p: P) => p.parent);
  }
  const param = target.param.node;
  const seen = channelParams.get(state) ?? new Map<N, ChannelParam>();
  channelParams.set(state, seen);
  const prev = seen.get(param);
  if (prev) {
    if (prev.group.root() !== channel.group.root() || prev.pattern !== pattern || prev.decode !== channel.decode || !prev.shared !== !channel.sharedPubSub)
      return { reason: `${fnName} is given channels of different clients or kinds; migrate it by hand` };
    prev.given.add(use.callPath.node);
    return { runs: [] };
  }
  seen.set(param, {
    group: channel.group,
    shared: !!channel.sharedPubSub,
    pattern,
    decode: channel.decode,
    fnName,
    calls,
    given: new Set([use.callPath.node]),
  });
  const paramObj: Obj = {
    ...channel,
    label: param.name,
    holder: { type: "binding", name: param.name, declId: param, declPath: target.param },
    origin: null,
  };
  const ann = param.typeAnnotation?.typeAnnotation;
  if (ann) {
    const v1 = ann.type === "TSTypeReference" ? resolveExport(state.info, target.param.get("typeAnnotation", "typeAnnotation", "typeName")) : null;
    if (!v1 || (v1.name !== "Channel" && v1.name !== "AbcChannel"))
      return { reason: `the parameter ${param.name} of ${fnName} is typed in a way the codemod cannot turn into PubSub` };
    channel.group.v1Refs.push(ann.typeName, ann.typeName.left ?? ann.typeName);
    const typeArg = channel.decode ? "string" : null;
    const what = channel.sharedPubSub ? "a reader (listen()) of a PubSub" : `PubSub${typeArg ? `<${typeArg}>` : ""}`;
    channel.group.edit(1, ann, "type", `${v1.name} is ${what} in v2`, () => {
      param.typeAnnotation.typeAnnotation = channelTypeRef(state, channel, ann.typeName, typeArg);
    });
  }
  const runs = planChannelUses(state, paramObj, pattern);
  // its blocker is on the use inside the function
  if (!runs) return null;
  return { runs };
}

/** `await redis.unsubscribe("a")` -> `await a.unsubscribe("a")` on the PubSub holding "a". */
export function planUnsubscribe(state: V2State, client: Obj, use: CallUse, registry: PubSubRegistry): void {
  if (deferUnsubscribe(state, client, use)) return;
  const group = client.group;
  const stmt = enclosingStatement(use.callPath);
  const pattern = use.method === "punsubscribe";
  const args: N[] = use.callPath.node.arguments;
  const aw = climbWrappers(use.callPath).parent;
  const entries = (registry.get(client) ?? []).filter((e) => e.pattern === pattern);
  const fail = (why: string) =>
    group.block(stmt?.node ?? use.callPath.node, `${use.method}(): ${why}; in v2 call ${use.method}() on the PubSub that subscribed`);
  if (!stmt || stmt.node.type !== "ExpressionStatement" || stmt.node.expression !== (aw?.node.type === "AwaitExpression" ? aw.node : use.callPath.node))
    return fail("its result is used");
  const targets = new Map<string, string[]>();
  // v1 needs a name (it throws without one)
  if (args.length === 0) return fail("no channel names");
  // literal names: the PubSub that subscribed each, unless the client's one PubSub subscribed a name known only at run time
  if (args.every(isStringLit) && !(entries.length === 1 && entries[0]!.names.length === 0)) {
    for (const a of args) {
      const entry = entries.find((e) => e.names.includes(a.value));
      if (!entry) return fail(`no subscription to ${a.value} was rewritten here`);
      const list = targets.get(entry.name) ?? [];
      list.push(codeOf(state.ctx, a));
      targets.set(entry.name, list);
    }
  } else {
    // names known only at run time: exact when the client has one PubSub (of this kind)
    if (args.some((a) => a.type === "SpreadElement") || entries.length !== 1)
      return fail(entries.length > 1 ? "the channel names are not literals and the client has several PubSubs" : "the channel names are not literals");
    targets.set(
      entries[0]!.name,
      args.map((a) => codeOf(state.ctx, a)),
    );
  }
  for (const name of targets.keys()) {
    const entry = entries.find((e) => e.name === name)!;
    if (!inScope(entry, stmt)) return fail(`the PubSub ${name} that subscribed is out of reach here`);
  }
  const awaited = aw?.node.type === "AwaitExpression";
  group.edit(3, stmt.node, "pubsub-unsubscribe", `${use.method}() goes to the PubSub that subscribed in v2`, () => {
    const lines = [...targets].map(
      ([name, names]) => `${awaited ? "await " : ""}${entryText(entries.find((e) => e.name === name)!)}.${use.method}(${names.join(", ")});`,
    );
    const stmts = parseStatements(state.ctx, lines.join("\n"));
    replaceStatement(stmt, stmts, state.ctx.j);
  });
}
