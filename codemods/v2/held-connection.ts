/**
 * A connection a class keeps in a field: `this.conn = await pool.acquire()`, given back with
 * `pool.release(this.conn)`, and wrapped as `this.redis = new Redis(this.conn)`. In v2 a
 * connection of its own is a client bound to one connection of the pool, and that client is
 * already a `Redis`:
 *
 *   this.conn = await pool.acquire()      ->  this.conn = new Redis({ connectionPool: pool }).client()
 *   pool.release(this.conn)               ->  await this.conn.close()
 *   this.redis = new Redis(this.conn)     ->  this.redis = this.conn
 *
 * Every assignment of the field must be such an acquire() of the same pool (or null), so the
 * field always holds what the rewrite makes; the connection, the clients made on it and the
 * pool are one group (all of it goes to v2, or all of it stays on compat).
 */
import { canAwait, climbWrappers, enclosingStatement, isNullLit, isUndefinedId, memberName, replaceNode, type N, type P } from "../lib/ast.js";
import { codeOf, raw } from "../lib/context.js";
import { classifyUse, holderOf, referencesOfHolder, stmtOf, type Holder, type Obj, type CallUse } from "./objects.js";
import { unwrapValue } from "./paths.js";
import { isSubscriberField } from "./pubsub-shared.js";
import type { V2State } from "./state.js";

export interface Follow {
  analyze(obj: Obj): void;
  annotation(obj: Obj): void;
  releaseCalls: Set<N>;
  claimed: Set<N>;
}

/** `this.f` (or `this.f!`) in the class that holds the field. */
function isField(node: N, holder: Holder): boolean {
  const n = unwrapValue(node);
  return holder.type === "field" && n?.type === "MemberExpression" && n.object.type === "ThisExpression" && !n.computed && memberName(n) === holder.name;
}

/**
 * The values assigned to a field, each `await <x>.<method>(...)` where `made(x)` holds, or
 * null/undefined; the await expressions, or null when another value is assigned.
 */
function fieldSites(state: V2State, holder: Holder, made: (right: N) => boolean): N[] | null {
  const sites: N[] = [];
  for (const ref of referencesOfHolder(state, holder)) {
    const p = climbWrappers(ref);
    const parent = p.parent?.node;
    if (parent?.type !== "AssignmentExpression" || parent.left !== p.node) continue;
    const right = unwrapValue(parent.right);
    if (isNullLit(right) || isUndefinedId(right)) continue;
    if (parent.operator !== "=" || !made(right)) return null;
    sites.push(parent.right);
  }
  return sites;
}

/** The `<holder>.<method>(...)` calls. */
function callsOf(state: V2State, holder: Holder, method: string): P[] {
  const out: P[] = [];
  for (const ref of referencesOfHolder(state, holder)) {
    const u = classifyUse(ref);
    if (u.type === "call" && u.method === method) out.push(u.callPath);
  }
  return out;
}

