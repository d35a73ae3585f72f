import { defineCommands, type CommandSpec } from "./spec.js";


export interface GeoCommands<T, M> {}

export const GEO_COMMANDS: Record<string, CommandSpec> = defineCommands({});
