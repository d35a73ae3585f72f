/**
 * The pub/sub publisher in a process of its own (scenario `pubsub-100k-ext`), forked by a
 * worker: it connects a raw connection (bench/raw.mjs, never a client under test), encodes
 * `messages` PUBLISHes of `payload` on `channel` in advance, and on "fire" writes them in one
 * write, answering when Redis has acknowledged them all.
 *
 * Messages: {id, cmd: "init", host, port, channel, payload, messages} | {id, cmd: "fire"} -> {id, ok}.
 */
import { RawClient, encode } from "./raw.mjs";

let client = null;
let encoded = null;
let count = 0;

async function handle(msg) {
  switch (msg.cmd) {
    case "init":
      client = await RawClient.connect(msg.host, msg.port);
      encoded = Buffer.from(encode(["PUBLISH", msg.channel, msg.payload]).repeat(msg.messages));
      count = msg.messages;
      return {};
    case "fire":
      await client.fire(encoded, count);
      return {};
    default:
      throw new Error(`unknown command ${msg.cmd}`);
  }
}

process.on("message", (msg) => {
  handle(msg).then(
    () => process.send({ id: msg.id, ok: true }),
    (err) => process.send({ id: msg.id, ok: false, message: String(err?.message ?? err) }),
  );
});
process.on("disconnect", () => process.exit(0));
