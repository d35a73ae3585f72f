/** v1's `ClusterCommandsMixin` (v1 marked it "not fully supported"; its stubs return null). */
import { encodingOf, isInt, NOTSET, type Arg, type Dec, type EncodingOption, type RedisString } from "../util.js";
import { waitOkReply } from "./generic.js";
import { PubSubCommandsMixin } from "./pubsub.js";

function checkSlots(slots: unknown[]): void {
  if (!slots.every(isInt)) throw new TypeError("All parameters must be of type int");
}

export class ClusterCommandsMixin<T extends RedisString = Buffer> extends PubSubCommandsMixin<T> {
  clusterAddSlots(slot: number, ...slots: number[]): Promise<boolean> {
    const a = this._bind("clusterAddSlots", "slot, *slots", arguments);
    checkSlots([a.slot, ...a.rest]);
    return this._exec("CLUSTER", ["ADDSLOTS", a.slot, ...a.rest], NOTSET, waitOkReply);
  }

  clusterCountFailureReports(nodeId: Arg): Promise<number> {
    const a = this._bind("clusterCountFailureReports", "nodeId", arguments);
    return this._exec("CLUSTER", ["COUNT-FAILURE-REPORTS", a.nodeId]);
  }

  clusterCountKeyInSlots(slot: number): Promise<number> {
    const a = this._bind("clusterCountKeyInSlots", "slot", arguments);
    if (!isInt(a.slot)) throw new TypeError("Expected slot to be of type int");
    return this._exec("CLUSTER", ["COUNTKEYSINSLOT", a.slot]);
  }

  clusterDelSlots(slot: number, ...slots: number[]): Promise<boolean> {
    const a = this._bind("clusterDelSlots", "slot, *slots", arguments);
    checkSlots([a.slot, ...a.rest]);
    return this._exec("CLUSTER", ["DELSLOTS", a.slot, ...a.rest], NOTSET, waitOkReply);
  }

  /** A stub in v1: returns null, sends nothing. */
  clusterFailover(): null {
    return null;
  }

  clusterForget(nodeId: Arg): Promise<boolean> {
    const a = this._bind("clusterForget", "nodeId", arguments);
    return this._exec("CLUSTER", ["FORGET", a.nodeId], NOTSET, waitOkReply);
  }

  /** CLUSTER GETKEYSINSLOT; `encoding` is a required keyword, as in v1. */
  clusterGetKeysInSlots<O extends EncodingOption>(slot: number, count: number, options: O): Promise<Dec<T, O>[]> {
    const a = this._bind("clusterGetKeysInSlots", "slot, count, *, encoding", arguments);
    return this._exec("CLUSTER", ["GETKEYSINSLOT", a.slot, a.count], encodingOf(a));
  }

  /** A stub in v1: returns null, sends nothing. */
  clusterInfo(): null {
    return null;
  }

  clusterKeyslot(key: Arg): Promise<number> {
    const a = this._bind("clusterKeyslot", "key", arguments);
    return this._exec("CLUSTER", ["KEYSLOT", a.key]);
  }

  clusterMeet(ip: string, port: number): Promise<boolean> {
    const a = this._bind("clusterMeet", "ip, port", arguments);
    return this._exec("CLUSTER", ["MEET", a.ip, a.port], NOTSET, waitOkReply);
  }

  /** A stub in v1: returns null, sends nothing. */
  clusterNodes(): null {
    return null;
  }

  clusterReplicate(nodeId: Arg): Promise<boolean> {
    const a = this._bind("clusterReplicate", "nodeId", arguments);
    return this._exec("CLUSTER", ["REPLICATE", a.nodeId], NOTSET, waitOkReply);
  }

  clusterReset(options?: { hard?: boolean }): Promise<boolean> {
    const a = this._bind("clusterReset", "*, hard?", arguments);
    return this._exec("CLUSTER", ["RESET", a.hard ? "HARD" : "SOFT"], NOTSET, waitOkReply);
  }

  clusterSaveConfig(): Promise<boolean> {
    this._bind("clusterSaveConfig", "", arguments);
    return this._exec("CLUSTER", ["SAVECONFIG"], NOTSET, waitOkReply);
  }

  clusterSetConfigEpoch(configEpoch: number): Promise<boolean> {
    const a = this._bind("clusterSetConfigEpoch", "configEpoch", arguments);
    return this._exec("CLUSTER", ["SET-CONFIG-EPOCH", a.configEpoch], NOTSET, waitOkReply);
  }

  /** A stub in v1: returns null, sends nothing. */
  clusterSetslot(slot?: number, command?: string, nodeId?: Arg): null {
    void slot;
    void command;
    void nodeId;
    return null;
  }

  /** A stub in v1: returns null, sends nothing. */
  clusterSlaves(nodeId?: Arg): null {
    void nodeId;
    return null;
  }

  /** A stub in v1: returns null, sends nothing. */
  clusterSlots(): null {
    return null;
  }
}
