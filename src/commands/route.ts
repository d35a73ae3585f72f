import type { CommandArg } from "../protocol/index.js";

/*
 * How a command is sent, from its words alone: the kinds of route, the commands that change
 * their connection's state or have a dedicated API, and how a blocking command's timeout is
 * read. Which commands block is stated in their specs (`CommandDef.blocking`); routing.ts
 * derives the table from them.
 */

export function word(arg: CommandArg | undefined): string {
  if (arg === undefined) return "";
  return (typeof arg === "string" ? arg : arg.toString()).toUpperCase();
}

function seconds(arg: CommandArg | undefined): number {
  const n = Number(typeof arg === "string" || typeof arg === "number" ? arg : arg?.toString());
  return Number.isFinite(n) ? n : 0;
}

/** Blocking timeout 0 means "forever". */
const forever = (t: number): number => (t <= 0 ? -1 : t);

/**
 * Where a blocking command's timeout is in the words sent: `at` is a position (negative counts
 * from the end: -1 is the last word), or "BLOCK" for the word after an optional BLOCK that comes
 * before STREAMS (XREAD, XREADGROUP: without it the command does not block).
 */
export interface BlockingRule {
  at: number | "BLOCK";
  unit: "s" | "ms";
}

/** How long the server may hold the reply to `argv` under `rule`, in seconds: `null` when it does not block, -1 for "forever". */
export function ruleTimeout(rule: BlockingRule, argv: readonly CommandArg[]): number | null {
  let raw: CommandArg | undefined;
  if (rule.at === "BLOCK") {
    let found = false;
    for (let i = 1; i < argv.length && !found; i++) {
      const w = word(argv[i]);
      if (w === "STREAMS") return null;
      if (w === "BLOCK") [found, raw] = [true, argv[i + 1]];
    }
    if (!found) return null;
  } else {
    raw = argv[rule.at < 0 ? argv.length + rule.at : rule.at];
  }
  const t = seconds(raw);
  return forever(rule.unit === "ms" ? t / 1000 : t);
}

/**
 * Commands that change the state of the connection they run on. On the connection that a
 * client's ordinary commands share they would leak into every other caller, so they are
 * refused there; `redis.client()` gives a connection where they are allowed.
 */
export function connectionStateCommand(argv: readonly CommandArg[]): string | null {
  const name = word(argv[0]);
  switch (name) {
    case "SELECT":
    case "WATCH":
    case "UNWATCH":
    case "MULTI":
    case "EXEC":
    case "DISCARD":
    case "RESET":
    case "QUIT":
    case "AUTH":
    case "HELLO":
    case "READONLY":
    case "READWRITE":
      return name;
    case "CLIENT": {
      const sub = word(argv[1]);
      return sub === "TRACKING" || sub === "REPLY" || sub === "SETNAME" || sub === "NO-EVICT" || sub === "NO-TOUCH" || sub === "CACHING"
        ? `CLIENT ${sub}`
        : null;
    }
    default:
      return null;
  }
}

/** Commands with a dedicated API, because their replies are a stream rather than one reply. */
export function streamingCommand(argv: readonly CommandArg[]): string | null {
  const name = word(argv[0]);
  switch (name) {
    case "SUBSCRIBE":
    case "PSUBSCRIBE":
    case "SSUBSCRIBE":
    case "UNSUBSCRIBE":
    case "PUNSUBSCRIBE":
    case "SUNSUBSCRIBE":
      return "pubsub()";
    case "MONITOR":
      return "monitor()";
    case "SYNC":
    case "PSYNC":
      return "a replication client";
    default:
      return null;
  }
}

/** How a command is sent: decided once per command name, not per call. */
export const Route = {
  /** Multiplexed on the shared connection. */
  Plain: 0,
  /** May block (BLPOP, XREAD BLOCK, WAIT...): `blockingTimeout(argv)` tells whether it does. */
  Blocking: 1,
  /** Changes the connection's state: only on a connection of its own. */
  State: 2,
  /** Has a dedicated API (SUBSCRIBE, MONITOR). */
  Streaming: 3,
} as const;
export type Route = (typeof Route)[keyof typeof Route];
