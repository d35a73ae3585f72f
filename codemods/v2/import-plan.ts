/**
 * Where each import of a v2-converted file points: the names converted groups need from
 * `aioredis`, and for every reference of a v1 binding whether it stays on `aioredis/compat`
 * (held groups, v1-only names, the library version) or moves to v2, and what a re-export becomes.
 */
import { COMPAT_PACKAGE } from "../lib/bindings.js";
import { addMarker, type Ctx } from "../lib/context.js";
import type { ImportPlan } from "../lib/imports.js";
import { enclosingStatement, type N, type P } from "../lib/ast.js";
import { VERSION_MARKER, versionReadKeepsResult } from "./version.js";
import { ERROR_RENAMES, SHARED_NAMES, TYPE_RENAMES, V1_ONLY } from "./names.js";
import type { V2State } from "./state.js";

/** The import plan of a file whose groups were decided (`blocked`: some value stays on compat). */
export function importPlan(ctx: Ctx, state: V2State, blocked: boolean): ImportPlan {
  return {
    needed: state.neededNamed,
    isV1Name: (name) => V1_ONLY.has(name),
    isCompatRef: (b, path, exportName) => {
      if (state.compatNodes.has(path.node) || state.compatNodes.has(path.parent?.node)) return true;
      if (exportName === null) return true;
      // the version of the library the held clients run on; on v2 only where the answer stays (version.ts)
      if (exportName === "__version__") {
        if (blocked) return true;
        if (versionReadKeepsResult(path)) return false;
        markLeftover(ctx, path, exportName, VERSION_MARKER);
        return true;
      }
      // a type or class no converted group owns follows the file: on compat where the file keeps values on compat
      // (only v1 code, as the compat step left it: a name already imported from aioredis is v2 code)
      if (
        b.source === COMPAT_PACKAGE &&
        !state.v2Nodes.has(path.node) &&
        !state.v2Nodes.has(path.parent?.node) &&
        (SHARED_NAMES.has(exportName) || exportName in TYPE_RENAMES)
      ) {
        if (state.blockedCount > 0 || (state.groups.length === 0 && !!ctx.view?.anyHeld)) return true;
      }
      if (V1_ONLY.has(exportName)) {
        markLeftover(ctx, path, exportName);
        return true;
      }
      return false;
    },
    reexport: (name) => {
      if (name in ERROR_RENAMES && !blocked) return { v2: ERROR_RENAMES[name]! };
      if (name === "ReplyError" || name === "WatchVariableError" || name in ERROR_RENAMES) return { compat: true };
      if (V1_ONLY.has(name))
        return {
          compat: true,
          message: `${name} is v1 API, re-exported from aioredis/compat; re-export its v2 replacement once the code using it is migrated (see MIGRATION.md)`,
        };
      return { v2: name };
    },
  };
}

/** A v1 name left in a converted file gets a marker, unless its statement already has one. */
function markLeftover(ctx: Ctx, path: P, name: string, message?: string): void {
  const stmt = enclosingStatement(path);
  if (!stmt) return;
  if (ctx.pendingMarkers.some((m) => m.stmt === stmt.node)) return;
  if (stmt.node.comments?.some((c: N) => c.value.includes("TODO(aioredis-v2)"))) return;
  if (stmt.node.type === "ImportDeclaration" || (stmt.node.type === "ExportNamedDeclaration" && stmt.node.source)) return;
  addMarker(ctx, stmt.node, message ?? `${name} is v1 API the codemod left on aioredis/compat; migrate it by hand (see MIGRATION.md)`);
}
