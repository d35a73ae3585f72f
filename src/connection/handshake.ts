import { AuthenticationWrongNumberOfArgsError, DataError, ResponseError } from "../errors.js";
import type { CommandArg } from "../protocol/index.js";
import type { TrackingTarget } from "./pending.js";
import type { ResolvedConnectionOptions } from "./resolve.js";

/** Commands that change what the connection is, rather than the data. */
const UNKNOWN_COMMAND = /^ERR unknown command|^ERR unknown or disabled command/i;

/** What the handshake reads and sets on its connection. */
export interface HandshakeTarget {
  readonly options: ResolvedConnectionOptions;
  /** `host:port` or `unix:path`, for messages. */
  readonly description: string;
  /** The RESP version agreed with the server. */
  protocol: 2 | 3;
  readonly tracking: TrackingTarget | null;
}

/** Sends one handshake command at once, ahead of any queued command. */
type SendNow = (args: CommandArg[]) => Promise<unknown>;

/**
 * AUTH/HELLO, CLIENT SETNAME, SELECT, READONLY and CLIENT TRACKING on a new socket, as the
 * options say; sets `target.protocol` to what the server agreed.
 */
export async function runHandshake(target: HandshakeTarget, sendNow: SendNow): Promise<void> {
  const opts = target.options;
  let username = opts.username;
  let password = opts.password;
  if (opts.credentialProvider) {
    const creds = await opts.credentialProvider.getCredentials();
    if (creds === null || typeof creds !== "object") throw new DataError("credentialProvider.getCredentials() must return an object { username?, password? }");
    for (const key of ["username", "password"] as const) {
      const value = creds[key];
      if (value !== undefined && value !== null && typeof value !== "string")
        throw new DataError(`credentialProvider.getCredentials(): '${key}' must be a string`);
    }
    username = creds.username ?? null;
    password = creds.password ?? null;
  }
  // As redis-py: a user name alone authenticates as that user with an empty password
  // (never a silent fall back to `default`).
  const authenticate = Boolean(password || username);
  if (authenticate) password ??= "";
  target.protocol = 2;
  let nameSet = false;
  if (opts.protocol === 3) {
    const hello: CommandArg[] = ["HELLO", "3"];
    if (authenticate) hello.push("AUTH", username || "default", password!);
    if (opts.clientName) hello.push("SETNAME", opts.clientName);
    try {
      await sendNow(hello);
      target.protocol = 3;
      nameSet = opts.clientName !== null;
    } catch (err) {
      // Servers before 6.0 have no HELLO: speak RESP2 and AUTH the old way.
      if (!(err instanceof ResponseError && (UNKNOWN_COMMAND.test(err.message) || err.code === "NOPROTO"))) throw err;
      if (authenticate) await auth(sendNow, username, password!);
    }
  } else if (authenticate) {
    await auth(sendNow, username, password!);
  }
  const setup: Promise<unknown>[] = [];
  if (opts.clientName && !nameSet) setup.push(sendNow(["CLIENT", "SETNAME", opts.clientName]));
  if (opts.db !== 0) setup.push(sendNow(["SELECT", opts.db]));
  if (opts.readOnly) setup.push(sendNow(["READONLY"]));
  if (setup.length > 0) await Promise.all(setup);
  if (target.tracking) await startTracking(target, sendNow, target.tracking);
}

/**
 * Client-side caching: turns tracking on. The cache was emptied when the previous socket
 * went (teardown); commands queued since then are written after this, so they are tracked.
 */
async function startTracking(target: HandshakeTarget, sendNow: SendNow, tracking: TrackingTarget): Promise<void> {
  if (target.protocol !== 3) {
    throw new DataError(
      `clientSideCache needs RESP3, but the server at ${target.description} answered HELLO 3 with an error (Redis before 6.0 speaks only RESP2): the cache cannot be used with it`,
    );
  }
  await sendNow(tracking.trackingCommand());
}

async function auth(sendNow: SendNow, username: string | null, password: string): Promise<void> {
  try {
    await sendNow(username ? ["AUTH", username, password] : ["AUTH", password]);
  } catch (err) {
    // A server before 6.0 knows only AUTH <password>.
    if (!(err instanceof AuthenticationWrongNumberOfArgsError) || !username) throw err;
    await sendNow(["AUTH", password]);
  }
}
