/**
 * A function that receives v1 factory options and hands them to v1 factories, an adapter:
 *
 *   private static async connect(address: Address, options: CreateRedisPoolOptions) {
 *     return createRedisPool(address, options);
 *   }
 *
 * The parameter follows its value: it becomes the v2 options type (`PoolOptions`,
 * `ConnectionOptions`), the factories take it as it is, and every caller converts the options
 * it gives into v2 options at the call site (as the factory would convert them: statically for
 * the keys it sees, at run time for a spread or a name). So the adapter, its factories and its
 * callers convert together (one group, joined by the parameter's id); a caller whose options
 * cannot be converted holds them all. Only when the codemod sees every caller (a function of
 * the module that is not exported, or a private method) and every use of the parameter is the
 * options of a v1 factory; otherwise the factory converts the options at run time as before.
 */
import { resolveExport } from "../lib/bindings.js";
import { climbWrappers, isFunction, memberName, type N, type P } from "../lib/ast.js";
import { identifiersNamed, nodesOf } from "../lib/context.js";
import { resolveBinding } from "../lib/scope.js";
import { FACTORIES } from "./names.js";
import { pathOf } from "./objects.js";
import type { V2State } from "./state.js";

const V2_OPTIONS_TYPE: Record<string, string> = {
  CreateRedisPoolOptions: "PoolOptions",
  CreatePoolOptions: "PoolOptions",
  CreateRedisOptions: "ConnectionOptions",
  CreateConnectionOptions: "ConnectionOptions",
};
const POOLED = new Set(["createRedisPool", "createPool"]);

export interface OptionsParam {
  name: string;
  /** The adapter function. */
  fn: P;
  decl: N;
  index: number;
  /** The parameter's annotation (a TSTypeReference path). */
  typeRef: P;
  v2Type: string;
  /** The factory whose conversion rules the callers' options get (the strictest of those the parameter reaches). */
  factory: string;
  /** The calls of the function in this module. */
  calls: P[];
}

/** The adapter parameter `argPath` (a factory's options argument) names, when every use and every caller is in sight. */
export function optionsParamOf(state: V2State, argPath: P): OptionsParam | null {
  const node = argPath?.node;
  if (node?.type !== "Identifier") return null;
  const decl = resolveBinding(argPath, node.name);
  const declPath = decl ? pathOf(state, decl) : null;
  const fn: P | null = declPath?.parent ?? null;
  if (!fn || !isFunction(fn.node)) return null;
  const index = (fn.node.params as N[]).indexOf(decl);
  if (index < 0) return null;
  const typeRef: P = declPath!.get("typeAnnotation", "typeAnnotation");
  if (typeRef?.node?.type !== "TSTypeReference" || typeRef.node.typeParameters) return null;
  const ref = resolveExport(state.info, typeRef.get("typeName"));
  const v2Type = ref ? V2_OPTIONS_TYPE[ref.name] : undefined;
  if (!v2Type) return null;
  // every use: the options of a v1 factory
  const factories = new Set<string>();
  for (const p of identifiersNamed(state.ctx, node.name) as P[]) {
    if (p.node === decl || resolveBinding(p, node.name) !== decl) continue;
    const call = climbWrappers(p).parent;
    const f = call?.node.type === "CallExpression" && call.node.arguments[1] === climbWrappers(p).node ? resolveExport(state.info, call.get("callee")) : null;
    if (!f || !FACTORIES.has(f.name) || f.name === "createSentinel") return null;
    factories.add(f.name);
  }
  const pooled = [...factories].filter((f) => POOLED.has(f));
  if (pooled.length && pooled.length !== factories.size) return null;
  if ((v2Type === "PoolOptions") !== pooled.length > 0) return null;
  const calls = callsOf(state, fn);
  if (!calls) return null;
  const factory = factories.has("createRedisPool") ? "createRedisPool" : factories.has("createRedis") ? "createRedis" : [...factories][0]!;
  return { name: node.name, fn, decl, index, typeRef, v2Type, factory, calls };
}

