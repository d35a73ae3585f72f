/**
 * Small process-level utilities shared by the harness: free ports, a per-process
 * temporary root directory and synchronous exit-time cleanup.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

/**
 * Returns a TCP port that was free on 127.0.0.1 a moment ago (bind to port 0,
 * read the port, close). Somebody else may grab it before you bind it, so
 * callers that bind it out of process should retry on EADDRINUSE.
 */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once("error", reject);
    srv.listen({ port: 0, host, exclusive: true }, () => {
      const addr = srv.address();
      if (addr === null || typeof addr === "string") {
        srv.close();
        reject(new Error("freePort: unexpected server address"));
        return;
      }
      const port = addr.port;
      srv.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------
// exit-time cleanup

const exitHooks = new Set<() => void>();
let exitHandlerInstalled = false;

/** Registers a synchronous function to run when this process exits. Returns an unregister function. */
export function onProcessExit(fn: () => void): () => void {
  if (!exitHandlerInstalled) {
    exitHandlerInstalled = true;
    process.on("exit", () => {
      for (const hook of [...exitHooks]) {
        try {
          hook();
        } catch {
          // best effort
        }
      }
      exitHooks.clear();
    });
  }
  exitHooks.add(fn);
  return () => {
    exitHooks.delete(fn);
  };
}

// ---------------------------------------------------------------------------
// watchdogs: survive even a SIGKILL of this process

/**
 * Spawns `sh -c 'read _; <action>'` with its stdin connected to this process by a
 * pipe. If this process dies for any reason (even SIGKILL, where no exit hook
 * runs) the pipe closes, `read` returns and the action runs. `$0`, `$1`, ... in
 * the action are bound to `params`. Kill the returned process (SIGKILL) to
 * cancel the action. The watchdog never keeps the event loop alive.
 */
export function spawnWatchdog(action: string, params: string[]): ChildProcess {
  const child = spawn("sh", ["-c", `read _ 2>/dev/null; ${action}`, ...params], {
    stdio: ["pipe", "ignore", "ignore"],
  });
  child.on("error", () => {
    // no sh: exit hooks remain the only cleanup
  });
  child.unref();
  const stdin = child.stdin as unknown as net.Socket | null;
  stdin?.on("error", () => {});
  stdin?.unref();
  return child;
}

export function cancelWatchdog(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
}

// ---------------------------------------------------------------------------
// temp dirs

let rootDir: string | undefined;

function tmpBase(): string {
  // Unix socket paths are limited to ~107 bytes; fall back to /tmp if TMPDIR is long.
  const base = os.tmpdir();
  return base.length > 40 && fs.existsSync("/tmp") ? "/tmp" : base;
}

/** The per-process temp root (created lazily, removed on process exit). */
export function harnessTmpRoot(): string {
  if (rootDir === undefined) {
    const dir = fs.mkdtempSync(path.join(tmpBase(), `aioredis-test-${process.pid}-`));
    rootDir = dir;
    spawnWatchdog('rm -rf "$0"', [dir]);
    onProcessExit(() => {
      fs.rmSync(dir, { recursive: true, force: true });
    });
  }
  return rootDir;
}

/** Creates a fresh directory under the per-process temp root. */
export function makeTmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(harnessTmpRoot(), `${prefix}-`));
}

/** What `runNode` gives back: the exit code (1 when killed or failed to start) and the output. */
export interface NodeRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node <args>` in `cwd` and resolves when it exits, never rejecting. `REDIS_URL` is left
 * out of its environment: a script that would use it gets the server it starts itself, never
 * a shared one.
 */
export function runNode(args: string[], cwd: string, timeoutMs: number): Promise<NodeRun> {
  const env = { ...process.env };
  delete env.REDIS_URL;
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd, env, timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
