/**
 * The state of the v2 analysis of one file and what several of its passes share: the ids a
 * value is known by across the project, the type annotations that follow it, and values kept
 * at member paths (`app.state.pool`), in Map slots, and passed into project constructors.
 */
/**
 * `--mode v2`: the v1 API rewritten into the v2 API, one file at a time, in a fixed order:
 * find the names bound to our package; find the objects v1 factories make and follow them;
 * plan every rewrite per object group (all or nothing); rename error classes; apply; point
 * each import at `aioredis` or, for what was left on v1, at `aioredis/compat`.
 */
import { resolveExport } from "../lib/bindings.js";
import { nodesOf, type Ctx } from "../lib/context.js";
import { climbWrappers, replaceNode, type N, type P } from "../lib/ast.js";
import { SHARED_NAMES, TYPE_RENAMES } from "./names.js";
import { holderOf, referencesOfHolder, stmtOf, type CallUse, type Holder, type Obj, type Use, NO_HOLDER } from "./objects.js";
import type { PubSubRegistry } from "./pubsub.js";
import { notePorted } from "./pubsub-field.js";
import type { V2State, Group } from "./state.js";
import { slotId, slotsId, slotUses } from "./slots.js";
import { arrayLiteralOf } from "./arrays.js";
import { aliasPackageRefs } from "./alias-refs.js";
import { declaredMemberTypeRefs, declaredTypes, memberChain, pathIdOf, typeIdOfDecl, unwrapValue } from "./paths.js";
import { memberTypeId, typedMemberValues } from "./typed-members.js";
import { resolveBinding } from "../lib/scope.js";
import type { ObjFact } from "../project/view.js";
import { describable, describedNote } from "./describe.js";

import { V2_TYPE, returnTarget, isModuleLevel, isModuleLevelDecl, classIdOf, fnIdOf, functionPaths } from "./analyzer-util.js";

export abstract class AnalyzerBase {
  /** Follows one value through its uses (the file's main pass, in the Analyzer). */
  abstract analyze(obj: Obj): void;

  protected lastRoot: Obj | null = null;

  protected projectRoot(fact: ObjFact, holder: Holder, ids: string[], anchor: N, label: string): void {
    const group = this.state.group(label);
    group.anchor = anchor;
    for (const id of ids) group.addId(id);
    const obj: Obj = { ...fact, group, label, holder, origin: null, ids };
    this.lastRoot = obj;
    this.annotation(obj);
    this.analyze(obj);
  }

  readonly registry: PubSubRegistry = new Map();
  /** Parameters already followed (a function called with tracked objects). */
  readonly followed = new Map<N, Obj>();
  /** `new Redis(pool)` expressions and params taken by a root, so they are not roots themselves. */
  readonly claimed = new Set<N>();
  /** `waitClosed()` calls merged into the `close()` before them. */
  readonly pairedWaits = new Set<N>();
  /** `pool.release(conn)` calls rewritten with the pool: not an escape of `conn`. */
  readonly releaseCalls = new Set<N>();
  /** Each client's calls, for closing its PubSubs before it once every subscription is known. */
  readonly closes: { obj: Obj; calls: CallUse[] }[] = [];
  /** The group of the pipelines each project function returns, in this file. */
  readonly pipelineGroups = new Map<string, Group>();

  constructor(readonly state: V2State) {}

  get ctx(): Ctx {
    return this.state.ctx;
  }

  protected readonly seenBindings = new Map<N, Obj>();
  protected readonly seenKeyed = new Map<N, Map<string, Obj>>();

  /** The object already analyzed for the same holder, or null (and remembers this one). */
  protected holderSeen(obj: Obj): Obj | null {
    const h = obj.holder;
    if (h.type === "binding") {
      if (!h.declId) return null;
      const prev = this.seenBindings.get(h.declId);
      if (!prev) this.seenBindings.set(h.declId, obj);
      return prev ?? null;
    }
    const key = h.type === "field" || h.type === "this" ? h.classPath.node : h.objectDeclId;
    let byName = this.seenKeyed.get(key);
    if (!byName) this.seenKeyed.set(key, (byName = new Map()));
    const name = h.type === "member" && h.via?.length ? [...h.via, h.name].join(".") : h.name;
    const prev = byName.get(name);
    if (!prev) byName.set(name, obj);
    return prev ?? null;
  }

