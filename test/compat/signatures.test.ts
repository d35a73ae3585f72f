/**
 * aioredis/compat: each command's v1 signature (the spec string that `bind()` reads and
 * that gives the types their keyword forms, compat/calling.ts) agrees with the method's
 * TypeScript parameters, and every command method has one. A spec that drifted from its
 * method would bind a keyword to the wrong parameter; this test fails first.
 */
import { describe, expect, test } from "vitest";
import { bind, installGroups } from "../../compat/calling.js";
import { COMMAND_GROUPS } from "../../compat/commands/index.js";
import { Redis, RedisSentinel } from "../../compat/index.js";
import { SentinelCommands, sentinelSignatures } from "../../compat/sentinel.js";

/** The declared parameter names of a method, read from its source (`...rest` as `*rest`). */
function parameterNames(fn: Function): string[] {
  const source = fn.toString();
  const open = source.indexOf("(");
  let depth = 0;
  let close = open;
  for (let i = open; i < source.length; i++) {
    if (source[i] === "(") depth++;
    else if (source[i] === ")" && --depth === 0) {
      close = i;
      break;
    }
  }
  const list = source.slice(open + 1, close).replace(/\/\*.*?\*\//g, "");
  if (list.trim() === "") return [];
  const names: string[] = [];
  let level = 0;
  let current = "";
  for (const ch of list + ",") {
    if ("([{".includes(ch)) level++;
    if (")]}".includes(ch)) level--;
    if (ch === "," && level === 0) {
      const name = current.trim().split(/\s*=/)[0]!.trim();
      if (name) names.push(name.startsWith("...") ? `*${name.slice(3)}` : name);
      current = "";
    } else current += ch;
  }
  return names;
}

/** The spec's parameters that are written positionally in TypeScript: positional ones and `*rest`. */
function specPositional(spec: string): string[] {
  const out: string[] = [];
  for (const raw of spec.split(",")) {
    const token = raw.trim();
    if (!token || token === "**") continue;
    if (token === "*") break;
    if (token.startsWith("*")) {
      out.push(token.replace(/\{\}$/, ""));
      break;
    }
    out.push(token.replace(/\?$/, "").replace(/\{\}$/, ""));
  }
  return out;
}

/**
 * Methods whose v1 signature has nothing to bind by keyword: a rest parameter only, or
 * a call that builds other calls. Each is listed with why.
 */
const UNBOUND: Record<string, string> = {
  "HashCommands.hmsetDict": "key, *dicts: the dicts are mappings, never keywords",
  "StringCommands.mset": "*pairs or one dict: a rest parameter only",
  "PubSubCommands.subscribe": "*channels: a rest parameter only (Channel/Sender objects or names)",
  "PubSubCommands.psubscribe": "*patterns: a rest parameter only",
  "PubSubCommands.unsubscribe": "*channels: a rest parameter only",
  "PubSubCommands.punsubscribe": "*patterns: a rest parameter only",
  "StringCommands.bitfield": "raises NotImplementedError, as aioredis 1.3.1 did",
  "ServerCommands.clientKill": "raises NotImplementedError, as aioredis 1.3.1 did",
  "ServerCommands.clientReply": "raises NotImplementedError, as aioredis 1.3.1 did",
  "ServerCommands.monitor": "raises NotImplementedError, as aioredis 1.3.1 did",
};

describe("v1 signatures", () => {
  for (const { group, signatures } of [...COMMAND_GROUPS, { group: SentinelCommands, signatures: sentinelSignatures }]) {
    test(`${group.name}: every method has a spec, and its positional names are the method's parameters`, () => {
      const specs = signatures.specs as Record<string, string>;
      const methods = Object.getOwnPropertyNames(group.prototype).filter(
        (name) => name !== "constructor" && typeof Object.getOwnPropertyDescriptor(group.prototype, name)!.value === "function",
      );
      for (const name of methods) {
        const fn = (group.prototype as unknown as Record<string, Function>)[name]!;
        if (`${group.name}.${name}` in UNBOUND) {
          expect(specs[name], `${name} is listed as unbound but has a spec`).toBeUndefined();
          continue;
        }
        expect(specs[name], `${group.name}.${name} has no v1 signature`).toBeTypeOf("string");
        const declared = parameterNames(fn).filter((p) => p !== "options" && p !== "*options");
        // v1's positional `encoding` (zrange ...) is the trailing options object in TypeScript
        const fromSpec = specPositional(specs[name]!).filter((p) => p !== "encoding" || declared.includes("encoding"));
        // a trailing keyword-only parameter may be declared positionally too (v1's `encoding` of clientGetname ...)
        expect(declared.slice(0, fromSpec.length), `${group.name}.${name}: ${specs[name]}`).toEqual(fromSpec);
      }
      for (const name of Object.keys(specs)) expect(methods, `${group.name} has a spec for a missing method ${name}`).toContain(name);
    });
  }

  test("every group's methods are on Redis, each from exactly one group", () => {
    const seen = new Set<string>();
    for (const { group } of COMMAND_GROUPS) {
      for (const name of Object.getOwnPropertyNames(group.prototype)) {
        if (name === "constructor") continue;
        expect(seen.has(name), name).toBe(false);
        seen.add(name);
        expect((Redis.prototype as unknown as Record<string, unknown>)[name]).toBe((group.prototype as unknown as Record<string, unknown>)[name]);
      }
    }
    expect(seen.size).toBeGreaterThan(200);
    for (const name of Object.getOwnPropertyNames(SentinelCommands.prototype)) {
      if (name !== "constructor") expect((RedisSentinel.prototype as unknown as Record<string, unknown>)[name], name).toBe((SentinelCommands.prototype as unknown as Record<string, unknown>)[name]);
    }
  });
});

describe("the binding mechanism", () => {
  test("installGroups refuses a method defined twice, by two groups or by a group and the class", () => {
    class Target {
      close(): string {
        return "own";
      }
    }
    class A {
      get(): string {
        return "a";
      }
    }
    class B {
      get(): string {
        return "b";
      }
    }
    class C {
      close(): string {
        return "c";
      }
    }
    expect(() => installGroups(Target, [{ group: A }, { group: B }])).toThrow("compat: get() is defined by both A and B");
    expect(() => installGroups(class T2 extends Target {}, [{ group: C }])).toThrow("compat: close() is defined by both T2 and C");
  });

  test("bind: positional, keywords, a mapping parameter, rest, keyword-only, mistakes", () => {
    expect(bind("f", "key, value?, *, ex?", ["k", { ex: 1 }])).toEqual({ rest: [], key: "k", ex: 1 });
    expect(bind("f", "key, value?, *, ex?", [{ key: "k", value: "v" }])).toEqual({ rest: [], key: "k", value: "v" });
    expect(bind("f", "stream, fields{}, id?", ["s", { a: 1 }])).toEqual({ rest: [], stream: "s", fields: { a: 1 } });
    expect(bind("f", "stream, fields{}, id?", [{ stream: "s", fields: { a: 1 } }])).toEqual({ rest: [], stream: "s", fields: { a: 1 } });
    expect(bind("f", "key, *keys, timeout?", ["a", "b", "c", { timeout: 2 }])).toEqual({ rest: ["b", "c"], key: "a", timeout: 2 });
    expect(() => bind("f", "key", ["a", "b"])).toThrow(new TypeError("f() takes at most 1 positional argument (2 given)"));
    expect(() => bind("f", "key, *, ex?", ["a", { px: 1 }])).toThrow(new TypeError("f() got an unexpected keyword argument 'px'"));
    expect(() => bind("f", "key, *, ex?", [{ ex: 1 }])).toThrow(new TypeError("f() missing required argument 'key'"));
    expect(() => bind("f", "key, value", ["k", "v", { value: 1 }])).toThrow(TypeError);
  });
});
