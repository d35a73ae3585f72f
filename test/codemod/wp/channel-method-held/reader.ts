import { Subscriber } from "./subscriber.js";

/** As channel-method, but the loop asks the Channel isActive, which a v2 PubSub has no equivalent of. */
export async function readNews(address: string, topic: string, publish: () => Promise<void>): Promise<string[]> {
  const sub = await new Subscriber().connect(address);
  await sub.follow(topic);
  const ch = sub.channel();
  const redis = sub.redis();
  await publish();
  const got: string[] = [];
  while (ch.isActive) {
    const msg = await ch.get({ encoding: "utf-8" });
    got.push(String(msg));
    if (msg === "stop") await redis.unsubscribe(topic);
  }
  redis.close();
  await redis.waitClosed();
  return got;
}