  /** The project-wide ids of an object: its module-level binding, its class field, and any given to it. */
  protected idsOf(obj: Obj): string[] {
    const view = this.ctx.view;
    if (!view) return [];
    const out = [...(obj.ids ?? [])];
    const h = obj.holder;
    if (h.type === "binding" && h.declPath && isModuleLevel(h.declPath)) {
      const id = view.local(h.name);
      if (id) out.push(id);
    } else if (h.type === "field") {
      const cls = classIdOf(this.ctx, h.classPath);
      if (cls) out.push(`${cls}.${h.name}`);
    }
    return out;
  }

  /** Records that the object is the value `id` (joins the group to it, and tells the project what it is). */
  protected port(obj: Obj, id: string): void {
    obj.group.addId(id);
    if (this.ctx.report && obj.kind === "pipeline" && obj.queued) {
      const pipeline = { transaction: !!obj.transaction, ...obj.queued };
      this.ctx.report.facts.push({ id, fact: { kind: "pipeline", decode: obj.decode, encoding: obj.encoding, pipeline } });
    }
    if (this.ctx.report && (obj.kind === "client" || obj.kind === "pool" || obj.kind === "connection" || obj.kind === "sentinel" || obj.kind === "channel")) {
      const fact: ObjFact = {
        kind: obj.kind,
        decode: obj.decode,
        encoding: obj.encoding,
        ...(obj.blockingPool ? { blockingPool: true } : {}),
        ...(obj.subclass ? { subclass: obj.subclass } : {}),
        ...(obj.kind === "channel" ? { pattern: !!obj.pattern } : {}),
      };
      this.ctx.report.facts.push({ id, fact });
      if (obj.kind === "client") notePorted(this.state, obj, fact, id);
    }
  }

  /**
   * A use that leaves the file's sight, seen with the whole program: an export (its importers
   * are analyzed with it), a `return` from a named function (its callers are), a copy into a
   * class field or a variable (followed here). False when it still cannot be followed.
   */
  protected projectEscape(obj: Obj, ref: P): boolean {
    const view = this.ctx.view;
    if (!view) return false;
    const list = arrayLiteralOf(ref);
    if (list) return this.arrayStore(obj, list);
    const p = climbWrappers(ref);
    const parent = p.parent?.node;
    if (!parent) return false;
    if (parent.type === "ExportSpecifier") return obj.holder.type === "binding" && !!obj.holder.declPath && isModuleLevel(obj.holder.declPath);
    if (parent.type === "ReturnStatement" || (parent.type === "ArrowFunctionExpression" && parent.body === p.node)) {
      const fn = returnTarget(p);
      const id = fn ? fnIdOf(this.ctx, fn) : null;
      if (!id) return false;
      this.port(obj, `${id}()`);
      this.returnTypes(obj, fn!);
      return true;
    }
    if (parent.type === "AssignmentExpression" && parent.right === p.node && parent.operator === "=") {
      const left = parent.left;
      if (left.type === "MemberExpression" && left.object.type === "ThisExpression" && !left.computed && left.property.type === "Identifier") {
        const held = holderOf(this.state, p);
        if ("reason" in held || held.holder.type !== "field") return false;
        const copy: Obj = { ...obj, label: held.holder.name, holder: held.holder, origin: obj.origin, ids: [] };
        this.annotation(copy);
        this.analyze(copy);
        return true;
      }
      return this.pathStore(obj, p.parent.get("left"));
    }
    if (parent.type === "ObjectProperty" && parent.value === p.node) return this.literalArg(obj, p.parent);
    if (parent.type === "VariableDeclarator" && parent.init === p.node && parent.id.type === "Identifier") {
      const held = holderOf(this.state, p);
      if ("reason" in held) return false;
      const copy: Obj = { ...obj, label: held.holder.name, holder: held.holder, ids: [] };
      this.annotation(copy);
      this.analyze(copy);
      return true;
    }
    return false;
  }

