/** app_settings["redis"] */
export const appSettings = {
  redis: {
    host: "localhost",
    port: 6379,
    pool: { minsize: 2, maxsize: 5 },
  },
};

export function configureFromUrl(url: string): void {
  const u = new URL(url);
  appSettings.redis.host = u.hostname;
  appSettings.redis.port = Number(u.port || 6379);
}
