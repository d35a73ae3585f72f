/**
 * The v1 factories (`await createRedisPool(address, options)` and friends) and their v2
 * replacement: `fromUrl` for URLs, `new Redis({ host, port })` for `[host, port]`,
 * `ConnectionPool.fromUrl` for `createPool`, `.client()` for single-connection clients.
 * v2 connects lazily, so the `await` goes.
 */
import { v1AddressFunction } from "./v1-address.js";
import type { ExportRef } from "../lib/bindings.js";
import { codeOf, nodesOf, quoteString, raw, type Ctx } from "../lib/context.js";
import { declaredNullable, optionsAsSpread, spreadConversionText } from "./options.js";
import { declaredV1Address, runtimeAddressPool } from "./runtime-address.js";
import { isBoolLit, isLiteral, isNullLit, isObjectExpr, isObjectProp, isStringLit, isUndefinedId, propName, replaceNode, type N, type P } from "../lib/ast.js";
import type { Kind } from "./objects.js";
import { renderObject, type Entry } from "../lib/render.js";
import type { V2State } from "./state.js";
import { resolveBinding } from "../lib/scope.js";
import { jsDocParamType } from "./jsdoc.js";
import { optionsParamOf, optionsVarOf, type OptionsParam } from "./options-param.js";

export interface FactoryPlan {
  kind: Kind;
  decode: boolean;
  encoding: string | null;
  /** Builds the v2 expression that replaces `await createX(...)`. */
  build: () => N;
  /** Things to tell the user even though the call is rewritten. */
  notes: string[];
  description: string;
  /**
   * v1 `maxsize`: callers waited for a free connection. v2's ConnectionPool throws past
   * maxConnections, so the client gets a BlockingConnectionPool (waiting without a time
   * limit, as v1 did), which its close() does not close: the close rewrite disconnects it.
   */
  blockingPool: boolean;
  /** The options are an adapter's parameter that becomes v2 options (options-param.ts). */
  optionsParam?: OptionsParam;
  /** v1 option type names the rewrite replaces (variables that become v2 options). */
  typeNames?: N[];
}

type Address =
  | { type: "url"; node: N; query: Record<string, string> | null; sure: boolean }
  | { type: "tuple"; host: N; port: N }
  | { type: "unix"; node: N }
  | { type: "runtime"; node: N };

const URL_RE = /^(redis|rediss|unix):\/\//;

function analyzeAddress(state: V2State, path: P, depth = 0): Address | { reason: string } {
  const node = path.node;
  if (isStringLit(node)) {
    if (URL_RE.test(node.value)) return { type: "url", node, query: parseQuery(node.value), sure: true };
    return { type: "unix", node };
  }
  if (node.type === "TemplateLiteral") {
    const head = node.quasis[0].value.cooked ?? "";
    const all = node.quasis.map((q: N) => q.value.cooked ?? "").join("");
    if (/[?&](encoding|timeout|ssl)=/.test(all))
      return { reason: "the address URL is built at run time and carries v1 query options (encoding, timeout, ssl)" };
    if (URL_RE.test(head)) return { type: "url", node, query: null, sure: true };
    if (head.length > 0 && !head.includes(":")) return { reason: "the address looks like a unix socket path built at run time" };
    return { type: "url", node, query: null, sure: false };
  }
  if (node.type === "ArrayExpression") {
    if (node.elements.length === 2 && node.elements.every((e: N) => e && e.type !== "SpreadElement")) {
      return { type: "tuple", host: node.elements[0], port: node.elements[1] };
    }
    return { reason: "the address array is not a [host, port] pair" };
  }
  if (
    node.type === "MemberExpression" &&
    node.object.type === "MemberExpression" &&
    node.object.object.type === "Identifier" &&
    node.object.object.name === "process" &&
    node.object.property.name === "env"
  ) {
    return { type: "url", node, query: null, sure: true };
  }
  if (node.type === "TSTypeAssertion" || node.type === "TSAsExpression") {
    // `<string>process.env.URL`: what the cast holds; anything else is converted at run time below
    const inner = analyzeAddress(state, path.get("expression"), depth);
    if ("type" in inner && inner.type === "url") return { ...inner, node };
  }
  if (node.type === "TSNonNullExpression") {
    const inner = analyzeAddress(state, path.get("expression"), depth);
    if ("type" in inner && inner.type === "url") return { ...inner, node };
    return "type" in inner ? { reason: "the address is neither a URL nor a literal [host, port]" } : inner;
  }
  if (node.type === "LogicalExpression" && (node.operator === "??" || node.operator === "||")) {
    const right = analyzeAddress(state, path.get("right"), depth + 1);
    if ("type" in right && right.type === "url" && right.query === null) return { type: "url", node, query: null, sure: right.sure };
    if ("type" in right && right.type === "url") {
      if (Object.keys(right.query ?? {}).some((k) => k in QUERY_RENAMES || k === "encoding" || k === "ssl"))
        return { reason: "the fallback URL carries v1 query options" };
      return { type: "url", node, query: null, sure: true };
    }
    return { reason: "the address is chosen at run time between values that are not all URLs" };
  }
  if (node.type === "BinaryExpression" && node.operator === "+") {
    const left = analyzeAddress(state, path.get("left"), depth + 1);
    if ("type" in left && left.type === "url") return { type: "url", node, query: null, sure: left.sure };
    return { type: "url", node, query: null, sure: false };
  }
  if (node.type === "Identifier" && depth < 3) {
    const init = constInit(state, path);
    if (init) {
      const inner = analyzeAddress(state, init, depth + 1);
      if ("type" in inner && inner.type === "url") return { type: "url", node, query: null, sure: inner.sure && inner.query === null };
      if ("type" in inner && inner.type === "unix") return { type: "unix", node };
      if ("type" in inner) return { reason: `the address ${node.name} is a [host, port] pair; write { host, port } for v2` };
      return inner;
    }
    if (declaredV1Address(state, path)) return { type: "runtime", node };
    const annotated = typeAnnotationOf(state, path);
    if (annotated === "string") return { type: "url", node, query: null, sure: true };
  }
  return { type: "url", node, query: null, sure: false };
}

