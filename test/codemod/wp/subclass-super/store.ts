import * as aioredis from "aioredis";

/** Overrides get() and calls the v1 base's method through super. */
export class PrefixedStore extends aioredis.Redis {
  constructor(conn: aioredis.RedisConnection, readonly prefix: string) {
    super(conn);
  }

  override async get(key: string): Promise<Buffer | null> {
    return super.get(`${this.prefix}${key}`);
  }
}
