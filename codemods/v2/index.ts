/**
 * `--mode v2`: the v1 API rewritten into the v2 API, one file at a time, in a fixed order:
 * find the names bound to our package; find the objects v1 factories make and follow them;
 * plan every rewrite per object group (all or nothing); rename error classes; apply; point
 * each import at `aioredis` or, for what was left on v1, at `aioredis/compat`.
 */
import { resolveExport, type Binding, type ModuleInfo } from "../lib/bindings.js";
import { codeOf, invalidateIndex, nodesOf, parseStatements, raw, type Ctx } from "../lib/context.js";
import { importPlan } from "./import-plan.js";
import { referencesOf, rewriteImportsV2 } from "../lib/imports.js";
import { canAwait, climbWrappers, enclosingStatement, isNullLit, isUndefinedId, memberName, statementList, type N, type P } from "../lib/ast.js";
import { planCommand } from "./commands.js";
import { rewriteErrors } from "./errors.js";
import { inlineV1Aliases } from "./type-aliases.js";
import { CONSTANTS, FACTORIES } from "./names.js";
import { classifyUse, holderOf, localCallee, referencesOfHolder, stmtOf, type CallUse, type Holder, type Obj, type Use } from "./objects.js";
import { planPoolExecute } from "./pool-execute.js";
import { planFieldAcquire, planRedisOnConnection } from "./held-connection.js";
import { planPipeline } from "./pipelines.js";
import { planClosed } from "./closed.js";
import { finishChannelParams, planChannelRoot, planSubscribe, planUnsubscribe } from "./pubsub.js";
import { finishPubSubFacts, planChannelsLookup, seedPubSubs } from "./pubsub-field.js";
import { planPubSubClose } from "./pubsub-close.js";
import { planSharedSubscriber } from "./pubsub-shared.js";
import { finishReceivers, noteReceiver } from "./receiver.js";
import { V2State } from "./state.js";
import { slotId, slotStore, slotsId } from "./slots.js";
import { unwrapValue, isNullishDefault } from "./paths.js";
import { resetScopes, resolveBinding } from "../lib/scope.js";

import { isV1File, contains } from "./analyzer-util.js";
import { describable, describesOnly } from "./describe.js";
import { SubclassAnalyzer, subclassOwnUse } from "./subclass-convert.js";
import { namesClass, narrowedAway, stableHolder, typeTest } from "./narrowing.js";

export { isV1File, isV2File } from "./analyzer-util.js";