/** The initializer of a `const` the identifier refers to. */
function constInit(state: V2State, path: P): P | null {
  const decl = resolveBinding(path, path.node.name);
  if (!decl) return null;
  const declarator = nodesOf(state.ctx, "VariableDeclarator").find((p: P) => p.node.id === decl && p.parent.node.kind === "const" && p.node.init);
  return declarator ? declarator.get("init") : null;
}

function typeAnnotationOf(_state: V2State, path: P): string | null {
  const decl = resolveBinding(path, path.node.name);
  if (decl?.typeAnnotation?.typeAnnotation?.type === "TSStringKeyword") return "string";
  // a JavaScript parameter typed `@param {string} name` (checked as the annotation would be)
  return decl && !decl.typeAnnotation && jsDocParamType(path, decl) === "string" ? "string" : null;
}

const QUERY_RENAMES: Record<string, string> = { timeout: "socket_connect_timeout" };

function parseQuery(url: string): Record<string, string> | null {
  const q = url.indexOf("?");
  if (q === -1) return null;
  const out: Record<string, string> = {};
  for (const part of url.slice(q + 1).split("&")) {
    if (!part) continue;
    const eq = part.indexOf("=");
    out[decodeURIComponent(eq === -1 ? part : part.slice(0, eq))] = eq === -1 ? "" : decodeURIComponent(part.slice(eq + 1));
  }
  return out;
}

/** A v1 URL literal in v2 terms: `?timeout=` renamed, `?ssl=true` as `rediss://`, `?encoding=` decoding. */
function rewriteUrl(url: string): { url: string; decode: boolean; encoding: string | null } | { reason: string } {
  const q = url.indexOf("?");
  if (q === -1) return { url, decode: false, encoding: null };
  let base = url.slice(0, q);
  const params: string[] = [];
  let decode = false;
  let encoding: string | null = null;
  for (const part of url.slice(q + 1).split("&")) {
    if (!part) continue;
    const eq = part.indexOf("=");
    const key = eq === -1 ? part : part.slice(0, eq);
    const value = eq === -1 ? "" : part.slice(eq + 1);
    if (key === "ssl") {
      if (value === "true") {
        if (base.startsWith("redis://")) base = `rediss://${base.slice("redis://".length)}`;
      } else if (value !== "false") return { reason: `the URL option ssl=${value} is not true or false` };
      continue;
    }
    if (key === "encoding") {
      decode = true;
      encoding = decodeURIComponent(value);
      params.push(part, "decode_responses=true");
      continue;
    }
    if (key in QUERY_RENAMES) {
      params.push(`${QUERY_RENAMES[key]}=${value}`);
      continue;
    }
    if (key === "db" || key === "password" || key === "decode_responses") {
      params.push(part);
      continue;
    }
    return { reason: `the URL option ${key} is not a v1 option the codemod knows` };
  }
  return { url: params.length ? `${base}?${params.join("&")}` : base, decode, encoding };
}

