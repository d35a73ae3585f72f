/**
 * The one way a value is described in an error message ("got an array"): its kind, never
 * the value itself (it may be a password or a megabyte of data).
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
      if (Buffer.isBuffer(value)) return "a Buffer";
      if (Array.isArray(value)) return "an array";
      if (value instanceof Map) return "a Map";
      if (value instanceof Set) return "a Set";
      if (value instanceof Date) return "a Date";
      return "an object";
    default:
      return `a ${typeof value}`;
  }
}
