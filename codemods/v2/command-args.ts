/**
 * The pieces the command table of codemods/v2/commands.ts is made of: the context of one
 * call, the helpers that read and write its arguments (keyword objects, per-call encodings,
 * score bounds), and the handler builders shared by several commands.
 */
import {
  climbWrappers,
  isBoolLit,
  isNullLit,
  isNumberLit,
  isObjectExpr,
  isPlainObject,
  isStringLit,
  isUndefinedId,
  memberName,
  propName,
  replaceNode,
  type N,
  type P,
} from "../lib/ast.js";
import { codeOf, quoteString, raw, type Ctx } from "../lib/context.js";
import { objectText, renderObject, type Entry } from "../lib/render.js";
import { CONSTANTS } from "./names.js";
import { ARRAY_BULK, DECODABLE_REPLY, isStableValue, pipelineDecodeOf, SINGLE_BULK } from "./decode-reply.js";
import type { Obj } from "./objects.js";
import type { V2State } from "./state.js";
import { awaitedReply, flattenReply, streamsMappingText } from "./streams.js";
import type { CallUse } from "./objects.js";

export interface CmdCtx {
  state: V2State;
  ctx: Ctx;
  obj: Obj;
  use: CallUse;
  call: N;
  args: N[];
  inPipeline: boolean;
  /** Constant member expressions (`redis.SET_IF_NOT_EXIST`) this rewrite consumed. */
  consumed: Set<N>;
}

export type CmdResult = { rewrite?: () => void; notes?: string[]; description?: string } | { reason: string } | null;

// ---------------------------------------------------------------- helpers

export function lastObject(args: N[], min: number): N | null {
  const last = args[args.length - 1];
  return args.length > min && isObjectExpr(last) ? last : null;
}

export function kwEntries(kw: N | null): Map<string, N> | { reason: string } {
  const out = new Map<string, N>();
  if (!kw) return out;
  if (!isPlainObject(kw)) return { reason: "its keyword object has a spread or a computed key" };
  for (const prop of kw.properties) out.set(propName(prop)!, prop);
  return out;
}

export function constantOf(cx: CmdCtx, node: N): string | null {
  const name = memberName(node);
  if (name && name in CONSTANTS) {
    cx.consumed.add(node);
    return CONSTANTS[name]!;
  }
  return null;
}

export function text(cx: CmdCtx, node: N): string {
  return codeOf(cx.ctx, node);
}

export function str(cx: CmdCtx, value: string): string {
  return quoteString(cx.ctx, value);
}

/** Replaces the call's method name and argument list. */
export function setCall(cx: CmdCtx, method: string | null, args: N[]): void {
  if (method) cx.use.memberPath.node.property = cx.ctx.j.identifier(method);
  cx.call.arguments = args;
}

/** How the program uses a call's result: thrown away, only tested for truth, or used. */
export function resultUsage(callPath: P): "discarded" | "boolean" | "used" {
  let p = climbWrappers(callPath);
  if (p.parent?.node.type === "AwaitExpression") p = climbWrappers(p.parent);
  const parent = p.parent?.node;
  if (!parent) return "used";
  if (parent.type === "ExpressionStatement") return "discarded";
  if (["IfStatement", "WhileStatement", "DoWhileStatement", "ConditionalExpression"].includes(parent.type) && parent.test === p.node) return "boolean";
  if (parent.type === "UnaryExpression" && parent.operator === "!") return "boolean";
  if (parent.type === "CallExpression" && parent.callee.type === "Identifier" && parent.callee.name === "Boolean") return "boolean";
  if (parent.type === "LogicalExpression" && (parent.operator === "&&" || parent.operator === "||")) {
    const outer = resultUsage(p.parent);
    return outer === "used" && parent.right === p.node ? "used" : outer === "discarded" ? "boolean" : outer;
  }
  return "used";
}

export function isAwaited(callPath: P): P | null {
  const p = climbWrappers(callPath);
  return p.parent?.node.type === "AwaitExpression" ? p.parent : null;
}

export const SAME_ENCODING = (a: string, b: string) => a.toLowerCase().replace(/[-_]/g, "") === b.toLowerCase().replace(/[-_]/g, "");

/**
 * The per-call `encoding` option: dropped when the client already decodes that way, turned
 * into an explicit decode of a single Buffer reply, or a reason it cannot be kept.
 */
