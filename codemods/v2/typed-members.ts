/**
 * Values reached through a chain of typed members, for the whole-program pass:
 *
 *   // utils/redis.ts                 class Holder { pool!: Redis }         (keeps a client)
 *   // app.ts                         interface State { redis: Holder }
 *                                     interface Request { state: State }
 *   // routes.ts                      request.state.redis.pool.incr(key)    (request: Request)
 *
 * A member declared with a project type (`State.redis: Holder`) holds whatever that type keeps:
 * the file declaring the member publishes `State.redis.pool` as the value `Holder.pool` (the
 * two ids join one group), and `Request.state.redis.pool` once `State.redis.pool` is known, so a
 * reader anywhere in the project finds the value at the path of its root's declared type, its
 * calls are rewritten with the group, and tsc errors in its file are blamed on that group.
 */
import type { N, P } from "../lib/ast.js";
import type { Ctx } from "../lib/context.js";
import type { ObjFact } from "../project/view.js";
import { declaredTypes } from "./paths.js";

/** Deepest member path followed (a type that contains itself would otherwise grow forever). */
const MAX_DEPTH = 8;

/** A plain reference to a named type, under `T | null | undefined`. */
function namedTypeRef(ann: N | null | undefined): N | null {
  let t = ann;
  if (t?.type === "TSUnionType") {
    const named = (t.types as N[]).filter((x) => x.type !== "TSNullKeyword" && x.type !== "TSUndefinedKeyword");
    t = named.length === 1 ? named[0] : null;
  }
  if (t?.type !== "TSTypeReference" || t.typeName?.type !== "Identifier" || t.typeParameters) return null;
  return t;
}

/** The project type id a member of a type declared in this file is declared with (`State.redis` -> `utils/redis.ts#Holder`). */
export function memberTypeId(ctx: Ctx, typeId: string, member: string): string | null {
  const view = ctx.view;
  if (!view) return null;
  const t = declaredTypes(ctx).find((d) => d.typeId === typeId);
  if (!t) return null;
  const body: N[] = t.kind === "alias" ? (t.path.node.typeAnnotation?.members ?? []) : t.kind === "interface" ? t.path.node.body.body : t.path.node.body.body;
  const m = body.find(
    (x) =>
      (x.type === "ClassProperty" || x.type === "PropertyDefinition" || x.type === "TSPropertySignature") &&
      !x.computed &&
      x.key?.type === "Identifier" &&
      x.key.name === member,
  );
  const ref = namedTypeRef(m?.typeAnnotation?.typeAnnotation);
  if (!ref) return null;
  const id = view.local(ref.typeName.name);
  return id && !id.endsWith("#*") && id !== typeId ? id : null;
}

export interface TypedMemberValue {
  /** The value's id at the path of the type declared here (`app.ts#State.redis.pool`). */
  id: string;
  /** The same value at the path of the member's type (`utils/redis.ts#Holder.pool`). */
  base: string;
  fact: ObjFact;
  /** The declaring type's name and the path, for the group's label. */
  label: string;
  /** The declaration of the type (where a marker goes). */
  typePath: P;
}

/** Values kept under members of this file's types that are declared with project types. */
export function typedMemberValues(ctx: Ctx): TypedMemberValue[] {
  const view = ctx.view;
  if (!view?.ready || !view.pathsOf) return [];
  const out: TypedMemberValue[] = [];
  for (const t of declaredTypes(ctx)) {
    for (const member of t.members) {
      const u = memberTypeId(ctx, t.typeId, member);
      if (!u) continue;
      for (const [rest, fact] of view.pathsOf(u)) {
        const id = `${t.typeId}.${member}.${rest}`;
        if (id.slice(id.indexOf("#") + 1).split(".").length > MAX_DEPTH) continue;
        out.push({ id, base: `${u}.${rest}`, fact, label: `${t.name}.${member}.${rest}`, typePath: t.path });
      }
    }
  }
  return out;
}