const OPTION_RULES: Record<string, (factory: string) => string | null | "drop" | "block"> = {
  db: () => "db",
  password: () => "password",
  encoding: () => "encoding",
  ssl: () => "ssl",
  timeout: (f) => (f === "createSentinel" ? "block" : "socketConnectTimeout"),
  createConnectionTimeout: (f) => (f === "createPool" ? "socketConnectTimeout" : "block"),
  minsize: (f) => (f === "createRedisPool" || f === "createPool" || f === "createSentinel" ? "drop" : "block"),
  maxsize: (f) => (f === "createRedisPool" || f === "createPool" || f === "createSentinel" ? "maxConnections" : "block"),
  name: () => "clientName",
  loop: () => "drop",
};

/** v1 options where null (Python's None) meant "not given": a value that may be null becomes `?? undefined`. */
const NULL_MEANS_UNSET = new Set(["db", "password", "name"]);

const UNSUPPORTED_OPTIONS: Record<string, string> = {
  parser: "v2 has no pluggable reply parser; remove the parser option",
  connectionCls: "v2 has no connection class option; remove connectionCls or subclass Redis",
  poolCls: "v2 takes a pool object instead: build a ConnectionPool and pass { connectionPool }",
  commandsFactory: "v2 has no commandsFactory; subclass Redis instead",
};

/** Rewrites that go with a conversion (the variables it takes as v2 options), and the v1 type names they replace. */
export interface VarEdits {
  run: (() => void)[];
  typeNames: N[];
}

function convertOptions(
  _ctx: Ctx,
  factory: string,
  opts: N | undefined,
  state?: V2State,
  vars?: VarEdits,
  /** Options that go into other options (a variable's value): no pool defaults of their own. */
  bare = false,
): { entries: Entry[]; decode: boolean; encoding: string | null; notes: string[]; maxsize: boolean } | { reason: string } {
  const entries: Entry[] = [];
  const notes: string[] = [];
  let maxsize = false;
  let decode = false;
  let encoding: string | null = null;
  if (!opts) return { entries, decode, encoding, notes, maxsize };
  if (!isObjectExpr(opts)) opts = optionsAsSpread(opts) ?? opts;
  if (!isObjectExpr(opts)) return { reason: "its options are not an object literal, so the codemod cannot rename them (timeout, maxsize, encoding...)" };
  const props: N[] = opts.properties;
  const staticNames = props.map((p) => (isObjectProp(p) ? propName(p) : null));
  const pooled = factory === "createRedisPool" || factory === "createPool";
  for (const [at, prop] of props.entries()) {
    if (prop.type === "SpreadElement") {
      // a variable of v1 options read only here: v2 options from where it is given (options-param.ts)
      if (state && vars && optionsVar(state, factory, prop.argument, vars)) {
        entries.push({ key: "", spread: true, text: codeOf(_ctx, prop.argument) });
        if (pooled && !bare && !staticNames.includes("maxsize") && !maxsize) {
          maxsize = true;
          entries.unshift({ key: "maxConnections", text: "10" });
        }
        continue;
      }
      // keys known only at run time: converted at the call site (options.ts)
      const renames = new Map<string, string>();
      const refused = Object.keys(UNSUPPORTED_OPTIONS);
      for (const [k, rule] of Object.entries(OPTION_RULES)) {
        const to = rule(factory);
        if (to === "drop") renames.set(k, "");
        else if (to === "block" || to === null || k === "encoding") refused.push(k);
        else renames.set(k, to);
      }
      const overridden = staticNames.slice(at + 1).filter((n): n is string => n !== null);
      entries.push({ key: "", spread: true, text: spreadConversionText(_ctx, factory, codeOf(_ctx, prop.argument), { renames, refused, overridden }) });
      // v1 pools wait for a free connection, 10 at most unless maxsize says otherwise: a spread may carry maxsize
      if (pooled && !bare && !staticNames.includes("maxsize") && !maxsize) {
        maxsize = true;
        entries.unshift({ key: "maxConnections", text: "10" });
      }
      continue;
    }
    if (!isObjectProp(prop)) return { reason: "its options object has a method; rename the v1 options by hand (see MIGRATION.md)" };
    const name = propName(prop);
    if (name === null) return { reason: "its options object has a computed key" };
    if (name in UNSUPPORTED_OPTIONS) return { reason: UNSUPPORTED_OPTIONS[name]! };
    const rule = OPTION_RULES[name];
    const to = rule ? rule(factory) : "block";
    if (to === "block" || to === null) return { reason: `the option ${name} has no v2 equivalent the codemod can write` };
    if (to === "drop") continue; // minsize: v2 pools fill lazily; loop: ignored since 1.3
    const value = prop.value;
    if (name === "encoding") {
      if (isNullLit(value) || isUndefinedId(value)) continue;
      if (!isStringLit(value)) return { reason: "its encoding option is not a string literal, so whether replies are decoded is unknown" };
      decode = true;
      encoding = value.value;
      entries.push({ key: "encoding", prop });
      entries.push({ key: "decodeResponses", text: "true" });
      continue;
    }
    if (name === "ssl" && !isBoolLit(value))
      return { reason: "its ssl option is an SSL context; v2 takes ssl: true with sslCaCerts / sslCertfile / sslKeyfile" };
    if (name === "maxsize" && factory !== "createSentinel") maxsize = true;
    if (NULL_MEANS_UNSET.has(name) && (isNullLit(value) || isUndefinedId(value))) continue;
    // v1 took null for "not given"; v2's options take undefined (and maxConnections a number or nothing)
    if (to === "maxConnections" && isNullLit(value)) continue;
    if ((NULL_MEANS_UNSET.has(name) && !isLiteral(value)) || (to === "maxConnections" && declaredNullable(_ctx, value))) {
      const t = codeOf(_ctx, value);
      const operand = ["Identifier", "MemberExpression", "CallExpression", "OptionalMemberExpression", "OptionalCallExpression"].includes(value.type)
        ? t
        : `(${t})`;
      entries.push({ key: to, text: `${operand} ?? undefined` });
      continue;
    }
    entries.push({ key: to, prop });
  }
  if (maxsize && !bare) entries.push({ key: "timeout", text: "null" });
  return { entries, decode, encoding, notes, maxsize };
}