  /** `[client]`: the array literal holds the value (analyzer-arrays.ts). */
  protected abstract arrayStore(obj: Obj, listPath: P): boolean;

  // ------------------------------------------------------------------ member paths (paths.ts)

  protected readonly assigns: { obj: Obj; right: N; stmt: N }[] = [];
  protected readonly pathTypeRefs = new Set<N>();
  protected readonly pathRootsSeen = new Set<string>();

  /**
   * `app.state.pool = pool` where `app` is declared with a project type: the value is the
   * project id `Application.state.pool`; readers of that path anywhere in the project join
   * the group, and the declared type of the path (when declared here) is rewritten with it.
   */
  protected pathStore(obj: Obj, leftPath: P): boolean {
    const chain = memberChain(leftPath.node);
    if (!chain) return false;
    let id: string | null = null;
    if (chain.root.type === "ThisExpression" && chain.names.length >= 2) {
      let c: P | null = leftPath.parent;
      while (c && c.node.type !== "ClassDeclaration") c = c.parent;
      const cls = c ? classIdOf(this.ctx, c) : null;
      if (cls) id = `${cls}.${chain.names.join(".")}`;
    } else id = pathIdOf(this.ctx, leftPath, chain)?.id ?? null;
    if (!id) return false;
    this.port(obj, id);
    this.pathTypes(obj, id);
    return true;
  }

  /** The declared type of a member path (when declared in this file) follows the value kept there. */
  protected pathTypes(obj: Obj, id: string): void {
    const hash = id.indexOf("#");
    const dot = id.indexOf(".", hash);
    if (hash < 0 || dot < 0 || id.slice(hash, dot).includes("(")) return;
    for (const r of declaredMemberTypeRefs(this.ctx, id.slice(0, dot), id.slice(dot + 1).split("."))) {
      if (this.pathTypeRefs.has(r.node)) continue;
      if (!resolveExport(this.state.info, r.get("typeName"))) continue;
      this.pathTypeRefs.add(r.node);
      obj.group.v1Refs.push(r.node.typeName, r.node.typeName.left ?? r.node.typeName);
      this.typeEdit(obj, r);
    }
  }

  /** `new Transport({ redis: client })`: the value is the member `redis` of the callee's parameter. */
  protected literalArg(obj: Obj, propPath: P): boolean {
    const prop = propPath.node;
    if (prop.computed || (prop.key.type !== "Identifier" && prop.key.type !== "StringLiteral")) return false;
    const key = prop.key.type === "Identifier" ? prop.key.name : prop.key.value;
    if (!/^[A-Za-z_$][\w$]*$/.test(key)) return false;
    const objPath = climbWrappers(propPath.parent);
    const call = objPath.parent;
    if (!call || !(call.node.type === "CallExpression" || call.node.type === "NewExpression") || !call.node.arguments.includes(objPath.node)) return false;
    const index = call.node.arguments.indexOf(objPath.node);
    const callee = call.node.callee;
    const view = this.ctx.view!;
    let fnId: string | null = null;
    if (callee.type === "Identifier") {
      const decl = resolveBinding(call.get("callee"), callee.name);
      if (decl && isModuleLevelDecl(this.ctx, decl)) fnId = view.local(callee.name);
    }
    if (!fnId || fnId.endsWith("#*")) return false;
    this.port(obj, `${fnId}(${index}).${key}`);
    return true;
  }

