import { defineCommands, type CommandSpec } from "./spec.js";


export interface SetCommands<T, M> {}

export const SET_COMMANDS: Record<string, CommandSpec> = defineCommands({});
