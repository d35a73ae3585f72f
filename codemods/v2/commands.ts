/**
 * Command calls on a v1 client (or connection, or pipeline) and their v2 form: renamed
 * keyword options, reordered arguments, mappings instead of flat pairs, per-call encodings
 * resolved against the client's decoding, and markers where a reply changed shape and the
 * program uses it.
 */
import {
  climbWrappers,
  isBoolLit,
  isNullLit,
  isNumberLit,
  isObjectExpr,
  isObjectProp,
  isPlainObject,
  isStringLit,
  isUndefinedId,
  propName,
  replaceNode,
  type N,
  type P,
} from "../lib/ast.js";
import { quoteString, raw } from "../lib/context.js";
import { objectText, renderObject, type Entry } from "../lib/render.js";
import { wrapInDecode } from "./decode-reply.js";
import { resolveBinding } from "../lib/scope.js";
import type { CallUse, Obj } from "./objects.js";
import { stmtOf } from "./objects.js";
import type { V2State } from "./state.js";
import { isStringOrNumberArg, v1TextFunction } from "./text-args.js";
import { keepXaddIdType } from "./xadd-reply.js";
import { INT_REPLY, keepNumberTyping, numberCast, pongReply } from "./intreply.js";

import {
  type CmdCtx,
  lastObject,
  kwEntries,
  constantOf,
  text,
  str,
  setCall,
  resultUsage,
  isAwaited,
  planEncoding,
  resolvesTrueAsInV1,
  thenTrue,
  wrapDecode,
  kwOut,
  renamedKw,
  mappingEntry,
  type Handler,
  keywordsToPositional,
  renameKw,
  pairsToMapping,
  zrangeLike,
  scoreRange,
  scoreBounds,
  evalLike,
  blockingPop,
  geoLike,
  bitop,
  objectSub,
  streamRead,
} from "./command-args.js";
import { BLOCKED, REPLY_CHANGES } from "./command-args.js";

// ---------------------------------------------------------------- the table

const RENAMED: Record<string, string> = { iscan: "scanIter", isscan: "sscanIter", ihscan: "hscanIter", izscan: "zscanIter" };

