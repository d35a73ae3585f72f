import type { Redis } from "aioredis";

/** A framework-style application object: the client is kept in its state. */
export class Application {
  readonly state: { pool?: Redis } = {};
  readonly onCleanup: (() => Promise<void>)[] = [];
}

export async function index(app: Application): Promise<string> {
  const conn = app.state.pool!;
  await conn.set("greeting", "hello");
  return `read back: ${await conn.get("greeting")}`;
}
