import type { Address, BaseStorage, Data } from "./storage/base.js";

/** The per-chat/user view of a storage (aiogram's FSMContext). */
export class FSMContext {
  constructor(
    private readonly storage: BaseStorage,
    private readonly chat: Address,
    private readonly user: Address,
  ) {}

  getState(): Promise<string | null> {
    return this.storage.getState({ chat: this.chat, user: this.user });
  }
  getData(): Promise<Data> {
    return this.storage.getData({ chat: this.chat, user: this.user });
  }
  setState(state: string | null): Promise<void> {
    return this.storage.setState({ chat: this.chat, user: this.user, state });
  }
  updateData(data: Data): Promise<void> {
    return this.storage.updateData({ chat: this.chat, user: this.user, data });
  }
  finish(): Promise<void> {
    return this.storage.finish({ chat: this.chat, user: this.user });
  }
}

export class Dispatcher {
  constructor(readonly storage: BaseStorage) {}

  currentState(chat: Address, user: Address): FSMContext {
    return new FSMContext(this.storage, chat, user);
  }
}
