/**
 * Subclasses of the v1 `Redis`, converted together with every place that constructs them.
 *
 * v1: `class Bot extends Redis { constructor(conn, url) { super(conn); ... } }`, built as
 * `new Bot(await createConnection(address), url)`. A v2 subclass takes the client's options
 * instead of a connection, so the class and its construction sites form one group:
 *
 * - the constructor passes one of its parameters to `super()`: that parameter's type follows
 *   its value (`RedisConnection` -> `RedisOptions`), and `super(conn)` stays as it is;
 * - every `new Bot(...)` in the project (in this module, in a static factory of the class, or
 *   in a module that imports it) gives that parameter `await createConnection(address, opts)`
 *   made in the call itself: in v2 the options of a client bound to one connection of its
 *   own, which it opens and closes itself, `{ ...parseUrl(url), singleConnectionClient: true }`
 *   (`{ host, port, ..., singleConnectionClient: true }` for `[host, port]`): one connection,
 *   commands in order, no reconnection, as v1's client on a connection;
 * - the instances are clients: `this` inside the class and what `new Bot()` (or a static
 *   factory returning it) gives its callers are followed like any client, except for the
 *   members the class declares itself (`this.url`, `bot.aclose()`), which are not aioredis API;
 *   `this.close(); await this.waitClosed()` is `await this.close()`.
 *
 * Anything else keeps the whole group on compat with a marker naming the site and why: a
 * constructor that uses the connection besides `super()`, `super.method()` calls, a site given
 * a connection made elsewhere or a pool, a connection that decodes replies (the v2 subclass
 * extends `Redis<Buffer>`), a subclass of the subclass, or the class used as a value the
 * codemod cannot follow. Subclasses of `ConnectionsPool` always stay on compat.
 */
import { resolveExport } from "../lib/bindings.js";
import { codeOf, identifiersNamed, isRaw, nodesOf, raw, type Ctx } from "../lib/context.js";
import { climbWrappers, isDeclarationId, isReferencePath, type N, type P } from "../lib/ast.js";
import { resolveBinding } from "../lib/scope.js";
import { planFactory } from "./factories.js";
import { holderOf, stmtOf, type Obj, type Use, NO_HOLDER } from "./objects.js";
import { v1TypeNamesIn } from "./subclass-types.js";
import type { Group, V2State } from "./state.js";
import type { SubclassFact } from "../project/view.js";
import { nodesOfIn } from "./this-refs.js";
import { classIdOf, fnIdOf, isModuleLevelDecl, returnTarget, unwrapAwait } from "./analyzer-util.js";
import { RootsAnalyzer } from "./analyzer-roots.js";

/** Members of the v1 client that are not commands: overriding one means what v2 would not honour. */
const V1_BASE_MEMBERS = new Set(
  "execute executePubsub _exec _poolOrConn connection address db encoding closed inTransaction inPubsub channels patterns close waitClosed multiExec pipeline acquire commandsFactory".split(
    " ",
  ),
);

