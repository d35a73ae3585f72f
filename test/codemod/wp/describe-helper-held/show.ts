/** Everything shown so far (keeps what it is given: the client escapes here). */
export const shownSoFar: unknown[] = [];

export function shown(details: unknown): string {
  shownSoFar.push(details);
  return String(details);
}
