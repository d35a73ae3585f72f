/**
 * Each command is stated once, in its spec; the TypeScript method signatures in the
 * `Commands` interfaces are its typed face and must agree with it. TypeScript types are gone at
 * run time, so the interfaces are read from their source (with the TypeScript parser jscodeshift
 * ships) and compared with the specs' parameter declarations:
 *
 * - every interface method has a spec and every spec a method;
 * - each overload's parameters are the spec's, by name and in order, a rest parameter where the
 *   spec has one, optionally ending in an options object whose properties are spec parameters
 *   that come later (keyword arguments);
 * - a parameter the spec requires is required in every overload (directly or in the options
 *   object), and a parameter the spec makes optional can be left out in at least one overload;
 * - at least one overload takes every parameter before the rest parameter positionally.
 *
 * The checker is also run on a small deliberately broken interface, so it is known to catch
 * each kind of disagreement.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import jscodeshift from "jscodeshift";
import { describe, expect, expectTypeOf, test } from "vitest";
import { BLOCKING_COMMANDS, COMMANDS } from "../../src/commands/index.js";
import { bindArgs, defineCommands, type ArgValue, type Bound } from "../../src/commands/spec.js";

const j = jscodeshift.withParser("ts");
const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "../../src/commands");

/** Interface parameter names that cannot be the spec's name: reserved words. Keep it short. */
const RENAMED: Record<string, string> = {
  // `function` is a reserved word in a parameter list; the keyword argument is still `function`.
  "fcall.func": "function",
  "fcallRo.func": "function",
};

interface SpecParam {
  name: string;
  optional: boolean;
  rest: boolean;
  /** A rest parameter that also takes one array. */
  list: boolean;
}

interface SigParam {
  name: string;
  optional: boolean;
  rest: boolean;
  type: any;
}

type Props = Map<string, boolean>; // name -> required

interface TypeDecl {
  params: { name: string; default: any }[];
  kind: "interface" | "alias";
  node: any;
}

function specParams(decls: readonly string[]): SpecParam[] {
  return decls.map((decl) => {
    const rest = decl.startsWith("...");
    const [head = "", kind] = (rest ? decl.slice(3) : decl).split(":");
    const optional = head.endsWith("?");
    return { name: optional ? head.slice(0, -1) : head, optional: optional || rest, rest, list: rest && kind === "list" };
  });
}

/** The interfaces and type aliases of some sources, by name. */
function collectTypes(sources: string[]): Map<string, TypeDecl> {
  const types = new Map<string, TypeDecl>();
  for (const source of sources) {
    const root = j(source);
    const typeParams = (node: any) => (node.typeParameters?.params ?? []).map((p: any) => ({ name: p.name, default: p.default }));
    root.find(j.TSInterfaceDeclaration).forEach((p: any) => {
      types.set(p.node.id.name, { params: typeParams(p.node), kind: "interface", node: p.node });
    });
    root.find(j.TSTypeAliasDeclaration).forEach((p: any) => {
      types.set(p.node.id.name, { params: typeParams(p.node), kind: "alias", node: p.node });
    });
  }
  return types;
}

