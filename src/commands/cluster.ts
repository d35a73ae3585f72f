import { defineCommands, type CommandSpec } from "./spec.js";


export interface ClusterCommands<T, M> {}

export const CLUSTER_COMMANDS: Record<string, CommandSpec> = defineCommands({});
