/**
 * Starts real `redis-server` processes on free loopback ports for tests.
 *
 * Never touches the shared server on 127.0.0.1:6379: ports come from the kernel's
 * ephemeral range (bind to port 0).
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { getTlsCerts, type TlsCerts } from "./certs.js";
import { cancelWatchdog, freePort, makeTmpDir, onProcessExit, sleep, spawnWatchdog } from "./util.js";

export type { TlsCerts } from "./certs.js";

export interface AclUser {
  name: string;
  password: string;
  /** ACL rules applied after `on >password`, whitespace separated, e.g. "~* +@all -flushall". */
  rules: string;
}

export interface ServerOptions {
  /** `--requirepass`: password of the default user. */
  password?: string;
  /** Extra ACL users: `--user <name> on >password <rules...>`. */
  aclUsers?: AclUser[];
  /** Serve TLS only (`--port 0 --tls-port N`); certificates are generated once per process. */
  tls?: boolean;
  /** `--tls-auth-clients`, default "optional" (client certificate accepted but not required). */
  tlsAuthClients?: "yes" | "no" | "optional";
  /** Also listen on `<dir>/redis.sock` (permissions 700). Always plain text, even with `tls`. */
  unixSocket?: boolean;
  /** Extra config as CLI args, appended last (so they win), e.g. ["--rename-command", "HELLO", ""]. */
  args?: string[];
  /** A config file passed as the first argument (before every flag); needed for `--sentinel`. */
  configFile?: string;
  /** The log line that means "started", default "Ready to accept connections" (a sentinel logs "Sentinel ID is"). */
  readyMarker?: string;
  /** How long to wait for "Ready to accept connections", default 10 000 ms. */
  startTimeoutMs?: number;
}

export interface RedisServer {
  host: "127.0.0.1";
  /** The port clients should use: the plain TCP port, or the TLS port when `tls`. */
  port: number;
  /** Set (equal to `port`) when `tls`. */
  tlsPort?: number;
  /** Set when `unixSocket`. */
  socketPath?: string;
  /** redis://[:password@]127.0.0.1:port, or rediss://... when `tls`. */
  url: string;
  certs?: TlsCerts;
  password?: string;
  /** PID of the current redis-server process (changes on restart). */
  readonly pid: number;
  /** True while the process is alive (false after stop/kill, or if it died). */
  readonly running: boolean;
  /** Working directory of this server (holds the log file and unix socket). */
  dir: string;
  /** redis-server log file; appended to across restarts. */
  logFile: string;
  readLog(): string;
  /** Graceful stop (SIGTERM, SIGKILL after 5 s); resolves when the process has exited. No-op if not running. */
  stop(): Promise<void>;
  /** Sends `signal` (default SIGKILL, i.e. a crash) and resolves when the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** SIGSTOP: the server keeps its sockets open but stops answering (a hung server). */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
  /** Starts again on the same port(s)/socket (stopping first if still running) and waits until ready. */
  restart(): Promise<void>;
  /**
   * Runs `redis-cli` with connection/auth/TLS flags for this server and returns stdout trimmed.
   * Error replies come back as text (e.g. "NOAUTH Authentication required."); rejects only if
   * redis-cli itself fails (e.g. cannot connect).
   */
  cli(...args: string[]): Promise<string>;
  /** stop() — so `await using server = await startRedisServer()` works. */
  [Symbol.asyncDispose](): Promise<void>;
}

const NOT_FOUND_MESSAGE = "redis-server not found (set REDIS_SERVER_BIN or install it: apt-get install redis-server)";
const READY_MARKER = "Ready to accept connections";

function serverBin(): string {
  return process.env.REDIS_SERVER_BIN ?? "redis-server";
}

/** redis-cli: REDIS_CLI_BIN, else next to REDIS_SERVER_BIN when that is a path, else "redis-cli" on PATH. */
export function cliBin(): string {
  if (process.env.REDIS_CLI_BIN) return process.env.REDIS_CLI_BIN;
  const server = process.env.REDIS_SERVER_BIN;
  if (server && server.includes("/")) return path.join(path.dirname(server), "redis-cli");
  return "redis-cli";
}

export interface CliResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs redis-cli with exactly `args` (no implicit flags). Never rejects on a non-zero exit code. */
export function runRedisCli(args: string[], timeoutMs = 10_000): Promise<CliResult> {
  return new Promise<CliResult>((resolve, reject) => {
    execFile(cliBin(), args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === "ENOENT") {
        reject(new Error("redis-cli not found (set REDIS_CLI_BIN or install it: apt-get install redis-tools)"));
        return;
      }
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      resolve({ stdout: String(stdout), stderr: String(stderr), code });
    });
  });
}

