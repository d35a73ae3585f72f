/**
 * Helper functions the codemod writes into a converted module (a run-time conversion such as
 * `v1AddressUrl`, `v1Text`, `decodeV1Reply`): written once per module, at its end (function
 * declarations are hoisted), under a name free in the module, and found again on a later run
 * by the signature line of their doc comment, so a second run neither writes a copy nor
 * renames them.
 */
import { identifiersNamed, type Ctx } from "./context.js";

/** Per module, the name each helper (by signature) got in this run. */
const written = new WeakMap<Ctx, Map<string, string>>();

/** A top-level function called `name` whose doc comment carries `signature` (an earlier run wrote it). */
function isOurs(ctx: Ctx, name: string, signature: string): boolean {
  return identifiersNamed(ctx, name).some((p) => {
    const fn = p.parent?.node;
    if (!fn || (fn.type !== "FunctionDeclaration" && fn.type !== "TSDeclareFunction")) return false;
    const comments = (fn.comments ?? fn.leadingComments ?? []) as { value: string }[];
    return comments.some((c) => String(c.value).includes(signature));
  });
}

/**
 * The name of the helper in this module: `base` (or `base2`, ... when taken by something
 * else), its text (`text(name)`, whose doc comment must contain `signature`) added at the end
 * of the module on first use unless an earlier run wrote it. Call it only inside the edit that
 * uses the helper.
 */
export function moduleHelper(ctx: Ctx, base: string, signature: string, text: (name: string) => string): string {
  let names = written.get(ctx);
  const done = names?.get(signature);
  if (done) return done;
  let name = base;
  for (let i = 2; identifiersNamed(ctx, name).length > 0 && !isOurs(ctx, name, signature); i++) name = `${base}${i}`;
  if (!isOurs(ctx, name, signature)) ctx.trailingText = [...(ctx.trailingText ?? []), text(name)];
  if (!names) {
    names = new Map();
    written.set(ctx, names);
  }
  names.set(signature, name);
  return name;
}
