import { PubSubUtility } from "./contrib/pubsub/utility.js";
import { getDriver } from "./contrib/redis/index.js";
import { configureFromUrl } from "./settings.js";

configureFromUrl(process.env.REDIS_URL ?? "redis://localhost:6379");
const driver = await getDriver();
console.log("initialized:", driver.initialized, "same driver:", driver === (await getDriver()));

await driver.set("obj:1", JSON.stringify({ title: "Front page" }), { expire: 120 });
await driver.set("obj:2", "plain");
console.log("get:", String(await driver.get("obj:1")), String(await driver.get("obj:2")));
await driver.deleteAll(["obj:2", "obj:3"]);
console.log("after delete:", await driver.get("obj:2"));

const received: string[] = [];
let done!: () => void;
const twoMessages = new Promise<void>((resolve) => (done = resolve));
const pubsub = new PubSubUtility();
await pubsub.subscribe("guillotina-invalidate", (data) => {
  received.push(JSON.stringify(data));
  if (received.length === 2) done();
});
await pubsub.publish("guillotina-invalidate", { keys: ["obj:1"] });
await pubsub.publish("guillotina-invalidate", { keys: ["obj:4", "obj:5"], tid: 7 });
await twoMessages;
console.log("invalidations:", received.join(" "));
await pubsub.unsubscribe("guillotina-invalidate");

await driver.flushall();
console.log("after flush:", await driver.get("obj:1"));
await driver.finalize();
console.log("finalized:", driver.initialized);
