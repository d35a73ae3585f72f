import type { RespValue } from "../protocol/index.js";

/** `OK` (or any non-null status) becomes `true`, as redis-py's `bool_ok`. */
export const okToTrue = (reply: RespValue): boolean => reply !== null && !(reply instanceof Error);

/** Integer replies 1/0 become booleans. */
export const toBool = (reply: RespValue): boolean => reply === 1 || reply === true;

/** `PONG` becomes `true` (redis-py's PING callback). */
export const pong = (reply: RespValue): boolean => {
  const text = Buffer.isBuffer(reply) ? reply.toString() : reply;
  return text === "PONG";
};
