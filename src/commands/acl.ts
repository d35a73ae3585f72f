import { DataError } from "../errors.js";
import type { CommandArg, RespValue } from "../protocol/index.js";
import { arg, help, nonEmpty } from "./args.js";
import { boolOk, str, strList, toArray, toNumber, toObject } from "./replies.js";
import { parseClientInfo } from "./server-client.js";
import { defineCommands, type Bound, type CommandSpec } from "./spec.js";
import type { EncodableT, KeyT, Ret, Without } from "./types.js";

/** ACL GETUSER, parsed as redis-py's `parse_acl_getuser` (unified shape: selectors as objects). */
export interface AclUserInfo {
  flags: string[];
  passwords: string[];
  /** Command rules (`+get`, `-set`...). */
  commands: string[];
  /** Category rules (`+@read`...), split out of the server's `commands` string. */
  categories: string[];
  keys: string[];
  channels?: string[];
  selectors?: Record<string, string>[];
  /** Whether the user is `on`. */
  enabled: boolean;
  [field: string]: unknown;
}

/** One ACL LOG entry, as redis-py's `parse_acl_log` makes it. */
export interface AclLogEntry {
  count: number;
  reason: string;
  context: string;
  object: string;
  username: string;
  "age-seconds": number;
  "client-info": Record<string, string | number>;
  [field: string]: unknown;
}

export interface AclSetuserOptions {
  /** `on` (true) or `off` (false, the default). */
  enabled?: boolean;
  nopass?: boolean;
  /** Plain-text passwords, each prefixed `+` (add) or `-` (remove). */
  passwords?: EncodableT | EncodableT[] | null;
  /** SHA-256 hex digests, each prefixed `+` (add) or `-` (remove). */
  hashedPasswords?: EncodableT | EncodableT[] | null;
  /** Categories, each prefixed `+` / `+@` or `-` / `-@`. */
  categories?: EncodableT[] | null;
  /** Commands, each prefixed `+` or `-`. */
  commands?: EncodableT[] | null;
  /** Key patterns (`~` is added unless the pattern starts with `~` or `%`). */
  keys?: KeyT[] | null;
  /** Channel patterns (`&` is added). */
  channels?: KeyT[] | null;
  /** `[command rule, key pattern]` pairs, each becoming a `(rule ~pattern)` selector. */
  selectors?: [EncodableT, KeyT][] | null;
  reset?: boolean;
  resetKeys?: boolean;
  resetChannels?: boolean;
  resetPasswords?: boolean;
}

export interface AclCommands<T, M> {
  /** ACL CAT [category]: the categories, or the commands of one. */
  aclCat(category?: string | null): Ret<M, string[]>;
  aclCat(options: { category?: string | null }): Ret<M, string[]>;
  /** ACL DELUSER name ...: the number of users deleted. */
  aclDeluser(...username: EncodableT[]): Ret<M, number>;
  /** ACL DRYRUN username command arg ...: `OK`, or the reason the user may not run it. */
  aclDryrun(username: EncodableT, ...args: EncodableT[]): Ret<M, T>;
  /** ACL GENPASS [bits] (0 to 4096). */
  aclGenpass(bits?: number | null): Ret<M, string>;
  aclGenpass(options: { bits?: number | null }): Ret<M, string>;
  /** ACL GETUSER: null when the user does not exist. */
  aclGetuser(username: EncodableT): Ret<M, AclUserInfo | null>;
  aclHelp(): Ret<M, string[]>;
  aclList(): Ret<M, string[]>;
  aclLoad(): Ret<M, boolean>;
  /** ACL LOG [count]: the newest entries first. */
  aclLog(count?: number | null): Ret<M, AclLogEntry[]>;
  aclLog(options: { count?: number | null }): Ret<M, AclLogEntry[]>;
  aclLogReset(): Ret<M, boolean>;
  aclSave(): Ret<M, boolean>;
  /** ACL SETUSER with the rules built as redis-py's `acl_setuser` builds them. */
  aclSetuser(username: EncodableT, options?: AclSetuserOptions): Ret<M, boolean>;
  aclSetuser(username: EncodableT, enabled: boolean, options: Without<AclSetuserOptions, "enabled">): Ret<M, boolean>;
  aclSetuser(
    username: EncodableT,
    enabled?: boolean,
    nopass?: boolean,
    passwords?: EncodableT | EncodableT[] | null,
    hashedPasswords?: EncodableT | EncodableT[] | null,
    categories?: EncodableT[] | null,
    commands?: EncodableT[] | null,
    keys?: KeyT[] | null,
    channels?: KeyT[] | null,
    selectors?: [EncodableT, KeyT][] | null,
    reset?: boolean,
    resetKeys?: boolean,
    resetChannels?: boolean,
    resetPasswords?: boolean,
  ): Ret<M, boolean>;
  aclUsers(): Ret<M, string[]>;
  aclWhoami(): Ret<M, string>;
}

