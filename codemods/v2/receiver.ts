/**
 * v1's `Receiver` (mpsc: many subscriptions, one reader) to one v2 `PubSub` of the client
 * that subscribes it:
 *
 *   mpsc = new Receiver()                      ->  mpsc = redis.pubsub()
 *   await redis.subscribe(mpsc.channel(a))     ->  await mpsc.subscribe(a)
 *   await redis.psubscribe(mpsc.pattern(p))    ->  await mpsc.psubscribe(p)
 *   await redis.unsubscribe(name)              ->  await mpsc.unsubscribe(name)
 *   mpsc.stop()                                ->  await mpsc.close()
 *   for await (const [sender, msg] of mpsc.iter(opts)) { ... }
 *   (or while (await mpsc.waitMessage()) { const [sender, msg] = await mpsc.get(opts); ... })
 *     -> a getMessage() loop that, like the Receiver, may start before the first subscription
 *        and ends when the PubSub is closed or its last subscription goes; `sender.name` is
 *        the message's channel (pattern), `msg` keeps its v1 value.
 *
 * It applies when the Receiver is all the client subscribes (so the client's subscriptions
 * and the PubSub's are the same), it is made right after the client, in the same block, and
 * it is read by such loops; anything else keeps the client's group on compat with a marker.
 */
import { resolveExport } from "../lib/bindings.js";
import {
  canAwait,
  climbWrappers,
  enclosingFunction,
  enclosingStatement,
  memberName,
  namesIn,
  replaceNode,
  statementList,
  uniqueName,
  type N,
  type P,
} from "../lib/ast.js";
import { codeOf, identifiersNamed, parseStatements, quoteString, raw, rawStatement } from "../lib/context.js";
import { resolveBinding } from "../lib/scope.js";
import { classifyUse, holderOf, referencesOfHolder, stmtOf, type Obj, type CallUse } from "./objects.js";
import { channelText, dataText, messageName, nameText, readOptions, replaceExpression, within, type PubSubRegistry } from "./pubsub-text.js";
import type { Group, V2State } from "./state.js";

const RECEIVER_MARKER =
  "Receiver (mpsc) subscriptions: in v2 use one PubSub, subscribe it to every channel and pattern, and dispatch on message.channel / message.pattern in its listen() loop";

interface Pending {
  /** `new Receiver()` expressions of the file, with their groups. */
  receivers: { path: P; group: Group }[];
  /** `client.subscribe(mpsc.channel(a))` calls of tracked clients, by call node. */
  subscribes: Map<N, { client: Obj; use: CallUse }>;
  /** `client.unsubscribe(...)` calls of clients with Receiver subscriptions. */
  unsubscribes: { client: Obj; use: CallUse }[];
}

const pendingOf = new WeakMap<V2State, Pending>();

function pending(state: V2State): Pending {
  let p = pendingOf.get(state);
  if (!p) {
    p = { receivers: [], subscribes: new Map(), unsubscribes: [] };
    pendingOf.set(state, p);
  }
  return p;
}

/** Whether a subscribe call's arguments are Receiver senders (`mpsc.channel(a)`). */
export function isReceiverSubscription(args: N[]): boolean {
  return args.some((a) => a.type === "CallExpression" && ["channel", "pattern"].includes(memberName(a.callee) ?? ""));
}

/** A `new Receiver()`: planned at the end, once every client's subscriptions are known. */
export function noteReceiver(state: V2State, path: P): void {
  const group = state.group("Receiver");
  group.anchor = stmtOf(path);
  pending(state).receivers.push({ path, group });
}

/** A subscribe call with Receiver senders, on a tracked client. */
export function noteReceiverSubscription(state: V2State, client: Obj, use: CallUse): void {
  pending(state).subscribes.set(use.callPath.node, { client, use });
}

/** An unsubscribe call of a client with Receiver subscriptions is planned with the Receiver. */
export function deferUnsubscribe(state: V2State, client: Obj, use: CallUse): boolean {
  const p = pending(state);
  const has = [...p.subscribes.values()].some((s) => sameClient(s.client, client));
  if (has) p.unsubscribes.push({ client, use });
  return has;
}

