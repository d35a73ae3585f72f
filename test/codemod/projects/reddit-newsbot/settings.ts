export const REDIS_URL = process.env.REDIS_URL ?? "redis://localhost:6379/0";

export const CONFIG = {
  timings: { post_expire: 60 * 60 * 24 * 3, gather_posts: 600, process_posts: 60, process_messages: 10 },
  telegram: { chat_id: "@newsbot" },
  subreddits: {
    "/r/pics": { charts: ["hot"], pages: 1, chat_id: "@pics" },
    "/r/news": { charts: ["hot"], pages: 1 },
  } as Record<string, { charts: string[]; pages: number; chat_id?: string }>,
};
