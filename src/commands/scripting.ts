import { defineCommands, type CommandSpec } from "./spec.js";


export interface ScriptingCommands<T, M> {}

export const SCRIPTING_COMMANDS: Record<string, CommandSpec> = defineCommands({});
