import { str, toArray, toNumber } from "../commands/replies.js";
import type { CommandArg, RespValue } from "../protocol/index.js";

/** What COMMAND says about one command: where its keys are and whether it only reads. */
export interface CommandKeyInfo {
  name: string;
  arity: number;
  flags: Set<string>;
  firstKey: number;
  lastKey: number;
  step: number;
  subcommands: Map<string, CommandKeyInfo> | null;
}

function word(arg: CommandArg | undefined): string {
  if (arg === undefined) return "";
  return (typeof arg === "string" ? arg : arg.toString()).toUpperCase();
}

function count(arg: CommandArg | undefined): number {
  const n = Number(typeof arg === "string" || typeof arg === "number" ? arg : arg === undefined ? NaN : arg.toString());
  return Number.isInteger(n) && n >= 0 ? n : 0;
}

/** Keys from a `numkeys` argument at `at`, the keys following it. */
function numkeysAt(argv: readonly CommandArg[], at: number): CommandArg[] {
  const n = count(argv[at]);
  return argv.slice(at + 1, at + 1 + n) as CommandArg[];
}

/** The word following `token` (case-insensitive) from `from` on, if any. */
function after(argv: readonly CommandArg[], token: string, from: number): CommandArg | undefined {
  for (let i = from; i < argv.length - 1; i++) if (word(argv[i]) === token) return argv[i + 1];
  return undefined;
}

/**
 * Commands whose keys move (COMMAND's `movablekeys` flag), found without asking the server.
 * Anything else flagged `movablekeys` is asked with COMMAND GETKEYS.
 */
const MOVABLE: Record<string, (argv: readonly CommandArg[]) => CommandArg[]> = {
  EVAL: (a) => numkeysAt(a, 2),
  EVALSHA: (a) => numkeysAt(a, 2),
  EVAL_RO: (a) => numkeysAt(a, 2),
  EVALSHA_RO: (a) => numkeysAt(a, 2),
  FCALL: (a) => numkeysAt(a, 2),
  FCALL_RO: (a) => numkeysAt(a, 2),
  ZUNIONSTORE: (a) => [a[1]!, ...numkeysAt(a, 2)],
  ZINTERSTORE: (a) => [a[1]!, ...numkeysAt(a, 2)],
  ZDIFFSTORE: (a) => [a[1]!, ...numkeysAt(a, 2)],
  ZUNION: (a) => numkeysAt(a, 1),
  ZINTER: (a) => numkeysAt(a, 1),
  ZDIFF: (a) => numkeysAt(a, 1),
  ZINTERCARD: (a) => numkeysAt(a, 1),
  SINTERCARD: (a) => numkeysAt(a, 1),
  LMPOP: (a) => numkeysAt(a, 1),
  ZMPOP: (a) => numkeysAt(a, 1),
  BLMPOP: (a) => numkeysAt(a, 2),
  BZMPOP: (a) => numkeysAt(a, 2),
  XREAD: streamsKeys,
  XREADGROUP: streamsKeys,
  SORT: (a) => {
    const store = after(a, "STORE", 2);
    return store === undefined ? [a[1]!] : [a[1]!, store];
  },
  SORT_RO: (a) => [a[1]!],
  GEORADIUS: geoStoreKeys,
  GEORADIUSBYMEMBER: geoStoreKeys,
  MIGRATE: (a) => {
    const key = a[3];
    if (key !== undefined && String(key).length > 0) return [key];
    for (let i = 6; i < a.length; i++) if (word(a[i]) === "KEYS") return a.slice(i + 1) as CommandArg[];
    return [];
  },
};

function streamsKeys(argv: readonly CommandArg[]): CommandArg[] {
  for (let i = 1; i < argv.length; i++) {
    if (word(argv[i]) === "STREAMS") {
      const rest = argv.slice(i + 1);
      return rest.slice(0, rest.length >> 1) as CommandArg[];
    }
  }
  return [];
}

function geoStoreKeys(argv: readonly CommandArg[]): CommandArg[] {
  const keys: CommandArg[] = [argv[1]!];
  for (let i = 2; i < argv.length - 1; i++) {
    const w = word(argv[i]);
    if (w === "STORE" || w === "STOREDIST") keys.push(argv[i + 1]!);
  }
  return keys;
}

