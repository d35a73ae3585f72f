import { Broadcast } from "./base.js";

const broadcast = new Broadcast(process.env.REDIS_URL ?? "redis://localhost:6379");
await broadcast.connect();

const chat = await broadcast.subscribe("chatroom");
const news = await broadcast.subscribe("news");
await broadcast.publish("chatroom", { user: "ann", text: "hello" });
await broadcast.publish("news", ["headline", 1]);
await broadcast.publish("chatroom", { user: "bob", text: "hi ann" });

for (let i = 0; i < 2; i++) {
  const event = await chat.subscriber.get();
  console.log(`chatroom <- ${event.channel} ${JSON.stringify(event.message)}`);
}
const headline = await news.subscriber.get();
console.log(`news <- ${headline.channel} ${JSON.stringify(headline.message)}`);

await chat.close();
await news.close();
await broadcast.disconnect();
console.log("disconnected");
