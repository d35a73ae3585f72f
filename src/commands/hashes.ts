import { defineCommands, type CommandSpec } from "./spec.js";


export interface HashCommands<T, M> {}

export const HASH_COMMANDS: Record<string, CommandSpec> = defineCommands({});
