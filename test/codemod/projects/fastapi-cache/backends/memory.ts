import { BaseCacheBackend, DEFAULT_TIMEOUT, type Key, type Value } from "./base.js";

export const CACHE_KEY = "IN_MEMORY";

/** The in-process backend (no expiry bookkeeping in this translation). */
export class InMemoryCacheBackend extends BaseCacheBackend {
  private readonly store = new Map<Key, Value>();

  async add(key: Key, value: Value, timeout: number = DEFAULT_TIMEOUT): Promise<boolean> {
    void timeout;
    if (this.store.has(key)) return false;
    this.store.set(key, value);
    return true;
  }

  async get(key: Key, defaultValue: Value | null = null): Promise<Value | null> {
    return this.store.get(key) ?? defaultValue;
  }

  async set(key: Key, value: Value, timeout: number = DEFAULT_TIMEOUT): Promise<boolean> {
    void timeout;
    this.store.set(key, value);
    return true;
  }

  async delete(key: Key): Promise<boolean> {
    return this.store.delete(key);
  }

  async flush(): Promise<void> {
    this.store.clear();
  }

  async close(): Promise<void> {}
}
