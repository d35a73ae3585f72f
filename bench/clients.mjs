/**
 * One adapter per client under test, all with the same small surface, so that a scenario
 * is written once and runs the same way against every client. Each adapter uses its
 * client the way that client's documentation says to (its defaults, its pipeline API, its
 * pub/sub API); the only setting changed is the reply type, which every adapter takes as
 * `mode`:
 *
 * - "string": every client returns strings (aioredis with `decodeResponses: true`; the others
 *   by default);
 * - "buffer": every client returns Buffers (aioredis by default, `decodeResponses: false`;
 *   ioredis through its `*Buffer` methods and `messageBuffer` event; node-redis through
 *   `withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer })` and `subscribe(..., true)`).
 *
 * Values written (SET of 100 KB) are strings in string mode and Buffers in Buffer mode.
 * `cluster(nodes)` returns the same surface (get/set/pipelineSet/close) over the client's
 * cluster client.
 */
import { pathToFileURL } from "node:url";
import { nodeFloor } from "./floor.mjs";

/**
 * The clients every run measures. The last is not a client and never the best peer: the
 * least a client on Node's `net` must do (bench/floor.mjs), measured in the same rounds.
 */
export const CLIENTS = ["aioredis", "ioredis", "ioredis-auto", "node-redis", "node-floor"];
/** Measured only when named with --clients. */
export const OPTIONAL_CLIENTS = ["node-redis-default"];
/** The floor's name in `CLIENTS`. */
export const FLOOR = "node-floor";

export const CLIENT_LABELS = {
  aioredis: "aioredis",
  ioredis: "ioredis",
  "ioredis-auto": "ioredis (autopipelining)",
  "node-redis": "node-redis",
  "node-redis-default": "node-redis (5 s timeout)",
  "node-floor": "node floor (not a client)",
};

/** Thrown when the aioredis side of a scenario uses an API that does not exist yet. */
export class PendingApiError extends Error {
  constructor(api, message = `pending: API not available (${api})`) {
    super(message);
    this.name = "PendingApiError";
    this.api = api;
  }
}

/** True when `err` says the aioredis API a scenario needs is missing. */
export function isMissingApi(err) {
  return err instanceof PendingApiError;
}

function pairsToObject(reply) {
  if (reply instanceof Map) return Object.fromEntries(reply);
  if (Array.isArray(reply)) {
    const out = {};
    for (let i = 0; i < reply.length; i += 2) out[reply[i]] = reply[i + 1];
    return out;
  }
  return reply;
}

/** Issues `n` SETs at once and waits for all (implicit pipelining; cluster peers, see README). */
function setAll(set, keys, value) {
  const ps = new Array(keys.length);
  for (let i = 0; i < keys.length; i++) ps[i] = set(keys[i], value);
  return Promise.all(ps);
}

/**
 * aioredis, from the compiled package. Command methods are used when they exist; commands
 * that have no method yet go through `executeCommand` (recorded in `notes`).
 */
