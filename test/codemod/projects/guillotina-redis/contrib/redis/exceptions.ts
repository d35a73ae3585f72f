export class NoRedisConfigured extends Error {
  constructor() {
    super("redis is not configured: call initialize() first");
    this.name = "NoRedisConfigured";
  }
}
