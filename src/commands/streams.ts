import { defineCommands, type CommandSpec } from "./spec.js";


export interface StreamCommands<T, M> {}

export const STREAM_COMMANDS: Record<string, CommandSpec> = defineCommands({});
