/**
 * `--mode v2`: the v1 API rewritten into the v2 API, one file at a time, in a fixed order:
 * find the names bound to our package; find the objects v1 factories make and follow them;
 * plan every rewrite per object group (all or nothing); rename error classes; apply; point
 * each import at `aioredis` or, for what was left on v1, at `aioredis/compat`.
 */
import { COMPAT_PACKAGE, resolveExport, type Binding, type ModuleInfo } from "../lib/bindings.js";
import { addMarker, codeOf, hasIgnoreComment, invalidateIndex, nodesOf, parseStatements, raw, type Ctx } from "../lib/context.js";
import { referencesOf, rewriteImportsV2 } from "../lib/imports.js";
import {
  isFunction as isFunctionNode,
  canAwait,
  climbWrappers,
  enclosingFunction,
  enclosingStatement,
  isNullLit,
  isUndefinedId,
  memberName,
  replaceNode,
  statementList,
  type N,
  type P,
} from "../lib/ast.js";
import { planCommand } from "./commands.js";
import { rewriteErrors } from "./errors.js";
import { planFactory } from "./factories.js";
import { clientOnInlinePool } from "./pool-client.js";
import { inlineV1Aliases } from "./type-aliases.js";
import { CONSTANTS, ERROR_RENAMES, FACTORIES, SHARED_NAMES, TYPE_RENAMES, V1_ONLY, V2_ONLY } from "./names.js";
import { classifyUse, holderOf, localCallee, pathOf, referencesOfHolder, stmtOf, type Holder, type Kind, type Obj, type Use } from "./objects.js";
import { planPoolExecute } from "./pool-execute.js";
import { v1TypeNamesIn } from "./subclass-types.js";
import { inheritedCtorIds } from "./ctor-aliases.js";
import { defaultAssignCall, defaultAssignOf } from "./default-assign.js";
import { planContinuedPipeline, planPipeline } from "./pipelines.js";
import { planClosed } from "./closed.js";
import { instanceMethodId } from "./instances.js";
import { finishChannelParams, planSubscribe, planUnsubscribe, type PubSubRegistry } from "./pubsub.js";
import { planPubSubClose } from "./pubsub-close.js";
import { finishReceivers, noteReceiver } from "./receiver.js";
import { V2State, type Group } from "./state.js";
import { slotId, slotStore, slotsId, slotUses } from "./slots.js";
import { declaredMemberTypeRefs, declaredTypes, memberChain, pathIdOf, typeIdOfDecl, unwrapValue, isNullishDefault } from "./paths.js";
import { memberTypeId, typedMemberValues } from "./typed-members.js";
import { resetScopes, resolveBinding } from "../lib/scope.js";
import type { ObjFact } from "../project/view.js";

type CallUse = Extract<Use, { type: "call" }>;

/** Does this file use the v1 API (as opposed to already being v2 code)? */
export function isV1File(ctx: Ctx, info: ModuleInfo): boolean {
  if (info.bindings.length === 0 && info.inlineLoads.length === 0 && info.reexports.length === 0) return false;
  if (ctx.options.assumeV1) return true;
  if (info.sourceNodes.some((n) => n.value === COMPAT_PACKAGE)) return true;
  for (const b of info.bindings) {
    if (b.kind === "named" && V1_ONLY.has(b.imported!)) return true;
    if (b.kind === "namespace") {
      for (const ref of referencesOf(ctx, b)) {
        const parent = ref.parent.node;
        const name = parent.type === "TSQualifiedName" ? parent.right.name : memberName(parent);
        if (name && V1_ONLY.has(name)) return true;
      }
    }
  }
  for (const p of info.inlineLoads) {
    const name = memberName(p.parent?.node);
    if (name && V1_ONLY.has(name)) return true;
  }
  for (const p of info.reexports) {
    for (const s of p.node.specifiers ?? []) {
      const local = s.local?.name ?? s.local?.value;
      if (local && V1_ONLY.has(local)) return true;
    }
  }
  return false;
}

/**
 * Does this file already use the v2 API? Compat mode leaves such files alone and re-points
 * every other import of `aioredis`, type-only ones included: at step 1 the whole project is
 * v1 code, and a `Redis` type must keep naming the v1 class.
 */
export function isV2File(ctx: Ctx, info: ModuleInfo): boolean {
  for (const b of info.bindings) {
    if (b.kind === "named" && V2_ONLY.has(b.imported!)) return true;
    if (b.kind === "namespace") {
      for (const ref of referencesOf(ctx, b)) {
        const parent = ref.parent.node;
        const name = parent.type === "TSQualifiedName" ? parent.right.name : memberName(parent);
        if (name && V2_ONLY.has(name)) return true;
      }
    }
  }
  for (const p of info.reexports) {
    for (const sp of p.node.specifiers ?? []) {
      const local = sp.local?.name ?? sp.local?.value;
      if (local && V2_ONLY.has(local)) return true;
    }
  }
  return false;
}

const V2_TYPE: Record<Kind, string> = {
  client: "Redis",
  connection: "Redis",
  pool: "ConnectionPool",
  sentinel: "Sentinel",
  pipeline: "Pipeline",
  channel: "PubSub",
};

class Analyzer {
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

  run(): void {
    const info = this.state.info;
    nodesOf(this.ctx, "CallExpression").forEach((p: P) => {
      const ref = resolveExport(info, p.get("callee"));
      if (ref && FACTORIES.has(ref.name)) this.factoryRoot(p, ref);
    });
    nodesOf(this.ctx, "NewExpression").forEach((p: P) => {
      if (this.claimed.has(p.node)) return;
      const ref = resolveExport(info, p.get("callee"));
      if (!ref) return;
      if (ref.name === "Redis" && p.node.arguments.length === 1 && p.node.arguments[0].type !== "ObjectExpression") {
        const g = this.state.group("new Redis");
        g.v1Refs.push(p.node.callee, p.node.callee.object ?? p.node.callee);
        g.block(
          stmtOf(p),
          "new Redis(poolOrConnection) is v1 API; the codemod could not follow the pool or connection passed here. In v2: new Redis({ connectionPool: pool })",
        );
      } else if (ref.name === "Receiver") {
        noteReceiver(this.state, p);
      } else if (ref.name === "Channel") {
        const g = this.state.group(ref.name);
        g.block(
          stmtOf(p),
          `${ref.name} has no v2 equivalent: in v2 use redis.pubsub(), subscribe it, and read messages from listen() (dispatch on message.channel / message.pattern)`,
        );
      }
    });
    this.subclassRoots();
    this.projectRoots();
    if (this.ctx.view?.ready) this.pathRoots();
    if (this.ctx.view?.ready) this.typedMembers();
    if (this.ctx.view?.ready) this.inheritedConstructors();
    this.typedRoots();
    this.pendingAssigns();
    if (this.ctx.view?.ready) this.slotScan();
    finishReceivers(this.state, this.registry);
    finishChannelParams(this.state);
    for (const c of this.closes) planPubSubClose(this.state, c.obj, c.calls, this.registry);
    this.applyHolds();
  }

  /**
   * `class Queue extends Redis { constructor(pool) { super(pool) } }`: a v1 subclass takes a
   * pool or connection, a v2 one an options object. The class, its base and every value given
   * to its constructor stay on compat together (the constructor's parameters are project ids,
   * so a pool made in another module joins the group), with a marker on the class.
   */
  private subclassRoots(): void {
    const info = this.state.info;
    const classes: P[] = [...nodesOf(this.ctx, "ClassDeclaration"), ...nodesOf(this.ctx, "ClassExpression")];
    for (const c of classes) {
      if (!c.node.superClass) continue;
      const ref = resolveExport(info, c.get("superClass"));
      if (!ref) continue;
      const name = c.node.id?.name ?? "this class";
      const group = this.state.group(`class ${name}`);
      const stmt = stmtOf(c);
      group.anchor = stmt;
      this.groupId(group, c.node);
      const sup = c.node.superClass;
      group.v1Refs.push(sup, sup.object ?? sup, ...v1TypeNamesIn(this.ctx, info, c));
      const cls = classIdOf(this.ctx, c);
      if (cls) {
        group.addId(cls);
        const ctor = (c.node.body.body as N[]).find((m) => m.type === "ClassMethod" && m.kind === "constructor");
        const count = Math.max(ctor?.params.length ?? 0, 1);
        for (let i = 0; i < count; i++) group.addId(`${cls}(${i})`);
      }
      group.block(
        stmt,
        `${name} extends the v1 ${ref.name}: a v2 subclass takes an options object ({ connectionPool }), not a v1 pool or connection, so the class, its constructor calls and the values given to them stay on aioredis/compat. To migrate: extend the v2 class, pass { connectionPool: pool } to super(), and run the codemod again`,
      );
    }
  }

