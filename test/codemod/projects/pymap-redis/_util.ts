import { Pipeline, Redis, WatchVariableError } from "aioredis";

/** A pipeline that starts by dropping any WATCH left on the connection. */
export function unwatchPipe(redis: Redis): Pipeline {
  const pipe = redis.pipeline();
  void pipe.unwatch();
  return pipe;
}

/** A pipeline whose first two replies are UNWATCH's and WATCH's. */
export function watchPipe(redis: Redis, ...watch: Buffer[]): Pipeline {
  const pipe = unwatchPipe(redis);
  void pipe.watch(watch[0]!, ...watch.slice(1));
  return pipe;
}

/** After a failed MULTI/EXEC: true when something other than a WATCH conflict went wrong. */
export async function checkErrors(results: Promise<unknown>[]): Promise<boolean> {
  const settled = await Promise.allSettled(results);
  return settled.some((r) => r.status === "rejected" && !(r.reason instanceof WatchVariableError));
}