class Analyzer extends SubclassAnalyzer {
  run(): void {
    const info = this.state.info;
    // first: the factory calls at a converted subclass's construction sites are its own
    this.subclassRoots();
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
    this.projectRoots();
    if (this.ctx.view?.ready) this.pathRoots();
    if (this.ctx.view?.ready) this.typedMembers();
    if (this.ctx.view?.ready) this.inheritedConstructors();
    if (this.ctx.view?.ready) this.arrayRoots();
    this.typedRoots();
    this.pendingAssigns();
    if (this.ctx.view?.ready) this.slotScan();
    finishReceivers(this.state, this.registry);
    finishChannelParams(this.state);
    finishPubSubFacts(this.state, this.registry);
    for (const c of this.closes) planPubSubClose(this.state, c.obj, c.calls, this.registry);
    this.applyHolds();
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
    if (obj.kind === "channel") return planChannelRoot(state, obj);
    if (obj.holder.type === "field" && obj.holder.declPath) this.claimed.add(obj.holder.declPath.node);
    const refs = referencesOfHolder(state, obj.holder);
    for (const r of refs) group.refNodes.add(r.node);
    const consumed = new Set<N>();
    const constants: Extract<Use, { type: "prop" }>[] = [];
    const unsubscribes: CallUse[] = [];
    const releases: CallUse[] = [];
    const calls: CallUse[] = [];
    const lookups: Extract<Use, { type: "prop" }>[] = [];
    // type tests, and uses the code narrowed away from the client (narrowing.ts)
    const refSet = new Set<N>(refs.map((r) => climbWrappers(r).node));
    const stable = stableHolder(obj.holder, refs);
    const isRef = (n: N): boolean => refSet.has(n?.type === "TSNonNullExpression" || n?.type === "ParenthesizedExpression" ? n.expression : n);
    // only `Redis` names the class of the value in both APIs (a v1 RedisConnection is a v2 Redis)
    const cls = obj.kind === "client" ? "Redis" : null;
    const isClass = (n: N): boolean => !!cls && namesClass(state.info, n, cls);
    for (const r of refs) {
      const test = typeTest(state.info, r, cls);
      if (test) {
        if (test.classRef) group.v1Refs.push(test.classRef, test.classRef.object ?? test.classRef);
        continue;
      }
      if (stable && narrowedAway(r, isRef, isClass)) continue;
      // `options.redis ?? null` is the value itself (or nothing): its use is the use of the whole
      let ref = r;
      while (isNullishDefault(climbWrappers(ref).parent?.node) && climbWrappers(ref).parent.node.left === climbWrappers(ref).node)
        ref = climbWrappers(ref).parent;
      const use = classifyUse(ref);
      // a member the subclass declares itself (`this.url`, `bot.aclose()`) is not aioredis API
      if (obj.subclass && subclassOwnUse(this.state, obj.subclass, use)) continue;
      switch (use.type) {
        case "call":
          if (use.method === "unsubscribe" || use.method === "punsubscribe") unsubscribes.push(use);
          else if (use.method === "release" && obj.kind === "pool") releases.push(use);
          else calls.push(use);
          break;
        case "prop":
          if (use.name in CONSTANTS) constants.push(use);
          else if (planClosed(obj, use)) break;
          else if (use.name === "channels" && climbWrappers(use.memberPath).parent?.node.computed) lookups.push(use);
          else group.block(stmtOf(ref), `${obj.label}.${use.name} is v1 API with no v2 equivalent the codemod can write (see MIGRATION.md)`);
          break;
        case "assign": {
          const right = use.assignPath.node.right;
          const rootAssign = (obj.origin && contains(right, obj.origin.node)) || obj.sites?.includes(right);
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
    // a field that keeps one PubSub for its subscriptions: its unsubscribe calls are the PubSub's as they are
    const shared = planSharedSubscriber(state, obj, calls, unsubscribes, this.registry);
    if (typeof shared === "string") group.explain(stmtOf(unsubscribes[0]!.callPath), shared);
    for (const use of calls) this.callUse(obj, use, consumed, releases);
    for (const use of lookups) planChannelsLookup(state, obj, use, this.registry, (ch, at) => this.projectEscape(ch, at));
    seedPubSubs(state, obj, this.registry);
    if (shared !== true) for (const use of unsubscribes) planUnsubscribe(state, obj, use, this.registry);
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

  protected callUse(obj: Obj, use: CallUse, consumed: Set<N>, releases: CallUse[]): void {
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

  protected argUse(obj: Obj, use: Extract<Use, { type: "arg" }>): void {
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
      if (ref?.name === "Redis" && obj.kind === "connection" && call.arguments.length === 1) return planRedisOnConnection(state, obj, use.callPath, this);
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
    const callee = call.callee;
    if (
      (callee.type === "Identifier" && callee.name === "String" && !resolveBinding(use.callPath.get("callee"), "String")) ||
      codeOf(this.ctx, callee) === "JSON.stringify"
    )
      return group.block(
        stmt,
        `${obj.label} is turned into text here, and a v2 object's text is not the v1 one's; show something else (its address), or migrate this by hand`,
      );
    const target = localCallee(state, use.callPath, use.index);
    if (!target) {
      if (this.projectArg(obj, use)) return;
      return group.block(stmt, `${obj.label} is passed to a function the codemod cannot follow; migrate that function together with it`);
    }
    if (describable(obj.kind) && describesOnly(this.ctx, target.fn, use.index)) return this.describedArg(obj, use, call.callee.name);
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

  protected derivedClient(parent: Obj, use: CallUse): void {
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
  protected acquireUse(parent: Obj, use: CallUse): void {
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
  protected poolAcquireUse(pool: Obj, use: CallUse, consumed: Set<N>, releases: CallUse[]): void {
    const group = pool.group;
    const stmt = stmtOf(use.callPath);
    const aw = climbWrappers(use.callPath).parent;
    const declarator = aw ? climbWrappers(aw).parent : null;
    const decl = declarator?.parent;
    if (aw?.node.type !== "AwaitExpression" || declarator?.node.type !== "VariableDeclarator" || declarator.node.id.type !== "Identifier" || !decl) {
      if (planFieldAcquire(this.state, pool, use, consumed, releases, this)) return;
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
  protected closeUse(obj: Obj, use: CallUse): void {
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
  rewriteImportsV2(ctx, info, importPlan(ctx, state, blocked), originallyUsed);
  return state;
}
