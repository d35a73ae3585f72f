/**
 * Command arguments declared `string | number` (`type Key = string | number`, also imported
 * from another module of the project). v1 sent a number as its text (`1.5`, `inf`, `-inf`,
 * `nan`); v2 declares keys `KeyT = string | Buffer` and refuses non-finite numbers. Such an
 * argument goes through a small function written into the module (once), `v1Text`, which
 * gives the text v1 sent for every value, so the command sends the same bytes and the key
 * type-checks. Only arguments whose declared type the codemod reads from the source (a
 * parameter or variable annotated with keyword types or an alias of them) are converted:
 * anything else (a Buffer member, an unknown type) is left to tsc.
 */
import type { N, P } from "../lib/ast.js";
import type { Ctx } from "../lib/context.js";
import { nodesOf } from "../lib/context.js";
import { moduleHelper } from "../lib/module-helper.js";
import { resolveBinding } from "../lib/scope.js";
import { keywordMembers } from "../project/modules.js";

const BASE = "v1Text";
const SIGNATURE = "the text v1 sent for a string or number argument, written by aioredis-codemod";

/** The members of a declared type ("string", "number", "other"), following aliases of this module and of the project. */
function membersOf(ctx: Ctx, t: N, depth = 0): string[] {
  if (!t || depth > 4) return ["other"];
  if (t.type === "TSUnionType") return (t.types as N[]).flatMap((x) => membersOf(ctx, x, depth + 1));
  if (t.type === "TSTypeReference" && t.typeName?.type === "Identifier" && !t.typeParameters) {
    const name = t.typeName.name as string;
    const local = (nodesOf(ctx, "TSTypeAliasDeclaration") as P[]).find((p) => {
      const up = p.parent?.node.type === "ExportNamedDeclaration" ? p.parent.parent : p.parent;
      return p.node.id?.name === name && up?.node.type === "Program";
    });
    if (local) return local.node.typeParameters ? ["other"] : membersOf(ctx, local.node.typeAnnotation, depth + 1);
    const id = ctx.view?.local(name);
    if (!id || id.startsWith(`${ctx.view!.id}#`)) return ["other"];
    return ctx.view?.aliasMembers?.(id) ?? ["other"];
  }
  return keywordMembers(t);
}

/** Whether the argument is a name declared `string | number` (either may be given, a Buffer never). */
export function isStringOrNumberArg(ctx: Ctx, argPath: P): boolean {
  if (ctx.lang === "js" || argPath.node?.type !== "Identifier") return false;
  const decl = resolveBinding(argPath, argPath.node.name);
  const ann = decl?.typeAnnotation?.typeAnnotation;
  if (!ann) return false;
  const members = membersOf(ctx, ann);
  // a plain number stays a number (v2 reads counts, scores and ranges as numbers)
  return members.includes("number") && members.includes("string") && members.every((m) => m === "string" || m === "number");
}

/** The function's name in this module, written at its end on first use. Call it only inside the edit that uses it. */
export function v1TextFunction(ctx: Ctx): string {
  return moduleHelper(
    ctx,
    BASE,
    SIGNATURE,
    (name) => `/**
 * ${SIGNATURE}:
 * a number as its text (Infinity as inf, NaN as nan), a string as it is.
 */
function ${name}(value: string | number): string {
  if (typeof value !== "number") return value;
  if (Number.isNaN(value)) return "nan";
  if (value === Number.POSITIVE_INFINITY) return "inf";
  if (value === Number.NEGATIVE_INFINITY) return "-inf";
  return String(value);
}`,
  );
}
