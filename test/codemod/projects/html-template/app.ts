import { Database, Redis } from "./utils/index.js";

export interface RequestState {
  db: Database;
  redis: Redis;
}

export interface Request {
  path: string;
  state: RequestState;
}

export type Handler = (request: Request) => Promise<string>;

export const db = new Database();
export const redis = new Redis();

/** Initialise the database and redis connections. */
export async function onStartup(): Promise<void> {
  await db.ainit();
  await redis.ainit();
}

/** Attach the database and redis connections to requests. */
export async function attach(path: string, callNext: Handler): Promise<string> {
  const request: Request = { path, state: { db, redis } };
  return callNext(request);
}

export async function onShutdown(): Promise<void> {
  redis.pool.close();
  await redis.pool.waitClosed();
}
