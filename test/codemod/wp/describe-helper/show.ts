/** How a connection setting is written to the logs: without its password. */
export function shown(details: unknown): string {
  if (typeof details === "string") return details.replace(/:(?:[^:@/]*)@/, ":***@");
  if (Array.isArray(details)) return `${details[0]}:${details[1]}`;
  if (details && typeof details === "object") {
    const copy = { ...(details as Record<string, unknown>) };
    if ("password" in copy) copy.password = "***";
    return JSON.stringify(copy);
  }
  return String(details);
}
