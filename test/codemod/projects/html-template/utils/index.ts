export { Database } from "./database.js";
export { Redis } from "./redis.js";