async function aioredis({ host, port, entry, mode }) {
  const mod = await import(pathToFileURL(entry).href);
  const decodeResponses = mode === "string";
  const r = new mod.Redis({ host, port, decodeResponses });
  await r.ping();
  const notes = [];
  const has = (name) => typeof r[name] === "function";
  const via = (name) => {
    if (!has(name)) notes.push(`${name} via executeCommand`);
  };

  via("lrange");
  const lrange = has("lrange") ? (k) => r.lrange(k, 0, -1) : (k) => r.executeCommand("LRANGE", k, 0, -1);
  via("hgetall");
  const hgetall = has("hgetall") ? (k) => r.hgetall(k) : (k) => r.executeCommand("HGETALL", k).then(pairsToObject);
  via("mget");
  const mget = has("mget") ? (keys) => r.mget(keys) : (keys) => r.executeCommand("MGET", ...keys);
  via("rpush");
  const rpush = has("rpush") ? (k, ...v) => r.rpush(k, ...v) : (k, ...v) => r.executeCommand("RPUSH", k, ...v);
  via("blpop");
  const blpop = has("blpop")
    ? (k, t) => r.blpop([k], t).then((x) => (x == null ? null : Array.isArray(x) ? x[1] : x))
    : (k, t) => r.executeCommand("BLPOP", k, t).then((x) => (x == null ? null : x[1]));

  return {
    notes,
    module: mod,
    /** A second client with the client-side cache on (RESP3 tracking), for the cached scenario. */
    async cached() {
      const rc = new mod.Redis({ host, port, decodeResponses, clientSideCache: { maxEntries: 10_000 } });
      await rc.ping();
      return {
        get: (k) => rc.get(k),
        stats: () => rc.cacheStats(),
        close: () => rc.close(),
      };
    },
    get: (k) => r.get(k),
    set: (k, v) => r.set(k, v),
    mget,
    lrange,
    hgetall,
    rpush,
    pipelineSet(keys, value) {
      if (!has("pipeline")) throw new PendingApiError("redis.pipeline()");
      const p = r.pipeline({ transaction: false });
      if (typeof p?.set !== "function" || typeof p.execute !== "function") throw new PendingApiError("Pipeline.set/execute");
      for (let i = 0; i < keys.length; i++) p.set(keys[i], value);
      return p.execute();
    },
    async subscribe(channel, onMessage) {
      if (!has("pubsub")) throw new PendingApiError("redis.pubsub()");
      const p = r.pubsub({ ignoreSubscribeMessages: true });
      if (typeof p?.subscribe !== "function" || typeof p.listen !== "function") throw new PendingApiError("PubSub.subscribe/listen");
      await p.subscribe(channel);
      const loop = (async () => {
        for await (const m of p.listen()) {
          if (m && m.type === "message") onMessage(m.data);
        }
      })();
      loop.catch(() => {});
      return async () => {
        await p.unsubscribe();
        await p.close();
        await Promise.race([loop.catch(() => {}), new Promise((res) => setTimeout(res, 1000))]);
      };
    },
    /** Blocking commands: aioredis lends each one a pooled connection of its own. */
    async blockingConsumers(n) {
      return { pops: Array.from({ length: n }, () => blpop), close: async () => {} };
    },
    async cluster(nodes) {
      if (typeof mod.RedisCluster !== "function") throw new PendingApiError("RedisCluster");
      const rc = new mod.RedisCluster({ startupNodes: nodes, decodeResponses });
      if (typeof rc.initialize === "function") await rc.initialize();
      return {
        get: (k) => rc.get(k),
        set: (k, v) => rc.set(k, v),
        /** One pipeline over every slot: aioredis writes one batch per node. */
        pipelineSet(keys, value) {
          const p = rc.pipeline();
          for (let i = 0; i < keys.length; i++) p.set(keys[i], value);
          return p.execute();
        },
        close: () => rc.close(),
      };
    },
    close: () => r.close(),
  };
}

async function ioredis({ host, port, mode }, autoPipelining) {
  const { Redis, Cluster } = await import("ioredis");
  const buffers = mode === "buffer";
  const options = { host, port, lazyConnect: true, enableAutoPipelining: autoPipelining };
  const r = new Redis(options);
  r.on("error", () => {});
  await r.connect();
  const extra = [];
  const dup = async () => {
    const c = r.duplicate();
    c.on("error", () => {});
    if (c.status === "wait") await c.connect();
    else await new Promise((res) => (c.status === "ready" ? res() : c.once("ready", res)));
    extra.push(c);
    return c;
  };
  return {
    notes: [],
    get: buffers ? (k) => r.getBuffer(k) : (k) => r.get(k),
    set: (k, v) => r.set(k, v),
    mget: buffers ? (keys) => r.mgetBuffer(keys) : (keys) => r.mget(keys),
    lrange: buffers ? (k) => r.lrangeBuffer(k, 0, -1) : (k) => r.lrange(k, 0, -1),
    hgetall: buffers ? (k) => r.hgetallBuffer(k) : (k) => r.hgetall(k),
    rpush: (k, ...v) => r.rpush(k, ...v),
    pipelineSet(keys, value) {
      const p = r.pipeline();
      for (let i = 0; i < keys.length; i++) p.set(keys[i], value);
      return p.exec();
    },
    async subscribe(channel, onMessage) {
      const sub = await dup();
      if (buffers) sub.on("messageBuffer", (_channel, message) => onMessage(message));
      else sub.on("message", (_channel, message) => onMessage(message));
      await sub.subscribe(channel);
      return async () => {
        await sub.unsubscribe();
        sub.disconnect();
      };
    },
    /** A blocked command holds its connection: one connection per consumer. */
    async blockingConsumers(n) {
      const conns = await Promise.all(Array.from({ length: n }, dup));
      return {
        pops: conns.map((c) =>
          buffers ? (k, t) => c.blpopBuffer(k, t).then((x) => (x == null ? null : x[1])) : (k, t) => c.blpop(k, t).then((x) => (x == null ? null : x[1])),
        ),
        close: async () => {
          for (const c of conns) c.disconnect();
        },
      };
    },
    async cluster(nodes) {
      const rc = new Cluster(nodes, { lazyConnect: true, enableAutoPipelining: autoPipelining });
      rc.on("error", () => {});
      await rc.connect();
      return {
        get: buffers ? (k) => rc.getBuffer(k) : (k) => rc.get(k),
        set: (k, v) => rc.set(k, v),
        // ioredis' Cluster#pipeline() refuses keys of several slots: all SETs at once instead
        // (batched per node by autopipelining in "ioredis-auto").
        pipelineSet: (keys, value) => setAll((k, v) => rc.set(k, v), keys, value),
        close: async () => {
          await rc.quit();
        },
      };
    },
    async close() {
      for (const c of extra) c.disconnect();
      await r.quit();
    },
  };
}

