/**
 * What the v2 rewrite of one file accumulates: the groups of objects that are converted
 * together or not at all, the references that must stay on `aioredis/compat`, and the v2
 * names the new code needs imported.
 */
import type { ExportRef, ModuleInfo } from "../lib/bindings.js";
import { addMarker, nodesOf, recordChange, type Ctx } from "../lib/context.js";
import { isDeclarationId, lineOf, type N } from "../lib/ast.js";

export interface Edit {
  /** Lower runs first: argument rewrites (1) before call rewrites (2) before statement rewrites (3). */
  order: number;
  node: N;
  rule: string;
  message: string;
  run: () => void;
}

/**
 * A client, pool or connection made by one v1 factory call, with everything derived from it
 * (pipelines, exclusive connections, channels). It is converted whole or not at all: when one
 * use cannot be rewritten, the factory and every use stay on `aioredis/compat` and the use
 * gets a marker saying what to change before running the codemod again.
 */
export class Group {
  private ownBlocked = false;
  readonly edits: Edit[] = [];
  readonly blockers: { stmt: N; message: string }[] = [];
  readonly notes: { stmt: N; message: string }[] = [];
  /** Why a rewrite that would have carried the group was not taken: markers only if the group is held back. */
  readonly explanations: { stmt: N; message: string }[] = [];
  /** What the report says (no marker) when the group converts: behaviour that changes on purpose. */
  readonly reportNotes: { node: N; message: string }[] = [];
  /** Identifier nodes of package exports the group's v1 code uses (kept on compat if blocked). */
  readonly v1Refs: N[] = [];
  /** Every reference to the group's objects (to tell which client a `try` block talks to). */
  readonly refNodes = new Set<N>();
  /**
   * Project-wide ids of the values in this group (`src/db.ts#redis`, `src/app.ts#App.db`,
   * `src/q.ts#Queue(0)`, ...): the whole-program pass joins groups of different files that
   * share one, and decides for all of them together.
   */
  readonly ids = new Set<string>();
  /** Statement that stands for the group (where a marker goes when the project holds it back). */
  anchor: N | null = null;
  /** Set when this group was merged into another one (same values reached two ways). */
  private mergedInto: Group | null = null;
  constructor(readonly label: string) {}

  /** The group this one now belongs to (itself unless merged). */
  root(): Group {
    let g: Group = this;
    while (g.mergedInto) g = g.mergedInto;
    return g;
  }

  get blocked(): boolean {
    return this.root().ownBlocked;
  }

  set blocked(value: boolean) {
    this.root().ownBlocked = value;
  }

  /** Joins another group into this one: its edits, markers, references and ids are this group's from now on. */
  absorb(other: Group): void {
    const a = this.root();
    const b = other.root();
    if (a === b) return;
    a.edits.push(...b.edits.splice(0));
    a.blockers.push(...b.blockers.splice(0));
    a.notes.push(...b.notes.splice(0));
    a.explanations.push(...b.explanations.splice(0));
    a.reportNotes.push(...b.reportNotes.splice(0));
    a.v1Refs.push(...b.v1Refs.splice(0));
    for (const n of b.refNodes) a.refNodes.add(n);
    for (const id of b.ids) a.ids.add(id);
    a.ownBlocked ||= b.ownBlocked;
    a.anchor ??= b.anchor;
    b.mergedInto = a;
  }

  edit(order: number, node: N, rule: string, message: string, run: () => void): void {
    this.root().edits.push({ order, node, rule, message, run });
  }

  block(stmt: N, message: string): void {
    const g = this.root();
    g.ownBlocked = true;
    g.blockers.push({ stmt, message });
  }

  note(stmt: N, message: string): void {
    this.root().notes.push({ stmt, message });
  }

  /** A marker shown only when the group is held back for another reason (why a way out of that was not taken). */
  explain(stmt: N, message: string): void {
    this.root().explanations.push({ stmt, message });
  }

  /** What the report says (no marker) when the group converts: behaviour that changes on purpose. */
  reportNote(node: N, message: string): void {
    this.root().reportNotes.push({ node, message });
  }

  addId(id: string): void {
    this.root().ids.add(id);
  }
}

export class V2State {
  private readonly allGroups: Group[] = [];
  /** Identifier nodes (or namespace objects) that must resolve to `aioredis/compat`. */
  readonly compatNodes = new Set<N>();
  /** Type and value references a converted group owns: they name v2 even when the file keeps other groups on compat. */
  readonly v2Nodes = new Set<N>();
  /** Named v2 exports the new code uses: export name -> local name, and whether used as a value. */
  readonly neededNamed = new Map<string, { local: string; value: boolean }>();
  private declaredNames: Set<string> | null = null;
  blockedCount = 0;

  constructor(
    readonly ctx: Ctx,
    readonly info: ModuleInfo,
  ) {}

  group(label: string): Group {
    const g = new Group(label);
    this.allGroups.push(g);
    return g;
  }

  /** The groups, merged ones counted once. */
  get groups(): Group[] {
    return this.allGroups.filter((g) => g.root() === g);
  }