/** `new Redis({ connectionPool: <pool> })`, on one line when the pool's text is one line. */
function clientOnPool(state: V2State, like: { ref: ExportRef; node: N }, pool: N): N {
  const ctx = state.ctx;
  const j = ctx.j;
  const poolText = ctx.j(pool).toSource({ quote: ctx.quote === "'" ? "single" : "double" });
  const redis = state.refText("Redis", like);
  if (!poolText.includes("\n")) return raw(ctx, `new ${redis}({ connectionPool: ${poolText} })`);
  return j.newExpression(state.ref("Redis", like), [raw(ctx, `{ connectionPool: ${poolText} }`)]);
}

export function planFactory(state: V2State, callPath: P, ref: ExportRef): FactoryPlan | { reason: string } {
  const vars: VarEdits = { run: [], typeNames: [] };
  const plan = planFactoryCall(state, callPath, ref, vars);
  if ("reason" in plan || plan.kind === "sentinel") return plan;
  const param = callPath.node.arguments[1] ? optionsParamOf(state, callPath.get("arguments", 1)) : null;
  const build = plan.build;
  const out: FactoryPlan = vars.run.length
    ? {
        ...plan,
        typeNames: vars.typeNames,
        build: () => {
          const node = build();
          for (const r of vars.run) r();
          return node;
        },
      }
    : plan;
  return param ? { ...out, optionsParam: param } : out;
}

/** v2 options an adapter's parameter carries (options-param.ts): given as they are (a pool still waits for a free connection, 10 unless they say otherwise). */
function passThrough(factory: string, name: string): { entries: Entry[]; decode: boolean; encoding: string | null; notes: string[]; maxsize: boolean } {
  const pooled = factory === "createRedisPool" || factory === "createPool";
  const spread: Entry = { key: "", spread: true, text: name };
  return pooled
    ? { entries: [{ key: "maxConnections", text: "10" }, spread, { key: "timeout", text: "null" }], decode: false, encoding: null, notes: [], maxsize: true }
    : { entries: [spread], decode: false, encoding: null, notes: [], maxsize: false };
}

