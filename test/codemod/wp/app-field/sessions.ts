import { app } from "./app.js";

export async function saveSession(id: string, user: string, ttl: number): Promise<void> {
  await app.db.set(`session:${id}`, user, { expire: ttl });
}

export async function loadSession(id: string): Promise<string | null> {
  return app.db.get(`session:${id}`);
}
