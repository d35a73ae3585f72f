import { defineCommands, type CommandSpec } from "./spec.js";


export interface ServerCommands<T, M> {}

export const SERVER_COMMANDS: Record<string, CommandSpec> = defineCommands({});
