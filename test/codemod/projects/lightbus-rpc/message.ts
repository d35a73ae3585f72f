export class RpcMessage {
  constructor(
    readonly apiName: string,
    readonly procedureName: string,
    readonly kwargs: Record<string, unknown>,
    readonly id: string,
  ) {}

  toDict(): Record<string, string> {
    return { api_name: this.apiName, procedure_name: this.procedureName, kwargs: JSON.stringify(this.kwargs), id: this.id };
  }

  /** From a stream entry's fields (bytes, as redis gives them). */
  static fromDict(d: Record<string, string | Buffer>): RpcMessage {
    const s = (k: string) => String(d[k]);
    return new RpcMessage(s("api_name"), s("procedure_name"), JSON.parse(s("kwargs")) as Record<string, unknown>, s("id"));
  }

  toString(): string {
    return `${this.apiName}.${this.procedureName}(${JSON.stringify(this.kwargs)})`;
  }
}

export class ResultMessage {
  constructor(
    readonly result: unknown,
    readonly rpcId: string,
  ) {}
}
