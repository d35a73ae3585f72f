import { DataError } from "./errors.js";
import { isPlainObject } from "./commands/spec.js";
import type { MessageHandler } from "./pubsub-queue.js";
import type { RedisString } from "./pool.js";
import type { RespValue } from "./protocol/index.js";

/* The words of pub/sub frames (pubsub.ts): the kinds of subscription, their commands and message types, PING's message. */

export interface Subscription<T extends RedisString> {
  name: string | Buffer;
  handler: MessageHandler<T> | null;
}

export type Kind = "channel" | "pattern" | "shard";

/** What PING accepts as its message (redis-py: any encodable value). */
export type PingMessage = string | Buffer | number;

/** The message of `ping()`, given as is or as `{ message }`: validated before anything is sent. */
export function pingArgument(arg: unknown): PingMessage | null {
  let value = arg;
  if (isPlainObject(arg)) {
    for (const key of Object.keys(arg)) {
      if (key !== "message") throw new DataError(`ping: unknown option '${key}' (expected { message })`);
    }
    value = (arg as { message?: unknown }).message;
  }
  if (value === undefined || value === null) return null;
  if (typeof value === "string" || Buffer.isBuffer(value)) return value;
  if (typeof value === "number" && Number.isFinite(value)) return value;
  throw new DataError("ping: 'message' must be a string, a Buffer or a finite number");
}

/** The PING payload of health checks on RESP2, whose pong is not passed on (as redis-py). */
export const HEALTH_CHECK_MESSAGE = "aioredis-health-check";

export const SUBSCRIBE: Record<Kind, string> = { channel: "SUBSCRIBE", pattern: "PSUBSCRIBE", shard: "SSUBSCRIBE" };
export const UNSUBSCRIBE: Record<Kind, string> = { channel: "UNSUBSCRIBE", pattern: "PUNSUBSCRIBE", shard: "SUNSUBSCRIBE" };

export const UNSUBSCRIBE_TYPES = new Set(["unsubscribe", "punsubscribe", "sunsubscribe"]);
export const SUBSCRIBE_TYPES = new Set(["subscribe", "psubscribe", "ssubscribe", ...UNSUBSCRIBE_TYPES]);
export const KIND_OF_TYPE: Record<string, Kind> = {
  subscribe: "channel",
  unsubscribe: "channel",
  psubscribe: "pattern",
  punsubscribe: "pattern",
  ssubscribe: "shard",
  sunsubscribe: "shard",
};

/** The type word of a pub/sub frame, without decoding the common ones from a Buffer. */
export function messageType(head: RespValue | undefined): string {
  if (typeof head === "string") {
    // the words of every delivered message, as the server sends them
    if (head === "message") return "message";
    if (head === "pmessage") return "pmessage";
    if (head === "smessage") return "smessage";
    return head.toLowerCase();
  }
  if (Buffer.isBuffer(head)) {
    // "message", "pmessage", "smessage": the words of every delivered message
    if (head.length === 7 && head[0] === 0x6d && head[6] === 0x65) return "message";
    if (head.length === 8 && head[1] === 0x6d && head[7] === 0x65) {
      if (head[0] === 0x70) return "pmessage";
      if (head[0] === 0x73) return "smessage";
    }
    return head.toString().toLowerCase();
  }
  return head === undefined || head === null ? "" : String(head).toLowerCase();
}

/**
 * redis-py's `handle_message`: a plain (not `["pong", data]`) `PONG` reply becomes empty
 * data, any other reply (the PING message) is the data; in the client's reply type.
 */
export function pongData<T extends RedisString>(
  reply: RespValue | undefined,
  plain: boolean,
  client: { decodeResponses: boolean; encoding: BufferEncoding },
): T {
  const decode = client.decodeResponses;
  if (reply === undefined || reply === null || (plain && String(reply) === "PONG")) return (decode ? "" : Buffer.alloc(0)) as T;
  if (typeof reply === "string") return (decode ? reply : Buffer.from(reply, client.encoding)) as T;
  if (Buffer.isBuffer(reply)) return (decode ? reply.toString(client.encoding) : reply) as T;
  return String(reply) as T;
}
