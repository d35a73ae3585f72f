import { codeOf, isOneLine, quoteString, raw, type Ctx } from "./context.js";
import type { Identifier, ObjectExpression, ObjectProperty } from "jscodeshift";
import { asObjectExpr, isValidIdentifier, offsetsOf, originalText, propName, type Node, type ObjectProp } from "./ast.js";

/** One property of an object literal the codemod writes. */
export interface Entry {
  key: string;
  /** The original property, reused (its value and comments) when only its key changes. */
  prop?: ObjectProp;
  value?: ObjectProperty["value"];
  /** The value as source text. */
  text?: string;
  /** Write `[key]: value` (key is source text). */
  computed?: boolean;
  /** Write `...value` (the key is unused). */
  spread?: boolean;
}

export function keyText(ctx: Ctx, key: string): string {
  return isValidIdentifier(key) ? key : /^\d+$/.test(key) ? key : quoteString(ctx, key);
}

export function entryText(ctx: Ctx, e: Entry): string {
  const valueNode = e.prop ? e.prop.value : e.value;
  const valueText = e.text ?? (valueNode ? codeOf(ctx, valueNode) : null);
  if (valueText === null) throw new Error(`renderObject: entry ${e.key} has no value`);
  if (e.spread) return `...${valueText}`;
  if (e.computed) return `[${e.key}]: ${valueText}`;
  if (valueText === e.key && (valueNode?.type === "Identifier" || e.text !== undefined) && isValidIdentifier(e.key)) return e.key;
  return `${keyText(ctx, e.key)}: ${valueText}`;
}

/**
 * Writes an object literal from entries. When the original object was on one line (or there
 * was none) the result is one line of text, as a person would write it. A multi-line original
 * is edited as text (keys renamed, properties dropped or inserted where they belong), so its
 * layout and comments stay exactly as they were; recast would re-lay it out otherwise.
 */
export function renderObject(ctx: Ctx, original: Node | undefined, lead: Entry[], entries: Entry[]): Identifier | ObjectExpression | null {
  const all = [...lead, ...entries];
  if (all.length === 0) return null;
  const j = ctx.j;
  const originalCode = original ? originalText(ctx.parsedSource, original) : null;
  const texts = all.map((e) => entryText(ctx, e));
  const oneLine = `{ ${texts.join(", ")} }`;
  if ((!originalCode || isOneLine(originalCode)) && isOneLine(oneLine) && oneLine.length <= 100) return raw(ctx, oneLine);
  const originalObject = asObjectExpr(original);
  if (originalObject && originalCode) {
    const patched = patchObjectText(ctx, originalObject, all);
    if (patched !== null) return raw(ctx, patched);
  }
  const props = all.map((e) => {
    if (e.spread) return j.spreadElement(raw(ctx, e.text ?? codeOf(ctx, e.value!)));
    if (e.prop) {
      const name = propName(e.prop);
      if (name !== e.key) {
        const p = j.objectProperty(j.identifier(e.key), e.prop.value);
        p.comments = e.prop.comments;
        return p;
      }
      return e.prop;
    }
    const key = e.computed ? raw(ctx, e.key) : isValidIdentifier(e.key) ? j.identifier(e.key) : j.stringLiteral(e.key);
    const p = j.objectProperty(key, e.value ?? raw(ctx, e.text!));
    if (e.computed) p.computed = true;
    return p;
  });
  if (originalObject) {
    originalObject.properties = props;
    return originalObject;
  }
  return j.objectExpression(props);
}

/** A one-line object literal as text, from entries. */
export function objectText(ctx: Ctx, entries: Entry[]): string {
  return entries.length ? `{ ${entries.map((e) => entryText(ctx, e)).join(", ")} }` : "{}";
}

function lineStart(src: string, at: number): number {
  const nl = src.lastIndexOf("\n", at - 1);
  return nl + 1;
}

function lineEnd(src: string, at: number): number {
  const nl = src.indexOf("\n", at);
  return nl === -1 ? src.length : nl;
}

function indentAt(src: string, at: number): string {
  const s = lineStart(src, at);
  return /^[ \t]*/.exec(src.slice(s))![0];
}

function onlySpaceBetween(src: string, from: number, to: number): boolean {
  return /^[ \t]*$/.test(src.slice(from, to));
}

/** Position just after the comma that follows `at` (spaces allowed), or null if none. */
function commaAfter(src: string, at: number): number | null {
  let i = at;
  while (src[i] === " " || src[i] === "\t") i++;
  return src[i] === "," ? i + 1 : null;
}

/**
 * The object's original text with its properties renamed, dropped and inserted as `entries`
 * says, laid out like the original. Null when the object is not laid out simply enough.
 */
