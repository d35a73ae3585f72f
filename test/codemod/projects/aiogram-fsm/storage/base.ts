export type Address = string | number | null | undefined;
export type Data = Record<string, unknown>;

export abstract class BaseStorage {
  static checkAddress(chat: Address, user: Address): [string | number, string | number] {
    if (chat == null && user == null) throw new Error("`user` or `chat` parameter is required but no one is provided!");
    if (user == null) user = chat;
    else if (chat == null) chat = user;
    return [chat!, user!];
  }

  resolveState(value: string | null | undefined): string | null {
    return value ?? null;
  }

  abstract close(): Promise<void>;
  abstract waitClosed(): Promise<void>;
  abstract getState(opts: { chat?: Address; user?: Address; default?: string | null }): Promise<string | null>;
  abstract getData(opts: { chat?: Address; user?: Address; default?: Data }): Promise<Data>;
  abstract setState(opts: { chat?: Address; user?: Address; state?: string | null }): Promise<void>;
  abstract setData(opts: { chat?: Address; user?: Address; data?: Data }): Promise<void>;

  async updateData(opts: { chat?: Address; user?: Address; data?: Data }): Promise<void> {
    const data = await this.getData(opts);
    await this.setData({ ...opts, data: { ...data, ...(opts.data ?? {}) } });
  }

  async finish(opts: { chat?: Address; user?: Address }): Promise<void> {
    await this.setState({ ...opts, state: null });
    await this.setData({ ...opts, data: {} });
  }
}