export function planEncoding(cx: CmdCtx, method: string, kw: Map<string, N>): { reason: string } | { decodeTo: string | null; decodeWith?: N } | null {
  const prop = kw.get("encoding");
  if (!prop) return null;
  kw.delete("encoding");
  const value = prop.value;
  const { decode, encoding } = cx.obj;
  const isNull = isNullLit(value) || isUndefinedId(value);
  // the pipeline decodes execute()'s replies with this encoding (decode-reply.ts)
  if (cx.inPipeline && pipelineDecodeOf(cx.obj) && isStableValue(cx.ctx, value)) return { decodeTo: null };
  // any encoding, on a client that does not decode: the reply goes through a decoding function
  const byFunction = decode === false && DECODABLE_REPLY.has(method) && isAwaited(cx.use.callPath) && !cx.inPipeline && isStableValue(cx.ctx, value);
  if (!isNull && !isStringLit(value)) {
    if (byFunction) return { decodeTo: null, decodeWith: value };
    return { reason: "its per-call encoding is not a literal; v2 has no per-call encoding: decode the Buffer yourself or use a client with decodeResponses" };
  }
  if (decode === null)
    return { reason: "per-call encoding on a client the codemod cannot see the options of; v2 decodes per client (decodeResponses), not per call" };
  if (decode) {
    if (isNull)
      return {
        reason: "encoding: null on a decoding client asked for a Buffer; v2 has no per-call switch: use a second client without decodeResponses for this call",
      };
    if (SAME_ENCODING(value.value, encoding ?? "utf-8")) return { decodeTo: null };
    return { reason: `encoding ${value.value} differs from the client's; use a client with that encoding` };
  }
  if (isNull) return { decodeTo: null };
  if ((SINGLE_BULK.has(method) || ARRAY_BULK.has(method)) && isAwaited(cx.use.callPath) && !cx.inPipeline) return { decodeTo: value.value };
  if (byFunction) return { decodeTo: null, decodeWith: value };
  return {
    reason: `per-call encoding on a client without decodeResponses; v2 has none: create the client with { encoding: "${value.value}", decodeResponses: true }, or decode the Buffers of this reply yourself`,
  };
}

/**
 * hmset / hmsetDict resolved `true` in v1 (or threw); v2's hset resolves the number of new
 * fields (0 when every field existed). Where the result is used or tested (not in a
 * pipeline), `.then(() => true)` keeps v1's value.
 */
export function resolvesTrueAsInV1(cx: CmdCtx): boolean {
  return resultUsage(cx.use.callPath) !== "discarded" && !cx.inPipeline;
}

export function thenTrue(cx: CmdCtx): void {
  const j = cx.ctx.j;
  const callPath = climbWrappers(cx.use.callPath);
  replaceNode(callPath, j.callExpression(j.memberExpression(callPath.node, j.identifier("then")), [raw(cx.ctx, "() => true")]));
}

/** `await call` -> `(await call)?.toString(enc) ?? null` (an array reply: each element, by map). */
export function wrapDecode(cx: CmdCtx, enc: string): void {
  const j = cx.ctx.j;
  const awaitPath = isAwaited(cx.use.callPath)!;
  const awaitNode = awaitPath.node;
  const nullable = ARRAY_BULK.get(cx.use.method);
  if (nullable !== undefined) {
    const taken = new Set<string>();
    cx.ctx
      .j(awaitNode)
      .find(cx.ctx.j.Identifier)
      .forEach((p: P) => {
        taken.add(p.node.name);
      });
    const v = taken.has("v") ? "value" : "v";
    const each = nullable ? `${v}?.toString(${quoteString(cx.ctx, enc)}) ?? null` : `${v}.toString(${quoteString(cx.ctx, enc)})`;
    replaceNode(awaitPath, j.callExpression(j.memberExpression(awaitNode, j.identifier("map")), [raw(cx.ctx, `(${v}) => ${each}`)]));
    return;
  }
  const decoded = j.logicalExpression(
    "??",
    j.optionalCallExpression(j.optionalMemberExpression(awaitNode, j.identifier("toString"), false, true), [j.stringLiteral(enc)], false),
    j.nullLiteral(),
  );
  replaceNode(awaitPath, decoded);
}

