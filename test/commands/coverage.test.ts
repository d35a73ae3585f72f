/**
 * Command coverage: every command and subcommand the server documents (COMMAND DOCS) must be
 * the `command` of some spec in the command table, or be listed in EXCLUSIONS with a reason.
 * And every spec must name a command the server knows (catches typos), unless the command is
 * newer than the server the tests run against.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { COMMANDS } from "../../src/commands/index.js";
import { Redis } from "../../src/index.js";
import { useRedisServer } from "../harness/index.js";

const server = useRedisServer();

/** Commands deliberately without a method. Reviewed: keep it short, give each a reason. */
const EXCLUSIONS: Record<string, string> = {
  // replication internals
  SYNC: "replication internals: a replication stream, not a command reply (redis-py's sync() is for replicas)",
  PSYNC: "replication internals: a replication stream, not a command reply",
  REPLCONF: "replication internals: sent by replicas to their primary",
  // owned by other objects
  SUBSCRIBE: "owned by PubSub (redis.pubsub())",
  PSUBSCRIBE: "owned by PubSub (redis.pubsub())",
  SSUBSCRIBE: "owned by PubSub (redis.pubsub())",
  UNSUBSCRIBE: "owned by PubSub (redis.pubsub())",
  PUNSUBSCRIBE: "owned by PubSub (redis.pubsub())",
  SUNSUBSCRIBE: "owned by PubSub (redis.pubsub())",
  MONITOR: "owned by Monitor (redis.monitor())",
  MULTI: "owned by Pipeline and transaction()",
  EXEC: "owned by Pipeline and transaction()",
  DISCARD: "owned by Pipeline and transaction()",
  WATCH: "owned by Pipeline (pipe.watch()) and transaction()",
  UNWATCH: "owned by Pipeline (pipe.unwatch()) and transaction()",
  // connection lifecycle, owned by the client
  AUTH: "connection lifecycle: credentials are given to the client and sent at connect",
  HELLO: "connection lifecycle: the protocol is chosen at connect (`protocol`)",
  RESET: "connection lifecycle: would silently drop the connection's state under the client",
  QUIT: "connection lifecycle: close the client instead (close()/aclose())",
  SELECT:
    'design choice: redis-py (asyncio too) has select(), which switches the database of whatever pooled connection runs it; here ordinary commands share one connection, so the database is chosen at connect (`db`) and SELECT runs only on a connection of one\'s own (`client().executeCommand("SELECT", n)`)',
  "CLIENT REPLY": "would break the one-reply-per-command pairing the connection relies on",
  ASKING: "cluster client internal (sent by RedisCluster on ASK redirections)",
  "RESTORE-ASKING": "cluster internal (sent by MIGRATE between cluster nodes)",
  // sent under another name, as redis-py does
  INCR: "incr(name, amount = 1) sends INCRBY, as redis-py's incr",
  DECR: "decr(name, amount = 1) sends DECRBY, as redis-py's decr",
  // not client APIs
  DEBUG: "not a client API (server debugging; executeCommand() still sends it)",
  PFDEBUG: "internal HyperLogLog debugging command",
  PFSELFTEST: "internal HyperLogLog self test",
};

/** Patterns of excluded names, each with its reason. */
const EXCLUDED_PATTERNS: [RegExp, string][] = [[/ HELP$/, "help text for humans (redis-py has no methods for most)"]];

/** Commands newer than some servers the tests may run against: name -> first version. */
const NEWER_COMMANDS: Record<string, string> = {
  "CLIENT NO-TOUCH": "7.2.0",
  "CLIENT SETINFO": "7.2.0",
  "CLUSTER MYSHARDID": "7.2.0",
  WAITAOF: "7.2.0",
  HEXPIRE: "7.4.0",
  HPEXPIRE: "7.4.0",
  HEXPIREAT: "7.4.0",
  HPEXPIREAT: "7.4.0",
  HTTL: "7.4.0",
  HPTTL: "7.4.0",
  HEXPIRETIME: "7.4.0",
  HPEXPIRETIME: "7.4.0",
  HPERSIST: "7.4.0",
  HGETDEL: "8.0.0",
  HGETEX: "8.0.0",
  HSETEX: "8.0.0",
  "CLUSTER SLOT-STATS": "8.0.0",
  XDELEX: "8.2.0",
  XACKDEL: "8.2.0",
};

function exclusionReason(name: string): string | undefined {
  return EXCLUSIONS[name] ?? EXCLUDED_PATTERNS.find(([pattern]) => pattern.test(name))?.[1];
}

function versionAtLeast(version: string, wanted: string): boolean {
  const a = version.split(".").map(Number);
  const b = wanted.split(".").map(Number);
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}

interface ServerCommand {
  /** "GET", "CLIENT LIST" */
  name: string;
  /** Has subcommands: covered by covering them. */
  container: boolean;
  module: boolean;
}

