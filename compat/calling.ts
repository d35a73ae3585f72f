/**
 * Python's calling convention (docs/v1-api.md, "How Python v1 reads in TypeScript"), the one way compat binds a v1 call.
 *
 * A method's v1 signature is a spec string, `"key, start?, stop?, *, encoding?"`: the
 * parameters Python takes positionally in Python's order (`?` where Python has a
 * default, `{}` where the parameter takes a mapping), `*name` for `*args`, the
 * keyword-only ones after `*` or `*name`, and `**` for `**kwargs`. The same string
 * serves twice:
 *
 * - at run time `bind()` reads a call by it: positional arguments in order, a trailing
 *   plain object as keyword arguments (unless it stands where a mapping is taken);
 * - at compile time `KeywordCalls` reads it to give each method the keyword forms of
 *   its call (`setex(k, { value, seconds })`, `xadd({ stream, fields })`), so what
 *   type-checks and what runs are read from one statement.
 */
import { checkEncoding, isPlainObject, NOTSET, type Encoding, type NotSet } from "./util.js";

interface Param {
  name: string;
  required: boolean;
  mapping: boolean;
}

interface Signature {
  positional: Param[];
  rest: Param | null;
  keywordOnly: Param[];
  anyKeyword: boolean;
}

const parsed = new Map<string, Signature>();

function param(token: string): Param {
  let name = token;
  const required = !name.endsWith("?");
  if (!required) name = name.slice(0, -1);
  const mapping = name.endsWith("{}");
  if (mapping) name = name.slice(0, -2);
  if (!/^[A-Za-z_$][\w$]*$/.test(name)) throw new Error(`bad parameter in a v1 signature: ${token}`);
  return { name, required, mapping };
}

/** Parses a spec string (see the module comment); cached by string. */
function signature(spec: string): Signature {
  let sig = parsed.get(spec);
  if (sig) return sig;
  sig = { positional: [], rest: null, keywordOnly: [], anyKeyword: false };
  let keywordOnly = false;
  for (const raw of spec.split(",")) {
    const token = raw.trim();
    if (!token) continue;
    if (token === "**") {
      sig.anyKeyword = true;
    } else if (token === "*") {
      keywordOnly = true;
    } else if (token.startsWith("*")) {
      sig.rest = param(token.slice(1));
      keywordOnly = true;
    } else {
      (keywordOnly ? sig.keywordOnly : sig.positional).push(param(token));
    }
  }
  parsed.set(spec, sig);
  return sig;
}

/** The arguments of a call, by name; `rest` holds the rest parameter's values. */
export type Bound = Record<string, any> & { rest: unknown[] };

/** Whether a plain object at `index` is a value for a parameter that takes a mapping. */
function takesMapping(sig: Signature, index: number): boolean {
  if (index < sig.positional.length) return sig.positional[index]!.mapping;
  return sig.rest !== null && sig.rest.mapping;
}

/**
 * Binds a call's arguments to a v1 signature: positional arguments in order, a trailing
 * plain object as keyword arguments (any parameter by name) unless its position takes
 * a mapping. Mistakes are a `TypeError`, as Python's would be.
 */
export function bind(method: string, spec: string, args: ArrayLike<unknown>): Bound {
  const sig = signature(spec);
  let positional = Array.prototype.slice.call(args) as unknown[];
  let keywords: Record<string, unknown> | null = null;
  const lastIndex = positional.length - 1;
  const last = positional[lastIndex];
  if (lastIndex >= 0 && isPlainObject(last) && !takesMapping(sig, lastIndex)) {
    positional = positional.slice(0, -1);
    keywords = last;
  }
  const bound: Bound = { rest: [] };
  const maxPositional = sig.positional.length;
  for (let i = 0; i < positional.length; i++) {
    if (i < maxPositional) {
      if (positional[i] !== undefined) bound[sig.positional[i]!.name] = positional[i];
    } else if (sig.rest !== null) {
      bound.rest.push(positional[i]);
    } else {
      throw new TypeError(`${method}() takes at most ${maxPositional} positional argument${maxPositional === 1 ? "" : "s"} (${positional.length} given)`);
    }
  }
  if (keywords) {
    for (const [name, value] of Object.entries(keywords)) {
      const known = sig.positional.some((p) => p.name === name) || sig.keywordOnly.some((p) => p.name === name);
      if (!known && !sig.anyKeyword) throw new TypeError(`${method}() got an unexpected keyword argument '${name}'`);
      if (name in bound && name !== "rest") throw new TypeError(`${method}() got multiple values for argument '${name}'`);
      if (value !== undefined) bound[name] = value;
      else if (name === "encoding") bound[name] = undefined; // encoding: undefined means "not set"
    }
  }
  for (const p of [...sig.positional, ...sig.keywordOnly]) {
    if (p.required && !(p.name in bound)) throw new TypeError(`${method}() missing required argument '${p.name}'`);
  }
  return bound;
}

