import { MultiExecError, type Redis } from "aioredis";
import { checkErrors, unwatchPipe, watchPipe } from "./_util.js";
import { FilterKeys, type NamespaceKeys } from "./keys.js";

let counter = 0;

/** Sieve scripts stored in two hashes: name -> random key, random key -> script. */
export class FilterSet {
  private static readonly activeName = Buffer.alloc(0);
  private readonly keys: FilterKeys;

  constructor(
    private readonly redis: Redis,
    nsKeys: NamespaceKeys,
  ) {
    this.keys = new FilterKeys(nsKeys);
  }

  private static randomKey(): Buffer {
    // uuid4().hex in the original; a counter keeps the demo's output deterministic
    return Buffer.from(`k${(++counter).toString(16).padStart(8, "0")}`, "ascii");
  }

  async put(name: string, value: Buffer): Promise<void> {
    const key = FilterSet.randomKey();
    const pipe = unwatchPipe(this.redis);
    void pipe.hset(this.keys.data, key, value);
    void pipe.hset(this.keys.names, Buffer.from(name, "utf-8"), key);
    await pipe.execute();
  }

  async delete(name: string): Promise<void> {
    const nameBytes = Buffer.from(name, "utf-8");
    for (;;) {
      const pipe = watchPipe(this.redis, this.keys.names);
      void pipe.hmget(this.keys.names, nameBytes, FilterSet.activeName);
      const [, , [nameKey, activeKey]] = (await pipe.execute()) as [unknown, unknown, (Buffer | null)[]];
      if (!nameKey) throw new Error(`KeyError: ${name}`);
      if (activeKey && nameKey.equals(activeKey)) throw new Error(`ValueError: ${name} is active`);
      const multi = this.redis.multiExec();
      const results = [multi.hdel(this.keys.data, nameKey), multi.hdel(this.keys.names, nameBytes)];
      try {
        await multi.execute();
      } catch (e) {
        if (!(e instanceof MultiExecError) || (await checkErrors(results))) throw e;
        continue;
      }
      break;
    }
  }

  async rename(beforeName: string, afterName: string): Promise<void> {
    const before = Buffer.from(beforeName, "utf-8");
    const after = Buffer.from(afterName, "utf-8");
    for (;;) {
      const pipe = watchPipe(this.redis, this.keys.names);
      void pipe.hmget(this.keys.names, before, after, FilterSet.activeName);
      const [, , [beforeKey, afterKey, activeKey]] = (await pipe.execute()) as [unknown, unknown, (Buffer | null)[]];
      if (!beforeKey) throw new Error(`KeyError: ${beforeName}`);
      if (afterKey) throw new Error(`KeyError: ${afterName} exists`);
      const multi = this.redis.multiExec();
      const results = [multi.hset(this.keys.names, after, beforeKey), multi.hdel(this.keys.names, before)];
      if (activeKey && beforeKey.equals(activeKey)) results.push(multi.hset(this.keys.names, FilterSet.activeName, beforeKey));
      try {
        await multi.execute();
      } catch (e) {
        if (!(e instanceof MultiExecError) || (await checkErrors(results))) throw e;
        continue;
      }
      break;
    }
  }

  async setActive(name: string | null): Promise<void> {
    if (name === null) {
      await this.redis.hdel(this.keys.names, FilterSet.activeName);
      return;
    }
    const nameBytes = Buffer.from(name, "utf-8");
    for (;;) {
      const pipe = watchPipe(this.redis, this.keys.names);
      void pipe.hget(this.keys.names, nameBytes);
      const [, , nameKey] = (await pipe.execute()) as [unknown, unknown, Buffer | null];
      if (nameKey === null) throw new Error(`KeyError: ${name}`);
      const multi = this.redis.multiExec();
      const results = [multi.hset(this.keys.names, FilterSet.activeName, nameKey)];
      try {
        await multi.execute();
      } catch (e) {
        if (!(e instanceof MultiExecError) || (await checkErrors(results))) throw e;
        continue;
      }
      break;
    }
  }

  async getActive(): Promise<Buffer | null> {
    const pipe = unwatchPipe(this.redis);
    void pipe.hget(this.keys.names, FilterSet.activeName);
    const [, activeKey] = (await pipe.execute()) as [unknown, Buffer | null];
    if (activeKey === null) return null;
    return (await this.redis.hget(this.keys.data, activeKey)) as Buffer | null;
  }

  /** [active name, every name], sorted. */
  async getAll(): Promise<[string | null, string[]]> {
    const pipe = unwatchPipe(this.redis);
    void pipe.hgetall(this.keys.names);
    const [, all] = (await pipe.execute()) as [unknown, Record<string, Buffer>];
    const active = all[""] ?? null;
    let activeName: string | null = null;
    const names: string[] = [];
    for (const [name, key] of Object.entries(all)) {
      if (name === "") continue;
      names.push(name);
      if (active && key.equals(active)) activeName = name;
    }
    return [activeName, names.sort()];
  }
}
