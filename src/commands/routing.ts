import type { CommandArg } from "../protocol/index.js";
import { BLOCKING_COMMANDS } from "./index.js";
import { connectionStateCommand, Route, ruleTimeout, streamingCommand, word } from "./route.js";

export { connectionStateCommand, Route, streamingCommand } from "./route.js";

/**
 * How long the server may hold the reply to `argv`, in seconds: `null` for a command that
 * does not block, -1 for "forever". Blocking commands take a connection of their own and
 * their read deadline is this plus `socketTimeout`. Which commands block, and where their
 * timeout is, comes from their specs (`BLOCKING_COMMANDS`).
 */
export function blockingTimeout(argv: readonly CommandArg[]): number | null {
  const rule = BLOCKING_COMMANDS.get(word(argv[0]));
  return rule ? ruleTimeout(rule, argv) : null;
}

/**
 * Whether the server may hold the reply to the command `argv` (BLPOP, XREAD with BLOCK,
 * WAIT...), so that it needs a connection of its own. Public, for layers built on this client
 * (`aioredis/compat` routes v1 blocking calls with it).
 */
export function isBlockingCommand(argv: readonly CommandArg[]): boolean {
  return blockingTimeout(argv) !== null;
}

/** How a command given as words (`executeCommand`, `pipeline.executeCommand`) is sent. */
export function routeOf(argv: readonly CommandArg[]): Route {
  if (streamingCommand(argv)) return Route.Streaming;
  if (connectionStateCommand(argv)) return Route.State;
  return BLOCKING_COMMANDS.has(word(argv[0])) ? Route.Blocking : Route.Plain;
}