/** Rewrites the trailing keyword object: renamed keys, dropped keys, added entries. */
export function kwOut(cx: CmdCtx, kwNode: N | null, entries: Entry[]): N | null {
  if (!entries.length) return null;
  return renderObject(cx.ctx, kwNode ?? undefined, [], entries);
}

export function renamedKw(kw: Map<string, N>, renames: Record<string, string>, allowed: string[]): Entry[] | { reason: string } {
  const out: Entry[] = [];
  for (const [name, prop] of kw) {
    if (name in renames) out.push({ key: renames[name]!, prop });
    else if (allowed.includes(name)) out.push({ key: name, prop });
    else return { reason: `the option ${name} is not one the codemod knows for this command` };
  }
  return out;
}

/** A mapping key from a node: literal keys as keys, other expressions as computed keys. */
export function mappingEntry(cx: CmdCtx, keyNode: N, valueNode: N): Entry | null {
  if (keyNode.type === "SpreadElement" || valueNode?.type === "SpreadElement") return null;
  if (isStringLit(keyNode)) return { key: keyNode.value, value: valueNode };
  if (isNumberLit(keyNode)) return { key: String(keyNode.value), value: valueNode };
  return { key: text(cx, keyNode), value: valueNode, computed: true };
}

export function boundText(cx: CmdCtx, node: N | undefined, exclusive: boolean, fallback: string): string {
  if (!node) return str(cx, fallback);
  if (node.type === "Identifier" && node.name === "Infinity") return str(cx, "+inf");
  if (node.type === "UnaryExpression" && node.operator === "-" && node.argument.type === "Identifier" && node.argument.name === "Infinity")
    return str(cx, "-inf");
  if (!exclusive) return text(cx, node);
  if (isNumberLit(node)) return str(cx, `(${node.value}`);
  if (node.type === "UnaryExpression" && node.operator === "-" && isNumberLit(node.argument)) return str(cx, `(-${node.argument.value}`);
  if (isStringLit(node)) return str(cx, `(${node.value}`);
  return `\`(\${${text(cx, node)}}\``;
}

export type Handler = (cx: CmdCtx, kw: Map<string, N>, positional: N[], kwNode: N | null) => CmdResult;

export function keywordsToPositional(names: string[]): Handler {
  return (cx, kw, positional, kwNode) => {
    if (!kwNode) return null;
    if (kw.size === 0) return { rewrite: () => setCall(cx, null, positional) };
    const args: N[] = [...positional];
    for (const name of names.slice(positional.length)) {
      const prop = kw.get(name);
      if (!prop) break;
      args.push(prop.value);
      kw.delete(name);
    }
    if (kw.size) return { reason: `${cx.use.method}() keyword ${[...kw.keys()].join(", ")} is not one the codemod can place (v1 order: ${names.join(", ")})` };
    return { description: `${cx.use.method}()'s keyword arguments are positional in v2 (${names.join(", ")})`, rewrite: () => setCall(cx, null, args) };
  };
}

export function renameKw(renames: Record<string, string>): Handler {
  return (cx, kw, positional, kwNode) => {
    if (![...kw.keys()].some((k) => k in renames)) return kwNode && kw.size === 0 ? { rewrite: () => setCall(cx, null, positional) } : null;
    const entries = renamedKw(kw, renames, []);
    if ("reason" in entries) return entries;
    return {
      description: `option ${Object.keys(renames).join("/")} is ${Object.values(renames).join("/")} in v2`,
      rewrite: () => {
        const out = kwOut(cx, kwNode, entries);
        setCall(cx, null, out ? [...positional, out] : positional);
      },
    };
  };
}

export function pairsToMapping(method: string): Handler {
  return (cx) => {
    const args = cx.args;
    if (args.length === 1 && isObjectExpr(args[0])) return null;
    if (args.some((a) => a.type === "SpreadElement"))
      return { reason: `${method}() with spread arguments; v2 takes one object of key/value pairs: ${method}(Object.fromEntries(...))` };
    if (args.length === 0 || args.length % 2 !== 0) return { reason: `${method}() without key/value pairs` };
    const entries: Entry[] = [];
    for (let i = 0; i < args.length; i += 2) {
      const e = mappingEntry(cx, args[i], args[i + 1]);
      if (!e) return { reason: `${method}() with spread arguments` };
      entries.push(e);
    }
    return {
      description: `${method}(k1, v1, ...) is ${method}({ k1: v1, ... }) in v2`,
      rewrite: () => setCall(cx, null, [raw(cx.ctx, objectText(cx.ctx, entries))]),
    };
  };
}

