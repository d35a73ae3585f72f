/**
 * Closing a client that has PubSubs. v1's `close()` ended the client's channels, so their
 * readers finished; in v2 a PubSub holds a connection of its own, and closing the client
 * under it makes its reader fail with a ConnectionError. So each PubSub the codemod made for
 * the client's subscriptions is closed (which ends its `listen()`) right before the client.
 */
import { canAwait, enclosingStatement, statementList, type N, type P } from "../lib/ast.js";
import { identifiersNamed, parseStatements } from "../lib/context.js";
import { resolveBinding } from "../lib/scope.js";
import { classifyUse, stmtOf, type Obj, type CallUse } from "./objects.js";
import { entryText, inScope, type PubSubRegistry } from "./pubsub-text.js";
import type { V2State } from "./state.js";

/** For a client made by `new Redis(pool)`: the `pool.close()` calls (which end the PubSub's connection too). */
function poolClosesUnder(state: V2State, client: Obj): P[] {
  const origin = client.origin;
  if (origin?.node.type !== "NewExpression" || origin.node.arguments.length !== 1) return [];
  const arg = origin.node.arguments[0];
  if (arg.type !== "Identifier") return [];
  const decl = resolveBinding(origin.get("arguments", 0), arg.name);
  if (!decl) return [];
  const out: P[] = [];
  for (const ref of identifiersNamed(state.ctx, arg.name)) {
    if (ref.node === arg || resolveBinding(ref, arg.name) !== decl) continue;
    const u = classifyUse(ref);
    if (u.type === "call" && u.method === "close") out.push(u.callPath);
  }
  return out;
}

/** Plans the PubSub closes before each `close()` of the client. */
export function planPubSubClose(state: V2State, client: Obj, calls: CallUse[], registry: PubSubRegistry): void {
  const entries = registry.get(client) ?? [];
  if (entries.length === 0) return;
  if (client.closedWith === null) {
    client.group.block(
      entries[0]!.declStmt.node,
      `${client.label} is a client on a connection whose end (pool.release(), the pool's close()) the codemod cannot find; in v2 close each PubSub (await pubsub.close()) where that connection ends`,
    );
    return;
  }
  // closing the pool of a `new Redis(pool)` client closes the PubSub's connection too
  const closes = [...calls.filter((u) => u.method === "close").map((u) => u.callPath), ...poolClosesUnder(state, client), ...(client.closedWith ?? [])];
  for (const callPath of closes) {
    const stmt = enclosingStatement(callPath);
    const list = stmt ? statementList(stmt) : null;
    const away = entries.filter((e) => !stmt || !inScope(e, stmt));
    if (!stmt || !list || away.length > 0) {
      const names = (away.length ? away : entries).map((e) => e.name).join(", ");
      client.group.block(
        stmtOf(callPath),
        `${client.label} (or its pool) is closed where the PubSub made for its subscriptions (${names}) is out of reach; in v2 close each PubSub (await pubsub.close()) before its client or pool, or its reader fails`,
      );
      continue;
    }
    const wait = canAwait(stmt);
    const code = entries.map((e) => `${wait ? "await" : "void"} ${entryText(e)}.close();`).join("\n");
    client.group.edit(3, stmt.node, "pubsub-close", "v2: a PubSub is closed before its client (which ends its listen())", () => {
      const stmts = parseStatements(state.ctx, code);
      const at = list.indexOf(stmt.node);
      (stmts[0] as N).comments = stmt.node.comments;
      stmt.node.comments = null;
      list.splice(at, 0, ...stmts);
    });
  }
}
