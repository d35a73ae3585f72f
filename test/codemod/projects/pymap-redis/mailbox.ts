import { MultiExecError, type Redis } from "aioredis";
import { checkErrors, watchPipe } from "./_util.js";
import { MailboxKeys, type NamespaceKeys } from "./keys.js";

export class MailboxAbort extends Error {}

/** The part of pymap's MailboxData that appends a message. */
export class MailboxData {
  private readonly keys: MailboxKeys;

  constructor(
    private readonly redis: Redis,
    nsKeys: NamespaceKeys,
    mailboxId: string,
  ) {
    this.keys = new MailboxKeys(nsKeys, mailboxId);
  }

  /** Adds a message (email id as bytes) and returns its new UID. */
  async add(emailId: Buffer, options: { unseen?: boolean } = {}): Promise<number> {
    const keys = this.keys;
    for (;;) {
      const pipe = watchPipe(this.redis, keys.maxMod, keys.abort);
      void pipe.mget(keys.maxUid, keys.maxMod, keys.abort);
      const [, , [maxUid, maxMod, abort]] = (await pipe.execute()) as [unknown, unknown, (Buffer | null)[]];
      if (abort) throw new MailboxAbort();
      const newUid = Number(maxUid ?? 0) + 1;
      const newMod = Number(maxMod ?? 0) + 1;
      const multi = this.redis.multiExec();
      const results = [
        multi.set(keys.maxUid, newUid),
        multi.set(keys.maxMod, newMod),
        multi.sadd(keys.uids, newUid),
        multi.zadd(keys.modSeq, newMod, newUid),
        multi.zadd(keys.emailIds, newUid, emailId),
      ];
      if (options.unseen) results.push(multi.zadd(keys.unseen, newUid, newUid));
      try {
        await multi.execute();
      } catch (e) {
        if (!(e instanceof MultiExecError) || (await checkErrors(results))) throw e;
        continue;
      }
      return newUid;
    }
  }

  /** The email ids in UID order. */
  async emailIds(): Promise<string[]> {
    const ids = (await this.redis.zrange(this.keys.emailIds, 0, -1)) as Buffer[];
    return ids.map((b) => b.toString("ascii"));
  }

  async unseenCount(): Promise<number> {
    return this.redis.zcard(this.keys.unseen);
  }
}
