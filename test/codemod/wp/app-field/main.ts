import { app } from "./app.js";
import { connectCounter } from "./factory.js";
import { loadSession, saveSession } from "./sessions.js";

export async function main(): Promise<void> {
  await app.init("redis://localhost");
  await saveSession("s1", "ada", 0);
  await saveSession("s2", "bob", 100);
  console.log(await loadSession("s1"), await loadSession("s2"));
  console.log(await app.db.ttl("session:s1"), (await app.db.ttl("session:s2")) > 0);
  const counter = await connectCounter("redis://localhost");
  console.log(await counter.incrby("hits", 5));
  counter.close();
  await counter.waitClosed();
  await app.close();
}
