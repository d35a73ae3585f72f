import type { Api } from "./api.js";
import { ResultMessage, RpcMessage } from "./message.js";
import type { ResultTransport, RpcTransport } from "./transports/base.js";

export class BusNode {
  private nextId = 0;

  constructor(
    private readonly rpcTransport: RpcTransport,
    private readonly resultTransport: ResultTransport,
    private readonly apis: Api[] = [],
  ) {}

  /** Calls a remote procedure and waits for its result. */
  async callRpcRemote(apiName: string, name: string, kwargs: Record<string, unknown>): Promise<unknown> {
    const message = new RpcMessage(apiName, name, kwargs, `rpc-${++this.nextId}`);
    this.resultTransport.getReturnPath(message);
    await this.rpcTransport.callRpc(message);
    return (await this.resultTransport.receive(message)).result;
  }

  /** One round of serving: read what was called, run it, send the results. */
  async consumeOnce(): Promise<string[]> {
    const served: string[] = [];
    for (const message of await this.rpcTransport.consumeRpcs(this.apis)) {
      const api = this.apis.find((a) => a.meta.name === message.apiName)!;
      const result = api.call(message.procedureName, message.kwargs);
      await this.resultTransport.send(message, new ResultMessage(result, message.id));
      served.push(String(message));
    }
    return served;
  }
}
