import * as aioredis from "aioredis";
import type { Api } from "../api.js";
import { ResultMessage, RpcMessage } from "../message.js";
import { ResultTransport, RpcTransport } from "./base.js";

export interface RedisRpcTransportOptions {
  host?: string;
  port?: number;
  db?: number | null;
  password?: string | null;
  redis?: aioredis.Redis | null;
}

export class RedisRpcTransport extends RpcTransport {
  readonly host: string;
  readonly port: number;
  readonly db: number | null;
  readonly password: string | null;
  private redis: aioredis.Redis | null;
  private readonly latestIds = new Map<string, string>();

  constructor(options: RedisRpcTransportOptions = {}) {
    super();
    this.host = options.host ?? "localhost";
    this.port = options.port ?? 6379;
    this.db = options.db ?? null;
    this.password = options.password ?? null;
    this.redis = options.redis ?? null;
  }

  /** One connection, made on first use (or the client given to the constructor). */
  async getRedis(): Promise<aioredis.Redis> {
    if (this.redis === null) {
      this.redis = await aioredis.createRedis([this.host, this.port], { db: this.db, password: this.password });
    }
    return this.redis;
  }

  async callRpc(rpcMessage: RpcMessage): Promise<void> {
    const stream = `${rpcMessage.apiName}_stream`;
    const redis = await this.getRedis();
    // TODO: MAXLEN
    await redis.xadd({ stream, fields: rpcMessage.toDict() });
  }

  async consumeRpcs(apis: Api[]): Promise<RpcMessage[]> {
    // the name of each stream, and where we last left off in each
    const streams = apis.map((api) => `${api.meta.name}_stream`);
    const latestIds = streams.map((stream) => this.latestIds.get(stream) ?? "0");
    const redis = await this.getRedis();
    const messages = await redis.xread(streams, { latestIds });
    for (const [stream, messageId] of messages) this.latestIds.set(String(stream), String(messageId));
    return messages.map(([, , fields]) => RpcMessage.fromDict(fields));
  }

  async close(): Promise<void> {
    if (this.redis) {
      this.redis.close();
      await this.redis.waitClosed();
    }
  }
}

/** Results handed over in the process (the "direct" result transport of the original). */
export class RedisResultTransport extends ResultTransport {
  private readonly waiting = new Map<string, (r: ResultMessage) => void>();
  private readonly results = new Map<string, Promise<ResultMessage>>();

  getReturnPath(rpcMessage: RpcMessage): string {
    this.results.set(rpcMessage.id, new Promise((resolve) => this.waiting.set(rpcMessage.id, resolve)));
    return "";
  }

  async send(rpcMessage: RpcMessage, resultMessage: ResultMessage): Promise<void> {
    this.waiting.get(rpcMessage.id)?.(resultMessage);
  }

  async receive(rpcMessage: RpcMessage): Promise<ResultMessage> {
    return this.results.get(rpcMessage.id)!;
  }
}
