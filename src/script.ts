import { createHash } from "node:crypto";
import { DataError, NoScriptError } from "./errors.js";
import type { RedisString } from "./pool.js";

/** What a `Script` runs on: a client or a pipeline (anything with `executeCommand`). */
export interface ScriptRunner {
  executeCommand(...args: unknown[]): unknown;
}

export interface ScriptCallOptions {
  keys?: (string | Buffer)[];
  args?: (string | Buffer | number)[];
  /** Run on this client or pipeline instead of the one that registered the script. */
  client?: ScriptRunner;
}

/** The part of a pipeline a script needs: it loads the script before the pipeline runs. */
export interface ScriptPipeline {
  registerScriptForLoad(script: Script<any>): void;
}

/**
 * A Lua script run by EVALSHA, loaded with SCRIPT LOAD when the server does not know it yet
 * (redis-py's `Script`, made by `redis.registerScript(lua)`).
 */
export class Script<T extends RedisString = Buffer> {
  readonly script: string | Buffer;
  /** The SHA1 the server knows the script by. */
  readonly sha: string;
  private readonly registeredClient: ScriptRunner;
  declare readonly __replyType?: T;

  constructor(registeredClient: ScriptRunner, script: string | Buffer) {
    if (typeof script !== "string" && !Buffer.isBuffer(script)) throw new DataError("registerScript: the script must be a string or a Buffer");
    this.registeredClient = registeredClient;
    this.script = script;
    this.sha = createHash("sha1").update(script).digest("hex");
  }

  /**
   * Runs the script with EVALSHA; on NOSCRIPT it loads the script and runs it again.
   * Inside a pipeline the script is queued, and the pipeline loads it before it runs.
   */
  call(options: ScriptCallOptions = {}): Promise<any> {
    if (options === null || typeof options !== "object") return Promise.reject(new DataError("Script: options must be an object"));
    for (const key of Object.keys(options)) {
      if (key !== "keys" && key !== "args" && key !== "client") throw new DataError(`Script: unknown option '${key}'`);
    }
    const keys = options.keys ?? [];
    const args = options.args ?? [];
    if (!Array.isArray(keys) || !Array.isArray(args)) throw new DataError("Script: 'keys' and 'args' must be arrays");
    const client = options.client ?? this.registeredClient;
    const argv = ["EVALSHA", this.sha, keys.length, ...keys, ...args];
    if (isScriptPipeline(client)) {
      client.registerScriptForLoad(this);
      return client.executeCommand(...argv) as Promise<any>;
    }
    return (client.executeCommand(...argv) as Promise<unknown>).catch(async (err: unknown) => {
      if (!(err instanceof NoScriptError)) throw err;
      await client.executeCommand("SCRIPT", "LOAD", this.script);
      return client.executeCommand(...argv);
    });
  }
}

function isScriptPipeline(value: unknown): value is ScriptPipeline & ScriptRunner {
  return typeof (value as Partial<ScriptPipeline>).registerScriptForLoad === "function";
}

/** A registered script: call it as `script({ keys, args })`. */
export type CallableScript<T extends RedisString = Buffer> = Script<T> & ((options?: ScriptCallOptions) => Promise<any>);

/** Makes a `Script` that can be called directly, as redis-py's `__call__`. */
export function callableScript<T extends RedisString>(client: ScriptRunner, lua: string | Buffer): CallableScript<T> {
  const script = new Script<T>(client, lua);
  const call = ((options?: ScriptCallOptions) => script.call(options)) as CallableScript<T>;
  Object.setPrototypeOf(call, Script.prototype);
  Object.defineProperties(call, Object.getOwnPropertyDescriptors(script));
  return call;
}
