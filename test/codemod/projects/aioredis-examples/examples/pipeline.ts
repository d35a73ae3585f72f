import { redis } from "../redis.js";

/** No pipelining: wait for each reply. */
export async function waitEachCommand(): Promise<[string | null, number]> {
  const val = await redis.get("foo");
  const cnt = await redis.incr("bar");
  return [val, cnt];
}

/** Send both commands, then wait for both replies. */
export async function pipelined(): Promise<[string | null, number]> {
  const fut1 = redis.get("foo");
  const fut2 = redis.incr("bar");
  return Promise.all([fut1, fut2]);
}

/** An explicit pipeline: the futures and execute()'s list agree. */
export async function explicitPipeline(): Promise<[string | null, number]> {
  const pipe = redis.pipeline();
  const fut1 = pipe.get("foo");
  const fut2 = pipe.incr("bar");
  const result = await pipe.execute();
  const [val, cnt] = await Promise.all([fut1, fut2]);
  if (JSON.stringify(result) !== JSON.stringify([val, cnt])) throw new Error("pipeline results differ");
  return [val, cnt];
}
