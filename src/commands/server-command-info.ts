import type { CommandArg, RespValue } from "../protocol/index.js";
import { arg, exclusive, help, nonEmpty, rest } from "./args.js";
import { setField, str, strList, toArray, toNumber, toObject } from "./replies.js";
import { defineCommands, type CommandSpec } from "./spec.js";
import type { EncodableT, Ret, Without } from "./types.js";

/* COMMAND and its subcommands (part of redis-py's `ManagementCommands`). The other server commands are in server.ts. */

/** One command of COMMAND / COMMAND INFO, as redis-py's `parse_command` makes it. */
export interface CommandInfoEntry {
  name: string;
  arity: number;
  flags: string[];
  first_key_pos: number;
  last_key_pos: number;
  step_count: number;
  acl_categories?: string[];
  tips?: string[];
  key_specifications?: Record<string, any>[];
  subcommands?: CommandInfoEntry[];
}

function keySpec(reply: RespValue): Record<string, any> {
  return toObject(reply, (value, key) => {
    if (key === "flags") return strList(value);
    if (key === "begin_search" || key === "find_keys") {
      return toObject(value, (v, k) => (k === "spec" ? toObject(v) : v));
    }
    return value;
  });
}

function commandEntry(reply: RespValue): CommandInfoEntry {
  const c = toArray(reply);
  const entry: CommandInfoEntry = {
    name: str(c[0]!),
    arity: toNumber(c[1]!),
    flags: strList(c[2]!),
    first_key_pos: toNumber(c[3]!),
    last_key_pos: toNumber(c[4]!),
    step_count: toNumber(c[5]!),
  };
  if (c.length > 6) entry.acl_categories = strList(c[6]!);
  if (c.length > 7) {
    entry.tips = strList(c[7]!);
    entry.key_specifications = toArray(c[8]!).map(keySpec);
    entry.subcommands = toArray(c[9]!).map(commandEntry);
  }
  return entry;
}

function parseCommand(reply: RespValue): Record<string, CommandInfoEntry> {
  const out: Record<string, CommandInfoEntry> = {};
  for (const item of toArray(reply)) {
    if (item === null) continue; // COMMAND INFO of an unknown command
    const entry = commandEntry(item);
    setField(out, entry.name, entry);
  }
  return out;
}

/** One command's COMMAND DOCS entry (RESP2's flat arrays made into objects, as RESP3's maps). */
export interface CommandDoc {
  summary: string;
  since: string;
  group: string;
  complexity?: string;
  module?: string;
  doc_flags?: string[];
  deprecated_since?: string;
  replaced_by?: string;
  history?: [string, string][];
  arguments?: Record<string, any>[];
  subcommands?: Record<string, CommandDoc>;
  [field: string]: unknown;
}

function docArgument(reply: RespValue): Record<string, any> {
  return toObject(reply, (value, key) => {
    if (key === "arguments") return toArray(value).map(docArgument);
    if (key === "flags") return strList(value);
    return value;
  });
}

function commandDoc(reply: RespValue): CommandDoc {
  return toObject(reply, (value, key) => {
    if (key === "history") return toArray(value).map((h) => strList(h));
    if (key === "arguments") return toArray(value).map(docArgument);
    if (key === "subcommands") return toObject(value, commandDoc);
    if (key === "doc_flags") return strList(value);
    return value;
  }) as CommandDoc;
}

export interface CommandListOptions {
  module?: string | null;
  category?: string | null;
  pattern?: string | null;
}

/** COMMAND and its subcommands (part of `ServerCommands`). */
export interface ServerCommandInfoCommands<T, M> {
  /** COMMAND: every command's details, by name (redis-py's `parse_command`). */
  command(): Ret<M, Record<string, CommandInfoEntry>>;
  commandCount(): Ret<M, number>;
  /** COMMAND DOCS [name ...]: documentation by command name. */
  commandDocs(...commandNames: EncodableT[]): Ret<M, Record<string, CommandDoc>>;
  /** COMMAND GETKEYS command arg ...: the keys of a full command. */
  commandGetkeys(...args: EncodableT[]): Ret<M, T[]>;
  /** COMMAND GETKEYSANDFLAGS command arg ...: `[key, flags][]`. */
  commandGetkeysandflags(...args: EncodableT[]): Ret<M, [T, string[]][]>;
  /** COMMAND INFO name ...: details of these commands, by name (unknown names are left out). */
  commandInfo(...commandNames: EncodableT[]): Ret<M, Record<string, CommandInfoEntry>>;
  /** COMMAND LIST [FILTERBY MODULE m | ACLCAT c | PATTERN p]: command names. */
  commandList(options?: CommandListOptions): Ret<M, string[]>;
  commandList(module: string | null, options: Without<CommandListOptions, "module">): Ret<M, string[]>;
  commandList(module?: string | null, category?: string | null, pattern?: string | null): Ret<M, string[]>;
  commandHelp(): Ret<M, string[]>;
}

export const SERVER_COMMAND_INFO_COMMANDS: Record<string, CommandSpec> = defineCommands({
  command: { command: "COMMAND", params: [], build: () => ["COMMAND"], reply: parseCommand, decode: true },
  commandCount: { command: "COMMAND COUNT", params: [], build: () => ["COMMAND", "COUNT"] },
  commandDocs: {
    command: "COMMAND DOCS",
    params: ["...commandNames"],
    build: ({ commandNames }) => ["COMMAND", "DOCS", ...rest(commandNames)],
    reply: (r) => toObject(r, commandDoc),
    decode: true,
  },
  commandGetkeys: {
    command: "COMMAND GETKEYS",
    params: ["...args"],
    build: ({ args }) => ["COMMAND", "GETKEYS", ...nonEmpty("COMMAND GETKEYS", "args", args, "a command")],
  },
  commandGetkeysandflags: {
    command: "COMMAND GETKEYSANDFLAGS",
    params: ["...args"],
    build: ({ args }) => ["COMMAND", "GETKEYSANDFLAGS", ...nonEmpty("COMMAND GETKEYSANDFLAGS", "args", args, "a command")],
    reply: (r) =>
      toArray(r).map((item) => {
        const [key, flags] = toArray(item);
        return [key, strList(flags!)];
      }),
  },
  commandInfo: {
    command: "COMMAND INFO",
    params: ["...commandNames"],
    build: ({ commandNames }) => ["COMMAND", "INFO", ...rest(commandNames)],
    reply: parseCommand,
    decode: true,
  },
  commandList: {
    command: "COMMAND LIST",
    params: ["module?", "category?", "pattern?"],
    build(p) {
      exclusive("COMMAND LIST", { module: p.module, category: p.category, pattern: p.pattern });
      const argv: CommandArg[] = ["COMMAND", "LIST"];
      if (p.module !== undefined) argv.push("FILTERBY", "MODULE", arg(p.module));
      if (p.category !== undefined) argv.push("FILTERBY", "ACLCAT", arg(p.category));
      if (p.pattern !== undefined) argv.push("FILTERBY", "PATTERN", arg(p.pattern));
      return argv;
    },
    reply: strList,
    decode: true,
  },
  commandHelp: help("COMMAND"),
});
