/**
 * The aioredis v1 -> v2 transform. `applyTransform()` is what the CLI and the tests call; the
 * default export is the same as a jscodeshift transform module (`--mode=compat` to choose the
 * compat step), for tools that drive jscodeshift themselves.
 *
 * One parse per file, with the parser its extension needs (`ts` for .ts/.mts/.cts, `tsx` for
 * .tsx, `babel` for JavaScript), then the steps in a fixed order, then one print that keeps
 * the file's quotes, indentation, trailing commas and line endings.
 */
import jscodeshift from "jscodeshift";
import type { API, FileInfo, JSCodeshift, Options } from "jscodeshift";
import { collectModuleInfo, V1_PACKAGE } from "./lib/bindings.js";
import {
  applyLineInserts,
  flushMarkers,
  MARKER_PREFIX,
  parsedTextOf,
  type ChangeRecord,
  type Ctx,
  type Lang,
  type MarkerRecord,
  type NoteRecord,
  type TransformOptions,
} from "./lib/context.js";
import { repointAllToCompat } from "./lib/imports.js";
import { detectLineTerminator, detectQuote, detectTabs, usesTrailingCommas } from "./lib/strings.js";
import { isV1File, isV2File, transformV2 } from "./v2/index.js";

export type { TransformOptions } from "./lib/context.js";
import { summarizeModule } from "./project/modules.js";
import { MENTION, rewriteImportTypes, rewriteJsDocTypes } from "./lib/typeimports.js";
import { COMPAT_PACKAGE } from "./lib/bindings.js";
import type { FileReport, FileView } from "./project/view.js";

export interface TransformResult {
  output: string;
  /** The file names our package and was looked at. */
  relevant: boolean;
  changed: boolean;
  changes: ChangeRecord[];
  /** Every `TODO(aioredis-v2)` marker in the output (new or left from an earlier run). */
  markers: MarkerRecord[];
  /** What changes on purpose where the rewrite converted (no marker): for the report. */
  notes: NoteRecord[];
  /** With a project view: what the file tells the whole-program pass. */
  report?: FileReport;
}

export function parserFor(file: string): { parser: "ts" | "tsx" | "babel"; lang: Lang } {
  if (/\.(ts|mts|cts)$/i.test(file) && !/\.d\.ts$/i.test(file)) return { parser: "ts", lang: "ts" };
  if (/\.d\.(m|c)?ts$/i.test(file)) return { parser: "ts", lang: "ts" };
  if (/\.tsx$/i.test(file)) return { parser: "tsx", lang: "tsx" };
  return { parser: "babel", lang: "js" };
}

const cores = new Map<string, JSCodeshift>();

/** jscodeshift bound to a parser; made once per parser (making one is not free). */
function coreFor(parser: "ts" | "tsx" | "babel"): JSCodeshift {
  let j = cores.get(parser);
  if (!j) cores.set(parser, (j = jscodeshift.withParser(parser)));
  return j;
}

/** The `// TODO(aioredis-v2): ...` comments in a text: alone on their line, or after a statement. */
export function markersIn(text: string): MarkerRecord[] {
  const out: MarkerRecord[] = [];
  const re = /(?:^|[;{}]\s*)\/\/\s*TODO\(aioredis-v2\):(.*)$/;
  text.split(/\r?\n/).forEach((line, i) => {
    const m = re.exec(line.trimStart());
    if (m) out.push({ line: i + 1, message: m[1]!.trim() });
  });
  return out;
}

/** A file parsed for the whole-program pass when the transform has nothing to do in it: its imports and exports only. */
export function summarizeSource(source: string, file: string): FileReport["module"] {
  const { parser, lang } = parserFor(file);
  const j = coreFor(parser);
  const root = j(source);
  const ctx = makeCtx(j, root, source, file, lang, { mode: "v2", assumeV1: false }, null);
  return summarizeModule(ctx);
}

function makeCtx(j: JSCodeshift, root: Ctx["root"], source: string, file: string, lang: Lang, opts: Required<TransformOptions>, view: FileView | null): Ctx {
  return {
    j,
    root,
    source,
    parsedSource: parsedTextOf(root) ?? source,
    file,
    lang,
    quote: detectQuote(source),
    options: opts,
    changes: [],
    notes: [],
    pendingMarkers: [],
    lineSuffixes: [],
    lineInserts: [],
    index: null,
    view,
    report: view ? { module: { imports: [], exports: [], reexports: [], exportAll: [], instances: [] }, facts: [], groups: [] } : null,
  };
}

/**
 * Transforms one file. With `view` (the whole-program pass), the file's values are joined to
 * the rest of the project's, and the result carries a report of what the file holds.
 */