// ---- rules ---------------------------------------------------------------------------------

type Word = string | Buffer;

const asWord = (v: CommandArg): Word => (typeof v === "number" || typeof v === "bigint" ? String(v) : v);

function startsWith(word: Word, prefix: string): boolean {
  return typeof word === "string" ? word.startsWith(prefix) : word.subarray(0, prefix.length).toString("latin1") === prefix;
}

/** `prefix` + `word` without its first `drop` characters (the prefixes here are ASCII). */
function withPrefix(prefix: string, word: Word, drop = 0): Word {
  if (typeof word === "string") return prefix + word.slice(drop);
  return Buffer.concat([Buffer.from(prefix), word.subarray(drop)]);
}

function wrap(open: string, a: Word, b: Word, close: string): Word {
  if (typeof a === "string" && typeof b === "string") return `${open}${a} ${b}${close}`;
  return Buffer.concat([Buffer.from(open), Buffer.from(a), Buffer.from(" "), Buffer.from(b), Buffer.from(close)]);
}

const HASH = /^[0-9a-f]{64}$/;

function passwordRules(values: CommandArg[], add: string, remove: string, what: string, hashed: boolean): Word[] {
  return values.map((value, i) => {
    const word = asWord(value);
    let rule: Word;
    if (startsWith(word, "+")) rule = withPrefix(add, word, 1);
    else if (startsWith(word, "-")) rule = withPrefix(remove, word, 1);
    else throw new DataError(`ACL SETUSER: ${what} ${i} must be prefixed with a "+" to add or a "-" to remove`);
    // The server quotes a malformed hash in its error: check it here, where it is not echoed.
    if (hashed && !HASH.test(typeof rule === "string" ? rule.slice(1) : rule.subarray(1).toString("latin1"))) {
      throw new DataError(`ACL SETUSER: hashed password ${i} must be a SHA-256 digest of 64 lowercase hex characters`);
    }
    return rule;
  });
}

function commandRule(value: CommandArg, i: number, what: string): Word {
  const word = asWord(value);
  if (!startsWith(word, "+") && !startsWith(word, "-")) {
    throw new DataError(`ACL SETUSER: ${what} ${i} must be prefixed with "+" or "-"`);
  }
  return word;
}

function keyRule(value: CommandArg): Word {
  const word = asWord(value);
  return startsWith(word, "%") || startsWith(word, "~") ? word : withPrefix("~", word);
}

const SETUSER_PARAMS = [
  "username",
  "enabled?:bool",
  "nopass?:bool",
  "passwords?:list",
  "hashedPasswords?:list",
  "categories?:list",
  "commands?:list",
  "keys?:list",
  "channels?:list",
  "selectors?:any",
  "reset?:bool",
  "resetKeys?:bool",
  "resetChannels?:bool",
  "resetPasswords?:bool",
] as const;

function setuserArgs(p: Bound<typeof SETUSER_PARAMS>): CommandArg[] {
  const {
    username,
    enabled,
    nopass,
    passwords,
    hashedPasswords: hashed,
    categories,
    commands,
    keys,
    channels,
    selectors,
    reset,
    resetKeys,
    resetChannels,
    resetPasswords,
  } = p;
  const argv: CommandArg[] = ["ACL", "SETUSER", username];
  if (reset) argv.push("reset");
  if (resetKeys) argv.push("resetkeys");
  if (resetChannels) argv.push("resetchannels");
  if (resetPasswords) argv.push("resetpass");
  argv.push(enabled ? "on" : "off");
  if (((passwords && passwords.length > 0) || (hashed && hashed.length > 0)) && nopass) {
    throw new DataError("ACL SETUSER: cannot set 'nopass' and supply 'passwords' or 'hashedPasswords'");
  }
  if (passwords) argv.push(...passwordRules(passwords, ">", "<", "password", false));
  if (hashed) argv.push(...passwordRules(hashed, "#", "!", "hashed password", true));
  if (nopass) argv.push("nopass");
  for (const [i, value] of (categories ?? []).entries()) {
    const word = asWord(value);
    if (startsWith(word, "+@") || startsWith(word, "-@")) argv.push(word);
    else if (startsWith(word, "+")) argv.push(withPrefix("+@", word, 1));
    else if (startsWith(word, "-")) argv.push(withPrefix("-@", word, 1));
    else throw new DataError(`ACL SETUSER: category ${i} must be prefixed with "+" or "-"`);
  }
  for (const [i, value] of (commands ?? []).entries()) argv.push(commandRule(value, i, "command"));
  for (const value of keys ?? []) argv.push(keyRule(value));
  for (const value of channels ?? []) argv.push(withPrefix("&", asWord(value)));
  if (selectors !== undefined) {
    if (!Array.isArray(selectors)) throw new DataError("ACL SETUSER: 'selectors' must be an array of [command, key] pairs");
    for (const [i, pair] of selectors.entries()) {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new DataError("ACL SETUSER: 'selectors' must be an array of [command, key] pairs");
      }
      argv.push(wrap("(", commandRule(pair[0] as CommandArg, i, "selector command"), keyRule(pair[1] as CommandArg), ")"));
    }
  }
  return argv;
}