const HANDLERS: Record<string, Handler> = {
  set(cx, kw, positional, kwNode) {
    if (positional.length !== 2) return { reason: "set() with more than two positional arguments is not v1 API" };
    const entries: Entry[] = [];
    let conditional = false;
    for (const [name, prop] of kw) {
      const v = prop.value;
      if (name === "expire" || name === "pexpire") {
        if (isNumberLit(v) && v.value === 0) continue;
        const key = name === "expire" ? "ex" : "px";
        if (isNumberLit(v)) entries.push({ key, prop });
        else {
          // v1 sent no expiry for 0 (`if expire:`); v2 sends EX 0, which the server refuses
          const t = text(cx, v);
          entries.push({ key, text: `${v.type === "Identifier" || v.type === "MemberExpression" ? t : `(${t})`} || undefined` });
        }
      } else if (name === "exist") {
        const c = constantOf(cx, v);
        if (c !== "nx" && c !== "xx") {
          if (isNullLit(v) || isUndefinedId(v)) continue;
          return { reason: "set()'s exist option is not SET_IF_EXIST / SET_IF_NOT_EXIST" };
        }
        conditional = true;
        entries.push({ key: c, text: "true" });
      } else return { reason: `set() option ${name} is not v1 API the codemod knows` };
    }
    if (entries.some((e) => e.key === "ex") && entries.some((e) => e.key === "px"))
      return { reason: "set() with both expire and pexpire: v1 used PX, v2 refuses both; keep one" };
    const usage = resultUsage(cx.use.callPath);
    const wrap = conditional && usage === "used" && !cx.inPipeline;
    const awaited = isAwaited(cx.use.callPath);
    // a Promise used as such (returned, passed on): v1 resolved a boolean, v2 resolves
    // true / null (NX, XX): `.then(Boolean)` keeps v1's value and its type
    const thenBoolean = usage === "used" && !cx.inPipeline && !awaited;
    return {
      description: "set() options expire/pexpire/exist are ex/px/nx/xx in v2",
      rewrite: () => {
        const out = kwOut(cx, kwNode, entries);
        setCall(cx, null, out ? [...positional, out] : positional);
        const j = cx.ctx.j;
        if (thenBoolean) {
          const callPath = climbWrappers(cx.use.callPath);
          replaceNode(callPath, j.callExpression(j.memberExpression(callPath.node, j.identifier("then")), [j.identifier("Boolean")]));
        } else if (wrap) {
          replaceNode(awaited!, j.callExpression(j.identifier("Boolean"), [awaited!.node]));
        }
      },
    };
  },

  hmsetDict(cx, _kw, _positional) {
    const [key, ...dicts] = cx.args;
    if (!key || dicts.length === 0) return { reason: "hmsetDict() without a mapping" };
    if (dicts.some((d) => d.type === "SpreadElement")) return { reason: "hmsetDict() with spread arguments" };
    let mapping: string;
    if (dicts.every((d) => isObjectExpr(d) && d.properties.every((p: N) => isObjectProp(p) || p.type === "SpreadElement" || p.type === "SpreadProperty"))) {
      const parts = dicts.flatMap((d) => d.properties.map((p: N) => text(cx, p)));
      mapping = `{ ${parts.join(", ")} }`;
    } else if (dicts.length === 1) {
      mapping = text(cx, dicts[0]);
    } else {
      mapping = `{ ${dicts.map((d) => `...${text(cx, d)}`).join(", ")} }`;
    }
    const alwaysTrue = resolvesTrueAsInV1(cx);
    const notes = resultUsage(cx.use.callPath) === "used" && !alwaysTrue ? ["hset resolves the number of new fields in v2 (v1 hmsetDict resolved true)"] : [];
    return {
      notes,
      description: "hmsetDict(key, obj) is hset(key, { mapping: obj }) in v2",
      rewrite: () => {
        setCall(cx, "hset", [key, raw(cx.ctx, `{ mapping: ${mapping} }`)]);
        if (alwaysTrue) thenTrue(cx);
      },
    };
  },

  hmset(cx) {
    const [key, ...rest] = cx.args;
    if (!key) return { reason: "hmset() without arguments" };
    if (rest.length === 1 && isObjectExpr(rest[0])) {
      const objTrue = resolvesTrueAsInV1(cx);
      return {
        notes: resultUsage(cx.use.callPath) === "used" && !objTrue ? ["hset resolves the number of new fields in v2 (v1 hmset resolved true)"] : [],
        description: "hmset(key, obj) is hset(key, { mapping: obj }) in v2",
        rewrite: () => {
          setCall(cx, "hset", [key, raw(cx.ctx, `{ mapping: ${text(cx, rest[0])} }`)]);
          if (objTrue) thenTrue(cx);
        },
      };
    }
    if (rest.length === 0 || rest.length % 2 !== 0 || rest.some((a) => a.type === "SpreadElement")) return { reason: "hmset() without field/value pairs" };
    const alwaysTrue = resolvesTrueAsInV1(cx);
    const notes = resultUsage(cx.use.callPath) === "used" && !alwaysTrue ? ["hset resolves the number of new fields in v2 (v1 hmset resolved true)"] : [];
    if (rest.length === 2) {
      return {
        notes,
        description: "hmset(key, field, value) is hset(key, field, value) in v2",
        rewrite: () => {
          setCall(cx, "hset", [key, rest[0], rest[1]]);
          if (alwaysTrue) thenTrue(cx);
        },
      };
    }
    const literalFields = rest.every((a, i) => i % 2 === 1 || isStringLit(a));
    let option: string;
    if (literalFields) {
      const entries: Entry[] = [];
      for (let i = 0; i < rest.length; i += 2) entries.push({ key: rest[i].value, value: rest[i + 1] });
      option = `{ mapping: ${objectText(cx.ctx, entries)} }`;
    } else {
      option = `{ items: [${rest.map((a) => text(cx, a)).join(", ")}] }`;
    }
    return {
      notes,
      description: "hmset(key, field, value, ...) is hset(key, { mapping }) in v2",
      rewrite: () => {
        setCall(cx, "hset", [key, raw(cx.ctx, option)]);
        if (alwaysTrue) thenTrue(cx);
      },
    };
  },

  mset: pairsToMapping("mset"),
  msetnx: pairsToMapping("msetnx"),

  zadd(cx, kw, positional, kwNode) {
    const [key, ...pairs] = positional;
    if (!key) return { reason: "zadd() without a key" };
    if (pairs.length === 1 && isObjectExpr(pairs[0])) return null; // already a mapping
    if (pairs.length === 0 || pairs.length % 2 !== 0) return { reason: "zadd() without score/member pairs" };
    const mapping: Entry[] = [];
    for (let i = 0; i < pairs.length; i += 2) {
      const e = mappingEntry(cx, pairs[i + 1], pairs[i]);
      if (!e) return { reason: "zadd() with spread arguments" };
      mapping.push(e);
    }
    const entries: Entry[] = [];
    let incr = false;
    for (const [name, prop] of kw) {
      if (name === "exist") {
        const c = constantOf(cx, prop.value);
        if (c !== "nx" && c !== "xx") {
          if (isNullLit(prop.value)) continue;
          return { reason: "zadd()'s exist option is not ZSET_IF_EXIST / ZSET_IF_NOT_EXIST" };
        }
        entries.push({ key: c, text: "true" });
      } else if (name === "changed") entries.push({ key: "ch", prop });
      else if (name === "incr") {
        incr = true;
        entries.push({ key: "incr", prop });
      } else return { reason: `zadd() option ${name} is not v1 API the codemod knows` };
    }
    const notes = incr && resultUsage(cx.use.callPath) === "used" ? ["zadd with incr resolves a number in v2 (v1: the raw score string)"] : [];
    // a member that is not a literal may be a Buffer: an object key would turn it into "[object ...]" text, a Map keeps it
    const stringTyped = (i: number): boolean => {
      const arg: P = cx.use.callPath.get("arguments", i);
      if (arg.node?.type === "TemplateLiteral") return true;
      if (arg.node?.type !== "Identifier") return false;
      const decl = resolveBinding(arg, arg.node.name);
      return decl?.typeAnnotation?.typeAnnotation?.type === "TSStringKeyword";
    };
    const asMap = mapping.some((e, i) => e.computed && !stringTyped(2 + 2 * i));
    const mapText = (): string =>
      `new Map${cx.ctx.lang === "js" ? "" : `<${cx.state.namedLocal("EncodableT", false)}, number | string>`}([${mapping.map((e) => `[${e.computed ? e.key : quoteString(cx.ctx, e.key)}, ${text(cx, e.value)}]`).join(", ")}])`;
    return {
      notes,
      description: asMap
        ? "zadd(key, score, member, ...) is zadd(key, new Map([[member, score]])) in v2 (members that may be Buffers)"
        : "zadd(key, score, member, ...) is zadd(key, { member: score }) in v2",
      rewrite: () => {
        const out = kwOut(cx, kwNode, entries);
        const map = raw(cx.ctx, asMap ? mapText() : objectText(cx.ctx, mapping));
        setCall(cx, null, out ? [key, map, out] : [key, map]);
      },
    };
  },

  zrange: zrangeLike,
  zrevrange: zrangeLike,

  zrangebyscore: scoreRange("zrangebyscore", false),
  zrevrangebyscore: scoreRange("zrevrangebyscore", true),
  zcount: scoreBounds,
  zremrangebyscore: scoreBounds,

  eval: evalLike,
  evalsha: evalLike,

  blpop: blockingPop,
  brpop: blockingPop,
  bzpopmin: blockingPop,
  bzpopmax: blockingPop,

  brpoplpush(cx, kw, positional, kwNode) {
    if (positional.length > 3) return { reason: "brpoplpush() with extra arguments" };
    const timeout = kw.get("timeout");
    kw.delete("timeout");
    if (kw.size) return { reason: "brpoplpush() option not known" };
    if (!timeout) return kwNode ? { rewrite: () => setCall(cx, null, positional) } : null;
    return { description: "brpoplpush's timeout is positional in v2", rewrite: () => setCall(cx, null, [...positional, timeout.value]) };
  },

  hincrby: renameKw({ increment: "amount" }),
  hincrbyfloat: renameKw({ increment: "amount" }),
  incrby: renameKw({ increment: "amount" }),
  incrbyfloat: renameKw({ increment: "amount" }),
  decrby: renameKw({ decrement: "amount" }),
  flushdb: renameKw({ asyncOp: "asynchronous" }),
  flushall: renameKw({ asyncOp: "asynchronous" }),
  georadius: geoLike,
  georadiusbymember: geoLike,

  bitopAnd: bitop("AND"),
  bitopOr: bitop("OR"),
  bitopXor: bitop("XOR"),
  bitopNot: bitop("NOT"),

  objectEncoding: objectSub("encoding"),
  objectRefcount: objectSub("refcount"),
  objectIdletime: objectSub("idletime"),

  linsert(cx, kw, positional) {
    const [key, pivot, value, beforePos] = positional;
    if (!key || !pivot || !value || positional.length > 4) return { reason: "linsert() arguments are not (key, pivot, value, before)" };
    const before = beforePos ?? kw.get("before")?.value;
    kw.delete("before");
    if (kw.size) return { reason: "linsert() option not known" };
    let where: string;
    if (!before || isBoolLit(before, false)) where = str(cx, "AFTER");
    else if (isBoolLit(before, true)) where = str(cx, "BEFORE");
    else where = `${text(cx, before)} ? ${str(cx, "BEFORE")} : ${str(cx, "AFTER")}`;
    return {
      description: "linsert(key, pivot, value, before) is linsert(key, where, pivot, value) in v2",
      rewrite: () => setCall(cx, null, [key, raw(cx.ctx, where), pivot, value]),
    };
  },

  sort(cx, kw, positional, kwNode) {
    const [key, ...patterns] = positional;
    if (!key) return { reason: "sort() without a key" };
    const entries: Entry[] = [];
    for (const [name, prop] of kw) {
      if (name === "offset") entries.push({ key: "start", prop });
      else if (name === "count") entries.push({ key: "num", prop });
      else if (name === "by" || name === "alpha" || name === "store") entries.push({ key: name, prop });
      else if (name === "asc") {
        if (isBoolLit(prop.value, false)) entries.push({ key: "desc", text: "true" });
        else if (isBoolLit(prop.value, true) || isNullLit(prop.value)) continue;
        else return { reason: "sort()'s asc is not a literal: v2 takes desc: true for descending" };
      } else return { reason: `sort() option ${name} is not v1 API the codemod knows` };
    }
    if (patterns.length) entries.push({ key: "get", text: `[${patterns.map((p) => text(cx, p)).join(", ")}]` });
    return {
      description: "sort()'s get patterns and offset/count/asc are get/start/num/desc options in v2",
      rewrite: () => {
        const out = kwOut(cx, kwNode, entries);
        setCall(cx, null, out ? [key, out] : [key]);
      },
    };
  },

  xadd(cx, kw, positional, kwNode) {
    const [id, maxLen, exactLen] = positional.slice(2);
    const entries: Entry[] = [];
    // v1's keyword form puts the stream and the fields in the object too: `xadd({ stream, fields })`
    const named: Record<string, N | undefined> = { stream: positional[0], fields: positional[1], messageId: id, maxLen, exactLen };
    for (const [name, prop] of kw) {
      if (!(name in named)) return { reason: `xadd() option ${name} is not v1 API the codemod knows` };
      named[name] = prop.value;
    }
    const { stream, fields } = named;
    if (!stream || !fields) return { reason: "xadd() without a stream and fields" };
    if (named.messageId) entries.push({ key: "id", value: named.messageId });
    if (named.maxLen && !isNullLit(named.maxLen)) entries.push({ key: "maxlen", value: named.maxLen });
    if (named.exactLen && !isBoolLit(named.exactLen, false)) {
      if (isBoolLit(named.exactLen, true)) entries.push({ key: "approximate", text: "false" });
      else entries.push({ key: "approximate", text: `!${text(cx, named.exactLen)}` });
    }
    return {
      description: "xadd's messageId/maxLen/exactLen are id/maxlen/approximate in v2",
      rewrite: () => {
        const used = resultUsage(cx.use.callPath) === "used";
        const out = kwOut(cx, kwNode, entries);
        setCall(cx, null, out ? [stream, fields, out] : [stream, fields]);
        if (!cx.inPipeline) keepXaddIdType(cx.ctx, cx.use.callPath, used);
      },
    };
  },

  xread(cx, kw, positional) {
    return streamRead(cx, kw, positional, "xread", 0);
  },
  xreadGroup(cx, kw, positional) {
    return streamRead(cx, kw, positional, "xreadgroup", 2);
  },

  shutdown(cx, kw, positional) {
    const save = positional[0] ?? kw.get("save")?.value;
    kw.delete("save");
    if (kw.size || positional.length > 1) return { reason: "shutdown() arguments not known" };
    if (!save || isNullLit(save)) return null;
    const c = constantOf(cx, save);
    if (c !== "save" && c !== "nosave") return { reason: "shutdown()'s argument is not SHUTDOWN_SAVE / SHUTDOWN_NOSAVE" };
    return {
      description: "shutdown(SHUTDOWN_*) is shutdown({ save | nosave: true }) in v2",
      rewrite: () => setCall(cx, null, [raw(cx.ctx, `{ ${c}: true }`)]),
    };
  },

  publishJson(cx, kw, positional) {
    if (positional.length !== 2 || kw.size) return { reason: "publishJson() arguments not known" };
    return {
      description: "publishJson(channel, obj) is publish(channel, JSON.stringify(obj)) in v2",
      rewrite: () => setCall(cx, "publish", [positional[0], raw(cx.ctx, `JSON.stringify(${text(cx, positional[1])})`)]),
    };
  },

  ping(_cx, kw, positional) {
    if (positional.length) return { reason: "v2's ping() takes no message; use echo(message)" };
    if (kw.size) return { reason: "ping() option not known" };
    return null;
  },

  execute(cx, kw, positional) {
    if (kw.size) return { reason: "execute() option not known" };
    return { description: "execute(...) is executeCommand(...) in v2", rewrite: () => setCall(cx, "executeCommand", positional) };
  },

  expire(cx, kw, positional, kwNode) {
    const t = positional[1] ?? kw.get("timeout")?.value;
    if (t && isNumberLit(t) && !Number.isInteger(t.value))
      return { reason: "v1 sent a fractional expire as PEXPIRE; v2 wants whole seconds: use pexpire(key, ms)" };
    return keywordsToPositional(["key", "timeout"])(cx, kw, positional, kwNode);
  },
  setex: keywordsToPositional(["key", "seconds", "value"]),
  psetex: keywordsToPositional(["key", "milliseconds", "value"]),
  pexpire: keywordsToPositional(["key", "timeout"]),
  expireat: keywordsToPositional(["key", "timestamp"]),
  pexpireat: keywordsToPositional(["key", "timestamp"]),
  getrange: keywordsToPositional(["key", "start", "end"]),
  setrange: keywordsToPositional(["key", "offset", "value"]),
  lrange: keywordsToPositional(["key", "start", "stop"]),
  ltrim: keywordsToPositional(["key", "start", "stop"]),
  lindex: keywordsToPositional(["key", "index"]),
  lset: keywordsToPositional(["key", "index", "value"]),
  hget: keywordsToPositional(["key", "field"]),
  hset: keywordsToPositional(["key", "field", "value"]),
  hsetnx: keywordsToPositional(["key", "field", "value"]),
  getset: keywordsToPositional(["key", "value"]),
};

