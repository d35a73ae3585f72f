import { defineCommands, type CommandSpec } from "./spec.js";


export interface AclCommands<T, M> {}

export const ACL_COMMANDS: Record<string, CommandSpec> = defineCommands({});
