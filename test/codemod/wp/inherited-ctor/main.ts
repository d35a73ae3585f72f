import { getRedis } from "./connections.js";
import { JsonQueue } from "./queues.js";

export async function main(): Promise<void> {
  const queue = new JsonQueue<{ n: number }>(await getRedis(), "jobs");
  console.log(await queue.put({ n: 1 }), await queue.put({ n: 2 }));
  console.log(JSON.stringify(await queue.get()));
  queue.redis.close();
  await queue.redis.waitClosed();
}
