/**
 * An aioredis 1.x program, as it reads in TypeScript, running unchanged on
 * `aioredis/compat` (here through its source path).
 *
 *   npm run build && REDIS_URL=redis://localhost:6379 node dist/examples/v1-style.js
 *
 * Without REDIS_URL it starts a throwaway redis-server on a free loopback port.
 */
import * as aioredis from "../compat/index.js";
import { startThrowawayServer } from "./throwaway-server.js";

async function main(url: string): Promise<void> {
  // A pool client: pre-filled with minsize connections, replies decoded as UTF-8.
  const redis = await aioredis.createRedisPool(url, { encoding: "utf-8", minsize: 2, maxsize: 10, timeout: 2 });

  await redis.set("v1:greeting", "hello", { expire: 60 });
  show("get", await redis.get("v1:greeting"));
  show("get, encoding null", await redis.get("v1:greeting", { encoding: null }));
  show("set NX on an existing key", await redis.set("v1:greeting", "again", { exist: redis.SET_IF_NOT_EXIST }));
  show("ping", await redis.ping());

  await redis.delete("v1:user", "v1:scores");
  await redis.hmsetDict("v1:user", { name: "Ada", lang: "en" }, { visits: 1 });
  show("hgetall", await redis.hgetall("v1:user"));
  await redis.zadd("v1:scores", 10, "ada", 7.5, "bob");
  show("zrange withscores", await redis.zrange("v1:scores", 0, -1, true));
  show("zscore (an integer)", await redis.zscore("v1:scores", "ada"));

  const keys: string[] = [];
  for await (const key of redis.iscan({ match: "v1:*" })) keys.push(key);
  show("iscan", keys.sort());

  // Commands are sent when called: awaiting them together pipelines them (over the pool's
  // free connections, in turn, so their relative order is not fixed).
  await redis.delete("v1:n");
  const counts = await Promise.all([redis.incr("v1:n"), redis.incr("v1:n")]);
  show("implicit pipelining", counts.sort());

  // An exclusive connection for WATCH/MULTI/EXEC.
  {
    using r = await redis.acquire();
    await r.watch("v1:n");
    const current = Number(await r.get("v1:n"));
    const tr = r.multiExec();
    const next = tr.set("v1:n", String(current * 10));
    await tr.execute();
    show("transaction", [await next, await r.get("v1:n")]);
  }

  // A pipeline: every call is a Promise; errors are collected.
  const pipe = redis.pipeline();
  const a = pipe.incr("v1:n");
  pipe.hincrby("v1:user", "name"); // not an integer: an error
  const results = await pipe.execute({ returnExceptions: true });
  show("pipeline", [await a, results[1] instanceof aioredis.ReplyError]);

  // Pub/sub with a Channel, and a Receiver for several channels.
  const [channel] = await redis.subscribe("v1:news");
  await redis.publishJson("v1:news", { headline: "compat works" });
  show("channel getJson", await channel!.getJson());

  const mpsc = new aioredis.Receiver();
  await redis.subscribe(mpsc.channel("v1:alerts"));
  await redis.psubscribe(mpsc.pattern("v1:events:*"));
  await redis.publish("v1:alerts", "disk");
  await redis.publish("v1:events:login", "ada");
  for (let i = 0; i < 2; i++) {
    const [sender, message] = await mpsc.get({ encoding: "utf-8" });
    show(`receiver (${sender.name.toString()})`, message);
  }
  await redis.unsubscribe("v1:news", "v1:alerts");
  await redis.punsubscribe("v1:events:*");

  redis.close();
  await redis.waitClosed();
  show("closed", redis.closed);
}

function show(step: string, value: unknown): void {
  const text = JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === "object" && (v as { type?: string }).type === "Buffer" ? `<Buffer ${Buffer.from((v as { data: number[] }).data).toString()}>` : v,
  );
  console.log(`${step.padEnd(32)} -> ${text}`);
}

const fromEnv = process.env.REDIS_URL;
const local = fromEnv ? null : await startThrowawayServer();
try {
  await main(fromEnv ?? local!.url);
} finally {
  local?.stop();
}
