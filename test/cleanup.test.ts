import { execFile } from "node:child_process";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, inject, test } from "vitest";
import { useRedisServer } from "./harness/index.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const entry = inject("distEntry");

/** Runs an ES module script with `node`, giving up (and failing) after `timeoutMs`. */
function runScript(source: string, args: string[] = [], timeoutMs = 15_000): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...args, "--input-type=module", "-e", source],
      { cwd: root, timeout: timeoutMs, killSignal: "SIGKILL" },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr, ms: Date.now() - started });
      },
    );
  });
}

describe("clean-up without ceremony", () => {
  const server = useRedisServer();

  test("a script that sets a key and never closes its client exits on its own", async () => {
    const script = `
      import { fromUrl } from ${JSON.stringify(entry)};
      const redis = fromUrl("redis://127.0.0.1:${server().port}");
      await redis.set("clean-exit", "written");
      console.log("set done");
    `;
    const result = await runScript(script);
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe("set done");
    expect(result.code).toBe(0);
    expect(await server().cli("GET", "clean-exit")).toBe("written");
  });

  test("fire-and-forget commands still complete before the script exits", async () => {
    const script = `
      import { Redis } from ${JSON.stringify(entry)};
      const redis = new Redis({ port: ${server().port} });
      for (let i = 0; i < 100; i++) redis.incr("fire-and-forget");
    `;
    const result = await runScript(script);
    expect(result.code).toBe(0);
    expect(await server().cli("GET", "fire-and-forget")).toBe("100");
  });

  test("a client() and a pool left open do not hold the process", async () => {
    const script = `
      import { ConnectionPool, Redis } from ${JSON.stringify(entry)};
      const pool = new ConnectionPool({ port: ${server().port} });
      const redis = new Redis({ connectionPool: pool });
      const conn = redis.client();
      await conn.set("bound", "1");
      await redis.get("bound");
      console.log("ok");
    `;
    const result = await runScript(script);
    expect(result.stdout.trim()).toBe("ok");
    expect(result.code).toBe(0);
  });

  test("a client that is garbage-collected releases its sockets", async () => {
    const script = `
      import { Redis } from ${JSON.stringify(entry)};
      const port = ${server().port};
      const watcher = new Redis({ port, decodeResponses: true });
      const count = async () => (await watcher.executeCommand("CLIENT", "LIST")).split("\\n").filter((l) => l.includes("name=gc-me")).length;
      // Held until all six sockets are up (so none is collected before it connects), then
      // dropped. Made in a function: a module-level loop's last locals would stay reachable.
      let held = (() => {
        const clients = [];
        for (let i = 0; i < 3; i++) {
          const r = new Redis({ port, clientName: "gc-me" });
          r.ping();
          const c = r.client();
          c.ping();
          clients.push(r, c);
        }
        return clients;
      })();
      let before = 0;
      for (let t = Date.now(); Date.now() - t < 20000 && before < 6; ) {
        before = Math.max(before, await count());
        await new Promise((r) => setTimeout(r, 20));
      }
      held = null;
      for (let i = 0; i < 10 && (await count()) > 0; i++) {
        globalThis.gc();
        await new Promise((r) => setTimeout(r, 100));
      }
      console.log(before, await count());
      await watcher.close();
    `;
    const result = await runScript(script, ["--expose-gc"]);
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe("6 0");
  });
});
