import { closeRedis, getRedis, RedditSession } from "./connections.js";
import { messagesQueue } from "./queues.js";
import { filterPost, gatherPosts, processMessages, processPosts } from "./services.js";
import { Redis } from "./utils.js";

const reddit = new RedditSession({
  "/r/pics": [
    { id: "p1", title: "Sunset", author: "ann", url: "https://i.redd.it/a.jpg", domain: "i.redd.it", ups: 120, permalink: "/r/pics/p1" },
    { id: "p0", title: "Rules", author: "mod", url: "https://reddit.com/rules", domain: "self.pics", ups: 1, permalink: "/r/pics/p0", stickied: true },
  ],
  "/r/news": [{ id: "n1", title: "Elections", author: "bob", url: "https://example.com/e", domain: "example.com", ups: 50, permalink: "/r/news/n1" }],
});

await gatherPosts(reddit);
await gatherPosts(reddit); // everything seen already: nothing new
await processPosts();

let retried = false;
const sent: string[] = [];
const send = async (m: { type: string; params: Record<string, unknown> }) => {
  if (m.type === "photo" && !retried) {
    retried = true;
    return "retry" as const;
  }
  sent.push(`${m.type} -> ${m.params.chat_id}: ${String(m.params.text ?? m.params.photo)}`);
  return "ok" as const;
};
while (!(await (await messagesQueue()).empty())) console.log("sent", await processMessages(send));
for (const line of sent) console.log(line);

const redis = await getRedis();
console.log("seen p1:", await filterPost({ id: "p1", title: "", author: "", url: "", domain: "", ups: 0, permalink: "" }, redis));
console.log("ttl set:", (await redis.ttl("p1")) > 0);

// the bot's own client class, on a connection of its own
const admin = await Redis.open(process.env.REDIS_URL ?? null);
console.log("admin sees", (await admin.keys("p*")).map(String).sort().join(","), "via", admin.url === (process.env.REDIS_URL ?? "redis://localhost:6379/0"));
await admin.aclose();
await closeRedis();
