/** v1's connection commands (on `Redis` itself in aioredis 1.x): AUTH, ECHO, PING, QUIT, SELECT, SWAPDB. */
import { encodingOf, signatures } from "../calling.js";
import { NOTSET, type Arg, type Dec, type EncodingOption, type RedisString } from "../util.js";
import { RedisBase } from "./base.js";

/** The v1 signatures of the connection commands (see calling.ts). */
export const connectionSignatures = signatures({
  auth: "password",
  echo: "message, *, encoding?",
  ping: "message?, *, encoding?",
  quit: "",
  select: "db",
  swapdb: "fromIndex, toIndex",
});

export class ConnectionCommands<T extends RedisString = Buffer> extends RedisBase<T> {
  /** AUTH on the connection (every free connection, for a pool); resolves with true. */
  auth(password: string): Promise<boolean> {
    const a = connectionSignatures.bind("auth", arguments);
    return this._poolOrConn.auth(a.password);
  }

  echo<O extends EncodingOption = {}>(message: Arg, options?: O): Promise<Dec<T, O>> {
    const a = connectionSignatures.bind("echo", arguments);
    return this._exec("ECHO", [a.message], encodingOf(a));
  }

  /** PING: the raw `PONG` (a Buffer, or a string with an encoding), or the echoed message. */
  ping<O extends EncodingOption = {}>(message?: Arg | O, options?: O): Promise<Dec<T, O>> {
    const a = connectionSignatures.bind("ping", arguments);
    return this._exec("PING", a.message === undefined ? [] : [a.message], encodingOf(a));
  }

  /** QUIT: the server closes the connection. */
  quit(): Promise<T> {
    connectionSignatures.bind("quit", arguments);
    return this._exec("QUIT", [], NOTSET);
  }

  /** SELECT `db` (on a pool: every free connection, and the pool's db for new ones); resolves with true. */
  select(db: number): Promise<boolean> {
    const a = connectionSignatures.bind("select", arguments);
    return this._poolOrConn.select(a.db);
  }

  swapdb(fromIndex: number, toIndex: number): Promise<boolean> {
    const a = connectionSignatures.bind("swapdb", arguments);
    if (Math.trunc(Number(a.fromIndex)) < 0 || Math.trunc(Number(a.toIndex)) < 0) {
      throw new RangeError("from_index and to_index must be greater than 0");
    }
    return this._exec("SWAPDB", [a.fromIndex, a.toIndex], NOTSET, (reply: unknown) => reply === "OK" || (Buffer.isBuffer(reply) && reply.toString() === "OK"));
  }
}
