/**
 * The scenarios of issues 7 and 16. Each has a label, the goal (aioredis / best peer, higher
 * is better, in both reply modes), what the orchestrator loads into Redis before it runs, and,
 * where redis-benchmark can do the same thing, the redis-benchmark command line that serves
 * as the ceiling.
 *
 * `scale` (from --quick / --scale) shrinks the counts for smoke runs; the full run uses 1.
 */

export const VALUE32 = "v".repeat(24) + "-32bytes"; // 32 bytes
export const PAYLOAD64 = "m".repeat(56) + "-64bytes"; // 64 bytes
export const KEY_STR = "bench:str32";
export const KEY_1MB = "bench:1mb";
export const KEY_LIST = "bench:list10k";
export const KEY_HASH = "bench:hash1k";
export const KEY_QUEUE = "bench:queue";
export const CHANNEL = "bench:chan";
export const GETSET_KEYS = 1000;
export const MGET_KEYS = 100;
export const KEY_BIG = "bench:big100k";
export const BIG_KEYS = 16;
export const VALUE100K = "b".repeat(100 * 1024 - 9) + "-100kbyte"; // 100 KB
/** Reply modes: strings (decodeResponses / the peers' defaults) and Buffers (aioredis' default). */
export const MODES = ["string", "buffer"];
export const MODE_LABELS = { string: "strings", buffer: "Buffers" };

const scaled = (n, scale, min) => Math.max(min, Math.round(n * scale));

/**
 * `kind` selects the driver in worker.mjs:
 * - closed: `concurrency` lanes, each issuing its next command when the previous one is answered;
 * - pipeline: one explicit pipeline of `size` SETs, repeated;
 * - inflight: `size` SETs issued at once (Promise.all), repeated;
 * - pubsub: `messages` PUBLISHes fired by a neutral raw connection, counted by the client's subscriber;
 * - blpop: `consumers` blocked in BLPOP; one producer of the same client RPUSHes for the run's duration.
 *
 * `cached` scenarios use each client's client-side cache (a second client made with it on); `peers`
 * limits the peers to those that have the feature.
 *
 * `optional` scenarios run only when named with --only. `cluster` scenarios run against a local
 * 3-primary cluster with each client's cluster client. `traced` compares aioredis with itself,
 * with and without a subscriber on its diagnostics channels (no peers).
 */
