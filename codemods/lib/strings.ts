import { fieldOf, type StringLit } from "./ast.js";

/** Changes a string literal's value, keeping the quote character it was written with. */
export function setStringValue(node: StringLit, value: string): void {
  // Babel keeps the written text in `extra.raw`, ESTree in `raw`; ast-types declares neither on Literal
  const extra = fieldOf(node, "extra");
  const extraRaw = typeof extra === "object" && extra !== null ? fieldOf(extra, "raw") : undefined;
  const rawBefore = extraRaw ?? fieldOf(node, "raw");
  const quote = typeof rawBefore === "string" && (rawBefore[0] === "'" || rawBefore[0] === '"') ? rawBefore[0] : '"';
  const escaped = value.replace(/\\/g, "\\\\").replace(new RegExp(quote, "g"), `\\${quote}`);
  const raw = `${quote}${escaped}${quote}`;
  node.value = value;
  if (node.type === "Literal") Object.assign(node, { raw });
  Object.assign(node, { extra: { ...(typeof extra === "object" ? extra : {}), raw, rawValue: value } });
}

/** The quote character most string literals in a file use. */
export function detectQuote(source: string): '"' | "'" {
  let single = 0;
  let double = 0;
  // Count quotes that open string literals on import lines and elsewhere; a rough count is enough.
  const re = /(["'])(?:\\.|(?!\1)[^\\\n])*\1/g;
  for (const m of source.matchAll(re)) {
    if (m[1] === "'") single++;
    else double++;
  }
  return single > double ? "'" : '"';
}

export function usesTrailingCommas(source: string): boolean {
  return /,\s*\n\s*[}\]]/.test(source);
}

export function detectLineTerminator(source: string): string {
  return source.includes("\r\n") ? "\r\n" : "\n";
}

export function detectTabs(source: string): { useTabs: boolean; tabWidth: number } {
  const lines = source.split(/\r?\n/);
  let tabs = 0;
  let spaces = 0;
  const widths = new Map<number, number>();
  for (const line of lines) {
    const m = /^(\s+)\S/.exec(line);
    if (!m) continue;
    const indent = m[1]!;
    if (indent.startsWith("\t")) tabs++;
    else {
      spaces++;
      widths.set(indent.length, (widths.get(indent.length) ?? 0) + 1);
    }
  }
  if (tabs > spaces) return { useTabs: true, tabWidth: 4 };
  // the smallest common indentation step
  const steps = [...widths.keys()].sort((a, b) => a - b);
  const tabWidth = steps.find((w) => w > 0 && w <= 8) ?? 2;
  return { useTabs: false, tabWidth: tabWidth === 4 || tabWidth === 2 ? tabWidth : 2 };
}
