/** aioradio redis cache script. */
import { createHash } from "node:crypto";
import * as aioredis from "aioredis";

type Encoding = string | null;

const HASH_ALGO_MAP: Record<string, string> = {
  SHA1: "sha1",
  SHA256: "sha256",
  SHA512: "sha512",
  SHA3_256: "sha3-256",
  SHA3_512: "sha3-512",
};

const dumps = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const loads = (value: string | Buffer): unknown => JSON.parse(value.toString());

/** JSON with sorted keys (orjson.OPT_SORT_KEYS). */
function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(",")}]`;
  if (value && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${sortedJson(obj[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

export interface RedisOptions {
  config?: { redis_primary_endpoint?: string };
  poolMinsize?: number;
  poolMaxsize?: number;
  expire?: number;
  useHashkey?: boolean;
  hashAlgorithm?: string;
  useJson?: boolean;
}

/** Class dealing with aioredis functions. */
export class Redis {
  pool!: aioredis.Redis;
  readonly config: { redis_primary_endpoint?: string };
  poolMinsize = 5;
  poolMaxsize = 10;
  /** Cache expiration in seconds. */
  expire = 60;
  useHashkey = false;
  hashAlgorithm = "SHA3_256";
  useJson = true;

  constructor(options: RedisOptions = {}) {
    this.config = options.config ?? {};
    Object.assign(this, { ...options, config: this.config });
  }

  /** `__post_init__`: the pool. */
  async init(): Promise<this> {
    const primaryEndpoint = `redis://${this.config.redis_primary_endpoint}`;
    this.pool = await aioredis.createRedisPool(primaryEndpoint, { minsize: this.poolMinsize, maxsize: this.poolMaxsize });
    return this;
  }

  async close(): Promise<void> {
    this.pool.close();
    await this.pool.waitClosed();
  }

  /** Check if an item is cached in redis. */
  async get(key: string, useJson: boolean | null = null, encoding: Encoding = "utf-8"): Promise<unknown> {
    useJson ??= this.useJson;
    let value: unknown = await this.pool.get(key, { encoding });
    if (value !== null && useJson) value = loads(value as string | Buffer);
    return value;
  }

  /** Check if many items are cached in redis. */
  async mget(items: string[], useJson: boolean | null = null, encoding: Encoding = "utf-8"): Promise<unknown[]> {
    useJson ??= this.useJson;
    let values: unknown[] = await this.pool.mget(items[0]!, ...items.slice(1), { encoding });
    if (useJson) values = values.map((v) => (v !== null ? loads(v as string) : null));
    return values;
  }

  /** Set one key-value pair in redis. */
  async set(key: string, value: unknown, expire: number | null = null, useJson: boolean | null = null): Promise<boolean> {
    expire ??= this.expire;
    useJson ??= this.useJson;
    const data = useJson ? dumps(value) : (value as string);
    return this.pool.set(key, data, { expire });
  }

  async delete(key: string): Promise<number> {
    return this.pool.delete(key);
  }

  /** Get the value of a hash field. */
  async hget(key: string, field: string, useJson: boolean | null = null, encoding: Encoding = "utf-8"): Promise<unknown> {
    useJson ??= this.useJson;
    let value: unknown = await this.pool.hget(key, field, { encoding });
    if (value !== null && useJson) value = loads(value as string);
    return value;
  }

  /** Get the values of all the given fields. */
  async hmget(key: string, fields: string[], useJson: boolean | null = null, encoding: Encoding = "utf-8"): Promise<Record<string, unknown>> {
    useJson ??= this.useJson;
    const items: Record<string, unknown> = {};
    const values = await this.pool.hmget(key, fields[0]!, ...fields.slice(1), { encoding });
    values.forEach((value, index) => {
      if (value !== null) items[fields[index]!] = useJson ? loads(value as string) : value;
    });
    return items;
  }

  /** The given fields of many hashes, in one MULTI/EXEC. */
  async hmgetMany(keys: string[], fields: string[], useJson: boolean | null = null, encoding: Encoding = "utf-8"): Promise<Record<string, unknown>[]> {
    useJson ??= this.useJson;
    const transaction = this.pool.multiExec();
    for (const key of keys) void transaction.hmget(key, fields[0]!, ...fields.slice(1), { encoding });
    const results: Record<string, unknown>[] = [];
    for (const values of (await transaction.execute()) as unknown[][]) {
      const items: Record<string, unknown> = {};
      values.forEach((value, index) => {
        if (value !== null) items[fields[index]!] = useJson ? loads(value as string) : value;
      });
      results.push(items);
    }
    return results;
  }

  /** Get all the fields and values in a hash. */
  async hgetall(key: string, useJson: boolean | null = null, encoding: Encoding = "utf-8"): Promise<Record<string, unknown>> {
    useJson ??= this.useJson;
    const items: Record<string, unknown> = {};
    for (const [hashKey, value] of Object.entries(await this.pool.hgetall(key, { encoding }))) {
      if (value !== null) items[hashKey] = useJson ? loads(value as string) : value;
    }
    return items;
  }

  /** Every field of many hashes, in one MULTI/EXEC. */
  async hgetallMany(keys: string[], useJson: boolean | null = null, encoding: Encoding = "utf-8"): Promise<Record<string, unknown>[]> {
    useJson ??= this.useJson;
    const transaction = this.pool.multiExec();
    for (const key of keys) void transaction.hgetall(key, { encoding });
    const results: Record<string, unknown>[] = [];
    for (const item of (await transaction.execute()) as Record<string, unknown>[]) {
      const items: Record<string, unknown> = {};
      for (const [k, value] of Object.entries(item)) if (value !== null) items[k] = useJson ? loads(value as string) : value;
      results.push(items);
    }
    return results;
  }

  /** Set the string value of a hash field, and the hash's expiry. */
  async hset(key: string, field: string, value: unknown, useJson: boolean | null = null, expire: number | null = null): Promise<number> {
    expire ??= this.expire;
    useJson ??= this.useJson;
    const data = useJson ? dumps(value) : (value as string);
    const result = await this.pool.hset(key, field, data);
    await this.pool.expire(key, { timeout: expire });
    return result;
  }

  /** Set several hash fields, and the hash's expiry. */
  async hmset(key: string, items: Record<string, unknown>, useJson: boolean | null = null, expire: number | null = null): Promise<boolean> {
    expire ??= this.expire;
    useJson ??= this.useJson;
    const modified: Record<string, string | Buffer> = {};
    for (const [k, v] of Object.entries(items)) modified[k] = useJson ? dumps(v) : (v as string);
    const result = await this.pool.hmsetDict(key, modified);
    await this.pool.expire(key, { timeout: expire });
    return result;
  }

  async hdel(key: string, fields: string[]): Promise<number> {
    return this.pool.hdel(key, fields[0]!, ...fields.slice(1));
  }

  async hexists(key: string, field: string): Promise<boolean> {
    return this.pool.hexists(key, field);
  }

  /** A cache key from a flat object: sorted `k=v` pairs, hashed on request. */
  async buildCacheKey(payload: Record<string, unknown>, separator = "|", useHashkey: boolean | null = null): Promise<string> {
    useHashkey ??= this.useHashkey;
    const concat = Object.keys(payload)
      .sort()
      .filter((k) => payload[k] != null && !(Array.isArray(payload[k]) && (payload[k] as unknown[]).length === 0))
      .map((k) => `${k}=${sortedJson(payload[k])}`.replace(/"/g, ""))
      .join(separator);
    if (!useHashkey) return concat;
    return createHash(HASH_ALGO_MAP[this.hashAlgorithm]!).update(concat).digest("hex");
  }
}
