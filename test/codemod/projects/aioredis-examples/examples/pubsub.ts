import * as aioredis from "aioredis";
import { connect } from "../redis.js";

/** Two readers on two channels; a publisher on another client; both readers end on close. */
export async function pubsub(): Promise<string[]> {
  const printed: string[] = [];
  const sub = await connect();
  const [ch1, ch2] = await sub.subscribe("channel:1", "channel:2");
  if (!(ch1 instanceof aioredis.Channel) || !(ch2 instanceof aioredis.Channel)) throw new Error("not channels");

  async function asyncReader(channel: aioredis.Channel): Promise<void> {
    while (await channel.waitMessage()) {
      const msg = await channel.get({ encoding: "utf-8" });
      printed.push(`message in ${channel.name}: ${msg}`);
    }
  }
  const tsk1 = asyncReader(ch1);

  // or alternatively
  async function asyncReader2(channel: aioredis.Channel): Promise<void> {
    for (;;) {
      const msg = await channel.get({ encoding: "utf-8" });
      if (msg === null) break;
      printed.push(`message in ${channel.name}: ${msg}`);
    }
  }
  const tsk2 = asyncReader2(ch2);

  const pub = await connect();
  for (;;) {
    const channels = await pub.pubsubChannels();
    if (channels.length === 2) break;
  }
  for (const msg of ["Hello", ",", "world!"]) {
    for (const ch of ["channel:1", "channel:2"]) await pub.publish(ch, msg);
  }
  // let the readers take what was published before the connection goes
  while (printed.length < 6) await new Promise((r) => setTimeout(r, 10));
  pub.close();
  sub.close();
  await pub.waitClosed();
  await sub.waitClosed();
  await Promise.all([tsk1, tsk2]);
  return printed;
}
