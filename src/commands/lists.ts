import { defineCommands, type CommandSpec } from "./spec.js";


export interface ListCommands<T, M> {}

export const LIST_COMMANDS: Record<string, CommandSpec> = defineCommands({});
