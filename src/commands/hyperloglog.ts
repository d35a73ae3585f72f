import type { CommandArg } from "../protocol/index.js";
import { nonEmpty } from "./args.js";
import { okToTrue } from "./replies.js";
import { defineCommands, type CommandSpec } from "./spec.js";
import type { EncodableT, KeyT, Ret } from "./types.js";

/** HyperLogLog commands (PFDEBUG and PFSELFTEST are internal server commands, left out). */
export interface HyperLogLogCommands<T, M> {
  /** PFADD: 1 when the estimate changed, else 0 (redis-py returns the integer). */
  pfadd(name: KeyT, ...values: EncodableT[]): Ret<M, number>;
  /** PFCOUNT: the estimated cardinality of the union of the keys. */
  pfcount(...sources: KeyT[]): Ret<M, number>;
  pfcount(sources: KeyT[]): Ret<M, number>;
  /** PFMERGE: `true`. */
  pfmerge(dest: KeyT, ...sources: KeyT[]): Ret<M, boolean>;
}

export const HYPERLOGLOG_COMMANDS: Record<string, CommandSpec> = defineCommands({
  pfadd: { command: "PFADD", params: ["name", "...values"], build: ({ name, values }) => ["PFADD", name, ...(values as CommandArg[])], keys: ["name"] },
  pfcount: {
    command: "PFCOUNT",
    params: ["...sources:list"],
    build: ({ sources }) => ["PFCOUNT", ...nonEmpty("PFCOUNT", "sources", sources, "at least one key")],
    readonly: true,
    keys: ["sources"],
  },
  pfmerge: {
    command: "PFMERGE",
    params: ["dest", "...sources"],
    keys: ["dest", "sources"],
    build: ({ dest, sources }) => ["PFMERGE", dest, ...(sources as CommandArg[])],
    reply: okToTrue,
  },
});
