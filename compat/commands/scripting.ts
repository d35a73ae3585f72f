/** v1's `ScriptingCommandsMixin`: `eval(script, keys, args)`. */
import { NOTSET, type Arg, type RedisString } from "../util.js";
import { waitOkReply } from "./generic.js";
import { ListCommandsMixin } from "./list.js";

export interface ScriptOptions {
  keys?: Arg[];
  args?: Arg[];
}

function keysAndArgs(keys: unknown, args: unknown): unknown[] {
  // v1 concatenated them with `+`: both must be lists.
  if (!Array.isArray(keys)) throw new TypeError("keys must be a list");
  if (!Array.isArray(args)) throw new TypeError("args must be a list");
  return [keys.length, ...keys, ...args];
}

export class ScriptingCommandsMixin<T extends RedisString = Buffer> extends ListCommandsMixin<T> {
  /** EVAL `script` with `keys` and `args` (arrays; positional or `{ keys, args }`). */
  eval(script: Arg, keys?: Arg[] | ScriptOptions, args?: Arg[] | ScriptOptions, options?: ScriptOptions): Promise<any> {
    const a = this._bind("eval", "script, keys?, args?", arguments);
    return this._exec("EVAL", [a.script, ...keysAndArgs(a.keys ?? [], a.args ?? [])]);
  }

  evalsha(digest: Arg, keys?: Arg[] | ScriptOptions, args?: Arg[] | ScriptOptions, options?: ScriptOptions): Promise<any> {
    const a = this._bind("evalsha", "digest, keys?, args?", arguments);
    return this._exec("EVALSHA", [a.digest, ...keysAndArgs(a.keys ?? [], a.args ?? [])]);
  }

  /** SCRIPT EXISTS: 1 or 0 per digest. */
  scriptExists(digest: Arg, ...digests: Arg[]): Promise<number[]> {
    const a = this._bind("scriptExists", "digest, *digests", arguments);
    return this._exec("SCRIPT", ["EXISTS", a.digest, ...a.rest]);
  }

  scriptKill(): Promise<boolean> {
    this._bind("scriptKill", "", arguments);
    return this._exec("SCRIPT", ["KILL"], NOTSET, waitOkReply);
  }

  scriptFlush(): Promise<boolean> {
    this._bind("scriptFlush", "", arguments);
    return this._exec("SCRIPT", ["FLUSH"], NOTSET, waitOkReply);
  }

  /** SCRIPT LOAD: the SHA1 digest. */
  scriptLoad(script: Arg): Promise<T> {
    const a = this._bind("scriptLoad", "script", arguments);
    return this._exec("SCRIPT", ["LOAD", a.script]);
  }
}
