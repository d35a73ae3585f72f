import { describe, expect, test } from "vitest";
import * as api from "../src/index.js";
import { errorFromReply } from "../src/errors.js";

describe("the error hierarchy of API.md section 6", () => {
  test.each([
    ["ConnectionError", "RedisError"],
    ["TimeoutError", "RedisError"],
    ["AuthenticationError", "ConnectionError"],
    ["AuthorizationError", "ConnectionError"],
    ["BusyLoadingError", "ConnectionError"],
    ["MaxConnectionsError", "ConnectionError"],
    ["MasterNotFoundError", "ConnectionError"],
    ["SlaveNotFoundError", "ConnectionError"],
    ["ResponseError", "RedisError"],
    ["NoScriptError", "ResponseError"],
    ["ExecAbortError", "ResponseError"],
    ["ReadOnlyError", "ResponseError"],
    ["NoPermissionError", "ResponseError"],
    ["AskError", "ResponseError"],
    ["MovedError", "AskError"],
    ["TryAgainError", "ResponseError"],
    ["ClusterDownError", "ResponseError"],
    ["ClusterError", "RedisError"],
    ["DataError", "RedisError"],
    ["PubSubError", "RedisError"],
    ["WatchError", "RedisError"],
    ["LockError", "RedisError"],
    ["LockNotOwnedError", "LockError"],
    ["ProtocolError", "RedisError"],
  ])("%s extends %s and Error, with its own name", (name, parent) => {
    const ctor = (api as unknown as Record<string, new (m: string) => Error>)[name]!;
    const parentCtor = (api as unknown as Record<string, new (m: string) => Error>)[parent]!;
    const err = new ctor("MOVED 1 127.0.0.1:7000");
    expect(err).toBeInstanceOf(parentCtor);
    expect(err).toBeInstanceOf(api.RedisError);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe(name);
  });

  test.each([
    ["WRONGPASS invalid username-password pair or user is disabled.", api.AuthenticationError],
    ["NOAUTH Authentication required.", api.AuthenticationError],
    ["ERR invalid password", api.AuthenticationError],
    ["LOADING Redis is loading the dataset in memory", api.BusyLoadingError],
    ["NOSCRIPT No matching script.", api.NoScriptError],
    ["EXECABORT Transaction discarded because of previous errors.", api.ExecAbortError],
    ["READONLY You can't write against a read only replica.", api.ReadOnlyError],
    ["NOPERM this user has no permissions to run the 'set' command", api.NoPermissionError],
    ["OOM command not allowed when used memory > 'maxmemory'.", api.OutOfMemoryError],
    ["TRYAGAIN Multiple keys request during rehashing of slot", api.TryAgainError],
    ["CLUSTERDOWN The cluster is down", api.ClusterDownError],
    ["CROSSSLOT Keys in request don't hash to the same slot", api.ClusterCrossSlotError],
    ["ERR max number of clients reached", api.ConnectionError],
    ["WRONGTYPE Operation against a key holding the wrong kind of value", api.ResponseError],
  ])("%s -> %o", (message, cls) => {
    const err = errorFromReply(message);
    expect(err).toBeInstanceOf(cls);
    expect(err.message).toBe(message);
  });

  test("MOVED and ASK carry the slot and the node", () => {
    const moved = errorFromReply("MOVED 3999 127.0.0.1:6381") as api.MovedError;
    expect(moved).toBeInstanceOf(api.MovedError);
    expect([moved.slotId, moved.host, moved.port]).toEqual([3999, "127.0.0.1", 6381]);
    const ask = errorFromReply("ASK 12 [::1]:7001") as api.AskError;
    expect(ask).toBeInstanceOf(api.AskError);
    expect(ask).not.toBeInstanceOf(api.MovedError);
    expect([ask.slotId, ask.host, ask.port]).toEqual([12, "::1", 7001]);
  });

  test("a password quoted back by ACL SETUSER is redacted", () => {
    const err = errorFromReply("ERR Error in ACL SETUSER modifier '<hunter2': Syntax error");
    expect(err.message).toBe("ERR Error in ACL SETUSER modifier '<redacted>': Syntax error");
    expect(errorFromReply("ERR Error in ACL SETUSER modifier '>s3cret': x").message).not.toContain("s3cret");
  });

  test("ResponseError.code is the server's prefix", () => {
    expect((errorFromReply("WRONGTYPE Operation against a key") as api.ResponseError).code).toBe("WRONGTYPE");
  });
});
