import { getRedis } from "./connections.js";
import type { Post } from "./connections.js";
import { JsonRedisQueue } from "./utils.js";

export interface Message {
  type: string;
  params: Record<string, unknown>;
}

export async function postsQueue(): Promise<JsonRedisQueue<Post>> {
  return new JsonRedisQueue<Post>(await getRedis(), "newsbot:posts");
}

export async function messagesQueue(): Promise<JsonRedisQueue<Message[]>> {
  return new JsonRedisQueue<Message[]>(await getRedis(), "newsbot:messages");
}
