import type { Redis } from "aioredis";
import { encode, fetchUrl, HTTPError, type Conf } from "./utils.js";

export class SiteHandler {
  constructor(
    private readonly redis: Redis,
    private readonly conf: Conf,
  ) {}

  async index(): Promise<Record<string, never>> {
    return {};
  }

  async shortify(body: { url?: unknown }): Promise<{ url: string }> {
    const longUrl = fetchUrl(body);
    const index = await this.redis.incr("shortify:count");
    const path = encode(index - 1);
    const key = `shortify:${path}`;
    await this.redis.set(key, longUrl);
    return { url: `http://${this.conf.host}:${this.conf.port}/${path}` };
  }

  async redirect(shortId: string): Promise<never> {
    const location = await this.redis.get(`shortify:${shortId}`);
    if (!location) throw new HTTPError(404, "Not Found");
    throw new HTTPError(302, "Found", location.toString());
  }
}
