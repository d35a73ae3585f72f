/**
 * Where the v2 analysis finds the values of a file: factory calls, typed parameters and
 * fields, and values that come from other modules (subclasses of the v1 classes: the layer
 * above, subclass-convert.ts).
 */
/**
 * `--mode v2`: the v1 API rewritten into the v2 API, one file at a time, in a fixed order:
 * find the names bound to our package; find the objects v1 factories make and follow them;
 * plan every rewrite per object group (all or nothing); rename error classes; apply; point
 * each import at `aioredis` or, for what was left on v1, at `aioredis/compat`.
 */
import { resolveExport, type Binding } from "../lib/bindings.js";
import { codeOf, hasIgnoreComment, nodesOf, parseStatements } from "../lib/context.js";
import { isFunction as isFunctionNode, climbWrappers, enclosingFunction, replaceNode, statementList, type N, type P } from "../lib/ast.js";
import { adapterCallers, planFactory } from "./factories.js";
import { optionsParamOf, type OptionsParam } from "./options-param.js";
import { clientOnInlinePool } from "./pool-client.js";
import { classifyUse, holderOf, pathOf, referencesOfHolder, stmtOf, type CallUse, type Holder, type Kind, type Obj, NO_HOLDER } from "./objects.js";
import { inheritedCtorIds } from "./ctor-aliases.js";
import { defaultAssignCall, defaultAssignOf } from "./default-assign.js";
import { planContinuedPipeline } from "./pipelines.js";
import { instanceMethodId } from "./instances.js";
import type { Group } from "./state.js";
import { resolveBinding } from "../lib/scope.js";

import { returnTarget, unwrapAwait, isModuleLevelDecl, classIdOf, fnIdOf, functionPaths } from "./analyzer-util.js";
import { ArraysAnalyzer } from "./analyzer-arrays.js";
import { describable, describesOnly } from "./describe.js";

export abstract class RootsAnalyzer extends ArraysAnalyzer {
  /** One call on a followed value (in the Analyzer). */
  protected abstract callUse(obj: Obj, use: CallUse, consumed: Set<N>, releases: CallUse[]): void;

  // ------------------------------------------------------------------ roots

  protected factoryRoot(callPath: P, ref: { name: string; binding: Binding | null }): void {
    const state = this.state;
    if (this.claimed.has(callPath.node)) return; // a subclass's construction site (subclass-convert.ts)
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
      // an adapter's other factories and callers stay with it
      const param = callPath.node.arguments[1] ? optionsParamOf(state, callPath.get("arguments", 1)) : null;
      if (param) this.adapterOptions(group, param);
      this.heldFlow(group, ref.name, aw, callPath);
      return;
    }
    if (plan.optionsParam) this.adapterOptions(group, plan.optionsParam);
    group.v1Refs.push(...(plan.typeNames ?? []));
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
            holder: NO_HOLDER,
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

  /** The adapters whose options parameter becomes v2 options, with the group that converts them. */
  private readonly adapters = new Map<N, Group>();

  /** An adapter's options parameter becomes v2 options, and its callers convert theirs (options-param.ts). */
  protected adapterOptions(group: Group, param: OptionsParam): void {
    const first = this.adapters.get(param.decl);
    if (first) return first.absorb(group);
    this.adapters.set(param.decl, group);
    const fid = fnIdOf(this.ctx, param.fn);
    if (fid) group.addId(`${fid}(${param.index})`);
    const typeName = param.typeRef.node.typeName;
    group.v1Refs.push(typeName, typeName.left ?? typeName);
    group.edit(1, param.typeRef.node, "options-type", `${param.name} takes ${param.v2Type} in v2 (its callers convert their options)`, () =>
      replaceNode(param.typeRef, this.state.typeRef(param.v2Type, typeName, null)),
    );
    const callers = adapterCallers(this.state, param);
    if ("reason" in callers) {
      group.block(stmtOf(callers.call), `the options given here to a function that passes them to a v1 factory cannot be converted: ${callers.reason}`);
      return;
    }
    for (const c of callers) {
      group.v1Refs.push(...c.typeNames);
      group.edit(1, c.call.node, "adapter-options", "the function takes v2 options: converted where it is called", c.build);
    }
  }

  /**
   * A factory call that stays on compat still tells the project where its value goes (the
   * variable or field that holds it, the functions it is returned from or passed to), so that
   * what receives it in other modules stays on compat with it instead of converting alone
   * against a compat value.
   */
  protected heldFlow(group: Group, factory: string, aw: P, callPath: P): void {
    if (!this.ctx.view || !aw) return;
    const kind: Kind = factory === "createSentinel" ? "sentinel" : factory === "createPool" ? "pool" : factory === "createConnection" ? "connection" : "client";
    const base = { kind, group, decode: null, encoding: null, origin: callPath, label: `${factory}()` };
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
      follow({ ...base, holder: NO_HOLDER }, valuePath);
      return;
    }
    const obj: Obj = { ...base, holder: held.holder };
    for (const id of this.idsOf(obj)) this.port(obj, id);
    for (const ref of referencesOfHolder(this.state, held.holder)) follow(obj, ref);
  }

  /** `x = x ?? f()` where the project says `f()` returns the same kind of object as `x` holds. */
  protected sameKindDefault(obj: Obj, assignPath: P): boolean {
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
  protected portToHolder(refPath: P, name: string, group: Group): boolean {
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
  protected factoryArg(
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
      holder: NO_HOLDER,
      origin: callPath,
    };
    return this.projectArg(obj, use);
  }

  /**
   * v1 factories connected before resolving, so a `try` around one caught connection errors;
   * v2 connects on the first command. Inside a `try`, a `ping()` right after keeps the error
   * where the program expects it.
   */
  protected eagerConnect(obj: Obj, declStmt: P | null): void {
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
  protected typedRoots(): void {
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

  /**
   * Roots the rest of the project gives this file: imported clients and pools, results of
   * project functions that return one, parameters that receive one, and fields of instances
   * of project classes (`app.db`).
   */
  protected projectRoots(): void {
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
          // `Bot.open()`: a static factory of a converted subclass of Redis (subclass-convert.ts)
          if (!id && ns && view.fact(`${ns}.${callee.property.name}()`)?.subclass) id = `${ns}.${callee.property.name}`;
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
    const fns = functionPaths(ctx);
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
          // only described (describe.ts): its callers convert without it (a fact from an earlier pass)
          if (describable(fact.kind) && describesOnly(ctx, fn, i)) return;
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
  protected resultRoot(p: P, id: string): void {
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
        const arg: Obj = { ...fact, group, label: `${id}()`, holder: NO_HOLDER, origin: valuePath };
        if (this.projectArg(arg, use)) return;
      }
      if (use.type === "call" && valuePath.node.type === "AwaitExpression") {
        const obj: Obj = {
          ...fact,
          group,
          label: codeOf(ctx, valuePath.node),
          holder: NO_HOLDER,
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
      if (use.type === "arg" && this.projectArg({ ...fact, group, label: `${id}()`, holder: NO_HOLDER, origin: valuePath }, use)) return;
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

  /** Fields of a project class that hold objects, read through an instance (`app.db.get()`). */
  protected memberRoots(object: string, objectDeclId: N, cls: string, anchor: N): void {
    const view = this.ctx.view!;
    for (const [field, fact] of view.fieldsOf(cls)) {
      const holder: Holder = { type: "member", name: field, object, objectDeclId, declPath: null };
      if (referencesOfHolder(this.state, holder).length === 0) continue;
      this.projectRoot(fact, holder, [`${cls}.${field}`], anchor, `${object}.${field}`);
    }
  }
}