async function nodeRedis({ host, port, mode }, defaultTimeout) {
  const { createClient, createCluster, RESP_TYPES } = await import("redis");
  const buffers = mode === "buffer";
  const typeMapping = { [RESP_TYPES.BLOB_STRING]: Buffer };
  // node-redis 6 gives every command a 5 s timeout (an AbortSignal.timeout per command) that
  // runs until the command is written. With 100,000 commands queued, the last ones wait longer
  // than that and fail, and it costs node-redis about 3x with 1,000 in flight, so it is turned
  // off: node-redis is measured at its fastest. "node-redis-default" keeps it.
  const commandOptions = defaultTimeout ? undefined : { timeout: 0 };
  const base = createClient({ socket: { host, port }, ...(commandOptions ? { commandOptions } : {}) });
  base.on("error", () => {});
  await base.connect();
  const typed = (client) => (buffers ? client.withTypeMapping(typeMapping) : client);
  const c = typed(base);
  const dup = async () => {
    const d = base.duplicate();
    d.on("error", () => {});
    await d.connect();
    return d;
  };
  return {
    notes: [],
    /**
     * A second client with node-redis' client-side cache (RESP 3). In Buffer mode the type
     * mapping is the client's default: node-redis caches only calls made with the default mapping.
     */
    async cached() {
      const options = { ...(commandOptions ?? {}), ...(buffers ? { typeMapping } : {}) };
      const cc = createClient({ socket: { host, port }, RESP: 3, clientSideCache: { maxEntries: 10_000 }, commandOptions: options });
      cc.on("error", () => {});
      await cc.connect();
      return {
        get: (k) => cc.get(k),
        stats: () => {
          const s = cc.clientSideCache.stats();
          return { hits: s.hitCount, misses: s.missCount };
        },
        close: () => cc.close(),
      };
    },
    get: (k) => c.get(k),
    set: (k, v) => c.set(k, v),
    mget: (keys) => c.mGet(keys),
    lrange: (k) => c.lRange(k, 0, -1),
    hgetall: (k) => c.hGetAll(k),
    rpush: (k, ...v) => c.rPush(k, v),
    pipelineSet(keys, value) {
      const m = c.multi();
      for (let i = 0; i < keys.length; i++) m.set(keys[i], value);
      return m.execAsPipeline();
    },
    async subscribe(channel, onMessage) {
      const sub = await dup();
      await sub.subscribe(channel, (message) => onMessage(message), buffers);
      return async () => {
        await sub.unsubscribe();
        sub.destroy();
      };
    },
    async blockingConsumers(n) {
      const conns = await Promise.all(Array.from({ length: n }, dup));
      return {
        pops: conns.map((d) => {
          const t = typed(d);
          return (k, to) => t.blPop(k, to).then((x) => (x == null ? null : x.element));
        }),
        close: async () => {
          for (const d of conns) d.destroy();
        },
      };
    },
    async cluster(nodes) {
      const rc = createCluster({
        rootNodes: nodes.map((n) => ({ socket: { host: n.host, port: n.port } })),
        ...(commandOptions ? { commandOptions } : {}),
      });
      rc.on("error", () => {});
      await rc.connect();
      const t = buffers ? rc.withTypeMapping(typeMapping) : rc;
      return {
        get: (k) => t.get(k),
        set: (k, v) => t.set(k, v),
        // Cluster multi() / execAsPipeline() goes to one node: all SETs at once instead (node-redis
        // writes the commands of one tick together, per node).
        pipelineSet: (keys, value) => setAll((k, v) => t.set(k, v), keys, value),
        close: async () => {
          await rc.close();
        },
      };
    },
    async close() {
      await base.close();
    },
  };
}

/** Connects the named client (in reply mode `opts.mode`, default "string") and returns its adapter. */
export function createAdapter(name, opts) {
  opts = { mode: "string", ...opts };
  switch (name) {
    case "aioredis":
      return aioredis(opts);
    case "ioredis":
      return ioredis(opts, false);
    case "ioredis-auto":
      return ioredis(opts, true);
    case "node-redis":
      return nodeRedis(opts, false);
    case "node-redis-default":
      return nodeRedis(opts, true);
    case "node-floor":
      return nodeFloor(opts);
    default:
      throw new Error(`unknown client ${name}`);
  }
}
