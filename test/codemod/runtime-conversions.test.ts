/**
 * The conversions the codemod writes at a call site for values known only at run time (a
 * spread in v1 factory options, xread() streams built at run time), evaluated as written: the
 * same result as v1 for every value v1 took, and a loud error, never a silent difference,
 * where v2 cannot take a value the same way.
 */
import { describe, expect, it } from "vitest";
import type { Ctx } from "../../codemods/lib/context.js";
import { spreadConversionText } from "../../codemods/v2/options.js";
import { streamsMappingText } from "../../codemods/v2/streams.js";

const js = { lang: "js", quote: '"' } as Ctx;

function evaluate(text: string, scope: Record<string, unknown>): unknown {
  const names = Object.keys(scope);
  return new Function(...names, `return ${text};`)(...names.map((n) => scope[n]));
}

describe("spread options converted at run time", () => {
  const rules = {
    renames: new Map([
      ["db", "db"],
      ["password", "password"],
      ["timeout", "socketConnectTimeout"],
      ["name", "clientName"],
      ["ssl", "ssl"],
      ["minsize", ""],
      ["maxsize", "maxConnections"],
    ]),
    refused: ["encoding", "parser"],
    overridden: ["maxsize"],
  };
  const convert = (o: object) => evaluate(spreadConversionText(js, "createRedisPool", "o", rules), { o });

  it("renames v1 keys, drops minsize and the keys set again after the spread", () => {
    expect(convert({ db: 2, password: "pw", timeout: 1.5, name: "app", minsize: 1, maxsize: 99 })).toEqual({
      db: 2,
      password: "pw",
      socketConnectTimeout: 1.5,
      clientName: "app",
    });
  });

  it("leaves out what v1 read as not given (undefined; null for db and ssl)", () => {
    expect(convert({ db: null, ssl: null, password: null, timeout: undefined })).toEqual({ password: null });
  });

  it("takes ssl as a boolean and refuses an SSL context", () => {
    expect(convert({ ssl: true })).toEqual({ ssl: true });
    expect(() => convert({ ssl: { ca: "x" } })).toThrow(/ssl: true with sslCaCerts/);
  });

  it("refuses an encoding, a key with no v2 form and an unknown key, naming it", () => {
    expect(() => convert({ encoding: "utf-8" })).toThrow(/the option encoding comes from a spread/);
    expect(() => convert({ parser: () => null })).toThrow(/the option parser/);
    expect(() => convert({ dbb: 1 })).toThrow(/the option dbb/);
    // a refused key that v1 took as not given is fine
    expect(convert({ encoding: null })).toEqual({});
  });

  it("does not read a key from the prototype (a Map, not an object, holds the table)", () => {
    expect(() => convert({ constructor: 1 })).toThrow(/the option constructor/);
  });
});

describe("xread() streams built at run time", () => {
  const withIds = (streams: string[], ids: string[]) => evaluate(streamsMappingText(js, "xread", "streams", "ids"), { streams, ids }) as Map<string, string>;
  const latest = (streams: string[]) => evaluate(streamsMappingText(js, "xread", "streams", null), { streams }) as Map<string, string>;

  it("pairs each stream with its id, in order", () => {
    expect([...withIds(["a", "b"], ["0", "5-1"])]).toEqual([
      ["a", "0"],
      ["b", "5-1"],
    ]);
    expect([...latest(["a", "b"])]).toEqual([
      ["a", "$"],
      ["b", "$"],
    ]);
  });

  it("refuses what v1 refused (as many ids as streams) and what a Map cannot hold (a stream twice)", () => {
    expect(() => withIds(["a", "b"], ["0"])).toThrow(RangeError);
    expect(() => withIds(["a"], ["0", "1"])).toThrow(RangeError);
    expect(() => withIds(["a", "a"], ["0", "1"])).toThrow(/each stream once/);
    expect(() => latest(["a", "a"])).toThrow(/each stream once/);
  });
});
