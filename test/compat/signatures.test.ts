/**
 * aioredis/compat: each command's v1 signature (the spec string that `bind()` reads and
 * that gives the types their keyword forms, compat/calling.ts) agrees with the method's
 * TypeScript parameters — names, order, optional and rest parameters, read from the
 * sources — and every command method has one. A spec that drifted from its method would
 * bind a keyword to the wrong parameter; this test fails first.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import jscodeshift from "jscodeshift";
import { describe, expect, test } from "vitest";
import { bind, installGroups } from "../../compat/calling.js";
import { COMMAND_GROUPS } from "../../compat/commands/index.js";
import { Redis, RedisSentinel } from "../../compat/index.js";
import { SentinelCommands, sentinelSignatures } from "../../compat/sentinel.js";

const here = path.dirname(fileURLToPath(import.meta.url));

interface DeclaredParam {
  name: string;
  optional: boolean;
  rest: boolean;
}

/** Every method's parameters as declared in TypeScript, by class and method (parsed as the codemod parses). */
function declaredMethods(file: string): Map<string, DeclaredParam[]> {
  const j = jscodeshift.withParser("ts");
  const out = new Map<string, DeclaredParam[]>();
  j(readFileSync(file, "utf8"))
    .find(j.ClassDeclaration)
    .forEach((cls) => {
      const className = cls.node.id && "name" in cls.node.id ? String(cls.node.id.name) : "";
      for (const member of cls.node.body.body as any[]) {
        if (member.type !== "ClassMethod" || member.kind !== "method" || member.key?.type !== "Identifier") continue;
        const params: DeclaredParam[] = (member.params as any[]).map((p) => {
          if (p.type === "RestElement") return { name: p.argument.name, optional: false, rest: true };
          if (p.type === "AssignmentPattern") return { name: p.left.name, optional: true, rest: false };
          return { name: p.name, optional: Boolean(p.optional), rest: false };
        });
        out.set(`${className}.${member.key.name}`, params);
      }
    });
  return out;
}

const DECLARED = new Map<string, DeclaredParam[]>();
for (const file of [
  ...readdirSync(path.join(here, "../../compat/commands")).map((f) => path.join(here, "../../compat/commands", f)),
  path.join(here, "../../compat/sentinel.ts"),
]) {
  for (const [key, params] of declaredMethods(file)) DECLARED.set(key, params);
}

/** The spec's parameters that TypeScript writes positionally: the positional ones, then `*rest`. */
function specPositional(spec: string): DeclaredParam[] {
  const out: DeclaredParam[] = [];
  for (const raw of spec.split(",")) {
    const token = raw.trim();
    if (!token || token === "**") continue;
    if (token === "*") break;
    if (token.startsWith("*")) {
      out.push({ name: token.slice(1).replace(/\{\}$/, ""), optional: false, rest: true });
      break;
    }
    out.push({ name: token.replace(/\?$/, "").replace(/\{\}$/, ""), optional: token.endsWith("?"), rest: false });
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
};

describe("v1 signatures", () => {
  for (const { group, signatures } of [...COMMAND_GROUPS, { group: SentinelCommands, signatures: sentinelSignatures }]) {
    test(`${group.name}: every method has a spec, and it agrees with the method's TypeScript parameters`, () => {
      const specs = signatures.specs as Record<string, string>;
      const methods = Object.getOwnPropertyNames(group.prototype).filter(
        (name) => name !== "constructor" && typeof Object.getOwnPropertyDescriptor(group.prototype, name)!.value === "function",
      );
      for (const name of methods) {
        if (`${group.name}.${name}` in UNBOUND) {
          expect(specs[name], `${name} is listed as unbound but has a spec`).toBeUndefined();
          continue;
        }
        expect(specs[name], `${group.name}.${name} has no v1 signature`).toBeTypeOf("string");
        const declared = DECLARED.get(`${group.name}.${name}`);
        expect(declared, `${group.name}.${name} not found in the sources`).toBeDefined();
        // the trailing options object carries the keyword-only parameters (and v1's positional `encoding`)
        const typed = declared!.filter((p) => p.name !== "options");
        const fromSpec = specPositional(specs[name]!).filter((p) => p.name !== "encoding" || typed.some((d) => d.name === "encoding"));
        expect(typed, `${group.name}.${name}: ${specs[name]}`).toEqual(fromSpec);
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
      if (name !== "constructor")
        expect((RedisSentinel.prototype as unknown as Record<string, unknown>)[name], name).toBe(
          (SentinelCommands.prototype as unknown as Record<string, unknown>)[name],
        );
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
