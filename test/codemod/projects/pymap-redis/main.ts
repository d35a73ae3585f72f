import { RedisBackend } from "./backend.js";

const backend = await RedisBackend.init(process.env.REDIS_URL ?? "redis://localhost:6379");

await backend.login("alice", async ({ filters, inbox }) => {
  await filters.put("vacation", Buffer.from('require "vacation"; vacation "away";'));
  await filters.put("spam", Buffer.from('if header :contains "subject" "$$$" { discard; }'));
  await filters.setActive("spam");
  console.log("filters:", JSON.stringify(await filters.getAll()));
  console.log("active:", String(await filters.getActive()));
  await filters.rename("spam", "junk");
  console.log("renamed:", JSON.stringify(await filters.getAll()));
  for (const name of ["junk", "missing", "vacation"]) {
    try {
      await filters.delete(name);
      console.log("deleted", name);
    } catch (e) {
      console.log("delete", name, "->", (e as Error).message);
    }
  }
  console.log("left:", JSON.stringify(await filters.getAll()));

  for (const [id, unseen] of [["M1a2b", true], ["M3c4d", false], ["M5e6f", true]] as const) {
    console.log("uid", await inbox.add(Buffer.from(id, "ascii"), { unseen }));
  }
  console.log("email ids:", (await inbox.emailIds()).join(","), "unseen:", await inbox.unseenCount());
});

await backend.close();
