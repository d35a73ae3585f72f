type Client = import("aioredis").Redis<string>;

const STREAM = "bigfoot:sightings:stream";

export function addToStream(redis: Client, id: number, title: string, classification: string): Promise<string> {
  return redis.xadd(STREAM, { id, title, classification });
}

/** Reads every entry after `lastId`, five at a time; returns the fields read. */
export async function readFromStream(redis: Client, lastId = "0-0"): Promise<Record<string, string>[]> {
  const out: Record<string, string>[] = [];
  for (;;) {
    const events = await redis.xread([STREAM], { timeout: 100, count: 5, latestIds: [lastId] });
    if (events.length === 0) return out;
    for (const [, id, fields] of events) {
      out.push(fields as Record<string, string>);
      lastId = id as string;
    }
  }
}
