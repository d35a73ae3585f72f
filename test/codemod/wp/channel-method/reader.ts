import { Subscriber } from "./subscriber.js";

/** Reads the Channel another module's method returns, until "stop"; then unsubscribes and closes the client. */
export async function readNews(address: string, topic: string, publish: () => Promise<void>): Promise<string[]> {
  const sub = await new Subscriber().connect(address);
  await sub.follow(topic);
  const ch = sub.channel();
  const redis = sub.redis();
  await publish();
  const got: string[] = [];
  while (await ch.waitMessage()) {
    const msg = await ch.get({ encoding: "utf-8" });
    got.push(`${ch.name}: ${msg}`);
    if (msg === "stop") await redis.unsubscribe(topic);
  }
  redis.close();
  await redis.waitClosed();
  return got;
}
