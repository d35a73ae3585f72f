/**
 * A pool's address known only at run time, declared with the v1 type `Address` (a
 * `redis://` / `rediss://` / `unix://` URL, a `[host, port]` pair, or a socket path): the call
 * site chooses the v2 form at run time, as v1 did. A URL carrying v1 query options the codemod
 * renames when it sees them (`encoding`, `timeout`, `ssl`) throws a TypeError naming them: how
 * replies decode must be known when the code is written.
 */
import type { N, P } from "../lib/ast.js";
import type { V2State } from "./state.js";
import { resolveBinding } from "../lib/scope.js";

/** Whether the identifier at `path` is declared with the v1 type `Address`. */
export function declaredV1Address(state: V2State, path: P): boolean {
  const node = path.node;
  if (node.type !== "Identifier") return false;
  const t: N | undefined = resolveBinding(path, node.name)?.typeAnnotation?.typeAnnotation;
  if (t?.type !== "TSTypeReference" || t.typeParameters) return false;
  const name = t.typeName;
  const bindings = state.info.bindings;
  if (name.type === "Identifier") return bindings.some((b) => b.kind === "named" && b.imported === "Address" && b.local === name.name);
  return (
    name.type === "TSQualifiedName" &&
    name.left.type === "Identifier" &&
    name.right.name === "Address" &&
    bindings.some((b) => b.kind === "namespace" && b.local === name.left.name)
  );
}

/** The text of a v2 pool of class `cls` (as written in the file) on the run-time address `address`, with `options` (object text). */
export function runtimeAddressPool(factory: string, cls: string, address: string, options: string, ts: boolean): string {
  const sig = ts ? `(a: string | readonly [string, number], o: NonNullable<Parameters<typeof ${cls}.fromUrl>[1]>)` : "(a, o)";
  return (
    `(${sig} => { ` +
    `if (typeof a !== "string") return new ${cls}({ host: a[0], port: a[1], ...o }); ` +
    `if (!/^(redis|rediss|unix):\\/\\//.test(a)) return new ${cls}({ unixSocketPath: a, ...o }); ` +
    `if (/[?&](encoding|timeout|ssl)=/.test(a)) throw new TypeError("${factory}(): the address URL carries v1 query options (encoding, timeout, ssl) the codemod could not see; give them as options (see MIGRATION.md)"); ` +
    `return ${cls}.fromUrl(a, o); })(${address}, ${options})`
  );
}
