import { isBlockingCommand } from "../src/index.js";

/**
 * Which commands may block on the server. A v1 pool gives a blocking command a connection of
 * its own (so it cannot hold up the pipelined traffic of others). Which commands block, and
 * when (XREAD only with BLOCK), is stated once, in the v2 command specs; this asks them.
 */
export function isBlocking(name: string, args: readonly unknown[]): boolean {
  return isBlockingCommand([name, ...(args as (string | Buffer | number)[])]);
}
