import type { BaseCacheBackend } from "./backends/base.js";

export class CacheRegistry {
  private static caches: Record<string, BaseCacheBackend> = {};

  static get(name: string): BaseCacheBackend | null {
    return CacheRegistry.caches[name] ?? null;
  }

  static set(name: string, cache: BaseCacheBackend): void {
    if (name in CacheRegistry.caches) throw new Error("Cache with the same name already registered");
    CacheRegistry.caches[name] = cache;
  }

  static all(): BaseCacheBackend[] {
    return Object.values(CacheRegistry.caches);
  }

  static remove(name: string): void {
    if (!(name in CacheRegistry.caches)) throw new Error("Cache with the same name not registered");
    delete CacheRegistry.caches[name];
  }

  static flush(): void {
    CacheRegistry.caches = {};
  }
}