// ---- replies -------------------------------------------------------------------------------

/** A space-separated rule string as a list (`""` -> `[]`), or a list as it came. */
function ruleList(value: RespValue): string[] {
  if (Array.isArray(value)) return strList(value);
  const text = str(value);
  return text === "" ? [] : text.split(" ");
}

function parseGetuser(reply: RespValue): AclUserInfo | null {
  if (reply === null) return null;
  const data: Record<string, unknown> = toObject(reply, (value, key) => {
    switch (key) {
      case "flags":
      case "passwords":
        return strList(value);
      case "keys":
      case "channels":
        return ruleList(value);
      case "commands":
        return str(value);
      case "selectors":
        return toArray(value).map((selector) => toObject(selector, (v) => str(v)));
      default:
        return value;
    }
  });
  const commands: string[] = [];
  const categories: string[] = [];
  for (const rule of (data.commands as string).split(" ")) (rule.includes("@") ? categories : commands).push(rule);
  data.commands = commands;
  data.categories = categories;
  data.enabled = (data.flags as string[]).includes("on");
  return data as AclUserInfo;
}

function parseLog(reply: RespValue): AclLogEntry[] | boolean {
  if (!Array.isArray(reply)) return boolOk(reply);
  return reply.map((entry) => {
    const data: Record<string, unknown> = toObject(entry, (value, key) => {
      if (key === "age-seconds") return toNumber(value);
      if (key === "client-info") return parseClientInfo(value);
      return typeof value === "string" || Buffer.isBuffer(value) ? str(value) : value;
    });
    if (!("client-info" in data)) data["client-info"] = {};
    return data as AclLogEntry;
  });
}

// ---- the table -----------------------------------------------------------------------------

export const ACL_COMMANDS: Record<string, CommandSpec> = defineCommands({
  aclCat: {
    command: "ACL CAT",
    params: ["category?"],
    build: ({ category }) => (category ? ["ACL", "CAT", arg(category)] : ["ACL", "CAT"]),
    reply: strList,
    decode: true,
  },
  aclDeluser: {
    command: "ACL DELUSER",
    params: ["...username"],
    build: ({ username }) => ["ACL", "DELUSER", ...nonEmpty("ACL DELUSER", "username", username, "at least one username")],
  },
  aclDryrun: {
    command: "ACL DRYRUN",
    params: ["username", "...args"],
    build: ({ username, args }) => ["ACL", "DRYRUN", arg(username), ...nonEmpty("ACL DRYRUN", "args", args, "a command to try")],
  },
  aclGenpass: {
    command: "ACL GENPASS",
    params: ["bits?:any"],
    build(p) {
      if (p.bits === undefined) return ["ACL", "GENPASS"];
      const bits = typeof p.bits === "string" && /^\s*\d+\s*$/.test(p.bits) ? Number(p.bits) : p.bits;
      if (!Number.isInteger(bits) || (bits as number) < 0 || (bits as number) > 4096) {
        throw new DataError("ACL GENPASS optionally accepts a bits argument, between 0 and 4096");
      }
      return ["ACL", "GENPASS", bits as number];
    },
    reply: str,
    decode: true,
  },
  aclGetuser: { command: "ACL GETUSER", params: ["username"], build: ({ username }) => ["ACL", "GETUSER", arg(username)], reply: parseGetuser, decode: true },
  aclHelp: help("ACL"),
  aclList: { command: "ACL LIST", params: [], build: () => ["ACL", "LIST"], reply: strList, decode: true },
  aclLoad: { command: "ACL LOAD", params: [], build: () => ["ACL", "LOAD"], reply: boolOk },
  aclLog: {
    command: "ACL LOG",
    params: ["count?:pyint"],
    build: ({ count }) => (count === undefined ? ["ACL", "LOG"] : ["ACL", "LOG", arg(count)]),
    reply: parseLog,
    decode: true,
  },
  aclLogReset: { command: "ACL LOG", params: [], build: () => ["ACL", "LOG", "RESET"], reply: boolOk },
  aclSave: { command: "ACL SAVE", params: [], build: () => ["ACL", "SAVE"], reply: boolOk },
  aclSetuser: { command: "ACL SETUSER", params: SETUSER_PARAMS, build: setuserArgs, reply: boolOk },
  aclUsers: { command: "ACL USERS", params: [], build: () => ["ACL", "USERS"], reply: strList, decode: true },
  aclWhoami: { command: "ACL WHOAMI", params: [], build: () => ["ACL", "WHOAMI"], reply: str, decode: true },
});
