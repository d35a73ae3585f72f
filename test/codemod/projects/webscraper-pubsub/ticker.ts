import { RedisClientAsync } from "./components/index.js";

/** A subscriber on a client of its own: prints `count` ticker lines. */
export async function follow(url: string | undefined, channel: string, count: number, started: () => Promise<void>): Promise<string[]> {
  const sub = await new RedisClientAsync(url).main();
  await sub.subToKey(channel);
  const ch = await sub.getChannels();
  await started();
  const lines: string[] = [];
  while (lines.length < count && (await ch.waitMessage())) {
    const msg = await ch.get({ encoding: "utf-8" });
    lines.push(String(msg));
  }
  const client = sub.getClient();
  await client.unsubscribe(channel);
  client.close();
  await client.waitClosed();
  return lines;
}