  /** Roots at member paths: parameters' members given by object literals, typed receivers' paths, declared path types. */
  protected pathRoots(): void {
    const view = this.ctx.view!;
    const ctx = this.ctx;
    // `constructor(options: Options = {})` given `{ redis: client }`: `options.redis`
    const fns = functionPaths(ctx);
    for (const fn of fns) {
      const fid = fnIdOf(ctx, fn);
      if (!fid) continue;
      (fn.node.params as N[]).forEach((param, i) => {
        const declId = param.type === "Identifier" ? param : param.type === "AssignmentPattern" && param.left.type === "Identifier" ? param.left : null;
        if (!declId) return;
        const typeId = typeIdOfDecl(ctx, declId);
        for (const [key, fact] of view.fieldsOf(`${fid}(${i})`)) {
          const holder: Holder = { type: "member", name: key, object: declId.name, objectDeclId: declId, declPath: null };
          const ids = [`${fid}(${i}).${key}`, ...(typeId ? [`${typeId}.${key}`] : [])];
          this.pathRoot(fact, holder, ids, stmtOf(fn));
        }
      });
    }
    // `app.state.pool` where `app: Application` and the project keeps a value at `Application.state.pool`
    nodesOf(ctx, "MemberExpression").forEach((p: P) => {
      const parent = p.parent?.node;
      if (parent?.type === "AssignmentExpression" && parent.left === p.node) return;
      const chain = memberChain(p.node);
      if (!chain || chain.root.type !== "Identifier") return;
      const at = pathIdOf(ctx, p, chain);
      if (!at) return;
      const fact = view.fact(at.id);
      if (!fact) return;
      const names = chain.names;
      const holder: Holder = {
        type: "member",
        name: names[names.length - 1]!,
        object: chain.root.name,
        objectDeclId: at.declId,
        declPath: null,
        via: names.slice(0, -1),
      };
      this.pathRoot(fact, holder, [at.id], stmtOf(p));
    });
    // the declaration of a path the project keeps a value at: rewritten with it, so tsc checks
    // every reader; declared as something tsc cannot check a reader against (`any`, no
    // aioredis type), the value stays on compat
    for (const t of declaredTypes(ctx)) {
      const found: { names: string[]; fact: ObjFact }[] = [];
      for (const member of t.members) {
        if (t.kind !== "class") {
          const fact = view.fact(`${t.typeId}.${member}`);
          if (fact) found.push({ names: [member], fact });
        }
        for (const [sub, fact] of view.fieldsOf(`${t.typeId}.${member}`)) found.push({ names: [member, sub], fact });
      }
      for (const { names, fact } of found) {
        // through a member declared with a project type: the value of that type (typed-members.ts)
        if (names.length > 1 && memberTypeId(ctx, t.typeId, names[0]!)) continue;
        const id = `${t.typeId}.${names.join(".")}`;
        if (this.pathRootsSeen.has(id)) continue;
        this.pathRootsSeen.add(id);
        const refs = declaredMemberTypeRefs(ctx, t.typeId, names).filter((r) => resolveExport(this.state.info, r.get("typeName")));
        const group = this.state.group(id);
        group.anchor = stmtOf(t.path);
        group.addId(id);
        if (!refs.length) {
          group.block(
            stmtOf(t.path),
            `${t.name}.${names.join(".")} keeps a ${fact.kind}, but is not declared with an aioredis type, so tsc cannot check the code reading it; declare it as one (Redis, ConnectionsPool) and run the codemod again`,
          );
          continue;
        }
        group.anchor = stmtOf(refs[0]!);
        const obj: Obj = { ...fact, group, label: names.join("."), holder: NO_HOLDER, origin: null };
        this.pathTypes(obj, id);
      }
    }
  }

  /** `State.redis.pool` where `State.redis: Holder` and Holder keeps a client at `pool`: one value (typed-members.ts). */
  protected typedMembers(): void {
    for (const v of typedMemberValues(this.ctx)) {
      const group = this.state.group(v.label);
      group.anchor = stmtOf(v.typePath);
      group.addId(v.id);
      group.addId(v.base);
      this.ctx.report?.facts.push({ id: v.id, fact: v.fact });
    }
  }

