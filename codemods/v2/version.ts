/**
 * `aioredis.__version__`: "1.3.1" on aioredis/compat (the v1 API it emulates), this package's
 * 2.x version on v2. v1 code reads it to pick between the APIs of older releases
 * (`versionAtLeast(aioredis.__version__, "1.0.0")`); the codemod moves such a read to v2 only
 * where the answer cannot change: the version is handed to a call together with a version
 * literal strictly below 1.3.1, so 1.3.1 and any 2.x version lie on the same side of it for
 * every comparison (<, <=, >, >=, ==, !=). Any other read stays on compat with a marker.
 */
import { climbWrappers, isStringLit, type N, type P } from "../lib/ast.js";

const COMPAT_VERSION = [1, 3, 1];
const VERSION_TEXT = /^\d+(\.\d+){0,3}$/;

/** `a < b` for dotted numeric versions. */
function below(a: number[], b: number[]): boolean {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x < y;
  }
  return false;
}

/** Whether the read of `__version__` at `refPath` (the import's identifier) gives the same answer on v2. */
export function versionReadKeepsResult(refPath: P): boolean {
  let value: P = refPath;
  const parent = refPath.parent?.node;
  if ((parent?.type === "MemberExpression" || parent?.type === "OptionalMemberExpression") && parent.object === refPath.node) value = refPath.parent;
  const p = climbWrappers(value);
  const call = p.parent?.node;
  if (call?.type !== "CallExpression" || !call.arguments.includes(p.node)) return false;
  const others = (call.arguments as N[]).filter((a) => a !== p.node);
  return others.length > 0 && others.every((a) => isStringLit(a) && VERSION_TEXT.test(a.value) && below(a.value.split(".").map(Number), COMPAT_VERSION));
}

export const VERSION_MARKER =
  "__version__ is 1.3.1 on aioredis/compat and this package's 2.x version on v2, and the codemod cannot tell that this read gives the same answer with both (it can when the version is compared with a version literal below 1.3.1); rewrite it by hand (see MIGRATION.md)";