/** The `encoding` of a bound call: `NOTSET` when not given. */
export function encodingOf(bound: Bound): Encoding | NotSet {
  if (!("encoding" in bound) || bound.encoding === undefined) return NOTSET;
  return checkEncoding(bound.encoding);
}

/** A command group's v1 signatures, by method name; `bind(name, arguments)` reads a call. */
export interface Signatures<S extends Record<string, string>> {
  readonly specs: S;
  bind(method: keyof S & string, args: ArrayLike<unknown>): Bound;
}

/** Declares a command group's v1 signatures (one spec string per method). */
export function signatures<const S extends Record<string, string>>(specs: S): Signatures<S> {
  for (const spec of Object.values(specs)) signature(spec); // a bad spec fails at load, not at the first call
  return {
    specs,
    bind: (method, args) => bind(method, specs[method]!, args),
  };
}

/**
 * Installs the methods of command groups (classes used only as bags of methods) on
 * `target`'s prototype. A method defined twice (by two groups, or by a group and `target`
 * or its base class) is an error at load time, so the order of the groups never decides which runs.
 */
export function installGroups(target: abstract new (...args: any[]) => object, groups: readonly { group: abstract new (...args: any[]) => object }[]): void {
  const owner = new Map<string, string>();
  for (const { group } of groups) {
    for (const name of Object.getOwnPropertyNames(group.prototype)) {
      if (name === "constructor") continue;
      const previous = owner.get(name) ?? (name in target.prototype ? target.name : undefined);
      if (previous !== undefined) throw new Error(`compat: ${name}() is defined by both ${previous} and ${group.name}`);
      owner.set(name, group.name);
      Object.defineProperty(target.prototype, name, Object.getOwnPropertyDescriptor(group.prototype, name)!);
    }
  }
}

// ---- the same specs, read by the type checker ------------------------------------------

type Trim<S extends string> = S extends ` ${infer R}` ? Trim<R> : S extends `${infer R} ` ? Trim<R> : S;
type Tokens<S extends string> = S extends `${infer H},${infer R}` ? [Trim<H>, ...Tokens<R>] : Trim<S> extends "" ? [] : [Trim<S>];
type Positional<T extends string[]> = T extends [infer H extends string, ...infer R extends string[]]
  ? H extends `*${string}`
    ? []
    : [H, ...Positional<R>]
  : [];
type KeywordOnly<T extends string[], Seen extends boolean = false> = T extends [infer H extends string, ...infer R extends string[]]
  ? H extends "**"
    ? KeywordOnly<R, Seen>
    : H extends `*${string}`
      ? KeywordOnly<R, true>
      : Seen extends true
        ? [H, ...KeywordOnly<R, true>]
        : KeywordOnly<R, false>
  : [];
type Name<T extends string> = T extends `${infer N}?` ? Name<N> : T extends `${infer N}{}` ? N : T;
type Optional<T extends string> = T extends `${string}?` ? true : false;
type Mapping<T extends string> = T extends `${string}{}` | `${string}{}?` ? true : false;
type At<A extends unknown[], I> = I extends keyof A ? Exclude<A[I], undefined> : unknown;
type Tail<A extends unknown[]> = A extends [unknown?, ...infer R] ? R : [];
type Last<A extends unknown[]> = A extends [...unknown[], infer L] ? L : A extends [...infer R, (infer L)?] ? L | (R extends R ? undefined : never) : never;
type Simplify<O> = { [K in keyof O]: O[K] } & {};

