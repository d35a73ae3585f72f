import type { CommandArg } from "../protocol/index.js";

function word(arg: CommandArg | undefined): string {
  if (arg === undefined) return "";
  return (typeof arg === "string" ? arg : arg.toString()).toUpperCase();
}

function seconds(arg: CommandArg | undefined): number {
  const n = Number(typeof arg === "string" || typeof arg === "number" ? arg : arg?.toString());
  return Number.isFinite(n) ? n : 0;
}

/** Blocking timeout 0 means "forever" for these commands. */
const forever = (t: number): number => (t <= 0 ? -1 : t);

/**
 * How long the server may hold the reply to `argv`, in seconds: `null` for a command that
 * does not block, -1 for "forever". Blocking commands take a connection of their own and
 * their read deadline is this plus `socketTimeout`.
 */
export function blockingTimeout(argv: readonly CommandArg[]): number | null {
  const name = word(argv[0]);
  switch (name) {
    case "BLPOP":
    case "BRPOP":
    case "BRPOPLPUSH":
    case "BLMOVE":
    case "BZPOPMIN":
    case "BZPOPMAX":
      return forever(seconds(argv[argv.length - 1]));
    case "BLMPOP":
    case "BZMPOP":
      return forever(seconds(argv[1]));
    case "WAIT":
    case "WAITAOF":
      return forever(seconds(argv[argv.length - 1]) / 1000);
    case "XREAD":
    case "XREADGROUP": {
      for (let i = 1; i < argv.length; i++) {
        const w = word(argv[i]);
        if (w === "STREAMS") return null;
        if (w === "BLOCK") return forever(seconds(argv[i + 1]) / 1000);
      }
      return null;
    }
    default:
      return null;
  }
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

const MAY_BLOCK = new Set(["BLPOP", "BRPOP", "BRPOPLPUSH", "BLMOVE", "BZPOPMIN", "BZPOPMAX", "BLMPOP", "BZMPOP", "WAIT", "WAITAOF", "XREAD", "XREADGROUP"]);

export function routeOf(argv: readonly CommandArg[]): Route {
  if (streamingCommand(argv)) return Route.Streaming;
  if (connectionStateCommand(argv)) return Route.State;
  return MAY_BLOCK.has(word(argv[0])) ? Route.Blocking : Route.Plain;
}
