/**
 * The key parameters a spec states (`keys`) are the ones the server says are keys: every spec is
 * called with a marker value in each parameter (`@k:<name>`), and COMMAND GETKEYS on the words
 * it builds must name exactly the spec's key parameters. Cluster slot routing can rely on them.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { commandKeys, COMMANDS } from "../../src/commands/index.js";
import { bindArgs, type CommandSpec } from "../../src/commands/spec.js";
import { Redis } from "../../src/index.js";
import { useRedisServer } from "../harness/index.js";

const server = useRedisServer();

const marker = (name: string) => `@k:${name}`;

/** Commands whose keys are counted by `numkeys` among other values: no key parameters, by design. */
const NUMKEYS_MIXED = new Set(["EVAL", "EVAL_RO", "EVALSHA", "EVALSHA_RO", "FCALL", "FCALL_RO"]);

/** Values for parameters that a marker cannot fill (enum words, numbers, payloads). */
const WORDS: Record<string, unknown> = {
  infotype: "ENCODING",
  operation: "AND",
  where: "BEFORE",
  direction: "LEFT",
  min: 0,
  max: 1,
  start: 0,
  end: 1,
  unit: "m",
  maxlen: 1,
  longitude: 1,
  latitude: 1,
  radius: 1,
  mapping: new Map([["m", "1"]]),
  values: [1, 1, "member"],
  when: 1,
  value: 1,
};

/** Calls the samples cannot make (options that go in pairs). */
const EXTRA_CALLS: Record<string, unknown[]> = {
  geosearch: [marker("name"), { member: "m", radius: 1 }],
  geosearchstore: [marker("dest"), marker("name"), { member: "m", radius: 1 }],
};

function sample(spec: CommandSpec, name: string, kind: string, rest: boolean): unknown {
  // A key parameter always gets a marker (WORDS fill the others).
  if (name in WORDS && !spec.keys.includes(name) && kind !== "bool") return WORDS[name];
  if (rest || kind === "list") return [marker(name)];
  switch (kind) {
    case "num":
    case "int":
    case "pyint":
      return 1;
    case "bool":
      return name === "min" ? true : undefined; // BZMPOP/ZMPOP need one of min and max
    case "map":
    case "any":
      return new Map([[marker(name), 1]]);
    default:
      return marker(name);
  }
}

/** A call of `spec` with every parameter a sample (keywords for the ones after a rest parameter). */
function sampleCall(spec: CommandSpec): unknown[] {
  const positional: unknown[] = [];
  const keywords: Record<string, unknown> = {};
  spec.parsed.forEach((p, i) => {
    const value = sample(spec, p.name, p.kind, p.rest);
    if (spec.restIndex === -1 || i < spec.restIndex) positional.push(value ?? null);
    else if (i === spec.restIndex) positional.push(...(value as unknown[]));
    else if (value !== undefined) keywords[p.name] = value;
  });
  return Object.keys(keywords).length > 0 ? [...positional, keywords] : positional;
}

describe("key parameters in the specs", () => {
  let r: Redis<string>;
  beforeAll(() => {
    r = new Redis({ port: server().port, protocol: 3, decodeResponses: true });
  });
  afterAll(async () => {
    await r.close();
  });

  test("every spec's key parameters are the keys COMMAND GETKEYS finds", async () => {
    const wrong: string[] = [];
    let checked = 0;
    let keyed = 0;
    const unchecked: string[] = [];
    for (const spec of Object.values(COMMANDS)) {
      // A call that cannot have every parameter (exclusive options...) is made with the
      // required ones only (an optional parameter given the kind "bool" is left out), plus
      // each optional parameter on its own.
      const only = (keep: string | null) => ({
        ...spec,
        parsed: spec.parsed.map((p) => (p.optional && !p.rest && p.name !== keep ? { ...p, kind: "bool" as const } : p)),
      });
      const calls = [sampleCall(spec), sampleCall(only(null)), ...spec.parsed.filter((p) => p.optional && !p.rest).map((p) => sampleCall(only(p.name)))];
      if (EXTRA_CALLS[spec.method]) calls.push(EXTRA_CALLS[spec.method]!);
      const found = new Set<string>();
      let built = false;
      for (const call of calls) {
        let argv: ReturnType<typeof spec.build>;
        try {
          argv = spec.build(bindArgs(spec, call));
        } catch {
          continue;
        }
        built = true;
        try {
          const keys = (await r.executeCommand("COMMAND", "GETKEYS", ...argv)) as string[];
          for (const k of keys) if (k.startsWith("@k:")) found.add(k.slice(3));
        } catch {
          // "the command has no key arguments" (or GETKEYS cannot tell): no keys
        }
      }
      if (!built) {
        unchecked.push(spec.method);
        continue;
      }
      checked++;
      if (NUMKEYS_MIXED.has(spec.command)) {
        if (spec.keys.length > 0) wrong.push(`${spec.method}: keys counted by numkeys must not be key parameters`);
        continue;
      }
      if (found.size > 0) keyed++;
      if ([...found].sort().join() !== [...spec.keys].sort().join()) {
        wrong.push(`${spec.method}: the spec says [${spec.keys.join(", ")}], GETKEYS found [${[...found].join(", ")}]`);
      }
    }
    expect(wrong).toEqual([]);
    // Only keyless admin commands resist the sample calls (enum words, slot ranges).
    expect(unchecked.filter((method) => COMMANDS[method]!.keys.length > 0)).toEqual([]);
    expect(unchecked.length).toBeLessThan(12);
    expect(checked + unchecked.length).toBe(Object.keys(COMMANDS).length);
    expect(keyed).toBeGreaterThan(170);
  });

  test("commandKeys gives a call's keys from its bound values", () => {
    const keysOf = (method: string, ...args: unknown[]) => commandKeys(COMMANDS[method]!, bindArgs(COMMANDS[method]!, args));
    expect(keysOf("set", "a", "1", { ex: 5 })).toEqual(["a"]);
    expect(keysOf("mget", ["a", "b"], "c")).toEqual(["a", "b", "c"]);
    expect(keysOf("mset", { a: "1", b: "2" })).toEqual(["a", "b"]);
    expect(keysOf("zunionstore", "dest", { x: 1, y: 2 })).toEqual(["dest", "x", "y"]);
    expect(
      keysOf(
        "xread",
        new Map([
          ["s1", "0"],
          ["s2", "0"],
        ]),
      ),
    ).toEqual(["s1", "s2"]);
    expect(keysOf("sort", "list", { store: "out" })).toEqual(["list", "out"]);
    expect(keysOf("ping")).toEqual([]);
    expect(keysOf("blmpop", 1, 2, "l1", "l2", { direction: "LEFT" })).toEqual(["l1", "l2"]);
  });
});