function sameClient(a: Obj, b: Obj): boolean {
  if (a === b) return true;
  const ha = a.holder;
  const hb = b.holder;
  if (ha.type === "field" && hb.type === "field") return ha.name === hb.name && ha.classPath.node === hb.classPath.node;
  if (ha.type === "binding" && hb.type === "binding") return !!ha.declId && ha.declId === hb.declId;
  return false;
}

/** Plans every Receiver of the file; subscriptions no Receiver plan took keep their client on compat. */
export function finishReceivers(state: V2State, registry: PubSubRegistry): void {
  const p = pending(state);
  const claimed = new Set<N>();
  for (const r of p.receivers) {
    const result = planReceiver(state, r.path, r.group, p, registry);
    if ("reason" in result) {
      r.group.block(result.stmt ?? stmtOf(r.path), result.reason);
      for (const c of result.calls ?? []) {
        const s = p.subscribes.get(c);
        if (s) s.client.group.absorb(r.group);
      }
    }
    for (const c of result.calls ?? []) claimed.add(c);
  }
  for (const [call, s] of p.subscribes) if (!claimed.has(call)) s.client.group.block(stmtOf(s.use.callPath), RECEIVER_MARKER);
  for (const u of p.unsubscribes) {
    const subscribed = [...p.subscribes.entries()].some(([call, s]) => claimed.has(call) && sameClient(s.client, u.client));
    if (!subscribed) u.client.group.block(stmtOf(u.use.callPath), `${u.use.method}(): in v2 call ${u.use.method}() on the PubSub that subscribed`);
  }
}

type Result = { ok: true; calls: N[] } | { reason: string; stmt?: N; calls?: N[] };

