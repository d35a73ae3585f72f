/**
 * Where keyless commands go in a cluster, which multi-key commands are split per slot, and
 * how the replies of several nodes (or slots) are merged into one result. Pure data and
 * functions: the router (router.ts) applies them.
 */
import type { CommandArg } from "../protocol/index.js";
import type { Merge, Part, Plan } from "./plan.js";
import { keySlot } from "./slots.js";

export const sum: Merge = (values) => values.reduce<number>((a, b) => a + Number(b), 0);
export const concat: Merge = (values) => values.flatMap((v) => (Array.isArray(v) ? v : [v]));
export const allTrue: Merge = (values) => values.every((v) => v === true || v === 1 || v === "OK");
export const first: Merge = (values) => values[0];
const andEach: Merge = (values) => {
  const lists = values as unknown[][];
  return (lists[0] ?? []).map((_, i) => lists.every((l) => Boolean(l[i])));
};
/** `{ "host:port": reply }`: the merge of commands sent to chosen nodes without a policy. */
export const byNode: Merge = (values, nodes) => {
  const out: Record<string, unknown> = {};
  nodes.forEach((node, i) => (out[node.name] = values[i]));
  return out;
};

export type PolicyTarget = "primaries" | "all" | "random-primary" | "default-node";

/** Keyless commands that do not simply go to the default node (redis-py's command flags and result callbacks). */
const POLICIES: Record<string, [PolicyTarget, Merge]> = {
  PING: ["primaries", allTrue],
  DBSIZE: ["primaries", sum],
  KEYS: ["primaries", concat],
  FLUSHALL: ["primaries", allTrue],
  FLUSHDB: ["primaries", allTrue],
  RANDOMKEY: ["random-primary", first],
  "SCRIPT LOAD": ["primaries", first],
  "SCRIPT FLUSH": ["primaries", allTrue],
  "SCRIPT EXISTS": ["primaries", andEach],
  "FUNCTION LOAD": ["primaries", first],
  "FUNCTION DELETE": ["primaries", allTrue],
  "FUNCTION FLUSH": ["primaries", allTrue],
  "FUNCTION RESTORE": ["primaries", allTrue],
  "CONFIG SET": ["all", allTrue],
  "CONFIG RESETSTAT": ["all", allTrue],
  "CONFIG REWRITE": ["all", allTrue],
  "SLOWLOG RESET": ["all", allTrue],
  "MEMORY PURGE": ["all", allTrue],
  "PUBSUB CHANNELS": ["all", concat],
  "PUBSUB NUMPAT": ["all", sum],
  "PUBSUB SHARDCHANNELS": ["primaries", concat],
};

/** Container commands whose policy depends on the subcommand. */
const CONTAINERS = new Set([
  "SCRIPT",
  "FUNCTION",
  "CONFIG",
  "SLOWLOG",
  "MEMORY",
  "PUBSUB",
  "CLUSTER",
  "CLIENT",
  "ACL",
  "COMMAND",
  "OBJECT",
  "XINFO",
  "LATENCY",
]);

/** Multi-key commands split per slot when their keys span slots. */
const SPLITTABLE = new Set(["MGET", "MSET", "DEL", "UNLINK", "EXISTS", "TOUCH"]);

/** An argument as an upper-case word (command and subcommand names). */
export function word(arg: CommandArg | undefined): string {
  if (arg === undefined) return "";
  return (typeof arg === "string" ? arg : arg.toString()).toUpperCase();
}

/** The name a policy is looked up by: `DBSIZE`, or `SCRIPT LOAD` for container commands. */
function policyName(argv: readonly CommandArg[]): string {
  const name = word(argv[0]);
  return CONTAINERS.has(name) && argv.length > 1 ? `${name} ${word(argv[1])}` : name;
}

/** The fan-out policy of a keyless command (where it goes, how replies merge), if it has one. */
export function policyOf(argv: readonly CommandArg[]): [PolicyTarget, Merge] | undefined {
  return POLICIES[policyName(argv)];
}

/** True for the multi-key commands split per slot (MGET, MSET, DEL, UNLINK, EXISTS, TOUCH). */
export function isSplittable(name: string): boolean {
  return SPLITTABLE.has(name);
}

/** MGET, MSET, DEL, UNLINK, EXISTS, TOUCH: one part per slot, merged in the caller's order. */
export function planSplit(name: string, argv: CommandArg[], readonly: boolean, encoding: BufferEncoding): Plan {
  const pairs = name === "MSET";
  const step = pairs ? 2 : 1;
  const groups = new Map<number, number[]>(); // slot -> indexes of keys (in argv)
  for (let i = 1; i < argv.length; i += step) {
    const slot = keySlot(argv[i]!, encoding);
    const group = groups.get(slot);
    if (group) group.push(i);
    else groups.set(slot, [i]);
  }
  if (groups.size <= 1) {
    const slot = groups.keys().next().value ?? 0;
    return { parts: [{ argv, target: { slot }, readonly }], merge: first, explicit: false, nodes: [] };
  }
  const parts: Part[] = [];
  const positions: number[][] = [];
  for (const [slot, indexes] of groups) {
    const partArgv: CommandArg[] = [argv[0]!];
    for (const i of indexes) {
      partArgv.push(argv[i]!);
      if (pairs) partArgv.push(argv[i + 1]!);
    }
    parts.push({ argv: partArgv, target: { slot }, readonly });
    positions.push(indexes.map((i) => (i - 1) / step));
  }
  let merge: Merge;
  if (name === "MGET") {
    const total = (argv.length - 1) / step;
    merge = (values) => {
      const out = new Array<unknown>(total);
      values.forEach((value, p) => {
        const list = value as unknown[];
        positions[p]!.forEach((at, j) => (out[at] = list[j]));
      });
      return out;
    };
  } else if (name === "MSET") {
    merge = allTrue;
  } else {
    merge = sum;
  }
  return { parts, merge, explicit: false, nodes: [] };
}