/** The properties of an object type (an options parameter), or null when it is not one the checker can read. */
function propsOf(node: any, types: Map<string, TypeDecl>, env: Map<string, any> = new Map(), depth = 0): Props | null {
  if (!node || depth > 20) return null;
  switch (node.type) {
    case "TSParenthesizedType":
      return propsOf(node.typeAnnotation, types, env, depth + 1);
    case "TSTypeLiteral": {
      const props: Props = new Map();
      for (const m of node.members) {
        if (m.type !== "TSPropertySignature" || m.key.type !== "Identifier") return null;
        props.set(m.key.name, !m.optional);
      }
      return props;
    }
    case "TSIntersectionType": {
      const props: Props = new Map();
      for (const t of node.types) {
        const part = propsOf(t, types, env, depth + 1);
        if (!part) return null;
        for (const [name, required] of part) props.set(name, required || (props.get(name) ?? false));
      }
      return props;
    }
    case "TSUnionType": {
      const parts = node.types
        .filter((t: any) => t.type !== "TSNullKeyword" && t.type !== "TSUndefinedKeyword")
        .map((t: any) => propsOf(t, types, env, depth + 1));
      if (parts.length === 0 || parts.some((p: Props | null) => !p)) return null;
      const props: Props = new Map();
      for (const part of parts as Props[])
        for (const [name] of part)
          props.set(
            name,
            parts.every((p: Props) => p.get(name) === true),
          );
      return props;
    }
    case "TSTypeReference": {
      if (node.typeName.type !== "Identifier") return null;
      const name = node.typeName.name;
      const args: any[] = node.typeParameters?.params ?? [];
      if (env.has(name)) return propsOf(env.get(name), types, new Map(), depth + 1);
      if (name === "Partial" || name === "Readonly" || name === "Required") {
        const inner = propsOf(args[0], types, env, depth + 1);
        if (!inner || name === "Readonly") return inner;
        return new Map([...inner].map(([k]) => [k, name === "Required"]));
      }
      if (name === "Omit" || name === "Pick" || name === "Without") {
        const inner = propsOf(args[0], types, env, depth + 1);
        const keys = literalKeys(args[1]);
        if (!inner || !keys) return null;
        return new Map([...inner].filter(([k]) => keys.has(k) === (name === "Pick")));
      }
      const decl = types.get(name);
      if (!decl) return null;
      const bound = new Map(env);
      decl.params.forEach((p, i) => bound.set(p.name, args[i] ?? p.default));
      if (decl.kind === "alias") return propsOf(decl.node.typeAnnotation, types, bound, depth + 1);
      const props: Props = new Map();
      for (const heritage of decl.node.extends ?? []) {
        const ref = { type: "TSTypeReference", typeName: heritage.expression, typeParameters: heritage.typeParameters };
        const inherited = propsOf(ref, types, bound, depth + 1);
        if (!inherited) return null;
        for (const [k, v] of inherited) props.set(k, v);
      }
      const own = propsOf({ type: "TSTypeLiteral", members: decl.node.body.body }, types, bound, depth + 1);
      if (!own) return null;
      for (const [k, v] of own) props.set(k, v);
      return props;
    }
    default:
      return null;
  }
}

function literalKeys(node: any): Set<string> | null {
  if (!node) return null;
  if (node.type === "TSLiteralType" && typeof node.literal.value === "string") return new Set([node.literal.value]);
  if (node.type === "TSUnionType") {
    const keys = new Set<string>();
    for (const t of node.types) {
      const k = literalKeys(t);
      if (!k) return null;
      for (const key of k) keys.add(key);
    }
    return keys;
  }
  return null;
}

/** The method signatures of the named interfaces: method -> overloads. */
function collectMethods(sources: string[], interfaces: Set<string>): Map<string, SigParam[][]> {
  const methods = new Map<string, SigParam[][]>();
  for (const source of sources) {
    j(source)
      .find(j.TSInterfaceDeclaration)
      .forEach((p: any) => {
        if (!interfaces.has(p.node.id.name)) return;
        for (const m of p.node.body.body) {
          if (m.type !== "TSMethodSignature" || m.key.type !== "Identifier") continue;
          const params: SigParam[] = m.parameters.map((q: any) =>
            q.type === "RestElement"
              ? { name: q.argument.name, optional: true, rest: true, type: q.typeAnnotation?.typeAnnotation }
              : { name: q.name, optional: !!q.optional, rest: false, type: q.typeAnnotation?.typeAnnotation },
          );
          const overloads = methods.get(m.key.name) ?? [];
          overloads.push(params);
          methods.set(m.key.name, overloads);
        }
      });
  }
  return methods;
}

/**
 * The options object's properties must be spec parameters from `from` on, none of them rest,
 * with the spec's required ones required. Returns them.
 */
