/** The Server command group (aioredis 1.x's `ServerCommandsMixin`), installed on `Redis` by commands/index.ts. */
import { encodingOf, signatures } from "../calling.js";
import { isInt, makeDict, namedTuple, NOTSET, setKey, toInt, type Arg, type Dec, type EncodingOption, type RedisString } from "../util.js";
import { describeValue, type Monitor } from "../../src/index.js";
import { RedisBase, CONSTANTS, type ShutdownSave } from "./base.js";
import { waitOkReply } from "./generic.js";

/** A CLIENT LIST entry (v1's `ClientInfo` namedtuple): the values in order, also by field name (`-` as `_`). */
export type ClientInfo = string[] & Record<string, string>;

function splitField(item: string): [string, string] {
  const eq = item.indexOf("=");
  const key = eq === -1 ? item : item.slice(0, eq);
  return [key.replace(/-/g, "_"), eq === -1 ? "" : item.slice(eq + 1)];
}

/** v1's `to_tuples` for CLIENT LIST. */
function toClientInfos(value: unknown): ClientInfo[] {
  const lines = String(value)
    .split(/\r?\n/)
    .filter((line) => line.length > 0);
  return lines.map((line) => {
    const fields = line
      .split(" ")
      .filter((f) => f.length > 0)
      .map(splitField);
    return namedTuple<ClientInfo>(
      fields.map(([k]) => k),
      fields.map(([, v]) => v),
    );
  });
}

/** INFO as v1 parsed it: `{ section: { key: "value" | { k: "v" } } }`, values kept as strings. */
export type InfoReply = Record<string, Record<string, string | Record<string, string>>>;

function parseInfo(info: unknown): InfoReply {
  const res: InfoReply = {};
  for (const rawBlock of String(info).split("\r\n\r\n")) {
    const lines = rawBlock.trim().split(/\r?\n/);
    const header = lines.shift();
    if (header === undefined || header === "") continue;
    const section: Record<string, string | Record<string, string>> = {};
    setKey(res, header.slice(2).toLowerCase(), section);
    for (const line of lines) {
      const colon = line.indexOf(":");
      if (colon === -1) continue;
      const key = line.slice(0, colon);
      const value = line.slice(colon + 1);
      if (line.includes(",") && line.includes("=")) {
        const items = value.split(",");
        if (items.every((item) => item.includes("="))) {
          const dict: Record<string, string> = {};
          for (const item of items) {
            const eq = item.indexOf("=");
            setKey(dict, item.slice(0, eq), item.slice(eq + 1));
          }
          setKey(section, key, dict);
          continue;
        }
      }
      setKey(section, key, value);
    }
  }
  return res;
}

export type MasterSlaveInfo = [string, number, number] & { ip: string; port: number; ackOffset: number };
export type MasterInfo = [string, number, MasterSlaveInfo[]] & { role: string; replicationOffset: number; slaves: MasterSlaveInfo[] };
export type SlaveInfo = [string, string, number, string, number] & {
  role: string;
  masterIp: string;
  masterPort: number;
  state: string;
  received: number;
};
export type SentinelInfo = [string, string[]] & { role: string; masters: string[] };

/** v1's `parse_role`: named tuples per role. */
function parseRole(role: any): MasterInfo | SlaveInfo | SentinelInfo | unknown {
  const type = role[0];
  if (type === "master") {
    const slaves = (role[2] as any[]).map((s) => namedTuple<MasterSlaveInfo>(["ip", "port", "ackOffset"], [s[0], toInt(s[1]), toInt(s[2])]));
    return namedTuple<MasterInfo>(["role", "replicationOffset", "slaves"], [role[0], toInt(role[1]), slaves]);
  }
  if (type === "slave") {
    return namedTuple<SlaveInfo>(["role", "masterIp", "masterPort", "state", "received"], [role[0], role[1], toInt(role[2]), role[3], toInt(role[4])]);
  }
  if (type === "sentinel") return namedTuple<SentinelInfo>(["role", "masters"], [role[0], role[1]]);
  return role;
}

/** The v1 signatures of the Server commands (see calling.ts). */
export const serverSignatures = signatures({
  bgrewriteaof: "",
  bgsave: "",
  clientKill: "address",
  clientReply: "mode",
  clientList: "",
  clientGetname: "encoding?",
  clientPause: "timeout",
  clientSetname: "name",
  command: "",
  commandCount: "",
  commandGetkeys: "command, *args, encoding?",
  commandInfo: "command, *commands",
  configGet: "parameter?",
  configRewrite: "",
  configSet: "parameter, value",
  configResetstat: "",
  dbsize: "",
  debugSleep: "timeout",
  debugObject: "key",
  debugSegfault: "key?",
  flushall: "asyncOp?",
  flushdb: "asyncOp?",
  info: "section?",
  lastsave: "",
  monitor: "",
  role: "",
  save: "",
  shutdown: "save?",
  slaveof: "host, port?",
  slowlogGet: "length?",
  slowlogLen: "",
  slowlogReset: "",
  sync: "",
  time: "",
});

