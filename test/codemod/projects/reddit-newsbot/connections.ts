import * as aioredis from "aioredis";
import { REDIS_URL } from "./settings.js";
import { parseRedisUrl } from "./utils.js";

let _redis: aioredis.Redis | null = null;

/** The process-wide client (made on first use, or again with `recreate`). */
export async function getRedis(address: string = REDIS_URL, recreate = false): Promise<aioredis.Redis> {
  const { host, port, ...kwargs } = parseRedisUrl(address);
  if (!_redis || recreate) {
    _redis = await aioredis.createRedisPool([host, port], { ...kwargs, minsize: 1, maxsize: 5 });
  }
  return _redis;
}

export async function closeRedis(): Promise<void> {
  if (_redis) {
    _redis.close();
    await _redis.waitClosed();
    _redis = null;
  }
}

export interface Post {
  id: string;
  title: string;
  author: string;
  url: string;
  domain: string;
  ups: number;
  permalink: string;
  stickied?: boolean;
  subreddit?: string;
  subreddit_config?: { chat_id?: string };
}

/** Stands in for the aiohttp reddit session: a fixed listing per subreddit. */
export class RedditSession {
  constructor(private readonly listings: Record<string, Post[]>) {}

  async *getPosts(subreddit: string): AsyncGenerator<Post> {
    for (const post of this.listings[subreddit] ?? []) yield { ...post };
  }
}