function planReceiver(state: V2State, newPath: P, group: Group, p: Pending, registry: PubSubRegistry): Result {
  const ctx = state.ctx;
  const v1 = resolveExport(state.info, newPath.get("callee"));
  if (!v1) return { reason: RECEIVER_MARKER };
  const callee = newPath.node.callee;
  group.v1Refs.push(callee, callee.object ?? callee);
  if (newPath.node.arguments.length > 0)
    return { reason: "Receiver with options (onClose): in v2 use one PubSub and handle the end of its subscriptions in its reading loop" };
  const held = holderOf(state, newPath);
  if ("reason" in held) return { reason: `the Receiver made here ${held.reason}; in v2 use client.pubsub()` };
  const holder = held.holder;
  const rStmt = held.declStmt;
  const refs = referencesOfHolder(state, holder);

  const subscribeCalls: { sub: { client: Obj; use: CallUse }; senderCalls: N[] }[] = [];
  const loops: CallUse[] = [];
  const gets: CallUse[] = [];
  const stops: CallUse[] = [];
  for (const ref of refs) {
    const u = classifyUse(ref);
    if (u.type === "neutral") continue;
    if (u.type === "assign") {
      const right = u.assignPath.node.right;
      if (right === newPath.node || right.type === "NullLiteral" || (right.type === "Literal" && right.value === null)) continue;
      return { reason: "the Receiver's variable is assigned another value; migrate it by hand", stmt: stmtOf(ref) };
    }
    if (u.type === "call" && (u.method === "channel" || u.method === "pattern")) {
      const outer = climbWrappers(u.callPath).parent;
      const sub = outer?.node.type === "CallExpression" ? p.subscribes.get(outer.node) : undefined;
      if (!sub) return { reason: `mpsc.${u.method}() outside a subscribe call of a client the codemod follows`, stmt: stmtOf(ref) };
      const entry = subscribeCalls.find((s) => s.sub === sub) ?? { sub, senderCalls: [] };
      if (!subscribeCalls.includes(entry)) subscribeCalls.push(entry);
      entry.senderCalls.push(u.callPath.node);
      continue;
    }
    if (u.type === "call" && (u.method === "iter" || u.method === "waitMessage")) {
      loops.push(u);
      continue;
    }
    if (u.type === "call" && u.method === "get") {
      gets.push(u);
      continue;
    }
    if (u.type === "call" && u.method === "stop") {
      stops.push(u);
      continue;
    }
    const what = u.type === "call" ? `${u.method}()` : u.type === "prop" ? u.name : "this use";
    return { reason: `Receiver ${what} has no v2 equivalent the codemod can write: in v2 read the PubSub with getMessage() / listen()`, stmt: stmtOf(ref) };
  }
  const calls = subscribeCalls.map((s) => s.sub.use.callPath.node);
  if (subscribeCalls.length === 0) return { reason: "the Receiver is not subscribed through a client the codemod follows" };
  const client = subscribeCalls[0]!.sub.client;
  for (const s of subscribeCalls) s.sub.client.group.absorb(group);
  if (subscribeCalls.some((s) => !sameClient(s.sub.client, client)))
    return { reason: "the Receiver is subscribed through several clients; in v2 each client has its PubSub", calls };
  const others = [...p.subscribes.values()].filter((s) => sameClient(s.client, client) && !subscribeCalls.some((c) => c.sub === s));
  if (others.length > 0 || (registry.get(client)?.length ?? 0) > 0)
    return { reason: "the client also subscribes other Receivers or Channels; in v2 give each reader a PubSub of its own", calls };

  // made right after the client, where the client can make it
  const cStmt = client.origin ? enclosingStatement(client.origin) : null;
  const list = rStmt ? statementList(rStmt) : null;
  if (!cStmt || !rStmt || !list || !list.includes(cStmt.node) || list.indexOf(cStmt.node) > list.indexOf(rStmt.node))
    return { reason: "the Receiver is not made right after its client (in the same block); in v2 make it with client.pubsub() once the client exists", calls };
  const clientText = client.holder.type === "field" ? `this.${client.holder.name}` : client.holder.type === "binding" ? client.holder.name : null;
  if (!clientText) return { reason: RECEIVER_MARKER, calls };

  // subscriptions: channel() in subscribe(), pattern() in psubscribe()
  let channels = false;
  let patterns = false;
  for (const s of subscribeCalls) {
    const use = s.sub.use;
    const args: N[] = use.callPath.node.arguments;
    const want = use.method === "psubscribe" ? "pattern" : "channel";
    if (args.length !== s.senderCalls.length || args.some((a) => !s.senderCalls.includes(a) || memberName(a.callee) !== want))
      return {
        reason: `${use.method}() mixes Receiver senders with other arguments, or ${want === "channel" ? "patterns" : "channels"}`,
        stmt: stmtOf(use.callPath),
        calls,
      };
    if (args.some((a) => a.arguments.length !== 1 || a.arguments[0].type === "SpreadElement"))
      return { reason: `mpsc.${want}() without exactly one name`, stmt: stmtOf(use.callPath), calls };
    const aw = climbWrappers(use.callPath).parent;
    const stmt = enclosingStatement(use.callPath);
    if (stmt?.node.type !== "ExpressionStatement" || stmt.node.expression !== (aw?.node.type === "AwaitExpression" ? aw.node : use.callPath.node))
      return { reason: `the result of ${use.method}() is used; in v2 ${use.method}() on the PubSub resolves to nothing`, stmt: stmtOf(use.callPath), calls };
    if (want === "channel") channels = true;
    else patterns = true;
  }
  if (loops.length === 0)
    return {
      reason:
        "the Receiver is not read by a `for await (const [sender, msg] of mpsc.iter())` or `while (await mpsc.waitMessage()) { const [sender, msg] = await mpsc.get(); ... }` loop",
      calls,
    };

  const loopPlans: (() => void)[] = [];
  const readGets = new Set<N>();
  for (const loop of loops) {
    const plan = planLoop(state, client, loop, { channels, patterns });
    if ("reason" in plan) return { reason: plan.reason, stmt: stmtOf(loop.callPath), calls };
    if (plan.get) readGets.add(plan.get);
    loopPlans.push(plan.run);
  }
  const stray = gets.find((g) => !readGets.has(g.callPath.node));
  if (stray)
    return {
      reason: "Receiver get() outside `while (await mpsc.waitMessage()) { const [sender, msg] = await mpsc.get(); ... }`",
      stmt: stmtOf(stray.callPath),
      calls,
    };
  const stopPlans: (() => void)[] = [];
  for (const stop of stops) {
    const stmt = enclosingStatement(stop.callPath);
    if (stmt?.node.type !== "ExpressionStatement" || stmt.node.expression !== climbWrappers(stop.callPath).node)
      return { reason: "the result of stop() is used", stmt: stmtOf(stop.callPath), calls };
    const wait = canAwait(stmt);
    const target = codeOf(ctx, stop.memberPath.node.object);
    stopPlans.push(() => {
      stmt.node.expression = raw(ctx, `${wait ? "await" : "void"} ${target}.close()`);
    });
  }

  // unsubscribe() of the client goes to its PubSub
  const receiverText = holder.type === "field" ? `this.${holder.name}` : holder.name;
  const unsubPlans: (() => void)[] = [];
  for (const u of p.unsubscribes) {
    if (!sameClient(u.client, client)) continue;
    const use = u.use;
    const aw = climbWrappers(use.callPath).parent;
    const awaited = aw?.node.type === "AwaitExpression";
    const stmt = enclosingStatement(use.callPath);
    if (stmt?.node.type !== "ExpressionStatement" || stmt.node.expression !== (awaited ? aw.node : use.callPath.node))
      return { reason: `the result of ${use.method}() is used`, stmt: stmtOf(use.callPath), calls };
    if (holder.type === "binding" && !(within(stmt, rStmt.parent.node) && (stmt.node.start ?? 0) > (rStmt.node.start ?? 0)))
      return { reason: `${use.method}(): the Receiver's PubSub is out of reach here; in v2 call ${use.method}() on it`, stmt: stmtOf(use.callPath), calls };
    const args = use.callPath.node.arguments.map((a: N) => codeOf(ctx, a)).join(", ");
    const target = holder.type === "field" ? `${receiverText}?.` : `${receiverText}.`;
    unsubPlans.push(() => {
      stmt.node.expression = raw(ctx, `${awaited ? "await " : ""}${target}${use.method}(${args})`);
    });
  }

  // the holder's type: Receiver -> PubSub
  const typeArg = client.decode ? "string" : null;
  const typePlans: (() => void)[] = [];
  const declPath = holder.declPath;
  if (declPath) {
    const node = declPath.node;
    const id = node.type === "VariableDeclarator" ? node.id : node;
    const ann = id?.typeAnnotation?.typeAnnotation;
    const annPath: P | null = ann ? (node.type === "VariableDeclarator" ? declPath.get("id") : declPath).get("typeAnnotation", "typeAnnotation") : null;
    const typeRefs: P[] = [];
    if (ann?.type === "TSTypeReference") typeRefs.push(annPath!);
    else if (ann?.type === "TSUnionType") {
      ann.types.forEach((t: N, i: number) => {
        if (t.type === "TSTypeReference") typeRefs.push(annPath!.get("types", i));
      });
    }
    for (const r of typeRefs) {
      const ref = resolveExport(state.info, r.get("typeName"));
      if (ref?.name !== "Receiver") continue;
      group.v1Refs.push(r.node.typeName, r.node.typeName.left ?? r.node.typeName);
      typePlans.push(() => replaceNode(r, state.typeRef("PubSub", r.node.typeName, typeArg)));
    }
  }

  const entries = registry.get(client) ?? [];
  registry.set(client, entries);
  entries.push({ name: holder.name, pattern: false, names: [], declStmt: rStmt, field: holder.type === "field" });

  group.edit(3, rStmt.node, "receiver", "a v1 Receiver is one PubSub of its client in v2", () => {
    for (const t of typePlans) t();
    replaceNode(newPath, raw(ctx, `${clientText}.pubsub()`));
    for (const s of subscribeCalls) {
      const use = s.sub.use;
      const names = s.senderCalls.map((c) => codeOf(ctx, c.arguments[0])).join(", ");
      const object = codeOf(ctx, s.senderCalls[0].callee.object);
      use.memberPath.node.object = raw(ctx, object);
      use.callPath.node.arguments = [raw(ctx, names)];
    }
    for (const u of unsubPlans) u();
    for (const s of stopPlans) s();
    for (const l of loopPlans) l();
  });
  return { ok: true, calls };
}

