import { defineCommands, type CommandSpec } from "./spec.js";


export interface HyperLogLogCommands<T, M> {}

export const HYPERLOGLOG_COMMANDS: Record<string, CommandSpec> = defineCommands({});
