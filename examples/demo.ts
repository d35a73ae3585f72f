/**
 * `npm run demo`: the examples of API.md section 2, run against REDIS_URL or, when it is
 * unset, against a throwaway redis-server started here on a free loopback port.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as net from "node:net";
import * as os from "node:os";
import * as fs from "node:fs";
import * as path from "node:path";
import { ConnectionPool, fromUrl, Redis } from "../src/index.js";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function startThrowawayServer(): Promise<{ url: string; child: ChildProcess; dir: string }> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aioredis-demo-"));
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  await new Promise<void>((resolve, reject) => {
    child.once("error", (err) => reject(new Error(`cannot start redis-server (apt-get install redis-server): ${err.message}`)));
    child.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("Ready to accept connections")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`redis-server exited with code ${code}`)));
  });
  return { url: `redis://127.0.0.1:${port}`, child, dir };
}

function show(step: string, value: unknown): void {
  console.log(`${step.padEnd(48)} -> ${JSON.stringify(value)}`);
}

async function main(): Promise<void> {
  let server: Awaited<ReturnType<typeof startThrowawayServer>> | null = null;
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
    if (server) {
      server.child.kill("SIGKILL");
      fs.rmSync(server.dir, { recursive: true, force: true });
    }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