for (const [from, to] of Object.entries(RENAMED)) {
  HANDLERS[from] = (cx, kw, positional, kwNode) => {
    const entries = renamedKw(kw, {}, ["match", "count"]);
    if ("reason" in entries) return entries;
    return {
      description: `${from}() is ${to}() in v2`,
      rewrite: () => {
        const out = kwOut(cx, kwNode, entries);
        setCall(cx, to, out ? [...positional, out] : positional);
      },
    };
  };
}

/**
 * Python's calling convention (docs/v1-api.md) lets any parameter be given by name in a trailing object
 * (`setex(k, { value, seconds })`); v2 takes these positionally, in v1's order.
 */
const TRAILING_OBJECT_IS_DATA = new Set([
  "hmsetDict",
  "hmset",
  "mset",
  "msetnx",
  "xadd",
  "set",
  "publishJson",
  "execute",
  "lpush",
  "rpush",
  "sadd",
  "hset",
  "publish",
]);

/**
 * Plans the rewrite of one command call on a tracked object. Adds edits, notes or a blocker
 * to the object's group. Returns the description when a rewrite was planned.
 */
export function planCommand(state: V2State, obj: Obj, use: CallUse, inPipeline: boolean, consumed: Set<N>): void {
  const ctx = state.ctx;
  const group = obj.group;
  const method = use.method;
  const call = use.callPath.node;
  const stmt = stmtOf(use.callPath);
  if (method in BLOCKED) {
    group.block(stmt, BLOCKED[method]!);
    return;
  }
  const args: N[] = call.arguments;
  const cx: CmdCtx = { state, ctx, obj, use, call, args, inPipeline, consumed };
  const handler = HANDLERS[method];

  // the trailing keyword object (v1's **kwargs), unless the method takes data there
  const dataMethod = TRAILING_OBJECT_IS_DATA.has(method);
  let kwNode: N | null = null;
  if (method === "set") kwNode = lastObject(args, 2);
  else if (method === "xadd")
    kwNode =
      lastObject(args, 2) ?? (args.length === 1 && isPlainObject(args[0]) && args[0].properties.some((p: N) => propName(p) === "stream") ? args[0] : null);
  else if (method === "execute")
    kwNode = args.length > 1 && isObjectExpr(args[args.length - 1]) && findEncoding(args[args.length - 1]) ? args[args.length - 1] : null;
  else if (!dataMethod) kwNode = lastObject(args, 0);
  const kwMap = kwEntries(kwNode);
  if ("reason" in kwMap) {
    group.block(stmt, `${method}(): ${kwMap.reason}`);
    return;
  }
  const positional = kwNode ? args.slice(0, -1) : args.slice();

  const enc = planEncoding(cx, method, kwMap);
  if (enc && "reason" in enc) {
    group.block(stmt, `${method}(): ${enc.reason}`);
    return;
  }

  const result = handler ? handler(cx, kwMap, positional, kwNode) : null;
  if (result && "reason" in result) {
    group.block(stmt, `${method}(): ${result.reason}`);
    return;
  }

  const change = REPLY_CHANGES[method];
  const notes = [...(result?.notes ?? [])];
  // ping()'s PONG written back where the program reads it (intreply.ts)
  const pong = method === "ping" && !inPipeline && resultUsage(use.callPath) === "used" ? pongReply(ctx, use.callPath, obj.decode) : null;
  if (pong) group.edit(2, call, "reply:ping", "ping() resolves true in v2; the PONG reply v1 gave is kept where it is read", pong);
  else if (change && !inPipeline) {
    const usage = resultUsage(use.callPath);
    if (usage === "used" || (usage === "boolean" && !change.truthySame)) notes.push(change.message);
  }
  for (const n of notes) group.note(stmt, n);

  const rewrite = result?.rewrite;
  // v2 types some integer replies number | bigint: where the program reads one, v1's number typing stays (intreply.ts)
  if (INT_REPLY.has(method) && !inPipeline && resultUsage(use.callPath) === "used" && !numberCast(use.callPath)) {
    group.edit(
      2,
      call,
      `reply-type:${method}`,
      `${method}()'s reply is IntReply (number | bigint) in v2; the v1 typing (number) is kept where it is read`,
      () => keepNumberTyping(ctx, use.callPath),
    );
  }
  if (enc || rewrite) {
    group.edit(
      1,
      call,
      `command:${method}`,
      result?.description ??
        (enc?.decodeTo || enc?.decodeWith
          ? `per-call encoding of ${method}() is an explicit decode in v2`
          : `per-call encoding of ${method}() is the client's in v2`),
      () => {
        if (enc && !rewrite) {
          // only the encoding goes: rebuild the keyword object without it
          const rest: Entry[] = [...kwMap].map(([key, prop]) => ({ key, prop }));
          const out = rest.length ? renderObject(ctx, kwNode ?? undefined, [], rest) : null;
          call.arguments = out ? [...positional, out] : positional;
        }
        rewrite?.();
        if (enc?.decodeTo) wrapDecode(cx, enc.decodeTo);
        if (enc?.decodeWith) {
          const awaitPath = isAwaited(cx.use.callPath)!;
          replaceNode(awaitPath, wrapInDecode(ctx, awaitPath.node, enc.decodeWith));
        }
      },
    );
  }
  // arguments declared string | number: the text v1 sent (text-args.ts); after the command's rewrite, before its reply's
  const textArgs = positional.filter((a) => isStringOrNumberArg(ctx, use.callPath.get("arguments", args.indexOf(a))));
  if (textArgs.length) {
    group.edit(
      1,
      call,
      `text-args:${method}`,
      `${method}(): an argument declared string | number is sent as the text v1 sent (v2 keys are string | Buffer)`,
      () => {
        for (const a of textArgs) {
          const i = call.arguments.indexOf(a);
          if (i >= 0) call.arguments[i] = ctx.j.callExpression(ctx.j.identifier(v1TextFunction(ctx)), [a]);
        }
      },
    );
  }
}

function findEncoding(obj: N): boolean {
  return isObjectExpr(obj) && obj.properties.some((p: N) => propName(p) === "encoding");
}
