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

/** A group's own methods, with their keyword forms. */
type Group<G, S extends Signatures<Record<string, string>>> = KeywordCalls<G, S["specs"], RedisBase<any>>;

/** Every v1 command method (the client's core members are in `RedisBase`). */
export interface RedisCommands<T extends RedisString = Buffer>
  extends Group<ConnectionCommands<T>, typeof connectionSignatures>,
    Group<GenericCommands<T>, typeof genericSignatures>,
    Group<StringCommands<T>, typeof stringSignatures>,
    Group<HyperLogLogCommands<T>, typeof hyperLogLogSignatures>,
    Group<SetCommands<T>, typeof setSignatures>,
    Group<HashCommands<T>, typeof hashSignatures>,
    Group<TransactionsCommands<T>, typeof transactionsSignatures>,
    Group<SortedSetCommands<T>, typeof sortedSetSignatures>,
    Group<ListCommands<T>, typeof listSignatures>,
    Group<ScriptingCommands<T>, typeof scriptingSignatures>,
    Group<ServerCommands<T>, typeof serverSignatures>,
    Group<PubSubCommands<T>, typeof pubSubSignatures>,
    Group<ClusterCommands<T>, typeof clusterSignatures>,
    Group<GeoCommands<T>, typeof geoSignatures>,
    Group<StreamCommands<T>, typeof streamSignatures> {}

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
