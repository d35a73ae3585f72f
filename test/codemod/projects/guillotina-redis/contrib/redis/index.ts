import { RedisDriver } from "./driver.js";

let driver: RedisDriver | null = null;

/** The process-wide driver, initialised on first use. */
export async function getDriver(): Promise<RedisDriver> {
  if (driver === null) {
    driver = new RedisDriver();
    await driver.initialize();
  }
  return driver;
}

export { RedisDriver } from "./driver.js";
export { NoRedisConfigured } from "./exceptions.js";