const allServers = new Set<RedisServerImpl>();

/** Stops every server started by this process that is still running. */
export async function stopAllServers(): Promise<void> {
  await Promise.all([...allServers].map((s) => s.stop()));
}

class StartFailure extends Error {
  constructor(
    message: string,
    readonly addressInUse: boolean,
  ) {
    super(message);
  }
}

class RedisServerImpl implements RedisServer {
  readonly host = "127.0.0.1" as const;
  port = 0;
  tlsPort?: number;
  socketPath?: string;
  url = "";
  certs?: TlsCerts;
  password?: string;
  readonly dir: string;
  readonly logFile: string;

  private proc: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private watchdog: ChildProcess | undefined;
  private unregisterExitHook: (() => void) | undefined;
  private lastPid = 0;
  private paused = false;

  constructor(private readonly opts: ServerOptions) {
    this.dir = makeTmpDir("redis");
    this.logFile = path.join(this.dir, "redis.log");
    this.password = opts.password;
    if (opts.unixSocket) this.socketPath = path.join(this.dir, "redis.sock");
  }

  get pid(): number {
    return this.proc?.pid ?? this.lastPid;
  }

  get running(): boolean {
    return this.proc !== undefined;
  }

  readLog(): string {
    try {
      return fs.readFileSync(this.logFile, "utf8");
    } catch {
      return "";
    }
  }

  async init(): Promise<void> {
    if (this.opts.tls) this.certs = await getTlsCerts();
    let lastError: unknown;
    for (let attempt = 0; attempt < 8; attempt++) {
      this.setPort(await freePort());
      try {
        await this.launch();
        return;
      } catch (err) {
        if (!(err instanceof StartFailure && err.addressInUse)) throw err;
        lastError = err;
      }
    }
    throw lastError;
  }

  private setPort(port: number): void {
    this.port = port;
    if (this.opts.tls) this.tlsPort = port;
    const auth = this.password !== undefined ? `:${encodeURIComponent(this.password)}@` : "";
    this.url = `${this.opts.tls ? "rediss" : "redis"}://${auth}${this.host}:${port}`;
  }

  private buildArgs(): string[] {
    const o = this.opts;
    const args: string[] = [];
    if (o.tls) {
      const c = this.certs!;
      args.push(
        "--port",
        "0",
        "--tls-port",
        String(this.port),
        "--tls-cert-file",
        c.serverCert,
        "--tls-key-file",
        c.serverKey,
        "--tls-ca-cert-file",
        c.caCert,
        "--tls-auth-clients",
        o.tlsAuthClients ?? "optional",
      );
    } else {
      args.push("--port", String(this.port));
    }
    args.push(
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--daemonize",
      "no",
      "--dir",
      this.dir,
      "--logfile",
      this.logFile,
      "--enable-debug-command",
      "local",
    );
    if (this.socketPath) args.push("--unixsocket", this.socketPath, "--unixsocketperm", "700");
    if (o.password !== undefined) args.push("--requirepass", o.password);
    for (const u of o.aclUsers ?? []) {
      // each token must be its own argv element: redis quotes argv elements containing spaces
      args.push("--user", u.name, "on", `>${u.password}`, ...u.rules.split(/\s+/).filter(Boolean));
    }
    args.push(...(o.args ?? []));
    if (o.configFile !== undefined) args.unshift(o.configFile);
    return args;
  }

