/**
 * JSDoc types of JavaScript parameters: `@param {string} url` in the comment before the
 * function (or before the `export` / variable declaration holding it), which a checkJs project
 * type-checks as it would a TypeScript annotation.
 */
import type { N, P } from "../lib/ast.js";

const FUNCTIONS = new Set(["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression", "ObjectMethod", "ClassMethod"]);

function commentsOf(node: N | undefined): N[] {
  if (!node) return [];
  return [...(node.comments ?? []), ...(node.leadingComments ?? [])].filter((c: N) => c.leading !== false && c.type !== "CommentLine" && c.type !== "Line");
}

/** The JSDoc `@param` type text of the parameter `param` (its binding node), seen from `at` inside its function; null when none. */
export function jsDocParamType(at: P, param: N): string | null {
  for (let p: P | null = at; p; p = p.parent) {
    const fn = p.node;
    if (!FUNCTIONS.has(fn.type) || !fn.params.includes(param) || param.type !== "Identifier") continue;
    // the comment sits on the function, or on what declares it
    const holders: N[] = [fn];
    for (let q: P | null = p.parent; q && holders.length < 4; q = q.parent) {
      const t = q.node.type;
      if (t === "ExportNamedDeclaration" || t === "ExportDefaultDeclaration" || t === "VariableDeclarator" || t === "VariableDeclaration") holders.push(q.node);
      else break;
    }
    const name = param.name.replace(/[$]/g, "\\$");
    const re = new RegExp(`@param\\s+\\{([^{}]*)\\}\\s+\\[?${name}(?![\\w$])`);
    for (const h of holders) {
      for (const c of commentsOf(h)) {
        const m = re.exec(String(c.value));
        if (m) return m[1]!.trim();
      }
    }
    return null;
  }
  return null;
}
