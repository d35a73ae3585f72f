/**
 * The `clientSideCache` option: its types and its checks (see src/cache.ts for the cache and
 * docs/caching.md for the behaviour). Apart from the cache so that the option code
 * (src/options.ts, src/connection/resolve.ts) does not import the cache.
 */
import { describeValue } from "./describe.js";
import { DataError } from "./errors.js";
import type { CommandArg } from "./protocol/index.js";

/** `clientSideCache` option: what the cache holds and how the server tells it about changes. */
export interface ClientSideCacheOptions {
  /** Most entries kept; the least recently used goes first. Default 10,000. */
  maxEntries?: number;
  /** Most bytes kept (an estimate of keys and values); 0 = no byte limit. Default 0. */
  maxBytes?: number;
  /** Seconds an entry may be served after it was stored, even without an invalidation; 0 = no limit. Default 0. */
  ttl?: number;
  /**
   * `"default"`: the server remembers the keys this client read and invalidates those only.
   * `"bcast"`: the server sends an invalidation for every changed key matching `prefixes`
   * (all keys without prefixes); only keys matching them are cached. Default `"default"`.
   */
  mode?: "default" | "bcast";
  /** BCAST mode only: the key prefixes to track. They must not overlap. */
  prefixes?: readonly (string | Buffer)[];
}

/** The options with defaults filled in. */
export interface ResolvedClientSideCacheOptions {
  maxEntries: number;
  maxBytes: number;
  ttl: number;
  mode: "default" | "bcast";
  prefixes: readonly (string | Buffer)[];
}

const CACHE_OPTION_NAMES = ["maxEntries", "maxBytes", "ttl", "mode", "prefixes"];

/**
 * Checks and completes the `clientSideCache` option. Throws `DataError` naming the bad
 * sub-option; refuses `protocol: 2` (invalidations need RESP3 push messages).
 */
export function resolveClientSideCacheOptions(
  value: unknown,
  protocol: 2 | 3,
  decoding: { decodeResponses: boolean; encodingErrors: string },
): ResolvedClientSideCacheOptions | null {
  if (value === null || value === undefined) return null;
  const where = "clientSideCache";
  if (typeof value !== "object" || Array.isArray(value) || Buffer.isBuffer(value)) {
    throw new DataError(`${where} must be an object of cache options or null, got ${describeValue(value)}`);
  }
  const o = value as ClientSideCacheOptions;
  for (const name of Object.keys(o)) {
    if (!CACHE_OPTION_NAMES.includes(name)) throw new DataError(`${where}: unknown option '${name}'`);
  }
  const bad = (name: string, what: string, v: unknown): never => {
    throw new DataError(`${where}: option '${name}' must be ${what}, got ${describeValue(v)}`);
  };
  const maxEntries = o.maxEntries ?? 10_000;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) bad("maxEntries", "a positive integer", o.maxEntries);
  const maxBytes = o.maxBytes ?? 0;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) bad("maxBytes", "a non-negative integer (0: no limit)", o.maxBytes);
  const ttl = o.ttl ?? 0;
  if (typeof ttl !== "number" || !Number.isFinite(ttl) || ttl < 0) bad("ttl", "a number of seconds (0: no limit)", o.ttl);
  const mode = o.mode ?? "default";
  if (mode !== "default" && mode !== "bcast") bad("mode", "'default' or 'bcast'", o.mode);
  const prefixes = o.prefixes ?? [];
  if (!Array.isArray(prefixes) || !prefixes.every((p) => typeof p === "string" || Buffer.isBuffer(p))) {
    bad("prefixes", "an array of strings or Buffers", o.prefixes);
  }
  if (prefixes.length > 0 && mode !== "bcast") {
    throw new DataError(`${where}: 'prefixes' need mode 'bcast' (the default mode tracks the keys read, not prefixes)`);
  }
  const ids = prefixes.map((p) => keyId(p, "utf8"));
  for (let i = 0; i < ids.length; i++) {
    for (let j = 0; j < ids.length; j++) {
      if (i !== j && ids[j]!.startsWith(ids[i]!)) {
        throw new DataError(`${where}: prefixes #${i + 1} and #${j + 1} overlap (one starts with the other); the server refuses that`);
      }
    }
  }
  if (protocol === 2) {
    throw new DataError(`${where} needs RESP3 (the server's invalidation push messages): it cannot be used with protocol: 2`);
  }
  if (decoding.decodeResponses && decoding.encodingErrors === "ignore") {
    throw new DataError(
      `${where} cannot be used with decodeResponses and encodingErrors 'ignore': a key that is not valid text would arrive in an invalidation with bytes dropped and could not be matched`,
    );
  }
  return { maxEntries, maxBytes, ttl, mode, prefixes: [...prefixes] };
}

const ASCII = /^[\x00-\x7f]*$/;

/** One identity for a key or argument, whatever form it came in: its bytes, as latin1 text. */
export function keyId(arg: CommandArg, encoding: BufferEncoding): string {
  if (typeof arg === "string") return ASCII.test(arg) ? arg : Buffer.from(arg, encoding).toString("latin1");
  if (Buffer.isBuffer(arg)) return arg.toString("latin1");
  return String(arg);
}