/** Plans the conversion of a v1 options variable (options-param.ts) into `vars`; false when it cannot be converted. */
function optionsVar(state: V2State, factory: string, node: N, vars: VarEdits): boolean {
  const v = optionsVarOf(state, node);
  if (!v) return false;
  const run: (() => void)[] = [];
  const typeNames: N[] = [];
  for (const src of v.sources) {
    const conv = convertOptions(state.ctx, factory, src.node, state, { run, typeNames }, true);
    if ("reason" in conv || conv.decode) return false;
    run.push(() => {
      replaceNode(src, renderObject(state.ctx, src.node, [], conv.entries) ?? raw(state.ctx, "{}"));
    });
  }
  const typeName = v.typeRef.node.typeName;
  vars.typeNames.push(...typeNames, typeName, typeName.left ?? typeName);
  vars.run.push(...run, () => replaceNode(v.typeRef, state.typeRef(v.v2Type, typeName, null)));
  return true;
}

/** The callers of an adapter (options-param.ts): each one's options converted into v2 options where it calls. */
export function adapterCallers(state: V2State, param: OptionsParam): { call: P; build: () => void; typeNames: N[] }[] | { reason: string; call: P } {
  const out: { call: P; build: () => void; typeNames: N[] }[] = [];
  for (const call of param.calls) {
    const args: N[] = call.node.arguments;
    if (args.some((a) => a.type === "SpreadElement")) return { reason: "its arguments are spread", call };
    const arg = args[param.index];
    if (!arg || isUndefinedId(arg)) continue;
    const vars: VarEdits = { run: [], typeNames: [] };
    const conv = convertOptions(state.ctx, param.factory, arg, state, vars);
    if ("reason" in conv) return { reason: conv.reason, call };
    if (conv.decode) return { reason: "the options set an encoding, and the adapter's clients are written for Buffer replies", call };
    out.push({
      call,
      typeNames: vars.typeNames,
      build: () => {
        call.node.arguments[param.index] = renderObject(state.ctx, arg, [], conv.entries) ?? raw(state.ctx, "{}");
        for (const r of vars.run) r();
      },
    });
  }
  return out;
}

