/** v1's `TransactionsCommandsMixin`: `multiExec()`, `pipeline()`, WATCH and UNWATCH. */
import type { AbcConnection } from "../abc.js";
import { MultiExec, Pipeline } from "../pipeline.js";
import { NOTSET, type Arg, type RedisString } from "../util.js";
import { waitOkReply } from "./generic.js";
import { HashCommandsMixin } from "./hash.js";

export class TransactionsCommandsMixin<T extends RedisString = Buffer> extends HashCommandsMixin<T> {
  /**
   * A MULTI/EXEC transaction: each call returns a Promise, `execute()` sends the lot. On a
   * pool client it runs on one connection of the pool; WATCH needs `redis.acquire()` first.
   */
  multiExec(): MultiExec<T> {
    return new MultiExec<T>(this._poolOrConn, this.commandsFactory());
  }

  /** A (non-transactional) pipeline: each call returns a Promise, `execute()` sends the lot. */
  pipeline(): Pipeline<T> {
    return new Pipeline<T>(this._poolOrConn, this.commandsFactory());
  }

  /** UNWATCH; resolves with true. */
  unwatch(): Promise<boolean> {
    this._bind("unwatch", "", arguments);
    return this._exec("UNWATCH", [], NOTSET, waitOkReply);
  }

  /** WATCH keys; resolves with true. On a pool client, use `redis.acquire()` so that MULTI/EXEC run on the same connection. */
  watch(key: Arg, ...keys: Arg[]): Promise<boolean> {
    const a = this._bind("watch", "key, *keys", arguments);
    return this._exec("WATCH", [a.key, ...a.rest], NOTSET, waitOkReply);
  }

  private commandsFactory(): (conn: AbcConnection<any>) => object {
    const cls = this.constructor as new (conn: AbcConnection<any>) => object;
    return (conn) => new cls(conn);
  }
}
