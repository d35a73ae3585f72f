/**
 * Which commands may block on the server — the ONE place compat states it.
 *
 * A v1 pool gives a blocking command a connection of its own (so it cannot hold up the
 * pipelined traffic of others). This list is a copy of what the v2 client knows from its
 * command specs; when src/index.ts exports the list derived from them (issue 12 item 2),
 * replace `BLOCKING_COMMANDS` and `BLOCKING_WITH_ARGUMENT` below with that export and
 * keep `isBlocking()` as the only reader.
 */

/** Commands that always may block. */
export const BLOCKING_COMMANDS: ReadonlySet<string> = new Set([
  "BLPOP",
  "BRPOP",
  "BRPOPLPUSH",
  "BLMOVE",
  "BLMPOP",
  "BZPOPMIN",
  "BZPOPMAX",
  "BZMPOP",
  "WAIT",
]);

/** Commands that block only with an argument (`XREAD BLOCK ms ...`). */
export const BLOCKING_WITH_ARGUMENT: Readonly<Record<string, string>> = {
  XREAD: "BLOCK",
  XREADGROUP: "BLOCK",
};

/** Whether the command `name` (upper case) with `args` may hold its connection. */
export function isBlocking(name: string, args: readonly unknown[]): boolean {
  if (BLOCKING_COMMANDS.has(name)) return true;
  const option = BLOCKING_WITH_ARGUMENT[name];
  if (option === undefined) return false;
  return args.some((a) => (typeof a === "string" || Buffer.isBuffer(a)) && a.toString().toUpperCase() === option);
}
