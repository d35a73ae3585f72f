export { redis } from "./db.js";
export { Cache } from "./cache.js";