/** The keyword object of the parameters `P` (types from `A`, by position) and the keyword-only ones `K`. */
type KeywordObject<P extends string[], A extends unknown[], K extends string[], Opts, AnyKw extends boolean> = Simplify<
  { [I in keyof P as I extends `${number}` ? (Optional<P[I]> extends true ? never : Name<P[I]>) : never]: At<A, I> } & {
    [I in keyof P as I extends `${number}` ? (Optional<P[I]> extends true ? Name<P[I]> : never) : never]?: At<A, I>;
  } & { [N in K[number] as Name<N>]?: OptionType<Opts, Name<N>> }
> &
  (AnyKw extends true ? Record<string, unknown> : unknown);

/** Every form of a call that ends in a keyword object: `[kw]`, `[p1, kw]`, `[p1, p2, kw]`, ... */
type KeywordForms<P extends string[], A extends unknown[], K extends string[], Opts, AnyKw extends boolean> = P extends [
  infer H extends string,
  ...infer PR extends string[],
]
  ? (Mapping<H> extends true ? never : [keywords: KeywordObject<P, A, K, Opts, AnyKw>]) | [At<A, "0">, ...KeywordForms<PR, Tail<A>, K, Opts, AnyKw>]
  : K extends []
    ? AnyKw extends true
      ? [keywords: KeywordObject<[], [], K, Opts, AnyKw>]
      : never
    : [keywords: KeywordObject<[], [], K, Opts, AnyKw>];

/** The options object a method declares last, for the types of its keyword-only parameters. */
type OptionsOf<F> = F extends (...args: infer A) => unknown
  ? Exclude<Extract<A extends [] ? never : number extends A["length"] ? A[number] : Last<A>, object>, Buffer | readonly unknown[] | Function>
  : never;
/** The type of keyword `N` in the options type(s) `Opts`; `unknown` when none declares it. */
type OptionType<Opts, N extends string> = [Opts extends unknown ? (N extends keyof Opts ? Opts[N] : never) : never] extends [never]
  ? unknown
  : Opts extends unknown
    ? N extends keyof Opts
      ? Opts[N]
      : never
    : never;

type Forms<F, S extends string> = F extends (...args: infer A) => unknown
  ? KeywordForms<Positional<Tokens<S>>, A, KeywordOnly<Tokens<S>>, OptionsOf<F>, "**" extends Tokens<S>[number] ? true : false>
  : never;

/**
 * A method `F` that also takes the keyword forms of its v1 signature `S`. A method whose
 * reply type follows a per-call `encoding` is generic, so its keyword forms are a second
 * overload; any other gets one signature with both kinds of argument list (an overload
 * would make `cur = (await r.scan(cur))[0]` in a loop a circular inference).
 *
 * The forms' parameter types are read from `FP`, the same method of the group at a fixed
 * reply type: they do not depend on the client's `T`, so comparing `Redis<A>` with
 * `Redis<B>` (variance, assignability) finds them identical instead of re-deriving them.
 */
export type WithKeywords<F, S extends string, FP = F> = [Forms<FP, S>] extends [never]
  ? F
  : F extends (...args: infer A) => infer R
    ? "encoding" extends Name<Tokens<S>[number]>
      ? F & ((...args: Forms<FP, S>) => R)
      : (...args: A | Forms<FP, S>) => R
    : F;

/** A command group's methods (not the core's members), each with its keyword forms (`GP`: the group at a fixed `T`). */
export type KeywordCalls<G, S extends Record<string, string>, Core, GP = G> = {
  [K in keyof G as K extends keyof Core ? never : K]: K extends keyof S ? WithKeywords<G[K], S[K], K extends keyof GP ? GP[K] : G[K]> : G[K];
};
