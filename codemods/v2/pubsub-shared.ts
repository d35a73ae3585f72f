/**
 * A client a class keeps in a private field only to subscribe, whose subscriptions are read
 * in one method and ended by name in another (a driver's `subscribe(name)` that returns a
 * reader, and its `unsubscribe(name)`). v1 kept every channel on the client's one connection
 * and ended each at its unsubscribe confirmation; a v2 PubSub per subscription would be a
 * local of the method that subscribed (out of reach of `unsubscribe(name)`) and would take a
 * connection each. So in v2 the field keeps ONE PubSub, and each channel is a reader of it:
 *
 *   this.sub = new Redis(this.conn)               ->  this.sub = this.conn.pubsub()
 *   [ch] = await this.sub.subscribe(name)         ->  ch = await v1Channel(this.sub, name)
 *   while (await ch.waitMessage()) ...            ->  for await (const m of ch.listen()) ...
 *   await this.sub.unsubscribe(name)              ->  (the same call, on the PubSub)
 *   pool.close() (or pool.release(this.conn))     ->  await this.sub?.close() before it
 *
 * `v1Channel` (written into the module, module-helper.ts) subscribes the name and gives a
 * reader of that channel alone: one read of the PubSub at a time (while any reader waits)
 * hands each message to its channel's queue, so readers never take each other's messages,
 * and a reader's `listen()` ends after the unsubscribe confirmation of its name, as v1's
 * Channel did. (A message handler would not do: the PubSub looks a message's handler up when
 * the message is read, and a message that came before its channel's unsubscribe confirmation
 * but is read after it finds none.) The channel variables and parameters are typed
 * `Pick<PubSub, "listen">`.
 *
 * It applies when every use of the field is such a subscribe (one channel, kept in a
 * variable), an unsubscribe whose result is not used, or a null test, and the client is made
 * on a connection the class holds (held-connection.ts); otherwise the per-subscription
 * rewrite (pubsub.ts) runs, or the group stays on compat with its markers.
 */
import { climbWrappers, enclosingFunction, enclosingStatement, isNullLit, isUndefinedId, type N } from "../lib/ast.js";
import { resolveExport } from "../lib/bindings.js";
import { moduleHelper } from "../lib/module-helper.js";
import { isReceiverSubscription } from "./receiver.js";
import { classifyUse, declaredTypeParts, referencesOfHolder, type CallUse, type Holder, type Obj } from "./objects.js";
import type { PubSubRegistry } from "./pubsub-text.js";
import type { V2State } from "./state.js";

/** The fields that keep one PubSub for all their client's subscriptions, by class node. */
const subscriberFields = new WeakMap<V2State, Map<N, Set<string>>>();

/** Whether the field holder keeps a shared PubSub (decided during planning; read by edits when they run). */
export function isSubscriberField(state: V2State, holder: Holder): boolean {
  return holder.type === "field" && !!subscriberFields.get(state)?.get(holder.classPath.node)?.has(holder.name);
}

/** A field only its class can reach: TypeScript `private` (the codemod does not follow `#name` fields). */
function isPrivateField(holder: Extract<Holder, { type: "field" }>): boolean {
  return holder.declPath?.node.accessibility === "private";
}

/** `[ch] = await c.subscribe(x)` / `const [ch] = await c.subscribe(x)`: one channel kept in a variable. */
function isKeptSubscription(use: CallUse): boolean {
  const args: N[] = use.callPath.node.arguments;
  if (use.method !== "subscribe" || args.length !== 1 || args[0].type === "SpreadElement" || isReceiverSubscription(args)) return false;
  const aw = climbWrappers(use.callPath).parent;
  if (aw?.node.type !== "AwaitExpression") return false;
  const outer = climbWrappers(aw).parent;
  const n = outer?.node;
  const pattern = n?.type === "AssignmentExpression" && n.operator === "=" ? n.left : n?.type === "VariableDeclarator" ? n.id : null;
  if (pattern?.type !== "ArrayPattern" || pattern.elements.length !== 1 || pattern.elements[0]?.type !== "Identifier") return false;
  const stmt = enclosingStatement(outer);
  return n.type === "AssignmentExpression"
    ? stmt?.node.type === "ExpressionStatement" && stmt.node.expression === n
    : (stmt?.node as N | undefined)?.declarations?.length === 1;
}

/**
 * Decides whether the client's field keeps one PubSub for all its subscriptions, and if so
 * plans the field's own edits (its type, its entry for the closes). True when it does: the
 * client's subscribe calls are then planned as readers of it (`client.sharedPubSub`) and its
 * unsubscribe calls stay as they are. When a subscription is ended in another function than
 * the one that made it but the field cannot keep one PubSub, the reason; false otherwise.
 */