  protected pathRoot(fact: ObjFact, holder: Extract<Holder, { type: "member" }>, ids: string[], anchor: N): void {
    // one root per declaration of the object: two functions' `request` parameters are two roots
    const at = holder.objectDeclId?.loc?.start;
    const key = `${ids[0]}@${holder.object}@${at ? `${at.line}:${at.column}` : ""}`;
    if (this.pathRootsSeen.has(key)) return;
    if (referencesOfHolder(this.state, holder).length === 0) return;
    this.pathRootsSeen.add(key);
    const label = [holder.object, ...(holder.via ?? []), holder.name].join(".");
    this.projectRoot(fact, holder, ids, anchor, label);
    for (const id of ids) this.pathTypes(this.lastRoot!, id);
  }

  /**
   * `class JsonQueue extends Queue {}` (no constructor of its own): `new JsonQueue(redis)` runs
   * Queue's constructor, so `JsonQueue(i)` and `Queue(i)` are one value (joined, and what
   * callers give the one is given to the other).
   */
  protected inheritedConstructors(): void {
    const view = this.ctx.view!;
    for (const c of nodesOf(this.ctx, "ClassDeclaration") as P[]) {
      const sup = c.node.superClass;
      if (sup?.type !== "Identifier" || resolveExport(this.state.info, c.get("superClass"))) continue;
      const cls = classIdOf(this.ctx, c);
      const decl = resolveBinding(c.get("superClass"), sup.name);
      const base = decl && isModuleLevelDecl(this.ctx, decl) ? view.local(sup.name) : null;
      if (!cls || !base || base.endsWith("#*")) continue;
      // the fields it inherits: `queue.redis` of a JsonQueue is RedisQueue's field
      for (const [field, fact] of view.fieldsOf(base)) {
        if ((c.node.body.body as N[]).some((m) => (m.type === "ClassProperty" || m.type === "ClassMethod") && !m.computed && m.key?.name === field)) continue;
        const group = this.state.group(`${cls}.${field}`);
        group.anchor = stmtOf(c);
        group.addId(`${cls}.${field}`);
        group.addId(`${base}.${field}`);
        this.ctx.report?.facts.push({ id: `${cls}.${field}`, fact });
      }
      if ((c.node.body.body as N[]).some((m) => m.type === "ClassMethod" && m.kind === "constructor")) continue;
      for (let i = 0; i < 8; i++) {
        const fact = view.fact(`${cls}(${i})`) ?? view.fact(`${base}(${i})`);
        if (!fact) continue;
        const group = this.state.group(`${cls}(${i})`);
        group.anchor = stmtOf(c);
        group.addId(`${cls}(${i})`);
        group.addId(`${base}(${i})`);
        this.ctx.report?.facts.push({ id: `${base}(${i})`, fact }, { id: `${cls}(${i})`, fact });
      }
    }
  }

  /**
   * Map slots the project keeps followed values in: readers (`.get("redis")`) are roots; a value
   * stored there that is not followed, or any other use of such a Map, holds every slot of it.
   */
  protected slotScan(): void {
    const view = this.ctx.view!;
    const known = new Map<string, boolean>();
    const isSlotMap = (name: string): boolean => {
      if (!known.has(name)) known.set(name, view.fieldsOf(slotsId(name)).length > 0);
      return known.get(name)!;
    };
    for (const u of slotUses(this.ctx, isSlotMap)) {
      if (u.type === "init" || u.type === "has" || u.type === "delete") continue;
      const block = (path: P, message: string): void => {
        const g = this.state.group(`Map ${u.name}`);
        g.anchor = stmtOf(path);
        g.addId(slotsId(u.name));
        g.block(stmtOf(path), message);
      };
      if (u.type === "other") {
        block(
          u.path,
          `the Map ${u.name} holds a client (set under a literal key) and is used here in a way the codemod cannot follow (only .set/.get/.has/.delete with a literal key are), so its readers cannot all be seen; migrate them together by hand`,
        );
        continue;
      }
      const fact = view.fact(slotId(u.name, u.key));
      if (!fact) continue;
      if (u.type === "set") {
        const value = climbWrappers(u.callPath.get("arguments", 1)).node;
        if (this.state.groups.some((g) => g.refNodes.has(value) || g.refNodes.has(unwrapValue(value)))) continue;
        block(u.callPath, `the Map ${u.name} gets a value under "${u.key}" that the codemod does not follow, and a client under the same key elsewhere`);
        continue;
      }
      this.slotReader(u.callPath, u.name, u.key, fact);
    }
  }

