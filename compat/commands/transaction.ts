/** v1's WATCH and UNWATCH (`multiExec()` and `pipeline()` are on `Redis` itself, redis.ts). */
import { signatures } from "../calling.js";
import { NOTSET, type Arg, type RedisString } from "../util.js";
import { RedisBase } from "./base.js";
import { waitOkReply } from "./generic.js";

/** The v1 signatures of the Transactions commands (see calling.ts). */
export const transactionsSignatures = signatures({
  unwatch: "",
  watch: "key, *keys",
});

export class TransactionsCommands<T extends RedisString = Buffer> extends RedisBase<T> {
  /** UNWATCH; resolves with true. */
  unwatch(): Promise<boolean> {
    transactionsSignatures.bind("unwatch", arguments);
    return this._exec("UNWATCH", [], NOTSET, waitOkReply);
  }

  /** WATCH keys; resolves with true. On a pool client, use `redis.acquire()` so that MULTI/EXEC run on the same connection. */
  watch(key: Arg, ...keys: Arg[]): Promise<boolean> {
    const a = transactionsSignatures.bind("watch", arguments);
    return this._exec("WATCH", [a.key, ...a.rest], NOTSET, waitOkReply);
  }
}
