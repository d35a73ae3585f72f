/**
 * The router's one redirection loop, `withRedirects`, on its own: what each cluster error
 * makes it do (follow, wait, retry, give up) and the shape of what it throws. The topology
 * is a small stand-in, so every decision is visible; no server is needed.
 */
import { describe, expect, test, vi } from "vitest";
import { CommandsParser } from "../../src/cluster/commands-parser.js";
import { mayHaveRun } from "../../src/cluster/plan.js";
import { ClusterRouter, type Hop, type RedirectRoute } from "../../src/cluster/router.js";
import { ClusterNode, type NodesManager } from "../../src/cluster/topology.js";
import {
  AskError,
  AuthenticationError,
  BusyLoadingError,
  ClusterDownError,
  ClusterError,
  ConnectionError,
  MovedError,
  TryAgainError,
} from "../../src/errors.js";
import { NoBackoff, Retry } from "../../src/retry.js";

const a = new ClusterNode("10.0.0.1", 7000);
const b = new ClusterNode("10.0.0.2", 7000);

function setup(options: { retries?: number; maxRedirections?: number } = {}) {
  const slotsCache: ClusterNode[][] = [];
  slotsCache[866] = [a];
  const nodes = {
    slotsCache,
    defaultNode: a,
    moveSlot: vi.fn((slot: number, host: string, port: number) => {
      const owner = host === b.host && port === b.port ? b : a;
      slotsCache[slot] = [owner];
      return owner;
    }),
    requestRefresh: vi.fn(),
    getOrCreateNode: vi.fn((host: string) => (host === b.host ? b : a)),
    nodeFailed: vi.fn(),
    refresh: vi.fn(async () => {}),
  };
  const router = new ClusterRouter({
    nodesManager: nodes as unknown as NodesManager,
    commandsParser: new CommandsParser(),
    maxRedirections: options.maxRedirections ?? 5,
    retry: new Retry(new NoBackoff(), options.retries ?? 3),
    loadBalancingStrategy: null,
    encoding: "utf8",
    decodeResponses: false,
    ready: async () => {},
    isClosed: () => false,
  });
  const hops: { node: string; asking: boolean }[] = [];
  /** Runs `withRedirects` with `script[i]` as the outcome of attempt i (an error is thrown, anything else returned). */
  const run = (route: Partial<RedirectRoute>, script: unknown[], sendFirst = true) =>
    router.withRedirects({ target: { slot: 866 }, readonly: false, ...route }, async (hop: Hop) => {
      hops.push({ node: hop.node.name, asking: hop.asking });
      if (sendFirst) hop.sent = true;
      const outcome = script[Math.min(hops.length - 1, script.length - 1)];
      if (outcome instanceof Error) throw outcome;
      return outcome;
    });
  return { router, nodes, hops, run };
}

const moved = () => new MovedError(`MOVED 866 ${b.host}:${b.port}`, "MOVED");
const ask = () => new AskError(`ASK 866 ${b.host}:${b.port}`, "ASK");

describe("withRedirects", () => {
  test("MOVED: the slot map is patched, a refresh requested, and the command goes to the new owner", async () => {
    const { nodes, hops, run } = setup();
    expect(await run({}, [moved(), "ok"])).toBe("ok");
    expect(hops.map((h) => h.node)).toEqual([a.name, b.name]);
    expect(nodes.moveSlot).toHaveBeenCalledWith(866, b.host, b.port);
    expect(nodes.requestRefresh).toHaveBeenCalledWith(b);
  });

  test("ASK is followed once with ASKING, without touching the slot map; with ask: 'wait' it is waited out on the owner", async () => {
    const followed = setup();
    expect(await followed.run({}, [ask(), "ok"])).toBe("ok");
    expect(followed.hops).toEqual([
      { node: a.name, asking: false },
      { node: b.name, asking: true },
    ]);
    expect(followed.nodes.moveSlot).not.toHaveBeenCalled();

    const waited = setup();
    expect(await waited.run({ ask: "wait" }, [ask(), ask(), "ok"])).toBe("ok");
    expect(waited.hops).toEqual([
      { node: a.name, asking: false },
      { node: a.name, asking: false },
      { node: a.name, asking: false },
    ]);
  });

  test("too many redirections: a ClusterError whose cause is the last redirection, after 1 + maxRedirections attempts", async () => {
    for (const redirect of [moved, ask]) {
      const { hops, run } = setup({ maxRedirections: 2 });
      const err = await run({}, [redirect()]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ClusterError);
      expect((err as Error).message).toMatch(/^Too many cluster redirections \(more than maxRedirections 2\); the last was (MOVED|ASK) 866/);
      expect((err as Error).cause).toBeInstanceOf(redirect === moved ? MovedError : AskError);
      expect(hops).toHaveLength(3);
    }
  });

  test("TRYAGAIN and LOADING are retried up to the retry budget, then the last one is thrown as it is", async () => {
    for (const error of [new TryAgainError("TRYAGAIN x"), new BusyLoadingError("LOADING x")]) {
      const { hops, run } = setup({ retries: 2 });
      await expect(run({}, [error])).rejects.toBe(error);
      expect(hops).toHaveLength(3);
    }
  });

  test("CLUSTERDOWN: a refresh is requested before each retry", async () => {
    const { nodes, hops, run } = setup({ retries: 2 });
    expect(await run({}, [new ClusterDownError("CLUSTERDOWN x"), "ok"])).toBe("ok");
    expect(hops).toHaveLength(2);
    expect(nodes.requestRefresh).toHaveBeenCalledTimes(1);
  });

  test("a slot nobody owns is CLUSTERDOWN: retried, then thrown", async () => {
    const { nodes, run } = setup({ retries: 1 });
    nodes.slotsCache[866] = [];
    const err = await run({}, ["never"]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterDownError);
    expect((err as Error).message).toMatch(/Slot 866 is not covered/);
  });

  test("a node failure after the command was written: a write is not sent again (and may have run), a read is", async () => {
    const write = setup();
    const lost = new ConnectionError("lost");
    await expect(write.run({ readonly: false }, [lost, "again"])).rejects.toBe(lost);
    expect(write.hops).toHaveLength(1);
    expect(mayHaveRun(lost)).toBe(true);
    expect(write.nodes.nodeFailed).toHaveBeenCalledWith(a);

    const read = setup();
    expect(await read.run({ readonly: true }, [new ConnectionError("lost"), "again"])).toBe("again");
    expect(read.hops).toHaveLength(2);
    expect(read.nodes.refresh).toHaveBeenCalled();
  });

  test("a node failure before anything was written is retried even for a write", async () => {
    const { hops, run } = setup();
    expect(await run({ readonly: false }, [new ConnectionError("refused"), "ok"], false)).toBe("ok");
    expect(hops).toHaveLength(2);
  });

  test("authentication failures, other errors, and explicit routes are thrown at once", async () => {
    for (const [route, error] of [
      [{}, new AuthenticationError("WRONGPASS")],
      [{}, new Error("WRONGTYPE")],
      [{ explicit: true }, moved()],
      [{ explicit: true }, new ConnectionError("lost")],
    ] as [Partial<RedirectRoute>, Error][]) {
      const { hops, run } = setup();
      await expect(run(route, [error, "never"])).rejects.toBe(error);
      expect(hops).toHaveLength(1);
    }
  });
});
