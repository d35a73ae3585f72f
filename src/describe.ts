/**
 * The one way a value is described in an error message ("got an array"): its kind, never
 * the value itself (it may be a password or a megabyte of data). Used by every check of
 * arguments, options and replies: the encoder's (protocol/), the connection options',
 * the command specs', the reply parsers' and compat's. It imports nothing, so the lowest
 * layer may use it as it uses errors.ts.
 */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  switch (typeof value) {
    case "number":
      if (Number.isNaN(value)) return "NaN";
      if (!Number.isFinite(value)) return String(value);
      return Number.isInteger(value) ? "a number" : "a fractional number";
    case "object":
      if (Array.isArray(value)) return "an array";
      try {
        if (Buffer.isBuffer(value)) return "a Buffer";
        return withArticle(className(value) ?? "object");
      } catch {
        return "an object"; // a Proxy that refuses to be looked at
      }
    default:
      return withArticle(typeof value);
  }
}

/** The name of an object's class (`Map`, `Date`, a user's class), or null for plain objects. */
function className(value: object): string | null {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === null) return null;
  const ctor: unknown = (proto as { constructor?: unknown }).constructor;
  const name = typeof ctor === "function" ? ctor.name : "";
  return name && name !== "Object" ? name : null;
}

function withArticle(noun: string): string {
  return /^[aeioAEIO]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

/**
 * The one format of a bad argument: `SET: argument 'value' must be a string, Buffer or
 * number, got a boolean`. `which` is `'name'` or `#3`.
 */
export function argumentMessage(where: string, which: string, expected: string, value: unknown): string {
  return `${where}: argument ${which} must be ${expected}, got ${describeValue(value)}`;
}
