/**
 * v1's per-call `encoding` on a client that does not decode, for any value of it: the call
 * loses its `encoding` and its awaited reply goes through a small function written into the
 * module (once), which decodes the reply's Buffers with that encoding, and leaves the reply as
 * it is when the encoding is `null` or `undefined` (v1: bytes). Arrays are decoded element by
 * element and objects (`hgetall`) value by value, as v1 decoded every bulk string of a reply.
 * v2 has already turned an object reply's field names into text as UTF-8, so another encoding
 * meeting an object reply throws instead of answering with differently decoded names.
 */
import type { N } from "../lib/ast.js";
import type { Ctx } from "../lib/context.js";
import { identifiersNamed } from "../lib/context.js";
import { moduleHelper } from "../lib/module-helper.js";

/** The name the function is written under (a number is added if the module uses the name for something else). */
const BASE = "decodeV1Reply";
/** The first line of the function's comment: how a later run recognises a function it wrote. */
const SIGNATURE = "v1's per-call `encoding`, written by aioredis-codemod";

/** Methods whose reply is one bulk string (or null): a per-call decode is `?.toString(enc) ?? null`. */
export const SINGLE_BULK = new Set([
  "get",
  "getset",
  "getrange",
  "hget",
  "lindex",
  "lpop",
  "rpop",
  "rpoplpush",
  "brpoplpush",
  "randomkey",
  "echo",
  "clientGetname",
  "dump",
]);

/**
 * Methods whose reply is an array of bulk strings: a per-call decode maps it. The value says
 * whether an element can be null (a missing key or field).
 */
export const ARRAY_BULK = new Map<string, boolean>([
  ["keys", false],
  ["hkeys", false],
  ["hvals", false],
  ["smembers", false],
  ["sinter", false],
  ["sunion", false],
  ["sdiff", false],
  ["lrange", false],
  ["mget", true],
  ["hmget", true],
]);

/**
 * Methods whose v2 reply is the v1 reply with the bulk strings left as Buffers (one, an array
 * of them, an object of them, or the raw reply of `execute`): decoding those Buffers is what
 * v1's `encoding` did.
 */
export const DECODABLE_REPLY = new Set([
  ...SINGLE_BULK,
  ...ARRAY_BULK.keys(),
  "hgetall",
  // members as Buffers, scores (withscores) already numbers in both versions
  "zrange",
  "zrevrange",
  "zrangebyscore",
  "zrevrangebyscore",
  "zrangebylex",
  "zrevrangebylex",
  "execute",
]);

function tsText(name: string): string {
  return `/**
 * ${SIGNATURE}: the reply with its Buffers decoded
 * (left as it is for a null or undefined encoding). Object field names are UTF-8 already, so
 * another encoding is refused for an object reply.
 */
function ${name}<R>(reply: R, encoding: string): V1Decoded<R, string>;
function ${name}<R>(reply: R, encoding: string | null | undefined): V1Decoded<R, string | Buffer>;
function ${name}(reply: unknown, encoding: string | null | undefined): unknown {
  if (encoding === null || encoding === undefined) return reply;
  const enc = encoding as BufferEncoding;
  const utf8 = /^utf-?8$/i.test(encoding);
  const decode = (value: unknown): unknown => {
    if (Buffer.isBuffer(value)) return value.toString(enc);
    if (Array.isArray(value)) return value.map(decode);
    if (value instanceof Map) return new Map([...value].map(([k, v]) => [decode(k), decode(v)]));
    if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
      if (!utf8) throw new Error(\`per-call encoding \${encoding}: the field names of this reply were decoded as UTF-8\`);
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decode(v)]));
    }
    return value;
  };
  return decode(reply);
}
type V1Decoded<R, S> = R extends Buffer
  ? S
  : R extends readonly (infer E)[]
    ? V1Decoded<E, S>[]
    : R extends Map<infer K, infer V>
      ? Map<V1Decoded<K, S>, V1Decoded<V, S>>
      : R extends Date
        ? R
        : R extends object
          ? { [K in keyof R]: V1Decoded<R[K], S> }
          : R;`;
}

