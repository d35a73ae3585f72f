import { Pipeline, Redis } from "aioredis";

/** A pipeline that starts by dropping any WATCH left on the connection. */
export function unwatchPipe(redis: Redis): Pipeline {
  const pipe = redis.pipeline();
  void pipe.unwatch();
  return pipe;
}

/** A pipeline whose first two replies are UNWATCH's and WATCH's. */
export function watchPipe(redis: Redis, ...watch: string[]): Pipeline {
  const pipe = unwatchPipe(redis);
  void pipe.watch(watch[0]!, ...watch.slice(1));
  return pipe;
}
