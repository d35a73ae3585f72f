/**
 * Fault matrix: secrets. No password shows in any printable form of a client, its pool or
 * its connections (util.inspect with every option, JSON, String, Object.keys/entries, and the
 * same of a copy of its own properties `{ ...client }`), nor in an error message or stack,
 * including pipeline errors of commands that carry one. JSON of a client or a pool, and of a
 * copy of its own properties, never throws (no cycle): the codemod converts code that only
 * describes a client on that promise (codemods/v2/describe.ts).
 */
import * as util from "node:util";
import { describe, expect, test } from "vitest";
import { ConnectionPool, Redis, Sentinel } from "../../src/index.js";
import { startFakeServer, useRedisServer } from "../harness/index.js";
import { report } from "./report.js";

const SECRET = "s3cr3t-Pa55";
const server = useRedisServer({ password: SECRET });

/** Every printable form of `value` we know of. */
function printableForms(value: object): string[] {
  const forms: string[] = [
    util.inspect(value),
    util.inspect(value, { depth: Infinity }),
    util.inspect(value, { customInspect: false, depth: Infinity }),
    util.inspect(value, { customInspect: false, depth: Infinity, showHidden: true }),
    util.inspect(value, { customInspect: false, depth: Infinity, showHidden: true, getters: true }),
    util.format("%o", value),
    util.format("%O", value),
    util.format("%j", value),
    String(value),
    Object.keys(value).join(","),
  ];
  // a copy of its own properties (`{ ...client }`, what a logging helper masks keys of)
  const copy = { ...value };
  forms.push(util.inspect(copy, { depth: Infinity, showHidden: true }), util.inspect(copy, { customInspect: false, depth: Infinity }), `${String(value)}`);
  for (const v of [value, copy]) {
    try {
      forms.push(JSON.stringify(v));
    } catch (err) {
      forms.push(String((err as Error).message), String((err as Error).stack));
    }
  }
  return forms;
}

function leaks(forms: string[]): number {
  const hex = Buffer.from(SECRET).toString("hex");
  const spacedHex = hex.replace(/(..)(?!$)/g, "$1 ");
  return forms.filter((f) => f.includes(SECRET) || f.includes(hex) || f.includes(spacedHex)).length;
}

describe("secrets in every printable form", () => {
  test("client, pool, shared connection, bound connection, options: connected and mid-handshake", async () => {
    const r = new Redis({ port: server().port, password: SECRET, sslPassword: SECRET, decodeResponses: true });
    await r.ping();
    const bound = r.client();
    await bound.ping();
    const fromUrl = Redis.fromUrl(`redis://:${SECRET}@127.0.0.1:${server().port}/0`);
    await fromUrl.ping();
    const objects: object[] = [
      r,
      r.connectionPool,
      r.connectionPool.connectionKwargs,
      r.connectionPool.sharedConnection(),
      r.connectionPool.sharedConnection().options,
      bound,
      bound.connection!,
      fromUrl,
      new ConnectionPool({ password: SECRET }),
    ];
    const forms = objects.flatMap(printableForms);
    // the password is still there for the handshake
    expect(r.connectionPool.connectionKwargs.password).toBe(SECRET);
    // mid-handshake: a server that never answers HELLO
    const silent = await startFakeServer(() => {});
    const hanging = new Redis({ port: silent.port, password: SECRET, socketTimeout: 5 });
    const pending = hanging.ping().catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 100));
    forms.push(...printableForms(hanging), ...printableForms(hanging.connectionPool.sharedConnection()));
    const leaked = leaks(forms);
    report("secrets / objects", { forms: forms.length, leaked });
    expect(leaked).toBe(0);
    // what a user's code is given: clients and pools describe themselves without a cycle, copied or not
    for (const x of [r, bound, fromUrl, r.connectionPool, hanging, hanging.connectionPool]) {
      expect(() => JSON.stringify(x), String(x)).not.toThrow();
      expect(() => JSON.stringify({ ...x }), String(x)).not.toThrow();
    }
    await hanging.close({ force: true });
    await pending;
    await silent.close();
    await bound.close();
    await fromUrl.close();
    await r.close();
  });

  test("error messages and stacks: bad password, pipelines with AUTH, CONFIG, MIGRATE and SENTINEL SET auth-pass", async () => {
    const errors: unknown[] = [];
    const wrong = new Redis({ port: server().port, password: `${SECRET}-wrong`, retry: null });
    errors.push(await wrong.ping().catch((e: unknown) => e));
    await wrong.close();
    const r = new Redis({ port: server().port, password: SECRET });
    for (const argv of [
      ["SENTINEL", "SET", "mymaster", "auth-pass", SECRET],
      ["CONFIG", "SET", "masterauth", SECRET],
      ["AUTH", "default", `${SECRET}x`],
      ["MIGRATE", "127.0.0.1", "1", "", "0", "10", "AUTH", SECRET, "KEYS", "k"],
    ]) {
      const pipe = r.pipeline({ transaction: false });
      pipe.executeCommand(...argv);
      errors.push(await pipe.execute().catch((e: unknown) => e));
      const tx = r.pipeline();
      tx.executeCommand(...argv);
      errors.push(await tx.execute().catch((e: unknown) => e));
    }
    const forms = errors.flatMap((e) => [String(e), String((e as Error)?.stack), util.inspect(e, { depth: Infinity, showHidden: true })]);
    const leaked = forms.filter((f) => f.includes(SECRET)).length;
    report("secrets / errors", { errors: errors.length, forms: forms.length, leaked });
    expect(errors.filter((e) => e instanceof Error).length).toBeGreaterThanOrEqual(5);
    expect(leaked).toBe(0);
    await r.close();
  });

  test("Sentinel: options given to it are not printed", () => {
    const sentinel = new Sentinel([["127.0.0.1", 1]], { password: SECRET, sentinelKwargs: { password: SECRET } });
    const forms = [...printableForms(sentinel), ...printableForms(sentinel.connectionKwargs), ...printableForms(sentinel.sentinelKwargs)];
    expect(sentinel.connectionKwargs.password).toBe(SECRET);
    const leaked = leaks(forms);
    report("secrets / sentinel", { forms: forms.length, leaked });
    expect(leaked).toBe(0);
  });
});
