import { MultiExecError, type Redis } from "aioredis";
import { unwatchPipe, watchPipe } from "./_util.js";

/** A counter that bumps itself with optimistic locking on one exclusive connection. */
export class Counter {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
  ) {}

  async read(): Promise<string | null> {
    const pipe = unwatchPipe(this.redis);
    void pipe.get(this.key);
    const [, value] = (await pipe.execute()) as [unknown, Buffer | null];
    return value === null ? null : value.toString();
  }

  /** The value and its TTL, read through futures: their replies come after the UNWATCH's. */
  async peek(): Promise<string> {
    const pipe = unwatchPipe(this.redis);
    const value = pipe.get(this.key);
    const ttl = pipe.ttl(this.key);
    await pipe.execute();
    return `${String(await value)} ttl ${await ttl}`;
  }

  /** Adds `by`; `meddle` runs between the read and the write (to show a conflict). */
  async bump(by: number, meddle?: () => Promise<void>): Promise<number> {
    let attempts = 0;
    for (;;) {
      attempts++;
      const pipe = watchPipe(this.redis, this.key);
      void pipe.get(this.key);
      const [, , current] = (await pipe.execute()) as [unknown, unknown, Buffer | null];
      if (meddle && attempts === 1) await meddle();
      const multi = this.redis.multiExec();
      void multi.set(this.key, String(Number(current ?? 0) + by));
      try {
        await multi.execute();
      } catch (e) {
        if (!(e instanceof MultiExecError)) throw e;
        continue;
      }
      return attempts;
    }
  }
}