export function zrangeLike(cx: CmdCtx, kw: Map<string, N>, positional: N[], kwNode: N | null): CmdResult {
  const [key, start, stop, withscores] = positional;
  if (!key || positional.length > 4) return { reason: "zrange() arguments are not (key, start, stop, withscores)" };
  for (const name of kw.keys()) if (name !== "withscores") return { reason: `zrange() option ${name} is not v1 API the codemod knows` };
  const needsDefaults = !start || !stop;
  if (!withscores && !needsDefaults && !(kwNode && kw.size === 0)) return null;
  const args = [key, start ?? raw(cx.ctx, "0"), stop ?? raw(cx.ctx, "-1")];
  const entries: Entry[] = [];
  if (withscores) entries.push({ key: "withscores", value: withscores });
  else if (kw.get("withscores")) entries.push({ key: "withscores", prop: kw.get("withscores") });
  return {
    description: "zrange's 4th argument is desc in v2: withscores goes in the options",
    rewrite: () => {
      const out = kwOut(cx, withscores ? null : kwNode, entries);
      setCall(cx, null, out ? [...args, out] : args);
    },
  };
}

export function scoreRange(method: string, reversed: boolean): Handler {
  return (cx, kw, positional) => {
    const names = reversed ? ["key", "max", "min"] : ["key", "min", "max", "withscores", "offset", "count"];
    const given: Record<string, N | undefined> = {};
    positional.forEach((a, i) => (given[names[i] ?? `#${i}`] = a));
    if (positional.length > names.length) return { reason: `${method}() has more positional arguments than v1 took` };
    let exclude: string | null = null;
    for (const [name, prop] of kw) {
      if (name === "exclude") {
        if (isNullLit(prop.value)) continue;
        exclude = constantOf(cx, prop.value);
        if (!exclude || !["min", "max", "both"].includes(exclude)) return { reason: `${method}()'s exclude is not a ZSET_EXCLUDE_* constant` };
      } else if (["min", "max", "withscores", "offset", "count"].includes(name)) given[name] = prop.value;
      else return { reason: `${method}() option ${name} is not v1 API the codemod knows` };
    }
    const min = boundText(cx, given.min, exclude === "min" || exclude === "both", "-inf");
    const max = boundText(cx, given.max, exclude === "max" || exclude === "both", "+inf");
    const entries: Entry[] = [];
    if (given.offset) entries.push({ key: "start", value: given.offset });
    if (given.count) entries.push({ key: "num", value: given.count });
    if (given.withscores && !isBoolLit(given.withscores, false)) entries.push({ key: "withscores", value: given.withscores });
    if ((given.offset === undefined) !== (given.count === undefined)) return { reason: `${method}() needs offset and count together` };
    return {
      description: `${method}'s exclude/offset/count are bound prefixes and start/num options in v2`,
      rewrite: () => {
        const out = entries.length ? raw(cx.ctx, objectText(cx.ctx, entries)) : null;
        const bounds = reversed ? [raw(cx.ctx, max), raw(cx.ctx, min)] : [raw(cx.ctx, min), raw(cx.ctx, max)];
        setCall(cx, null, out ? [positional[0], ...bounds, out] : [positional[0], ...bounds]);
      },
    };
  };
}

export function scoreBounds(cx: CmdCtx, kw: Map<string, N>, positional: N[]): CmdResult {
  const [key, minNode, maxNode] = positional;
  if (!key || positional.length > 3) return { reason: "score range arguments are not (key, min, max)" };
  let exclude: string | null = null;
  for (const [name, prop] of kw) {
    if (name !== "exclude") return { reason: `option ${name} is not v1 API the codemod knows` };
    exclude = constantOf(cx, prop.value);
    if (!exclude) return { reason: "exclude is not a ZSET_EXCLUDE_* constant" };
  }
  const min = boundText(cx, minNode, exclude === "min" || exclude === "both", "-inf");
  const max = boundText(cx, maxNode, exclude === "max" || exclude === "both", "+inf");
  if (!exclude && minNode && maxNode && min === text(cx, minNode) && max === text(cx, maxNode) && kw.size === 0 && cx.args.length === 3) return null;
  return {
    description: "score bounds are explicit in v2 ('(' for exclusive, -inf/+inf)",
    rewrite: () => setCall(cx, null, [key, raw(cx.ctx, min), raw(cx.ctx, max)]),
  };
}

