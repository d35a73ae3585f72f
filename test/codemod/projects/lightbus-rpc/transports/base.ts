import type { Api } from "../api.js";
import type { ResultMessage, RpcMessage } from "../message.js";

export abstract class RpcTransport {
  abstract callRpc(rpcMessage: RpcMessage): Promise<void>;
  abstract consumeRpcs(apis: Api[]): Promise<RpcMessage[]>;
}

export abstract class ResultTransport {
  abstract getReturnPath(rpcMessage: RpcMessage): string;
  abstract send(rpcMessage: RpcMessage, resultMessage: ResultMessage): Promise<void>;
  abstract receive(rpcMessage: RpcMessage): Promise<ResultMessage>;
}
