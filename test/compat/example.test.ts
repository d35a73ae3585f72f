/**
 * aioredis/compat as a user's program meets it: the v1-style example runs (compiled, in
 * a child process), and a v1 script that never closes its client still exits.
 */
import { execFile } from "node:child_process";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, inject, test } from "vitest";
import { useRedisServer } from "../harness/index.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const distRoot = path.resolve(path.dirname(inject("distEntry")), "..");
const server = useRedisServer();

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: root, timeout: 15_000, killSignal: "SIGKILL", env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

test("examples/v1-style runs against a real server", async () => {
  const result = await run([path.join(distRoot, "examples", "v1-style.js")], { REDIS_URL: server().url });
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  const lines = Object.fromEntries(
    result.stdout
      .trim()
      .split("\n")
      .map((line) => line.split(" -> ").map((s) => s.trim())),
  );
  expect(lines["get"]).toBe('"hello"');
  expect(lines["get, encoding null"]).toBe('"<Buffer hello>"');
  expect(lines["set NX on an existing key"]).toBe("false");
  expect(lines["ping"]).toBe('"PONG"');
  expect(lines["hgetall"]).toBe('{"name":"Ada","lang":"en","visits":"1"}');
  expect(lines["zrange withscores"]).toBe('[["bob",7.5],["ada",10]]');
  expect(lines["zscore (an integer)"]).toBe("10");
  expect(lines["implicit pipelining"]).toBe("[1,2]");
  expect(lines["transaction"]).toBe('[true,"20"]');
  expect(lines["pipeline"]).toBe("[21,true]");
  expect(lines["channel getJson"]).toBe('{"headline":"compat works"}');
  expect(lines["receiver (v1:alerts)"]).toBe('"disk"');
  expect(lines["receiver (v1:events:*)"]).toBe('["<Buffer v1:events:login>","ada"]');
  expect(lines["closed"]).toBe("true");
});

test("a v1 script that never closes its pool client exits on its own", async () => {
  const compat = path.join(distRoot, "compat", "index.js");
  const script = `
    import * as aioredis from ${JSON.stringify(compat)};
    const redis = await aioredis.createRedisPool("redis://127.0.0.1:${server().port}", { minsize: 3 });
    await redis.set("v1:clean-exit", "yes");
    const [ch] = await redis.subscribe("v1:left-open");
    redis.incr("v1:fire-and-forget");
    console.log("done");
  `;
  const started = Date.now();
  const result = await run(["--input-type=module", "-e", script]);
  expect(result.stderr).toBe("");
  expect(result.stdout.trim()).toBe("done");
  expect(result.code).toBe(0);
  expect(Date.now() - started).toBeLessThan(5000);
  expect(await server().cli("GET", "v1:fire-and-forget")).toBe("1");
});

test("a Receiver whose iter() starts before the first subscribe() receives, and the program completes", async () => {
  const compat = path.join(distRoot, "compat", "index.js");
  const script = `
    import * as aioredis from ${JSON.stringify(compat)};
    const redis = await aioredis.createRedisPool("redis://127.0.0.1:${server().port}", { encoding: "utf-8" });
    const mpsc = new aioredis.Receiver();
    const seen = [];
    const reading = (async () => {
      for await (const [sender, msg] of mpsc.iter({ encoding: "utf-8" })) {
        seen.push(sender.name.toString() + "=" + msg);
        if (msg === "last") break;
      }
    })();
    await redis.subscribe(mpsc.channel("rx:early:a"));
    await redis.psubscribe(mpsc.pattern("rx:early:p:*"));
    await redis.publish("rx:early:a", "one");
    await redis.publish("rx:early:p:1", "two");
    await redis.publish("rx:early:a", "last");
    await reading;
    console.log(seen.map((s) => s.replace(/,/g, "|")).join(" "));
    redis.close();
    await redis.waitClosed();
    console.log("done");
  `;
  const result = await run(["--input-type=module", "-e", script]);
  expect(result.stderr).toBe("");
  expect(result.stdout.trim().split("\n")).toEqual(["rx:early:a=one rx:early:p:*=rx:early:p:1|two rx:early:a=last", "done"]);
  expect(result.code).toBe(0);
});