  /** `app.state.get("redis") as Redis`: the client kept in the slot, followed from here (its cast follows it too). */
  protected slotReader(callPath: P, name: string, key: string, fact: ObjFact): void {
    const group = this.state.group(`${name}.get("${key}")`);
    group.anchor = stmtOf(callPath);
    group.addId(slotId(name, key));
    group.addId(slotsId(name));
    let valuePath: P = climbWrappers(callPath);
    const parent = valuePath.parent?.node;
    const obj: Obj = { ...fact, group, label: `${name}.get("${key}")`, holder: NO_HOLDER, origin: null };
    if (parent?.type === "TSAsExpression" && parent.expression === valuePath.node) {
      valuePath = valuePath.parent;
      const ann: P = valuePath.get("typeAnnotation");
      const refs: P[] =
        ann.node.type === "TSTypeReference"
          ? [ann]
          : ann.node.type === "TSUnionType"
            ? (ann.node.types as N[]).flatMap((t, i) => (t.type === "TSTypeReference" ? [ann.get("types", i)] : []))
            : [];
      for (const r of refs) {
        if (!resolveExport(this.state.info, r.get("typeName"))) continue;
        group.v1Refs.push(r.node.typeName, r.node.typeName.left ?? r.node.typeName);
        this.typeEdit(obj, r);
      }
    }
    const held = holderOf(this.state, valuePath);
    if ("reason" in held) {
      if (held.reason !== "is not kept anywhere")
        group.block(stmtOf(callPath), `the client read from the Map ${name} ${held.reason}; migrate its uses together by hand`);
      return;
    }
    const reader: Obj = { ...obj, label: held.holder.name, holder: held.holder };
    this.annotation(reader);
    this.analyze(reader);
  }

  /** `this.redis = options.redis ?? null` in a field that also holds a factory's object: fine when the value assigned is followed too. */
  protected pendingAssigns(): void {
    for (const { obj, right, stmt } of this.assigns) {
      const other = this.state.groups.find((g) => g.refNodes.has(right));
      if (other) {
        if (other.root() !== obj.group.root()) obj.group.absorb(other);
        continue;
      }
      obj.group.block(stmt, `${obj.label} is assigned another value here, so the codemod cannot tell which object it holds`);
    }
  }

  /** `return pipe` of a pipeline a named project function made or continued: its callers get it (see pipeline-flow.ts). */
  protected pipelineReturn(obj: Obj, ref: P): boolean {
    const fn = returnTarget(climbWrappers(ref));
    const id = fn ? fnIdOf(this.ctx, fn) : null;
    if (!id) return false;
    this.port(obj, `${id}()`);
    this.returnTypes(obj, fn!);
    return true;
  }

  /** The type annotations of a function that returns the object (`Promise<aioredis.Redis>`) follow it. */
  protected returnTypes(obj: Obj, fn: P): void {
    const rt = fn.node.returnType;
    if (!rt) return;
    this.ctx
      .j(fn.get("returnType"))
      .find(this.ctx.j.TSTypeReference)
      .forEach((r: P) => {
        const ref = resolveExport(this.state.info, r.get("typeName"));
        if (!ref) return;
        obj.group.v1Refs.push(r.node.typeName, r.node.typeName.left ?? r.node.typeName);
        this.typeEdit(obj, r);
      });
  }