  private async launch(): Promise<void> {
    const timeoutMs = this.opts.startTimeoutMs ?? 10_000;
    let logOffset = 0;
    try {
      logOffset = fs.statSync(this.logFile).size;
    } catch {
      // no log yet
    }
    const args = this.buildArgs();
    const proc = spawn(serverBin(), args, { cwd: this.dir, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const collect = (d: Buffer): void => {
      if (output.length < 65_536) output += d.toString("utf8");
    };
    proc.stdout?.on("data", collect);
    proc.stderr?.on("data", collect);
    let spawnError: NodeJS.ErrnoException | undefined;
    let exitInfo: string | undefined;
    const exited = new Promise<void>((resolve) => {
      proc.once("error", (err: NodeJS.ErrnoException) => {
        spawnError = err;
        exitInfo ??= `spawn error ${err.code ?? err.message}`;
        resolve();
      });
      proc.once("exit", (code, signal) => {
        exitInfo = signal ? `killed by ${signal}` : `exit code ${String(code)}`;
        resolve();
      });
    });
    const newLog = (): string => {
      try {
        const fd = fs.openSync(this.logFile, "r");
        try {
          const size = fs.fstatSync(fd).size;
          const buf = Buffer.alloc(Math.max(0, size - logOffset));
          fs.readSync(fd, buf, 0, buf.length, logOffset);
          return buf.toString("utf8");
        } finally {
          fs.closeSync(fd);
        }
      } catch {
        return "";
      }
    };
    const describe = (why: string): string => {
      const tail = newLog().trimEnd().split("\n").slice(-25).join("\n");
      return (
        `redis-server failed to start (${why}).\n  command: ${serverBin()} ${args.map((a) => (a === "" || /\s/.test(a) ? JSON.stringify(a) : a)).join(" ")}\n` +
        `  log (${this.logFile}):\n${tail || "(empty)"}` +
        (output.trim() ? `\n  stdout/stderr:\n${output.trim()}` : "")
      );
    };

    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (spawnError) {
        if (spawnError.code === "ENOENT") throw new Error(NOT_FOUND_MESSAGE);
        throw new Error(describe(`spawn error: ${spawnError.message}`));
      }
      const log = newLog();
      if (exitInfo === undefined && log.includes(this.opts.readyMarker ?? READY_MARKER)) break;
      if (exitInfo !== undefined) {
        await sleep(5); // let stderr drain
        throw new StartFailure(describe(exitInfo), /Address already in use/.test(log));
      }
      if (Date.now() > deadline) {
        proc.kill("SIGKILL");
        await exited;
        throw new Error(describe(`not ready after ${timeoutMs} ms`));
      }
      await sleep(10);
    }

    this.proc = proc;
    this.exited = exited;
    this.lastPid = proc.pid!;
    this.paused = false;
    this.watchdog = spawnWatchdog('kill -9 "$0" 2>/dev/null', [String(proc.pid)]);
    const pid = proc.pid!;
    this.unregisterExitHook = onProcessExit(() => {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    });
    allServers.add(this);
    void exited.then(() => {
      if (this.proc === proc) this.onExited();
    });
  }

  private onExited(): void {
    this.proc = undefined;
    this.paused = false;
    if (this.watchdog) cancelWatchdog(this.watchdog);
    this.watchdog = undefined;
    this.unregisterExitHook?.();
    this.unregisterExitHook = undefined;
    allServers.delete(this);
  }

  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    if (signal === "SIGSTOP" || signal === "SIGCONT" || signal === "SIGTSTP") {
      throw new Error("kill() waits for the process to exit; use pause()/resume() to stop/continue it");
    }
    const proc = this.proc;
    if (!proc) return;
    proc.kill(signal);
    if (this.paused && signal !== "SIGKILL") proc.kill("SIGCONT");
    await this.exited;
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    proc.kill("SIGTERM");
    proc.kill("SIGCONT"); // a paused (SIGSTOPped) process only handles SIGTERM once continued
    const timer = setTimeout(() => proc.kill("SIGKILL"), 5_000);
    try {
      await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  pause(): void {
    if (!this.proc) throw new Error("redis-server is not running");
    this.proc.kill("SIGSTOP");
    this.paused = true;
  }

  resume(): void {
    if (!this.proc) return;
    this.proc.kill("SIGCONT");
    this.paused = false;
  }

  async restart(): Promise<void> {
    await this.stop();
    // The port should be free again at once (redis sets SO_REUSEADDR); retry briefly in case
    // some other socket grabbed it meanwhile.
    const deadline = Date.now() + 5_000;
    for (;;) {
      try {
        await this.launch();
        return;
      } catch (err) {
        if (!(err instanceof StartFailure && err.addressInUse) || Date.now() > deadline) throw err;
        await sleep(100);
      }
    }
  }

  cliArgs(): string[] {
    const args = ["-h", this.host, "-p", String(this.port)];
    if (this.opts.tls) {
      const c = this.certs!;
      args.push("--tls", "--cacert", c.caCert, "--cert", c.clientCert, "--key", c.clientKey);
    }
    if (this.password !== undefined) args.push("--no-auth-warning", "-a", this.password);
    return args;
  }

  async cli(...args: string[]): Promise<string> {
    const res = await runRedisCli([...this.cliArgs(), ...args]);
    if (res.code !== 0) {
      throw new Error(`redis-cli ${args.join(" ")} failed (exit ${res.code}): ${(res.stderr || res.stdout).trim()}`);
    }
    return res.stdout.trim();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}

/**
 * Starts a redis-server on a free 127.0.0.1 port and resolves once it accepts connections.
 * Call `stop()` when done (e.g. in afterAll); leftovers are SIGKILLed when the process exits.
 */
export async function startRedisServer(opts: ServerOptions = {}): Promise<RedisServer> {
  const server = new RedisServerImpl(opts);
  await server.init();
  return server;
}