/** What a class must look like to be converted, or why it cannot be. */
export function subclassShape(ctx: Ctx, classPath: P): (SubclassFact & { param: P | null }) | { reason: string } {
  const body = classPath.node.body.body as N[];
  const own: string[] = [];
  for (const m of body) {
    if (m.static || m.computed) continue;
    if ((m.type === "ClassMethod" || m.type === "ClassProperty" || m.type === "PropertyDefinition") && m.key?.type === "Identifier" && m.kind !== "constructor")
      own.push(m.key.name);
    if (m.type === "ClassMethod" && m.kind === "constructor")
      for (const p of m.params as N[]) if (p.type === "TSParameterProperty" && p.parameter.type === "Identifier") own.push(p.parameter.name);
  }
  const hook = own.find((m) => V1_BASE_MEMBERS.has(m));
  if (hook)
    return { reason: `it overrides ${hook}, a member of the v1 base whose v2 counterpart differs (v1 sent every command through execute(); v2 does not)` };
  const supers = nodesOfIn(ctx, classPath, "Super");
  const superMember = supers.find((s) => s.parent?.node.type === "MemberExpression");
  if (superMember)
    return { reason: `it calls super.${superMember.parent.node.property?.name ?? "..."}(), a method of the v1 base class the codemod does not rewrite` };
  // `new this(...)` in a static method, `new this.constructor(...)`: sites the codemod cannot rewrite
  const selfNew = nodesOfIn(ctx, classPath, "NewExpression").find(
    (n) => n.node.callee.type === "ThisExpression" || (n.node.callee.type === "MemberExpression" && n.node.callee.object.type === "ThisExpression"),
  );
  if (selfNew) return { reason: "it constructs itself through `this` (new this(...)), a site the codemod cannot rewrite" };
  const at = body.findIndex((m) => m.type === "ClassMethod" && m.kind === "constructor");
  if (at < 0) return { superArg: 0, own, param: null };
  const ctor: P = classPath.get("body", "body", at);
  const calls = supers.filter((s) => s.parent?.node.type === "CallExpression" && s.parent.node.callee === s.node).map((s) => s.parent);
  const call = calls[0];
  if (calls.length !== 1 || call.parent?.node.type !== "ExpressionStatement" || call.parent.parent?.node !== ctor.node.body)
    return { reason: "its constructor does not call super() exactly once, as a statement of its own" };
  const args = call.node.arguments as N[];
  const arg = args[0];
  if (args.length !== 1 || arg.type !== "Identifier") return { reason: "its constructor's super() call is not given one of its parameters alone" };
  const params = ctor.node.params as N[];
  const index = params.findIndex((p) => p.type === "Identifier" && p.name === arg.name);
  if (index < 0) return { reason: `super(${arg.name}) is not given a plain parameter of the constructor` };
  const param = params[index];
  const decl = resolveBinding(call.get("arguments", 0), arg.name);
  if (decl !== param) return { reason: `super(${arg.name}) is not given the constructor's parameter` };
  const uses = nodesOfIn(ctx, ctor, "Identifier").filter(
    (p) => p.node.name === arg.name && p.node !== param && p.node !== arg && isReferencePath(p) && !isDeclarationId(p),
  );
  if (uses.some((p) => resolveBinding(p, arg.name) === param))
    return { reason: `its constructor uses ${arg.name} besides super(${arg.name}), as the v1 connection it is` };
  const ann = param.typeAnnotation?.typeAnnotation;
  if (ann && ann.type !== "TSTypeReference") return { reason: `the constructor's parameter ${arg.name} is not typed with a v1 class alone` };
  if (params.slice(0, index).some((p) => p.type === "RestElement")) return { reason: "the constructor takes a rest parameter before the connection" };
  return { superArg: index, own, param: ctor.get("params", index) };
}

/** `await createConnection(...)` as the connection of a site: the v2 options of a client bound to one connection of its own. */
function siteOptions(state: V2State, argPath: P): { build: () => N; refs: N[] } | { reason: string } {
  const ctx = state.ctx;
  const j = ctx.j;
  const arg = climbWrappers(argPath);
  let inner: P = arg;
  if (inner.node.type === "AwaitExpression") inner = climbWrappers(inner.get("argument"));
  const ref = inner.node.type === "CallExpression" ? resolveExport(state.info, inner.get("callee")) : null;
  if (!ref || arg.node.type !== "AwaitExpression") return { reason: "its connection is not made in the call itself (await createConnection(address))" };
  if (ref.name !== "createConnection")
    return { reason: `its connection is made by ${ref.name}(); only a connection of its own (createConnection) has a v2 form the codemod writes here` };
  const plan = planFactory(state, inner, ref);
  if ("reason" in plan) return { reason: `createConnection(): ${plan.reason}` };
  if (plan.decode)
    return { reason: "its connection decodes replies (encoding); the v2 subclass extends Redis<Buffer>, so write it by hand (extends Redis<string>)" };
  const callee = inner.node.callee;
  const like = { ref, node: callee };
  return {
    refs: [callee, callee.object ?? callee],
    build: () => {
      const built = plan.build(); // `<client>.client()`
      const made: N = built.callee.object;
      const text = (n: N): string => (isRaw(n) ? n.name : j(n).toSource({ quote: ctx.quote === "'" ? "single" : "double" }));
      const entries = (opts: N | undefined): string[] => {
        if (!opts) return [];
        const t = text(opts).trim();
        return t.startsWith("{") && t.endsWith("}") ? [t.slice(1, -1).trim()].filter(Boolean) : [`...${t}`];
      };
      const single = "singleConnectionClient: true";
      // new Redis({ host, port, ... }): the same options, bound to one connection
      if (made.type === "NewExpression") return raw(ctx, `{ ${[...entries(made.arguments[0]), single].join(", ")} }`);
      // fromUrl(url, opts): its options, then what the URL says (the URL wins, as in fromUrl)
      const [url, opts] = made.arguments as N[];
      return raw(ctx, `{ ${[...entries(opts), `...${state.refText("parseUrl", like)}(${text(url)})`, single].join(", ")} }`);
    },
  };
}