/** `this.f = await pool.acquire()`: the field holds a connection of the pool. False when the use is not of this shape. */
export function planFieldAcquire(state: V2State, pool: Obj, use: CallUse, consumed: Set<N>, releases: CallUse[], follow: Follow): boolean {
  const aw = climbWrappers(use.callPath).parent;
  if (aw?.node.type !== "AwaitExpression") return false;
  const held = holderOf(state, aw);
  if ("reason" in held || held.holder.type !== "field") return false;
  const holder = held.holder;
  const group = pool.group;
  const ctx = state.ctx;
  const poolRefs = group.refNodes;
  // every value the field is given: an acquire() of this pool
  const isAcquire = (n: N): boolean => {
    if (n.type !== "AwaitExpression") return false;
    const call = unwrapValue(n.argument);
    return (
      call?.type === "CallExpression" && call.arguments.length === 0 && memberName(call.callee) === use.method && poolRefs.has(unwrapValue(call.callee.object))
    );
  };
  const sites = fieldSites(state, holder, isAcquire);
  if (!sites) {
    group.block(stmtOf(use.callPath), `${holder.name} is given a connection from pool.${use.method}() and other values; migrate it by hand`);
    return true;
  }
  const first = sites[0] === aw.node;
  const poolText = codeOf(ctx, use.memberPath.node.object);
  group.edit(2, aw.node, "pool-acquire", `pool.${use.method}() is a client of the pool in v2`, () => {
    climbWrappers(aw).parent.node.right = raw(ctx, `new ${state.refText("Redis")}({ connectionPool: ${poolText} }).client()`);
  });
  if (!first) return true;
  // pool.release(this.f): the client is closed (its connection goes back to the pool)
  for (const r of releases) {
    const args: N[] = r.callPath.node.arguments;
    if (args.length !== 1 || !isField(args[0], holder)) continue;
    const rs = enclosingStatement(r.callPath);
    if (rs?.node.type !== "ExpressionStatement" || rs.node.expression !== r.callPath.node) {
      group.block(stmtOf(r.callPath), "pool.release(conn) inside an expression");
      return true;
    }
    consumed.add(r.callPath.node);
    follow.releaseCalls.add(r.callPath.node);
    const connText = codeOf(ctx, args[0]);
    group.edit(2, rs.node, "release", "pool.release(conn) is await conn.close() in v2", () => {
      rs.node.expression = raw(ctx, `${canAwait(rs) ? "await" : "void"} ${connText}.close()`);
    });
  }
  // what ends the connection in v1: its release, and the pool's close() (which closed connections in use too)
  const closedWith = [...releases.filter((r) => consumed.has(r.callPath.node)).map((r) => r.callPath), ...callsOf(state, pool.holder, "close")];
  const conn: Obj = {
    kind: "connection",
    group,
    decode: pool.decode,
    encoding: pool.encoding,
    label: holder.name,
    holder,
    origin: use.callPath,
    exclusive: true,
    sites,
    closedWith,
  };
  follow.annotation(conn);
  follow.analyze(conn);
  return true;
}

/**
 * `new Redis(conn)` of a followed connection: in v2 the connection is already a client, so
 * the new client is that client; it is followed where it is kept (every value its holder is
 * given must be such a `new Redis(conn)` of the same connection).
 */
export function planRedisOnConnection(state: V2State, conn: Obj, callPath: P, follow: Follow): void {
  const ctx = state.ctx;
  const group = conn.group;
  const call = callPath.node;
  const arg = call.arguments[0];
  follow.claimed.add(call);
  group.v1Refs.push(call.callee, call.callee.object ?? call.callee);
  const argText = codeOf(ctx, arg);
  const held = holderOf(state, callPath);
  group.edit(2, call, "redis-on-connection", "new Redis(conn) is the connection's client itself in v2", () => {
    // a field that keeps one PubSub for the client's subscriptions (pubsub-shared.ts) is given that PubSub
    const shared = !("reason" in held) && isSubscriberField(state, held.holder);
    replaceNode(callPath, raw(ctx, shared ? `${argText}.pubsub()` : argText));
  });
  if ("reason" in held) {
    if (held.reason !== "is not kept anywhere") group.block(stmtOf(callPath), `the client made here ${held.reason}; migrate its uses together by hand`);
    return;
  }
  const connRefs = group.refNodes;
  const isOnConn = (n: N): boolean => n.type === "NewExpression" && n.arguments.length === 1 && connRefs.has(unwrapValue(n.arguments[0]));
  const sites = held.holder.type === "field" ? fieldSites(state, held.holder, isOnConn) : [call];
  if (!sites) {
    group.block(stmtOf(callPath), `${held.holder.name} is given a client on ${conn.label} and other values; migrate it by hand`);
    return;
  }
  const client: Obj = {
    kind: "client",
    group,
    decode: conn.decode,
    encoding: conn.encoding,
    label: held.holder.name,
    holder: held.holder,
    origin: callPath,
    exclusive: true,
    sites,
    // a connection of a pool (conn.closedWith set), or one made by a factory (it ends with its close());
    // one given as a parameter may end anywhere
    closedWith:
      conn.closedWith !== undefined && conn.closedWith !== null
        ? [...conn.closedWith, ...callsOf(state, conn.holder, "close")]
        : conn.origin && !conn.exclusive
          ? callsOf(state, conn.holder, "close")
          : null,
  };
  follow.annotation(client);
  follow.analyze(client);
}
