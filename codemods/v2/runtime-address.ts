/**
 * A pool's address known only at run time, declared with the v1 type `Address` (a
 * `redis://` / `rediss://` / `unix://` URL, a `[host, port]` pair, or a socket path): the call
 * site reads it with v1's rules at run time (`v1AddressUrl`, which refuses `?encoding=`: how
 * replies decode must be known when the code is written).
 */
import type { N, P } from "../lib/ast.js";
import type { V2State } from "./state.js";
import { resolveBinding } from "../lib/scope.js";
import type { Ctx } from "../lib/context.js";
import { v1AddressFunction } from "./v1-address.js";

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

/**
 * The text of a v2 pool of class `cls` (as written in the file) on the run-time address
 * `address`, with `options` (object text): the address goes through the module's
 * `v1AddressUrl` (v1-address.ts), the one reading of v1 addresses. Call it inside the edit.
 */
export function runtimeAddressPool(ctx: Ctx, cls: string, address: string, options: string): string {
  return `${cls}.fromUrl(${v1AddressFunction(ctx)}(${address}), ${options})`;
}