export class ServerCommands<T extends RedisString = Buffer> extends RedisBase<T> {
  bgrewriteaof(): Promise<boolean> {
    serverSignatures.bind("bgrewriteaof", arguments);
    return this._exec("BGREWRITEAOF", [], NOTSET, waitOkReply);
  }

  bgsave(): Promise<boolean> {
    serverSignatures.bind("bgsave", arguments);
    return this._exec("BGSAVE", [], NOTSET, waitOkReply);
  }

  /** CLIENT KILL of the client at `address` ("ip:port"); aioredis 1.x left this unimplemented; compat runs it. */
  clientKill(address: string): Promise<boolean> {
    const a = serverSignatures.bind("clientKill", arguments);
    return this._exec("CLIENT", ["KILL", a.address], NOTSET, waitOkReply);
  }

  /** CLIENT LIST as `ClientInfo` tuples (values are strings). */
  clientList(): Promise<ClientInfo[]> {
    serverSignatures.bind("clientList", arguments);
    return this._exec("CLIENT", ["LIST"], "utf-8", toClientInfos);
  }

  clientGetname<O extends EncodingOption = {}>(encoding?: string | null | O): Promise<Dec<T, O> | null> {
    const a = serverSignatures.bind("clientGetname", arguments);
    return this._exec("CLIENT", ["GETNAME"], encodingOf(a));
  }

  clientPause(timeout: number): Promise<boolean> {
    const a = serverSignatures.bind("clientPause", arguments);
    if (!isInt(a.timeout)) throw new TypeError("timeout argument must be int");
    if (a.timeout < 0) throw new RangeError("timeout must be greater equal 0");
    return this._exec("CLIENT", ["PAUSE", a.timeout], NOTSET, waitOkReply);
  }

  /**
   * CLIENT REPLY ON (aioredis 1.x left this unimplemented; compat runs it). OFF and SKIP are refused:
   * replies are matched to commands in order, so a command the server leaves unanswered would
   * take the next command's reply.
   */
  clientReply(mode: "ON" | "OFF" | "SKIP"): Promise<boolean> {
    const a = serverSignatures.bind("clientReply", arguments);
    const word = typeof a.mode === "string" ? a.mode.toUpperCase() : a.mode;
    if (word === "OFF" || word === "SKIP") {
      throw new TypeError(
        `clientReply("${word}"): this client matches replies to commands in order; a command left unanswered would take the next one's reply`,
      );
    }
    if (word !== "ON") throw new RangeError(`clientReply: mode must be "ON", "OFF" or "SKIP", got ${describeValue(a.mode)}`);
    return this._exec("CLIENT", ["REPLY", "ON"], NOTSET, waitOkReply);
  }

  clientSetname(name: Arg): Promise<boolean> {
    const a = serverSignatures.bind("clientSetname", arguments);
    return this._exec("CLIENT", ["SETNAME", a.name], NOTSET, waitOkReply);
  }

  /** COMMAND, decoded as UTF-8. */
  command(): Promise<any[]> {
    serverSignatures.bind("command", arguments);
    return this._exec("COMMAND", [], "utf-8");
  }

  commandCount(): Promise<number> {
    serverSignatures.bind("commandCount", arguments);
    return this._exec("COMMAND", ["COUNT"]);
  }

  /** COMMAND GETKEYS, decoded as UTF-8 unless `{ encoding }` says otherwise. */
  commandGetkeys(command: Arg, ...args: (Arg | EncodingOption)[]): Promise<any[]> {
    const a = serverSignatures.bind("commandGetkeys", arguments);
    const encoding = "encoding" in a && a.encoding !== undefined ? encodingOf(a) : "utf-8";
    return this._exec("COMMAND", ["GETKEYS", a.command, ...a.rest], encoding);
  }

  commandInfo(command: Arg, ...commands: Arg[]): Promise<any[]> {
    const a = serverSignatures.bind("commandInfo", arguments);
    return this._exec("COMMAND", ["INFO", a.command, ...a.rest], "utf-8");
  }

  /** CONFIG GET as an object of strings. */
  configGet(parameter?: string): Promise<Record<string, string>> {
    const a = serverSignatures.bind("configGet", arguments);
    const parameter_ = a.parameter ?? "*";
    if (typeof parameter_ !== "string") throw new TypeError("parameter must be str");
    return this._exec("CONFIG", ["GET", parameter_], "utf-8", makeDict);
  }

  configRewrite(): Promise<boolean> {
    serverSignatures.bind("configRewrite", arguments);
    return this._exec("CONFIG", ["REWRITE"], NOTSET, waitOkReply);
  }

  configSet(parameter: string, value: Arg): Promise<boolean> {
    const a = serverSignatures.bind("configSet", arguments);
    if (typeof a.parameter !== "string") throw new TypeError("parameter must be str");
    return this._exec("CONFIG", ["SET", a.parameter, a.value], NOTSET, waitOkReply);
  }

  configResetstat(): Promise<boolean> {
    serverSignatures.bind("configResetstat", arguments);
    return this._exec("CONFIG", ["RESETSTAT"], NOTSET, waitOkReply);
  }

  dbsize(): Promise<number> {
    serverSignatures.bind("dbsize", arguments);
    return this._exec("DBSIZE", []);
  }