export function evalLike(cx: CmdCtx, kw: Map<string, N>, positional: N[]): CmdResult {
  const [script, keysPos, argsPos] = positional;
  if (!script || positional.length > 3) return { reason: "eval() arguments are not (script, keys, args)" };
  if (keysPos && isNumberLit(keysPos)) return null; // already v2
  const keys = keysPos ?? kw.get("keys")?.value;
  const args = argsPos ?? kw.get("args")?.value;
  kw.delete("keys");
  kw.delete("args");
  if (kw.size) return { reason: "eval() option not known" };
  const parts: string[] = [];
  let count: string;
  if (!keys) count = "0";
  else if (keys.type === "ArrayExpression") {
    if (keys.elements.some((e: N) => !e || e.type === "SpreadElement"))
      return { reason: "eval()'s keys array has spread elements; write keys.length, ...keys" };
    count = String(keys.elements.length);
    parts.push(...keys.elements.map((e: N) => text(cx, e)));
  } else {
    count = `${text(cx, keys)}.length`;
    parts.push(`...${text(cx, keys)}`);
  }
  if (args) {
    if (args.type === "ArrayExpression" && args.elements.every((e: N) => e && e.type !== "SpreadElement"))
      parts.push(...args.elements.map((e: N) => text(cx, e)));
    else parts.push(`...${text(cx, args)}`);
  }
  return {
    description: "eval(script, keys, args) is eval(script, keys.length, ...keys, ...args) in v2",
    rewrite: () => setCall(cx, null, [script, raw(cx.ctx, count), ...parts.map((p) => raw(cx.ctx, p))]),
  };
}

export function blockingPop(cx: CmdCtx, kw: Map<string, N>, positional: N[], kwNode: N | null): CmdResult {
  const method = cx.use.method;
  const timeout = kw.get("timeout");
  kw.delete("timeout");
  if (kw.size) return { reason: `${method}() option not known` };
  if (positional.length === 0) return { reason: `${method}() without keys` };
  const notes =
    (method === "bzpopmin" || method === "bzpopmax") && resultUsage(cx.use.callPath) === "used"
      ? [`${method} gives [key, member, score] with a number score in v2 (v1: the raw score string)`]
      : [];
  let keys: string | N;
  if (positional.length === 1 && positional[0].type === "SpreadElement") keys = positional[0].argument;
  else if (positional.some((a) => a.type === "SpreadElement")) keys = `[${positional.map((a) => text(cx, a)).join(", ")}]`;
  else if (positional.length === 1) keys = positional[0];
  else keys = `[${positional.map((a) => text(cx, a)).join(", ")}]`;
  if (positional.length === 1 && positional[0].type !== "SpreadElement" && !timeout && !kwNode) return notes.length ? { notes } : null;
  return {
    notes,
    description: `${method}(k1, k2, { timeout }) is ${method}([k1, k2], timeout) in v2`,
    rewrite: () => {
      const keysNode = typeof keys === "string" ? raw(cx.ctx, keys) : keys;
      setCall(cx, null, timeout ? [keysNode, timeout.value] : [keysNode]);
    },
  };
}

export function geoLike(cx: CmdCtx, kw: Map<string, N>, positional: N[], kwNode: N | null): CmdResult {
  const renames = { withDist: "withdist", withHash: "withhash", withCoord: "withcoord" };
  const entries = renamedKw(kw, renames, ["count", "sort"]);
  if ("reason" in entries) return entries;
  const withAny = entries.some((e) => e.key.startsWith("with"));
  const notes =
    withAny && resultUsage(cx.use.callPath) === "used"
      ? [`${cx.use.method} with withdist/withhash/withcoord gives plain arrays in v2 (v1: GeoMember records)`]
      : [];
  if (!Object.keys(renames).some((k) => kw.has(k))) return notes.length ? { notes } : null;
  // a positional unit joins the options: v2 takes (name, ..., radius, { unit, withdist, ... })
  const center = cx.use.method === "georadius" ? 4 : 3;
  const unit = positional.length > center ? positional[center] : null;
  if (positional.length > center + 1) return { reason: `${cx.use.method}() with positional arguments after the unit` };
  return {
    notes,
    description: "georadius options withDist/withHash/withCoord are withdist/withhash/withcoord in v2",
    rewrite: () => {
      const all = unit ? [{ key: "unit", value: unit }, ...entries] : entries;
      const out = kwOut(cx, kwNode, all);
      const head = positional.slice(0, center);
      setCall(cx, null, out ? [...head, out] : head);
    },
  };
}

