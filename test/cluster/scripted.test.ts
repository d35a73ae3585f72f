/**
 * Cluster client behaviour against scripted fake nodes: redirection loops, what is (and is
 * not) sent again after a connection loss, TRYAGAIN/CLUSTERDOWN retries, and errors that
 * name their cause. No redis-server needed.
 */
import type * as net from "node:net";
import { afterEach, describe, expect, test } from "vitest";
import { RedisCluster } from "../../src/cluster/index.js";
import { ClusterError, ConnectionError, MovedError, TryAgainError } from "../../src/errors.js";
import { NoBackoff, Retry } from "../../src/retry.js";
import { freePort, resp, startCommandServer, type FakeServer } from "../harness/index.js";

const servers: FakeServer[] = [];
const clients: RedisCluster<any>[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A fake node owning every slot (or the slots `slots()` says), answering the handshake itself. */
async function fakeNode(onCommand: (args: string[], socket: net.Socket) => void, slots?: () => Buffer): Promise<FakeServer> {
  let self: FakeServer;
  const server = await startCommandServer((args, socket) => {
    const name = args[0]!.toUpperCase();
    if (name === "HELLO") socket.write(resp.error("ERR unknown command 'HELLO'"));
    else if (name === "CLUSTER" && args[1]?.toUpperCase() === "SLOTS") {
      socket.write(
        slots?.() ??
          resp.array([resp.array([resp.int(0), resp.int(16383), resp.array([resp.bulk("127.0.0.1"), resp.int(self.port), resp.bulk("a".repeat(40))])])]),
      );
    } else if (name === "COMMAND") socket.write(resp.error("NOPERM this user has no permissions to run the 'command' command"));
    else onCommand(args, socket);
  });
  self = server;
  servers.push(server);
  return server;
}

function client(port: number, options: Record<string, unknown> = {}): RedisCluster<string> {
  const rc = new RedisCluster({ startupNodes: [{ host: "127.0.0.1", port }], decodeResponses: true, topologyRefreshInterval: 0, ...options });
  clients.push(rc);
  return rc as RedisCluster<string>;
}

describe("scripted cluster nodes", () => {
  test("a MOVED loop ends with ClusterError after maxRedirections", async () => {
    let bPort = 0;
    let hops = 0;
    const a = await fakeNode((args, socket) => {
      hops++;
      socket.write(resp.error(`MOVED 866 127.0.0.1:${bPort}`));
    });
    const b = await fakeNode((args, socket) => {
      hops++;
      socket.write(resp.error(`MOVED 866 127.0.0.1:${a.port}`));
    });
    bPort = b.port;
    const rc = client(a.port, { maxRedirections: 3 });
    await expect(rc.get("k")).rejects.toThrow(ClusterError);
    await expect(rc.get("k")).rejects.toThrow(/Too many cluster redirections \(more than maxRedirections 3\); the last was MOVED/);
    expect(hops).toBe(8);
  });

  test("ASK: ASKING and the command leave together to the importing node", async () => {
    let bPort = 0;
    const seenOnB: string[] = [];
    const a = await fakeNode((args, socket) => socket.write(resp.error(`ASK 866 127.0.0.1:${bPort}`)));
    const b = await fakeNode((args, socket) => {
      seenOnB.push(args.join(" "));
      socket.write(args[0] === "ASKING" ? resp.simple("OK") : resp.bulk("from-b"));
    });
    bPort = b.port;
    const rc = client(a.port);
    expect(await rc.get("k")).toBe("from-b");
    expect(seenOnB).toEqual(["ASKING", "GET k"]);
    // ASK does not change the slot map: the next command goes to the owner again.
    expect(rc.getNodeFromKey("k")?.port).toBe(a.port);
  });

  test("a write whose connection is lost after sending is not sent again; a read is", async () => {
    const received: string[] = [];
    let gets = 0;
    const a = await fakeNode((args, socket) => {
      received.push(args[0]!);
      if (args[0] === "SET") socket.destroy();
      else if (args[0] === "GET" && ++gets === 1) socket.destroy();
      else socket.write(resp.bulk("v"));
    });
    const rc = client(a.port, { retry: new Retry(new NoBackoff(), 3) });
    await expect(rc.set("k", "v")).rejects.toBeInstanceOf(ConnectionError);
    expect(received.filter((c) => c === "SET")).toHaveLength(1);
    expect(await rc.get("k")).toBe("v");
    expect(received.filter((c) => c === "GET")).toHaveLength(2);
  });

  test("a node that cannot be reached: nothing was sent, so the write is retried on the new owner", async () => {
    const deadPort = await freePort();
    let owner = deadPort;
    const b = await fakeNode(
      (args, socket) => socket.write(resp.simple("OK")),
      () => resp.array([resp.array([resp.int(0), resp.int(16383), resp.array([resp.bulk("127.0.0.1"), resp.int(owner), resp.bulk("b".repeat(40))])])]),
    );
    const rc = client(b.port, { retry: new Retry(new NoBackoff(), 5) });
    await rc.initialize();
    expect(rc.getNodeFromKey("k")?.port).toBe(deadPort);
    owner = b.port; // the "failover": the topology now names b
    expect(await rc.set("k", "v")).toBe(true);
    expect(rc.getNodeFromKey("k")?.port).toBe(b.port);
  });

  test("TRYAGAIN and CLUSTERDOWN are retried with backoff; giving up throws the last one", async () => {
    let calls = 0;
    const a = await fakeNode((args, socket) => {
      calls++;
      if (args[0] === "MGET")
        socket.write(calls <= 2 ? resp.error("TRYAGAIN Multiple keys request during rehashing of slot") : resp.array([resp.bulk("1"), resp.bulk("2")]));
      else if (args[0] === "INCRBY") socket.write(calls <= 5 ? resp.error("CLUSTERDOWN The cluster is down") : resp.int(1));
      else socket.write(resp.error("TRYAGAIN always"));
    });
    const rc = client(a.port, { retry: new Retry(new NoBackoff(), 3) });
    expect(await rc.mget(["{t}a", "{t}b"])).toEqual(["1", "2"]);
    expect(await rc.incr("{t}c")).toBe(1);
    await expect(rc.get("x")).rejects.toBeInstanceOf(TryAgainError);
  });

  test("no startup node reachable: ClusterError names each node's failure", async () => {
    const port = await freePort();
    const rc = client(port);
    await expect(rc.get("k")).rejects.toThrow(new RegExp(`cannot be reached.*127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
  });
  test("too many redirections has one shape everywhere: ClusterError, the last MOVED as its cause", async () => {
    let bPort = 0;
    let attempts = 0;
    const bounce = (to: () => number) => (args: string[], socket: net.Socket) => {
      const name = args[0]!.toUpperCase();
      if (name === "MULTI") socket.write(resp.simple("OK"));
      else if (["GET", "SET", "WATCH", "EXEC"].includes(name)) {
        if (name !== "EXEC") attempts++;
        socket.write(resp.error(`MOVED 866 127.0.0.1:${to()}`));
      } else socket.write(resp.simple("OK"));
    };
    const a = await fakeNode(bounce(() => bPort));
    const b = await fakeNode(bounce(() => a.port));
    bPort = b.port;
    const rc = client(a.port, { maxRedirections: 2 });
    // [what, call, attempts]: 1 + maxRedirections; a pipeline's command is first sent with the
    // others, then on its own through the same loop
    const calls: [string, () => Promise<unknown>, number][] = [
      ["command", () => rc.get("k"), 3],
      ["pipeline", () => rc.pipeline().get("k").execute(), 4],
      ["transaction", () => rc.pipeline({ transaction: true }).set("k", "v").execute(), 3],
      ["watch", () => rc.pipeline().watch("k"), 3],
    ];
    for (const [what, call, expected] of calls) {
      attempts = 0;
      const err = await call().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, what).toBeInstanceOf(ClusterError);
      expect((err as Error).message, what).toMatch(/Too many cluster redirections \(more than maxRedirections 2\); the last was MOVED 866/);
      expect((err as Error).cause, what).toBeInstanceOf(MovedError);
      expect(attempts, what).toBe(expected);
    }
  });
});