function checkOptions(method: string, sig: string, props: Props, spec: SpecParam[], from: number, problems: string[]): Props {
  const later = new Map(
    spec
      .slice(from)
      .filter((p) => !p.rest)
      .map((p) => [p.name, p]),
  );
  for (const [name, required] of props) {
    const param = later.get(name);
    if (!param) {
      problems.push(`${method}(${sig}): option '${name}' is not a spec parameter after position ${from} (the spec: ${spec.map((p) => p.name).join(", ")})`);
    } else if (!param.optional && !required) {
      problems.push(`${method}(${sig}): option '${name}' is optional here, required in the spec`);
    } else if (param.optional && required && spec.indexOf(param) < from) {
      problems.push(`${method}(${sig}): option '${name}' is required here, optional in the spec`);
    }
  }
  return props;
}

/** Every disagreement between the interface methods and the specs, as messages. */
function disagreements(
  methods: Map<string, SigParam[][]>,
  specs: Record<string, { params: readonly string[]; mappingAt?: { position: number; param: number } }>,
  types: Map<string, TypeDecl>,
): string[] {
  const problems: string[] = [];
  for (const method of Object.keys(specs)) if (!methods.has(method)) problems.push(`${method}: a spec without an interface method`);
  for (const [method, overloads] of methods) {
    const declared = specs[method];
    if (!declared) {
      problems.push(`${method}: an interface method without a spec`);
      continue;
    }
    const spec = specParams(declared.params);
    const restAt = spec.findIndex((p) => p.rest);
    const positionalCount = restAt === -1 ? spec.length : restAt;
    const omittable = new Set<string>();
    let complete = false;
    for (const params of overloads) {
      const sig = params.map((p) => (p.rest ? "..." : "") + p.name + (p.optional && !p.rest ? "?" : "")).join(", ");
      const covered = new Set<string>();
      const cover = (name: string, required: boolean) => {
        covered.add(name);
        if (!required) omittable.add(name);
      };
      let positional = 0;
      for (let i = 0; i < params.length; i++) {
        const param = params[i]!;
        const name = RENAMED[`${method}.${param.name}`] ?? param.name;
        const expected = spec[i];
        if (param.rest) {
          if (!expected?.rest || expected.name !== name) {
            problems.push(
              `${method}(${sig}): rest parameter '...${param.name}' where the spec has ${expected ? `'${expected.rest ? "..." : ""}${expected.name}'` : "nothing"}`,
            );
            break;
          }
          covered.add(name);
          positional = i + 1;
          // `...args: [...keys: KeyT[], options: Options]`: keyword-only parameters after the rest.
          const last = param.type?.type === "TSTupleType" ? param.type.elementTypes.at(-1) : null;
          const lastType = last?.type === "TSNamedTupleMember" ? last.elementType : last;
          const props = lastType && lastType.type !== "TSRestType" ? propsOf(lastType, types) : null;
          if (props) for (const [k, required] of checkOptions(method, sig, props, spec, i + 1, problems)) cover(k, required);
          break;
        }
        // `mappingAt`: the mapping parameter given in another's place (`hset(name, mapping)`), as the last one.
        const alias = declared.mappingAt;
        if (alias && alias.position === i && spec[alias.param]?.name === name && i === params.length - 1) {
          cover(name, !param.optional);
          positional = i + 1;
          continue;
        }
        // redis-py's `list_or_args`: one array in place of a "...name:list" rest parameter.
        const listInPlaceOfRest = expected?.rest && expected.list && i === params.length - 1;
        if (expected && (!expected.rest || listInPlaceOfRest) && expected.name === name) {
          if (!expected.optional && param.optional) problems.push(`${method}(${sig}): '${param.name}' is optional here, required in the spec`);
          covered.add(name);
          positional = i + 1;
          continue;
        }
        if (i === params.length - 1) {
          const props = propsOf(param.type, types);
          if (!props) {
            problems.push(
              `${method}(${sig}): parameter #${i + 1} '${param.name}' is neither the spec's '${expected?.name ?? "(none)"}' nor an options object the checker can read`,
            );
            break;
          }
          for (const [k, required] of checkOptions(method, sig, props, spec, i, problems)) cover(k, required);
          break;
        }
        problems.push(`${method}(${sig}): parameter #${i + 1} is '${param.name}', the spec has '${expected ? expected.name : "(none)"}'`);
        break;
      }
      for (const p of spec) {
        if (p.rest) continue;
        if (!covered.has(p.name) && !p.optional) problems.push(`${method}(${sig}): the spec's required '${p.name}' cannot be given`);
        if (!covered.has(p.name)) omittable.add(p.name);
      }
      for (const p of params) if (p.optional && !p.rest) omittable.add(RENAMED[`${method}.${p.name}`] ?? p.name);
      if (positional >= positionalCount) complete = true;
    }
    for (const p of spec) {
      if (p.optional && !p.rest && !omittable.has(p.name)) problems.push(`${method}: '${p.name}' is optional in the spec, required in every overload`);
    }
    if (!complete)
      problems.push(
        `${method}: no overload takes all of ${
          spec
            .slice(0, positionalCount)
            .map((p) => p.name)
            .join(", ") || "(nothing)"
        } positionally`,
      );
  }
  return problems;
}