describe("command coverage", () => {
  let r: Redis<string>;
  let serverCommands: ServerCommand[];
  let serverVersion: string;

  beforeAll(async () => {
    r = new Redis({ port: server().port, protocol: 3, decodeResponses: true });
    serverVersion = String((await r.info("server")).redis_version);
    // COMMAND DOCS over RESP3: a map of name -> doc map, with subcommands under "subcommands"
    const docs = (await r.executeCommand("COMMAND", "DOCS")) as Map<string, Map<string, unknown>>;
    serverCommands = [];
    for (const [name, doc] of docs) {
      const subcommands = doc.get("subcommands") as Map<string, Map<string, unknown>> | undefined;
      const module = doc.has("module");
      serverCommands.push({ name: name.toUpperCase(), container: !!subcommands && subcommands.size > 0, module });
      for (const [sub, subDoc] of subcommands ?? []) {
        serverCommands.push({ name: sub.toUpperCase().replace("|", " "), container: false, module: module || subDoc.has("module") });
      }
    }
  });
  afterAll(async () => {
    await r.close();
  });

  test("the server documents its commands", () => {
    const names = new Set(serverCommands.map((c) => c.name));
    expect(names.has("GET")).toBe(true);
    expect(names.has("CLIENT LIST")).toBe(true);
    expect(serverCommands.find((c) => c.name === "CLIENT")!.container).toBe(true);
  });

  test("every command and subcommand has a method or a reviewed exclusion", () => {
    const covered = new Set(Object.values(COMMANDS).map((spec) => spec.command.toUpperCase()));
    const missing = serverCommands
      .filter((c) => !c.container && !c.module && !covered.has(c.name) && exclusionReason(c.name) === undefined)
      .map((c) => c.name)
      .sort();
    const report =
      missing.length === 0
        ? ""
        : `${missing.length} command(s) of Redis ${serverVersion} have no method and no exclusion:\n${missing.map((m) => `  - ${m}`).join("\n")}\n` +
          "Add a spec whose `command` is the name, or an entry in EXCLUSIONS (test/commands/coverage.test.ts) with the reason.";
    if (missing.length > 0) console.error(report);
    expect(missing, report).toEqual([]);
  });

  test("the README states the coverage this test measures", () => {
    const leaves = serverCommands.filter((c) => !c.container && !c.module);
    const covered = new Set(Object.values(COMMANDS).map((spec) => spec.command.toUpperCase()));
    const withMethod = leaves.filter((c) => covered.has(c.name)).length;
    const excluded = leaves.length - withMethod;
    const line = `${withMethod} of the ${leaves.length} commands and subcommands of Redis ${serverVersion} have a method; the other ${excluded} are reviewed exclusions`;
    const readme = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "../../README.md"), "utf8");
    expect(readme, `README.md should say: "${line}"`).toContain(line);
  });

  test("exclusions name real commands and are not covered twice", () => {
    const names = new Set(serverCommands.map((c) => c.name));
    const covered = new Set(Object.values(COMMANDS).map((spec) => spec.command.toUpperCase()));
    const stale = Object.keys(EXCLUSIONS).filter((name) => !names.has(name) && !NEWER_COMMANDS[name]);
    expect(stale, `exclusions naming no command of Redis ${serverVersion}: ${stale.join(", ")}`).toEqual([]);
    const both = Object.keys(EXCLUSIONS).filter((name) => covered.has(name));
    expect(both, `excluded yet covered by a spec (drop the exclusion): ${both.join(", ")}`).toEqual([]);
  });

  test("every spec names a command the server knows", () => {
    const names = new Set(serverCommands.map((c) => c.name));
    const unknown = Object.entries(COMMANDS)
      .filter(([, spec]) => {
        const name = spec.command.toUpperCase();
        if (names.has(name)) return false;
        const since = NEWER_COMMANDS[name];
        return !(since && !versionAtLeast(serverVersion, since));
      })
      .map(([method, spec]) => `${method}: ${spec.command}`)
      .sort();
    const report =
      unknown.length === 0
        ? ""
        : `${unknown.length} spec(s) name a command Redis ${serverVersion} does not know (a typo, or a newer command ` +
          `to list in NEWER_COMMANDS with its version):\n${unknown.map((u) => `  - ${u}`).join("\n")}`;
    expect(unknown, report).toEqual([]);
  });

  test("spec commands are upper case words separated by one space", () => {
    const bad = Object.entries(COMMANDS)
      .filter(([, spec]) => !/^[A-Z][A-Z0-9_.-]*( [A-Z][A-Z0-9_-]*)?$/.test(spec.command))
      .map(([method, spec]) => `${method}: ${JSON.stringify(spec.command)}`);
    expect(bad).toEqual([]);
  });
});