export function planSharedSubscriber(state: V2State, client: Obj, calls: CallUse[], unsubscribes: CallUse[], registry: PubSubRegistry): boolean | string {
  const holder = client.holder;
  if (client.kind !== "client" || holder.type !== "field") return false;
  // what calls for one PubSub: an unsubscribe in another function than a subscription
  const fnOf = (u: CallUse): N | null => enclosingFunction(u.callPath)?.node ?? null;
  const subscribes = calls.filter((u) => u.method === "subscribe" || u.method === "psubscribe");
  if (!unsubscribes.some((u) => subscribes.some((s) => fnOf(s) !== fnOf(u)))) return false;
  const field = `this.${holder.name}`;
  const why = (reason: string): string =>
    `${field} subscribes in one method and unsubscribes in another; v1 kept those channels on its one connection, and the codemod gives such a field one PubSub in v2 only when ${reason}`;
  if (!isPrivateField(holder)) return why("the field is TypeScript `private` (other code may use it as a client)");
  // made on a connection the class holds (`new Redis(this.conn)`), whose end is known
  if (client.origin?.node.type !== "NewExpression" || !client.exclusive || !client.closedWith)
    return why("its client is made on a connection the class holds (new Redis(this.conn)), whose end the codemod can see");
  // the channel names of messages and unsubscribe confirmations are matched as UTF-8 text
  if (client.decode === null || (client.decode && client.encoding && !/^utf-?8$/i.test(client.encoding)))
    return why("its replies are known to be Buffers or UTF-8 text");
  if (!calls.every(isKeptSubscription)) return why("it only subscribes, one channel per call kept in a variable ([channel] = await ...subscribe(name))");
  for (const u of unsubscribes) {
    const stmt = enclosingStatement(u.callPath);
    const aw = climbWrappers(u.callPath).parent;
    const value = aw?.node.type === "AwaitExpression" ? aw.node : u.callPath.node;
    if (u.method !== "unsubscribe" || stmt?.node.type !== "ExpressionStatement" || stmt.node.expression !== value)
      return why("its unsubscribe() calls are statements of their own (channels, not patterns)");
  }
  // only these uses: the field is a PubSub in v2, and nothing else may meet it
  const allowed = new Set<N>([...calls, ...unsubscribes].map((u) => u.refPath.node));
  for (const ref of referencesOfHolder(state, holder)) {
    if (allowed.has(ref.node)) continue;
    const u = classifyUse(ref);
    if (u.type === "neutral") continue;
    if (u.type === "assign") {
      const right = u.assignPath.node.right;
      if (isNullLit(right) || isUndefinedId(right) || client.sites?.includes(right)) continue;
    }
    return why("nothing else uses the field (it is a PubSub in v2)");
  }

  const byClass = subscriberFields.get(state) ?? new Map<N, Set<string>>();
  subscriberFields.set(state, byClass);
  const names = byClass.get(holder.classPath.node) ?? new Set<string>();
  byClass.set(holder.classPath.node, names);
  names.add(holder.name);
  client.sharedPubSub = true;
  // the field's type: Redis -> PubSub
  const decl = holder.declPath?.node;
  const parts = declaredTypeParts(holder);
  const typeArg = client.decode ? "string" : null;
  if (parts) {
    for (const part of parts) {
      const t = part.node;
      if (t.type !== "TSTypeReference" || resolveExport(state.info, part.get("typeName"))?.name !== "Redis") {
        client.group.block(decl, `${holder.name} keeps the client's one PubSub in v2, and its declared type is not one the codemod can turn into PubSub`);
        return true;
      }
      client.group.edit(2, t, "type", `${holder.name} keeps the one PubSub of its subscriptions in v2`, () => {
        part.replace(state.typeRef("PubSub", t.typeName, typeArg));
      });
    }
  }
  // closed before its connection ends (pubsub-close.ts)
  const entries = registry.get(client) ?? [];
  registry.set(client, entries);
  const siteStmt = enclosingStatement(client.origin);
  entries.push({ name: holder.name, pattern: false, names: [], declStmt: siteStmt!, field: true });
  return true;
}

/** The type of a channel in v2: a PubSub, or for a reader of a shared one `Pick<PubSub, "listen">`. */
export function channelTypeRef(state: V2State, channel: Obj, likeTypeName: N | null, typeArg: string | null): N {
  const pubsub = state.typeRef("PubSub", likeTypeName, typeArg);
  if (!channel.sharedPubSub) return pubsub;
  const j = state.ctx.j;
  return j.tsTypeReference(j.identifier("Pick"), j.tsTypeParameterInstantiation([pubsub, j.tsLiteralType(j.stringLiteral("listen"))]));
}

/** `ch = await v1Channel(client, name)`: the text of a subscription that keeps its channel in `target` (`ch` or `const ch`). */
export function sharedSubscribeText(state: V2State, target: string, clientText: string, nameText: string): string {
  return `${target} = await ${v1ChannelFunction(state)}(${clientText}, ${nameText});`;
}

const BASE = "v1Channel";
const SIGNATURE = "v1's Channel on a PubSub its subscriptions share, written by aioredis-codemod";