  // ------------------------------------------------------------------ roots

  private factoryRoot(callPath: P, ref: { name: string; binding: Binding | null }): void {
    const state = this.state;
    const group = state.group(ref.name);
    const callee = callPath.node.callee;
    group.v1Refs.push(callee, callee.object ?? callee);
    const stmt = stmtOf(callPath);
    group.anchor = stmt;
    this.groupId(group, callPath.node);
    if (hasIgnoreComment(stmt)) {
      group.blocked = true;
      return;
    }
    let aw: P = climbWrappers(callPath).parent;
    // `return createRedis(url)`: the caller awaits what the function returns (a function that
    // was not async returned the Promise itself, so it becomes async: same result for its callers)
    const returnFn = aw?.node.type === "ReturnStatement" && this.ctx.view ? enclosingFunction(aw) : null;
    const returnedFromAsync =
      !!returnFn &&
      (returnFn.node.async ||
        (returnFn.node.kind !== "get" && returnFn.node.kind !== "set" && returnFn.node.kind !== "constructor" && !returnFn.node.generator));
    if (returnedFromAsync) {
      aw = climbWrappers(callPath);
      if (!returnFn!.node.async)
        group.edit(
          4,
          returnFn!.node,
          "async",
          "a function that returned the v1 factory's Promise is async in v2 (the factory is not)",
          () => (returnFn!.node.async = true),
        );
    } else if (aw?.node.type !== "AwaitExpression" || aw.node.argument !== climbWrappers(callPath).node) {
      group.block(
        stmt,
        `${ref.name}() is not awaited where it is called, so the codemod cannot follow what it makes; in v2 it is ${ref.name === "createPool" ? "ConnectionPool.fromUrl()" : "fromUrl()"} (not async)`,
      );
      return;
    }
    let plan = planFactory(state, callPath, ref);
    if ("reason" in plan) {
      group.block(stmt, `${ref.name}(): ${plan.reason}`);
      this.heldFlow(group, ref.name, aw, callPath);
      return;
    }
    // `new Redis(await createPool(...))`: the client is the value followed (pool-client.ts)
    const onPool = clientOnInlinePool(state, aw, plan);
    if (onPool) {
      this.claimed.add(onPool.path.node);
      group.v1Refs.push(onPool.path.node.callee, onPool.path.node.callee.object ?? onPool.path.node.callee);
      aw = onPool.path;
      plan = onPool.plan;
    }
    for (const n of plan.notes) group.note(stmt, n);
    const held = holderOf(state, aw);
    group.edit(4, callPath.node, "factory", plan.description, () => {
      replaceNode(climbWrappers(aw), plan.build());
    });
    if ("reason" in held) {
      if (held.reason === "is returned to the caller" && this.ctx.view) {
        const fn = returnTarget(aw);
        const id = fn ? fnIdOf(this.ctx, fn) : null;
        if (id) {
          const obj: Obj = {
            kind: plan.kind,
            group,
            decode: plan.decode,
            encoding: plan.encoding,
            blockingPool: plan.blockingPool,
            label: `${ref.name}()`,
            holder: { type: "binding", name: "", declId: null, declPath: null },
            origin: callPath,
          };
          this.port(obj, `${id}()`);
          this.returnTypes(obj, fn!);
          return;
        }
      }
      // `new Backend(await createRedisPool(url))`: the parameter of a project function or class takes it
      if (held.reason === "is passed on where the codemod cannot follow it" && this.factoryArg(callPath, aw, plan, ref.name, group)) return;
      if (held.reason !== "is not kept anywhere") {
        group.block(
          stmt,
          `the ${plan.kind} made here ${held.reason}, so the codemod cannot see all its uses; migrate them together by hand (or keep it in a local variable)`,
        );
      }
      return;
    }
    const obj: Obj = {
      kind: plan.kind,
      group,
      decode: plan.decode,
      encoding: plan.encoding,
      label: held.holder.name,
      holder: held.holder,
      origin: callPath,
      blockingPool: plan.blockingPool,
    };
    this.eagerConnect(obj, held.declStmt);
    this.annotation(obj);
    this.analyze(obj);
  }

  /**
   * A factory call that stays on compat still tells the project where its value goes (the
   * variable or field that holds it, the functions it is returned from or passed to), so that
   * what receives it in other modules stays on compat with it instead of converting alone
   * against a compat value.
   */
  private heldFlow(group: Group, factory: string, aw: P, callPath: P): void {
    if (!this.ctx.view || !aw) return;
    const kind: Kind = factory === "createSentinel" ? "sentinel" : factory === "createPool" ? "pool" : factory === "createConnection" ? "connection" : "client";
    const base = { kind, group, decode: null, encoding: null, origin: callPath, label: `${factory}()` };
    const none: Holder = { type: "binding", name: "", declId: null, declPath: null };
    const follow = (obj: Obj, ref: P): void => {
      const use = classifyUse(ref);
      if (use.type === "arg") {
        this.projectArg(obj, use);
        return;
      }
      const p = climbWrappers(ref);
      if (p.parent?.node.type !== "ReturnStatement") return;
      const fn = returnTarget(p);
      const id = fn ? fnIdOf(this.ctx, fn) : null;
      if (id) this.port(obj, `${id}()`);
    };
    const valuePath = aw.node.type === "AwaitExpression" ? aw : callPath;
    const held = holderOf(this.state, valuePath);
    if ("reason" in held) {
      follow({ ...base, holder: none }, valuePath);
      return;
    }
    const obj: Obj = { ...base, holder: held.holder };
    for (const id of this.idsOf(obj)) this.port(obj, id);
    for (const ref of referencesOfHolder(this.state, held.holder)) follow(obj, ref);
  }

  /** `x = x ?? f()` where the project says `f()` returns the same kind of object as `x` holds. */
  private sameKindDefault(obj: Obj, assignPath: P): boolean {
    const view = this.ctx.view;
    const call = defaultAssignCall(assignPath.node, obj.holder.name);
    if (!view || !call || call.callee.type !== "Identifier") return false;
    const calleePath = this.ctx
      .j(assignPath)
      .find(this.ctx.j.Identifier, { name: call.callee.name })
      .filter((q: P) => q.node === call.callee)
      .paths()[0];
    const decl = calleePath ? resolveBinding(calleePath, call.callee.name) : null;
    if (!decl || !isModuleLevelDecl(this.ctx, decl)) return false;
    const id = view.local(call.callee.name);
    const fact = id ? view.fact(`${id}()`) : undefined;
    return !!fact && fact.kind === obj.kind;
  }

  /** Joins the group to what the variable or parameter `name` (referenced at `refPath`) is to the project; false when it has no project id. */
  private portToHolder(refPath: P, name: string, group: Group): boolean {
    const view = this.ctx.view;
    const decl = resolveBinding(refPath, name);
    if (!view || !decl) return false;
    if (isModuleLevelDecl(this.ctx, decl)) {
      const id = view.local(name);
      if (!id) return false;
      group.addId(id);
      return true;
    }
    const declPath = pathOf(this.state, decl);
    const fn = declPath?.parent?.node.type === "AssignmentPattern" ? declPath.parent.parent : declPath?.parent;
    if (!fn || !isFunctionNode(fn.node)) return false;
    const at = (fn.node.params as N[]).findIndex((x) => x === decl || (x.type === "AssignmentPattern" && x.left === decl));
    const fid = at >= 0 ? fnIdOf(this.ctx, fn) : null;
    if (!fid) return false;
    group.addId(`${fid}(${at})`);
    return true;
  }

