/**
 * v1's `closed` property of a client or a connection, read (never assigned). v1's `Redis`
 * said `closed` once `close()` was called, and, on a single connection, once that connection
 * was gone; code reads it to make a new client when the old one is closed. The v2 client's
 * `isClosed` says the same: true after `close()`, and for a `client()` (what `createRedis` and
 * `createConnection` become) once its connection is gone, since it does not reconnect; a
 * pooled client (what `createRedisPool` becomes) reconnects, as a v1 pool did.
 */
import type { N } from "../lib/ast.js";
import type { Obj, Use } from "./objects.js";

type PropUse = Extract<Use, { type: "prop" }>;

/** Whether this property read is rewritten here (else the caller marks it). */
export function planClosed(obj: Obj, use: PropUse): boolean {
  if (use.name !== "closed" || (obj.kind !== "client" && obj.kind !== "connection")) return false;
  // a connection taken from a pool (acquire(), pool.get()) was still open in v1 once given
  // back, where its v2 client is closed: keep the marker for those
  if (obj.exclusive) return false;
  const member: N = use.memberPath.node;
  if (member.computed) return false;
  const parent: N = use.memberPath.parent?.node;
  // written to, deleted, or updated: not a read of the state
  if (parent?.type === "AssignmentExpression" && parent.left === member) return false;
  if (parent?.type === "UpdateExpression" || (parent?.type === "UnaryExpression" && parent.operator === "delete")) return false;
  obj.group.edit(1, member, "closed", "closed is isClosed in v2 (true after close(), and for a client() once its connection is gone)", () => {
    member.property = { type: "Identifier", name: "isClosed" };
  });
  return true;
}