/**
 * `for await (const [sender, msg] of mpsc.iter(opts)) { ... }`. v2's listen() ends at once
 * when nothing is subscribed yet, where a Receiver waits: so the loop reads getMessage(),
 * after connect() (which lets it wait before the first subscription).
 */
function planLoop(
  state: V2State,
  client: Obj,
  use: CallUse,
  kinds: { channels: boolean; patterns: boolean },
): { reason: string } | { run: () => void; get: N | null } {
  const ctx = state.ctx;
  const shape = loopShape(ctx, use);
  if ("reason" in shape) return shape;
  const { loopPath, loop, pattern, kind, optArgs, read } = shape;
  const list = statementList(loopPath);
  if (!list) return { reason: "the Receiver's loop is not in a block the codemod can add to" };
  if (pattern?.type !== "ArrayPattern" || pattern.elements.length !== 2 || pattern.elements.some((e: N) => e && e.type !== "Identifier"))
    return { reason: "the Receiver's messages are not destructured as [sender, msg]" };
  const [senderId, msgId] = pattern.elements;
  const opts = readOptions(ctx, optArgs, false);
  if ("reason" in opts) return opts;
  const m = messageName(state, loopPath);
  const data = dataText(ctx, client, m, opts);
  if (typeof data !== "string") return data;
  const isP = `${m}.type === ${quoteString(ctx, "pmessage")}`;
  const pair = `[${channelText(ctx, client, m)}, ${data}]`;
  const value = kinds.patterns ? (kinds.channels ? `${isP} ? ${pair} : ${data}` : pair) : data;

  // the sender: its name, whether it is a pattern, an instanceof AbcChannel guard
  const senderPlans: (() => void)[] = [];
  if (senderId) {
    const refs = identifiersNamed(ctx, senderId.name).filter((p: P) => p.node !== senderId && resolveBinding(p, senderId.name) === senderId);
    // the guards go, with what they hold
    const guards = refs.map((ref: P) => instanceofGuard(state, ref)).filter((g: P | null): g is P => g !== null);
    for (const ref of refs) {
      if (!within(ref, loop.body)) return { reason: "the sender is used outside its loop" };
      const guard = guards.find((g: P) => within(ref, g.node));
      if (guard) {
        if (guard !== instanceofGuard(state, ref)) continue;
        const right = guard.node.test.argument.right ?? guard.node.test.argument.expression?.right;
        if (right) client.group.v1Refs.push(right, right.object ?? right);
        senderPlans.push(() => {
          const l = statementList(guard);
          if (l) l.splice(l.indexOf(guard.node), 1);
        });
        continue;
      }
      const u = classifyUse(ref);
      if (u.type === "prop" && u.name === "name") {
        const text = nameText(ctx, client, m, kinds.patterns ? (kinds.channels ? "either" : true) : false);
        if (typeof text !== "string") return text;
        senderPlans.push(() => replaceExpression(ctx, u.memberPath, text));
        continue;
      }
      if (u.type === "prop" && u.name === "isPattern") {
        const text = kinds.patterns ? (kinds.channels ? `${m}.pattern !== null` : "true") : "false";
        senderPlans.push(() => replaceExpression(ctx, u.memberPath, text));
        continue;
      }
      return { reason: "the sender is used in a way the codemod cannot write in v2 (it knows sender.name, sender.isPattern and instanceof AbcChannel)" };
    }
  }
  const source = codeOf(ctx, use.memberPath.node.object);
  const taken = namesIn(ctx.j, enclosingFunction(loopPath)?.node ?? ctx.root.get().node);
  const simple = /^[A-Za-z_$][\w$]*$/.test(source);
  return {
    get: read ? read.declarations[0].init.argument : null,
    run: () => {
      for (const s of senderPlans) s();
      // names this pass already gave (two loops in one function get two names)
      const given = givenNames.get(state) ?? new Set<string>();
      givenNames.set(state, given);
      const ps = simple ? source : uniqueName(new Set([...taken, ...given]), ["pubsub", "receiverPubsub"]);
      given.add(ps);
      const before = parseStatements(ctx, `${simple ? "" : `const ${ps} = ${source};\n`}await ${ps}.connect();`);
      const head = [
        `const ${m} = await ${ps}.getMessage({ timeout: null })`,
        `if (${m} === null || ((${m}.type === ${quoteString(ctx, "unsubscribe")} || ${m}.type === ${quoteString(ctx, "punsubscribe")}) && ${m}.data === 0)) break`,
        `if (${m}.type !== ${quoteString(ctx, "message")} && ${m}.type !== ${quoteString(ctx, "pmessage")}) continue`,
        ...(msgId ? [`${kind} ${msgId.name} = ${value}`] : []),
      ].map((l) => rawStatement(ctx, l));
      const j = ctx.j;
      let body = loop.body;
      if (body.type !== "BlockStatement") body = j.blockStatement([body]);
      if (read) {
        head[0].comments = read.comments;
        body.body.splice(0, 1);
      }
      body.body.unshift(...head);
      const loopNode = j.whileStatement(raw(ctx, `${ps}.subscribed || ${ps}.connected`), body);
      (before[0] as N).comments = loop.comments;
      const at = list.indexOf(loop);
      list.splice(at, 1, ...before, loopNode);
    },
  };
}

