import { Feed } from "./feed.js";

export async function main(): Promise<void> {
  console.log("collected:", (await new Feed().collect("feed:1", 2)).join(" "));
}
