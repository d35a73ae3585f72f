/**
 * The command groups of v1's `Redis`, composed: each group (one file per command
 * family) is a class whose methods are installed on `Redis` by `installCommands`; none
 * extends another. Their types meet in `RedisCommands`, where each method also gets the
 * keyword forms of its v1 signature (calling.ts).
 */
import { installGroups, type KeywordCalls, type Signatures } from "../calling.js";
import type { RedisString } from "../util.js";
import type { RedisBase } from "./base.js";
import { ClusterCommands, clusterSignatures } from "./cluster.js";
import { ConnectionCommands, connectionSignatures } from "./connection.js";
import { GenericCommands, genericSignatures } from "./generic.js";
import { GeoCommands, geoSignatures } from "./geo.js";
import { HashCommands, hashSignatures } from "./hash.js";
import { HyperLogLogCommands, hyperLogLogSignatures } from "./hyperloglog.js";
import { ListCommands, listSignatures } from "./list.js";
import { PubSubCommands, pubSubSignatures } from "./pubsub.js";
import { ScriptingCommands, scriptingSignatures } from "./scripting.js";
import { ServerCommands, serverSignatures } from "./server.js";
import { SetCommands, setSignatures } from "./set.js";
import { SortedSetCommands, sortedSetSignatures } from "./sortedset.js";
import { StreamCommands, streamSignatures } from "./streams.js";
import { StringCommands, stringSignatures } from "./string.js";
import { TransactionsCommands, transactionsSignatures } from "./transaction.js";

/** A group's own methods (`G`), with their keyword forms (typed from `GP`, the group at a fixed `T`). */
type Group<G, GP, S extends Signatures<Record<string, string>>> = KeywordCalls<G, S["specs"], RedisBase<any>, GP>;

/** Every v1 command method (the client's core members are in `RedisBase`). */
export interface RedisCommands<T extends RedisString = Buffer>
  extends Group<ConnectionCommands<T>, ConnectionCommands<RedisString>, typeof connectionSignatures>,
    Group<GenericCommands<T>, GenericCommands<RedisString>, typeof genericSignatures>,
    Group<StringCommands<T>, StringCommands<RedisString>, typeof stringSignatures>,
    Group<HyperLogLogCommands<T>, HyperLogLogCommands<RedisString>, typeof hyperLogLogSignatures>,
    Group<SetCommands<T>, SetCommands<RedisString>, typeof setSignatures>,
    Group<HashCommands<T>, HashCommands<RedisString>, typeof hashSignatures>,
    Group<TransactionsCommands<T>, TransactionsCommands<RedisString>, typeof transactionsSignatures>,
    Group<SortedSetCommands<T>, SortedSetCommands<RedisString>, typeof sortedSetSignatures>,
    Group<ListCommands<T>, ListCommands<RedisString>, typeof listSignatures>,
    Group<ScriptingCommands<T>, ScriptingCommands<RedisString>, typeof scriptingSignatures>,
    Group<ServerCommands<T>, ServerCommands<RedisString>, typeof serverSignatures>,
    Group<PubSubCommands<T>, PubSubCommands<RedisString>, typeof pubSubSignatures>,
    Group<ClusterCommands<T>, ClusterCommands<RedisString>, typeof clusterSignatures>,
    Group<GeoCommands<T>, GeoCommands<RedisString>, typeof geoSignatures>,
    Group<StreamCommands<T>, StreamCommands<RedisString>, typeof streamSignatures> {}

/** The groups and their signature tables, in one list (installation and the signature test read it). */
export const COMMAND_GROUPS = [
  { group: ConnectionCommands, signatures: connectionSignatures },
  { group: GenericCommands, signatures: genericSignatures },
  { group: StringCommands, signatures: stringSignatures },
  { group: HyperLogLogCommands, signatures: hyperLogLogSignatures },
  { group: SetCommands, signatures: setSignatures },
  { group: HashCommands, signatures: hashSignatures },
  { group: TransactionsCommands, signatures: transactionsSignatures },
  { group: SortedSetCommands, signatures: sortedSetSignatures },
  { group: ListCommands, signatures: listSignatures },
  { group: ScriptingCommands, signatures: scriptingSignatures },
  { group: ServerCommands, signatures: serverSignatures },
  { group: PubSubCommands, signatures: pubSubSignatures },
  { group: ClusterCommands, signatures: clusterSignatures },
  { group: GeoCommands, signatures: geoSignatures },
  { group: StreamCommands, signatures: streamSignatures },
] as const;

/** Installs every group's methods on `target` (`Redis`); see `installGroups`. */
export function installCommands(target: abstract new (...args: any[]) => object): void {
  installGroups(target, COMMAND_GROUPS);
}
