import { pong } from "./replies.js";
import { defineCommands, type CommandSpec } from "./spec.js";
import type { EncodableT, KeyT, Ret } from "./types.js";

// Moved to their families; re-exported here because the public index names them from this module.
export type { SetOptions } from "./strings.js";
export type { ExpireOptions } from "./keys.js";

/** Connection-level commands that belong to no data type. */
export interface CoreCommands<T, M> {
  /** PING. Resolves `true` when the server answers PONG; also the way to connect eagerly. */
  ping(): Ret<M, boolean>;
  echo(value: EncodableT): Ret<M, T>;
  /** PUBLISH: the number of subscribers that received the message. */
  publish(channel: KeyT, message: EncodableT): Ret<M, number>;
}

export const CORE_COMMANDS: Record<string, CommandSpec> = defineCommands({
  ping: { command: "PING", params: [], build: () => ["PING"], reply: pong },
  echo: { command: "ECHO", params: ["value"], build: ({ value }) => ["ECHO", value] },
  publish: { command: "PUBLISH", params: ["channel", "message"], build: ({ channel, message }) => ["PUBLISH", channel, message] },
});
