/**
 * The Redis server the benchmark runs against: `REDIS_URL` when set, otherwise a
 * `redis-server` of its own on a free loopback port (never the shared one on 6379), with
 * persistence off so that no fork or fsync lands in the middle of a measurement.
 */
import { spawn, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { RawClient } from "./raw.mjs";

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitReady(host, port, child, logFile, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) {
      throw new Error(`redis-server exited with code ${child.exitCode}:\n${fs.readFileSync(logFile, "utf8").slice(-2000)}`);
    }
    try {
      const c = await RawClient.connect(host, port);
      const pong = await c.command("PING");
      c.close();
      if (pong === "PONG") return;
    } catch {
      /* not yet */
    }
    if (Date.now() > until) throw new Error(`redis-server on ${host}:${port} not ready after ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** Parses `redis://[[user]:pass@]host[:port][/db]` (only what the benchmark needs). */
function parseRedisUrl(url) {
  const u = new URL(url);
  if (u.protocol !== "redis:") throw new Error(`REDIS_URL: only redis:// URLs are supported by the benchmark, got ${u.protocol}`);
  if (u.password || u.username) throw new Error("REDIS_URL: the benchmark does not support authentication");
  if (u.pathname && u.pathname !== "/" && u.pathname !== "/0") throw new Error("REDIS_URL: the benchmark uses db 0");
  return { host: u.hostname.replace(/^\[|\]$/g, "") || "127.0.0.1", port: Number(u.port || 6379) };
}

/**
 * Starts (or connects to) the server. Returns { host, port, external, version, stop() }.
 * `args` are extra redis-server arguments; `local: true` always starts one (ignores REDIS_URL).
 */
export async function startServer({ log = () => {}, args = [], local = false } = {}) {
  if (process.env.REDIS_URL && !local) {
    const { host, port } = parseRedisUrl(process.env.REDIS_URL);
    await waitReady(host, port, null, null, 5_000);
    log(`using REDIS_URL ${host}:${port}`);
    return { host, port, external: true, stop: async () => {} };
  }
  const bin = process.env.REDIS_SERVER_BIN || "redis-server";
  try {
    execFileSync(bin, ["--version"], { stdio: "pipe" });
  } catch {
    throw new Error(`${bin} not found: install redis-server or set REDIS_URL`);
  }
  const host = "127.0.0.1";
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aioredis-bench-"));
  const logFile = path.join(dir, "redis.log");
  let port = 0;
  let child = null;
  for (let attempt = 0; attempt < 5; attempt++) {
    port = await freePort();
    if (port === 6379) continue;
    child = spawn(
      bin,
      [
        "--port",
        String(port),
        "--bind",
        host,
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        dir,
        "--logfile",
        logFile,
        // A subscriber that falls behind must not be disconnected mid-run.
        "--client-output-buffer-limit",
        "pubsub 0 0 0",
        "--maxclients",
        "10000",
        ...args,
      ],
      { stdio: "ignore" },
    );
    try {
      await waitReady(host, port, child, logFile);
      break;
    } catch (err) {
      child.kill("SIGKILL");
      child = null;
      if (attempt === 4) throw err;
    }
  }
  const killNow = () => {
    try {
      child?.kill("SIGKILL");
    } catch {
      /* gone */
    }
  };
  process.on("exit", killNow);
  log(`started redis-server on ${host}:${port}`);
  return {
    host,
    port,
    external: false,
    async stop() {
      process.off("exit", killNow);
      if (child && child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        let timer;
        await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 3000)))]);
        clearTimeout(timer);
        killNow();
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
