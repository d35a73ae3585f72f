import * as aioredis from "aioredis";

/** A node: an address to connect to, or a client given by the caller (kept open by us). */
export type Node = string | aioredis.Redis;

export class Replica {
  private client: aioredis.Redis | null = null;
  constructor(readonly node: Node) {}

  async connect(): Promise<aioredis.Redis> {
    if (this.node instanceof aioredis.Redis) this.client = this.node;
    else if (typeof this.node === "string") this.client = await aioredis.createRedis(this.node);
    return this.client!;
  }

  describe(): string {
    return typeof this.node === "string" ? this.node.replace(/:[^:@/]*@/, ":***@") : "a client";
  }

  async close(): Promise<void> {
    if (this.client !== null && !(this.node instanceof aioredis.Redis)) {
      this.client.close();
      await this.client.waitClosed();
    }
    this.client = null;
  }
}

/** Writes go to every replica; a write holds when a majority took it. */
export class Quorum {
  readonly replicas: Replica[];
  readonly first: Node | undefined;
  constructor(nodes: Node[]) {
    this.replicas = nodes.map((n) => new Replica(n));
    this.first = nodes[0];
  }

  async set(key: string, value: string): Promise<boolean> {
    const results = await Promise.allSettled(this.replicas.map(async (r) => (await r.connect()).set(key, value)));
    return results.filter((r) => r.status === "fulfilled").length > this.replicas.length / 2;
  }

  async close(): Promise<void> {
    for (const r of this.replicas) await r.close();
  }
}

/** Counts keys on every client given. */
export async function sizes(clients: aioredis.Redis[]): Promise<number[]> {
  const out: number[] = [];
  for (const c of clients) out.push(await c.dbsize());
  return out;
}
