/**
 * The whole-program pass. jscodeshift sees one file at a time; real code makes a client in
 * one module and uses it in others. So `--mode v2` runs in three steps over the project:
 *
 *   1. analyze: every file that names aioredis (or imports a project module) is transformed
 *      with a view of the project, and reports its imports/exports and the values it holds
 *      (`src/db.ts#redis` is a decoding client; `src/q.ts#Queue(0)` receives one);
 *   2. link: facts flow along imports, re-exports, parameters, returns and fields, and files
 *      that receive new facts are transformed again, until nothing changes;
 *   3. decide: groups of all files that share a value are joined (union-find) and decided
 *      together: one blocked member keeps every member on aioredis/compat, with a marker in
 *      each file saying why. Never half.
 *
 * The verification (verify.ts) then runs the project's own tsc and holds back the groups
 * whose rewrite added errors, through the same `held` ids.
 */
import * as path from "node:path";
import { applyTransform, markersIn, summarizeSource, type TransformResult } from "../transform.js";
import { MARKER_PREFIX } from "../lib/context.js";
import type { TransformOptions } from "../lib/context.js";
import { isRelativeSpecifier, ModuleGraph, resolveSpecifier } from "./modules.js";
import { sameFact, type FileReport, type FileView, type GroupReport, type ModuleSummary, type ObjFact } from "./view.js";