function planFactoryCall(state: V2State, callPath: P, ref: ExportRef, vars: VarEdits): FactoryPlan | { reason: string } {
  const ctx = state.ctx;
  const j = ctx.j;
  const call = callPath.node;
  const factory = ref.name;
  const args: N[] = call.arguments;
  const like = { ref, node: call.callee };
  if (args.some((a) => a.type === "SpreadElement")) return { reason: "its arguments are spread" };
  if (args.length === 0) return { reason: "it has no address" };
  if (args.length > 2) return { reason: "it has more than two arguments" };
  const optionsParam = args[1] ? optionsParamOf(state, callPath.get("arguments", 1)) : null;
  const options = optionsParam ? passThrough(factory, optionsParam.name) : convertOptions(ctx, factory, args[1], state, vars);
  if ("reason" in options) return options;
  const notes = [...options.notes];
  let { decode, encoding } = options;

  if (factory === "createSentinel") {
    const list = args[0];
    if (list.type !== "ArrayExpression" || !list.elements.every((e: N) => e?.type === "ArrayExpression" && e.elements.length === 2)) {
      return { reason: "v2's Sentinel takes [host, port] pairs only; write the sentinel addresses as pairs" };
    }
    return {
      kind: "sentinel",
      decode,
      encoding,
      notes,
      blockingPool: false,
      description: "createSentinel() is new Sentinel() in v2",
      build: () => {
        const opts = renderObject(ctx, args[1], [], options.entries);
        return j.newExpression(state.ref("Sentinel", like), opts ? [list, opts] : [list]);
      },
    };
  }

  const address = analyzeAddress(state, callPath.get("arguments", 0));
  if ("reason" in address) return address;
  const single = factory === "createRedis" || factory === "createConnection";
  const kind: Kind = factory === "createPool" ? "pool" : factory === "createConnection" ? "connection" : "client";
  const withClient = (expr: N): N => (single ? j.callExpression(j.memberExpression(expr, j.identifier("client")), []) : expr);

  if (address.type === "runtime") {
    // a v1 Address known only at run time: the pool's form is chosen at run time (runtime-address.ts)
    if (single) return { reason: "its address is a v1 Address known only at run time; v2 takes a URL (fromUrl) or { host, port }" };
    const poolCls = options.maxsize ? "BlockingConnectionPool" : "ConnectionPool";
    return {
      kind,
      decode,
      encoding,
      notes,
      blockingPool: factory === "createRedisPool",
      description: `${factory}(address) with a v1 Address known at run time is a v2 ${poolCls} made from a URL, [host, port] or socket path, chosen at run time`,
      build: () => {
        const opts = renderObject(ctx, args[1], [], options.entries);
        const text = runtimeAddressPool(ctx, state.refText(poolCls, like), codeOf(ctx, address.node), opts ? codeOf(ctx, opts) : "{}");
        return factory === "createPool" ? raw(ctx, text) : clientOnPool(state, like, raw(ctx, text));
      },
    };
  }

  if (address.type === "url") {
    let urlNode: N = address.node;
    if (isStringLit(address.node) && address.query) {
      const rewritten = rewriteUrl(address.node.value);
      if ("reason" in rewritten) return rewritten;
      if (rewritten.decode) {
        if (decode && rewritten.encoding !== encoding) return { reason: "the URL and the options give different encodings" };
        decode = true;
        encoding = rewritten.encoding;
      }
      if (rewritten.url !== address.node.value) urlNode = raw(ctx, quoteString(ctx, rewritten.url));
    }
    // an address known only at run time may be any v1 address: converted to a v2 URL then (v1-address.ts)
    const convert = !address.sure;
    const blocking = options.maxsize;
    // v2's fromUrl() types a URL it cannot read as `string | Buffer` replies (the URL may say
    // decode_responses); a v1 URL never does, so the replies are Buffers: say so in the options
    // (the URL still wins at runtime), and the type follows the value
    const urlTyped = factory !== "createPool" && !blocking && !decode && (convert || !isLiteralText(urlNode));
    const entries = urlTyped ? [...options.entries, { key: "decodeResponses", text: "false" }] : options.entries;
    const poolCls = blocking ? "BlockingConnectionPool" : "ConnectionPool";
    const target =
      factory === "createPool" ? `${poolCls}.fromUrl` : blocking ? "new Redis({ connectionPool: BlockingConnectionPool.fromUrl(url) })" : "fromUrl";
    return {
      kind,
      decode,
      encoding,
      notes,
      blockingPool: blocking && factory === "createRedisPool",
      description: `${factory}(url) is ${target}${single ? ".client()" : ""} in v2 (lazy: no await)${blocking ? "; maxsize: callers wait for a free connection, as in v1" : ""}`,
      build: () => {
        // the call itself is kept (and edited in place), so its layout stays as it was
        const opts = renderObject(ctx, args[1], [], entries);
        if (convert) urlNode = j.callExpression(j.identifier(v1AddressFunction(ctx)), [urlNode]);
        if (factory === "createPool" || blocking) {
          call.callee = j.memberExpression(state.ref(poolCls, like), j.identifier("fromUrl"));
        } else {
          call.callee = state.ref("fromUrl", like);
        }
        call.arguments = opts ? [urlNode, opts] : [urlNode];
        if (blocking && factory !== "createPool") return withClient(clientOnPool(state, like, call));
        return withClient(call);
      },
    };
  }

  const lead: Entry[] =
    address.type === "tuple"
      ? [
          { key: "host", value: address.host },
          { key: "port", value: address.port },
        ]
      : [{ key: "unixSocketPath", value: address.node }];
  const blocking = options.maxsize;
  const cls = factory === "createPool" ? (blocking ? "BlockingConnectionPool" : "ConnectionPool") : "Redis";
  return {
    kind,
    decode,
    encoding,
    notes,
    blockingPool: blocking && factory === "createRedisPool",
    description: `${factory}(${address.type === "tuple" ? "[host, port]" : "socketPath"}) is new ${cls}({ ... })${single ? ".client()" : ""} in v2`,
    build: () => {
      const opts = renderObject(ctx, args[1], lead, options.entries)!;
      if (blocking && factory !== "createPool") {
        return withClient(clientOnPool(state, like, j.newExpression(state.ref("BlockingConnectionPool", like), [opts])));
      }
      return withClient(j.newExpression(state.ref(cls, like), [opts]));
    },
  };
}

/** A URL whose text TypeScript sees as a literal type (a string, or a template without holes). */
function isLiteralText(node: N): boolean {
  if (node.__raw) return true; // a rewritten literal URL
  return isStringLit(node) || (node.type === "TemplateLiteral" && node.expressions.length === 0);
}