/**
 * A use of a subclass's instance that is not aioredis API: a member the class declares itself
 * (`this.url`, `bot.aclose()`), or `bot instanceof Bot` (a class of the project, not of the package).
 */
export function subclassOwnUse(state: V2State, fact: SubclassFact, use: Use): boolean {
  if (use.type === "call") return fact.own.includes(use.method);
  if (use.type === "prop") return fact.own.includes(use.name);
  if (use.type !== "escape") return false;
  const p = climbWrappers(use.refPath);
  const parent = p.parent?.node;
  if (parent?.type !== "BinaryExpression" || parent.operator !== "instanceof" || parent.left !== p.node) return false;
  return parent.right.type === "Identifier" && !resolveExport(state.info, p.parent.get("right"));
}

export abstract class SubclassAnalyzer extends RootsAnalyzer {
  /** Classes of this module converted with their sites: the group of each, by class declaration. */
  private readonly subclassGroups = new Map<N, { group: Group; fact: SubclassFact; cls: string | null }>();

  /**
   * `class Queue extends Redis { constructor(conn) { super(conn) } }`: converted with every
   * place that constructs it (see the top of this file), or kept on compat whole: the class,
   * its base and every value given to its constructor (the constructor's parameters are
   * project ids, so a pool made in another module joins the group), with a marker.
   */
  protected subclassRoots(): void {
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
      const shape =
        ref.name !== "Redis"
          ? { reason: "" }
          : cls
            ? subclassShape(this.ctx, c)
            : {
                reason: this.ctx.view
                  ? "it is not a class declared at the top level of its module, whose constructor calls the codemod could all find"
                  : "the codemod was not given the whole project, so it cannot find every place that constructs it",
              };
      if ("reason" in shape) {
        group.block(
          stmt,
          `${name} extends the v1 ${ref.name}${shape.reason ? ` and ${shape.reason}` : ""}: a v2 subclass takes an options object ({ connectionPool }), not a v1 pool or connection, so the class, its constructor calls and the values given to them stay on aioredis/compat. To migrate: extend the v2 class, pass { connectionPool: pool } to super(), and run the codemod again`,
        );
        continue;
      }
      const fact: SubclassFact = { superArg: shape.superArg, own: shape.own };
      this.subclassGroups.set(c.node, { group, fact, cls });
      if (cls) {
        group.addId(`${cls}.new()`);
        this.ctx.report?.facts.push({ id: `${cls}.new()`, fact: { kind: "client", decode: false, encoding: null, subclass: fact } });
      }
      // the connection parameter: its type follows its value (the v2 options)
      const param = shape.param;
      if (param) {
        this.claimed.add(param.node);
        const ann: P | null = param.node.typeAnnotation ? param.get("typeAnnotation", "typeAnnotation") : null;
        if (ann && ann.node.type === "TSTypeReference") {
          const t = resolveExport(info, ann.get("typeName"));
          if (!t || !["RedisConnection", "ConnectionsPool", "AbcConnection"].includes(t.name)) {
            group.block(stmt, `${name}'s constructor parameter ${param.node.name} is typed ${t?.name ?? "with a type of the project"}, not a v1 connection`);
            continue;
          }
          const typeName = ann.node.typeName;
          group.v1Refs.push(typeName, typeName.left ?? typeName);
          group.edit(1, ann.node, "type", `${t.name} is RedisOptions in v2 (a v2 subclass of Redis takes the client's options)`, () => {
            ann.replace(this.state.typeRef("RedisOptions", typeName, null));
          });
        }
      }
      // `this`: the instance, a client on one connection
      const self: Obj = {
        kind: "client",
        group,
        decode: false,
        encoding: null,
        label: "this",
        holder: { type: "this", name: "this", classPath: c, declPath: null },
        origin: null,
        subclass: fact,
      };
      this.analyze(self);
    }
    this.subclassSites();
  }

  /** Every `new C(...)` of a converted subclass in this module, and every other use of the class's name. */
  private subclassSites(): void {
    const view = this.ctx.view;
    const local = new Map<string, { group: Group | null; fact: SubclassFact; cls: string }>();
    for (const [node, s] of this.subclassGroups) if (node.id && s.cls) local.set(node.id.name, { ...s, cls: s.cls });
    // classes of other modules, by the names this module imports them as
    for (const b of nodesOf(this.ctx, "ImportDeclaration").flatMap((p: P) => (p.node.specifiers ?? []) as N[])) {
      const id = view?.local(b.local.name);
      const fact = id ? view?.fact(`${id}.new()`)?.subclass : undefined;
      if (id && fact) local.set(b.local.name, { group: null, fact, cls: id });
    }
    for (const [name, s] of local) {
      for (const p of identifiersNamed(this.ctx, name)) {
        if (!isReferencePath(p) || isDeclarationId(p) || p.parent?.node.type === "ImportSpecifier" || p.parent?.node.type === "ImportDefaultSpecifier")
          continue;
        const decl = resolveBinding(p, name);
        if (!decl || !isModuleLevelDecl(this.ctx, decl)) continue;
        this.subclassUse(p, name, s);
      }
    }
  }

  private subclassUse(p: P, name: string, s: { group: Group | null; fact: SubclassFact; cls: string }): void {
    const parent = p.parent.node;
    const text = codeOf(this.ctx, parent.type === "NewExpression" ? parent : p.node).replace(/\s+/g, " ");
    const where = `${text.length > 60 ? `${text.slice(0, 57)}...` : text} in ${this.ctx.view?.id ?? "this module"}`;
    const siteGroup = (): Group => {
      if (s.group) return s.group;
      const g = this.state.group(`new ${name}`);
      g.anchor = stmtOf(p);
      g.addId(s.cls);
      g.addId(`${s.cls}.new()`);
      return g;
    };
    // `C.open()`: a static method, whose result (an instance, when it returns one) is followed by the project roots
    if (
      parent.type === "MemberExpression" &&
      parent.object === p.node &&
      p.parent.parent?.node.type === "CallExpression" &&
      p.parent.parent.node.callee === parent
    )
      return;
    if (parent.type === "BinaryExpression" && parent.operator === "instanceof") return;
    if (parent.type === "ExportSpecifier" || parent.type?.startsWith("TS")) return;
    if (parent.type === "NewExpression" && parent.callee === p.node) return this.subclassSite(p.parent, name, s.fact, siteGroup(), where);
    siteGroup().block(
      stmtOf(p),
      `${name} (a subclass of the v1 Redis converted with its constructor calls) is ${parent.type === "ClassDeclaration" || parent.type === "ClassExpression" ? "extended" : "used as a value"} (${where}), where the codemod cannot see what its constructor is given; migrate it by hand`,
    );
  }

  /** `new C(..., await createConnection(address), ...)`: the connection becomes the v2 options; the instance is a client. */
  private subclassSite(newPath: P, name: string, fact: SubclassFact, group: Group, where: string): void {
    const stmt = stmtOf(newPath);
    const args = newPath.node.arguments as N[];
    if (args.length <= fact.superArg || args.slice(0, fact.superArg + 1).some((a) => a.type === "SpreadElement"))
      return group.block(stmt, `${where} does not give the constructor its connection`);
    const argPath: P = newPath.get("arguments", fact.superArg);
    const options = siteOptions(this.state, argPath);
    if ("reason" in options) {
      // the factory (if any) stays a root of its own: what it makes joins this group through the constructor's parameter
      group.block(
        stmt,
        `${where}: ${options.reason}. ${name} extends the v1 Redis, and a v2 subclass takes the client's options, not a v1 connection or pool, so the class and its constructor calls stay on aioredis/compat together`,
      );
      return;
    }
    this.claimed.add(unwrapAwait(argPath.node));
    group.v1Refs.push(...options.refs);
    group.edit(
      4,
      argPath.node,
      "subclass",
      `new ${name}(await createConnection(...)) is new ${name}({ ...options, singleConnectionClient: true }) in v2`,
      () => {
        climbWrappers(argPath).replace(options.build());
      },
    );
    const obj: Omit<Obj, "label" | "holder"> = { kind: "client", group, decode: false, encoding: null, origin: newPath, subclass: fact };
    const held = holderOf(this.state, newPath);
    if ("reason" in held) {
      if (held.reason === "is returned to the caller") {
        const fn = returnTarget(climbWrappers(newPath));
        const id = fn ? fnIdOf(this.ctx, fn) : null;
        if (id) {
          this.port({ ...obj, label: `new ${name}()`, holder: NO_HOLDER }, `${id}()`);
          return;
        }
      }
      if (held.reason === "is not kept anywhere") return;
      group.block(stmt, `the ${name} made by ${where} ${held.reason}, so the codemod cannot see all its uses`);
      return;
    }
    const inst: Obj = { ...obj, label: held.holder.name, holder: held.holder };
    this.annotation(inst);
    this.analyze(inst);
  }
}