const givenNames = new WeakMap<V2State, Set<string>>();

interface LoopShape {
  loopPath: P;
  loop: N;
  /** What each message is destructured into (`[sender, msg]`), and with which kind of declaration. */
  pattern: N | null;
  kind: string;
  optArgs: N[];
  /** `const [sender, msg] = await mpsc.get(opts)`, the first statement of a waitMessage() loop. */
  read: N | null;
}

/** `for await (const [s, m] of mpsc.iter(opts))` or `while (await mpsc.waitMessage()) { const [s, m] = await mpsc.get(opts); ... }`. */
function loopShape(ctx: V2State["ctx"], use: CallUse): LoopShape | { reason: string } {
  const outer = climbWrappers(use.callPath);
  if (use.method === "iter") {
    const loopPath: P = outer.parent;
    const loop = loopPath?.node;
    if (loop?.type !== "ForOfStatement" || !loop.await || loop.right !== outer.node)
      return { reason: "Receiver iter() outside `for await`; in v2 read the PubSub with getMessage()" };
    const left = loop.left;
    const single = left.type === "VariableDeclaration" && left.declarations.length === 1;
    return {
      loopPath,
      loop,
      pattern: single ? left.declarations[0].id : null,
      kind: single ? left.kind : "const",
      optArgs: use.callPath.node.arguments,
      read: null,
    };
  }
  const why = { reason: "Receiver waitMessage() outside `while (await mpsc.waitMessage()) { const [sender, msg] = await mpsc.get(); ... }`" };
  const aw = outer.parent;
  const loopPath: P | null = aw?.node.type === "AwaitExpression" ? climbWrappers(aw).parent : null;
  const loop = loopPath?.node;
  if (!loopPath || loop?.type !== "WhileStatement" || loop.test !== aw.node || loop.body.type !== "BlockStatement") return why;
  const first = loop.body.body[0];
  const d = first?.type === "VariableDeclaration" && first.declarations.length === 1 ? first.declarations[0] : null;
  const get = d?.init?.type === "AwaitExpression" ? d.init.argument : null;
  if (get?.type !== "CallExpression" || memberName(get.callee) !== "get" || codeOf(ctx, get.callee.object) !== codeOf(ctx, use.memberPath.node.object))
    return why;
  return { loopPath, loop, pattern: d.id, kind: first.kind, optArgs: get.arguments, read: first };
}

/** `if (!(sender instanceof AbcChannel)) ...` (always false for a Receiver's sender): the if statement, or null. */
function instanceofGuard(state: V2State, ref: P): P | null {
  const p = climbWrappers(ref);
  const bin = p.parent;
  if (bin?.node.type !== "BinaryExpression" || bin.node.operator !== "instanceof" || bin.node.left !== p.node) return null;
  const v1 = resolveExport(state.info, bin.get("right"));
  if (v1?.name !== "AbcChannel") return null;
  let up: P = bin.parent;
  while (up?.node.type === "ParenthesizedExpression") up = up.parent;
  if (up?.node.type !== "UnaryExpression" || up.node.operator !== "!") return null;
  const ifPath = up.parent;
  if (ifPath?.node.type !== "IfStatement" || ifPath.node.test !== up.node || ifPath.node.alternate) return null;
  return statementList(ifPath) ? ifPath : null;
}
