/** The HyperLogLog command group (aioredis 1.x's `HyperLogLogCommandsMixin`), installed on `Redis` by commands/index.ts. */
import { signatures } from "../calling.js";
import { RedisBase } from "./base.js";
import { NOTSET, type Arg, type RedisString } from "../util.js";
import { waitOkReply } from "./generic.js";

/** The v1 signatures of the HyperLogLog commands (see calling.ts). */
export const hyperLogLogSignatures = signatures({
  pfadd: "key, value, *values",
  pfcount: "key, *keys",
  pfmerge: "destkey, sourcekey, *sourcekeys",
});

export class HyperLogLogCommands<T extends RedisString = Buffer> extends RedisBase<T> {
  pfadd(key: Arg, value: Arg, ...values: Arg[]): Promise<number> {
    const a = hyperLogLogSignatures.bind("pfadd", arguments);
    return this._exec("PFADD", [a.key, a.value, ...a.rest]);
  }

  pfcount(key: Arg, ...keys: Arg[]): Promise<number> {
    const a = hyperLogLogSignatures.bind("pfcount", arguments);
    return this._exec("PFCOUNT", [a.key, ...a.rest]);
  }

  /** PFMERGE; resolves with true. */
  pfmerge(destkey: Arg, sourcekey: Arg, ...sourcekeys: Arg[]): Promise<boolean> {
    const a = hyperLogLogSignatures.bind("pfmerge", arguments);
    return this._exec("PFMERGE", [a.destkey, a.sourcekey, ...a.rest], NOTSET, waitOkReply);
  }
}