/** Commands without keys, used only when COMMAND itself is refused (an ACL without it). */
const KEYLESS_FALLBACK = new Set([
  "PING",
  "ECHO",
  "INFO",
  "DBSIZE",
  "KEYS",
  "SCAN",
  "RANDOMKEY",
  "FLUSHALL",
  "FLUSHDB",
  "SCRIPT",
  "FUNCTION",
  "CONFIG",
  "CLUSTER",
  "COMMAND",
  "TIME",
  "LASTSAVE",
  "SAVE",
  "BGSAVE",
  "BGREWRITEAOF",
  "DEBUG",
  "ACL",
  "CLIENT",
  "SLOWLOG",
  "LATENCY",
  "MEMORY",
  "MODULE",
  "WAIT",
  "WAITAOF",
  "ROLE",
  "PUBLISH",
  "PUBSUB",
  "READONLY",
  "READWRITE",
  "SWAPDB",
  "LOLWUT",
  "SHUTDOWN",
  "FAILOVER",
  "REPLICAOF",
  "SLAVEOF",
  "HELLO",
  "AUTH",
  "SELECT",
  "MULTI",
  "EXEC",
  "DISCARD",
  "UNWATCH",
  "RESET",
  "QUIT",
  "MONITOR",
  "SYNC",
  "PSYNC",
  "REPLCONF",
]);

function entry(reply: RespValue): CommandKeyInfo {
  const items = toArray(reply);
  const flags = new Set(toArray(items[2] ?? null).map((f) => str(f).toLowerCase()));
  const subs = items.length > 9 ? toArray(items[9] ?? null) : [];
  let subcommands: Map<string, CommandKeyInfo> | null = null;
  if (subs.length > 0) {
    subcommands = new Map();
    for (const sub of subs) {
      const info = entry(sub);
      // "config|get" -> "GET"
      const bar = info.name.indexOf("|");
      subcommands.set(info.name.slice(bar + 1).toUpperCase(), info);
    }
  }
  return {
    name: str(items[0]!).toLowerCase(),
    arity: toNumber(items[1]!),
    flags,
    firstKey: toNumber(items[3]!),
    lastKey: toNumber(items[4]!),
    step: toNumber(items[5]!),
    subcommands,
  };
}

/**
 * Finds the keys of a command from the server's COMMAND table (redis-py's `CommandsParser`),
 * loaded once per cluster client; movable keys (EVAL's numkeys, XREAD's STREAMS...) are read
 * from the arguments, and COMMAND GETKEYS is asked for the rare others.
 */
export class CommandsParser {
  private table: Map<string, CommandKeyInfo> | null = null;
  /** COMMAND was refused (ACL): keys are guessed as the first argument. */
  private fallback = false;

  get loaded(): boolean {
    return this.table !== null || this.fallback;
  }

  /** Fills the table from a raw COMMAND reply. */
  load(reply: RespValue): void {
    const table = new Map<string, CommandKeyInfo>();
    for (const item of toArray(reply)) {
      if (item === null) continue;
      const info = entry(item);
      table.set(info.name.toUpperCase(), info);
    }
    this.table = table;
  }

  /** COMMAND is not available: fall back to "the key is the first argument". */
  useFallback(): void {
    this.fallback = true;
  }

  /** The COMMAND entry for `argv` (the subcommand's for container commands like OBJECT ENCODING). */
  info(argv: readonly CommandArg[]): CommandKeyInfo | null {
    const top = this.table?.get(word(argv[0]));
    if (!top) return null;
    if (top.subcommands && argv.length > 1) return top.subcommands.get(word(argv[1])) ?? top;
    return top;
  }

  /** True when COMMAND flags the command as read-only (replicas may serve it). */
  isReadonly(argv: readonly CommandArg[]): boolean {
    const info = this.info(argv);
    return info !== null && info.flags.has("readonly") && !info.flags.has("write");
  }

  /**
   * The keys of `argv`: an array (empty when the command takes none), or `undefined` when
   * only the server can tell (COMMAND GETKEYS).
   */
  keys(argv: readonly CommandArg[]): CommandArg[] | undefined {
    const name = word(argv[0]);
    const movable = MOVABLE[name];
    if (movable) return movable(argv);
    const info = this.info(argv);
    if (!info) {
      if (this.fallback || this.table === null) return KEYLESS_FALLBACK.has(name) || argv.length < 2 ? [] : [argv[1]!];
      return []; // unknown to the server: it will say so
    }
    if (info.flags.has("movablekeys")) return undefined;
    if (info.firstKey <= 0) return [];
    const last = info.lastKey < 0 ? argv.length + info.lastKey : info.lastKey;
    const step = info.step > 0 ? info.step : 1;
    const keys: CommandArg[] = [];
    for (let i = info.firstKey; i <= last && i < argv.length; i += step) keys.push(argv[i]!);
    return keys;
  }
}