/** The helper's name in this module (a TypeScript one), written at its end on first use. Call it only inside the edit that uses it. */
function v1ChannelFunction(state: V2State): string {
  const typeText = (name: string): string => state.ctx.j(state.typeRef(name, null, "T")).toSource();
  return moduleHelper(state.ctx, BASE, SIGNATURE, (name) => v1ChannelText(name, typeText("PubSub"), typeText("PubSubMessage")));
}

/** The helper's text; `pubsub` and `message` are the types `PubSub<T>` and `PubSubMessage<T>` as the module names them. */
export function v1ChannelText(name: string, pubsub: string, message: string): string {
  return `/**
 * ${SIGNATURE}: subscribes \`name\`
 * and gives a reader whose listen() yields that channel's messages alone, in order. One read
 * of the PubSub at a time, made while any reader waits (it ends once nobody
 * waits), hands every message to the queue of its channel's reader,
 * so readers never take each other's messages. A reader ends after the confirmation of the
 * unsubscribe that leaves \`name\` (every message that came before it delivered), or when the
 * PubSub is closed or its connection fails, as v1 closed the Channel. Each queue holds at most
 * the PubSub's maxQueuedMessages: a reader that falls that far behind gets an error once it has
 * read what is queued, and the later messages of its channel are dropped.
 */
async function ${name}<T extends string | Buffer>(pubsub: ${pubsub}, name: string): Promise<Pick<${pubsub}, "listen">> {
  type M = ${message};
  type Reader = { queue: M[]; ended: boolean; error: Error | null; waiters: (() => void)[]; view: Pick<${pubsub}, "listen"> };
  type Shared = { readers: Map<string, Reader>; waiting: number; reading: boolean };
  // the readers of each PubSub, kept on the function so that it stays one declaration
  const all = ${name} as unknown as { shared?: WeakMap<object, unknown> };
  const known = (all.shared ??= new WeakMap());
  const state = (known.get(pubsub) as Shared | undefined) ?? { readers: new Map(), waiting: 0, reading: false };
  known.set(pubsub, state);
  const text = (n: unknown): string => (Buffer.isBuffer(n) ? n.toString("utf8") : String(n));
  const end = (reader: Reader, error: Error | null): void => {
    reader.ended = true;
    reader.error = error;
    for (const wake of reader.waiters.splice(0)) wake();
  };
  // one read of the PubSub at a time, while somebody waits: each message goes to the reader of its channel
  const read = async (): Promise<void> => {
    state.reading = true;
    try {
      while (state.waiting > 0) {
        let message: M | null;
        try {
          message = await pubsub.getMessage({ timeout: null });
        } catch {
          // closed, or its connection failed: v1 closed every Channel of a connection that ended
          const names = [...state.readers.keys()];
          for (const reader of state.readers.values()) end(reader, null);
          state.readers.clear();
          // (and the server forgot them; a subscription the PubSub would take up again ends here)
          if (names.length > 0 && pubsub.subscribed) await pubsub.unsubscribe(...names).catch(() => {});
          return;
        }
        if (message === null || message.channel === null) continue;
        const key = text(message.channel);
        const reader = state.readers.get(key);
        if (!reader) continue;
        if (message.type === "message") {
          if (reader.queue.length < pubsub.maxQueuedMessages) {
            reader.queue.push(message);
            for (const wake of reader.waiters.splice(0)) wake();
            continue;
          }
          // a reader that fell behind: what is queued, then an error; the rest of its channel is dropped
          state.readers.delete(key);
          end(reader, new Error(\`channel \${key}: its reader fell \${pubsub.maxQueuedMessages} messages behind; later messages were dropped\`));
        } else if (message.type === "unsubscribe" && !pubsub.channels.some((c) => text(c) === key)) {
          // the confirmation that leaves the channel: its reader ends after what came before it
          state.readers.delete(key);
          end(reader, null);
        }
      }
    } finally {
      state.reading = false;
    }
  };
  // subscribing a channel that has a reader gives that reader, as v1 gave the same Channel
  const existing = state.readers.get(name);
  const reader: Reader = existing ?? { queue: [], ended: false, error: null, waiters: [], view: { listen } };
  state.readers.set(name, reader);
  try {
    await pubsub.subscribe(name);
  } catch (error) {
    if (!existing && state.readers.get(name) === reader) state.readers.delete(name);
    throw error;
  }
  async function* listen(): AsyncGenerator<M, void, undefined> {
    for (;;) {
      const message = reader.queue.shift();
      if (message !== undefined) {
        yield message;
        continue;
      }
      if (reader.ended) {
        const error = reader.error;
        reader.error = null;
        if (error) throw error;
        return;
      }
      await new Promise<void>((resolve) => {
        state.waiting++;
        reader.waiters.push(() => {
          state.waiting--;
          resolve();
        });
        if (!state.reading) void read();
      });
    }
  }
  return reader.view;
}`;
}