  /** Applies the edits of every group that can be converted, and the markers of all groups. */
  apply(): void {
    const edits: Edit[] = [];
    for (const g of this.groups) {
      if (g.blocked) {
        for (const b of [...g.blockers, ...g.explanations]) addMarker(this.ctx, b.stmt, b.message);
        this.blockedCount++;
        for (const n of g.v1Refs) this.compatNodes.add(n);
      } else {
        for (const n of g.v1Refs) this.v2Nodes.add(n);
        edits.push(...g.edits);
        for (const n of g.notes) addMarker(this.ctx, n.stmt, n.message);
        for (const n of g.reportNotes) this.ctx.notes.push({ line: lineOf(n.node), message: n.message });
      }
    }
    edits.sort((a, b) => a.order - b.order);
    // The same edit planned twice (one annotation reached from two values, say) runs once.
    const done = new Map<N, Set<string>>();
    for (const e of edits) {
      const key = `${e.rule}\n${e.message}`;
      const seen = done.get(e.node) ?? new Set<string>();
      if (seen.has(key)) continue;
      seen.add(key);
      done.set(e.node, seen);
      e.run();
      recordChange(this.ctx, e.node, e.rule, e.message);
    }
  }

  get anyBlocked(): boolean {
    return this.groups.some((g) => g.blocked);
  }

  /** Names declared anywhere in the file (as it was before the rewrite): a new import must not clash with one. */
  private namesDeclared(): Set<string> {
    return this.declaredNames!;
  }

  /** Records the declared names; called before any rewrite. */
  snapshotNames(): void {
    const names = new Set<string>();
    for (const p of nodesOf(this.ctx, "Identifier")) {
      if (isDeclarationId(p) || p.parent?.node.type?.startsWith("Import")) names.add(p.node.name);
    }
    this.declaredNames = names;
  }

  private hasValueNamespace(): string | null {
    const ns = this.info.bindings.find((b) => b.kind === "namespace" && !b.typeOnly);
    return ns ? ns.local : null;
  }

  private prefersNamed(): boolean {
    return this.info.bindings.some((b) => b.kind === "named" && !b.typeOnly) || !this.hasValueNamespace();
  }

  /** The local name a named v2 import gets (added to the imports at the end). */
  namedLocal(name: string, value: boolean): string {
    const existing = this.neededNamed.get(name);
    if (existing) {
      existing.value ||= value;
      return existing.local;
    }
    // an import of the same name that stays on v2 already provides it
    const same = this.info.bindings.find((b) => b.kind === "named" && b.imported === name && (!b.typeOnly || !value));
    let local: string;
    if (same) {
      local = same.local;
    } else {
      local = name;
      const taken = this.namesDeclared();
      const ours = this.info.bindings.some((b) => b.local === name);
      if (taken.has(name) && !ours) {
        local = `${name}V2`;
        let i = 2;
        while (taken.has(local)) local = `${name}V2_${i++}`;
      }
    }
    this.neededNamed.set(name, { local, value });
    return local;
  }

  /**
   * An expression naming the v2 export `name`: written in the style the original code used
   * (`aioredis.fromUrl` after `aioredis.createRedisPool`, `fromUrl` after a named import).
   */
  ref(name: string, like?: { ref: ExportRef; node: N } | null): N {
    const j = this.ctx.j;
    if (like) {
      const node = like.node;
      if ((node.type === "MemberExpression" || node.type === "OptionalMemberExpression") && (!like.ref.binding || like.ref.binding.kind === "namespace")) {
        const object = node.object.type === "Identifier" ? this.v2Namespace(node.object.name) : node.object;
        return j.memberExpression(object, j.identifier(name));
      }
      if (like.ref.binding?.kind === "named") return j.identifier(this.namedLocal(name, true));
    }
    const ns = this.hasValueNamespace();
    if (ns && !this.prefersNamed()) return j.memberExpression(this.v2Namespace(ns), j.identifier(name));
    return j.identifier(this.namedLocal(name, true));
  }

  /**
   * A new reference to a namespace binding in code the rewrite writes: it names a v2 export, so
   * it resolves to `aioredis` even where the file keeps the same namespace's v1 names on compat.
   */
  private v2Namespace(local: string): N {
    const id = this.ctx.j.identifier(local);
    this.v2Nodes.add(id);
    return id;
  }

  /** Source text for `ref(name)`, for code written as text. */
  refText(name: string, like?: { ref: ExportRef; node: N } | null): string {
    const node = this.ref(name, like);
    if (node.type === "Identifier") return node.name;
    return `${this.ctx.j(node.object).toSource()}.${name}`;
  }

  /** A type reference to the v2 type `name` (TSTypeReference), in the style of `like`. */
  typeRef(name: string, likeTypeName: N | null, typeArg: string | null): N {
    const j = this.ctx.j;
    let typeName: N;
    if (likeTypeName && likeTypeName.type === "TSQualifiedName") {
      if (likeTypeName.left.type === "Identifier") this.v2Nodes.add(likeTypeName.left);
      typeName = j.tsQualifiedName(likeTypeName.left, j.identifier(name));
    } else if (!likeTypeName && this.hasValueNamespace() && !this.prefersNamed()) {
      typeName = j.tsQualifiedName(this.v2Namespace(this.hasValueNamespace()!), j.identifier(name));
    } else {
      typeName = j.identifier(this.namedLocal(name, false));
    }
    const ref = j.tsTypeReference(typeName);
    if (typeArg)
      (ref as N).typeParameters = j.tsTypeParameterInstantiation([typeArg === "string" ? j.tsStringKeyword() : j.tsTypeReference(j.identifier(typeArg))]);
    return ref;
  }
}