function commandsInterfaces(indexSource: string): Set<string> {
  const names = new Set<string>();
  j(indexSource)
    .find(j.TSInterfaceDeclaration, { id: { name: "Commands" } })
    .forEach((p: any) => {
      for (const heritage of p.node.extends ?? []) names.add(heritage.expression.name);
    });
  return names;
}

describe("command specs and the Commands interfaces", () => {
  const sources = fs
    .readdirSync(DIR)
    .filter((f) => f.endsWith(".ts"))
    .map((f) => fs.readFileSync(path.join(DIR, f), "utf8"));
  const interfaces = commandsInterfaces(fs.readFileSync(path.join(DIR, "index.ts"), "utf8"));
  const methods = collectMethods(sources, interfaces);
  const types = collectTypes(sources);

  test("the Commands interfaces are found and read", () => {
    expect(interfaces.size).toBeGreaterThanOrEqual(15);
    expect(methods.size).toBeGreaterThan(300);
    expect(methods.get("set")!.length).toBe(9); // typed by `get`: 3 keyword-object, 3 with `ex` then keywords, 3 positional
    expect(propsOf({ type: "TSTypeReference", typeName: { type: "Identifier", name: "SetOptions" } }, types)).toEqual(
      new Map([
        ["ex", false],
        ["px", false],
        ["nx", false],
        ["xx", false],
        ["keepttl", false],
        ["get", false],
        ["exat", false],
        ["pxat", false],
      ]),
    );
  });

  test("every interface method agrees with its spec (names, order, optional parameters)", () => {
    expect(disagreements(methods, COMMANDS, types)).toEqual([]);
  });

  test("the checker catches each kind of disagreement", () => {
    const source = `
      interface Options { b?: number; zz?: number }
      interface BrokenCommands<T, M> {
        swapped(b: number, a: number): void;
        renamed(a: number, bee?: number): void;
        madeOptional(a?: number, b?: number): void;
        madeRequired(a: number, b: number): void;
        unknownOption(a: number, options?: Options): void;
        missingRest(a: number): void;
        noSpec(a: number): void;
      }
      interface FineCommands<T, M> {
        fine(a: number, b?: number): void;
        fine(a: number, options?: { b?: number }): void;
        fineRest(a: number, ...rest: number[]): void;
        fineRest(a: number, rest: number[]): void;
      }`;
    const specs = {
      swapped: { params: ["a", "b"] },
      renamed: { params: ["a", "b?"] },
      madeOptional: { params: ["a", "b?"] },
      madeRequired: { params: ["a", "b?"] },
      unknownOption: { params: ["a", "b?"] },
      missingRest: { params: ["a", "...rest"] },
      lonelySpec: { params: [] },
      fine: { params: ["a", "b?:int"] },
      fineRest: { params: ["a", "...rest:list"] },
    };
    const found = disagreements(collectMethods([source], new Set(["BrokenCommands", "FineCommands"])), specs, collectTypes([source]));
    const about = (method: string) => found.filter((m) => m.startsWith(`${method}(`) || m.startsWith(`${method}:`));
    expect(about("swapped")[0]).toMatch(/parameter #1 is 'b', the spec has 'a'/);
    expect(about("renamed")[0]).toMatch(/'bee' is neither the spec's 'b'/);
    expect(about("madeOptional")[0]).toMatch(/'a' is optional here, required in the spec/);
    expect(about("madeRequired")[0]).toMatch(/'b' is optional in the spec, required in every overload/);
    expect(about("unknownOption")[0]).toMatch(/option 'zz' is not a spec parameter/);
    expect(about("missingRest")).toEqual([]); // a rest parameter may be left out
    expect(about("noSpec")[0]).toMatch(/an interface method without a spec/);
    expect(about("lonelySpec")[0]).toMatch(/a spec without an interface method/);
    expect(about("fine")).toEqual([]);
    expect(about("fineRest")).toEqual([]);
  });
});

describe("facts kept in the specs", () => {
  test("the blocking commands are derived from the specs", () => {
    expect([...BLOCKING_COMMANDS.keys()].sort()).toEqual([
      "BLMOVE",
      "BLMPOP",
      "BLPOP",
      "BRPOP",
      "BRPOPLPUSH",
      "BZMPOP",
      "BZPOPMAX",
      "BZPOPMIN",
      "WAIT",
      "WAITAOF",
      "XREAD",
      "XREADGROUP",
    ]);
    for (const spec of Object.values(COMMANDS)) {
      expect(spec.route === 1, spec.method).toBe(spec.blocking !== undefined);
    }
  });

  test("key parameters name parameters of their spec", () => {
    for (const spec of Object.values(COMMANDS)) {
      for (const key of spec.keys)
        expect(
          spec.params.map((d) => d.replace(/^\.\.\./, "").split(/[?:]/)[0]),
          spec.method,
        ).toContain(key);
    }
  });
});

describe("the parameters by name", () => {
  test("their types come from the declarations", () => {
    type P = Bound<readonly ["name", "ex?:num", "count?:int", "nx?:bool", "mapping:map", "fields:list", "any?:any", "...keys:list"]>;
    expectTypeOf<P>().toEqualTypeOf<{
      name: ArgValue;
      ex?: number | bigint | string | undefined;
      count?: number | bigint | string | undefined;
      nx?: boolean | undefined;
      mapping: Record<string, unknown> | Map<unknown, unknown>;
      fields: ArgValue[];
      any?: unknown;
      keys: ArgValue[];
    }>();
    expectTypeOf<Bound<readonly []>>().toEqualTypeOf<Record<never, never>>();
  });

  test("build, reply and error receive them by name", () => {
    const seen: unknown[] = [];
    const specs = defineCommands({
      demo: {
        command: "DEMO",
        params: ["name", "ex?:num", "...rest"],
        build: ({ name, ex, rest }) => {
          expectTypeOf(ex).toEqualTypeOf<number | bigint | string | undefined>();
          seen.push({ name, ex, rest });
          return ["DEMO", name, ...rest];
        },
        reply: (reply, p) => [reply, p.name, p.ex],
        error: (err, { name }) => `${err.message} for ${String(name)}`,
        keys: ["name"],
      },
    });
    const spec = specs.demo!;
    const values = bindArgs(spec, ["k", 5, 1, 2]);
    expect(spec.build(values)).toEqual(["DEMO", "k", 1, 2]);
    expect(seen).toEqual([{ name: "k", ex: 5, rest: [1, 2] }]);
    expect(spec.reply!("OK", values)).toEqual(["OK", "k", 5]);
    expect(spec.error!(new Error("boom"), values)).toBe("boom for k");
    expect(spec.keys).toEqual(["name"]);
  });

  test("a name that is not declared does not compile", () => {
    // Never called: the point is that tsc (npm run typecheck) rejects each marked line.
    const wrong = () =>
      defineCommands({
        bad: {
          command: "BAD",
          params: ["a", "b?:int"],
          // @ts-expect-error 'c' is not a parameter
          build: ({ a, c }) => [a, String(c)],
          // @ts-expect-error 'c' is not a parameter, so it cannot be a key
          keys: ["c"],
        },
      });
    expect(typeof wrong).toBe("function");
  });
});

/**
 * Issue 15 item 5: every keyword the runtime accepts is accepted by the types. After `i`
 * positional arguments a trailing plain object may carry any later spec parameter by name
 * (the Python calling convention of `bindArgs`), so an overload ending in an options object
 * at position `i` must, with the other overloads ending in one at the same position, offer
 * every later parameter of the spec (after a rest parameter: the keyword-only ones).
 */
function missingKeywords(methods: Map<string, SigParam[][]>, specs: Record<string, { params: readonly string[] }>, types: Map<string, TypeDecl>): string[] {
  const problems: string[] = [];
  for (const [method, overloads] of methods) {
    const declared = specs[method];
    if (!declared) continue;
    const spec = specParams(declared.params);
    const offered = new Map<number, Set<string>>();
    for (const params of overloads) {
      const last = params.at(-1);
      if (!last) continue;
      let at = params.length - 1;
      let props: Props | null = null;
      if (last.rest) {
        const tail = last.type?.type === "TSTupleType" ? last.type.elementTypes.at(-1) : null;
        const tailType = tail?.type === "TSNamedTupleMember" ? tail.elementType : tail;
        if (tailType && tailType.type !== "TSRestType") props = propsOf(tailType, types);
        at = params.length;
      } else if (spec[at]?.name !== (RENAMED[`${method}.${last.name}`] ?? last.name)) {
        props = propsOf(last.type, types);
      }
      if (!props) continue;
      const names = offered.get(at) ?? new Set<string>();
      for (const name of props.keys()) names.add(name);
      offered.set(at, names);
    }
    // redis-py style `georadius(name, lon, lat, r, "km", withdist=True)`: the first optional
    // parameter positionally, then keywords, wherever keywords follow the required ones.
    const required = spec.filter((p) => !p.optional).length;
    const restAt = spec.findIndex((p) => p.rest);
    const end = restAt === -1 ? spec.length : restAt;
    if (offered.has(required) && required + 1 < end && !offered.has(required + 1)) {
      problems.push(`${method}: no options object after ${required + 1} argument(s) (${spec[required]!.name} given positionally)`);
    }
    for (const [at, names] of offered) {
      const missing = spec.slice(at).filter((p) => !p.rest && !names.has(p.name));
      if (missing.length > 0) problems.push(`${method}: the options object after ${at} argument(s) lacks ${missing.map((p) => p.name).join(", ")}`);
    }
  }
  return problems;
}

describe("keyword objects", () => {
  const sources = fs
    .readdirSync(DIR)
    .filter((f) => f.endsWith(".ts"))
    .map((f) => fs.readFileSync(path.join(DIR, f), "utf8"));
  const methods = collectMethods(sources, commandsInterfaces(fs.readFileSync(path.join(DIR, "index.ts"), "utf8")));
  const types = collectTypes(sources);

  test("accept every later spec parameter the runtime takes by name", () => {
    expect(missingKeywords(methods, COMMANDS, types)).toEqual([]);
  });

  test("the check catches an options object that leaves a parameter out", () => {
    const source = `interface K<T, M> {
      xgroupCreate(name: KeyT, groupname: KeyT, options?: { id?: KeyT; mkstream?: boolean; entriesRead?: number }): M;
      xgroupCreate(name: KeyT, groupname: KeyT, id?: KeyT, options?: { mkstream?: boolean }): M;
      xgroupDestroy(name: KeyT, groupname: KeyT, options: { id?: KeyT }): M;
    }`;
    const found = missingKeywords(
      collectMethods([source], new Set(["K"])),
      {
        xgroupCreate: { params: ["name", "groupname", "id?", "mkstream?:bool", "entriesRead?:int"] },
        xgroupDestroy: { params: ["name", "groupname", "id?", "force?:bool"] },
      },
      collectTypes([source]),
    );
    expect(found).toEqual([
      "xgroupCreate: the options object after 3 argument(s) lacks entriesRead",
      "xgroupDestroy: no options object after 3 argument(s) (id given positionally)",
      "xgroupDestroy: the options object after 2 argument(s) lacks force",
    ]);
  });
});
