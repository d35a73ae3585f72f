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

/** How a command given as words (`executeCommand`, `pipeline.executeCommand`) is sent. */
export function routeOf(argv: readonly CommandArg[]): Route {
  if (streamingCommand(argv)) return Route.Streaming;
  if (connectionStateCommand(argv)) return Route.State;
  return BLOCKING_COMMANDS.has(word(argv[0])) ? Route.Blocking : Route.Plain;
}
