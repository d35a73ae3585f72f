import { connect, disconnect } from "./client.js";
import { addSighting, listSightings, readSighting } from "./database.js";
import { publish, subscribe } from "./pubsub.js";
import { addToQueue, readFromQueue } from "./queue.js";
import { addToStream, readFromStream } from "./streams.js";

const url = process.env.REDIS_URL ?? "redis://localhost:6379/0";
const redis = await connect(url);

const sightings = [
  [1, "Possible vocalizations east of Makanda", "Class B"],
  [2, "Sighting near the Columbia River", "Class A"],
  [3, "Chased by a tall hairy creature", "Class A"],
];

// database
await Promise.all(sightings.map(([id, title, cls]) => addSighting(redis, Number(id), String(title), String(cls))));
for (const s of await Promise.all([1, 2, 3].map((id) => readSighting(redis, id)))) console.log("hash", JSON.stringify(s));
console.log("keys", (await listSightings(redis)).join(" "));

// queue
await Promise.all(sightings.map(([, title]) => addToQueue(redis, String(title))));
for (;;) {
  const item = await readFromQueue(redis, 1);
  if (item === null) break;
  console.log("queue", JSON.stringify(item));
}

// streams
for (const [id, title, cls] of sightings) await addToStream(redis, Number(id), String(title), String(cls));
for (const fields of await readFromStream(redis)) console.log("stream", JSON.stringify(fields));

// pub/sub: a subscriber on a connection of its own
const subscriber = await connect(url);
await subscribe(
  subscriber,
  3,
  (channel, message) => console.log("message", channel, message),
  () => Promise.all([publish(redis, 1, "Possible vocalizations east of Makanda"), publish(redis, 2, "Sighting near the Columbia River"), publish(redis, 2, "Chased by a tall hairy creature")]),
);

await disconnect(subscriber);
await disconnect(redis);
