import { ACL_COMMANDS, type AclCommands } from "./acl.js";
import { CLUSTER_COMMANDS, type ClusterCommands } from "./cluster.js";
import { CORE_COMMANDS, type CoreCommands } from "./core.js";
import { GEO_COMMANDS, type GeoCommands } from "./geo.js";
import { HASH_COMMANDS, type HashCommands } from "./hashes.js";
import { HYPERLOGLOG_COMMANDS, type HyperLogLogCommands } from "./hyperloglog.js";
import { KEY_COMMANDS, type KeyCommands } from "./keys.js";
import { LIST_COMMANDS, type ListCommands } from "./lists.js";
import { PUBSUB_COMMANDS, type PubSubCommands } from "./pubsub.js";
import { SCRIPTING_COMMANDS, type ScriptingCommands } from "./scripting.js";
import { SERVER_COMMANDS, type ServerCommands } from "./server.js";
import { SERVER_CLIENT_COMMANDS, type ServerClientCommands } from "./server-client.js";
import { SERVER_COMMAND_INFO_COMMANDS, type ServerCommandInfoCommands } from "./server-command-info.js";
import { SET_COMMANDS, type SetCommands } from "./sets.js";
import type { BlockingRule } from "./route.js";
import type { CommandSpec } from "./spec.js";
import { SORTED_SET_COMMANDS, type SortedSetCommands } from "./sortedsets.js";
import { SORTED_SET_RANGE_COMMANDS, type SortedSetRangeCommands } from "./sortedsets-ranges.js";
import { STREAM_COMMANDS, type StreamCommands } from "./streams.js";
import { STREAM_GROUP_COMMANDS, type StreamGroupCommands } from "./streams-groups.js";
import { STRING_COMMANDS, type StringCommands } from "./strings.js";

/** Every command method, typed: `M` is `AsyncMode` on a client and the pipeline type on a pipeline. */
export interface Commands<T, M>
  extends CoreCommands<T, M>,
    KeyCommands<T, M>,
    StringCommands<T, M>,
    HyperLogLogCommands<T, M>,
    HashCommands<T, M>,
    ListCommands<T, M>,
    SetCommands<T, M>,
    SortedSetCommands<T, M>,
    SortedSetRangeCommands<T, M>,
    StreamCommands<T, M>,
    StreamGroupCommands<T, M>,
    GeoCommands<T, M>,
    ScriptingCommands<T, M>,
    ServerCommands<T, M>,
    ServerClientCommands<T, M>,
    ServerCommandInfoCommands<T, M>,
    AclCommands<T, M>,
    ClusterCommands<T, M>,
    PubSubCommands<T, M> {}

function merge(tables: Record<string, CommandSpec>[]): Record<string, CommandSpec> {
  const all: Record<string, CommandSpec> = {};
  for (const table of tables) {
    for (const [method, spec] of Object.entries(table)) {
      if (method in all) throw new Error(`command method '${method}' is defined twice`);
      all[method] = spec;
    }
  }
  return all;
}

/** The one command table: `Redis`, `Pipeline` and `RedisCluster` methods are all made from it. */
export const COMMANDS: Record<string, CommandSpec> = merge([
  CORE_COMMANDS,
  KEY_COMMANDS,
  STRING_COMMANDS,
  HYPERLOGLOG_COMMANDS,
  HASH_COMMANDS,
  LIST_COMMANDS,
  SET_COMMANDS,
  SORTED_SET_COMMANDS,
  SORTED_SET_RANGE_COMMANDS,
  STREAM_COMMANDS,
  STREAM_GROUP_COMMANDS,
  GEO_COMMANDS,
  SCRIPTING_COMMANDS,
  SERVER_COMMANDS,
  SERVER_CLIENT_COMMANDS,
  SERVER_COMMAND_INFO_COMMANDS,
  ACL_COMMANDS,
  CLUSTER_COMMANDS,
  PUBSUB_COMMANDS,
]);

function blockingTable(commands: Record<string, CommandSpec>): ReadonlyMap<string, BlockingRule> {
  const table = new Map<string, BlockingRule>();
  for (const spec of Object.values(commands)) {
    const name = spec.command.split(" ")[0]!;
    const known = table.get(name);
    if (spec.blocking && known && (known.at !== spec.blocking.at || known.unit !== spec.blocking.unit)) {
      throw new Error(`${name}: two specs state different blocking rules`);
    }
    if (spec.blocking) table.set(name, spec.blocking);
  }
  for (const spec of Object.values(commands)) {
    if (!spec.blocking && table.has(spec.command.split(" ")[0]!)) throw new Error(`${spec.method}: ${spec.command} blocks in another spec`);
  }
  return table;
}

/**
 * The commands whose reply the server may hold (BLPOP, XREAD BLOCK, WAIT...), by name, with
 * where their timeout is: made from the specs' `blocking` rules, never written by hand.
 */
export const BLOCKING_COMMANDS: ReadonlyMap<string, BlockingRule> = blockingTable(COMMANDS);

export { commandKeys } from "./spec.js";
export type { BlockingRule } from "./route.js";
