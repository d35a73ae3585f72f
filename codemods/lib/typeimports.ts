/**
 * The ways code names the package outside import declarations: `import("aioredis").Redis`
 * and `typeof import("aioredis")` in type positions, and `{import("aioredis").Redis}` in
 * JSDoc comments of JavaScript files. They follow the values: to `aioredis/compat` in compat
 * mode and wherever v1 values stay on compat, to `aioredis` (with v1 class names renamed)
 * where the file's values went to v2.
 */
import type { TSImportType } from "jscodeshift";
import { isNode, isStringLit, type StringLit } from "./ast.js";
import { COMPAT_PACKAGE, V1_PACKAGE } from "./bindings.js";
import { nodesOf, recordChange, type Ctx } from "./context.js";
import { setStringValue } from "./strings.js";
import { ERROR_RENAMES, TYPE_RENAMES } from "../v2/names.js";

export const MENTION = /import\(\s*["']aioredis(?:\/compat)?["']\s*\)/;

/** The module name of `import("x")`: Babel 7 gives a StringLiteral argument, later versions a TSLiteralType around one. */
function literalOf(node: TSImportType): StringLit | null {
  const arg: unknown = node.argument;
  if (isStringLit(arg)) return arg;
  if (isNode(arg) && arg.type === "TSLiteralType" && isStringLit(arg.literal)) return arg.literal;
  return null;
}

/** `import("aioredis")` types: pointed at `target`, v1 names renamed when the target is v2. */
export function rewriteImportTypes(ctx: Ctx, target: string): boolean {
  let changed = false;
  for (const p of nodesOf(ctx, "TSImportType")) {
    const lit = literalOf(p.node);
    if (!lit || (lit.value !== V1_PACKAGE && lit.value !== COMPAT_PACKAGE)) continue;
    if (lit.value !== target) {
      setStringValue(lit, target);
      recordChange(ctx, p.node, "import-type", `import("${V1_PACKAGE}") type now names "${target}"`);
      changed = true;
    }
    const q = p.node.qualifier;
    if (target === V1_PACKAGE && q?.type === "Identifier") {
      const to = TYPE_RENAMES[q.name] ?? ERROR_RENAMES[q.name];
      if (to) {
        p.node.qualifier = ctx.j.identifier(to);
        changed = true;
      }
    }
  }
  return changed;
}

/** The same in JSDoc comments (`@type {import("aioredis").Redis}`), on the printed text. */
export function rewriteJsDocTypes(text: string, target: string): string {
  if (!MENTION.test(text)) return text;
  return text.replace(/\/\*\*[\s\S]*?\*\//g, (comment) =>
    comment.replace(
      /import\(\s*(["'])aioredis(?:\/compat)?\1\s*\)(\.([A-Za-z_$][\w$]*))?/g,
      (_m, q: string, member: string | undefined, name: string | undefined) => {
        const renamed = target === V1_PACKAGE && name ? (TYPE_RENAMES[name] ?? ERROR_RENAMES[name] ?? name) : name;
        return `import(${q}${target}${q})${member ? `.${renamed}` : ""}`;
      },
    ),
  );
}
