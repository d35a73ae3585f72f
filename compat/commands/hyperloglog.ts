/** v1's `HyperLogLogCommandsMixin`. */
import { NOTSET, type Arg, type RedisString } from "../util.js";
import { waitOkReply } from "./generic.js";
import { StringCommandsMixin } from "./string.js";

export class HyperLogLogCommandsMixin<T extends RedisString = Buffer> extends StringCommandsMixin<T> {
  pfadd(key: Arg, value: Arg, ...values: Arg[]): Promise<number> {
    const a = this._bind("pfadd", "key, value, *values", arguments);
    return this._exec("PFADD", [a.key, a.value, ...a.rest]);
  }

  pfcount(key: Arg, ...keys: Arg[]): Promise<number> {
    const a = this._bind("pfcount", "key, *keys", arguments);
    return this._exec("PFCOUNT", [a.key, ...a.rest]);
  }

  /** PFMERGE; resolves with true. */
  pfmerge(destkey: Arg, sourcekey: Arg, ...sourcekeys: Arg[]): Promise<boolean> {
    const a = this._bind("pfmerge", "destkey, sourcekey, *sourcekeys", arguments);
    return this._exec("PFMERGE", [a.destkey, a.sourcekey, ...a.rest], NOTSET, waitOkReply);
  }
}
