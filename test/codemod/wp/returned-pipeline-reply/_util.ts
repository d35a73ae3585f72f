import { Pipeline, Redis } from "aioredis";

/** A pipeline that starts by dropping any WATCH left on the connection. */
export function unwatchPipe(redis: Redis): Pipeline {
  const pipe = redis.pipeline();
  void pipe.unwatch();
  return pipe;
}
