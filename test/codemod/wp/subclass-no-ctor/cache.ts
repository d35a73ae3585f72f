import * as aioredis from "aioredis";

/** A client with JSON helpers; it inherits Redis's constructor. */
export class JsonCache extends aioredis.Redis {
  async getJson<T>(key: string): Promise<T | null> {
    const raw = await this.get(key);
    return raw === null ? null : (JSON.parse(String(raw)) as T);
  }

  async setJson(key: string, value: unknown, ttl: number): Promise<void> {
    await this.set(key, JSON.stringify(value), { expire: ttl });
  }
}

export async function openCache(url: string): Promise<JsonCache> {
  return new JsonCache(await aioredis.createConnection(url));
}
