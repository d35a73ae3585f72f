import type * as aioredis from "aioredis";
import { getRedis, type Post, type RedditSession } from "./connections.js";
import { messagesQueue, postsQueue, type Message } from "./queues.js";
import { CONFIG } from "./settings.js";

/** True when the post was seen already; otherwise remembers it. */
export async function filterPost(post: Post, redis: aioredis.Redis | null = null): Promise<boolean> {
  redis = redis ?? (await getRedis());
  if (await redis.exists(post.id)) return true;
  await redis.set(post.id, String(1_500_000_000 + post.ups), { expire: CONFIG.timings.post_expire });
  return false;
}

export async function gatherPosts(reddit: RedditSession, subreddits = CONFIG.subreddits): Promise<void> {
  const queue = await postsQueue();
  for (const [subreddit, subredditConfig] of Object.entries(subreddits)) {
    for await (const post of reddit.getPosts(subreddit)) {
      if (await filterPost(post)) continue;
      post.subreddit = subreddit;
      post.subreddit_config = subredditConfig;
      await queue.put(post);
    }
  }
}

export function getCaption(post: Post): string {
  return `${post.subreddit} - ${post.author}: ${post.title} (\u2191 ${post.ups})`;
}

export function processPost(post: Post): Message[] {
  if (post.stickied) return [];
  const text = getCaption(post);
  if (post.url.endsWith(".jpg") || post.url.endsWith(".png")) {
    return [
      { type: "message", params: { text, parse_mode: "HTML" } },
      { type: "photo", params: { photo: post.url } },
    ];
  }
  return [
    { type: "message", params: { text, parse_mode: "HTML" } },
    { type: "message", params: { text: post.url } },
  ];
}

export async function processPosts(): Promise<void> {
  const posts = await postsQueue();
  const messages = await messagesQueue();
  while (!(await posts.empty())) {
    const post = await posts.get();
    const out = processPost(post);
    if (!out.length) continue;
    for (const m of out) m.params.chat_id = post.subreddit_config?.chat_id ?? CONFIG.telegram.chat_id;
    await messages.put(out);
  }
}

/** Sends one batch of messages through `send`; requeues the rest when told to retry. */
export async function processMessages(send: (m: Message) => Promise<"ok" | "retry">): Promise<number> {
  const queue = await messagesQueue();
  if (await queue.empty()) return 0;
  const batch = await queue.get();
  let sent = 0;
  while (batch.length) {
    const message = batch.shift()!;
    if ((await send(message)) === "retry") {
      await queue.insert([message, ...batch]);
      return sent;
    }
    sent++;
  }
  return sent;
}
