/** The address without its password, for logs. */
export function cleanPassword(details: unknown): string {
  if (typeof details === "string") return details.replace(/:(?:[^:@/]*)@/, ":*******@");
  if (Array.isArray(details)) return `${details[0]}:${details[1]}`;
  if (details && typeof details === "object") {
    const copy = { ...(details as Record<string, unknown>) };
    if ("password" in copy) copy.password = "*******";
    return JSON.stringify(copy);
  }
  return String(details);
}

/** `StrictVersion(a) >= StrictVersion(b)` for dotted numeric versions. */
export function versionAtLeast(a: string, b: string): boolean {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? 0;
    const y = pb[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}
