import { Redis } from "./index.js";

/** A service that caches lookups in the aioradio cache it is given. */
export class StudentLookup {
  constructor(private readonly cache: Redis) {}

  async find(query: { school: string; grade: number; tags?: string[] }, compute: () => Promise<unknown>): Promise<[string, unknown]> {
    const key = await this.cache.buildCacheKey(query);
    const hit = await this.cache.get(key);
    if (hit !== null) return ["hit", hit];
    const value = await compute();
    await this.cache.set(key, value);
    return ["miss", value];
  }
}