  /** A factory's result given straight to a project function or constructor: it joins that parameter (true), or false. */
  private factoryArg(
    callPath: P,
    aw: P,
    plan: { kind: Kind; decode: boolean | null; encoding: string | null; blockingPool?: boolean },
    name: string,
    group: Group,
  ): boolean {
    if (!this.ctx.view) return false;
    const use = classifyUse(aw.node.type === "AwaitExpression" ? aw : callPath);
    if (use.type !== "arg") return false;
    const obj: Obj = {
      kind: plan.kind,
      group,
      decode: plan.decode,
      encoding: plan.encoding,
      blockingPool: plan.blockingPool,
      label: `${name}()`,
      holder: { type: "binding", name: "", declId: null, declPath: null },
      origin: callPath,
    };
    return this.projectArg(obj, use);
  }

  /**
   * v1 factories connected before resolving, so a `try` around one caught connection errors;
   * v2 connects on the first command. Inside a `try`, a `ping()` right after keeps the error
   * where the program expects it.
   */
  private eagerConnect(obj: Obj, declStmt: P | null): void {
    if (obj.kind === "pool" || obj.kind === "sentinel" || !declStmt) return;
    let p: P | null = declStmt.parent;
    let inTry = false;
    while (p && !isFunctionNode(p.node)) {
      if (p.node.type === "BlockStatement" && p.parent?.node.type === "TryStatement" && p.parent.node.block === p.node) inTry = true;
      p = p.parent;
    }
    if (!inTry) return;
    const list = statementList(declStmt);
    if (!list) return;
    const target =
      obj.holder.type === "field" ? `this.${obj.holder.name}` : obj.holder.type === "member" ? `${obj.holder.object}.${obj.holder.name}` : obj.holder.name;
    obj.group.edit(
      4,
      declStmt.node,
      "eager-connect",
      "v2 connects lazily: a ping() right after creating the client keeps connection errors inside this try",
      () => {
        const [ping] = parseStatements(this.ctx, `await ${target}.ping();`);
        list.splice(list.indexOf(declStmt.node) + 1, 0, ping);
      },
    );
  }

  /** Parameters and class fields typed with a v1 class, in a v1 file. */
  private typedRoots(): void {
    const info = this.state.info;
    const kinds: Record<string, Kind> = { Redis: "client", RedisConnection: "connection", ConnectionsPool: "pool" };
    nodesOf(this.ctx, "TSTypeReference").forEach((p: P) => {
      const ref = resolveExport(info, p.get("typeName"));
      if (!ref || !(ref.name in kinds)) return;
      const ann = p.parent; // TSTypeAnnotation
      if (ann?.node.type !== "TSTypeAnnotation") return;
      const owner = ann.parent;
      if (!owner) return;
      let holder: Holder | null = null;
      const node = owner.node;
      if (node.type === "Identifier" && owner.parent && owner.parent.node.params?.includes(node)) {
        if (this.claimed.has(node)) return;
        holder = { type: "binding", name: node.name, declId: node, declPath: owner };
      } else if ((node.type === "ClassProperty" || node.type === "PropertyDefinition") && !node.computed && node.key.type === "Identifier" && !node.value) {
        let c: P | null = owner.parent;
        while (c && c.node.type !== "ClassDeclaration" && c.node.type !== "ClassExpression") c = c.parent;
        if (!c || this.claimed.has(node)) return;
        holder = { type: "field", name: node.key.name, classPath: c, declPath: owner };
      } else if (node.type === "Identifier" && owner.parent?.node.type === "TSParameterProperty") {
        let c: P | null = owner.parent;
        while (c && c.node.type !== "ClassDeclaration" && c.node.type !== "ClassExpression") c = c.parent;
        if (!c || this.claimed.has(node)) return;
        holder = { type: "field", name: node.name, classPath: c, declPath: owner };
      }
      if (!holder) return;
      this.claimed.add(node);
      const group = this.state.group(holder.name);
      group.anchor = stmtOf(owner);
      this.groupId(group, node);
      group.v1Refs.push(p.node.typeName, p.node.typeName.left ?? p.node.typeName);
      // a parameter's project id: what its callers pass decides how it decodes
      const ids: string[] = [];
      const fn = owner.parent?.node.type === "TSParameterProperty" ? owner.parent.parent : owner.parent;
      if (fn && isFunctionNode(fn.node)) {
        const fid = fnIdOf(this.ctx, fn);
        const at = fn.node.params.indexOf(owner.parent?.node.type === "TSParameterProperty" ? owner.parent.node : node);
        if (fid && at >= 0) ids.push(`${fid}(${at})`, ...inheritedCtorIds(this.ctx, fn, classIdOf).map((sub) => `${sub}(${at})`));
      }
      const fact = ids.map((id) => this.ctx.view?.fact(id)).find((f) => f);
      const kind = fact?.kind ?? kinds[ref.name]!;
      const obj: Obj = { kind, group, decode: fact?.decode ?? null, encoding: fact?.encoding ?? null, label: holder.name, holder, origin: null, ids };
      if (ref.name !== "Redis" || obj.decode) this.typeEdit(obj, p);
      this.analyze(obj);
    });
  }

  // ------------------------------------------------------------------ the project

  private readonly seenBindings = new Map<N, Obj>();
  private readonly seenKeyed = new Map<N, Map<string, Obj>>();

  /** The object already analyzed for the same holder, or null (and remembers this one). */
  private holderSeen(obj: Obj): Obj | null {
    const h = obj.holder;
    if (h.type === "binding") {
      if (!h.declId) return null;
      const prev = this.seenBindings.get(h.declId);
      if (!prev) this.seenBindings.set(h.declId, obj);
      return prev ?? null;
    }
    const key = h.type === "field" ? h.classPath.node : h.objectDeclId;
    let byName = this.seenKeyed.get(key);
    if (!byName) this.seenKeyed.set(key, (byName = new Map()));
    const name = h.type === "member" && h.via?.length ? [...h.via, h.name].join(".") : h.name;
    const prev = byName.get(name);
    if (!prev) byName.set(name, obj);
    return prev ?? null;
  }

