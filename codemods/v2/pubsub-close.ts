/**
 * Closing a client that has PubSubs. v1's `close()` ended the client's channels, so their
 * readers finished; in v2 a PubSub holds a connection of its own, and closing the client
 * under it makes its reader fail with a ConnectionError. So each PubSub the codemod made for
 * the client's subscriptions is closed (which ends its `listen()`) right before the client.
 */
import { canAwait, enclosingStatement, statementList, type N, type P } from "../lib/ast.js";
import { parseStatements } from "../lib/context.js";
import { stmtOf, type Obj, type Use } from "./objects.js";
import { within, type PubSubEntry, type PubSubRegistry } from "./pubsub.js";
import type { V2State } from "./state.js";

type CallUse = Extract<Use, { type: "call" }>;

/** Whether the PubSub declared by `entry` can be named at `at`. */
function inScope(entry: PubSubEntry, at: P): boolean {
  if (entry.field) return true;
  const decl = entry.declStmt;
  const block: N = decl.parent?.node;
  return !!block && within(at, block) && (at.node.start ?? 0) > (decl.node.start ?? 0);
}

/** Plans the PubSub closes before each `close()` of the client. */
export function planPubSubClose(state: V2State, client: Obj, calls: CallUse[], registry: PubSubRegistry): void {
  const entries = registry.get(client) ?? [];
  if (entries.length === 0) return;
  for (const use of calls) {
    if (use.method !== "close") continue;
    const stmt = enclosingStatement(use.callPath);
    const list = stmt ? statementList(stmt) : null;
    const away = entries.filter((e) => !stmt || !inScope(e, stmt));
    if (!stmt || !list || away.length > 0) {
      const names = (away.length ? away : entries).map((e) => e.name).join(", ");
      client.group.block(
        stmtOf(use.callPath),
        `${client.label} is closed where the PubSub made for its subscriptions (${names}) is out of reach; in v2 close each PubSub (await pubsub.close()) before its client, or its reader fails with a ConnectionError`,
      );
      continue;
    }
    const wait = canAwait(stmt);
    const code = entries.map((e) => `${wait ? "await" : "void"} ${e.field ? `this.${e.name}?.` : `${e.name}.`}close();`).join("\n");
    client.group.edit(3, stmt.node, "pubsub-close", "v2: a PubSub is closed before its client (which ends its listen())", () => {
      const stmts = parseStatements(state.ctx, code);
      const at = list.indexOf(stmt.node);
      stmts[0].comments = stmt.node.comments;
      stmt.node.comments = null;
      list.splice(at, 0, ...stmts);
    });
  }
}
