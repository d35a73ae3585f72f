import { defineCommands, type CommandSpec } from "./spec.js";


export interface PubSubCommands<T, M> {}

export const PUBSUB_COMMANDS: Record<string, CommandSpec> = defineCommands({});