export function scenarios(scale = 1) {
  return [
    {
      id: "get-1",
      label: "GET, 1 in flight",
      goal: 1.2,
      kind: "closed",
      op: "get",
      concurrency: 1,
      unit: "ops",
      ceiling: [{ n: scaled(10_000, scale, 200), args: ["-c", "1", "-P", "1", "GET", KEY_STR] }],
    },
    {
      id: "getset-1000",
      label: "GET+SET, 1,000 in flight",
      goal: 1.2,
      kind: "closed",
      op: "getset",
      concurrency: 1000,
      unit: "ops",
      ceiling: [
        { n: scaled(400_000, scale, 2000), args: ["-c", "1", "-P", "1000", "GET", "bench:gs:1"] },
        { n: scaled(400_000, scale, 2000), args: ["-c", "1", "-P", "1000", "SET", "bench:gs:1", VALUE32] },
      ],
    },
    {
      id: "pipeline-100k",
      label: "pipeline of 100,000 SETs",
      goal: 2.5,
      ceilingGoal: 0.6,
      kind: "pipeline",
      latency: "per pipeline",
      size: scaled(100_000, scale, 100),
      unit: "commands",
      ceiling: [
        {
          n: scaled(200_000, scale, 200),
          args: ["-c", "1", "-P", String(scaled(100_000, scale, 100)), "SET", "bench:pipe:1", VALUE32],
        },
      ],
    },
    {
      id: "inflight-100k",
      label: "100,000 SETs in flight (Promise.all)",
      goal: null,
      extra: true,
      optional: true,
      kind: "inflight",
      latency: "per batch",
      size: scaled(100_000, scale, 100),
      unit: "commands",
      ceiling: null,
    },
    {
      id: "get-1mb",
      label: "GET of a 1 MB value, 1 in flight",
      goal: 1.2,
      kind: "closed",
      op: "get1mb",
      concurrency: 1,
      unit: "ops",
      ceiling: [{ n: scaled(400, scale, 20), args: ["-c", "1", "-P", "1", "GET", KEY_1MB] }],
    },
    {
      id: "lrange-10k",
      label: "LRANGE of 10,000 elements, 4 in flight",
      goal: 1.2,
      kind: "closed",
      op: "lrange",
      concurrency: 4,
      unit: "ops",
      ceiling: [{ n: scaled(200, scale, 20), args: ["-c", "1", "-P", "4", "LRANGE", KEY_LIST, "0", "-1"] }],
    },
    {
      id: "hgetall-1k",
      label: "HGETALL of 1,000 fields, 4 in flight",
      goal: 1.2,
      kind: "closed",
      op: "hgetall",
      concurrency: 4,
      unit: "ops",
      ceiling: [{ n: scaled(1_500, scale, 40), args: ["-c", "1", "-P", "4", "HGETALL", KEY_HASH] }],
    },
    {
      id: "mget-100",
      label: "MGET of 100 keys, 4 in flight",
      goal: 1.2,
      kind: "closed",
      op: "mget",
      concurrency: 4,
      unit: "ops",
      ceiling: [
        {
          n: scaled(20_000, scale, 100),
          args: ["-c", "1", "-P", "4", "MGET", ...Array.from({ length: MGET_KEYS }, (_, i) => `bench:gs:${i}`)],
        },
      ],
    },
    {
      id: "set-100kb",
      label: "SET of a 100 KB value, 4 in flight",
      goal: 1.2,
      kind: "closed",
      op: "setbig",
      concurrency: 4,
      unit: "ops",
      ceiling: [{ n: scaled(4_000, scale, 20), args: ["-c", "1", "-P", "4", "SET", `${KEY_BIG}:0`, VALUE100K] }],
    },
    {
      id: "pubsub-100k",
      label: "100,000 pub/sub messages, publisher in the same process",
      goal: 1.2,
      kind: "pubsub",
      publisher: "same",
      messages: scaled(100_000, scale, 200),
      unit: "messages",
      ceiling: null,
    },
    {
      id: "pubsub-100k-ext",
      label: "100,000 pub/sub messages, publisher in another process",
      goal: 1.2,
      kind: "pubsub",
      publisher: "process",
      messages: scaled(100_000, scale, 200),
      unit: "messages",
      ceiling: null,
    },
    {
      id: "blpop-50",
      label: "50 consumers in BLPOP, 1 producer",
      goal: 1.2,
      kind: "blpop",
      latency: "push to pop",
      consumers: 50,
      window: 50,
      unit: "items",
      ceiling: null,
    },
    {
      id: "cluster-getset-1000",
      label: "cluster: GET+SET, 1,000 in flight",
      goal: 1.2,
      cluster: true,
      kind: "closed",
      op: "getset",
      concurrency: 1000,
      unit: "ops",
      ceiling: null,
    },
    {
      id: "cluster-pipeline",
      label: "cluster: 10,000 SETs over all slots at once",
      goal: 1.2,
      cluster: true,
      kind: "pipeline",
      latency: "per batch",
      size: scaled(10_000, scale, 100),
      unit: "commands",
      ceiling: null,
    },
    {
      id: "get-cached-1000",
      label: "GET of 1,000 hot keys, client-side cache on",
      // aioredis and node-redis, each with its client-side cache (RESP3 tracking): the other
      // peers have none. Nearly every GET is a hit, so this measures the cache's own path.
      goal: 1.2,
      cached: true,
      peers: ["node-redis"],
      kind: "closed",
      op: "getcached",
      concurrency: 100,
      unit: "ops",
      ceiling: null,
    },
    {
      id: "get-1-traced",
      label: "GET, 1 in flight, with a tracing subscriber",
      // traced / untraced aioredis in the same rounds: hooks may cost at most 3%.
      goal: 0.97,
      traced: true,
      // No forced full collection before each run: after one, the subscribed process spent
      // 12-19% more CPU per GET than the other (the tracing code warming up again every 400 ms),
      // against -1% to +8% without it, and 5.6% in bench/ab-cpu.mjs's processes, which never
      // force one. An application with a tracer does not collect every 400 ms (bench/README.md).
      noForcedGc: true,
      kind: "closed",
      op: "get",
      concurrency: 1,
      unit: "ops",
      ceiling: null,
    },
  ];
}

/** Redis commands that load the data the scenarios read (run once by the orchestrator). */
export function setupCommands() {
  const cmds = [
    ["SET", KEY_STR, VALUE32],
    ["SET", KEY_1MB, "x".repeat(1024 * 1024)],
  ];
  for (let i = 0; i < GETSET_KEYS; i++) cmds.push(["SET", `bench:gs:${i}`, VALUE32]);
  cmds.push(["DEL", KEY_LIST, KEY_HASH, KEY_QUEUE]);
  for (let i = 0; i < 10_000; i += 1000) {
    const items = [];
    for (let j = i; j < i + 1000; j++) items.push(`item:${String(j).padStart(5, "0")}`);
    cmds.push(["RPUSH", KEY_LIST, ...items]);
  }
  const fields = [];
  for (let i = 0; i < 1000; i++) fields.push(`field:${String(i).padStart(4, "0")}`, `value:${String(i).padStart(4, "0")}`);
  cmds.push(["HSET", KEY_HASH, ...fields]);
  for (let i = 0; i < BIG_KEYS; i++) cmds.push(["DEL", `${KEY_BIG}:${i}`]);
  return cmds;
}

/** Commands that remove what the benchmark wrote (when it runs against REDIS_URL). */
export function cleanupPatterns() {
  return ["bench:*"];
}
