import { ConnectionsPool, createPool, type PoolOptions } from "aioredis";
import type { Address } from "aioredis";

/** The pool class of tests/pool_test.py's test_create_pool_cls, made through `pool_cls`. */
export class MyPool extends ConnectionsPool {
  constructor(address: Address, options?: PoolOptions) {
    super(address, options);
  }
}

export async function createMyPool(address: Address): Promise<ConnectionsPool> {
  const pool = await createPool(address, { poolCls: MyPool, minsize: 1, maxsize: 2 });
  if (!(pool instanceof MyPool)) throw new TypeError("create_pool ignored pool_cls");
  return pool;
}
