/**
 * `npm run demo`: the examples of API.md section 2, run against REDIS_URL or, when it is
 * unset, against a throwaway redis-server started here on a free loopback port.
 */
import { ConnectionPool, fromUrl, Redis } from "../src/index.js";
import { startThrowawayServer, type ThrowawayServer } from "./throwaway-server.js";

function show(step: string, value: unknown): void {
  console.log(`${step.padEnd(48)} -> ${JSON.stringify(value)}`);
}

async function main(): Promise<void> {
  let server: ThrowawayServer | null = null;
  let url = process.env.REDIS_URL;
  if (!url) {
    server = await startThrowawayServer();
    url = server.url;
    console.log(`started a throwaway redis-server at ${url}`);
  } else {
    console.log(`using REDIS_URL`);
  }
  try {
    // Not async: connections are made lazily, on the first command.
    const redis = fromUrl(url, { encoding: "utf-8", decodeResponses: true });
    show('await redis.set("my-key", "value")', await redis.set("my-key", "value"));
    show('await redis.get("my-key")', await redis.get("my-key"));
    show("await redis.ping()", await redis.ping());

    // A client bound to one connection, like redis-py's client():
    {
      await using conn = redis.client();
      show('await conn.set("my-key", "value")', await conn.set("my-key", "value"));
      show('await conn.executeCommand("CLIENT", "ID")', await conn.executeCommand("CLIENT", "ID"));
    }

    // Managing the pool's lifetime yourself:
    const pool = ConnectionPool.fromUrl(url, { decodeResponses: true });
    const meanings = new Redis({ connectionPool: pool });
    try {
      show('await meanings.set("life", 42)', await meanings.set("life", 42));
      console.log(`The answer: ${await meanings.get("life")}`);
    } finally {
      await pool.disconnect();
    }

    // Pipelines and transactions (API.md section 3):
    const res = await redis.pipeline({ transaction: true }).incr("foo").incr("bar").execute();
    show('pipeline().incr("foo").incr("bar").execute()', res);

    // Pub/sub (API.md section 4):
    const p = redis.pubsub({ ignoreSubscribeMessages: true });
    await p.subscribe("chan:1");
    await redis.publish("chan:1", "hello");
    show("await p.getMessage({ timeout: 1.0 })", await p.getMessage({ timeout: 1.0 }));
    await p.close();

    await redis.close();
  } finally {
    server?.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
