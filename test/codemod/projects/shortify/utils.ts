import * as aioredis from "aioredis";

export interface RedisConf {
  host: string;
  port: number;
  db: number;
  minsize: number;
  maxsize: number;
}

export interface Conf {
  redis: RedisConf;
  host: string;
  port: number;
}

/** The trafaret check of the original, by hand. */
export function loadConfig(data: unknown): Conf {
  const c = data as Conf;
  for (const k of ["port", "db", "minsize", "maxsize"] as const) {
    if (!Number.isInteger(c.redis?.[k])) throw new TypeError(`redis.${k} must be an int`);
  }
  if (typeof c.redis.host !== "string") throw new TypeError("redis.host must be a string");
  return c;
}

export async function initRedis(conf: RedisConf): Promise<aioredis.Redis> {
  return aioredis.createRedisPool([conf.host, conf.port], { db: conf.db, minsize: conf.minsize, maxsize: conf.maxsize });
}

export const CHARS = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

export function encode(num: number, alphabet = CHARS): string {
  if (num === 0) return alphabet[0]!;
  const arr: string[] = [];
  const base = alphabet.length;
  while (num) {
    const rem = num % base;
    num = Math.floor(num / base);
    arr.push(alphabet[rem]!);
  }
  return arr.reverse().join("");
}

export class HTTPError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly location?: string,
  ) {
    super(message);
  }
}

export function fetchUrl(data: { url?: unknown }): string {
  if (typeof data.url !== "string" || !/^https?:\/\/[^\s/]+/.test(data.url)) throw new HTTPError(400, "URL is not valid");
  return data.url;
}
