import * as aioredis from "aioredis";
import { ConnectionClosedError } from "aioredis";
import { appSettings } from "../../settings.js";
import { NoRedisConfigured } from "./exceptions.js";

export class RedisDriver {
  private _pool: aioredis.ConnectionsPool | null = null;
  private _conn: aioredis.RedisConnection | null = null;
  private _pubsubSubscriptor: aioredis.Redis | null = null;
  initialized = false;
  private initializing: Promise<void> | null = null;

  async initialize(): Promise<void> {
    this.initializing ??= (async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          await this.connect();
          this.initialized = true;
          return;
        } catch (err) {
          if (attempt >= 4) throw err;
          console.error("Error initializing pubsub", err);
        }
      }
    })();
    await this.initializing;
  }

  private async connect(): Promise<void> {
    const settings = appSettings.redis;
    this._pool = await aioredis.createPool([settings.host, settings.port], { ...settings.pool });
    this._conn = await this._pool.acquire();
    this._pubsubSubscriptor = new aioredis.Redis(this._conn);
  }

  async finalize(): Promise<void> {
    if (this._pool !== null) {
      this._pool.close();
      await this._pool.waitClosed();
    }
    this.initialized = false;
    this.initializing = null;
  }

  get pool(): aioredis.ConnectionsPool | null {
    return this._pool;
  }

  async info(): Promise<unknown> {
    return this._pool!.execute(Buffer.from("COMMAND"), Buffer.from("INFO"), "get");
  }

  // VALUE API

  async set(key: string, data: string, options: { expire?: number | null } = {}): Promise<void> {
    if (this._pool === null) throw new NoRedisConfigured();
    const args: (string | number | Buffer)[] = [];
    if (options.expire != null) args.push(Buffer.from("EX"), options.expire);
    const ok = await this._pool.execute(Buffer.from("SET"), key, data, ...args);
    if (!Buffer.isBuffer(ok) || ok.toString() !== "OK") throw new Error(`SET replied ${String(ok)}`);
  }

  async get(key: string): Promise<Buffer | null> {
    if (this._pool === null) throw new NoRedisConfigured();
    return (await this._pool.execute(Buffer.from("GET"), key)) as Buffer | null;
  }

  async delete(key: string): Promise<void> {
    if (this._pool === null) throw new NoRedisConfigured();
    await this._pool.execute(Buffer.from("DEL"), key);
  }

  async deleteAll(keys: string[]): Promise<void> {
    if (this._pool === null) throw new NoRedisConfigured();
    for (const key of keys) {
      try {
        await this._pool.execute(Buffer.from("DEL"), key);
      } catch (err) {
        console.warn(`Error deleting cache keys ${keys.join(",")}`, err);
      }
    }
  }

  async flushall(options: { asyncOp?: boolean } = {}): Promise<void> {
    if (this._pool === null) throw new NoRedisConfigured();
    const ops = [Buffer.from("FLUSHDB")];
    if (options.asyncOp) ops.push(Buffer.from("ASYNC"));
    await this._pool.execute(ops[0]!, ...ops.slice(1));
  }

  // PUBSUB API

  async publish(channelName: string, data: string): Promise<void> {
    if (this._pool === null) throw new NoRedisConfigured();
    await this._pool.execute(Buffer.from("publish"), channelName, data);
  }

  async unsubscribe(channelName: string): Promise<void> {
    if (this._pubsubSubscriptor === null) throw new NoRedisConfigured();
    await this._pubsubSubscriptor.unsubscribe(channelName);
  }

  async subscribe(channelName: string): Promise<AsyncGenerator<Buffer>> {
    if (this._pubsubSubscriptor === null) throw new NoRedisConfigured();
    let channel: aioredis.Channel;
    try {
      [channel] = await this._pubsubSubscriptor.subscribe(channelName);
    } catch (err) {
      if (!(err instanceof ConnectionClosedError)) throw err;
      // closed in the middle: take another connection
      try {
        this._pool!.release(this._conn!);
      } catch {
        // already gone
      }
      this._conn = await this._pool!.acquire();
      this._pubsubSubscriptor = new aioredis.Redis(this._conn);
      [channel] = await this._pubsubSubscriptor.subscribe(channelName);
    }
    return this.listener(channel);
  }

  private async *listener(channel: aioredis.Channel): AsyncGenerator<Buffer> {
    while (await channel.waitMessage()) {
      const msg = (await channel.get()) as Buffer;
      yield msg;
    }
  }
}
