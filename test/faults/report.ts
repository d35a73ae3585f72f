/** Prints one row of the fault matrix with its figures, so a run shows what happened. */
export function report(row: string, figures: Record<string, number | string | boolean>): void {
  const text = Object.entries(figures)
    .map(([k, v]) => `${k}=${typeof v === "number" && !Number.isInteger(v) ? v.toFixed(2) : v}`)
    .join(" ");
  console.log(`[fault matrix] ${row}: ${text}`);
}

/** Settles `promise` and records when: resolves to [status, value or error, ms taken]. */
export async function timed<T>(promise: Promise<T>): Promise<{ ok: boolean; value?: T; error?: unknown; ms: number }> {
  const started = performance.now();
  try {
    const value = await promise;
    return { ok: true, value, ms: performance.now() - started };
  } catch (error) {
    return { ok: false, error, ms: performance.now() - started };
  }
}

/** Counts unhandled rejections while `fn` runs. */
export async function countUnhandled(fn: () => Promise<void>): Promise<number> {
  let count = 0;
  const onUnhandled = (): void => {
    count++;
  };
  process.on("unhandledRejection", onUnhandled);
  try {
    await fn();
    // let any late rejection surface
    await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    process.off("unhandledRejection", onUnhandled);
  }
  return count;
}
