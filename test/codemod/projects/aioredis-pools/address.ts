const url = new URL(process.env.REDIS_URL ?? "redis://localhost:6379");

/** The examples' `('localhost', 6379)`. */
export const ADDRESS: [string, number] = [url.hostname, Number(url.port || 6379)];
