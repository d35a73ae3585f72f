/**
 * The codemod keeps behaviour, along the whole two-step path: each runnable fixture's input,
 * after `--mode compat` (so it runs on `aioredis/compat`), and its expected output, run on
 * `aioredis`, print the same things against the same (flushed) real server. A fixture runs
 * as a copy whose imports point at compat/ or src/ and whose addresses point at the test
 * server: its `main()` is called and what it passes to console.log is recorded.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startRedisServer, type RedisServer } from "../harness/index.js";
import { applyTransform } from "../../codemods/transform.js";
import { listFixtures, type Fixture } from "./fixtures.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SRC = path.join(root, "src/index.ts");
const COMPAT = path.join(root, "compat/index.ts");

/**
 * Fixtures that can run as they are: an exported `main()` without parameters, against one
 * plain server, finishing on their own. The others need more than that (a sentinel group, a
 * password, data to block on, a server that survives SHUTDOWN) or print a reply whose shape
 * v2 changed on purpose (their markers say so).
 */
const RUNNABLE = [
  "p01-pool-from-url",
  "p03-single-connection",
  "p04-low-level-pool",
  "p05-raw-connection-encoding",
  "p05b-connection-execute",
  "p06-closing",
  "p07-per-call-decoding",
  "p08-set-expiry",
  "p09-set-nx-xx",
  "p10-hash-multiset",
  "p11-hgetall-decoded",
  "p12-mset",
  "p13-zadd",
  "p14-zrange-withscores",
  "p15-score-ranges",
  "p16-scan-loop",
  "p17-scan-iterators",
  "p20-multi-exec",
  "p21-pipeline-return-exceptions",
  "p22-watch-transaction",
  "p23-subscribe-channel",
  "p23b-subscribe-get-encoding",
  "p24-psubscribe-iter",
  "pubsub-reader-functions",
  "pubsub-receiver-class",
  "pubsub-receiver-patterns",
  "pubsub-pool-closed",
  "pubsub-unsubscribe-variable",
  "pubsub-receiver-wait",
  "pubsub-get-counted",
  "pubsub-get-single",
  "pubsub-wait-guarded",
  "pubsub-shared-subscriber",
  "xadd-id-type",
  "jsdoc-string-address",
  "fmt-comments-trailing-commas",
  "fmt-single-quotes-tabs",
  "follow-local-function",
  "compat-then-v2",
  "import-default",
  "import-named-alias",
  "compat-default-import",
  "compat-step",
  "mixed-partial",
  "pool-acquire-release",
  "dynamic-import",
  "typed-params",
  "marker-ignore-comment",
  "marker-unsupported",
  "eager-connect-in-try",
  "per-call-encoding-variable",
  "per-call-encoding-js",
  "pipeline-queued-watch",
  "pool-execute",
];

const haveCompat = fs.existsSync(COMPAT);
const fixtures = listFixtures().filter((f) => RUNNABLE.includes(f.name));

/** A copy of a fixture that imports `entry` for `aioredis` and talks to the test server. */
function prepare(f: Fixture, text: string, v1Entry: string, server: RedisServer, tag: string, dir: string): string {
  const url = `redis://127.0.0.1:${server.port}`;
  const body = text
    .replace(/(["'])aioredis\/compat\1/g, JSON.stringify(COMPAT))
    .replace(/(["'])aioredis\1/g, JSON.stringify(v1Entry))
    .replace(/redis:\/\/localhost(?::\d+)?/g, url)
    .replace(/\[(["'])(?:localhost|127\.0\.0\.1)\1, 6379\]/g, `["127.0.0.1", ${server.port}]`)
    .replace(/(host: )(["'])(?:localhost|127\.0\.0\.1)\2, port: 6379/g, `$1"127.0.0.1", port: ${server.port}`);
  const file = path.join(dir, `${f.name}.${tag}.${f.ext}`);
  fs.writeFileSync(file, body);
  return file;
}

async function runMain(file: string): Promise<string[]> {
  const printed: string[] = [];
  const spy = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
    printed.push(args.map((a) => (typeof a === "string" ? a : inspect(a, { depth: 5, sorted: true }))).join(" "));
  });
  try {
    const mod = (await import(file)) as { main?: () => Promise<unknown> };
    if (typeof mod.main !== "function") throw new Error(`${path.basename(file)} exports no main()`);
    await mod.main();
  } finally {
    spy.mockRestore();
  }
  return printed;
}

describe("codemod equivalence: input on aioredis/compat prints what the output prints on aioredis", () => {
  it("has aioredis/compat to run the inputs on", () => {
    expect(haveCompat).toBe(true);
  });
  let server: RedisServer;
  const dir = path.join(root, ".tmp", `codemod-equivalence-${process.pid}`);
  beforeAll(async () => {
    fs.mkdirSync(dir, { recursive: true });
    server = await startRedisServer({});
  });
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const f of fixtures) {
    it(f.name, async () => {
      const step1 = applyTransform(fs.readFileSync(f.inputPath, "utf8"), f.inputPath, { mode: "compat" }).output;
      const input = prepare(f, step1, COMPAT, server, "v1", dir);
      const output = prepare(f, fs.readFileSync(f.outputPath, "utf8"), SRC, server, "v2", dir);
      await server.cli("FLUSHALL");
      const before = await runMain(input);
      await server.cli("FLUSHALL");
      const after = await runMain(output);
      expect(after).toEqual(before);
    }, 30_000);
  }
});
