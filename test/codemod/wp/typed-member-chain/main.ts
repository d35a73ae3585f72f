import { holder, request } from "./app.js";
import { count, top } from "./handlers.js";

export async function main(): Promise<void> {
  await holder.init();
  await holder.pool.delete("tmc:popular", "tmc:views:/", "tmc:views:/a");
  for (const path of ["/", "/a", "/"]) console.log(await count(request(path)));
  console.log(await top(request("/top")));
  holder.pool.close();
  await holder.pool.waitClosed();
}
