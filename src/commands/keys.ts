import { defineCommands, type CommandSpec } from "./spec.js";


export interface KeyCommands<T, M> {}

export const KEY_COMMANDS: Record<string, CommandSpec> = defineCommands({});