export function bitop(op: string): Handler {
  return (cx, kw, positional) => {
    if (kw.size) return { reason: "bitop option not known" };
    return {
      description: `bitop${op[0]}${op.slice(1).toLowerCase()}(...) is bitop("${op}", ...) in v2`,
      rewrite: () => setCall(cx, "bitop", [raw(cx.ctx, str(cx, op)), ...positional]),
    };
  };
}

export function objectSub(sub: string): Handler {
  return (cx, kw, positional) => {
    if (kw.size || positional.length !== 1) return { reason: "object* arguments not known" };
    return {
      description: `object${sub[0]!.toUpperCase()}${sub.slice(1)}(key) is object("${sub}", key) in v2`,
      rewrite: () => setCall(cx, "object", [raw(cx.ctx, str(cx, sub)), positional[0]]),
    };
  };
}

export function streamRead(cx: CmdCtx, kw: Map<string, N>, positional: N[], to: string, lead: number): CmdResult {
  const names = ["streams", "timeout", "count", "latestIds", "noAck"];
  const given: Record<string, N | undefined> = {};
  const head = positional.slice(0, lead);
  positional.slice(lead).forEach((a, i) => (given[names[i] ?? `#${i}`] = a));
  for (const [name, prop] of kw) {
    if (!names.includes(name)) return { reason: `${cx.use.method}() option ${name} is not v1 API the codemod knows` };
    given[name] = prop.value;
  }
  const streams = given.streams;
  if (!streams || streams.type === "SpreadElement") return { reason: `${cx.use.method}() without streams` };
  const ids = given.latestIds && !isNullLit(given.latestIds) && !isUndefinedId(given.latestIds) ? given.latestIds : null;
  const literal = streams.type === "ArrayExpression" && !streams.elements.some((e: N) => !e || e.type === "SpreadElement");
  if (
    literal &&
    ids &&
    (ids.type !== "ArrayExpression" || ids.elements.length !== streams.elements.length || ids.elements.some((e: N) => !e || e.type === "SpreadElement"))
  )
    return { reason: `${cx.use.method}()'s latestIds are not an array literal matching the streams` };
  // streams given as an expression: the mapping is built at the call site, at runtime (streams.ts)
  const mappingText = literal ? null : streamsMappingText(cx.ctx, cx.use.method, text(cx, streams), ids ? text(cx, ids) : null);
  const mapping: Entry[] = literal ? streams.elements.map((s: N, i: number) => mappingEntry(cx, s, ids ? ids.elements[i] : raw(cx.ctx, str(cx, "$")))!) : [];
  const entries: Entry[] = [];
  if (given.timeout === undefined) entries.push({ key: "block", text: "0" });
  else if (!isNullLit(given.timeout)) entries.push({ key: "block", value: given.timeout });
  if (given.count && !isNullLit(given.count)) entries.push({ key: "count", value: given.count });
  if (given.noAck && !isBoolLit(given.noAck, false)) entries.push({ key: "noack", value: given.noAck });
  // a reply read where it is awaited is flattened back to v1's [stream, id, fields] entries
  const used = resultUsage(cx.use.callPath) === "used";
  const awaited = used && !cx.inPipeline ? awaitedReply(cx.use.callPath) : null;
  const notes =
    used && !awaited
      ? [`${to}'s reply is nested per stream in v2 ([stream, [[id, fields], ...]]); v1 gave flat [stream, id, fields] entries: adapt the code reading it`]
      : [];
  return {
    notes,
    description: `${cx.use.method}(streams, { timeout, latestIds }) is ${to}({ stream: id }, { block }) in v2${awaited ? ", its reply flattened to v1's entries" : ""}`,
    rewrite: () => {
      const out = raw(cx.ctx, objectText(cx.ctx, entries));
      setCall(cx, to, [...head, raw(cx.ctx, mappingText ?? objectText(cx.ctx, mapping)), out]);
      if (awaited) flattenReply(cx.ctx, awaited);
    },
  };
}

