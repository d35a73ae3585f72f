import { init } from "./app.js";
import { HTTPError } from "./utils.js";

const url = new URL(process.env.REDIS_URL ?? "redis://localhost:6379");
const app = await init({
  redis: { host: url.hostname, port: Number(url.port || 6379), db: 0, minsize: 1, maxsize: 2 },
  host: "127.0.0.1",
  port: 9002,
});

async function request(route: string, arg = ""): Promise<string> {
  try {
    return JSON.stringify(await app.routes.get(route)!(arg));
  } catch (e) {
    if (e instanceof HTTPError) return `${e.status} ${e.message}${e.location ? ` -> ${e.location}` : ""}`;
    throw e;
  }
}

console.log(await request("GET /"));
for (const u of ["https://example.com/a", "https://example.com/b", "https://aiohttp.org"]) console.log(await request("POST /shortify", JSON.stringify({ url: u })));
console.log(await request("POST /shortify", JSON.stringify({ url: "not a url" })));
for (const id of ["a", "b", "c", "zz"]) console.log(id, await request("GET /{short_id}", id));

for (const cleanup of app.onCleanup) await cleanup();