  debugSleep(timeout: number): Promise<boolean> {
    const a = serverSignatures.bind("debugSleep", arguments);
    return this._exec("DEBUG", ["SLEEP", a.timeout], NOTSET, waitOkReply);
  }

  debugObject(key: Arg): Promise<T> {
    const a = serverSignatures.bind("debugObject", arguments);
    return this._exec("DEBUG", ["OBJECT", a.key]);
  }

  /** DEBUG SEGFAULT (crashes the server). */
  debugSegfault(key?: Arg): Promise<T> {
    serverSignatures.bind("debugSegfault", arguments);
    return this._exec("DEBUG", ["SEGFAULT"]);
  }

  flushall(asyncOp?: boolean | { asyncOp?: boolean }): Promise<boolean> {
    const a = serverSignatures.bind("flushall", arguments);
    return this._exec("FLUSHALL", a.asyncOp ? ["ASYNC"] : [], NOTSET, waitOkReply);
  }

  flushdb(asyncOp?: boolean | { asyncOp?: boolean }): Promise<boolean> {
    const a = serverSignatures.bind("flushdb", arguments);
    return this._exec("FLUSHDB", a.asyncOp ? ["ASYNC"] : [], NOTSET, waitOkReply);
  }

  /** INFO as v1's nested object by (lower-case) section, with string values. */
  info(section?: string): Promise<InfoReply> {
    const a = serverSignatures.bind("info", arguments);
    const section_ = a.section === undefined ? "default" : a.section;
    if (!section_) throw new RangeError("invalid section");
    return this._exec("INFO", [section_], "utf-8", parseInfo);
  }

  /** LASTSAVE: a Unix timestamp (an integer). */
  lastsave(): Promise<number> {
    serverSignatures.bind("lastsave", arguments);
    return this._exec("LASTSAVE", []);
  }

  /**
   * MONITOR on a connection of its own: the v2 `Monitor` (`for await (const c of m.listen())`,
   * `nextCommand()`, `close()`). aioredis 1.x left this unimplemented; compat runs it.
   */
  monitor(): Monitor<Buffer> {
    serverSignatures.bind("monitor", arguments);
    const conn = this._poolOrConn;
    if (typeof conn.monitor !== "function") throw new TypeError("monitor() needs a client on a connection or a pool, not on a pipeline or transaction");
    return conn.monitor();
  }

  /** ROLE as v1's named tuples (`MasterInfo`, `SlaveInfo`, `SentinelInfo`). */
  role(): Promise<any> {
    serverSignatures.bind("role", arguments);
    return this._exec("ROLE", [], "utf-8", parseRole);
  }

  /** SAVE: the raw `OK` reply (v1 did not make it a boolean). */
  save(): Promise<T> {
    serverSignatures.bind("save", arguments);
    return this._exec("SAVE", []);
  }

  shutdown(save?: ShutdownSave | null): Promise<any> {
    const a = serverSignatures.bind("shutdown", arguments);
    if (a.save === CONSTANTS.SHUTDOWN_SAVE) return this._exec("SHUTDOWN", ["SAVE"]);
    if (a.save === CONSTANTS.SHUTDOWN_NOSAVE) return this._exec("SHUTDOWN", ["NOSAVE"]);
    return this._exec("SHUTDOWN", []);
  }

  /** SLAVEOF host port; `slaveof(null)` sends SLAVEOF NO ONE. */
  slaveof(host: string | null, port?: number | null): Promise<T> {
    const a = serverSignatures.bind("slaveof", arguments);
    if ((a.host === null || a.host === undefined) && (a.port === null || a.port === undefined)) {
      return this._exec("SLAVEOF", ["NO", "ONE"]);
    }
    return this._exec("SLAVEOF", [a.host, a.port]);
  }

  /** SLOWLOG GET: the raw nested reply. */
  slowlogGet(length?: number | null): Promise<any[]> {
    const a = serverSignatures.bind("slowlogGet", arguments);
    if (a.length !== undefined && a.length !== null) {
      if (!isInt(a.length)) throw new TypeError("length must be int or None");
      return this._exec("SLOWLOG", ["GET", a.length]);
    }
    return this._exec("SLOWLOG", ["GET"]);
  }

  slowlogLen(): Promise<number> {
    serverSignatures.bind("slowlogLen", arguments);
    return this._exec("SLOWLOG", ["LEN"]);
  }

  slowlogReset(): Promise<boolean> {
    serverSignatures.bind("slowlogReset", arguments);
    return this._exec("SLOWLOG", ["RESET"], NOTSET, waitOkReply);
  }

  /** SYNC (a replication stream): the v2 client refuses it, so this rejects. */
  sync(): Promise<T> {
    serverSignatures.bind("sync", arguments);
    return this._exec("SYNC", []);
  }

  /** TIME as one number of seconds (`sec + usec * 1e-6`). */
  time(): Promise<number> {
    serverSignatures.bind("time", arguments);
    return this._exec("TIME", [], NOTSET, (reply: any) => toInt(reply[0]) + toInt(reply[1]) * 1e-6);
  }
}