function patchObjectText(ctx: Ctx, obj: ObjectExpression, entries: Entry[]): string | null {
  const src = ctx.parsedSource;
  const objAt = offsetsOf(obj);
  const props = obj.properties;
  type Prop = (typeof props)[number];
  const offsets = new Map<unknown, { start: number; end: number }>();
  for (const p of props) {
    const at = offsetsOf(p);
    if (at) offsets.set(p, at);
  }
  if (!objAt || offsets.size !== props.length) return null;
  const { start, end } = objAt;
  /** Where a property of this object starts and ends in the source. */
  const pos = (p: Prop) => offsets.get(p)!;
  // referenced original properties must keep their order
  const used = entries.flatMap((e) => (e.prop ? [e.prop] : []));
  let last = -1;
  for (const p of used) {
    const i = props.indexOf(p);
    if (i <= last) return null;
    last = i;
  }
  const edits: { from: number; to: number; text: string }[] = [];
  const trailingComma = props.length > 0 && commaAfter(src, pos(props[props.length - 1]!).end) !== null;

  // renamed and dropped properties
  for (const p of props) {
    const entry = entries.find((e) => e.prop === p);
    if (!entry) {
      let from = pos(p).start;
      let to = pos(p).end;
      const comma = commaAfter(src, to);
      if (comma !== null) to = comma;
      const ls = lineStart(src, from);
      if (onlySpaceBetween(src, ls, from)) {
        // the property starts its line: take its trailing comment and the line break too
        const le = lineEnd(src, to);
        const rest = src.slice(to, le);
        if (/^[ \t]*(\/\/.*)?$/.test(rest)) {
          from = ls;
          to = Math.min(le + 1, end);
        } else {
          while (src[to] === " " || src[to] === "\t") to++;
        }
      } else {
        while (src[to] === " " || src[to] === "\t") to++;
      }
      edits.push({ from, to, text: "" });
      continue;
    }
    if (propName(p) !== entry.key) {
      // (an entry's property is a plain `key: value` one: propName gave it a name)
      const prop = entry.prop!;
      const keyAt = offsetsOf(prop.key);
      if (prop.shorthand) edits.push({ from: pos(p).start, to: pos(p).end, text: `${keyText(ctx, entry.key)}: ${codeOf(ctx, prop.value)}` });
      else if (keyAt) edits.push({ from: keyAt.start, to: keyAt.end, text: keyText(ctx, entry.key) });
      else return null;
    }
  }

  // new properties: after the kept property before them, or at the start
  let anchor: ObjectProp | null = null;
  let pending: Entry[] = [];
  const flush = () => {
    if (!pending.length) return;
    const texts = pending.map((e) => entryText(ctx, e));
    if (anchor) {
      const kept = anchor;
      const at = pos(kept);
      const after = commaAfter(src, at.end);
      const next = props[props.indexOf(kept) + 1];
      const nextStart = next ? pos(next).start : end - 1;
      const lineMode = src.slice(at.end, nextStart).includes("\n");
      if (lineMode) {
        const indent = indentAt(src, at.start);
        const le = lineEnd(src, at.end);
        const keptAfter = used.some((u) => props.indexOf(u) > props.indexOf(kept));
        const comma = keptAfter || trailingComma ? "," : "";
        if (after === null) edits.push({ from: at.end, to: at.end, text: "," });
        edits.push({ from: le, to: le, text: texts.map((t) => `\n${indent}${t}`).join(",") + comma });
      } else if (after !== null) {
        edits.push({ from: after, to: after, text: ` ${texts.join(", ")},` });
      } else {
        edits.push({ from: at.end, to: at.end, text: `, ${texts.join(", ")}` });
      }
    } else {
      const first = props[0];
      if (!first) return;
      const firstStart = pos(first).start;
      if (src.slice(start + 1, firstStart).includes("\n")) {
        const ls = lineStart(src, firstStart);
        const indent = indentAt(src, firstStart);
        edits.push({ from: ls, to: ls, text: texts.map((t) => `${indent}${t},\n`).join("") });
      } else {
        edits.push({ from: firstStart, to: firstStart, text: `${texts.join(", ")}, ` });
      }
    }
    pending = [];
  };
  for (const e of entries) {
    if (e.prop) {
      flush();
      anchor = e.prop;
    } else {
      pending.push(e);
    }
  }
  flush();

  edits.sort((a, b) => b.from - a.from || b.to - a.to);
  let text = src.slice(start, end);
  for (const e of edits) {
    if (e.from < start || e.to > end) return null;
    text = text.slice(0, e.from - start) + e.text + text.slice(e.to - start);
  }
  // recast indents every line after the first by the indentation of the line the object starts on
  const base = indentAt(src, start);
  const lines = text.split("\n");
  for (let i = 1; i < lines.length; i++) {
    if (lines[i]!.startsWith(base)) lines[i] = lines[i]!.slice(base.length);
  }
  return lines.join("\n");
}