export function applyTransform(source: string, file: string, options: TransformOptions = {}, view: FileView | null = null): TransformResult {
  const opts: Required<TransformOptions> = { mode: options.mode ?? "v2", assumeV1: options.assumeV1 ?? false };
  const unchanged = (relevant: boolean, report?: FileReport, notes: NoteRecord[] = []): TransformResult => ({
    output: source,
    relevant,
    changed: false,
    changes: [],
    markers: markersIn(source),
    notes,
    report,
  });
  if (!source.includes(V1_PACKAGE) && !view?.linked) return unchanged(false);
  const { parser, lang } = parserFor(file);
  const j = coreFor(parser);
  const root = j(source);
  const ctx = makeCtx(j, root, source, file, lang, opts, view);
  if (ctx.report) {
    ctx.report.module = summarizeModule(ctx);
    view?.init?.(ctx.report.module);
  }
  const info = collectModuleInfo(ctx);
  const mentioned = MENTION.test(source);
  if (info.sourceNodes.length === 0 && !view?.linked && !mentioned) return unchanged(false, ctx.report ?? undefined);
  // where `import("aioredis")` types and JSDoc go: compat in compat mode and next to values kept on compat
  let typeTarget: string | null = null;
  if (opts.mode === "compat") {
    if (!isV1File(ctx, info) && isV2File(ctx, info)) return unchanged(true);
    repointAllToCompat(ctx, info);
    typeTarget = COMPAT_PACKAGE;
  } else {
    const state = transformV2(ctx, info);
    const onV1 = state ? state.blockedCount > 0 : !!view?.anyHeld;
    if (mentioned && (state || info.sourceNodes.length === 0)) typeTarget = onV1 ? COMPAT_PACKAGE : V1_PACKAGE;
  }
  if (typeTarget && mentioned) rewriteImportTypes(ctx, typeTarget);
  const markersAdded = flushMarkers(ctx);
  if (ctx.changes.length === 0 && markersAdded === 0 && ctx.lineSuffixes.length === 0) {
    const docs = typeTarget ? rewriteJsDocTypes(source, typeTarget) : source;
    if (docs === source) return unchanged(true, ctx.report ?? undefined, ctx.notes);
    return { output: docs, relevant: true, changed: true, changes: [], markers: markersIn(docs), notes: ctx.notes, report: ctx.report ?? undefined };
  }
  const { useTabs, tabWidth } = detectTabs(source);
  const print = () => {
    const printed = root.toSource({
      quote: ctx.quote === "'" ? "single" : "double",
      useTabs,
      tabWidth,
      trailingComma: usesTrailingCommas(source),
      lineTerminator: detectLineTerminator(source),
      wrapColumn: 120,
    });
    return useTabs ? retab(source, printed, tabWidth) : printed;
  };
  let output = print();
  const withLines = applyLineInserts(ctx, output);
  output = withLines ?? applyLineInserts(ctx, print()) ?? print();
  for (const { line, suffix } of ctx.lineSuffixes) {
    const at = output.indexOf(line);
    if (at !== -1) output = output.slice(0, at + line.length) + suffix + output.slice(at + line.length);
  }
  if (ctx.trailingText?.length) {
    const eol = detectLineTerminator(source);
    output = `${output.trimEnd()}${eol}${ctx.trailingText.map((t) => `${eol}${t.split("\n").join(eol)}${eol}`).join("")}`;
  }
  if (source.endsWith("\n") && !output.endsWith("\n")) output += detectLineTerminator(source);
  if (typeTarget) output = rewriteJsDocTypes(output, typeTarget);
  const changes = [...ctx.changes].sort((a, b) => a.line - b.line);
  const notes = [...ctx.notes].sort((a, b) => a.line - b.line);
  return { output, relevant: true, changed: output !== source, changes, markers: markersIn(output), notes, report: ctx.report ?? undefined };
}

/**
 * recast re-indents the first statement of a block it reprints with spaces even when asked
 * for tabs (benjamn/recast#315). Lines the codemod changed that start with spaces only go
 * back to tabs; lines identical to an original line (template literal text, say) are kept.
 */
function retab(source: string, output: string, tabWidth: number): string {
  const original = new Set(source.split(/\r?\n/));
  const width = tabWidth > 0 ? tabWidth : 4;
  const re = new RegExp(`^((?: {${width}})+)(?=\\S)`);
  return output
    .split(/(\r?\n)/)
    .map((line) => {
      if (line === "\n" || line === "\r\n" || original.has(line)) return line;
      return line.replace(re, (spaces) => "\t".repeat(spaces.length / width));
    })
    .join("");
}

/** jscodeshift entry point: `--mode=compat` chooses the compat step. */
export default function transform(file: FileInfo, api: API, options: Options): string | null {
  const result = applyTransform(file.source, file.path, { mode: options.mode === "compat" ? "compat" : "v2", assumeV1: !!options.assumeV1 });
  for (const m of result.markers) api.report(`${file.path}:${m.line} ${MARKER_PREFIX} ${m.message}`);
  if (!result.relevant) return null;
  return result.output;
}