function jsText(name: string): string {
  return `/**
 * ${SIGNATURE}: the reply with its Buffers decoded
 * (left as it is for a null or undefined encoding). Object field names are UTF-8 already, so
 * another encoding is refused for an object reply.
 * @param {any} reply
 * @param {string | null | undefined} encoding
 * @returns {any}
 */
function ${name}(reply, encoding) {
  if (encoding === null || encoding === undefined) return reply;
  const enc = /** @type {BufferEncoding} */ (encoding);
  const utf8 = /^utf-?8$/i.test(encoding);
  /** @param {unknown} value @returns {unknown} */
  const decode = (value) => {
    if (Buffer.isBuffer(value)) return value.toString(enc);
    if (Array.isArray(value)) return value.map(decode);
    if (value instanceof Map) return new Map([...value].map(([k, v]) => [decode(k), decode(v)]));
    if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
      if (!utf8) throw new Error(\`per-call encoding \${encoding}: the field names of this reply were decoded as UTF-8\`);
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decode(v)]));
    }
    return value;
  };
  return decode(reply);
}`;
}

/**
 * The name of the decoding function in this module, written at its end on first use (or the
 * one an earlier run wrote). Call it only inside the edit that uses it.
 */
export function decodeReplyFunction(ctx: Ctx): string {
  return moduleHelper(ctx, BASE, SIGNATURE, (name) => (ctx.lang === "js" ? jsText(name) : tsText(name)));
}

/** `await call` -> `decodeV1Reply(await call, encoding)`. */
export function wrapInDecode(ctx: Ctx, awaitNode: N, encoding: N): N {
  const name = decodeReplyFunction(ctx);
  if (awaitNode.extra?.parenthesized) awaitNode.extra = { ...awaitNode.extra, parenthesized: false };
  return ctx.j.callExpression(ctx.j.identifier(name), [awaitNode, encoding]);
}

/**
 * An encoding expression that reads the same after the call as before it (it moves from the
 * call's arguments to after the `await`): a literal, a name the module never assigns, or a
 * property read of one.
 */
export function isStableValue(ctx: Ctx, node: N): boolean {
  if (!node) return false;
  if (node.type === "ThisExpression") return true;
  // a name never assigned in this module (a parameter with a default, a const, an import)
  if (node.type === "Identifier")
    return !identifiersNamed(ctx, node.name).some((p) => {
      const parent = p.parent?.node;
      return (parent?.type === "AssignmentExpression" && parent.left === p.node) || parent?.type === "UpdateExpression";
    });
  if (node.type === "StringLiteral" || node.type === "NullLiteral" || (node.type === "Literal" && (typeof node.value === "string" || node.value === null)))
    return true;
  if (node.type === "MemberExpression" && !node.computed) return isStableValue(ctx, node.object);
  return false;
}

/** Pipelines whose every command asks for the same per-call encoding: the encoding, to decode execute()'s replies with. */
const pipelineDecodes = new WeakMap<object, N>();

export function pipelineDecodeOf(pipeline: object): N | undefined {
  return pipelineDecodes.get(pipeline);
}

/**
 * When every command queued on a pipeline of a client that does not decode is one whose reply
 * `decodeV1Reply` decodes, each with the same `encoding` expression (one that reads the same
 * after `execute()`), the encodings are dropped from the commands and `execute()`'s array of
 * replies is decoded instead (`decodeV1Reply` decodes arrays element by element). Returns
 * whether it is so; any other mix keeps the per-command rules (and their markers).
 */
export function planPipelineDecode(ctx: Ctx, pipeline: { decode: boolean | null }, commands: { method: string; callPath: { node: N } }[]): N | null {
  if (pipeline.decode !== false || commands.length === 0) return null;
  let value: N | null = null;
  let text: string | null = null;
  for (const c of commands) {
    if (!DECODABLE_REPLY.has(c.method) || c.method === "execute") return null;
    const args: N[] = c.callPath.node.arguments;
    const last = args[args.length - 1];
    if (!last || last.type !== "ObjectExpression") return null;
    const prop = last.properties.find(
      (p: N) => (p.type === "ObjectProperty" || p.type === "Property") && !p.computed && (p.key.name ?? p.key.value) === "encoding",
    );
    if (!prop || !isStableValue(ctx, prop.value) || isNullish(prop.value)) return null;
    const t = ctx.parsedSource.slice(prop.value.start, prop.value.end);
    if (text !== null && t !== text) return null;
    text = t;
    value = prop.value;
  }
  if (value) pipelineDecodes.set(pipeline, value);
  return value;
}

function isNullish(node: N): boolean {
  return node.type === "NullLiteral" || (node.type === "Literal" && node.value === null) || (node.type === "Identifier" && node.name === "undefined");
}