const RELATIVE_IMPORT = /(?:from\s*|import\s*\(\s*|require\s*\(\s*)["']\.\.?\//;

export interface ProjectFile {
  /** Absolute path. */
  file: string;
  source: string;
  result: TransformResult | null;
  error?: string;
}

/** One decision: values of several files that go to v2 together or stay on compat together. */
export interface ProjectGroup {
  ids: string[];
  files: string[];
  held: boolean;
  reason: string | null;
  /** Rewrites made (0 when held). */
  edits: number;
}

export interface ProjectState {
  root: string;
  files: ProjectFile[];
  groups: ProjectGroup[];
  /** Transform runs over all files (a file transformed twice counts twice). */
  runs: number;
  /** Held ids and why. */
  held: Map<string, string>;
}

interface Entry {
  pf: ProjectFile;
  module: ModuleSummary | null;
  report: FileReport | null;
  /** The facts signature the file was last transformed with. */
  sig: string;
  heldSig: string;
  /** The first run asked about an imported name before the project's modules were known. */
  needsGraph: boolean;
}

class UnionFind {
  private readonly parent = new Map<string, string>();
  find(x: string): string {
    let p = this.parent.get(x) ?? x;
    if (p !== x) {
      p = this.find(p);
      this.parent.set(x, p);
    }
    return p;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(ra, rb);
  }
}

export class Project {
  private readonly entries = new Map<string, Entry>();
  private graph!: ModuleGraph;
  private facts = new Map<string, ObjFact>();
  private conflicts = new Set<string>();
  private instances = new Map<string, string>();
  readonly held = new Map<string, string>();
  /** Files left as they were: tsc errors the rewrite added there could not be pinned on a group. */
  readonly compatFiles = new Set<string>();
  private readonly compatReasons = new Map<string, string>();
  runs = 0;

  readonly root: string;

  constructor(
    root: string,
    files: { file: string; source: string }[],
    readonly options: TransformOptions,
  ) {
    this.root = path.resolve(root);
    for (const f of files)
      this.entries.set(path.resolve(f.file), {
        pf: { file: path.resolve(f.file), source: f.source, result: null },
        module: null,
        report: null,
        sig: "",
        heldSig: "",
        needsGraph: false,
      });
  }

  rel(file: string): string {
    return path.relative(this.root, file).split(path.sep).join("/");
  }

  /** Steps 1-3: analyze, link until stable, decide. */
  run(): ProjectState {
    if (this.options.mode === "compat") {
      for (const e of this.entries.values()) this.transform(e, null);
      return this.state();
    }
    for (const e of this.entries.values()) {
      const text = e.pf.source;
      if (text.includes("aioredis")) this.transform(e, this.viewFor(e, true));
      else if (RELATIVE_IMPORT.test(text)) {
        try {
          e.module = summarizeSource(text, e.pf.file);
        } catch {
          e.module = null;
        }
        e.pf.result = null;
      }
    }
    // a module the others import that names neither aioredis nor another module (a class that
    // declares where a client is kept, `state: { pool?: Redis }` with a type import, say) is part
    // of the graph too: its declarations are where values of the project are kept
    const files = new Set(this.entries.keys());
    for (const e of [...this.entries.values()]) {
      for (const imp of e.module?.imports ?? []) {
        const target = resolveSpecifier(e.pf.file, imp.source, files);
        const t = target ? this.entries.get(target) : undefined;
        if (!t || t.module) continue;
        try {
          t.module = summarizeSource(t.pf.source, t.pf.file);
        } catch {
          t.module = null;
        }
      }
    }
    const modules = new Map<string, ModuleSummary>();
    for (const [file, e] of this.entries) if (e.module) modules.set(file, e.module);
    this.graph = new ModuleGraph(modules, this.root);
    this.instances = this.graph.instances();
    this.collectFacts();
    for (let round = 0; round < 6; round++) {
      let reran = false;
      for (const e of this.entries.values()) {
        if (!e.module) continue;
        const sig = this.signature(e);
        if (sig === e.sig && !e.needsGraph) continue;
        e.needsGraph = false;
        this.transform(e, this.viewFor(e, false));
        e.sig = sig;
        reran = true;
      }
      if (!reran) break;
      this.collectFacts();
    }
    this.decide();
    return this.state();
  }

  /** Holds more values back (after a tsc error) and transforms the files concerned again. */
  hold(ids: Iterable<string>, reason: string): void {
    for (const id of ids) if (!this.held.has(id)) this.held.set(id, reason);
    this.decide();
  }

  private transform(e: Entry, view: FileView | null): void {
    this.runs++;
    try {
      const r = applyTransform(e.pf.source, e.pf.file, this.options, view);
      if (this.compatFiles.has(e.pf.file) && r.changed) {
        // the file as it was before this run (the compat step's output on the two-step path)
        const output = withHeaderMarker(e.pf.source, this.compatReasons.get(e.pf.file) ?? "the v2 rewrite of this file did not type-check");
        e.pf.result = { ...r, output, changed: output !== e.pf.source, changes: [], markers: markersIn(output), notes: [] };
        e.report = r.report ?? e.report;
        return;
      }
      e.pf.result = r;
      e.pf.error = undefined;
      if (r.report) {
        e.report = r.report;
        e.module = r.report.module;
      } else if (view && !e.module) {
        e.module = summarizeSource(e.pf.source, e.pf.file);
      }
    } catch (err) {
      e.pf.result = null;
      e.pf.error = err instanceof Error ? err.message.split("\n")[0]! : String(err);
    }
  }

  private collectFacts(): void {
    this.facts = new Map();
    this.conflicts = new Set();
    for (const e of this.entries.values()) {
      for (const { id, fact } of e.report?.facts ?? []) {
        const prev = this.facts.get(id);
        if (!prev) this.facts.set(id, fact);
        else if (!sameFact(prev, fact)) {
          // a typed parameter with unknown decoding takes what its callers give it
          if (prev.decode === null && fact.kind === prev.kind) this.facts.set(id, fact);
          else if (!(fact.decode === null && fact.kind === prev.kind)) this.conflicts.add(id);
        }
      }
    }
  }

  /** Ids a file can see: its own, and those reachable from its imports. */
  private visiblePrefixes(e: Entry): string[] {
    const own = `${this.rel(e.pf.file)}#`;
    const out = [own];
    for (const imp of e.module?.imports ?? []) {
      const id = this.graph.localId(e.pf.file, imp.local);
      if (!id || id.startsWith(own)) continue;
      if (id.endsWith("#*")) out.push(id.slice(0, -1));
      else {
        out.push(id);
        const cls = this.instances.get(id);
        if (cls) out.push(`${cls}.`);
      }
    }
    return out;
  }

  private relevantFacts(e: Entry): [string, ObjFact][] {
    const prefixes = this.visiblePrefixes(e);
    const out: [string, ObjFact][] = [];
    for (const [id, fact] of this.facts) {
      // Map slots (`#member:state.redis`) are matched by name in every file
      if (
        id.startsWith("#member:") ||
        prefixes.some((p) => (p.endsWith("#") || p.endsWith(".") ? id.startsWith(p) : id === p || id.startsWith(`${p}.`) || id.startsWith(`${p}(`)))
      )
        out.push([id, fact]);
    }
    return out;
  }

  private signature(e: Entry): string {
    const own = `${this.rel(e.pf.file)}#`;
    // facts this file produced itself do not make it run again, unless it also consumes them
    const produced = new Map((e.report?.facts ?? []).map((f) => [f.id, f.fact] as const));
    return this.relevantFacts(e)
      .filter(([id, fact]) => !(id.startsWith(own) && produced.has(id) && sameFact(produced.get(id)!, fact) && !this.consumedLocally(e, id)))
      .map(([id, f]) => `${id}=${f.kind}/${f.decode}/${f.encoding}${f.pubsubs || f.pattern ? `/${!!f.pattern}/${JSON.stringify(f.pubsubs ?? null)}` : ""}`)
      .sort()
      .join("\n");
  }

  /** A file's own function results and parameters are consumed in that file too (a local caller). */
  private consumedLocally(_e: Entry, id: string): boolean {
    // and values kept at a member path (`App.state.pool`, `Transport(0).redis`): read in the file that stores them too
    return id.endsWith(")") || id.endsWith(")[]") || id.includes(").") || id.slice(id.indexOf("#") + 1).split(".").length > 2;
  }

  private viewFor(e: Entry, first: boolean): FileView {
    const file = e.pf.file;
    const project = this;
    const linked = !first && this.relevantFacts(e).length > 0;
    let own: ModuleSummary | null = null;
    return {
      id: this.rel(file),
      init: (m) => {
        own = m;
      },
      local: (name) => {
        if (!first) return project.graph.localId(file, name);
        // before the project's modules are known: own names only; the file runs again for the
        // others (an import from a package names nothing of the project: no second run for it)
        const imp = own?.imports.find((i) => i.local === name);
        if (imp) {
          if (isRelativeSpecifier(imp.source)) e.needsGraph = true;
          return null;
        }
        return `${project.rel(file)}#${name}`;
      },
      member: (source, name) => {
        if (first) return null;
        const target = project.graph.resolve(file, source);
        return target ? project.graph.exportId(target, name) : null;
      },
      fact: (id) => (first ? undefined : project.facts.get(id)),
      // the file's own functions are known from its own summary, before the project's modules are
      describes: (id) =>
        id.startsWith(`${project.rel(file)}#`) ? (own?.describers ?? []).includes(id.slice(id.indexOf("#") + 1)) : !first && project.graph.describes(id),
      instanceOf: (id) => (first ? null : (project.instances.get(id) ?? null)),
      returnsThis: (cls, method) => !first && project.graph.returnsThis(cls, method),
      fieldsOf: (cls) => {
        if (first) return [];
        const out: [string, ObjFact][] = [];
        for (const [id, fact] of project.facts) {
          if (!id.startsWith(`${cls}.`)) continue;
          const name = id.slice(cls.length + 1);
          if (/^[A-Za-z_$][\w$]*$/.test(name)) out.push([name, fact]);
        }
        return out;
      },
      aliasMembers: (id) => {
        if (first) return null;
        const hash = id.indexOf("#");
        for (const x of project.entries.values()) {
          if (project.rel(x.pf.file) !== id.slice(0, hash)) continue;
          return x.module?.aliases?.find((a) => a.name === id.slice(hash + 1))?.members ?? null;
        }
        return null;
      },
      pathsOf: (prefix) => {
        if (first) return [];
        const out: [string, ObjFact][] = [];
        for (const [id, fact] of project.facts) {
          if (!id.startsWith(`${prefix}.`)) continue;
          const rest = id.slice(prefix.length + 1);
          if (/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(rest)) out.push([rest, fact]);
        }
        return out;
      },
      held: (id) => project.held.get(id),
      get anyHeld() {
        return project.held.size > 0;
      },
      linked,
      ready: !first,
    };
  }

  /** Joins the groups of all files that share a value; a group with one blocked member is held whole. */
  private decide(): void {
    for (let round = 0; round < 4; round++) {
      const uf = new UnionFind();
      const all: { e: Entry; g: GroupReport }[] = [];
      for (const e of this.entries.values()) for (const g of e.report?.groups ?? []) all.push({ e, g });
      for (const { g } of all) for (let i = 1; i < g.ids.length; i++) uf.union(g.ids[0]!, g.ids[i]!);
      const reasonOf = new Map<string, string>();
      for (const { e, g } of all) {
        if (!g.ids.length) continue;
        const root = uf.find(g.ids[0]!);
        if (g.blocked && !g.ids.some((id) => this.held.has(id)) && !reasonOf.has(root)) {
          const r = g.reasons[0];
          // no line number: markers elsewhere would shift it, and a second run must write the same text
          reasonOf.set(root, `${this.rel(e.pf.file)}: ${r?.message ?? "kept on compat"}`);
        }
        for (const id of g.ids) {
          if (this.conflicts.has(id) && !reasonOf.has(root))
            reasonOf.set(root, `${id} is given objects made in different ways (decoding or kind) by different callers`);
          const h = this.held.get(id);
          if (h && !reasonOf.has(root)) reasonOf.set(root, h);
        }
      }
      let changed = false;
      for (const { g } of all) {
        if (!g.ids.length) continue;
        const reason = reasonOf.get(uf.find(g.ids[0]!));
        if (!reason) continue;
        for (const id of g.ids) {
          if (!this.held.has(id)) {
            this.held.set(
              id,
              reason.startsWith("kept on aioredis/compat") || reason.startsWith("the v2 rewrite")
                ? reason
                : `kept on aioredis/compat with the values it shares a group with (see ${reason})`,
            );
            changed = true;
          }
        }
      }
      // files whose groups are now held run again with the holds
      let reran = false;
      for (const e of this.entries.values()) {
        if (!e.report) continue;
        // only groups the file would still convert need a run with the holds
        const heldSig = [...new Set(e.report.groups.filter((g) => !g.blocked).flatMap((g) => g.ids.filter((id) => this.held.has(id))))].sort().join("\n");
        if (heldSig === "" || heldSig === e.heldSig) continue;
        e.heldSig = heldSig;
        this.transform(e, this.viewFor(e, false));
        reran = true;
      }
      if (!changed && !reran) break;
    }
  }

  /**
   * Last resort after a tsc error no group can take: the file is left as it was before this
   * run (on the two-step path: as the compat step wrote it), and every group with values in
   * it stays on compat too.
   */
  toCompat(file: string, reason: string): boolean {
    const e = this.entries.get(file);
    if (!e || this.compatFiles.has(file)) return false;
    const ids = (e.report?.groups ?? []).flatMap((g) => g.ids);
    this.compatFiles.add(file);
    this.compatReasons.set(file, reason);
    this.hold(ids, reason);
    this.transform(e, this.viewFor(e, false));
    return true;
  }

  /** Files this run changes. */
  changedFiles(): string[] {
    return [...this.entries.values()].filter((e) => e.pf.result?.changed).map((e) => e.pf.file);
  }

  /** The groups as the project decided them. */
  groups(): ProjectGroup[] {
    const uf = new UnionFind();
    const all: { e: Entry; g: GroupReport }[] = [];
    for (const e of this.entries.values()) for (const g of e.report?.groups ?? []) if (g.ids.length) all.push({ e, g });
    for (const { g } of all) for (let i = 1; i < g.ids.length; i++) uf.union(g.ids[0]!, g.ids[i]!);
    const byRoot = new Map<string, ProjectGroup>();
    for (const { e, g } of all) {
      const root = uf.find(g.ids[0]!);
      let pg = byRoot.get(root);
      if (!pg) byRoot.set(root, (pg = { ids: [], files: [], held: false, reason: null, edits: 0 }));
      for (const id of g.ids) if (!pg.ids.includes(id)) pg.ids.push(id);
      const rel = this.rel(e.pf.file);
      if (!pg.files.includes(rel)) pg.files.push(rel);
      if (g.blocked) {
        pg.held = true;
        pg.reason ??= this.held.get(g.ids.find((id) => this.held.has(id)) ?? "") ?? `${rel}:${g.reasons[0]?.line ?? g.line}: ${g.reasons[0]?.message ?? ""}`;
      }
      pg.edits += g.edits;
    }
    return [...byRoot.values()];
  }

  /** The groups that have values in this file. */
  groupsIn(file: string): ProjectGroup[] {
    const rel = this.rel(file);
    return this.groups().filter((g) => g.files.includes(rel));
  }

  /** Groups whose values this file imports (for an error in a file with no rewrite of its own). */
  groupsReaching(file: string): ProjectGroup[] {
    const e = this.entries.get(file);
    if (!e?.module) return [];
    const prefixes = this.visiblePrefixes(e);
    return this.groups().filter((g) => g.ids.some((id) => prefixes.some((p) => id === p || id.startsWith(p))));
  }

  /** The file's output with extra ids held (to see which group wrote a line). */
  outputWithHeld(file: string, ids: string[], reason: string): string | null {
    const e = this.entries.get(file);
    if (!e) return null;
    const saved = new Map(this.held);
    for (const id of ids) this.held.set(id, reason);
    try {
      return applyTransform(e.pf.source, e.pf.file, this.options, this.viewFor(e, false)).output;
    } catch {
      return null;
    } finally {
      this.held.clear();
      for (const [k, v] of saved) this.held.set(k, v);
    }
  }

  state(): ProjectState {
    return {
      root: this.root,
      files: [...this.entries.values()].map((e) => e.pf),
      groups: this.options.mode === "compat" ? [] : this.groups(),
      runs: this.runs,
      held: this.held,
    };
  }
}

/** The file unchanged but for one marker line at its top (after a `#!` line), written once. */
function withHeaderMarker(source: string, reason: string): string {
  const line = `// ${MARKER_PREFIX} this file stays as it was: ${reason}`;
  if (source.includes(line)) return source;
  const eol = source.includes("\r\n") ? "\r\n" : "\n";
  if (source.startsWith("#!")) {
    const nl = source.indexOf("\n");
    return nl === -1 ? `${source}${eol}${line}${eol}` : `${source.slice(0, nl + 1)}${line}${eol}${source.slice(nl + 1)}`;
  }
  return `${line}${eol}${source}`;
}