/** The calls of `fn` when all of them are in this module and nothing else refers to it; null otherwise. */
function callsOf(state: V2State, fn: P): P[] | null {
  const f = fn.node;
  let name = "";
  let isCallee: (callee: P) => boolean;
  if (f.type === "FunctionDeclaration" && f.id) {
    const stmt = fn.parent?.node;
    if (stmt?.type !== "Program") return null; // exported, or nested
    name = f.id.name;
    isCallee = (c) => c.node.type === "Identifier" && resolveBinding(c, f.id.name) === f.id;
  } else if ((f.type === "ClassMethod" || f.type === "ClassPrivateMethod") && (f.accessibility === "private" || f.key?.type === "PrivateName")) {
    if (f.computed || f.kind !== "method") return null;
    name = f.key.type === "PrivateName" ? f.key.id.name : f.key.name;
    const cls: N = fn.parent?.parent?.node;
    const within = (p: P): boolean => (p.node.start ?? 0) >= (cls?.start ?? Infinity) && (p.node.end ?? 0) <= (cls?.end ?? -1);
    isCallee = (c) => {
      const n = c.node;
      if (n.type !== "MemberExpression" || n.computed || !within(c)) return false;
      const prop = n.property.type === "PrivateName" ? n.property.id.name : memberName(n);
      return prop === name && (n.object.type === "ThisExpression" || (f.static && n.object.type === "Identifier" && n.object.name === cls?.id?.name));
    };
  } else return null;
  const calls: P[] = [];
  const refs: P[] =
    f.type === "FunctionDeclaration"
      ? (identifiersNamed(state.ctx, name).filter((p: P) => p.node !== f.id) as P[])
      : (nodesOf(state.ctx, "MemberExpression") as P[]).filter((p) => {
          const n = p.node;
          return !n.computed && (n.property.type === "PrivateName" ? n.property.id.name : memberName(n)) === name;
        });
  const cls: N = fn.parent?.parent?.node;
  for (const r of refs) {
    if (!isCallee(r)) {
      // `aioredis.createRedisPool` in an adapter named `createRedisPool`: the package's function
      if (f.type !== "FunctionDeclaration" && resolveExport(state.info, r)) continue;
      // another reference to the function (or, in its class, a call through another instance): callers out of sight
      if (
        f.type === "FunctionDeclaration"
          ? resolveBinding(r, name) === f.id
          : (r.node.start ?? 0) >= (cls?.start ?? Infinity) && (r.node.end ?? 0) <= (cls?.end ?? -1)
      )
        return null;
      continue;
    }
    const parent = r.parent;
    if (parent?.node.type !== "CallExpression" || parent.node.callee !== r.node) return null;
    calls.push(parent);
  }
  return calls;
}

/**
 * A variable declared with a v1 options type and read once, as a spread in options the codemod
 * converts (`let extra: CreateRedisPoolOptions = {}; ... extra = rest; ... createRedisPool(url,
 * { maxsize: 5, ...extra })`): it follows its value into v2 options. Its type becomes the v2
 * options type, each value given to it (its initializer, every assignment) is converted where
 * it is given, and the spread takes it as it is.
 */
export interface OptionsVar {
  name: string;
  typeRef: P;
  v2Type: string;
  /** The initializer and the right side of every assignment. */
  sources: P[];
}

export function optionsVarOf(state: V2State, node: N): OptionsVar | null {
  if (node?.type !== "Identifier") return null;
  const at = (identifiersNamed(state.ctx, node.name) as P[]).find((p) => p.node === node);
  const decl = at ? resolveBinding(at, node.name) : null;
  const declPath = decl ? pathOf(state, decl) : null;
  const declarator: P | null = declPath?.parent ?? null;
  if (declarator?.node.type !== "VariableDeclarator" || declarator.node.id !== decl) return null;
  const typeRef: P = declPath!.get("typeAnnotation", "typeAnnotation");
  if (typeRef?.node?.type !== "TSTypeReference" || typeRef.node.typeParameters) return null;
  const ref = resolveExport(state.info, typeRef.get("typeName"));
  const v2Type = ref ? V2_OPTIONS_TYPE[ref.name] : undefined;
  if (!v2Type) return null;
  const sources: P[] = declarator.node.init ? [declarator.get("init")] : [];
  let reads = 0;
  for (const p of identifiersNamed(state.ctx, node.name) as P[]) {
    if (p.node === decl || resolveBinding(p, node.name) !== decl) continue;
    const parent = p.parent?.node;
    if (parent?.type === "AssignmentExpression" && parent.left === p.node) {
      if (parent.operator !== "=") return null;
      sources.push(p.parent.get("right"));
      continue;
    }
    if (parent?.type !== "SpreadElement" || p.node !== node) return null;
    reads++;
  }
  return reads === 1 ? { name: node.name, typeRef, v2Type, sources } : null;
}
