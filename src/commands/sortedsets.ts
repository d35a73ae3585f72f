import { defineCommands, type CommandSpec } from "./spec.js";


export interface SortedSetCommands<T, M> {}

export const SORTED_SET_COMMANDS: Record<string, CommandSpec> = defineCommands({});
