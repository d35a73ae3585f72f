/**
 * Channels kept in class fields and handed across modules (codemods/v2/pubsub-field.ts), on
 * small in-memory projects: what converts, and what keeps the whole group on compat with a
 * marker naming why. The converted case runs against a server in test/codemod/wp/channel-method.
 */
import { describe, expect, it } from "vitest";
import { Project } from "../../codemods/project/project.js";
import { summarizeSource } from "../../codemods/transform.js";

const SUBSCRIBER = `import * as aioredis from "aioredis/compat";

export class Subscriber {
  client: aioredis.Redis | null = null;
  subscription: aioredis.Channel[] | null = null;
  topic: string | null = null;

  async connect(address: string): Promise<this> {
    this.client = await aioredis.createRedis(address);
    return this;
  }

  redis(): aioredis.Redis {
    return this.client!;
  }

  async follow(topic: string): Promise<void> {
    this.topic = topic;
    this.subscription = await this.client!.subscribe(topic);
  }

  channel(): aioredis.Channel {
    return this.client!.channels[this.topic!] as aioredis.Channel;
  }
}
`;

const READER = `import { Subscriber } from "./subscriber.js";

export async function readNews(address: string, topic: string): Promise<string[]> {
  const sub = await new Subscriber().connect(address);
  await sub.follow(topic);
  const ch = sub.channel();
  const got: string[] = [];
  while (await ch.waitMessage()) {
    const msg = await ch.get({ encoding: "utf-8" });
    got.push(String(msg));
  }
  const redis = sub.redis();
  redis.close();
  await redis.waitClosed();
  return got;
}
`;

function run(files: Record<string, string>) {
  const state = new Project(
    "/p",
    Object.entries(files).map(([name, source]) => ({ file: `/p/${name}`, source })),
    { mode: "v2" },
  ).run();
  const out = new Map(state.files.map((f) => [f.file.slice(3), f.result?.output ?? ""]));
  return { out, groups: state.groups };
}

describe("channels kept in class fields, across modules", () => {
  it("knows `await new C().init()` as an instance of C only when init returns this", () => {
    const m = summarizeSource(
      "export class C {\n  async init(): Promise<this> { if (Math.random()) return this; return this; }\n  other() { return new C(); }\n  none() {}\n}\nexport const a = await new C().init();\nexport const b = new C().other();\n",
      "/p/c.ts",
    );
    expect(m.selfMethods).toEqual(["C.init"]);
    expect(m.instances).toEqual([
      { local: "a", cls: "C", via: "init" },
      { local: "b", cls: "C", via: "other" },
    ]);
  });

  it("converts the field, the lookup, the reader in another module and the close through the same instance", () => {
    const { out, groups } = run({ "subscriber.ts": SUBSCRIBER, "reader.ts": READER });
    expect(groups.filter((g) => g.held)).toEqual([]);
    expect(out.get("subscriber.ts")).toContain("subscription: aioredis.PubSub | null = null;");
    expect(out.get("subscriber.ts")).toContain("this.subscription = this.client!.pubsub();\n    await this.subscription.subscribe(topic);");
    expect(out.get("subscriber.ts")).toContain(
      '(this.subscription?.channels.some((name) => Buffer.from(name).toString("latin1") === String(this.topic!)) ? this.subscription : undefined) as aioredis.PubSub',
    );
    expect(out.get("reader.ts")).toContain("for await (const message of ch.listen())");
    expect(out.get("reader.ts")).toContain("await sub.subscription?.close();\n  await redis.close();");
  });

  it("sends unsubscribe() of the client read from the instance to the instance's PubSub field, also with a literal name", () => {
    const reader = READER.replace("    got.push(String(msg));\n", '    got.push(String(msg));\n    if (msg === "stop") await redis.unsubscribe("news");\n')
      .replace("  const ch = sub.channel();\n", "  const ch = sub.channel();\n  const redis = sub.redis();\n")
      .replace("  const redis = sub.redis();\n  redis.close();", "  redis.close();");
    const { out, groups } = run({ "subscriber.ts": SUBSCRIBER, "reader.ts": reader });
    expect(groups.filter((g) => g.held)).toEqual([]);
    expect(out.get("reader.ts")).toContain('if (msg === "stop") await sub.subscription?.unsubscribe("news");');
  });

  it("keeps the group on compat when the client is closed where the instance's PubSub is out of reach", () => {
    const reader = READER.replace("  const redis = sub.redis();\n  redis.close();\n  await redis.waitClosed();\n", "  await shut(sub.redis());\n").concat(
      "\nasync function shut(redis: Awaited<ReturnType<Subscriber['redis']>>): Promise<void> {\n  redis.close();\n  await redis.waitClosed();\n}\n",
    );
    const { out, groups } = run({ "subscriber.ts": SUBSCRIBER, "reader.ts": reader });
    const held = groups.filter((g) => g.held);
    expect(held).toHaveLength(1);
    expect(held[0]!.ids).toContain("subscriber.ts#Subscriber.channel()");
    expect(out.get("reader.ts")).toContain("is closed where the PubSub made for its subscriptions (<pubsub 1>) is out of reach");
    expect(out.get("subscriber.ts")).toContain('from "aioredis/compat"');
    expect(out.get("subscriber.ts")).toContain("this.subscription = await this.client!.subscribe(topic);");
  });

  it("keeps the group on compat when another module subscribes the same client", () => {
    const reader = READER.replace(
      "  const redis = sub.redis();\n",
      '  const redis = sub.redis();\n  const [other] = await redis.subscribe("other");\n  void other;\n',
    );
    const { out, groups } = run({ "subscriber.ts": SUBSCRIBER, "reader.ts": reader });
    expect(groups.filter((g) => g.held)).toHaveLength(1);
    expect(out.get("reader.ts")).toContain("subscribe() on a client whose class keeps its subscriptions in PubSub fields");
  });

  it("keeps the group on compat when the field is read as a Channel list", () => {
    const subscriber = SUBSCRIBER.replace(
      "  channel(): aioredis.Channel {",
      "  first(): aioredis.Channel {\n    return this.subscription![0]!;\n  }\n\n  channel(): aioredis.Channel {",
    );
    const { out, groups } = run({ "subscriber.ts": subscriber, "reader.ts": READER });
    expect(groups.filter((g) => g.held)).toHaveLength(1);
    expect(out.get("subscriber.ts")).toContain("the Channel list from subscribe() is kept in this.subscription, and read as a Channel list");
  });

  it("keeps the group on compat when the field keeps several channels", () => {
    const subscriber = SUBSCRIBER.replace("subscribe(topic);", 'subscribe(topic, "more");');
    const { out, groups } = run({ "subscriber.ts": subscriber, "reader.ts": READER });
    expect(groups.filter((g) => g.held)).toHaveLength(1);
    expect(out.get("subscriber.ts")).toContain("with several channels");
  });
});
