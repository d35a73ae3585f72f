import { describeValue } from "../describe.js";
import { ProtocolError } from "../errors.js";
import type { RespValue } from "../protocol/index.js";

/*
 * Reply helpers shared by the command tables. A reply has one shape whatever the protocol:
 * RESP3 sends maps, doubles and booleans where RESP2 sends flat arrays, bulk strings and
 * integers, and these helpers accept both.
 */

/** Any non-null status (`OK`...) becomes `true`; `null` becomes `false` (see `boolOk` for `OK` only). */
export const okToTrue = (reply: RespValue): boolean => reply !== null && !(reply instanceof Error);

/** `OK` (or RESP3 `true`) becomes `true`, any other status `false`, as redis-py's `bool_ok`. */
export function boolOk(reply: RespValue): boolean {
  if (reply === true) return true;
  return reply !== null && !(reply instanceof Error) && typeof reply !== "number" && str(reply) === "OK";
}

/** Integer replies 1/0 (or RESP3 booleans) become booleans. */
export const toBool = (reply: RespValue): boolean => reply === 1 || reply === true;

/** `PONG` becomes `true` (redis-py's PING callback). */
export const pong = (reply: RespValue): boolean => {
  const text = Buffer.isBuffer(reply) ? reply.toString() : reply;
  return text === "PONG";
};

/** A string reply as a JS string (UTF-8), whether it arrived as a Buffer or a string. */
export function str(reply: RespValue): string {
  if (typeof reply === "string") return reply;
  if (Buffer.isBuffer(reply)) return reply.toString();
  if (typeof reply === "number" || typeof reply === "bigint") return String(reply);
  throw new ProtocolError(`expected a string reply, got ${describeValue(reply)}`);
}

/** A string reply or null. */
export function strOrNull(reply: RespValue): string | null {
  return reply === null ? null : str(reply);
}

/** A number from an integer, a RESP3 double or a RESP2 bulk string ("3.14", "inf", "-inf", "nan"). */
export function toNumber(reply: RespValue): number {
  if (typeof reply === "number") return reply;
  if (typeof reply === "bigint") return Number(reply);
  const text = str(reply).toLowerCase();
  if (text === "inf" || text === "+inf") return Infinity;
  if (text === "-inf") return -Infinity;
  if (text === "nan") return NaN;
  const n = Number(text);
  if (Number.isNaN(n)) throw new ProtocolError(`expected a number, got '${text.slice(0, 40)}'`);
  return n;
}

export function toNumberOrNull(reply: RespValue): number | null {
  return reply === null ? null : toNumber(reply);
}

/** Key/value pairs from a RESP3 map, RESP3 nested pairs `[[k1, v1], ...]` or a RESP2 flat array `[k1, v1, k2, v2, ...]`. */
export function toPairs(reply: RespValue): [RespValue, RespValue][] {
  if (reply === null) return [];
  if (reply instanceof Map) return [...reply.entries()];
  if (!Array.isArray(reply)) throw new ProtocolError(`expected a map or an array, got ${describeValue(reply)}`);
  if (reply.length > 0 && Array.isArray(reply[0])) {
    return reply.map((pair): [RespValue, RespValue] => {
      const [key, value] = toArray(pair);
      return [key ?? null, value ?? null];
    });
  }
  const pairs: [RespValue, RespValue][] = new Array(reply.length >> 1);
  for (let i = 0; i + 1 < reply.length; i += 2) pairs[i >> 1] = [reply[i]!, reply[i + 1]!];
  return pairs;
}

/**
 * Sets a field of an object made from a reply. Every field becomes an own, enumerable data
 * property, whatever its name: a plain `out[key] = value` with the key `__proto__` would set
 * the object's prototype instead (to the field's value) and drop the field. Other names
 * (`constructor`, `toString`, `hasOwnProperty`) just shadow the inherited ones. The objects
 * stay ordinary objects (prototype `Object.prototype`), as redis-py's dicts are ordinary dicts:
 * read them with `Object.hasOwn`/`Object.entries` rather than `obj.hasOwnProperty(...)`.
 */
export function setField<V>(out: Record<string, V>, key: string, value: V): void {
  if (key === "__proto__") Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

/**
 * A plain object from a map or a flat array. Keys are decoded to strings (an object's keys
 * can be nothing else); values are kept as they came, or passed through `value`. Every field
 * is kept, whatever its name (see `setField`).
 */
export function toObject<V = RespValue>(reply: RespValue, value?: (v: RespValue, key: string) => V): Record<string, V> {
  const out: Record<string, V> = {};
  if (reply === null) return out;
  if (reply instanceof Map) {
    for (const [k, v] of reply) {
      const key = str(k);
      setField(out, key, value ? value(v, key) : (v as V));
    }
    return out;
  }
  if (!Array.isArray(reply)) throw new ProtocolError(`expected a map or an array, got ${describeValue(reply)}`);
  for (let i = 0; i + 1 < reply.length; i += 2) {
    const key = str(reply[i]!);
    setField(out, key, value ? value(reply[i + 1]!, key) : (reply[i + 1] as V));
  }
  return out;
}

/** An array reply (RESP3 sets arrive as arrays too); `null` becomes `[]`. */
export function toArray(reply: RespValue): RespValue[] {
  if (reply === null) return [];
  if (Array.isArray(reply)) return reply;
  throw new ProtocolError(`expected an array, got ${describeValue(reply)}`);
}

/** A list of strings (redis-py's `list(map(str_if_bytes, r))`). */
export const strList = (reply: RespValue): string[] => toArray(reply).map(str);

/** A list of integer 1/0 (or RESP3 boolean) replies as booleans. */
export const boolList = (reply: RespValue): boolean[] => toArray(reply).map(toBool);

/** A list of maps (or RESP2 flat arrays) as plain objects. */
export const objectList = (reply: RespValue): Record<string, RespValue>[] => toArray(reply).map((item) => toObject(item));

/** A SCAN-family reply `[cursor, page]` as `[cursor as a number, items(page)]` (redis-py's `parse_scan`). */
export function parseScan<T>(reply: RespValue, items: (page: RespValue) => T): [number, T] {
  if (!Array.isArray(reply) || reply.length !== 2) throw new ProtocolError("expected a [cursor, items] scan reply");
  return [toNumber(reply[0]!), items(reply[1]!)];
}

/** Python's `int(text)`: an optionally signed decimal integer, or undefined. */
export function pyInt(text: string): number | undefined {
  const t = text.trim();
  return /^[+-]?\d+(_\d+)*$/.test(t) ? Number(t.replace(/_/g, "")) : undefined;
}
