import { defineCommands, type CommandSpec } from "./spec.js";


export interface StringCommands<T, M> {}

export const STRING_COMMANDS: Record<string, CommandSpec> = defineCommands({});