/** Methods whose trailing plain object is data, not keyword options. */

/** Replies whose shape changed in v2. */
export const REPLY_CHANGES: Record<string, { message: string; truthySame?: boolean }> = {
  ping: { message: "ping() resolves true in v2 (v1 gave the PONG reply); check how the result is used", truthySame: true },
  sismember: { message: "sismember resolves a boolean in v2 (v1: 0 or 1)", truthySame: true },
  hsetnx: { message: "hsetnx resolves a boolean in v2 (v1: 0 or 1)", truthySame: true },
  smove: { message: "smove resolves a boolean in v2 (v1: 0 or 1)", truthySame: true },
  msetnx: { message: "msetnx resolves a boolean in v2 (v1: 0 or 1)", truthySame: true },
  hscan: { message: "hscan's items are an object in v2 (v1: a list of [field, value] pairs)" },
  info: { message: "info() is one flat object with typed values in v2 (v1: nested by section, string values)" },
  time: { message: "time() is [seconds, microseconds] in v2 (v1: a float of seconds)" },
  clientList: { message: "clientList() gives plain objects in v2 (v1: ClientInfo records)" },
  geopos: { message: "geopos gives [longitude, latitude] pairs in v2 (v1: GeoPoint records)" },
  xpending: { message: "xpending's summary is an object in v2 (v1: a raw list); ranges are xpendingRange" },
  pubsubNumsub: { message: "pubsubNumsub gives [channel, count] pairs in v2 (v1: an object)" },
  zpopmin: { message: "zpopmin gives [member, score] pairs in v2 (v1: a flat list with score strings)" },
  zpopmax: { message: "zpopmax gives [member, score] pairs in v2 (v1: a flat list with score strings)" },
  lastsave: { message: "lastsave() gives a Date in v2 (v1: a Unix time)" },
  lset: { message: "lset resolves true in v2 (v1: the raw OK reply)", truthySame: true },
  save: { message: "save() resolves true in v2 (v1: the raw OK reply)", truthySame: true },
  scriptExists: { message: "scriptExists gives booleans in v2 (v1: 0 or 1 per script)" },
  smembers: { message: "smembers' reply type may differ in v2 (v1: an array); check how the result is used" },
  sinter: { message: "sinter's reply type may differ in v2 (v1: an array)" },
  sunion: { message: "sunion's reply type may differ in v2 (v1: an array)" },
  sdiff: { message: "sdiff's reply type may differ in v2 (v1: an array)" },
  slowlogGet: { message: "slowlogGet gives parsed objects in v2 (v1: raw nested lists)" },
  xgroupDestroy: { message: "xgroupDestroy resolves the real result in v2 (v1 always gave false)" },
  debugObject: { message: "debugObject gives a parsed object in v2 (v1: the raw reply)" },
  configGet: { message: "check configGet's result shape against v2" },
};

export const BLOCKED: Record<string, string> = {
  select: "v2 clients share connections, so SELECT is refused: create the client with { db: n } (or a URL ending in /n) instead",
  auth: "pass username/password when creating the client in v2 (no auth() method)",
  quit: "v2 has no quit(); use await client.close()",
  multi: "use a pipeline: client.pipeline({ transaction: true })",
  exec: "use a pipeline: client.pipeline({ transaction: true }) and execute()",
  role: 'role() is not in v2: use executeCommand("ROLE") and parse the reply',
  executePubsub: "use client.pubsub() in v2",
  migrateKeys: "use migrate(host, port, keys, destinationDb, timeout) in v2",
  xinfo: "use xinfoStream in v2 (its reply is parsed)",
  xinfoHelp: 'xinfoHelp is gone in v2; use executeCommand("XINFO", "HELP")',
  debugSleep: 'use executeCommand("DEBUG", "SLEEP", seconds) in v2',
  command: 'use executeCommand("COMMAND") in v2',
  commandCount: 'use executeCommand("COMMAND", "COUNT") in v2',
  commandInfo: 'use executeCommand("COMMAND", "INFO", ...) in v2',
  commandGetkeys: 'use executeCommand("COMMAND", "GETKEYS", ...) in v2',
};