  /** The object passed to a function or class of the project: the parameter's id joins the group. */
  protected projectArg(obj: Obj, use: Extract<Use, { type: "arg" }>, suffix = ""): boolean {
    const view = this.ctx.view;
    if (!view) return false;
    const callee = use.callPath.node.callee;
    let fnId: string | null = null;
    if (callee.type === "Identifier") {
      const decl = resolveBinding(use.callPath.get("callee"), callee.name);
      if (decl && isModuleLevelDecl(this.ctx, decl)) fnId = view.local(callee.name);
    } else if (callee.type === "MemberExpression" && !callee.computed && callee.object.type === "ThisExpression" && callee.property.type === "Identifier") {
      let c: P | null = use.callPath.parent;
      while (c && c.node.type !== "ClassDeclaration") c = c.parent;
      const cls = c ? classIdOf(this.ctx, c) : null;
      if (cls) fnId = `${cls}.${callee.property.name}`;
    }
    if (!fnId || fnId.endsWith("#*")) return false;
    // a function that only describes what it is given (describe.ts): no escape, and no value of the group
    if (!suffix && describable(obj.kind) && view.describes?.(`${fnId}(${use.index})`)) {
      this.describedArg(obj, use, callee.type === "Identifier" ? callee.name : callee.property.name);
      return true;
    }
    this.port(obj, `${fnId}(${use.index})${suffix}`);
    return true;
  }

  /** The value given to a function that only describes it: the group converts, and the report says its text changes. */
  protected describedArg(obj: Obj, use: Extract<Use, { type: "arg" }>, fnName: string): void {
    obj.group.reportNote(use.callPath.node, describedNote(obj.kind, fnName));
  }

  /** A group with no project-visible name still gets an id, so the project can hold it back (after a tsc error, say). */
  protected groupId(group: Group, node: N): void {
    const view = this.ctx.view;
    if (!view) return;
    const loc = node?.loc?.start;
    if (loc) group.addId(`${view.id}#@${loc.line}:${loc.column}`);
  }

  /** The holder's type annotation follows the object: `ConnectionsPool` -> `ConnectionPool`, `Redis` -> `Redis<string>` when decoding. */
  annotation(obj: Obj): void {
    const declPath = obj.holder.declPath;
    if (!declPath) return;
    const node = declPath.node;
    const id = node.type === "VariableDeclarator" ? node.id : node;
    const ann = id?.typeAnnotation?.typeAnnotation;
    if (!ann) return;
    const annPath: P = (node.type === "VariableDeclarator" ? declPath.get("id") : declPath).get("typeAnnotation", "typeAnnotation");
    const refs: P[] = [];
    if (ann.type === "TSTypeReference") refs.push(annPath);
    else if (ann.type === "TSUnionType") ann.types.forEach((t: N, i: number) => t.type === "TSTypeReference" && refs.push(annPath.get("types", i)));
    // `connection: Connection` where `type Connection = string | Redis` (alias-refs.ts)
    for (const r of [...refs]) refs.push(...aliasPackageRefs(this.ctx, this.state.info, r));
    for (const r of refs) {
      const ref = resolveExport(this.state.info, r.get("typeName"));
      if (!ref) continue;
      obj.group.v1Refs.push(r.node.typeName, r.node.typeName.left ?? r.node.typeName);
      this.typeEdit(obj, r);
    }
  }

  protected typeEdit(obj: Obj, typeRefPath: P): void {
    const ref = resolveExport(this.state.info, typeRefPath.get("typeName"));
    if (!ref) return;
    const v2 = V2_TYPE[obj.kind];
    const typeArg = obj.decode ? "string" : null;
    if (ref.name === v2 && !typeArg) return;
    if (!(ref.name in TYPE_RENAMES) && !SHARED_NAMES.has(ref.name)) return;
    const node = typeRefPath.node;
    obj.group.edit(1, node, "type", `${ref.name} is ${v2}${typeArg ? `<${typeArg}>` : ""} in v2`, () => {
      replaceNode(typeRefPath, this.state.typeRef(v2, node.typeName, typeArg));
    });
  }
}
