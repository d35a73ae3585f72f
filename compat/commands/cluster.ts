/** The Cluster command group (aioredis 1.x's `ClusterCommandsMixin`), installed on `Redis` by commands/index.ts (v1 marked it "not fully supported"; its stubs return null). */
import { encodingOf, signatures } from "../calling.js";
import { RedisBase } from "./base.js";
import { isInt, NOTSET, type Arg, type Dec, type EncodingOption, type RedisString } from "../util.js";
import { waitOkReply } from "./generic.js";

function checkSlots(slots: unknown[]): void {
  if (!slots.every(isInt)) throw new TypeError("All parameters must be of type int");
}

/** The v1 signatures of the Cluster commands (see calling.ts). */
export const clusterSignatures = signatures({
  clusterSetslot: "slot?, command?, nodeId?",
  clusterSlaves: "nodeId?",
  clusterSlots: "",
  clusterNodes: "",
  clusterInfo: "",
  clusterFailover: "",
  clusterAddSlots: "slot, *slots",
  clusterCountFailureReports: "nodeId",
  clusterCountKeyInSlots: "slot",
  clusterDelSlots: "slot, *slots",
  clusterForget: "nodeId",
  clusterGetKeysInSlots: "slot, count, *, encoding",
  clusterKeyslot: "key",
  clusterMeet: "ip, port",
  clusterReplicate: "nodeId",
  clusterReset: "*, hard?",
  clusterSaveConfig: "",
  clusterSetConfigEpoch: "configEpoch",
});

export class ClusterCommands<T extends RedisString = Buffer> extends RedisBase<T> {
  clusterAddSlots(slot: number, ...slots: number[]): Promise<boolean> {
    const a = clusterSignatures.bind("clusterAddSlots", arguments);
    checkSlots([a.slot, ...a.rest]);
    return this._exec("CLUSTER", ["ADDSLOTS", a.slot, ...a.rest], NOTSET, waitOkReply);
  }

  clusterCountFailureReports(nodeId: Arg): Promise<number> {
    const a = clusterSignatures.bind("clusterCountFailureReports", arguments);
    return this._exec("CLUSTER", ["COUNT-FAILURE-REPORTS", a.nodeId]);
  }

  clusterCountKeyInSlots(slot: number): Promise<number> {
    const a = clusterSignatures.bind("clusterCountKeyInSlots", arguments);
    if (!isInt(a.slot)) throw new TypeError("Expected slot to be of type int");
    return this._exec("CLUSTER", ["COUNTKEYSINSLOT", a.slot]);
  }

  clusterDelSlots(slot: number, ...slots: number[]): Promise<boolean> {
    const a = clusterSignatures.bind("clusterDelSlots", arguments);
    checkSlots([a.slot, ...a.rest]);
    return this._exec("CLUSTER", ["DELSLOTS", a.slot, ...a.rest], NOTSET, waitOkReply);
  }

  /** A stub in v1: returns null, sends nothing. */
  clusterFailover(): null {
    clusterSignatures.bind("clusterFailover", arguments);
    return null;
  }

  clusterForget(nodeId: Arg): Promise<boolean> {
    const a = clusterSignatures.bind("clusterForget", arguments);
    return this._exec("CLUSTER", ["FORGET", a.nodeId], NOTSET, waitOkReply);
  }

  /** CLUSTER GETKEYSINSLOT; `encoding` is a required keyword, as in v1. */
  clusterGetKeysInSlots<O extends EncodingOption>(slot: number, count: number, options: O): Promise<Dec<T, O>[]> {
    const a = clusterSignatures.bind("clusterGetKeysInSlots", arguments);
    return this._exec("CLUSTER", ["GETKEYSINSLOT", a.slot, a.count], encodingOf(a));
  }

  /** A stub in v1: returns null, sends nothing. */
  clusterInfo(): null {
    clusterSignatures.bind("clusterInfo", arguments);
    return null;
  }

  clusterKeyslot(key: Arg): Promise<number> {
    const a = clusterSignatures.bind("clusterKeyslot", arguments);
    return this._exec("CLUSTER", ["KEYSLOT", a.key]);
  }

  clusterMeet(ip: string, port: number): Promise<boolean> {
    const a = clusterSignatures.bind("clusterMeet", arguments);
    return this._exec("CLUSTER", ["MEET", a.ip, a.port], NOTSET, waitOkReply);
  }

  /** A stub in v1: returns null, sends nothing. */
  clusterNodes(): null {
    clusterSignatures.bind("clusterNodes", arguments);
    return null;
  }

  clusterReplicate(nodeId: Arg): Promise<boolean> {
    const a = clusterSignatures.bind("clusterReplicate", arguments);
    return this._exec("CLUSTER", ["REPLICATE", a.nodeId], NOTSET, waitOkReply);
  }

  clusterReset(options?: { hard?: boolean }): Promise<boolean> {
    const a = clusterSignatures.bind("clusterReset", arguments);
    return this._exec("CLUSTER", ["RESET", a.hard ? "HARD" : "SOFT"], NOTSET, waitOkReply);
  }

  clusterSaveConfig(): Promise<boolean> {
    clusterSignatures.bind("clusterSaveConfig", arguments);
    return this._exec("CLUSTER", ["SAVECONFIG"], NOTSET, waitOkReply);
  }

  clusterSetConfigEpoch(configEpoch: number): Promise<boolean> {
    const a = clusterSignatures.bind("clusterSetConfigEpoch", arguments);
    return this._exec("CLUSTER", ["SET-CONFIG-EPOCH", a.configEpoch], NOTSET, waitOkReply);
  }

  /** A stub in v1: returns null, sends nothing. */
  clusterSetslot(slot?: number, command?: string, nodeId?: Arg): null {
    clusterSignatures.bind("clusterSetslot", arguments);
    return null;
  }

  /** A stub in v1: returns null, sends nothing. */
  clusterSlaves(nodeId?: Arg): null {
    clusterSignatures.bind("clusterSlaves", arguments);
    return null;
  }

  /** A stub in v1: returns null, sends nothing. */
  clusterSlots(): null {
    clusterSignatures.bind("clusterSlots", arguments);
    return null;
  }
}
