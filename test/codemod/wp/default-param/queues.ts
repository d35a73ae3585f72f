import * as aioredis from "aioredis";

/** A list used as a queue; subclasses say how items are encoded. */
export abstract class Queue<T> {
  constructor(
    readonly redis: aioredis.Redis,
    readonly key: string,
  ) {}

  async put(item: T): Promise<number> {
    return Number(await this.redis.lpush(this.key, this.encode(item)));
  }

  async get(): Promise<T> {
    return this.decode(await this.redis.rpop(this.key));
  }

  protected abstract encode(item: T): string;
  protected abstract decode(data: Buffer | null): T;
}

/** Inherits Queue's constructor: what callers pass to it is Queue's redis. */
export class JsonQueue<T> extends Queue<T> {
  protected encode(item: T): string {
    return JSON.stringify(item);
  }

  protected decode(data: Buffer | null): T {
    return JSON.parse(String(data)) as T;
  }
}
