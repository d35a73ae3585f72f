import { ConnectionsPool, type PoolOptions } from "aioredis";
import type { Address } from "aioredis";

/** A pool subclass whose constructor names the v1 types its base takes. */
export class MyPool extends ConnectionsPool {
  constructor(address: Address, options?: PoolOptions) {
    super(address, options);
  }
}
