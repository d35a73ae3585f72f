/**
 * What the whole-program pass and the per-file transform tell each other.
 *
 * Values are named by project-wide ids built from the project-relative path and a syntactic
 * name path, never by AST identity (so they survive re-parsing a file):
 *
 *   src/db.ts#redis          a module-level binding (exported or not)
 *   src/app.ts#App.db        a class field
 *   src/db.ts#connect()      what a function (or `Class.method`) returns
 *   src/q.ts#Queue(0)        a parameter of a function, method or constructor (`Queue(0)`)
 *   src/db.ts#@12:3          a group with no name the outside can see (its root's position)
 */
/** What kind of aioredis object a value is (the whole-program pass and the v2 rewrite share it). */
export type Kind = "client" | "pool" | "connection" | "pipeline" | "sentinel" | "channel";

/** What a value is, as far as the rewrite needs to know. */
export interface ObjFact {
  kind: Kind;
  /** Replies decoded to strings (v1 `encoding`); null when unknown. */
  decode: boolean | null;
  encoding: string | null;
  /** A client on a BlockingConnectionPool of its own (v1 maxsize): closing it disconnects the pool. */
  blockingPool?: boolean;
  /** A pipeline a function returns: a transaction or not, the commands it queued, where WATCH/UNWATCH sit among them. */
  pipeline?: { transaction: boolean; count: number; watchAt: number[] };
  /** An instance of a project subclass of Redis converted with its constructor calls (v2/subclass-convert.ts). */
  subclass?: SubclassFact;
  /** A channel: of a pattern subscription (psubscribe). */
  pattern?: boolean;
  /**
   * A client whose subscriptions are PubSubs kept in fields of the instance it is read from
   * (`sub.getClient()`: `sub.pubsub`); `field: null` for one no code outside its class can reach.
   */
  pubsubs?: PubSubHome[];
}

/** A converted subclass of Redis: which constructor parameter goes to super(), and the members it declares itself. */
export interface SubclassFact {
  superArg: number;
  own: string[];
}

/** Where a client's PubSub is kept, seen from outside the class that made it. */
export interface PubSubHome {
  field: string | null;
  pattern: boolean;
}

export function sameFact(a: ObjFact, b: ObjFact): boolean {
  return (
    a.kind === b.kind &&
    a.decode === b.decode &&
    !!a.blockingPool === !!b.blockingPool &&
    JSON.stringify(a.pipeline ?? null) === JSON.stringify(b.pipeline ?? null) &&
    JSON.stringify(a.subclass ?? null) === JSON.stringify(b.subclass ?? null) &&
    !!a.pattern === !!b.pattern &&
    JSON.stringify(a.pubsubs ?? null) === JSON.stringify(b.pubsubs ?? null) &&
    (a.encoding ?? "").toLowerCase().replace(/[-_]/g, "") === (b.encoding ?? "").toLowerCase().replace(/[-_]/g, "")
  );
}

/** The project as one file sees it (given to the transform by the whole-program pass). */
export interface FileView {
  /** This file's project-relative path: the prefix of its own ids. */
  readonly id: string;
  /** Canonical id of a module-level name of this file: imports followed through re-exports to their declaration. */
  local(name: string): string | null;
  /** Canonical id of `name` exported by the module `source` imports (for `ns.name` of `import * as ns`). */
  member(source: string, name: string): string | null;
  fact(id: string): ObjFact | undefined;
  /** The class a value id is an instance of (`export const app = new App()`), as a class id. */
  instanceOf(id: string): string | null;
  /** Whether the method of a class (by class id) returns `this` (`await new C().init()` is an instance of C). */
  returnsThis?(cls: string, method: string): boolean;
  /** Whether the parameter `id` (`src/u.ts#show(0)`) only describes its value (v2/describe.ts). */
  describes?(id: string): boolean;
  /** Fields of a class (by class id) that hold objects, with what they hold. */
  fieldsOf(classId: string): [string, ObjFact][];
  /** The members of a type alias of the project (`src/k.ts#Key` -> ["string", "number"]), null when unknown. */
  aliasMembers?(id: string): string[] | null;
  /** Values kept anywhere under a type or value id (`a.b` for `T.a.b`), with what they hold. */
  pathsOf?(prefix: string): [string, ObjFact][];
  /** False during the first pass, before any file's facts are known. */
  readonly ready: boolean;
  /** Whether the project gives this file values to follow (it is transformed even without an aioredis import). */
  readonly linked: boolean;
  /** Called by the transform with the file's own imports and exports, before it asks anything. */
  init?(module: ModuleSummary): void;
  /** Why the project keeps this value on compat, when it does. */
  held(id: string): string | undefined;
  /** Whether any group of the project stays on compat (errors whose origin is unknown then stay on compat). */
  readonly anyHeld: boolean;
}

/** A module's imports and exports, for resolving ids across files. */
export interface ModuleSummary {
  imports: { local: string; source: string; imported: string }[];
  /** Declarations this module exports: exported name -> local name. */
  exports: { exported: string; local: string }[];
  /** `export { a as b } from "./x"` (`imported` is "*" for `export * as b from`). */
  reexports: { source: string; imported: string; exported: string }[];
  /** `export * from "./x"`. */
  exportAll: string[];
  /** Module-level `const x = new C(...)`: x is an instance of the class C names (`via`: made by `await new C().via()`). */
  instances: { local: string; cls: string; via?: string }[];
  /** `C.m` for methods of this module's classes that return `this`. */
  selfMethods?: string[];
  /** Parameters of the module's named functions that only describe their value: `show(0)`, `Log.line(1)` (v2/describe.ts). */
  describers?: string[];
  /** Top-level `type K = string | number`: the alias's members ("string", "number", or "other"). */
  aliases?: { name: string; members: string[] }[];
}

export interface GroupReport {
  label: string;
  ids: string[];
  /** Whether the file's own analysis keeps the group on compat, and why. */
  blocked: boolean;
  reasons: { line: number; message: string }[];
  /** Number of rewrites the group makes in this file. */
  edits: number;
  line: number;
}

/** What the transform found in one file, for the whole-program pass. */
export interface FileReport {
  module: ModuleSummary;
  /** Values this file gives a fact for (origins, and values it passes on). */
  facts: { id: string; fact: ObjFact }[];
  groups: GroupReport[];
}