  /** The project-wide ids of an object: its module-level binding, its class field, and any given to it. */
  private idsOf(obj: Obj): string[] {
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
  private port(obj: Obj, id: string): void {
    obj.group.addId(id);
    if (this.ctx.report && obj.kind === "pipeline" && obj.queued) {
      const pipeline = { transaction: !!obj.transaction, ...obj.queued };
      this.ctx.report.facts.push({ id, fact: { kind: "pipeline", decode: obj.decode, encoding: obj.encoding, pipeline } });
    }
    if (this.ctx.report && (obj.kind === "client" || obj.kind === "pool" || obj.kind === "connection" || obj.kind === "sentinel")) {
      this.ctx.report.facts.push({
        id,
        fact: { kind: obj.kind, decode: obj.decode, encoding: obj.encoding, ...(obj.blockingPool ? { blockingPool: true } : {}) },
      });
    }
  }

  /**
   * A use that leaves the file's sight, seen with the whole program: an export (its importers
   * are analyzed with it), a `return` from a named function (its callers are), a copy into a
   * class field or a variable (followed here). False when it still cannot be followed.
   */
  private projectEscape(obj: Obj, ref: P): boolean {
    const view = this.ctx.view;
    if (!view) return false;
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

  // ------------------------------------------------------------------ member paths (paths.ts)

  private readonly assigns: { obj: Obj; right: N; stmt: N }[] = [];
  private readonly pathTypeRefs = new Set<N>();
  private readonly pathRootsSeen = new Set<string>();

  /**
   * `app.state.pool = pool` where `app` is declared with a project type: the value is the
   * project id `Application.state.pool`; readers of that path anywhere in the project join
   * the group, and the declared type of the path (when declared here) is rewritten with it.
   */
  private pathStore(obj: Obj, leftPath: P): boolean {
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
  private pathTypes(obj: Obj, id: string): void {
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
  private literalArg(obj: Obj, propPath: P): boolean {
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
  private pathRoots(): void {
    const view = this.ctx.view!;
    const ctx = this.ctx;
    // `constructor(options: Options = {})` given `{ redis: client }`: `options.redis`
    const fns: P[] = [
      ...nodesOf(ctx, "FunctionDeclaration"),
      ...nodesOf(ctx, "ClassMethod"),
      ...nodesOf(ctx, "ArrowFunctionExpression"),
      ...nodesOf(ctx, "FunctionExpression"),
    ];
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
        const obj: Obj = { ...fact, group, label: names.join("."), holder: { type: "binding", name: "", declId: null, declPath: null }, origin: null };
        this.pathTypes(obj, id);
      }
    }
  }

  /** `State.redis.pool` where `State.redis: Holder` and Holder keeps a client at `pool`: one value (typed-members.ts). */
  private typedMembers(): void {
    for (const v of typedMemberValues(this.ctx)) {
      const group = this.state.group(v.label);
      group.anchor = stmtOf(v.typePath);
      group.addId(v.id);
      group.addId(v.base);
      this.ctx.report?.facts.push({ id: v.id, fact: v.fact });
    }
  }

  private pathRoot(fact: ObjFact, holder: Extract<Holder, { type: "member" }>, ids: string[], anchor: N): void {
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
  private inheritedConstructors(): void {
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
  private slotScan(): void {
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
  private slotReader(callPath: P, name: string, key: string, fact: ObjFact): void {
    const group = this.state.group(`${name}.get("${key}")`);
    group.anchor = stmtOf(callPath);
    group.addId(slotId(name, key));
    group.addId(slotsId(name));
    let valuePath: P = climbWrappers(callPath);
    const parent = valuePath.parent?.node;
    const obj: Obj = { ...fact, group, label: `${name}.get("${key}")`, holder: { type: "binding", name: "", declId: null, declPath: null }, origin: null };
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
  private pendingAssigns(): void {
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
  private pipelineReturn(obj: Obj, ref: P): boolean {
    const fn = returnTarget(climbWrappers(ref));
    const id = fn ? fnIdOf(this.ctx, fn) : null;
    if (!id) return false;
    this.port(obj, `${id}()`);
    this.returnTypes(obj, fn!);
    return true;
  }

  /** The type annotations of a function that returns the object (`Promise<aioredis.Redis>`) follow it. */
  private returnTypes(obj: Obj, fn: P): void {
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
  private projectArg(obj: Obj, use: Extract<Use, { type: "arg" }>): boolean {
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
    this.port(obj, `${fnId}(${use.index})`);
    return true;
  }

  /**
   * Roots the rest of the project gives this file: imported clients and pools, results of
   * project functions that return one, parameters that receive one, and fields of instances
   * of project classes (`app.db`).
   */
  private projectRoots(): void {
    const view = this.ctx.view;
    if (!view?.ready) return;
    const ctx = this.ctx;
    // imported values
    nodesOf(ctx, "ImportDeclaration").forEach((p: P) => {
      const d = p.node;
      for (const s of d.specifiers ?? []) {
        const local = s.local.name;
        const id = view.local(local);
        if (!id) continue;
        const fact = view.fact(id);
        if (fact) this.projectRoot(fact, { type: "binding", name: local, declId: s.local, declPath: null }, [id], d, local);
        const cls = view.instanceOf(id);
        if (cls) this.memberRoots(local, s.local, cls, d);
      }
    });
    // `const x = new C()` of a project class
    nodesOf(ctx, "VariableDeclarator").forEach((p: P) => {
      const init = unwrapAwait(p.node.init);
      if (p.node.id.type !== "Identifier" || init?.type !== "NewExpression" || init.callee.type !== "Identifier") return;
      const decl = resolveBinding(p.get("init"), init.callee.name);
      if (!decl || !isModuleLevelDecl(ctx, decl)) return;
      const cls = view.local(init.callee.name);
      if (cls) this.memberRoots(p.node.id.name, p.node.id, cls, stmtOf(p));
    });
    // results of project functions
    nodesOf(ctx, "CallExpression").forEach((p: P) => {
      const callee = p.node.callee;
      let id: string | null = null;
      if (callee.type === "Identifier") {
        const decl = resolveBinding(p.get("callee"), callee.name);
        if (decl && isModuleLevelDecl(ctx, decl)) id = view.local(callee.name);
      } else if (callee.type === "MemberExpression" && !callee.computed && callee.property.type === "Identifier") {
        if (callee.object.type === "ThisExpression") {
          let c: P | null = p.parent;
          while (c && c.node.type !== "ClassDeclaration") c = c.parent;
          const cls = c ? classIdOf(ctx, c) : null;
          if (cls) id = `${cls}.${callee.property.name}`;
        } else if (callee.object.type === "Identifier") {
          const ns = view.local(callee.object.name);
          if (ns?.endsWith("#*")) id = `${ns.slice(0, -1)}${callee.property.name}`;
          else id = instanceMethodId(ctx, p);
        }
      }
      if (id) this.resultRoot(p, id);
    });
    // `this.client` where `client` is a getter of this class that returns one
    nodesOf(ctx, "MemberExpression").forEach((p: P) => {
      const n = p.node;
      if (n.object.type !== "ThisExpression" || n.computed || n.property.type !== "Identifier") return;
      const parent = p.parent?.node;
      if ((parent?.type === "CallExpression" && parent.callee === n) || (parent?.type === "AssignmentExpression" && parent.left === n)) return;
      let c: P | null = p.parent;
      while (c && c.node.type !== "ClassDeclaration") c = c.parent;
      if (!c) return;
      const getter = (c.node.body.body as N[]).some((m) => m.type === "ClassMethod" && m.kind === "get" && !m.computed && m.key.name === n.property.name);
      const cls = getter ? classIdOf(ctx, c) : null;
      if (cls) this.resultRoot(p, `${cls}.${n.property.name}`);
    });
    // parameters that receive objects
    const fns: P[] = [
      ...nodesOf(ctx, "FunctionDeclaration"),
      ...nodesOf(ctx, "ClassMethod"),
      ...nodesOf(ctx, "ArrowFunctionExpression"),
      ...nodesOf(ctx, "FunctionExpression"),
    ];
    for (const fn of fns) {
      const id = fnIdOf(ctx, fn);
      if (!id) continue;
      const subs = inheritedCtorIds(ctx, fn, classIdOf);
      (fn.node.params as N[]).forEach((param, i) => {
        const names = [`${id}(${i})`, ...subs.map((sub) => `${sub}(${i})`)];
        const fact = names.map((n) => view.fact(n)).find((f) => f);
        if (!fact) return;
        const paramPath: P = fn.get("params", i);
        if (param.type === "Identifier") {
          if (this.claimed.has(param)) return;
          this.claimed.add(param);
          this.projectRoot(fact, { type: "binding", name: param.name, declId: param, declPath: paramPath }, names, stmtOf(fn), param.name);
        } else if (param.type === "AssignmentPattern" && param.left.type === "Identifier") {
          // `redis: Redis | null = null`: a parameter with a default holds what callers pass, too
          if (this.claimed.has(param.left)) return;
          this.claimed.add(param.left);
          this.projectRoot(
            fact,
            { type: "binding", name: param.left.name, declId: param.left, declPath: paramPath.get("left") },
            names,
            stmtOf(fn),
            param.left.name,
          );
        } else if (param.type === "TSParameterProperty" && param.parameter.type === "Identifier") {
          let c: P | null = fn.parent;
          while (c && c.node.type !== "ClassDeclaration" && c.node.type !== "ClassExpression") c = c.parent;
          if (!c || this.claimed.has(param.parameter)) return;
          this.claimed.add(param.parameter);
          this.projectRoot(
            fact,
            { type: "field", name: param.parameter.name, classPath: c, declPath: paramPath.get("parameter") },
            names,
            stmtOf(fn),
            param.parameter.name,
          );
        }
      });
    }
  }

  /** The value a project function (or getter) `id` returns, at a call site `p` in this file. */
  private resultRoot(p: P, id: string): void {
    const ctx = this.ctx;
    const state = this.state;
    const fact = ctx.view!.fact(`${id}()`);
    if (!fact) return;
    const group = state.group(`${id}()`);
    group.anchor = stmtOf(p);
    this.groupId(group, p.node);
    const aw = climbWrappers(p).parent;
    const valuePath = aw?.node.type === "AwaitExpression" ? aw : p;
    const held = holderOf(state, valuePath);
    if ("reason" in held) {
      group.addId(`${id}()`);
      if (held.reason === "is returned to the caller") {
        const fn = returnTarget(valuePath);
        const fid = fn ? fnIdOf(ctx, fn) : null;
        if (fid) {
          ctx.report?.facts.push({ id: `${fid}()`, fact });
          group.addId(`${fid}()`);
          return;
        }
      }
      // used where it is made: `(await this.client).ttl(key)`
      const use = classifyUse(valuePath);
      // passed straight to a function or class of the project: `new Queue(await getRedis())`
      if (use.type === "arg") {
        const arg: Obj = { ...fact, group, label: `${id}()`, holder: { type: "binding", name: "", declId: null, declPath: null }, origin: valuePath };
        if (this.projectArg(arg, use)) return;
      }
      if (use.type === "call" && valuePath.node.type === "AwaitExpression") {
        const obj: Obj = {
          ...fact,
          group,
          label: codeOf(ctx, valuePath.node),
          holder: { type: "binding", name: "", declId: null, declPath: null },
          origin: valuePath,
          ids: [`${id}()`],
        };
        this.callUse(obj, use, new Set<N>(), []);
        return;
      }
      // `redis = redis ?? (await getRedis())`: the holder takes it when not given one
      const dflt = defaultAssignOf(valuePath);
      if (dflt && this.portToHolder(dflt.assign.get("left"), dflt.name, group)) return;
      // `new Queue(await getRedis())`: the parameter of a project function or class takes it
      if (
        use.type === "arg" &&
        this.projectArg({ ...fact, group, label: `${id}()`, holder: { type: "binding", name: "", declId: null, declPath: null }, origin: valuePath }, use)
      )
        return;
      if (held.reason !== "is not kept anywhere")
        group.block(stmtOf(p), `the ${fact.kind} ${id}() returns ${held.reason}, so the codemod cannot see all its uses`);
      return;
    }
    const obj: Obj = { ...fact, group, label: held.holder.name, holder: held.holder, origin: valuePath, ids: [`${id}()`] };
    this.annotation(obj);
    if (fact.pipeline) {
      // a pipeline the function started: this caller fills and runs it (or returns it on)
      const { transaction, ...queued } = fact.pipeline;
      group.addId(`${id}()`);
      // the pipelines one function returns are decided together: one group (and one marker) per file
      const first = this.pipelineGroups.get(id);
      if (first) first.absorb(group);
      else this.pipelineGroups.set(id, group);
      if (held.holder.type !== "binding" || !held.declStmt)
        return group.block(stmtOf(p), `keep the pipeline ${id}() returns in a local const for the codemod to rewrite it`);
      return planContinuedPipeline(state, { ...obj, transaction, queued }, held.declStmt, (o, ref) => this.pipelineReturn(o, ref));
    }
    this.analyze(obj);
  }

  private projectRoot(fact: ObjFact, holder: Holder, ids: string[], anchor: N, label: string): void {
    const group = this.state.group(label);
    group.anchor = anchor;
    for (const id of ids) group.addId(id);
    const obj: Obj = { ...fact, group, label, holder, origin: null, ids };
    this.lastRoot = obj;
    this.annotation(obj);
    this.analyze(obj);
  }

  private lastRoot: Obj | null = null;

  /** Fields of a project class that hold objects, read through an instance (`app.db.get()`). */
  private memberRoots(object: string, objectDeclId: N, cls: string, anchor: N): void {
    const view = this.ctx.view!;
    for (const [field, fact] of view.fieldsOf(cls)) {
      const holder: Holder = { type: "member", name: field, object, objectDeclId, declPath: null };
      if (referencesOfHolder(this.state, holder).length === 0) continue;
      this.projectRoot(fact, holder, [`${cls}.${field}`], anchor, `${object}.${field}`);
    }
  }

  /** A group with no project-visible name still gets an id, so the project can hold it back (after a tsc error, say). */
  private groupId(group: Group, node: N): void {
    const view = this.ctx.view;
    if (!view) return;
    const loc = node?.loc?.start;
    if (loc) group.addId(`${view.id}#@${loc.line}:${loc.column}`);
  }

  /** Groups the project keeps on compat (another file's use, or a tsc error) are blocked here too. */
  applyHolds(): void {
    const view = this.ctx.view;
    if (!view) return;
    for (const g of this.state.groups) {
      if (g.blocked) continue;
      // an earlier run's tsc verdict, kept in its marker: the group stays where that run put it
      const verdict = (g.anchor?.comments ?? []).find(
        (c: N) => typeof c.value === "string" && c.value.includes("TODO(aioredis-v2):") && c.value.includes("did not type-check"),
      );
      if (verdict) {
        g.block(g.anchor, verdict.value.slice(verdict.value.indexOf("TODO(aioredis-v2):") + "TODO(aioredis-v2):".length).trim());
        continue;
      }
      for (const id of g.ids) {
        const reason = view.held(id);
        if (!reason) continue;
        g.block(g.anchor ?? this.ctx.root.get().node.program.body[0], reason);
        break;
      }
    }
  }

  // ------------------------------------------------------------------ uses

  analyze(obj: Obj): void {
    const state = this.state;
    const prev = this.holderSeen(obj);
    if (prev) {
      // the same holder reached a second way (a typed field and `this.f = param`, say): one group
      if (prev.group.root() !== obj.group.root()) prev.group.absorb(obj.group);
      if ((prev.decode !== obj.decode && obj.decode !== null && prev.decode !== null) || prev.kind !== obj.kind) {
        prev.group.block(
          stmtOf(obj.origin ?? obj.holder.declPath ?? prev.origin!),
          `${obj.label} is given objects made in different ways (decoding or kind); migrate it by hand`,
        );
      }
      return;
    }
    const group = obj.group;
    for (const id of this.idsOf(obj)) this.port(obj, id);
    if (obj.holder.type === "field" && obj.holder.declPath) this.claimed.add(obj.holder.declPath.node);
    const refs = referencesOfHolder(state, obj.holder);
    for (const r of refs) group.refNodes.add(r.node);
    const consumed = new Set<N>();
    const constants: Extract<Use, { type: "prop" }>[] = [];
    const unsubscribes: CallUse[] = [];
    const releases: CallUse[] = [];
    const calls: CallUse[] = [];
    for (const r of refs) {
      // `options.redis ?? null` is the value itself (or nothing): its use is the use of the whole
      let ref = r;
      while (isNullishDefault(climbWrappers(ref).parent?.node) && climbWrappers(ref).parent.node.left === climbWrappers(ref).node)
        ref = climbWrappers(ref).parent;
      const use = classifyUse(ref);
      switch (use.type) {
        case "call":
          if (use.method === "unsubscribe" || use.method === "punsubscribe") unsubscribes.push(use);
          else if (use.method === "release" && obj.kind === "pool") releases.push(use);
          else calls.push(use);
          break;
        case "prop":
          if (use.name in CONSTANTS) constants.push(use);
          else if (planClosed(obj, use)) break;
          else group.block(stmtOf(ref), `${obj.label}.${use.name} is v1 API with no v2 equivalent the codemod can write (see MIGRATION.md)`);
          break;
        case "assign": {
          const right = use.assignPath.node.right;
          const rootAssign = obj.origin && contains(right, obj.origin.node);
          if (rootAssign || isNullLit(right) || isUndefinedId(right)) break;
          if (obj.holder.type === "binding" && this.sameKindDefault(obj, use.assignPath)) break;
          // another followed value (`this.redis = options.redis ?? null`): decided once every root is known
          if (this.ctx.view) {
            this.assigns.push({ obj, right: unwrapValue(right), stmt: stmtOf(ref) });
            break;
          }
          group.block(stmtOf(ref), `${obj.label} is assigned another value here, so the codemod cannot tell which object it holds`);
          break;
        }
        case "arg":
          this.argUse(obj, use);
          break;
        case "neutral":
          break;
        case "escape":
          if (this.projectEscape(obj, ref)) break;
          group.block(stmtOf(ref), `${obj.label} ${use.reason}, so the codemod cannot see every use of it; migrate those uses together by hand`);
          break;
      }
    }
    for (const use of calls) this.callUse(obj, use, consumed, releases);
    for (const use of unsubscribes) planUnsubscribe(state, obj, use, this.registry);
    this.closes.push({ obj, calls });
    for (const use of releases) {
      if (!consumed.has(use.callPath.node))
        group.block(stmtOf(use.callPath), "pool.release(conn) for a connection the codemod did not follow; in v2 close the client: await conn.close()");
    }
    for (const c of constants) {
      if (!consumed.has(c.memberPath.node))
        group.block(
          stmtOf(c.memberPath),
          `${obj.label}.${c.name} is a v1 option constant used where the codemod cannot rewrite it (v2 takes boolean options like { nx: true })`,
        );
    }
  }

  private callUse(obj: Obj, use: CallUse, consumed: Set<N>, releases: CallUse[]): void {
    const state = this.state;
    const group = obj.group;
    const m = use.method;
    if (m === "close" || m === "waitClosed") return this.closeUse(obj, use);
    switch (obj.kind) {
      case "client":
        if (m === "acquire") return this.acquireUse(obj, use);
        if (m === "multiExec" || m === "pipeline") {
          if (obj.watchPipeline && m === "multiExec") return planPipeline(state, { parent: obj, use, watchPipeline: { name: obj.label } });
          return planPipeline(state, { parent: obj, use, onReturn: (o, ref) => this.pipelineReturn(o, ref) });
        }
        if (m === "subscribe" || m === "psubscribe") return planSubscribe(state, obj, use, this.registry);
        if (m === "watch" || m === "unwatch") {
          if (obj.watchPipeline) return;
          return group.block(
            stmtOf(use.callPath),
            `${m}() on a shared client: in v2 WATCH runs on a pipeline: const pipe = redis.pipeline({ transaction: true }); await pipe.watch(key); ...; pipe.multi(); ...; await pipe.execute()`,
          );
        }
        return planCommand(state, obj, use, false, consumed);
      case "connection":
        return planCommand(state, obj, use, false, consumed);
      case "pool":
        if (m === "get" || m === "acquire") return this.poolAcquireUse(obj, use, consumed, releases);
        if (m === "execute") return planPoolExecute(state, obj, use, consumed);
        return group.block(stmtOf(use.callPath), `pool.${m}() has no v2 equivalent the codemod can write (see MIGRATION.md)`);
      case "sentinel":
        if (m === "masterFor" || m === "slaveFor") return this.derivedClient(obj, use);
        return group.block(
          stmtOf(use.callPath),
          `sentinel.${m}() has no v2 equivalent the codemod can write; v2 sentinel commands are discoverMaster(), discoverSlaves() and the sentinel* methods of its clients`,
        );
      default:
        return group.block(stmtOf(use.callPath), `${m}() on a ${obj.kind} is not something the codemod knows`);
    }
  }

  private argUse(obj: Obj, use: Extract<Use, { type: "arg" }>): void {
    const state = this.state;
    const group = obj.group;
    const call = use.callPath.node;
    if (this.releaseCalls.has(call)) return;
    const stmt = stmtOf(use.callPath);
    // `app.state.set("redis", redis)`: a Map slot (slots.ts)
    const slot = this.ctx.view ? slotStore(use.callPath, use.index) : null;
    if (slot) {
      this.port(obj, slotId(slot.name, slot.key));
      group.addId(slotsId(slot.name));
      return;
    }
    if (call.type === "NewExpression") {
      const ref = resolveExport(state.info, use.callPath.get("callee"));
      if (ref?.name === "Redis" && obj.kind === "pool" && call.arguments.length === 1) {
        this.claimed.add(call);
        // the v1 class stays with the pool when the group is held back
        group.v1Refs.push(call.callee, call.callee.object ?? call.callee);
        const poolText = codeOf(this.ctx, use.refPath.node);
        const held = holderOf(state, use.callPath);
        group.edit(1, call, "new-redis-pool", "new Redis(pool) is new Redis({ connectionPool: pool }) in v2", () => {
          call.arguments = [raw(this.ctx, `{ connectionPool: ${poolText} }`)];
        });
        if ("reason" in held) {
          if (held.reason !== "is not kept anywhere") group.block(stmt, `the client made here ${held.reason}; migrate its uses together by hand`);
          return;
        }
        const closesPool = referencesOfHolder(state, obj.holder).some((r) => {
          const u = classifyUse(r);
          return u.type === "call" && (u.method === "close" || u.method === "waitClosed");
        });
        const client: Obj = {
          kind: "client",
          group,
          decode: obj.decode,
          encoding: obj.encoding,
          label: held.holder.name,
          holder: held.holder,
          origin: use.callPath,
          ownPool: closesPool ? null : poolText,
        };
        this.annotation(client);
        this.analyze(client);
        return;
      }
      if (this.projectArg(obj, use)) return;
      return group.block(stmt, `${obj.label} is passed to a constructor the codemod cannot follow`);
    }
    const target = localCallee(state, use.callPath, use.index);
    if (!target) {
      if (this.projectArg(obj, use)) return;
      return group.block(stmt, `${obj.label} is passed to a function the codemod cannot follow; migrate that function together with it`);
    }
    this.projectArg(obj, use);
    const fnStmt = enclosingStatement(target.fn);
    if (!this.ctx.view && (fnStmt?.node.type === "ExportNamedDeclaration" || fnStmt?.node.type === "ExportDefaultDeclaration")) {
      return group.block(stmt, `${obj.label} is passed to an exported function, whose other callers the codemod cannot see`);
    }
    const param = target.param.node;
    const seen = this.followed.get(param);
    if (seen) {
      if (seen.group.root() !== group.root() || seen.decode !== obj.decode || seen.kind !== obj.kind) {
        group.block(stmt, `${obj.label} is passed to a function that also receives another client; migrate it by hand`);
        seen.group.block(stmt, "this function receives clients made in different ways; migrate it by hand");
      }
      return;
    }
    this.claimed.add(param);
    const paramObj: Obj = {
      kind: obj.kind,
      group,
      decode: obj.decode,
      encoding: obj.encoding,
      label: param.name,
      holder: { type: "binding", name: param.name, declId: param, declPath: target.param },
      origin: null,
      exclusive: obj.exclusive,
    };
    this.followed.set(param, paramObj);
    this.annotation(paramObj);
    this.analyze(paramObj);
  }

  // ------------------------------------------------------------------ derived objects

  private derivedClient(parent: Obj, use: CallUse): void {
    const held = holderOf(this.state, use.callPath);
    if ("reason" in held) {
      if (held.reason !== "is not kept anywhere")
        parent.group.block(stmtOf(use.callPath), `the client made here ${held.reason}; migrate its uses together by hand`);
      return;
    }
    const client: Obj = {
      kind: "client",
      group: parent.group,
      decode: parent.decode,
      encoding: parent.encoding,
      label: held.holder.name,
      holder: held.holder,
      origin: use.callPath,
    };
    this.annotation(client);
    this.analyze(client);
  }

  /** `using r = await redis.acquire()` -> `await using r = redis.client()` (or a WATCH pipeline). */
  private acquireUse(parent: Obj, use: CallUse): void {
    const group = parent.group;
    const stmt = stmtOf(use.callPath);
    const aw = climbWrappers(use.callPath).parent;
    const declarator = aw ? climbWrappers(aw).parent : null;
    const decl = declarator?.parent;
    if (
      aw?.node.type !== "AwaitExpression" ||
      declarator?.node.type !== "VariableDeclarator" ||
      declarator.node.id.type !== "Identifier" ||
      !(decl?.node.kind === "using" || decl?.node.kind === "await using")
    ) {
      return group.block(stmt, "acquire() outside `using r = await redis.acquire()`; in v2 write `await using r = redis.client()`");
    }
    const name = declarator.node.id.name;
    const holder: Holder = { type: "binding", name, declId: declarator.node.id, declPath: declarator };
    const exclusive: Obj = {
      kind: "client",
      group,
      decode: parent.decode,
      encoding: parent.encoding,
      label: name,
      holder,
      origin: use.callPath,
      exclusive: true,
    };

    // WATCH on the exclusive connection: v2 watches on a pipeline of its own
    const uses = referencesOfHolder(this.state, holder).map(classifyUse);
    const watches = uses.filter((u) => u.type === "call" && (u.method === "watch" || u.method === "unwatch"));
    const multis = uses.filter((u): u is CallUse => u.type === "call" && u.method === "multiExec");
    if (watches.length) {
      if (multis.length !== 1) {
        return group.block(
          stmt,
          "WATCH on an exclusive connection without exactly one multiExec(); in v2 watch on a pipeline: await using pipe = redis.pipeline({ transaction: true }); await pipe.watch(key); ...; pipe.multi(); ...; await pipe.execute()",
        );
      }
      const multiStart = multis[0]!.callPath.node.start ?? 0;
      const late = uses.find((u) => u.type === "call" && u.method !== "multiExec" && (u.callPath.node.start ?? 0) > multiStart);
      const notAwaited = uses.find((u) => u.type === "call" && u.method !== "multiExec" && climbWrappers(u.callPath).parent?.node.type !== "AwaitExpression");
      if (late || notAwaited) {
        return group.block(
          stmt,
          "WATCH on an exclusive connection used in a way the codemod cannot turn into a v2 pipeline (commands after multiExec(), or not awaited); see MIGRATION.md",
        );
      }
      exclusive.watchPipeline = true;
    }
    const call = use.callPath.node;
    const clientText = codeOf(this.ctx, use.memberPath.node.object);
    group.edit(
      2,
      decl.node,
      "acquire",
      exclusive.watchPipeline ? "acquire() + watch + multiExec() is a WATCH pipeline in v2" : "acquire() is client() in v2 (await using)",
      () => {
        decl.node.kind = "await using";
        if (exclusive.watchPipeline) {
          declarator.node.init = raw(this.ctx, `${clientText}.pipeline({ transaction: true })`);
        } else {
          use.memberPath.node.property = this.ctx.j.identifier("client");
          declarator.node.init = call;
        }
      },
    );
    this.analyze(exclusive);
  }

  /** `using conn = await pool.get()` -> `await using conn = new Redis({ connectionPool: pool }).client()`. */
  private poolAcquireUse(pool: Obj, use: CallUse, consumed: Set<N>, releases: CallUse[]): void {
    const group = pool.group;
    const stmt = stmtOf(use.callPath);
    const aw = climbWrappers(use.callPath).parent;
    const declarator = aw ? climbWrappers(aw).parent : null;
    const decl = declarator?.parent;
    if (aw?.node.type !== "AwaitExpression" || declarator?.node.type !== "VariableDeclarator" || declarator.node.id.type !== "Identifier" || !decl) {
      return group.block(
        stmt,
        `pool.${use.method}() is used in a way the codemod cannot follow; in v2: await using conn = new Redis({ connectionPool: pool }).client()`,
      );
    }
    const name = declarator.node.id.name;
    const using = decl.node.kind === "using" || decl.node.kind === "await using";
    const myReleases = releases.filter((r) => {
      const a = r.callPath.node.arguments;
      return a.length === 1 && a[0].type === "Identifier" && a[0].name === name;
    });
    if (!using && myReleases.length === 0) {
      return group.block(
        stmt,
        `the connection from pool.${use.method}() is never released here; in v2 write: await using ${name} = new Redis({ connectionPool: pool }).client()`,
      );
    }
    for (const r of myReleases) {
      const rs = enclosingStatement(r.callPath);
      if (rs?.node.type !== "ExpressionStatement" || rs.node.expression !== r.callPath.node) {
        return group.block(stmtOf(r.callPath), "pool.release(conn) inside an expression");
      }
      consumed.add(r.callPath.node);
      this.releaseCalls.add(r.callPath.node);
      group.edit(2, rs.node, "release", "pool.release(conn) is await conn.close() in v2", () => {
        const j = this.ctx.j;
        const close = j.callExpression(j.memberExpression(j.identifier(name), j.identifier("close")), []);
        rs.node.expression = canAwait(rs) ? j.awaitExpression(close) : j.unaryExpression("void", close);
      });
    }
    const poolText = codeOf(this.ctx, use.memberPath.node.object);
    group.edit(2, decl.node, "pool-acquire", `pool.${use.method}() is a client of the pool in v2`, () => {
      if (using) decl.node.kind = "await using";
      declarator.node.init = raw(this.ctx, `new ${this.state.refText("Redis")}({ connectionPool: ${poolText} }).client()`);
    });
    const holder: Holder = { type: "binding", name, declId: declarator.node.id, declPath: declarator };
    const conn: Obj = { kind: "connection", group, decode: pool.decode, encoding: pool.encoding, label: name, holder, origin: use.callPath, exclusive: true };
    this.analyze(conn);
  }

  /** `x.close(); await x.waitClosed();` -> `await x.close();` (pools: `disconnect()`). */
  private closeUse(obj: Obj, use: CallUse): void {
    const group = obj.group;
    const ctx = this.ctx;
    const call = use.callPath.node;
    if (this.pairedWaits.has(call)) return;
    if (call.arguments.length) return group.block(stmtOf(use.callPath), `${use.method}() with arguments`);
    const target = obj.kind === "pool" ? "disconnect" : "close";
    const objText = codeOf(ctx, use.memberPath.node.object);
    const stmt = enclosingStatement(use.callPath);
    const list = stmt ? statementList(stmt) : null;
    const aw = climbWrappers(use.callPath).parent;
    const awaited = aw?.node.type === "AwaitExpression";
    if (use.method === "close" && stmt && list && stmt.node.type === "ExpressionStatement" && stmt.node.expression === climbWrappers(use.callPath).node) {
      const next = list[list.indexOf(stmt.node) + 1];
      const nextCall = next?.type === "ExpressionStatement" && next.expression.type === "AwaitExpression" ? next.expression.argument : null;
      const paired = nextCall?.type === "CallExpression" && memberName(nextCall.callee) === "waitClosed" && codeOf(ctx, nextCall.callee.object) === objText;
      if (paired) this.pairedWaits.add(nextCall);
      const ownPool = obj.ownPool && paired ? obj.ownPool : obj.blockingPool ? `${objText}.connectionPool` : null;
      group.edit(2, stmt.node, "close", paired ? `close() + waitClosed() is await ${target}() in v2` : `close() is await ${target}() in v2`, () => {
        const j = ctx.j;
        const wait = canAwait(stmt);
        use.memberPath.node.property = j.identifier(target);
        const closing = climbWrappers(use.callPath).node;
        stmt.node.expression = wait ? j.awaitExpression(closing) : j.unaryExpression("void", closing);
        const at = list.indexOf(stmt.node);
        if (paired) {
          const comments = next.comments?.filter((c: N) => c.leading !== false) ?? [];
          if (comments.length) stmt.node.comments = [...(stmt.node.comments ?? []), ...comments];
          list.splice(at + 1, 1);
        }
        if (ownPool) {
          const [s] = parseStatements(ctx, `${wait ? "await " : "void "}${ownPool}.disconnect();`);
          list.splice(at + 1, 0, s);
        }
      });
      return;
    }
    if (use.method === "waitClosed" || target !== "close") {
      group.edit(1, call, "close", `${use.method}() is ${target}() in v2`, () => {
        use.memberPath.node.property = ctx.j.identifier(target);
      });
      if (!awaited && use.method === "close" && obj.kind === "pool") return;
    }
  }

  // ------------------------------------------------------------------ types

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
    for (const r of refs) {
      const ref = resolveExport(this.state.info, r.get("typeName"));
      if (!ref) continue;
      obj.group.v1Refs.push(r.node.typeName, r.node.typeName.left ?? r.node.typeName);
      this.typeEdit(obj, r);
    }
  }

  private typeEdit(obj: Obj, typeRefPath: P): void {
    const ref = resolveExport(this.state.info, typeRefPath.get("typeName"));
    if (!ref) return;
    const v2 = V2_TYPE[obj.kind];
    const typeArg = obj.decode ? "string" : null;
    if (ref.name === v2 && !typeArg) return;
    if (!(ref.name in TYPE_RENAMES) && !SHARED_NAMES.has(ref.name)) return;
    const node = typeRefPath.node;
    obj.group.edit(1, node, "type", `${ref.name} is ${v2}${typeArg ? `<${typeArg}>` : ""} in v2`, () => {
      // one annotation can be reached from two values of the same file (a parameter and the
      // value passed to it): the first applied edit rewrites it
      if (this.typesRewritten.has(node)) return;
      this.typesRewritten.add(node);
      replaceNode(typeRefPath, this.state.typeRef(v2, node.typeName, typeArg));
    });
  }

  /** Type references already rewritten by `typeEdit`. */
  private readonly typesRewritten = new WeakSet<object>();
}

/**
 * The function a `return` gives its value to: the enclosing one, or, for an immediately
 * invoked `(async () => { ... return x; })()` that is itself returned, the function around it.
 */
function returnTarget(path: P): P | null {
  let fn = enclosingFunction(path);
  while (fn && (fn.node.type === "ArrowFunctionExpression" || fn.node.type === "FunctionExpression")) {
    let call: P | null = fn.parent;
    while (call && call.node.type === "ParenthesizedExpression") call = call.parent;
    if (call?.node.type !== "CallExpression" || call.node.arguments.length !== 0) break;
    const callee = call.node.callee.type === "ParenthesizedExpression" ? call.node.callee.expression : call.node.callee;
    if (callee !== fn.node) break;
    const up = climbWrappers(call).parent;
    if (up?.node.type !== "ReturnStatement") break;
    fn = enclosingFunction(up);
  }
  return fn;
}

function unwrapAwait(node: N): N {
  let n = node;
  while (n && (n.type === "AwaitExpression" || n.type === "TSAsExpression" || n.type === "TSNonNullExpression" || n.type === "ParenthesizedExpression"))
    n = n.argument ?? n.expression;
  return n;
}

/** Whether a declarator or parameter path sits at the module's top level. */
function isModuleLevel(declPath: P): boolean {
  if (declPath.node.type !== "VariableDeclarator") return false;
  let p: P | null = declPath.parent; // VariableDeclaration
  if (p?.parent?.node.type === "ExportNamedDeclaration") p = p.parent;
  return p?.parent?.node.type === "Program";
}

/** Whether a declaring identifier (from resolveBinding) is a module-level name: an import, a top-level function, class or const. */
function isModuleLevelDecl(ctx: Ctx, decl: N): boolean {
  const program = ctx.root.get().node.program;
  for (let stmt of program.body as N[]) {
    if (stmt.type === "ImportDeclaration") {
      if ((stmt.specifiers ?? []).some((s: N) => s.local === decl)) return true;
      continue;
    }
    if ((stmt.type === "ExportNamedDeclaration" || stmt.type === "ExportDefaultDeclaration") && stmt.declaration) stmt = stmt.declaration;
    if ((stmt.type === "FunctionDeclaration" || stmt.type === "ClassDeclaration") && stmt.id === decl) return true;
    if (stmt.type === "VariableDeclaration" && stmt.declarations.some((d: N) => d.id === decl)) return true;
  }
  return false;
}

/** `src/a.ts#C` for a module-level named class. */
function classIdOf(ctx: Ctx, classPath: P): string | null {
  const view = ctx.view;
  const node = classPath.node;
  if (!view || node.type !== "ClassDeclaration" || !node.id) return null;
  let p: P | null = classPath.parent;
  if (p?.node.type === "ExportNamedDeclaration" || p?.node.type === "ExportDefaultDeclaration") p = p.parent;
  if (p?.node.type !== "Program") return null;
  return `${view.id}#${node.id.name}`;
}

/** The id of a named function of the module (`f`, `C` for a constructor, `C.m` for a method), or null. */
function fnIdOf(ctx: Ctx, fn: P): string | null {
  const view = ctx.view;
  if (!view) return null;
  const node = fn.node;
  if (node.type === "FunctionDeclaration" && node.id) {
    let p: P | null = fn.parent;
    if (p?.node.type === "ExportNamedDeclaration" || p?.node.type === "ExportDefaultDeclaration") p = p.parent;
    return p?.node.type === "Program" ? `${view.id}#${node.id.name}` : null;
  }
  if (
    (node.type === "ArrowFunctionExpression" || node.type === "FunctionExpression") &&
    fn.parent?.node.type === "VariableDeclarator" &&
    fn.parent.node.id.type === "Identifier"
  ) {
    return isModuleLevel(fn.parent) ? `${view.id}#${fn.parent.node.id.name}` : null;
  }
  if (node.type === "ClassMethod" && !node.computed && node.key.type === "Identifier") {
    const classPath: P | null = fn.parent?.parent ?? null;
    const cls = classPath ? classIdOf(ctx, classPath) : null;
    if (!cls) return null;
    return node.kind === "constructor" ? cls : `${cls}.${node.key.name}`;
  }
  return null;
}

/** Whether `inner` is `outer` or sits somewhere under it. */
function contains(outer: N, inner: N): boolean {
  if (outer === inner) return true;
  if (!outer || typeof outer !== "object") return false;
  for (const key of Object.keys(outer)) {
    if (key === "loc" || key === "original" || key === "comments" || key === "tokens") continue;
    const v = outer[key];
    if (Array.isArray(v)) {
      for (const x of v) if (x && typeof x === "object" && contains(x, inner)) return true;
    } else if (v && typeof v === "object" && typeof v.type === "string" && contains(v, inner)) return true;
  }
  return false;
}

/** Rewrites one file to v2; returns its state (null when the file is not v1 code). */
export function transformV2(ctx: Ctx, info: ModuleInfo): V2State | null {
  if (!isV1File(ctx, info) && !ctx.view?.linked) return null;
  const state = new V2State(ctx, info);
  state.snapshotNames();
  const originallyUsed = new Set<Binding>(info.bindings.filter((b) => referencesOf(ctx, b).length > 0));
  const analyzer = new Analyzer(state);
  analyzer.run();
  const blocked = state.anyBlocked || !!ctx.view?.anyHeld;
  if (ctx.report) {
    for (const g of state.groups) {
      ctx.report.groups.push({
        label: g.label,
        ids: [...g.ids],
        blocked: g.blocked,
        reasons: g.blockers.map((b) => ({ line: b.stmt?.loc?.start?.line ?? 0, message: b.message })),
        edits: g.blocked ? 0 : g.edits.length,
        line: g.anchor?.loc?.start?.line ?? 0,
      });
    }
  }
  // error classes first: they only replace identifiers, and the tree is still the one indexed
  rewriteErrors(state);
  state.apply();
  resetScopes();
  invalidateIndex(ctx);
  if (inlineV1Aliases(ctx, info)) invalidateIndex(ctx);
  rewriteImportsV2(
    ctx,
    info,
    {
      needed: state.neededNamed,
      isV1Name: (name) => V1_ONLY.has(name),
      isCompatRef: (b, path, exportName) => {
        if (state.compatNodes.has(path.node) || state.compatNodes.has(path.parent?.node)) return true;
        if (exportName === null) return true;
        // the version of the library the held clients run on
        if (exportName === "__version__" && blocked) return true;
        // a type or class no converted group owns follows the file: on compat where the file keeps values on compat
        // (only v1 code, as the compat step left it: a name already imported from aioredis is v2 code)
        if (
          b.source === COMPAT_PACKAGE &&
          !state.v2Nodes.has(path.node) &&
          !state.v2Nodes.has(path.parent?.node) &&
          (SHARED_NAMES.has(exportName) || exportName in TYPE_RENAMES)
        ) {
          if (state.blockedCount > 0 || (state.groups.length === 0 && !!ctx.view?.anyHeld)) return true;
        }
        if (V1_ONLY.has(exportName)) {
          markLeftover(ctx, path, exportName);
          return true;
        }
        return false;
      },
      reexport: (name) => {
        if (name in ERROR_RENAMES && !blocked) return { v2: ERROR_RENAMES[name]! };
        if (name === "ReplyError" || name === "WatchVariableError" || name in ERROR_RENAMES) return { compat: true };
        if (V1_ONLY.has(name))
          return {
            compat: true,
            message: `${name} is v1 API, re-exported from aioredis/compat; re-export its v2 replacement once the code using it is migrated (see MIGRATION.md)`,
          };
        return { v2: name };
      },
    },
    originallyUsed,
  );
  return state;
}

/** A v1 name left in a converted file gets a marker, unless its statement already has one. */
function markLeftover(ctx: Ctx, path: P, name: string): void {
  const stmt = enclosingStatement(path);
  if (!stmt) return;
  if (ctx.pendingMarkers.some((m) => m.stmt === stmt.node)) return;
  if (stmt.node.comments?.some((c: N) => c.value.includes("TODO(aioredis-v2)"))) return;
  if (stmt.node.type === "ImportDeclaration" || (stmt.node.type === "ExportNamedDeclaration" && stmt.node.source)) return;
  addMarker(ctx, stmt.node, `${name} is v1 API the codemod left on aioredis/compat; migrate it by hand (see MIGRATION.md)`);
}
