import * as aioredis from "aioredis";
import { FilterSet } from "./filter.js";
import { NamespaceKeys } from "./keys.js";
import { MailboxData } from "./mailbox.js";

/** The redis backend: one pool; each login works on a connection of its own. */
export class RedisBackend {
  private constructor(private readonly pool: aioredis.Redis) {}

  static async init(address: string): Promise<RedisBackend> {
    return new RedisBackend(await aioredis.createRedisPool(address, { minsize: 1, maxsize: 4 }));
  }

  /** Runs `fn` with the user's objects on one exclusive connection (WATCH needs one). */
  async login<T>(user: string, fn: (session: { filters: FilterSet; inbox: MailboxData }) => Promise<T>): Promise<T> {
    using redis = await this.pool.acquire();
    const ns = new NamespaceKeys(user);
    return await fn({ filters: new FilterSet(redis, ns), inbox: new MailboxData(redis, ns, "INBOX") });
  }

  async close(): Promise<void> {
    this.pool.close();
    await this.pool.waitClosed();
  }
}
