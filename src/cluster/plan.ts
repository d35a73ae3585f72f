import type { CommandArg } from "../protocol/index.js";
import type { ClusterNode } from "./topology.js";

/** Makes one result from the results of a command's parts (in `parts` order). */
export type Merge = (values: unknown[], nodes: ClusterNode[]) => unknown;

/** Where one part goes: a slot's owner, a given node, or the default node. */
export type PartTarget = { slot: number } | { node: ClusterNode } | { defaultNode: true };

/** One command as sent to one node. */
export interface Part {
  argv: CommandArg[];
  target: PartTarget;
  /** Replicas may serve it; it may be sent again after a connection loss. */
  readonly: boolean;
}

/** What to send where for one command, and how to make its result. */
export interface Plan {
  parts: Part[];
  merge: Merge | null;
  /** The caller chose the nodes: no redirection is followed, no retry made. */
  explicit: boolean;
  /** The nodes of node-targeted parts (fan-out), for `merge`; empty for slot-routed commands. */
  nodes: ClusterNode[];
}

const maybeSent = new WeakSet<object>();

/** Marks an error raised after its command was written: the command may have run. */
export function markMaybeSent(err: unknown): void {
  if (typeof err === "object" && err !== null) maybeSent.add(err);
}

/** True when `err` came after the command was written: it may have run. */
export function mayHaveRun(err: unknown): boolean {
  return typeof err === "object" && err !== null && maybeSent.has(err);
}
