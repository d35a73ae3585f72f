/** The Scripting command group (aioredis 1.x's `ScriptingCommandsMixin`), installed on `Redis` by commands/index.ts: `eval(script, keys, args)`. */
import { signatures } from "../calling.js";
import { RedisBase } from "./base.js";
import { NOTSET, type Arg, type RedisString } from "../util.js";
import { waitOkReply } from "./generic.js";

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

/** The v1 signatures of the Scripting commands (see calling.ts). */
export const scriptingSignatures = signatures({
  eval: "script, keys?, args?",
  evalsha: "digest, keys?, args?",
  scriptExists: "digest, *digests",
  scriptKill: "",
  scriptFlush: "",
  scriptLoad: "script",
});

export class ScriptingCommands<T extends RedisString = Buffer> extends RedisBase<T> {
  /** EVAL `script` with `keys` and `args` (arrays; positional or `{ keys, args }`). */
  eval(script: Arg, keys?: Arg[] | ScriptOptions, args?: Arg[] | ScriptOptions, options?: ScriptOptions): Promise<any> {
    const a = scriptingSignatures.bind("eval", arguments);
    return this._exec("EVAL", [a.script, ...keysAndArgs(a.keys ?? [], a.args ?? [])]);
  }

  evalsha(digest: Arg, keys?: Arg[] | ScriptOptions, args?: Arg[] | ScriptOptions, options?: ScriptOptions): Promise<any> {
    const a = scriptingSignatures.bind("evalsha", arguments);
    return this._exec("EVALSHA", [a.digest, ...keysAndArgs(a.keys ?? [], a.args ?? [])]);
  }

  /** SCRIPT EXISTS: 1 or 0 per digest. */
  scriptExists(digest: Arg, ...digests: Arg[]): Promise<number[]> {
    const a = scriptingSignatures.bind("scriptExists", arguments);
    return this._exec("SCRIPT", ["EXISTS", a.digest, ...a.rest]);
  }

  scriptKill(): Promise<boolean> {
    scriptingSignatures.bind("scriptKill", arguments);
    return this._exec("SCRIPT", ["KILL"], NOTSET, waitOkReply);
  }

  scriptFlush(): Promise<boolean> {
    scriptingSignatures.bind("scriptFlush", arguments);
    return this._exec("SCRIPT", ["FLUSH"], NOTSET, waitOkReply);
  }

  /** SCRIPT LOAD: the SHA1 digest. */
  scriptLoad(script: Arg): Promise<T> {
    const a = scriptingSignatures.bind("scriptLoad", arguments);
    return this._exec("SCRIPT", ["LOAD", a.script]);
  }
}
