export const DEFAULT_TIMEOUT = 600;

export type Key = string | number;
export type Value = string | number;

export abstract class BaseCacheBackend {
  abstract add(key: Key, value: Value, timeout?: number): Promise<boolean>;
  abstract get(key: Key, defaultValue?: Value | null): Promise<Value | null>;
  abstract set(key: Key, value: Value, timeout?: number): Promise<boolean>;
  abstract delete(key: Key): Promise<number | boolean>;
  abstract flush(): Promise<void>;
  abstract close(): Promise<void>;
}
