import { connect } from "../redis.js";

export async function transaction(): Promise<[unknown[], number[]]> {
  const redis = await connect();
  await redis.delete("foo", "bar");
  const tr = redis.multiExec();
  const fut1 = tr.incr("foo");
  const fut2 = tr.incr("bar");
  const res = await tr.execute();
  const res2 = await Promise.all([fut1, fut2]);
  redis.close();
  await redis.waitClosed();
  return [res, res2];
}
